"""``make demo``: the sample screenplay through Clapboard, start to finish.

Reads ``examples/concert-pitch.fountain``, writes it to ``demo-out/`` as PDF,
HTML, Final Draft and JSON, prints its statistics, then makes it as a project
in ``demo-out/film``: breakdown, shot list, storyboard frames, cast voices,
score, mix, the animatic ``out/film.mp4`` with its cut files, and Spanish and
Catalan subtitles and dubs. Run again, it reuses what it made.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from rich.console import Console
from rich.text import Text

import clapboard
from clapboard.cli import stats_report
from clapboard.project import CONFIG_NAME, Project, new_project
from clapboard.run import make
from clapboard.screenplay.stats import script_stats

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "concert-pitch.fountain"
OUT = ROOT / "demo-out"
#: Each output format and the writer options it gets.
OUTPUTS: dict[str, dict[str, object]] = {".pdf": {"scene_numbers": True}, ".html": {}, ".fdx": {}, ".json": {}}


def run(sample: Path = SAMPLE, out: Path = OUT, console: Console | None = None) -> list[Path]:
    """Convert ``sample`` into every output format under ``out`` and print its statistics."""
    console = console or Console()
    script = clapboard.load(sample)
    stats = script_stats(script)
    console.rule(Text(stats.title or sample.name, style="bold"))

    written = []
    for suffix, options in OUTPUTS.items():
        target = out / f"{sample.stem}{suffix}"
        clapboard.save(script, target, **options)
        console.print(f"wrote {target}  ({target.stat().st_size:,} bytes)", markup=False)
        written.append(target)

    console.print()
    console.print(stats_report(stats))

    # The same script as a project: the engine plans it and makes what changed since last time.
    folder = out / "film"
    if not (folder / CONFIG_NAME).exists():
        made = new_project(folder, sample)
        settings = made.config_path.read_text(encoding="utf-8").replace("languages = []", 'languages = ["es", "ca"]')
        settings = settings.replace("disclosure_card = false", "disclosure_card = true")
        made.config_path.write_text(settings, encoding="utf-8")
    project = Project.open(folder)
    shutil.copyfile(sample, project.script_path)
    report = make(project, progress=console.is_terminal, console=console)
    console.print(f"made {report.ran}, reused {report.reused} of {report.planned} steps in {report.seconds:.2f} s")
    for path in report.exported:
        console.print(f"wrote {path}", markup=False)
    film = project.out_path / "film.mp4"
    if film.is_file():
        console.print(f"\nthe film: {film}", markup=False, soft_wrap=True)
    return [*written, *report.exported]


def main() -> None:
    """Run the demo; any ClapboardError is reported in one line, as the CLI does."""
    try:
        run()
    except clapboard.ClapboardError as exc:
        print(f"error: {exc.one_line()}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
