"""The breakdown stages: scenes carried as data, and the film's breakdown of scenes, characters and locations."""

from __future__ import annotations

import json

import pytest

from clapboard.plan import Job, Plan, PlanError, build_plan, find_kind
from clapboard.plan.breakdown import scene_data, scene_from_data
from clapboard.screenplay import Screenplay

from .scripts import night_shift, with_parenthetical


def _no_backend(capability: str, name: str | None = None) -> None:
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
    document = json.loads(made(build_plan(night_shift()).until("breakdown"))["breakdown"])
    assert document["title"] == "Night Shift"
    first = document["scenes"][0]
    assert {k: first[k] for k in ("number", "heading", "setting", "location", "time", "day_night", "synopsis")} == {
        "number": "1",
        "heading": "INT. DINER - NIGHT",
        "setting": "INT",
        "location": "DINER",
        "time": "NIGHT",
        "day_night": "NIGHT",
        "synopsis": "Mary meets Joe.",
    }
    assert (first["cast"], first["speeches"], first["words"]) == (
        ["MARY", "JOE"],
        {"MARY": 1, "JOE": 1},
        {"MARY": 1, "JOE": 4},
    )
    assert first["elements"]["effects"] == ["rain"]
    assert first["seconds"] == first["eighths"] * 7.5
    assert first["length"] == "1/8"
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
    document = json.loads(made(build_plan(with_parenthetical()).until("breakdown"))["breakdown"])
    assert document["title"] == ""
    assert document["characters"] == [{"name": "MARY", "scenes": ["1"], "speeches": 1, "words": 3, "appears": ["1"]}]


def test_the_breakdown_has_a_schedule_a_spreadsheet_and_the_category_colours() -> None:
    outputs = made(build_plan(night_shift()).until("breakdown"))
    document = json.loads(outputs["breakdown"])
    colours = {c["key"]: c["colour"] for c in document["categories"]}
    assert (colours["cast"], colours["props"], colours["extras"]) == ("#e53935", "#8e24aa", "#43a047")
    plan = document["schedule"]
    # Both diner scenes shot together, the day one first; the car park after.
    assert [s["number"] for s in plan["strips"]] == ["3", "1", "2"]
    assert [s["colour"] for s in plan["strips"]] == ["#ffffff", "#90caf9", "#a5d6a7"]
    assert {c["name"]: c["codes"] for c in plan["cast"]}["SAM"] == ["SWF"]
    rows = outputs["breakdown/csv"].decode().splitlines()
    assert rows[0].startswith("scene,heading,int/ext,location,time,day/night,pages,seconds,cast")
    assert rows[1].startswith("1,INT. DINER - NIGHT,INT,DINER,NIGHT,NIGHT,1/8,7.5,MARY; JOE")
