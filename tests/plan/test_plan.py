"""The plan: built from the script, keyed so that a change moves exactly the steps downstream of it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from clapboard.plan import BackendIdentity, Job, PlanError, Planner, Stage, build_plan, kind
from clapboard.screenplay import Screenplay

from .scripts import night_shift, scene, screenplay


@kind("test-join")
def _join(job: Job) -> bytes:
    return b"+".join(job.inputs) or job.step.name.encode()


@kind("test-write", capability="text")
def _write(job: Job) -> bytes:
    return job.step.name.encode()


def _keys(script: Screenplay, **options: Any) -> dict[str, str]:
    return {step.name: step.key for step in build_plan(script, **options)}


def test_the_pipeline_plans_scenes_then_their_breakdowns() -> None:
    plan = build_plan(night_shift())
    assert plan.stages[:2] == ("script", "breakdown")
    assert [s.name for s in plan] == [
        "scene/1",
        "scene/2",
        "scene/3",
        "scene/1/breakdown",
        "scene/2/breakdown",
        "scene/3/breakdown",
        "breakdown",
    ]
    film = plan.by_name["breakdown"]
    assert film.inputs == tuple(plan.by_name[f"scene/{n}/breakdown"].key for n in (1, 2, 3))
    assert film.export == "breakdown.json"
    assert plan.exports == (film,)


def test_the_same_script_gives_the_same_keys() -> None:
    assert _keys(night_shift()) == _keys(night_shift())


def test_a_changed_line_changes_exactly_the_keys_downstream_of_it() -> None:
    before = _keys(night_shift())
    after = _keys(night_shift(last_line="Always."))
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"scene/2", "scene/2/breakdown", "breakdown"}


def test_line_numbers_are_not_content() -> None:
    script = night_shift()
    shifted = Screenplay(script.title_page, tuple(replace(el, line=el.line + 40) for el in script.elements))
    assert _keys(shifted) == _keys(script)


def test_a_scene_added_in_front_leaves_the_other_scenes_steps_as_they_were() -> None:
    base = night_shift()
    first = scene("EXT. ROOFTOP - DAWN", ("JOE", "Morning."))
    longer = Screenplay(base.title_page, first + base.elements)
    before = set(_keys(base).values())
    after = _keys(longer)
    new = {name for name, key in after.items() if key not in before}
    # The old scenes are renumbered but their content, and so their keys, are unchanged.
    assert new == {"scene/1", "scene/1/breakdown", "breakdown"}


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


def test_a_rejection_gives_the_step_a_new_take_and_moves_what_follows() -> None:
    plan = build_plan(night_shift())
    target = plan.by_name["scene/2/breakdown"]
    again = build_plan(night_shift(), rejections={target.slate: 1})
    redone = again.by_name["scene/2/breakdown"]
    assert (redone.take, redone.slate) == (2, target.slate)
    assert redone.seed != target.seed
    moved = {s.name for s in again if s.key != plan.by_name[s.name].key}
    assert moved == {"scene/2/breakdown", "breakdown"}


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
    assert len(plan.until("breakdown")) == len(plan)
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
