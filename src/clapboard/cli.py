"""The ``clapboard`` command: a thin front over the public API.

Each command parses its arguments, calls the library and prints the result;
no pipeline logic lives here. A new command is one decorated function; a new
family of commands (``clapboard make …``) is a ``typer.Typer()`` of its own
added with ``app.add_typer``. Errors are handled once, in :class:`_Clapboard`:
a :class:`ClapboardError` becomes one line on stderr, anything else keeps its
traceback because it is a bug.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

import clapboard
from clapboard.errors import ClapboardError, FormatError, ScriptError
from clapboard.lab.cli import app as lab_app
from clapboard.project import EXECUTORS, Project, ProjectError, new_project
from clapboard.run import paperwork, production
from clapboard.screenplay.formats import find_format
from clapboard.screenplay.stats import ScriptStats, script_stats

if TYPE_CHECKING:
    from collections.abc import Mapping

    from rich.console import RenderableType

    from clapboard import writers

#: Exit status for input the user can fix (a bad script, an unknown format), as the parser uses for bad usage.
EXIT_BAD_INPUT = 2
#: Exit status for every other ClapboardError (a missing backend, a locked store…).
EXIT_FAILURE = 1


class _Clapboard(TyperGroup):
    """The root command group; turns every ClapboardError raised below it into one line."""

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ClapboardError as exc:
            # typer.echo, not Rich: Rich would wrap a long message onto several lines.
            typer.echo(f"error: {exc.one_line()}", err=True)
            bad_input = isinstance(exc, ScriptError | FormatError)
            ctx.exit(EXIT_BAD_INPUT if bad_input else EXIT_FAILURE)


app = typer.Typer(
    name="clapboard",
    cls=_Clapboard,
    help="""Clapboard: AI-assisted film production, from screenplay to release, with the filmmaker in charge.

Reads and writes screenplays in Fountain, Final Draft (.fdx) and JSON; typesets
them as PDF and HTML; measures them. Formats follow the file extension. Run
`clapboard COMMAND --help` for the details of a command.

**Examples**

    clapboard convert draft.fountain draft.pdf   # typeset for the table read
    clapboard convert draft.fdx draft.fountain   # Final Draft to Fountain
    clapboard stats draft.fountain               # pages, scenes, cast, runtime
