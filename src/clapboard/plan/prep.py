"""The director's-assistant stages after the breakdown: the emotional arc, the shot list and the report.

``arc``: a ``scene-arc`` step per scene and the film's ``arc`` (``out/arc.json``).
``shots``: a ``scene-shots`` step per scene from its breakdown and arc, a
``scene-shots-refined`` step after it when a text backend is configured, and
the film's ``shots`` (``out/shots.json``, ``out/shots.csv``).
``breakdown-report`` and ``shots-report``: the arc chart, a floor plan per
scene, and the two HTML pages (``out/breakdown.html``, ``out/shots.html``).
Each scene's analysis is its own step, so editing a scene remakes its own
steps and the film-wide ones only.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from typing import TYPE_CHECKING

from clapboard.plan import drawing, reader, refine
from clapboard.plan.arc import Arc, SceneArc, film_arc, read_scene
from clapboard.plan.breakdown import element_lines, place_line, scene_from_data
from clapboard.plan.categories import SceneBreakdown
from clapboard.plan.continuity import ContinuityReport
from clapboard.plan.records import dumps, loads
from clapboard.plan.report import breakdown_page, shots_page
from clapboard.plan.shots import SceneShots, ShotList, ShotScene, cover, slate
from clapboard.plan.stages import Output, kind, stage
from clapboard.plan.step import PlanError
from clapboard.screenplay.emphasis import plain
from clapboard.screenplay.fountain import format as fountain_text
from clapboard.screenplay.model import Screenplay

if TYPE_CHECKING:
    from clapboard.plan.plan import Planner
    from clapboard.plan.stages import Job
    from clapboard.plan.step import Step


def _title(script: Screenplay) -> str:
    return " ".join(plain(script.title).split()) if script.title else ""


def _named(steps: tuple[Step, ...], name: str) -> Step:
    found = next((s for s in steps if s.name == name), None)
    if found is None:
        raise PlanError(f"no step named {name!r} to read")
    return found


# --- the arc ----------------------------------------------------------------------


@stage("arc", consumes=("script",))
def plan_arc(plan: Planner, script: Screenplay) -> None:
    """The arc of each scene, then the film's, with its peaks."""
    params = {"reader": reader.identity()}
    per_scene = [plan.add("scene-arc", f"{s.name}/arc", inputs=[s], params=params) for s in plan.steps_of("script")]
    scenes = script.scenes
    plan.add(
        "arc",
        "arc",
        params={
            "title": _title(script),
            "numbers": [s.number for s in scenes],
            "headings": [s.heading.text for s in scenes],
        },
        inputs=per_scene,
        export="arc.json",
    )


@kind("scene-arc")
def make_scene_arc(job: Job) -> bytes:
    """Valence, arousal and emotions of one scene, beat by beat and character by character."""
    return dumps(read_scene(scene_from_data(job.input_json(0))))


@kind("arc")
def make_arc(job: Job) -> bytes:
    """The film's arc: its scenes in order, with their start times and the peaks marked."""
    arcs = [loads(SceneArc, data) for data in job.inputs]
    return dumps(film_arc(job.params["title"], job.params["numbers"], job.params["headings"], arcs))


# --- the shot list ----------------------------------------------------------------


@stage("shots", consumes=("script", "breakdown", "arc"))
def plan_shots(plan: Planner, script: Screenplay) -> None:
    """Coverage per scene from its breakdown and arc, refined by the text backend if one is configured."""
    scenes = script.scenes
    breakdowns = plan.steps_of("breakdown")
    arcs = plan.steps_of("arc")
    chosen: list[Step] = []
    previous: str | None = None
    for step, scene in zip(plan.steps_of("script"), scenes, strict=True):
        inputs = [step, _named(breakdowns, f"{step.name}/breakdown"), _named(arcs, f"{step.name}/arc")]
        params: dict[str, object] = {"previous_location": previous}
        lean = plan.direction.preferences.lean_for(step.name)
        if lean:
            # Only a scene people sent back is re-framed; absent, the key stays as it always was.
            params["lean"] = lean
        shots = plan.add("scene-shots", f"{step.name}/shots", inputs=inputs, params=params)
        chosen.append(_refined(plan, step, shots) or shots)
        previous = scene.heading.location or scene.heading.text
    film = plan.add(
        "shots",
        "shots",
        params={
            "title": _title(script),
            "numbers": [s.number for s in scenes],
            "headings": [s.heading.text for s in scenes],
            "lines": [element_lines(s) for s in scenes],
        },
        inputs=chosen,
        export="shots.json",
    )
    plan.add("shots-csv", "shots/csv", inputs=[film], export="shots.csv")


def _refined(plan: Planner, scene: Step, shots: Step) -> Step | None:
    """The refining step when the settings name a text backend; None when none is configured (plain scripts)."""
    if not plan.can_serve("text"):
        return None
    return plan.add("scene-shots-refined", f"{scene.name}/shots/refined", inputs=[scene, shots])


@kind("scene-shots")
def make_scene_shots(job: Job) -> bytes:
    """The heuristic coverage of one scene: floor plan, blocking and shots in cut order."""
    scene = scene_from_data(job.input_json(0))
    breakdown = loads(SceneBreakdown, job.inputs[1])
    arc = loads(SceneArc, job.inputs[2])
    lean = job.params.get("lean", 0)
    return dumps(cover(scene, breakdown, arc, previous_location=job.params["previous_location"], lean=lean))


