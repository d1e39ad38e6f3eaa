"""Build time of a whole film as a fraction of its running time: the issue's goal is 5% or less.

The bundled sample is repeated (scene numbers made unique) until the script is
as long as asked, made into a fresh project with the embedded backends (sketch
frames, a real speech engine, FluidSynth cues) and built from nothing; then one
line of dialogue is edited and the film rebuilt, which is the everyday case.

    python benchmarks/film.py                 # a feature: the sample 18 times, about 2 hours of film
    python benchmarks/film.py --copies 2      # a quick look
"""

from __future__ import annotations

import argparse
import re
import shutil
import tempfile
import time
from pathlib import Path

from clapboard.media.probe import probe
from clapboard.project import Project, new_project
from clapboard.run import make

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "concert-pitch.fountain"


def feature(copies: int) -> str:
    """The sample's title page and ``copies`` runs of its scenes."""
    text = SAMPLE.read_text(encoding="utf-8")
    title, _, body = text.partition("\n\n")
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    return title + "\n\n" + "\n\n".join(body for _ in range(copies))


def build(folder: Path, copies: int, speech: str, jobs: int) -> tuple[float, float, float]:
    """Seconds to build from nothing, seconds to rebuild after one edit, and the film's length in seconds."""
    script = folder / "feature.fountain"
    script.write_text(feature(copies), encoding="utf-8")
    project = new_project(folder / "film", script)
    config = project.config_path.read_text(encoding="utf-8").replace('speech = "piper"', f'speech = "{speech}"')
    project.config_path.write_text(config, encoding="utf-8")
    project = Project.open(project.root)
    started = time.perf_counter()
    make(project, jobs=jobs)
    cold = time.perf_counter() - started
    edited = project.script_path.read_text(encoding="utf-8").replace("I did!", "I did, Grandad!", 1)
    project.script_path.write_text(edited, encoding="utf-8")
    started = time.perf_counter()
    make(project, jobs=jobs)
    warm = time.perf_counter() - started
    return cold, warm, probe(project.out_path / "film.mp4").seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=18, help="times the sample is repeated (18: about 2 hours)")
    parser.add_argument("--speech", default="espeak-ng", help="speech backend (piper casts from every engine)")
    parser.add_argument("--jobs", type=int, default=0, help="steps at once (0: one per core)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="clapboard-feature-"))
    try:
        cold, warm, length = build(folder, args.copies, args.speech, args.jobs)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"film: {length / 60:.1f} min from {args.copies} copies of the sample, speech by {args.speech}")
    print(f"full build: {cold:.1f} s = {100 * cold / length:.1f}% of the running time (goal: 5% or less)")
    print(f"rebuild after one line: {warm:.1f} s = {100 * warm / length:.2f}% of the running time")


if __name__ == "__main__":
    main()
