"""A text backend's refinement of the coverage: applied through the schema, refused when it breaks the rules."""

from __future__ import annotations

import json
from typing import Any, ClassVar

import pytest

from clapboard.plan import BackendIdentity, Job, build_plan, find_kind
from clapboard.plan.arc import read_scene
from clapboard.plan.categories import break_down, cast_roster
from clapboard.plan.records import loads
from clapboard.plan.refine import SCHEMA, apply, prompt
from clapboard.plan.shots import SceneShots, ShotList, cover
from clapboard.screenplay.fountain import parse

SCRIPT = """\
INT. KITCHEN - NIGHT

Ann and Ben sit across the table.

ANN
Did you call him?

BEN
Not yet.

ANN
You promised.
"""


@pytest.fixture(scope="module")
def coverage() -> SceneShots:
    script = parse(SCRIPT)
    scene = script.scenes[0]
    return cover(scene, break_down(scene, cast_roster(script)), read_scene(scene), previous_location=None)


def test_a_valid_answer_changes_the_shots_it_names_and_says_who_chose(coverage: SceneShots) -> None:
    answer = json.dumps({"shots": [{"index": 2, "size": "MS", "move": "dolly in", "lens_mm": 35}]})
    refined, note = apply(coverage, f"Here you are: {answer}", "llamacpp")
    changed = refined.shots[1]
    assert (changed.size, changed.move, changed.lens_mm, changed.made_by) == ("MS", "dolly in", 35, "llamacpp")
    assert all(s.made_by == "heuristic" for i, s in enumerate(refined.shots) if i != 1)
    assert note == f"llamacpp refined 1 of {len(coverage.shots)} shots"


def test_blocking_that_keeps_the_line_is_taken_and_one_that_crosses_it_is_not(coverage: SceneShots) -> None:
    moved = {"blocking": [{"name": "ANN", "x": -1.5, "y": 0.3, "facing": 0}]}
    refined, _ = apply(coverage, json.dumps(moved), "llm")
    assert {m.name: m.x for m in refined.plan.marks}["ANN"] == -1.5
    crossed = {"blocking": [{"name": "ANN", "x": 3.0, "y": 0.0, "facing": 180}]}
    kept, note = apply(coverage, json.dumps(crossed), "llm")
    assert kept == coverage
    assert "cross the line" in note


@pytest.mark.parametrize(
    "answer",
    [
        "I would use more close-ups.",
        "{not json}",
        json.dumps({"shots": [{"index": 99, "size": "MS"}]}),
        json.dumps({"shots": [{"index": 1, "size": "GIANT"}]}),
        json.dumps({"shots": [{"index": 1, "lens_mm": 2}]}),
        json.dumps({"blocking": [{"name": "ZED", "x": 0, "y": 0, "facing": 0}]}),
    ],
)
def test_an_unusable_answer_leaves_the_heuristic_plan(coverage: SceneShots, answer: str) -> None:
    refined, note = apply(coverage, answer, "llm")
    assert refined == coverage
    assert note.endswith("the heuristic plan stands")


def test_the_prompt_carries_the_scene_the_shots_and_the_schema(coverage: SceneShots) -> None:
    asked = prompt("INT. KITCHEN - NIGHT", coverage)
    assert "INT. KITCHEN - NIGHT" in asked
    assert json.dumps(SCHEMA) in asked
    assert '"kind": "over-the-shoulder"' in asked


class Director:
    """A text backend that always asks for a handheld first shot, with the schema it was given."""

    name: ClassVar[str] = "director"
    asked: ClassVar[list[dict[str, Any] | None]] = []

    def generate(self, prompt: str, *, seed: int, max_tokens: int = 512, schema: dict[str, Any] | None = None) -> str:
        self.asked.append(schema)
        return json.dumps({"shots": [{"index": 1, "move": "handheld"}]})


def test_with_a_text_backend_the_plan_refines_each_scene_and_the_list_says_so() -> None:
    plan = build_plan(parse(SCRIPT), backends=lambda capability: BackendIdentity("director", "1")).until("shots")
    assert [s.name for s in plan if s.kind == "scene-shots-refined"] == ["scene/1/shots/refined"]
    made: dict[str, bytes] = {}
    for step in plan:
        inputs = tuple(made[plan.by_key[key].name] for key in step.inputs)
        result = find_kind(step.kind).make(Job(step, inputs, lambda capability, name=None: Director()))
        made[step.name] = result if isinstance(result, bytes) else result.data
    shots = loads(ShotList, made["shots"]).shots
    assert (shots[0].move, shots[0].made_by) == ("handheld", "director")
    assert Director.asked == [SCHEMA]
