"""A project end to end: make, dry run with reasons, status, export, reviews, garbage collection, history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clapboard.errors import StoreError
from clapboard.plan import BackendIdentity, Job, Plan, Planner, Stage, build_plan, kind
from clapboard.project import Project, Settings, new_project
from clapboard.run import (
    collect_garbage,
    dry_run,
    explain,
    export,
    history,
    make,
    plan_project,
    replace_take,
    review,
    run_plan,
    status,
)
from clapboard.screenplay import Screenplay
from clapboard.store import Store
from tests.plan.scripts import downstream
from tests.quick import make_quick

SCRIPT = """\
Title: Night Shift

INT. DINER - NIGHT

Rain on the windows.

MARY
Coffee?

JOE
Black.

EXT. PARKING LOT - NIGHT

JOE
Is it always this quiet?

MARY
Then we close.

INT. DINER - DAY

SAM
Who left the lights on?
"""


@kind("test-logline", capability="text")
def _logline(job: Job) -> bytes:
    return job.backend().generate("a diner at night", seed=job.seed).encode()


@pytest.fixture
def project(tmp_path: Path) -> Project:
    source = tmp_path / "night-shift.fountain"
    source.write_text(SCRIPT)
    made = new_project(tmp_path / "film", source)
    make_quick(made.root)  # the engine is under test here, not the media
    return Project.open(made.root)


def _edit(project: Project, old: str, new: str) -> None:
    project.script_path.write_text(project.script_path.read_text().replace(old, new))


def _reasons(project: Project, until: str | None = None) -> dict[str, str]:
    return {v.step.name: f"{v.action}: {v.reason}" for v in dry_run(project, until=until)}


def _plan(project: Project) -> Plan:
    with project.open_store() as store:
        return plan_project(project, store)


def test_make_writes_the_breakdown_into_out(project: Project) -> None:
    report = make(project, jobs=2, until="breakdown")
    assert (report.status, report.ran, report.reused) == ("done", 9, 0)
    out = project.root / "out"
    target = out / "breakdown.json"
    assert report.exported == (target, out / "breakdown.csv", out / "continuity.json")
    document = json.loads(target.read_text())
    assert document["title"] == "Night Shift"
    assert [s["heading"] for s in document["scenes"]] == [
        "INT. DINER - NIGHT",
        "EXT. PARKING LOT - NIGHT",
        "INT. DINER - DAY",
    ]
    assert [c["name"] for c in document["characters"]] == ["MARY", "JOE", "SAM"]
    again = make(project, until="breakdown")
    assert (again.ran, again.reused, again.exported) == (0, 9, ())
    # The rest of the pipeline, then: every other step made, every other file of the plan written.
    plan = _plan(project)
    rest = make(project)
    assert (rest.ran, rest.reused) == (len(plan.by_key) - 9, 9)
    files = {out / s.export for s in plan.exports if s.stage not in ("script", "breakdown") and s.export[-1] != "/"}
    assert files <= set(rest.exported)
    for folder in (out / s.export for s in plan.exports if s.export.endswith("/")):
        assert {p for p in rest.exported if p.parent == folder}, f"nothing unpacked into {folder}"
    assert sorted(f.name for f in out.iterdir()) == sorted({s.export.split("/")[0] for s in plan.exports})


def test_a_dry_run_says_what_would_run_and_why(project: Project) -> None:
    assert set(_reasons(project).values()) == {"run: new"}
    make(project, until="breakdown")
    assert set(_reasons(project, "breakdown").values()) == {"reuse: up to date"}
    _edit(project, "Then we close.", "Always.")
    assert _reasons(project, "breakdown") == {
        "scene/1": "reuse: up to date",
        "scene/2": "run: params changed (scene)",
        "scene/3": "reuse: up to date",
        "scene/1/breakdown": "reuse: up to date",
        "scene/2/breakdown": "run: input changed (scene/2)",
        "scene/3/breakdown": "reuse: up to date",
        "breakdown": "run: input changed (scene/2/breakdown)",
        "breakdown/csv": "run: input changed (breakdown)",
        "continuity": "run: input changed (scene/2/breakdown)",
    }
    assert all(v.action == "reuse" for v in dry_run(project, until="script") if v.step.name != "scene/2")


def test_a_dry_run_names_a_changed_backend(tmp_path: Path) -> None:
    def pitch(plan: Planner, script: Screenplay) -> None:
        plan.add("test-logline", "logline")

    def plan_with(version: str) -> Plan:
        identity = BackendIdentity("stand-in", version)
        return build_plan(Screenplay(), stages=[Stage("pitch", pitch)], backends=lambda capability: identity)

    with Store.open(tmp_path) as store:
        first = plan_with("1")
        run_plan(first, store, choices=Settings().backends)
        assert store.output(first.by_name["logline"].key).startswith(b"[stand-in")
        (verdict,) = explain(plan_with("2"), store)
        assert (verdict.action, verdict.reason) == ("run", "backend changed (stand-in 1 → stand-in 2)")


def test_status_lists_what_is_stale(project: Project) -> None:
    make(project)
    assert status(project).up_to_date
    _edit(project, "Who left the lights on?", "Lights!")
    current = status(project)
    stale = [v.step.name for v in current.stale]
    assert stale[:5] == ["scene/3", "scene/3/breakdown", "breakdown", "breakdown/csv", "continuity"]
    plan = _plan(project)
    moved = {"scene/3"} | downstream(plan, "scene/3")
    # The casting table counts words and ranks leads by them, so a reworded line may recast (and re-record);
    # nothing else moves. (A voice pinned in [cast] stays put.)
    spoken = {"casting", "audit", *(s.name for s in plan if "/speech/" in s.name)}
    for name in list(spoken):
        spoken |= downstream(plan, name)
    assert set(stale) - moved <= spoken
    assert [n for n in stale if n in moved] == [s.name for s in plan if s.name in moved]
    assert current.last_run is not None
    assert current.last_run.status == "done"


def test_export_copies_the_latest_outputs_even_when_stale(project: Project) -> None:
    make(project)
    target = project.root / "out" / "breakdown.json"
    made = target.read_bytes()
    target.unlink()
    _edit(project, "Lights", "Candles")
    assert export(project) == [target]
    assert target.read_bytes() == made


def test_a_rejected_take_is_made_again_with_a_new_seed(project: Project) -> None:
    make(project, until="breakdown")
    old = review(project, "scene/2/breakdown", "reject", "ana", "wrong cast")
    assert _reasons(project, "breakdown")["scene/2/breakdown"] == "run: take 2 after a rejection"
    report = make(project, until="breakdown")
    assert report.ran == 4  # the new take and the three film-wide steps that read it: breakdown, its CSV, continuity
    with project.open_store() as store:
        new = store.latest()["scene/2/breakdown"]
    assert (new.provenance.take, new.provenance.slate) == (2, old.provenance.slate)
    assert new.provenance.seed != old.provenance.seed


def test_a_pinned_take_stays_when_its_scene_changes(project: Project) -> None:
    make(project)
    pinned = review(project, "scene/2/breakdown", "pin", "ana")
    _edit(project, "Then we close.", "Always.")
    reasons = _reasons(project)
    assert reasons["scene/2/breakdown"] == "reuse: pinned"
    assert reasons["breakdown"] == "reuse: up to date"
    make(project)
    with project.open_store() as store:
        assert store.latest_keys()["scene/2/breakdown"] == pinned.key


def test_a_replaced_take_is_human_made_and_feeds_what_follows(project: Project) -> None:
    make(project, until="breakdown")
    with project.open_store() as store:
        made = json.loads(store.output(store.latest_keys()["scene/2/breakdown"]))
    # The breakdown as made, corrected by hand: a stranger watches the two of them without a word.
    assert made["silent"] == []
    own = json.dumps({**made, "silent": ["A STRANGER"]})
    replaced = replace_take(project, "scene/2/breakdown", own.encode(), "ana", "a stranger watches")
    assert replaced.provenance.made_by == "human"
    reasons = _reasons(project, "breakdown")
    assert reasons["scene/2/breakdown"] == "reuse: pinned"
    assert reasons["breakdown"] == "run: input changed (scene/2/breakdown)"
    assert reasons["continuity"] == "run: input changed (scene/2/breakdown)"
    make(project, until="breakdown")
    document = json.loads((project.root / "out" / "breakdown.json").read_text())
    assert [c["name"] for c in document["characters"]] == ["MARY", "JOE", "A STRANGER", "SAM"]
    with pytest.raises(StoreError, match="no step named 'scene/9'"):
        replace_take(project, "scene/9", b"", "ana")


def test_gc_drops_what_the_plan_no_longer_uses_but_never_approved_takes(project: Project) -> None:
    make(project, until="breakdown")
    approved = review(project, "scene/1/breakdown", "accept", "ana")
    _edit(project, "Coffee?", "Tea, please?")
    make(project, until="breakdown")
    _edit(project, "Tea, please?", "Just water, thanks.")
    make(project, until="breakdown")
    with project.open_store() as store:
        before = {take.key: take for take in store.takes()}
    collected = collect_garbage(project)
    with project.open_store() as store:
        after = {take.key for take in store.takes()}
        assert store.take(approved.key) is not None
        assert store.verify() == []
    # Gone: scene 1 as first written and with tea, its tea breakdown, and the two older takes of each film-wide
    # step. Kept: the approved first breakdown of scene 1 and everything the current plan uses.
    dropped = sorted(take.provenance.name for key, take in before.items() if key not in after)
    assert dropped == sorted(
        ["scene/1", "scene/1", "scene/1/breakdown", *["breakdown", "breakdown/csv", "continuity"] * 2]
    )
    # Only five blobs go with them: what the lines say is in neither the CSV nor the continuity report, so their
    # older takes made the same bytes as the current ones, and those bytes stay.
    assert (collected.takes_dropped, collected.blobs_removed) == (9, 5)
    assert make(project, until="breakdown").ran == 0


def test_history_lists_runs_newest_first(project: Project) -> None:
    make(project, until="script")
    make(project, jobs=1)
    newest, oldest = history(project)
    assert (oldest.until_stage, oldest.ran, oldest.status) == ("script", 3, "done")
    steps = len(_plan(project).by_key)
    assert (newest.until_stage, newest.ran, newest.reused, newest.jobs) == (None, steps - 3, 3, 1)