""",
    no_args_is_help=True,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"clapboard {clapboard.__version__}")
        raise typer.Exit


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    # Declared so --version exists and so Typer keeps a command group even while it has few commands.
    pass


def with_languages(project: Project, languages: str) -> Project:
    """``project`` with its release languages replaced by a comma-separated list from the command line."""
    from dataclasses import replace

    from clapboard.plan.release import ISO_639_2

    codes = tuple(code.strip() for code in languages.split(",") if code.strip())
    unknown = [code for code in codes if code not in ISO_639_2]
    if unknown:
        raise ProjectError(f"--languages: {', '.join(unknown)} not known; known: {', '.join(ISO_639_2)}")
    direction = replace(project.settings.direction, languages=codes)
    return replace(project, settings=replace(project.settings, direction=direction))


@app.command("check-subs")
def check_subs(
    files: Annotated[list[Path], typer.Argument(help="SRT, WebVTT or ASS files to check.")],
    fps: Annotated[int, typer.Option(help="Frame rate the gaps are counted in.")] = 24,
) -> None:
    """Check subtitle files against the style guide: 42 characters a line, 2 lines, 17 characters a second,
    5/6 s to 7 s on screen, 2 frames between cues, no line ending on an article or preposition.

    Prints one line per problem and exits 1 when there is an error (warnings alone pass).

    **Examples**

        clapboard check-subs my-film/out/subtitles/en.srt
    """
    from clapboard.media.subtitles import StyleGuide, check_file

    guide = StyleGuide(fps=fps)
    failed = False
    for path in files:
        problems = check_file(path, guide)
        for line in problems:
            typer.echo(line)
        failed = failed or any("(warning)" not in line for line in problems)
        if not problems:
            typer.echo(f"{path}: every cue follows the style guide")
    if failed:
        raise typer.Exit(1)


@app.command()
def convert(
    source: Annotated[
        Path,
        typer.Argument(metavar="SOURCE", help="The script to read: .fountain, .fdx or .json.", show_default=False),
    ],
    target: Annotated[
        Path,
        typer.Argument(
            metavar="TARGET", help="The file to write: .fountain, .fdx, .pdf, .html or .json.", show_default=False
        ),
    ],
    scene_numbers: Annotated[
        bool, typer.Option("--scene-numbers", help="Print scene numbers in both margins (PDF and HTML).")
    ] = False,
) -> None:
    """Convert a screenplay from one format to another; the file extensions say which.

    TARGET is written atomically, so a failed conversion leaves any file already
    there as it was. SOURCE is never written: converting a file onto itself is refused.

    **Examples**

        clapboard convert draft.fountain draft.pdf --scene-numbers
        clapboard convert draft.fdx draft.fountain
        clapboard convert draft.fountain draft.json   # the model, for other programs
    """
    if _same_file(source, target):
        raise ScriptError("is the input file; choose another output file name", target)
    fmt = find_format(target)
    options: dict[str, object] = {}
    if scene_numbers:
        if fmt.name not in ("pdf", "html"):
            raise FormatError(f"{target}: --scene-numbers applies to PDF and HTML output only")
        options["scene_numbers"] = True
    clapboard.save(clapboard.load(source), target, **options)
    typer.echo(f"wrote {target}")


@app.command()
def stats(
    script: Annotated[
        Path,
        typer.Argument(metavar="SCRIPT", help="The script to measure: .fountain, .fdx or .json.", show_default=False),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the numbers as JSON, for other programs.")] = False,
) -> None:
    """Measure a screenplay: pages, scenes and their lengths, who speaks how much, and the estimated runtime.

    Lengths are in eighths of a page, as on a stripboard, counted on the same pages
    the PDF prints. The runtime follows the rule of thumb that a page of screenplay
    plays for about a minute.

    **Examples**

        clapboard stats draft.fountain
        clapboard stats draft.fdx --json | jq .characters
    """
    result = script_stats(clapboard.load(script))
    if as_json:
        typer.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        Console().print(stats_report(result))


# --- projects: the pipeline over a folder with clapboard.toml, the script and its store ---------------------------

ProjectArg = Annotated[
    Path,
    typer.Argument(metavar="[PROJECT]", help="The project folder, or any folder inside it.", show_default=False),
]
ProjectOption = Annotated[Path, typer.Option(help="The project folder, or any folder inside it.")]


@app.command()
def new(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="Folder to create the project in.", show_default=False)],
    source: Annotated[
        Path | None,
        typer.Option("--from", metavar="SCRIPT", help="Start from this screenplay (copied in unchanged)."),
    ] = None,
    title: Annotated[str | None, typer.Option(help="The film's title, if not the script's own.")] = None,
    logline: Annotated[
        str | None, typer.Option(metavar="TEXT", help="Have the writers' room write the script from this logline.")
    ] = None,
    pages: Annotated[int, typer.Option(metavar="N", help="Pages the script from --logline runs.")] = 3,
) -> None:
    """Create a project: `clapboard.toml` (every setting documented), the script and an empty store.

    **Examples**

        clapboard new my-film --from draft.fountain
        clapboard new my-film --title "Concert Pitch"   # starts from a one-scene script
        clapboard new my-film --logline "A retired safecracker takes one last job." --pages 5
    """
    if logline is not None:
        if source is not None:
            raise ProjectError("--from and --logline both give the script; choose one")
        from clapboard import writers  # the writers' room loads pydantic: only for the commands that write

        _report_draft(writers.new_from_logline(folder, logline, pages=pages, title=title, progress=_tty()))
        typer.echo(f"next: clapboard make {folder}")
        return
    project = new_project(folder, source, title=title)
    typer.echo(f"created {project.root} with {project.script_path.name}; next: clapboard make {folder}")


@app.command()
def write(
    logline: Annotated[str, typer.Argument(metavar="LOGLINE", help="The film in a sentence.", show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", metavar="FILE", help="The Fountain file to write.")] = Path(
        "script.fountain"
    ),
    pages: Annotated[int, typer.Option(metavar="N", help="Pages the script runs (within 20%).")] = 3,
    structure: Annotated[
        str, typer.Option(metavar="three-act|fifteen-beat", help="The beat sheet the story follows.")
    ] = "three-act",
    rewrite: Annotated[
        list[str] | None, typer.Option(metavar="SCENE", help="Write a new take of this scene (repeatable).")
    ] = None,
    punch_up: Annotated[
        list[str] | None, typer.Option(metavar="SCENE", help="Punch up this scene's dialogue (repeatable).")
    ] = None,
    endings: Annotated[int, typer.Option(metavar="N", help="Write N alternative endings.")] = 0,
    after_beat: Annotated[
        int | None, typer.Option(metavar="BEAT", help="Write alternative continuations after this beat.")
    ] = None,
    takes: Annotated[int, typer.Option(metavar="N", help="Alternatives per --after-beat and --punch-up.")] = 2,
) -> None:
    """Write a screenplay from a logline: premise, cast, beat sheet, outline, scenes, all reviewable steps.

    Every step is cached, so running again reuses what is written. Scenes you
    edited in FILE are never overwritten: a new take of one is offered (in a
    terminal) or written beside FILE in `FILE.variants/`, with the alternatives.

    **Examples**

        clapboard write "A retired safecracker takes one last job." --pages 5 -o heist.fountain
        clapboard write "A retired safecracker takes one last job." --pages 5 -o heist.fountain --rewrite 3
        clapboard write "A retired safecracker takes one last job." -o heist.fountain --punch-up 2 --endings 2
    """
    from clapboard import writers  # the writers' room loads pydantic: only for the commands that write

    variants = writers.Variants(after_beat, takes, endings, tuple(punch_up or ()))
    ask = _tty()

    def replace_edited(number: str) -> bool:
        return typer.confirm(f"You edited scene {number}; replace it with the new take?", default=False)

    draft = writers.write(
        logline,
        output,
        pages=pages,
        structure=structure,
        variants=variants,
        rewrite=tuple(rewrite or ()),
        replace_edited=replace_edited if ask else None,
        progress=ask,
    )
    _report_draft(draft)


def _tty() -> bool:
    return sys.stdin.isatty() and sys.stderr.isatty()


def _report_draft(draft: writers.Draft) -> None:
    for note in draft.notes:
        typer.echo(f"note: {note}")
    typer.echo(
        f"wrote {draft.script}: {draft.title!r}, {draft.pages} pages, {draft.scenes} scenes, "
        f"cast {', '.join(draft.cast)} ({draft.backend}; {draft.made} steps made, {draft.reused} reused)"
    )
    if draft.audit is not None:
        typer.echo(f"wrote {draft.audit}: how the cast is described, by sex and age")
    for number in draft.kept:
        typer.echo(f"kept your edit of scene {number}")
    for path in draft.variants:
        typer.echo(f"variant: {path}")


@app.command()
def make(
    project: ProjectArg = Path("."),
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would run and why; run nothing.")] = False,
    until: Annotated[str | None, typer.Option(metavar="STAGE", help="Stop after this stage.")] = None,
    jobs: Annotated[int | None, typer.Option(metavar="N", help="Steps at once (default from clapboard.toml).")] = None,
    executor: Annotated[
        str | None, typer.Option(metavar="local|ray", help="Where steps run (default from clapboard.toml).")
    ] = None,
    languages: Annotated[
        str | None,
        typer.Option(metavar="es,ca", help="Languages to subtitle and dub into (default from clapboard.toml)."),
    ] = None,
) -> None:
    """Make the film: run every step whose inputs changed, reuse the rest, export into `out/`.

    A step runs only for a reason `--dry-run` prints (new, input changed, params
    changed, backend changed, a rejected take). A run that is killed resumes
    where it stopped.

    **Examples**

        clapboard make my-film --dry-run
        clapboard make my-film --until breakdown
        clapboard make my-film --executor ray --jobs 8
        clapboard make my-film --languages es,ca
    """
    opened = Project.open(project)
    if languages is not None:
        opened = with_languages(opened, languages)
    if dry_run:
        verdicts = production.dry_run(opened, until=until)
        for verdict in verdicts:
            typer.echo(str(verdict))
        runs = sum(v.action == "run" for v in verdicts)
        typer.echo(f"{runs} to run, {len(verdicts) - runs} to reuse")
        return
    if executor is not None and executor not in EXECUTORS:
        raise ProjectError(f"--executor: {executor!r} is not one of {', '.join(EXECUTORS)}")
    console = Console(stderr=True)
    report = production.make(
        opened, until=until, jobs=jobs, executor=executor, progress=console.is_terminal, console=console
    )
    typer.echo(f"made {report.ran}, reused {report.reused} of {report.planned} steps in {report.seconds:.2f} s")
    for path in report.exported:
        typer.echo(f"wrote {path}")


@app.command()
def status(project: ProjectArg = Path(".")) -> None:
    """What the next `make` would run, and why; and how the last run ended."""
    state = production.status(Project.open(project))
    last = state.last_run
    if last is not None:
        typer.echo(f"last run: {last.status}, {last.started_at}, made {last.ran}, reused {last.reused}")
    for verdict in state.stale:
        typer.echo(str(verdict))
    typer.echo("up to date" if state.up_to_date else f"{len(state.stale)} of {len(state.verdicts)} steps stale")


@app.command()
def export(project: ProjectArg = Path(".")) -> None:
    """Copy the latest outputs into the project's `out/` folder."""
    for path in production.export(Project.open(project)):
        typer.echo(f"wrote {path}")


