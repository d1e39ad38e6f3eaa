"""The breakdown stages: scenes carried as data, and the film's breakdown of scenes, characters and locations."""

from __future__ import annotations

import json

import pytest

from clapboard.plan import Job, Plan, PlanError, build_plan, find_kind
from clapboard.plan.breakdown import scene_data, scene_from_data
from clapboard.screenplay import Screenplay

from .scripts import night_shift, with_parenthetical


def _no_backend(capability: str) -> None:
    raise AssertionError(f"the breakdown must not call a {capability} backend")


def made(plan: Plan) -> dict[str, bytes]:
    """Every step's output by name, made in plan order without a store."""
    outputs: dict[str, bytes] = {}
    for step in plan:
        inputs = tuple(outputs[plan.by_key[key].name] for key in step.inputs)
        result = find_kind(step.kind).make(Job(step, inputs, _no_backend))
        assert isinstance(result, bytes)
        outputs[step.name] = result
    return outputs


@pytest.mark.parametrize("script", [night_shift(), with_parenthetical()])
def test_a_scene_survives_its_trip_through_json(script: Screenplay) -> None:
    for scene in script.scenes:
        data = json.loads(json.dumps(scene_data(scene)))
        again = scene_from_data(data)
        assert (again.heading, again.elements) == (scene.heading, scene.elements)


def test_scene_data_leaves_out_line_numbers_and_defaults() -> None:
    data = scene_data(with_parenthetical().scenes[0])
    assert data["heading"] == {
        "type": "SceneHeading",
        "text": "INT. HALL - DAY",
        "setting": "INT",
        "location": "HALL",
        "time": "DAY",
    }
    assert "line" not in json.dumps(data)


def test_unknown_scene_data_is_a_plan_error() -> None:
    with pytest.raises(PlanError, match="unknown element type 'Explosion'"):
        scene_from_data({"heading": {"type": "Explosion"}, "elements": []})


def test_the_breakdown_lists_scenes_characters_and_locations() -> None:
    document = json.loads(made(build_plan(night_shift()))["breakdown"])
    assert document["title"] == "Night Shift"
    assert document["scenes"][0] == {
        "number": "1",
        "heading": "INT. DINER - NIGHT",
        "setting": "INT",
        "location": "DINER",
        "time": "NIGHT",
        "day_night": "NIGHT",
        "synopsis": "Mary meets Joe.",
        "cast": ["MARY", "JOE"],
        "speeches": {"MARY": 1, "JOE": 1},
        "words": {"MARY": 1, "JOE": 4},
    }
    assert [(c["name"], c["scenes"], c["speeches"]) for c in document["characters"]] == [
        ("MARY", ["1", "2"], 2),
        ("JOE", ["1", "2"], 2),
        ("SAM", ["3"], 1),
    ]
    assert document["locations"] == [
        {"name": "DINER", "settings": ["INT"], "times": ["NIGHT", "DAY"], "scenes": ["1", "3"]},
        {"name": "PARKING LOT", "settings": ["EXT"], "times": ["NIGHT"], "scenes": ["2"]},
    ]


def test_parentheticals_are_not_counted_as_spoken_words() -> None:
    document = json.loads(made(build_plan(with_parenthetical()))["breakdown"])
    assert document["title"] == ""
    assert document["characters"] == [{"name": "MARY", "scenes": ["1"], "speeches": 1, "words": 3}]
