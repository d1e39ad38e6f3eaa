"""The first two stages: the script cut into scenes, and the production breakdown.

``script`` adds one ``scene`` step per scene whose parameters are the scene's
content (line numbers left out, so moving a scene remakes nothing).
``breakdown`` adds one ``scene-breakdown`` step per scene (where, when, how
long, who, and every element by category: see :mod:`clapboard.plan.categories`)
and the film-wide steps gathered from them: ``breakdown`` (scenes, characters,
sets and a first shooting schedule, ``out/breakdown.json``), its spreadsheet
(``out/breakdown.csv``) and the continuity report (``out/continuity.json``).
Editing one scene remakes that scene's steps and the film-wide ones only.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import MISSING, fields, is_dataclass, replace
from typing import TYPE_CHECKING, Any

from clapboard.plan import reader
from clapboard.plan.categories import CATEGORIES, Roster, SceneBreakdown, break_down, cast_roster
from clapboard.plan.continuity import Placed, check
from clapboard.plan.records import dumps, from_data, loads, to_data
from clapboard.plan.schedule import schedule
from clapboard.plan.stages import kind, stage
from clapboard.plan.step import PlanError, canonical_json
from clapboard.screenplay import model
from clapboard.screenplay.emphasis import plain
from clapboard.screenplay.pagination import format_eighths

if TYPE_CHECKING:
    from clapboard.plan.plan import Planner
    from clapboard.plan.stages import Job
    from clapboard.screenplay import Scene, Screenplay

#: The model classes a scene is made of, by class name, for decoding.
_CLASSES: dict[str, type] = {
    cls.__name__: cls for cls in (*model.ELEMENT_TYPES, model.Character, model.Parenthetical, model.Line)
}


#: The fields of a scene's breakdown, in the order breakdown.json lists them.
_SCENE_FIELDS = (
    "heading",
    "setting",
    "location",
    "time",
    "day_night",
    "synopsis",
    "cast",
    "speeches",
    "words",
    "eighths",
    "seconds",
    "silent",
    "voices",
)


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
    """A breakdown per scene, then the film's breakdown, its CSV and the continuity report gathered from them.

    Every scene's step carries the film's roster (who the characters are and
    how the action refers to them), so naming a new character remakes the
    scene breakdowns; editing one scene's text remakes only its own.
    """
    params = {"roster": to_data(cast_roster(script)), "reader": reader.identity()}
    scenes = script.scenes
    per_scene = [
        plan.add("scene-breakdown", f"{s.name}/breakdown", inputs=[s], params=params) for s in plan.steps_of("script")
    ]
    title = " ".join(plain(script.title).split()) if script.title else ""
    numbers = [scene.number for scene in scenes]
    film = plan.add(
        "breakdown", "breakdown", params={"title": title, "numbers": numbers}, inputs=per_scene, export="breakdown.json"
    )
    plan.add("breakdown-csv", "breakdown/csv", inputs=[film], export="breakdown.csv")
    plan.add(
        "continuity",
        "continuity",
        params={
            "numbers": numbers,
            "sequences": sequences(scenes),
            "lines": [element_lines(scene) for scene in scenes],
            "roster": params["roster"],
        },
        inputs=per_scene,
        export="continuity.json",
    )


def sequences(scenes: tuple[Scene, ...]) -> list[int]:
    """The sequence each scene belongs to: a new one starts after each outline section (``# ACT TWO``)."""
    found: list[int] = []
    current = 0
    for scene in scenes:
        found.append(current)
        if any(isinstance(el, model.Section) for el in scene.elements):
            current += 1
    return found


def element_lines(scene: Scene) -> list[list[int]]:
    """The script line of each of the scene's elements, the heading's first: one line each, two for dual dialogue.

    Steps downstream of a scene see it without line numbers (so moving it
    remakes nothing); the film-wide steps that cite lines get them from here.
    """
    lines = [[scene.heading.line]]
    for el in scene.elements:
        lines.append([el.left.line, el.right.line] if isinstance(el, model.DualDialogue) else [el.line])
    return lines


def place_line(lines: list[list[int]], element: int, part: int = 0, offset: int = 0) -> int:
    """The script line of scene element ``element`` (side ``part`` of dual dialogue), ``offset`` lines into it."""
    if not 0 <= element < len(lines) - 1:
        return 0
    anchors = lines[element + 1]
    anchor = anchors[min(part, len(anchors) - 1)]
    return anchor + offset if anchor else 0


def placed(breakdown: SceneBreakdown, lines: list[list[int]]) -> SceneBreakdown:
    """``breakdown`` with the script line of every item, movement, cue and spelling filled in."""
    return replace(
        breakdown,
        items=tuple(replace(i, line=place_line(lines, i.element, 0, i.offset)) for i in breakdown.items),
        movements=tuple(replace(m, line=place_line(lines, m.element, 0, m.offset)) for m in breakdown.movements),
        cues=tuple(replace(c, line=place_line(lines, c.element)) for c in breakdown.cues),
        spellings=tuple(replace(w, line=place_line(lines, w.element)) for w in breakdown.spellings),
    )


@kind("scene")
def make_scene(job: Job) -> bytes:
    """The scene's content as canonical JSON, for the steps downstream to read."""
    return canonical_json(job.params["scene"]).encode()


@kind("scene-breakdown")
def make_scene_breakdown(job: Job) -> bytes:
    """Everything a breakdown sheet records for one scene (see :func:`clapboard.plan.categories.break_down`)."""
    scene = scene_from_data(job.input_json(0))
    return dumps(break_down(scene, from_data(Roster, job.params["roster"])))


def scene_breakdowns(job: Job) -> list[SceneBreakdown]:
    """The scene breakdowns a film-wide step reads, one per scene number in its parameters."""
    numbers: list[str] = job.params["numbers"]
    if len(numbers) != len(job.inputs):
        raise PlanError(f"{job.step.name}: {len(numbers)} scene numbers for {len(job.inputs)} scene breakdowns")
    return [loads(SceneBreakdown, data) for data in job.inputs]


@kind("breakdown")
def make_breakdown(job: Job) -> bytes:
    """The film's breakdown: every scene with its elements by category, the characters, the sets, the schedule."""
    numbers: list[str] = job.params["numbers"]
    scenes = scene_breakdowns(job)
    return (
        json.dumps(film_breakdown(job.params["title"], numbers, scenes), indent=2, ensure_ascii=False) + "\n"
    ).encode()


def film_breakdown(title: str, numbers: list[str], scenes: list[SceneBreakdown]) -> dict[str, Any]:
    """The document ``breakdown.json`` holds, as plain data."""
    records: list[dict[str, Any]] = []
    characters: dict[str, dict[str, Any]] = {}
    locations: dict[str, dict[str, Any]] = {}
    for number, scene in zip(numbers, scenes, strict=True):
        record = {"number": number, **{name: getattr(scene, name) for name in _SCENE_FIELDS}}
        record["length"] = format_eighths(scene.eighths)
        record["elements"] = {c.key: list(scene.names(c.key)) for c in CATEGORIES}
        record["items"] = [{k: v for k, v in to_data(item).items() if k != "line"} for item in scene.items]
        records.append(record)
        for name in scene.cast:
            person = characters.setdefault(name, _person(name))
            person["scenes"].append(number)
            person["speeches"] += scene.speeches[name]
            person["words"] += scene.words[name]
        for name in (*scene.cast, *scene.silent):
            characters.setdefault(name, _person(name))["appears"].append(number)
        place = locations.setdefault(
            scene.location, {"name": scene.location, "settings": [], "times": [], "scenes": []}
        )
        for key, value in (("settings", scene.setting), ("times", scene.day_night)):
            if value and value not in place[key]:
                place[key].append(value)
        place["scenes"].append(number)
    plan = schedule(list(zip(numbers, scenes, strict=True)))
    return {
        "title": title,
        "runtime_seconds": sum(s.seconds for s in scenes),
        "categories": [to_data(c) for c in CATEGORIES],
        "scenes": records,
        "characters": list(characters.values()),
        "locations": list(locations.values()),
        "schedule": to_data(plan),
    }


def _person(name: str) -> dict[str, Any]:
    return {"name": name, "scenes": [], "speeches": 0, "words": 0, "appears": []}


@kind("breakdown-csv")
def make_breakdown_csv(job: Job) -> bytes:
    """The breakdown as one spreadsheet row per scene, a column per category."""
    document = job.input_json(0)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = [c for c in document["categories"] if c["key"] != "cast"]
    writer.writerow(
        ["scene", "heading", "int/ext", "location", "time", "day/night", "pages", "seconds", "cast", "voices"]
        + [c["title"] for c in columns]
        + ["synopsis"]
    )
    for scene in document["scenes"]:
        writer.writerow(
            [
                scene["number"],
                scene["heading"],
                scene["setting"],
                scene["location"],
                scene["time"],
                scene["day_night"],
                scene["length"],
                scene["seconds"],
                "; ".join(scene["elements"]["cast"]),
                "; ".join(scene["voices"]),
            ]
            + ["; ".join(scene["elements"][c["key"]]) for c in columns]
            + [scene["synopsis"] or ""]
        )
    return out.getvalue().encode()


@kind("continuity")
def make_continuity(job: Job) -> bytes:
    """The continuity report: wardrobe and props per character across scenes, and every flag with its line."""
    numbers: list[str] = job.params["numbers"]
    lines: list[list[list[int]]] = job.params["lines"]
    scenes = [
        Placed(number, placed(scene, scene_lines), sequence, scene_lines[0][0])
        for number, scene, scene_lines, sequence in zip(
            numbers, scene_breakdowns(job), lines, job.params["sequences"], strict=True
        )
    ]
    return dumps(check(scenes, from_data(Roster, job.params["roster"])))