@app.command()
def gc(project: ProjectArg = Path(".")) -> None:
    """Delete stored outputs nothing uses any more; approved, pinned and latest takes are always kept."""
    done = production.collect_garbage(Project.open(project))
    typer.echo(
        f"removed {done.blobs_removed} blobs ({done.bytes_freed:,} bytes) and {done.takes_dropped} takes;"
        f" kept {done.blobs_kept} blobs"
    )


@app.command()
def history(
    project: ProjectArg = Path("."),
    limit: Annotated[int, typer.Option(metavar="N", help="How many runs, newest first.")] = 20,
) -> None:
    """The project's runs, newest first: when, how they ended, what they made and reused."""
    table = Table(title="Runs", title_justify="left")
    for heading in ("#", "Started", "Status", "Executor", "Until", "Ran", "Reused", "Planned"):
        table.add_column(heading, justify="right" if heading in ("#", "Ran", "Reused", "Planned") else "left")
    for run in production.history(Project.open(project), limit):
        table.add_row(
            str(run.id),
            run.started_at,
            run.status,
            f"{run.executor} x{run.jobs}",
            run.until_stage or "",
            str(run.ran),
            str(run.reused),
            str(run.planned),
        )
    Console().print(table)


@app.command()
def preferences(
    project: ProjectArg = Path("."),
    reset: Annotated[bool, typer.Option("--reset", help="Forget what was learned; the verdicts stay.")] = False,
) -> None:
    """What the reviews taught the planner (framing, voices, music) and why; `--reset` forgets it."""
    opened = Project.open(project)
    if reset:
        aside = production.reset_preferences(opened, getpass.getuser())
        typer.echo(f"forgot what {aside} review(s) taught; the next run plans as written")
        return
    learned = production.preferences(opened)
    typer.echo(f"learned from {learned.votes} reviewed take(s)")
    for finding in learned.findings:
        typer.echo(f"  {finding}")
    if learned.scenes:
        typer.echo(f"  applies to: {', '.join(sorted(learned.scenes))}")


