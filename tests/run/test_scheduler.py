"""The scheduler: dependency order, reuse, parallel steps, stopping after a stage, failures and history."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console

from clapboard.plan import Job, Plan, Planner, Stage, build_plan, kind
from clapboard.run import StepFailed, run_plan
from clapboard.screenplay import Screenplay
from clapboard.store import Store
from tests.plan.scripts import downstream, night_shift


@kind("test-nap")
def _nap(job: Job) -> bytes:
    """Sleeps, then says when it ran: outputs that let a test see which steps overlapped."""
    start = time.perf_counter()
    time.sleep(job.params["seconds"])
    return json.dumps({"name": job.step.name, "start": start, "end": time.perf_counter()}).encode()


@kind("test-fail")
def _fail(job: Job) -> bytes:
    if job.params.get("fail"):
        raise RuntimeError("no film in the camera")
    return b"+".join(job.inputs) or job.step.name.encode()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / ".clapboard") as opened:
        yield opened


def naps(count: int, seconds: float, *, then: bool = False) -> Plan:
    """``count`` independent naps, and with ``then`` one more step that reads them all."""

    def build(plan: Planner, script: Screenplay) -> None:
        steps = [plan.add("test-nap", f"nap/{i}", params={"seconds": seconds, "nap": i}) for i in range(count)]
        if then:
            plan.add("test-nap", "wake", params={"seconds": 0}, inputs=steps)

    return build_plan(Screenplay(), stages=[Stage("naps", build)])


def _intervals(plan: Plan, store: Store) -> dict[str, tuple[float, float]]:
    spans = {}
    for step in plan:
        ran = json.loads(store.output(step.key))
        spans[ran["name"]] = (ran["start"], ran["end"])
    return spans


def _most_at_once(spans: list[tuple[float, float]]) -> int:
    return max(sum(1 for s, e in spans if s <= start < e) for start, _ in spans)


def test_a_plan_is_made_once_and_then_reused(store: Store) -> None:
    plan = build_plan(night_shift())
    steps = len(plan.by_key)
    first = run_plan(plan, store, jobs=2)
    assert (first.status, first.planned, first.ran, first.reused) == ("done", steps, steps, 0)
    outputs = {step.name: store.output(step.key) for step in plan}
    again = run_plan(build_plan(night_shift()), store, jobs=2)
    assert (again.ran, again.reused) == (0, steps)
    assert {step.name: store.output(step.key) for step in plan} == outputs
    assert store.verify() == []


def test_after_a_change_only_the_steps_downstream_of_it_run(store: Store) -> None:
    def made_by(run_id: str) -> set[str]:
        return {take.name for take in store.takes() if take.provenance.run_id == run_id}

    run_plan(build_plan(night_shift()), store)
    changed = build_plan(night_shift(last_line="Always."))
    report = run_plan(changed, store, until="breakdown")
    assert (report.ran, report.reused) == (5, 4)
    made_now = made_by(report.run_id)
    assert made_now == {"scene/2", "scene/2/breakdown", "breakdown", "breakdown/csv", "continuity"}
    # The later stages then remake what reads the changed scene, and only that.
    rest = run_plan(changed, store)
    made_later = made_by(rest.run_id)
    assert made_now | made_later == {"scene/2"} | downstream(changed, "scene/2")
    assert (rest.ran, rest.reused) == (len(made_later), len(changed.by_key) - len(made_later))
    assert json.loads(store.output(changed.by_name["breakdown"].key))["characters"][0]["name"] == "MARY"


def test_independent_steps_run_side_by_side(store: Store) -> None:
    plan = naps(4, 0.4, then=True)
    started = time.perf_counter()
    run_plan(plan, store, jobs=4)
    wall = time.perf_counter() - started
    spans = _intervals(plan, store)
    assert _most_at_once([spans[f"nap/{i}"] for i in range(4)]) == 4
    assert wall < 1.2  # one after another they would take 1.6 s
    # The step that reads all four starts only once the last of them has ended.
    assert spans["wake"][0] >= max(end for _, end in spans.values() if end != spans["wake"][1])


def test_one_job_runs_one_step_at_a_time(store: Store) -> None:
    plan = naps(3, 0.05)
    run_plan(plan, store, jobs=1)
    assert _most_at_once(list(_intervals(plan, store).values())) == 1


def test_until_stops_after_the_named_stage(store: Store) -> None:
    plan = build_plan(night_shift())
    report = run_plan(plan, store, until="script")
    assert (report.planned, report.ran) == (3, 3)
    assert store.made(s.key for s in plan) == {s.key for s in plan if s.stage == "script"}
    rest = run_plan(plan, store)
    assert (rest.ran, rest.reused) == (len(plan.by_key) - 3, 3)
    assert [r.until_stage for r in store.runs()] == [None, "script"]


def test_a_failed_step_stops_the_run_keeps_what_was_made_and_resumes_later(store: Store) -> None:
    def build(fail: bool) -> Plan:
        def stage(plan: Planner, script: Screenplay) -> None:
            fine = plan.add("test-fail", "fine")
            broken = plan.add("test-fail", "broken", params={"fail": fail, "lens": "50mm"})
            plan.add("test-fail", "after", inputs=[fine, broken])

        return build_plan(Screenplay(), stages=[Stage("shoot", stage)])

    failing = build(fail=True)
    with pytest.raises(StepFailed, match="step 'broken' \\(test-fail\\) failed: RuntimeError: no film in the camera"):
        run_plan(failing, store, jobs=1)
    assert store.made(s.key for s in failing) == {failing.by_name["fine"].key}
    last = store.runs()[0]
    assert (last.status, last.ran, last.failed) == ("failed", 1, 1)
    assert "no film in the camera" in (last.error or "")

    report = run_plan(build(fail=False), store)
    assert (report.ran, report.reused) == (2, 1)


def test_provenance_records_the_step_and_its_run(store: Store) -> None:
    plan = build_plan(night_shift())
    report = run_plan(plan, store)
    step = plan.by_name["scene/2/breakdown"]
    take = store.take(step.key)
    assert take is not None
    p = take.provenance
    assert (p.kind, p.name, p.stage, p.slate, p.seed, p.take) == (
        "scene-breakdown",
        "scene/2/breakdown",
        "breakdown",
        step.slate,
        step.seed,
        1,
    )
    assert p.inputs == step.inputs
    assert p.params == step.params_json
    assert (p.made_by, p.run_id, p.backend) == ("machine", report.run_id, None)
    assert store.latest_keys()["scene/2/breakdown"] == step.key


def test_progress_shows_steps_made_and_reused(store: Store) -> None:
    run_plan(build_plan(night_shift()), store, until="script")
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120)
    run_plan(build_plan(night_shift()), store, until="breakdown", progress=True, console=console)
    shown = screen.getvalue()
    assert "6/6" in shown
    assert "3 reused" in shown
