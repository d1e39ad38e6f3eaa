"""The plan: built from the script, keyed so that a change moves exactly the steps downstream of it."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from clapboard.plan import BackendIdentity, Job, PlanError, Planner, Stage, build_plan, kind
from clapboard.screenplay import Screenplay

from .scripts import downstream, night_shift, scene, screenplay

ROOT = Path(__file__).resolve().parents[2]


@kind("test-join")
def _join(job: Job) -> bytes:
    return b"+".join(job.inputs) or job.step.name.encode()


@kind("test-write", capability="text")
def _write(job: Job) -> bytes:
    return job.step.name.encode()


def _keys(script: Screenplay, *, until: str | None = None, **options: Any) -> dict[str, str]:
    plan = build_plan(script, **options)
    return {step.name: step.key for step in (plan.until(until) if until else plan)}


def _changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {name for name in before if before[name] != after[name]}


def test_the_pipeline_plans_every_stage_in_order() -> None:
    # The one place the whole stage list is spelled out: a stage added, dropped or reordered shows up here.
    plan = build_plan(night_shift())
    assert plan.stages == (
        "script",
        "breakdown",
        "arc",
        "shots",
        "breakdown-report",
        "shots-report",
        "voices",
        "timing",
        "score",
        "mix",
        "frames",
        "concept",
        "subtitles",
        "localize",
        "previs",
    )
    assert [s.name for s in plan] == [
        "scene/1",
        "scene/2",
        "scene/3",
        "scene/1/breakdown",
        "scene/2/breakdown",
        "scene/3/breakdown",
        "breakdown",
        "breakdown/csv",
        "continuity",
        "scene/1/arc",
        "scene/2/arc",
        "scene/3/arc",
        "arc",
        "scene/1/shots",
        "scene/2/shots",
        "scene/3/shots",
        "shots",
        "shots/csv",
        "arc/chart",
        "breakdown/report",
        "scene/1/floor-plan",
        "scene/2/floor-plan",
        "scene/3/floor-plan",
        "shots/report",
    ]
    assert [s.export for s in plan.exports] == [
        "breakdown.json",
        "breakdown.csv",
        "continuity.json",
        "arc.json",
        "shots.json",
        "shots.csv",
        "breakdown.html",
        "shots.html",
    ]
    per_scene = tuple(plan.by_name[f"scene/{n}/breakdown"].key for n in (1, 2, 3))
    film = plan.by_name["breakdown"]
    assert (film.inputs, film.export) == (per_scene, "breakdown.json")
    assert plan.by_name["continuity"].inputs == per_scene
    assert plan.by_name["breakdown/csv"].inputs == (film.key,)


def test_the_same_script_gives_the_same_keys() -> None:
    assert _keys(night_shift()) == _keys(night_shift())


def test_a_changed_line_changes_exactly_the_keys_downstream_of_it() -> None:
    early = _changed(
        _keys(night_shift(), until="breakdown"), _keys(night_shift(last_line="Always."), until="breakdown")
    )
    assert early == {"scene/2", "scene/2/breakdown", "breakdown", "breakdown/csv", "continuity"}
    # The whole pipeline: the scene, everything that reads it however indirectly, and nothing else.
    plan = build_plan(night_shift())
    changed = _changed(_keys(night_shift()), _keys(night_shift(last_line="Always.")))
    assert changed == {"scene/2"} | downstream(plan, "scene/2")
    assert not {name for name in changed if name.startswith(("scene/1", "scene/3"))}


def test_line_numbers_are_not_content() -> None:
    script = night_shift()
    shifted = Screenplay(script.title_page, tuple(replace(el, line=el.line + 40) for el in script.elements))
    before, after = _keys(script), _keys(shifted)
    changed = _changed(before, after)
    # Every step of a scene, from the scene itself to its floor plan, sees it without line numbers, so moving
    # scenes about remakes none of them. Only the film-wide continuity report and shot list carry the lines as
    # parameters, on purpose: their flags and shots cite script lines. They, and what reads them, move.
    assert {name: key for name, key in after.items() if name.startswith("scene/")} == {
        name: key for name, key in before.items() if name.startswith("scene/")
    }
    assert changed == {"continuity", "shots"} | downstream(build_plan(script), "continuity", "shots")


def test_a_scene_added_in_front_leaves_the_other_scenes_steps_as_they_were() -> None:
    base = night_shift()
    # Mary, who already speaks first, opens it: every scene's breakdown reads the film's roster (its characters in
    # order of first appearance), so a new scene that brought in or reordered characters would remake them all.
    first = scene("EXT. ROOFTOP - DAWN", ("MARY", "Morning."))
    longer = Screenplay(base.title_page, first + base.elements)
    before = set(_keys(base).values())
    early = {name for name, key in _keys(longer, until="breakdown").items() if key not in before}
    # The old scenes are renumbered but their content, and so their keys, are unchanged.
    assert early == {"scene/1", "scene/1/breakdown", "breakdown", "breakdown/csv", "continuity"}
    new = {name for name, key in _keys(longer).items() if key not in before}
    old_scenes = {name for name in new if name.startswith("scene/") and name.split("/")[1] != "1"}
    # Except, on purpose, the coverage of the scene that now follows the new one (it reads where the scene before
    # it played) and the floor plans, whose drawings are titled with the scenes' new numbers.
    assert old_scenes == {"scene/2/shots", "scene/2/floor-plan", "scene/3/floor-plan", "scene/4/floor-plan"}


def test_a_changed_input_moves_every_step_downstream_and_no_other() -> None:
    #   a   b        a diamond and a bystander: changing a's params must move c and d, never b or e
    #    \ / \
    #     c   e
    #     |
    #     d
    def diamond(variant: str) -> Stage:
        def build(plan: Planner, script: Screenplay) -> None:
            a = plan.add("test-join", "a", params={"variant": variant})
            b = plan.add("test-join", "b")
            c = plan.add("test-join", "c", inputs=[a, b])
            plan.add("test-join", "d", inputs=[c])
            plan.add("test-join", "e", inputs=[b])

        return Stage("shapes", build)

    before = _keys(night_shift(), stages=[diamond("one")])
    after = _keys(night_shift(), stages=[diamond("two")])
    assert {n for n in before if before[n] != after[n]} == {"a", "c", "d"}


def test_a_backend_change_moves_only_the_steps_it_serves() -> None:
    def build(plan: Planner, script: Screenplay) -> None:
        words = plan.add("test-write", "logline")
        plan.add("test-join", "poster", inputs=[words])
        plan.add("test-join", "credits")

    stages = [Stage("pitch", build)]
    v1 = _keys(Screenplay(), stages=stages, backends=lambda cap: BackendIdentity("stand-in", "1"))
    v2 = _keys(Screenplay(), stages=stages, backends=lambda cap: BackendIdentity("stand-in", "2"))
    assert {n for n in v1 if v1[n] != v2[n]} == {"logline", "poster"}
    with pytest.raises(PlanError, match="needs a text backend"):
        build_plan(Screenplay(), stages=stages)


def test_a_stage_plans_a_backend_step_only_when_the_settings_serve_its_capability() -> None:
    asked: list[tuple[bool, bool]] = []

    def pitch(plan: Planner, script: Screenplay) -> None:
        asked.append((plan.can_serve("text"), plan.can_serve("image")))
        if plan.can_serve("text"):
            plan.add("test-write", "logline")

    def text_only(capability: str) -> BackendIdentity | None:
        return BackendIdentity("stand-in", "1") if capability == "text" else None

    stages = [Stage("pitch", pitch)]
    assert [s.name for s in build_plan(Screenplay(), stages=stages, backends=text_only)] == ["logline"]
    assert [s.name for s in build_plan(Screenplay(), stages=stages, backends=lambda capability: None)] == []
    assert [s.name for s in build_plan(Screenplay(), stages=stages)] == []
    assert asked == [(True, False), (False, False), (False, False)]
    # Asking for a step anyway is a planning mistake, not a quiet omission.
    insists = Stage("insists", lambda plan, script: plan.add("test-write", "logline"))
    with pytest.raises(PlanError, match="needs a text backend and none was configured"):
        build_plan(Screenplay(), stages=[insists], backends=lambda capability: None)
    # The pipeline's shot list is refined by a text backend when the settings choose one, and only then.
    refined = [s.name for s in build_plan(night_shift(), backends=text_only) if s.kind == "scene-shots-refined"]
    assert refined == ["scene/1/shots/refined", "scene/2/shots/refined", "scene/3/shots/refined"]
    assert not [s for s in build_plan(night_shift(), backends=lambda capability: None) if s.backend]


def test_planning_loads_no_language_model_or_plotting_library() -> None:
    # Every `clapboard make`, `status` and dry run builds the whole plan; the models load in the steps that use them.
    heavy = ("spacy", "matplotlib", "vaderSentiment", "nrclex")
    code = (
        "import sys\n"
        "from clapboard.plan import BackendIdentity, build_plan\n"
        "from tests.plan.scripts import night_shift\n"
        "build_plan(night_shift(), backends=lambda capability: BackendIdentity('stand-in', '1'))\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))\n"
    )
    found = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"


def test_a_rejection_gives_the_step_a_new_take_and_moves_what_follows() -> None:
    plan = build_plan(night_shift())
    target = plan.by_name["scene/2/breakdown"]
    again = build_plan(night_shift(), rejections={target.slate: 1})
    redone = again.by_name["scene/2/breakdown"]
    assert (redone.take, redone.slate) == (2, target.slate)
    assert redone.seed != target.seed
    moved = {s.name for s in again if s.key != plan.by_name[s.name].key}
    assert moved & {s.name for s in plan.until("breakdown")} == {
        "scene/2/breakdown",
        "breakdown",
        "breakdown/csv",
        "continuity",
    }
    assert moved == {"scene/2/breakdown"} | downstream(plan, "scene/2/breakdown")


def test_a_pinned_step_keeps_its_take_when_upstream_changes() -> None:
    old = build_plan(night_shift())
    pinned = old.by_name["scene/2/breakdown"]
    new = build_plan(night_shift(last_line="Always."), pins={"scene/2/breakdown": pinned})
    assert new.by_name["scene/2/breakdown"].key == pinned.key
    assert new.pinned == {"scene/2/breakdown"}
    # scene/2 itself changed, but nothing downstream of the pin moves.
    assert new.by_name["scene/2"].key != old.by_name["scene/2"].key
    assert new.by_name["breakdown"].key == old.by_name["breakdown"].key


def test_until_keeps_the_named_stage_and_everything_before_it() -> None:
    plan = build_plan(night_shift())
    assert {s.stage for s in plan.until("script")} == {"script"}
    early = plan.until("breakdown")
    assert {s.stage for s in early} == {"script", "breakdown"}
    assert early.steps == tuple(s for s in plan if s.stage in ("script", "breakdown"))
    assert plan.until(plan.stages[-1]).steps == plan.steps
    with pytest.raises(PlanError, match="unknown stage 'casting'"):
        plan.until("casting")


def test_stages_run_after_what_they_consume_whatever_order_they_are_given_in() -> None:
    def late(plan: Planner, script: Screenplay) -> None:
        (early,) = plan.steps_of("early")
        plan.add("test-join", "late", inputs=[early])

    def early(plan: Planner, script: Screenplay) -> None:
        plan.add("test-join", "early")

    plan = build_plan(Screenplay(), stages=[Stage("late", late, ("early",)), Stage("early", early)])
    assert plan.stages == ("early", "late")
    assert [s.name for s in plan] == ["early", "late"]


def test_planning_mistakes_are_plan_errors() -> None:
    def sneaky(plan: Planner, script: Screenplay) -> None:
        plan.steps_of("early")

    def twice(plan: Planner, script: Screenplay) -> None:
        plan.add("test-join", "same")
        plan.add("test-join", "same")

    def elsewhere(plan: Planner, script: Screenplay) -> None:
        plan.add("test-join", "elsewhere")

    def stray(plan: Planner, script: Screenplay) -> None:
        other = build_plan(Screenplay(), stages=[Stage("x", elsewhere)])
        plan.add("test-join", "reader", inputs=[other.by_name["elsewhere"]])

    def unknown(plan: Planner, script: Screenplay) -> None:
        plan.add("no-such-kind", "step")

    early = Stage("early", lambda p, s: None)
    cases = [
        ([early, Stage("sneaky", sneaky)], "without declaring that it consumes it"),
        ([Stage("twice", twice)], "two steps are named 'same'"),
        ([Stage("stray", stray)], "not an earlier step of this plan"),
        ([Stage("unknown", unknown)], "unknown step kind 'no-such-kind'"),
        ([Stage("a", lambda p, s: None, ("b",)), Stage("b", lambda p, s: None, ("a",))], "cycle"),
        ([Stage("a", lambda p, s: None, ("ghost",))], "unknown stage 'ghost'"),
    ]
    for stages, message in cases:
        with pytest.raises(PlanError, match=message):
            build_plan(Screenplay(), stages=stages)


def test_scenes_with_the_same_number_get_distinct_names() -> None:
    script = screenplay(scene("INT. A - DAY"), scene("INT. B - DAY"))
    first, second = script.scenes
    numbered = Screenplay(
        script.title_page,
        (replace(first.heading, number="7"), *first.elements, replace(second.heading, number="7"), *second.elements),
    )
    names = [s.name for s in build_plan(numbered) if s.stage == "script"]
    assert names == ["scene/7", "scene/7~2"]