# --- the director's assistant on a bare script (inside a project these are steps of `clapboard make`) ------------

ScriptArg = Annotated[
    Path, typer.Argument(metavar="SCRIPT", help="The script: .fountain, .fdx or .json.", show_default=False)
]
OutOption = Annotated[Path, typer.Option("--out", "-o", metavar="DIR", help="Folder to write into.")]


@app.command()
def breakdown(script: ScriptArg, out: OutOption = Path(".")) -> None:
    """Break a script down as a first AD would: breakdown.json, .csv and .html, continuity.json, arc.json.

    The HTML holds the stripboard, the day-out-of-days, a colour-coded breakdown
    sheet per scene, each character's scenes, the emotional arc and the continuity flags.

    **Examples**

        clapboard breakdown draft.fountain
        clapboard breakdown draft.fdx -o prep/
    """
    for path in paperwork.write_breakdown(script, out):
        typer.echo(f"wrote {path}")


@app.command()
def shots(script: ScriptArg, out: OutOption = Path(".")) -> None:
    """Plan the coverage of a script: shots.json, .csv and .html with a floor plan per scene.

    **Examples**

        clapboard shots draft.fountain
        clapboard shots draft.fountain -o prep/
    """
    for path in paperwork.write_shots(script, out):
        typer.echo(f"wrote {path}")


