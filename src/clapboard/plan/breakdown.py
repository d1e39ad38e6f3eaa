"""The first two stages: the script cut into scenes, and the production breakdown.

``script`` adds one ``scene`` step per scene whose parameters are the scene's
content (line numbers left out, so moving a scene remakes nothing).
``breakdown`` adds one ``scene-breakdown`` step per scene (where, when, who
speaks and how much) and a film-wide ``breakdown`` that gathers them into
scenes, characters and locations, exported as ``out/breakdown.json``. Editing
one scene remakes that scene's two steps and the film-wide breakdown only.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, fields, is_dataclass
from typing import TYPE_CHECKING, Any

from clapboard.plan.stages import kind, stage
from clapboard.plan.step import PlanError, canonical_json
from clapboard.screenplay import model
from clapboard.screenplay.emphasis import plain

if TYPE_CHECKING:
    from clapboard.plan.plan import Planner
    from clapboard.plan.stages import Job
    from clapboard.screenplay import Scene, Screenplay

#: The model classes a scene is made of, by class name, for decoding.
_CLASSES: dict[str, type] = {
    cls.__name__: cls for cls in (*model.ELEMENT_TYPES, model.Character, model.Parenthetical, model.Line)
}


#: The fields of a scene's breakdown, in the order breakdown.json lists them.
_SCENE_FIELDS = ("heading", "setting", "location", "time", "day_night", "synopsis", "cast", "speeches", "words")


def scene_data(scene: Scene) -> dict[str, Any]:
    """The content of ``scene`` as plain JSON data: every compared field, none of the line numbers."""
    return {"heading": _encode(scene.heading), "elements": [_encode(el) for el in scene.elements]}


def scene_from_data(data: dict[str, Any]) -> Scene:
    """The scene back from :func:`scene_data` (numbered 1, as it stands alone)."""
    heading = _decode(data["heading"])
    if not isinstance(heading, model.SceneHeading):
        raise PlanError(f"scene data starts with a {type(heading).__name__}, not a scene heading")
    return model.Scene(heading, tuple(_decode(el) for el in data["elements"]), "1", 0)


def _encode(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        encoded: dict[str, Any] = {"type": type(value).__name__}
        for f in fields(value):
            item = getattr(value, f.name)
            # Defaults are left out so a field added to the model later does not change every key.
            if f.compare and (f.default is MISSING or item != f.default):
                encoded[f.name] = _encode(item)
        return encoded
    if isinstance(value, tuple):
        return [_encode(item) for item in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        cls = _CLASSES.get(value.get("type", ""))
        if cls is None:
            raise PlanError(f"scene data holds an unknown element type {value.get('type')!r}")
        return cls(**{k: _decode(v) for k, v in value.items() if k != "type"})
    if isinstance(value, list):
        return tuple(_decode(item) for item in value)
    return value


def scene_names(scenes: tuple[Scene, ...]) -> list[str]:
    """A unique step name per scene, ``scene/<number>``; a number the writer used twice gets a suffix."""
    names: list[str] = []
    used: set[str] = set()
    for scene in scenes:
        name = f"scene/{scene.number}"
        suffix = 2
        while name in used:
            name = f"scene/{scene.number}~{suffix}"
            suffix += 1
        used.add(name)
        names.append(name)
    return names


@stage("script")
def plan_scenes(plan: Planner, script: Screenplay) -> None:
    """One step per scene carrying the scene's content: the roots every later stage grows from."""
    scenes = script.scenes
    for name, scene in zip(scene_names(scenes), scenes, strict=True):
        plan.add("scene", name, params={"scene": scene_data(scene)})


@stage("breakdown", consumes=("script",))
def plan_breakdown(plan: Planner, script: Screenplay) -> None:
    """A breakdown per scene, then the film's breakdown gathered from them."""
    per_scene = [plan.add("scene-breakdown", f"{s.name}/breakdown", inputs=[s]) for s in plan.steps_of("script")]
    title = " ".join(plain(script.title).split()) if script.title else ""
    plan.add(
        "breakdown",
        "breakdown",
        params={"title": title, "numbers": [scene.number for scene in script.scenes]},
        inputs=per_scene,
        export="breakdown.json",
    )


@kind("scene")
def make_scene(job: Job) -> bytes:
    """The scene's content as canonical JSON, for the steps downstream to read."""
    return canonical_json(job.params["scene"]).encode()


@kind("scene-breakdown")
def make_scene_breakdown(job: Job) -> bytes:
    """Where and when a scene plays, who speaks in it and how much."""
    scene = scene_from_data(job.input_json(0))
    heading = scene.heading
    speeches: dict[str, int] = {}
    words: dict[str, int] = {}
    for speech in scene.dialogues:
        name = speech.character.name
        speeches[name] = speeches.get(name, 0) + 1
        words[name] = words.get(name, 0) + sum(len(plain(line.text).split()) for line in speech.lines)
    synopsis = next((el.text for el in scene.elements if isinstance(el, model.Synopsis)), None)
    record = {
        "heading": heading.text,
        "setting": heading.setting,
        "location": heading.location or heading.text,
        "time": heading.time,
        "day_night": heading.day_night,
        "cast": list(scene.speaking_characters),
        "speeches": speeches,
        "words": words,
        "synopsis": synopsis,
    }
    return canonical_json(record).encode()


@kind("breakdown")
def make_breakdown(job: Job) -> bytes:
    """The film's breakdown: every scene numbered, each character's and each location's scenes."""
    numbers: list[str] = job.params["numbers"]
    if len(numbers) != len(job.inputs):
        raise PlanError(f"breakdown: {len(numbers)} scene numbers for {len(job.inputs)} scene breakdowns")
    scenes: list[dict[str, Any]] = []
    characters: dict[str, dict[str, Any]] = {}
    locations: dict[str, dict[str, Any]] = {}
    for index, number in enumerate(numbers):
        record = job.input_json(index)
        scenes.append({"number": number, **{field: record[field] for field in _SCENE_FIELDS}})
        for name in record["cast"]:
            person = characters.setdefault(name, {"name": name, "scenes": [], "speeches": 0, "words": 0})
            person["scenes"].append(number)
            person["speeches"] += record["speeches"][name]
            person["words"] += record["words"][name]
        place = locations.setdefault(
            record["location"], {"name": record["location"], "settings": [], "times": [], "scenes": []}
        )
        for key, value in (("settings", record["setting"]), ("times", record["day_night"])):
            if value and value not in place[key]:
                place[key].append(value)
        place["scenes"].append(number)
    document = {
        "title": job.params["title"],
        "scenes": scenes,
        "characters": list(characters.values()),
        "locations": list(locations.values()),
    }
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()
