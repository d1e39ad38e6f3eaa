"""Paperwork from a bare script: the breakdown and the shot list, without a project or a store.

``clapboard breakdown SCRIPT`` and ``clapboard shots SCRIPT`` run the same
steps ``clapboard make`` runs in a project, in memory and in plan order, and
write what those steps export into a folder. No backend is configured, so the
shot list is the heuristic one (refining it with a text backend is a project
setting).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from clapboard.errors import BackendUnavailable
from clapboard.plan import Job, Output, build_plan, find_kind, pipeline
from clapboard.screenplay.formats import load, write_atomic

if TYPE_CHECKING:
    from collections.abc import Sequence

    from clapboard.screenplay import Screenplay

#: The stages each command runs, and those whose exports it writes.
BREAKDOWN = (("script", "breakdown", "arc", "breakdown-report"), ("breakdown", "arc", "breakdown-report"))
SHOTS = (("script", "breakdown", "arc", "shots", "shots-report"), ("shots", "shots-report"))


def prepare(script: Screenplay, stages: Sequence[str], exported: Sequence[str]) -> dict[str, bytes]:
    """Run ``stages`` of the pipeline on ``script`` in memory; the exports of ``exported`` stages, by file name."""
    chosen = tuple(s for s in pipeline() if s.name in stages)
    plan = build_plan(script, stages=chosen)
    made: dict[str, bytes] = {}
    for step in plan:
        inputs = tuple(made[plan.by_key[key].name] for key in step.inputs)
        result = find_kind(step.kind).make(Job(step, inputs, _no_backend))
        made[step.name] = result.data if isinstance(result, Output) else result
    return {step.export: made[step.name] for step in plan.exports if step.stage in exported and step.export}


def _no_backend(capability: str, name: str | None = None) -> Any:
    raise BackendUnavailable(capability, "a bare script runs without backends; make a project to configure one")


def _write(source: str | Path, out_dir: str | Path, which: tuple[tuple[str, ...], tuple[str, ...]]) -> list[Path]:
    files = prepare(load(source), *which)
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in sorted(files.items()):
        write_atomic(folder / name, data)
        written.append(folder / name)
    return written


def write_breakdown(source: str | Path, out_dir: str | Path = ".") -> list[Path]:
    """Break down the script at ``source`` into ``out_dir``: breakdown.json|csv|html, continuity.json, arc.json."""
    return _write(source, out_dir, BREAKDOWN)


def write_shots(source: str | Path, out_dir: str | Path = ".") -> list[Path]:
    """Plan the coverage of the script at ``source`` into ``out_dir``: shots.json|csv|html."""
    return _write(source, out_dir, SHOTS)