def stats_report(result: ScriptStats) -> RenderableType:
    """The statistics as Rich tables: a summary, the scenes, and the speaking characters."""
    summary = Table.grid(padding=(0, 2))
    summary.add_column(style="bold")
    summary.add_column()
    # Script text goes in as Text so that brackets in it are never read as Rich markup.
    summary.add_row("Title", Text(result.title or "(untitled)"))
    summary.add_row("Pages", str(result.pages))
    summary.add_row("Scenes", str(len(result.scenes)))
    summary.add_row("Speaking characters", str(len(result.characters)))
    summary.add_row("Interior / exterior", _tally(result.settings))
    summary.add_row("Day / night", _tally(result.times))
    summary.add_row(
        "Estimated runtime", f"{_minutes(result.runtime_minutes)} (one page a minute, from the page eighths)"
    )

    scenes = Table(title="Scenes", title_justify="left")
    scenes.add_column("#", justify="right")
    scenes.add_column("Heading")
    scenes.add_column("Length", justify="right")
    scenes.add_column("Speaking")
    for scene in result.scenes:
        scenes.add_row(Text(scene.number), Text(scene.heading), scene.length, Text(", ".join(scene.speakers)))

    cast = Table(title="Speaking characters", title_justify="left")
    cast.add_column("Character")
    for heading in ("Speeches", "Lines", "Words", "Scenes"):
        cast.add_column(heading, justify="right")
    for person in result.characters:
        cast.add_row(
            Text(person.name), str(person.speeches), str(person.lines), str(person.words), str(len(person.scenes))
        )
    return Group(summary, "", *(t for t in (scenes, cast) if t.row_count))


