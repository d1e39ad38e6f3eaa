"""Rebuild a feature film's plan: a full build, a no-op rebuild and a rebuild after one changed line.

The plan has the step count of a feature (over 5,000 steps): the real ``script``
and ``breakdown`` stages plus a film-shaped set of cheap steps per scene (shots,
frames from the stand-in image backend, one step per spoken line, a mix and a
segment) and one cut at the end. Each rebuild is a whole ``make`` in this
process (read the script, plan, check the store, run, export); the interpreter's
own start-up is left out. Prints lines such as:

    no-op rebuild: 0.42 s (ratio vs full build: 35.1)

where the ratio is the full build's time over the rebuild's.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
from pathlib import Path

from clapboard.plan import Job, Planner, kind, stage
from clapboard.project import new_project
from clapboard.run import make
from clapboard.screenplay import Screenplay

SHOTS_PER_SCENE = 9
PLACES = ("DINER", "PARKING LOT", "MOTEL ROOM", "HIGHWAY", "POLICE STATION", "ROOFTOP", "DOCKS", "CHURCH")
PEOPLE = ("MARY", "JOE", "SAM", "DETECTIVE RUIZ", "THE DRIVER", "NORA", "OLD MAN WEBB")


@kind("bench-work")
def _work(job: Job) -> bytes:
    """Cheap, deterministic work: a kilobyte drawn from the step's params and inputs."""
    seed = hashlib.sha256(job.step.params_json.encode())
    for data in job.inputs:
        seed.update(data)
    return seed.digest() * 32


@kind("bench-frame", capability="image")
def _frame(job: Job) -> bytes:
    """A small storyboard frame from the configured image backend (the stand-in here)."""
    return job.backend().draw(job.params["shot"], seed=job.seed, width=32, height=18)


@stage("film", consumes=("script", "breakdown"))
def _film(plan: Planner, script: Screenplay) -> None:
    """Shots and frames, one step per spoken line, a mix and a segment per scene; one cut of them all."""
    segments = []
    breakdowns = {s.name: s for s in plan.steps_of("breakdown")}
    for scene, source in zip(script.scenes, plan.steps_of("script"), strict=True):
        breakdown = breakdowns[f"{source.name}/breakdown"]
        frames = []
        for n in range(SHOTS_PER_SCENE):
            shot = plan.add("bench-work", f"{source.name}/shot/{n}", params={"shot": n}, inputs=[breakdown])
            frames.append(plan.add("bench-frame", f"{source.name}/frame/{n}", params={"shot": str(n)}, inputs=[shot]))
        lines = [
            plan.add("bench-work", f"{source.name}/line/{i}", params={"who": d.character.name, "says": d.spoken_text})
            for i, d in enumerate(scene.dialogues)
        ]
        mix = plan.add("bench-work", f"{source.name}/mix", params={"mix": True}, inputs=lines)
        segments.append(plan.add("bench-work", f"{source.name}/segment", params={"cut": True}, inputs=[*frames, mix]))
    plan.add("bench-work", "cut", params={"film": True}, inputs=segments, export="cut.bin")


def feature(scenes: int, changed: bool = False) -> str:
    """A Fountain script of ``scenes`` scenes with about a dozen speeches each; ``changed`` rewrites one line."""
    parts = ["Title: Night Shift\n"]
    for n in range(scenes):
        setting = "EXT" if n % 4 == 0 else "INT"
        parts.append(f"\n{setting}. {PLACES[n % len(PLACES)]} - {'NIGHT' if n % 3 else 'DAY'}\n\nRain, scene {n}.\n")
        for line in range(10 + n % 5):
            said = f"Line {line} of scene {n}."
            if changed and (n, line) == (scenes // 2, 3):
                said = "A line the writer changed."
            parts.append(f"\n{PEOPLE[(n + line) % len(PEOPLE)]}\n{said}\n")
    return "".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Build, rebuild unchanged, rebuild after one edit; print the times and ratios."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenes", type=int, default=150, help="scenes in the generated script (default: 150)")
    parser.add_argument("--jobs", type=int, default=0, help="steps at once (default: one per core)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="clapboard-bench-") as tmp:
        source = Path(tmp) / "feature.fountain"
        source.write_text(feature(args.scenes))
        project = new_project(Path(tmp) / "feature", source)

        started = time.perf_counter()
        full = make(project, jobs=args.jobs)
        full_s = time.perf_counter() - started
        print(f"plan: {full.planned:,} steps from {args.scenes} scenes")
        print(f"full build: {full.ran:,} steps made in {full_s:.2f} s")

        started = time.perf_counter()
        noop = make(project, jobs=args.jobs)
        noop_s = time.perf_counter() - started
        assert noop.ran == 0, "a no-op rebuild made something"
        print(f"no-op rebuild: {noop_s:.2f} s (ratio vs full build: {full_s / noop_s:.1f})")

        project.script_path.write_text(feature(args.scenes, changed=True))
        started = time.perf_counter()
        one = make(project, jobs=args.jobs)
        one_s = time.perf_counter() - started
        print(f"one-change rebuild: {one_s:.2f} s (ratio vs full build: {full_s / one_s:.1f})")
        # Beyond the fixed cost of a no-op (read, plan, check), the time should follow the steps made.
        per_full = full_s / full.ran * 1000
        per_change = max(one_s - noop_s, 0) / one.ran * 1000
        print(
            f"  {one.ran} of {one.planned:,} steps made ({one.ran / full.ran:.1%}); beyond the no-op "
            f"{per_change:.1f} ms a step, against {per_full:.1f} ms a step in the full build"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
