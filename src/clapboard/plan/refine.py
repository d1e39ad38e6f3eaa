"""A text backend's second opinion on a scene's coverage, through a fixed JSON schema.

The heuristic shot list is the default and the fallback. When a text backend
is configured, it is shown the scene and the heuristic shots and asked for
changes in a JSON document that must follow :data:`SCHEMA`: per shot, a new
size, angle, lens or move, and per character, a new mark on the floor plan.
An answer that is not valid JSON, breaks the schema, or would put a camera on
the far side of the line of action is discarded whole and the heuristic plan
stands; what the backend changed is marked with its name in ``made_by``.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

from clapboard.plan.shots import ANGLES, MOVES, SIZES, Mark, SceneShots, side_of_line, staged

#: The JSON schema of an answer (also sent in the prompt, for backends that constrain output to a schema).
SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "shots": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["index"],
                "properties": {
                    "index": {"type": "integer", "minimum": 1},
                    "size": {"enum": list(SIZES)},
                    "angle": {"enum": list(ANGLES)},
                    "lens_mm": {"type": "integer", "minimum": 10, "maximum": 300},
                    "move": {"enum": list(MOVES)},
                },
            },
        },
        "blocking": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "x", "y", "facing"],
                "properties": {
                    "name": {"type": "string"},
                    "x": {"type": "number"},
                    "y": {"type": "number"},
                    "facing": {"type": "number"},
                },
            },
        },
    },
}
_OBJECT = re.compile(r"\{.*\}", re.S)


def prompt(scene_text: str, coverage: SceneShots) -> str:
    """What the backend is asked: the scene, the heuristic shots and blocking, and the answer's schema."""
    shots = [
        {
            "index": s.index,
            "kind": s.kind,
            "subject": s.subject,
            "size": s.size,
            "angle": s.angle,
            "lens_mm": s.lens_mm,
            "move": s.move,
            "covers": [c.text[:80] for c in s.covers],
        }
        for s in coverage.shots
    ]
    marks = [{"name": m.name, "x": m.x, "y": m.y, "facing": m.facing} for m in coverage.plan.marks]
    return (
        "You are a film director refining a shot list. Keep every camera on the same side of the line of action "
        "(cameras stand at y < 0). Change only what improves the coverage.\n\n"
        f"SCENE:\n{scene_text}\n\nSHOTS:\n{json.dumps(shots)}\n\nBLOCKING (metres, facing in degrees):\n"
        f"{json.dumps(marks)}\n\nAnswer with one JSON object following this schema, nothing else:\n"
        f"{json.dumps(SCHEMA)}"
    )


def apply(coverage: SceneShots, answer: str, backend: str) -> tuple[SceneShots, str]:
    """``coverage`` with the backend's changes, and a note saying what happened; the heuristic on any fault."""
    found = _OBJECT.search(answer)
    if found is None:
        return coverage, f"{backend} gave no JSON; the heuristic plan stands"
    try:
        data = json.loads(found.group(0))
    except json.JSONDecodeError:
        return coverage, f"{backend} gave invalid JSON; the heuristic plan stands"
    problem = _check(data, coverage)
    if problem:
        return coverage, f"{backend}'s answer {problem}; the heuristic plan stands"
    marks = {m.name: m for m in coverage.plan.marks}
    for entry in data.get("blocking", []):
        marks[entry["name"]] = Mark(entry["name"], float(entry["x"]), float(entry["y"]), float(entry["facing"]) % 360)
    plan = replace(coverage.plan, marks=tuple(marks[m.name] for m in coverage.plan.marks))
    if data.get("blocking") and any(side_of_line(plan, s.camera) != s.side for s in coverage.shots):
        return coverage, f"{backend}'s blocking would cross the line; the heuristic plan stands"
    changes = {entry["index"]: entry for entry in data.get("shots", [])}
    shots = []
    for shot in coverage.shots:
        change = {k: v for k, v in changes.get(shot.index, {}).items() if k != "index"}
        if change and any(getattr(shot, k) != v for k, v in change.items()):
            shot = replace(shot, **change, made_by=backend)
        shots.append(shot)
    refined = staged(replace(coverage, plan=plan, shots=tuple(shots)))
    changed = sum(1 for s in refined.shots if s.made_by == backend)
    return refined, f"{backend} refined {changed} of {len(shots)} shots"


def _check(data: Any, coverage: SceneShots) -> str:
    """What is wrong with an answer, or "" when it follows the schema and names real shots and characters."""
    if not isinstance(data, dict) or set(data) - {"shots", "blocking"}:
        return "is not an object with shots and blocking"
    indexes = {s.index for s in coverage.shots}
    names = {m.name for m in coverage.plan.marks}
    allowed = {"index", "size", "angle", "lens_mm", "move"}
    for entry in data.get("shots", []):
        if not isinstance(entry, dict) or set(entry) - allowed or entry.get("index") not in indexes:
            return "names a shot that does not exist or a field that cannot change"
        if "size" in entry and entry["size"] not in SIZES:
            return f"uses an unknown size {entry['size']!r}"
        if "angle" in entry and entry["angle"] not in ANGLES:
            return f"uses an unknown angle {entry['angle']!r}"
        if "move" in entry and entry["move"] not in MOVES:
            return f"uses an unknown move {entry['move']!r}"
        lens = entry.get("lens_mm", 50)
        if not isinstance(lens, int) or isinstance(lens, bool) or not 10 <= lens <= 300:
            return f"uses an impossible lens {lens!r}"
    for entry in data.get("blocking", []):
        if not isinstance(entry, dict) or set(entry) != {"name", "x", "y", "facing"} or entry["name"] not in names:
            return "blocks a character who is not in the scene"
        if not all(isinstance(entry[k], int | float) and not isinstance(entry[k], bool) for k in ("x", "y", "facing")):
            return "gives a mark that is not numbers"
    return ""