def _tally(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{count} {label}" for label, count in counts.items()) or "none"


def _minutes(minutes: float) -> str:
    whole, seconds = divmod(round(minutes * 60), 60)
    if not whole:
        return f"{seconds} s"
    return f"{whole} min {seconds:02d} s" if seconds else f"{whole} min"


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist yet
        return a.resolve() == b.resolve()


@app.command()
def explain(
    name: Annotated[str, typer.Argument(help="A step name (scene/3/speech/4, film) or a shot number (3A).")],
    project: ProjectOption = Path("."),
) -> None:
    """Why an asset is as it is: the backend and model, prompt, seed, parameters and inputs that made it, who
    approved it, and what is made from it.

    **Examples**

        clapboard explain 3A --project my-film
        clapboard explain scene/2/speech/1 --project my-film
    """
    told = production.account(Project.open(project), name)
    p = told.take.provenance
    maker = f"{p.backend} {p.backend_version or ''}".strip() if p.backend else "no backend (Clapboard itself)"
    if p.model_hash:
        maker += f", model {p.model_hash[:12]}"
    rows = [
        f"{p.name}  ({p.kind}, stage {p.stage}, take {p.take})",
        f"made by:     {maker}; {'a person' if p.made_by == 'human' else 'machine'}, {p.seconds:.2f} s, "
        f"run {p.run_id}, {told.take.made_at}",
        f"approved by: {told.take.approved_by or 'nobody yet'}",
        f"seed:        {p.seed}",
        f"made with:   {told.template}",
        f"inputs:      {', '.join(told.inputs) or 'none'}",
        f"params:      {_clip(p.params, 400)}",
    ]
    if p.prompt:
        rows.append("prompt:      " + _clip(p.prompt, 600).replace("\n", "\n             "))
    rows.append(f"used by:     {', '.join(told.dependents) or 'nothing'}")
    typer.echo("\n".join(rows))


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@app.command()
def studio(
    project: ProjectArg = Path("."),
    host: Annotated[str, typer.Option(help="Address to serve on; anything but 127.0.0.1 needs --token.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8765,
    token: Annotated[
        str | None,
        typer.Option(envvar="CLAPBOARD_STUDIO_TOKEN", help="Token every request must carry (16+ characters)."),
    ] = None,
) -> None:
    """Open the studio: review, steer and approve every take in your browser.

    **Examples**

        clapboard studio my-film
        clapboard studio my-film --host 0.0.0.0 --token "$(openssl rand -hex 16)"
    """
    from clapboard.studio import serve

    serve(project, host, port, token)


@app.command()
def verify(
    files: Annotated[
        list[Path], typer.Argument(help="Files to check: MP4, PNG, JPEG, WAV, PDF, or any with a sidecar.")
    ],
    project: Annotated[
        Path | None,
        typer.Option(help="The project whose development certificate to trust (default: found above FILE)."),
    ] = None,
) -> None:
    """Read a file's Content Credentials back as a chain (who made it, with what, from what) and look for the
    watermark in pictures. Exits 1 when a file's credentials show it was changed after signing.

    **Examples**

        clapboard verify my-film/out/film.mp4
        clapboard verify still.jpg --project my-film
    """
    from clapboard.trust.credentials import development_roots
    from clapboard.trust.verify import report
    from clapboard.trust.verify import verify as check

    broken = False
    for path in files:
        if not path.is_file():
            raise ProjectError(f"{path}: no such file")
        roots = None
        try:
            found = Project.open(project or path.parent)
            roots = development_roots(found.store_path / "trust")
        except ProjectError:
            if project is not None:
                raise
        verdict = check(path, roots)
        typer.echo(report(verdict))
        broken = broken or not verdict.intact
    if broken:
        raise typer.Exit(1)


app.add_typer(
    lab_app, name="lab", help="The model lab: GAN, VAE, AAE and DDPM models trained on frames; sampling; restoration."
)

consent_app = typer.Typer(help="The consent registry: who agreed to their voice, likeness or name being used.")
app.add_typer(consent_app, name="consent")


@consent_app.command("add")
def consent_add(
    person: Annotated[str, typer.Argument(help="The person's id, as voices and likenesses name them.")],
    scope: Annotated[list[str], typer.Option(help="voice-clone, likeness or name; repeat for several.")],
    evidence: Annotated[Path | None, typer.Option(help="The signed release, stored by its hash.")] = None,
    expires: Annotated[str | None, typer.Option(metavar="YYYY-MM-DD", help="The last day it holds.")] = None,
    by: Annotated[str, typer.Option(help="Who recorded it.")] = "",
    note: Annotated[str, typer.Option(help="A note kept with the record.")] = "",
    project: ProjectOption = Path("."),
) -> None:
    """Record a person's consent to some uses, with the evidence and an expiry."""
    from datetime import date

    from clapboard.trust.consent import ConsentRegistry, describe

    until = None
    if expires is not None:
        try:
            until = date.fromisoformat(expires)
        except ValueError:
            raise ProjectError(f"--expires: {expires!r} is not a date like 2027-06-30") from None
    data = None
    if evidence is not None:
        try:
            data = evidence.read_bytes()
        except OSError as exc:
            raise ProjectError(f"{evidence}: cannot be read ({exc.strerror})") from None
    registry = ConsentRegistry(Project.open(project).store_path)
    record = registry.add(
        person,
        scope,
        evidence=data,
        evidence_name=evidence.name if evidence else None,
        expires=until,
        granted_by=by,
        note=note,
    )
    typer.echo(describe(record))


@consent_app.command("list")
def consent_list(
    person: Annotated[str | None, typer.Argument(help="Only this person's records.")] = None,
    project: ProjectOption = Path("."),
) -> None:
    """Every consent record, revoked and expired ones included."""
    from clapboard.trust.consent import ConsentRegistry, describe

    records = ConsentRegistry(Project.open(project).store_path).list(person)
    for record in records:
        typer.echo(describe(record))
    if not records:
        typer.echo("no consent recorded")


@consent_app.command("revoke")
def consent_revoke(
    person: Annotated[str, typer.Argument(help="Whose consent is withdrawn.")],
    scope: Annotated[list[str] | None, typer.Option(help="Only these uses (default: every use).")] = None,
    project: ProjectOption = Path("."),
) -> None:
    """Withdraw a person's consent from now on: a backend asked to clone their voice refuses from then on."""
    from clapboard.trust.consent import ConsentRegistry, describe

    for record in ConsentRegistry(Project.open(project).store_path).revoke(person, scope or None):
        typer.echo(describe(record))


def main() -> None:
    """Entry point of the ``clapboard`` script."""
    app(prog_name="clapboard")