@kind("scene-shots-refined", capability="text")
def make_refined_shots(job: Job) -> Output:
    """The text backend's refinement of a scene's coverage; the heuristic plan stands when its answer is unusable."""
    scene = scene_from_data(job.input_json(0))
    coverage = loads(SceneShots, job.inputs[1])
    name = job.step.backend.name if job.step.backend else "text backend"
    asked = refine.prompt(fountain_text(Screenplay(elements=(scene.heading, *scene.elements))), coverage)
    # The prompt carries the schema too, for backends that can only be asked to follow it, not held to it.
    answer = job.backend().generate(asked, seed=job.seed, max_tokens=1024, schema=refine.SCHEMA)
    refined, note = refine.apply(coverage, answer, name)
    return Output(dumps(replace(refined, notes=(*refined.notes, note))), prompt=asked)


@kind("shots")
def make_shot_list(job: Job) -> bytes:
    """The film's shot list: each scene's shots with slate numbers and the script lines they cover."""
    numbers: list[str] = job.params["numbers"]
    if len(numbers) != len(job.inputs):
        raise PlanError(f"shots: {len(numbers)} scene numbers for {len(job.inputs)} scene shot lists")
    scenes = []
    for number, heading, lines, data in zip(
        numbers, job.params["headings"], job.params["lines"], job.inputs, strict=True
    ):
        coverage = loads(SceneShots, data)
        shots = tuple(
            replace(
                shot,
                number=f"{number}{slate(shot.index - 1)}",
                scene=number,
                covers=tuple(replace(c, line=place_line(lines, c.element, c.part)) for c in shot.covers),
            )
            for shot in coverage.shots
        )
        scenes.append(ShotScene(number, heading, coverage.plan, shots, coverage.notes))
    return dumps(ShotList(job.params["title"], tuple(scenes)))


@kind("shots-csv")
def make_shots_csv(job: Job) -> bytes:
    """The shot list as a spreadsheet, one row per shot."""
    shot_list = loads(ShotList, job.inputs[0])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "shot",
            "scene",
            "setup",
            "kind",
            "size",
            "angle",
            "lens_mm",
            "move",
            "subject",
            "characters",
            "side",
            "first_line",
            "last_line",
            "covers",
            "seconds",
            "reason",
            "made_by",
        ]
    )
    for shot in shot_list.shots:
        first, last = shot.lines
        covers = " / ".join(
            f"{c.character + ': ' if c.character else ''}{' '.join(c.text.split())}" for c in shot.covers
        )
        writer.writerow(
            [
                shot.number,
                shot.scene,
                shot.setup,
                shot.kind,
                shot.size,
                shot.angle,
                shot.lens_mm,
                shot.move,
                shot.subject,
                "; ".join(shot.characters),
                shot.side,
                first,
                last,
                covers,
                shot.seconds,
                shot.reason,
                shot.made_by,
            ]
        )
    return out.getvalue().encode()


# --- the report -------------------------------------------------------------------


@stage("breakdown-report", consumes=("breakdown", "arc"))
def plan_breakdown_report(plan: Planner, script: Screenplay) -> None:
    """The arc chart and ``breakdown.html``."""
    breakdown = plan.steps_of("breakdown")
    arc = _named(plan.steps_of("arc"), "arc")
    chart = plan.add("arc-chart", "arc/chart", inputs=[arc])
    inputs = [_named(breakdown, "breakdown"), _named(breakdown, "continuity"), arc, chart]
    plan.add("breakdown-report", "breakdown/report", inputs=inputs, export="breakdown.html")


@stage("shots-report", consumes=("shots",))
def plan_shots_report(plan: Planner, script: Screenplay) -> None:
    """A floor plan per scene and ``shots.html``."""
    steps = plan.steps_of("shots")
    names = {s.name for s in steps}
    per_scene = [s for s in steps if s.kind == "scene-shots"]
    plans = []
    for scene, shots in zip(script.scenes, per_scene, strict=True):
        final = _named(steps, f"{shots.name}/refined") if f"{shots.name}/refined" in names else shots
        title = f"{scene.number}. {scene.heading.text}"
        name = f"{shots.name.removesuffix('/shots')}/floor-plan"
        plans.append(plan.add("floor-plan", name, inputs=[final], params={"title": title}))
    plan.add("shots-report", "shots/report", inputs=[_named(steps, "shots"), *plans], export="shots.html")


@kind("arc-chart")
def make_arc_chart(job: Job) -> bytes:
    """The arc drawn as a PNG."""
    return drawing.arc_chart(loads(Arc, job.inputs[0]))


@kind("floor-plan")
def make_floor_plan(job: Job) -> bytes:
    """A scene's floor plan drawn as a PNG."""
    return drawing.floor_plan(loads(SceneShots, job.inputs[0]), job.params["title"])


@kind("breakdown-report")
def make_breakdown_report(job: Job) -> bytes:
    """``breakdown.html``."""
    document = json.loads(job.inputs[0])
    return breakdown_page(document, loads(ContinuityReport, job.inputs[1]), loads(Arc, job.inputs[2]), job.inputs[3])


@kind("shots-report")
def make_shots_report(job: Job) -> bytes:
    """``shots.html``."""
    return shots_page(loads(ShotList, job.inputs[0]), job.inputs[1:])
