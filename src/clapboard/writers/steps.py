"""The writers' room's step kinds: each one turns earlier documents into the next, through the text backend.

Every structured step asks for JSON held to its form's schema, validates the
reply with pydantic, tries again with another seed when it does not fit, and
then fails saying what was wrong. Each output records the prompt template and
the prompt as sent. Outputs are JSON documents, except the screenplay and the
variant scenes, which are Fountain.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from clapboard.errors import ClapboardError
from clapboard.plan.breakdown import scene_from_data
from clapboard.plan.stages import Output, kind
from clapboard.plan.step import canonical_json
from clapboard.screenplay import fountain
from clapboard.screenplay.model import Dialogue, Line, Screenplay
from clapboard.writers.assembly import DraftScene, blocks_for, fit, scene_elements, share
from clapboard.writers.documents import (
    ACTION,
    STRUCTURES,
    BeatSheet,
    Cast,
    Outline,
    Premise,
    SceneDraft,
    StoryBeat,
    beats_form,
    cast_form,
    clean,
    lines_form,
    outline_form,
    scene_form,
    schema_of,
)
from clapboard.writers.templates import Prompt, render

if TYPE_CHECKING:
    from clapboard.plan.stages import Job

#: Replies asked for before a step gives up on a backend whose replies do not fit the form.
TRIES = 3

Form = TypeVar("Form", bound=BaseModel)


class WritersError(ClapboardError):
    """A writers' room step that could not get a usable reply, or a request it cannot serve."""


def ask(job: Job, prompt: Prompt, form: type[Form], *, max_tokens: int) -> Form:
    """The backend's reply to ``prompt`` as a valid ``form``: held to its schema, validated, retried if unfit."""
    backend = job.backend()
    schema = schema_of(form)
    problem = ""
    for attempt in range(TRIES):
        seed = (job.seed + attempt * 7919) % 2**32
        reply = backend.generate(prompt.text, seed=seed, max_tokens=max_tokens, schema=schema)
        try:
            return form.model_validate_json(_json_part(reply))
        except ValidationError as exc:
            problem = _first_problem(exc, reply)
    raise WritersError(
        f"step {job.step.name!r}: the text backend's reply did not fit the {form.__name__} form "
        f"after {TRIES} tries ({problem}); try a larger model or an endpoint that supports JSON schemas"
    )


def _json_part(reply: str) -> str:
    # Chatty endpoints wrap JSON in prose or a code fence; the object is what lies between the outer braces.
    start, end = reply.find("{"), reply.rfind("}")
    return reply[start : end + 1] if 0 <= start < end else reply


def _first_problem(exc: ValidationError, reply: str) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "the reply"
    shown = " ".join(reply.split())[:80]
    return f"{where}: {first['msg']}; the reply began {shown!r}"


def _document(model: BaseModel, prompt: Prompt) -> Output:
    return Output(canonical_json(model.model_dump(mode="json")).encode(), prompt.record)


def _tokens(characters: int) -> int:
    # A cap, not a target: generous enough that no valid reply is cut off.
    return characters // 2 + 64


def cast_sheet(cast: Cast) -> str:
    """The cast as prompts show it: one line per character."""
    return "\n".join(
        f"- {c.name}, {c.role}. Wants {c.want}. Flaw: {c.flaw}. Talks: {c.voice}." for c in cast.characters
    )


def story(sheet: BeatSheet) -> str:
    """The beat sheet as prompts show it: one line per beat."""
    return "\n".join(f"- {beat.name}: {beat.text}" for beat in sheet.beats)


def _premise(job: Job, index: int = 0) -> Premise:
    return Premise.model_validate_json(job.inputs[index])


def _cast(job: Job, index: int = 1) -> Cast:
    return Cast.model_validate_json(job.inputs[index])


@kind("writers-premise", capability="text")
def make_premise(job: Job) -> Output:
    """Title, premise and synopsis from the logline."""
    prompt = render("premise.txt", logline=job.params["logline"])
    return _document(ask(job, prompt, Premise, max_tokens=_tokens(1000)), prompt)


@kind("writers-cast", capability="text")
def make_cast(job: Job) -> Output:
    """The cast of characters: names, roles, wants, flaws and voices; a name given twice is kept once."""
    premise = _premise(job)
    fewest, most = job.params["fewest"], job.params["most"]
    prompt = render(
        "cast.txt",
        title=premise.title,
        logline=job.params["logline"],
        premise=premise.premise,
        synopsis=premise.synopsis,
        fewest=fewest,
        most=most,
    )
    cast = ask(job, prompt, cast_form(fewest, most), max_tokens=_tokens(most * 500))
    kept: dict[str, Any] = {}
    for character in cast.characters:
        kept.setdefault(character.name, character)
    return _document(Cast(characters=list(kept.values())), prompt)


@kind("writers-beats", capability="text")
def make_beats(job: Job) -> Output:
    """The beat sheet in the chosen structure: what happens in each beat."""
    beats = _structure(job.params["structure"])
    premise, cast = _premise(job), _cast(job)
    prompt = render(
        "beats.txt",
        title=premise.title,
        premise=premise.premise,
        synopsis=premise.synopsis,
        cast=cast_sheet(cast),
        beats="\n".join(f"- {b.key}: {b.name}, {b.purpose}" for b in beats),
        keys=", ".join(b.key for b in beats),
    )
    written = ask(job, prompt, beats_form(beats), max_tokens=_tokens(len(beats) * 300))
    sheet = BeatSheet(
        structure=job.params["structure"],
        beats=[StoryBeat(key=b.key, name=b.name, act=b.act, text=getattr(written, b.key)) for b in beats],
    )
    return _document(sheet, prompt)


def _structure(name: str) -> tuple[Any, ...]:
    try:
        return STRUCTURES[name]
    except KeyError:
        raise WritersError(f"unknown structure {name!r}; known: {', '.join(STRUCTURES)}") from None


@kind("writers-beats-continue", capability="text")
def make_beats_continuation(job: Job) -> Output:
    """Another way the story could go after beat ``after``: the beat sheet with every later beat rewritten."""
    premise, cast = _premise(job), _cast(job)
    sheet = BeatSheet.model_validate_json(job.inputs[2])
    after = job.params["after"]
    if not 1 <= after < len(sheet.beats):
        raise WritersError(f"a continuation starts after a beat from 1 to {len(sheet.beats) - 1}, not {after}")
    kept, rest = sheet.beats[:after], sheet.beats[after:]
    structure = {b.key: b for b in _structure(sheet.structure)}
    prompt = render(
        "beats-continue.txt",
        title=premise.title,
        premise=premise.premise,
        cast=cast_sheet(cast),
        story=story(BeatSheet(structure=sheet.structure, beats=kept)),
        beats="\n".join(f"- {b.key}: {b.name}, {structure[b.key].purpose}" for b in rest),
        keys=", ".join(b.key for b in rest),
    )
    form = beats_form(tuple(structure[b.key] for b in rest))
    written = ask(job, prompt, form, max_tokens=_tokens(len(rest) * 300))
    new = [b.model_copy(update={"text": getattr(written, b.key)}) for b in rest]
    return _document(BeatSheet(structure=sheet.structure, beats=[*kept, *new]), prompt)


@kind("writers-outline", capability="text")
def make_outline(job: Job) -> Output:
    """Scenes ``first`` onwards: where, when, who, what happens; lengths scaled to the part's share of pages."""
    premise, cast = _premise(job), _cast(job)
    sheet = BeatSheet.model_validate_json(job.inputs[2])
    by_key = {b.key: b for b in sheet.beats}
    plays: list[list[str]] = job.params["beats"]
    first = job.params["first"]
    wanted = sorted({key for keys in plays for key in keys}, key=list(by_key).index)
    prompt = render(
        "outline.txt",
        first=first,
        last=first + len(plays) - 1,
        title=premise.title,
        premise=premise.premise,
        cast=cast_sheet(cast),
        beats="\n".join(f"- {by_key[k].name}: {by_key[k].text}" for k in wanted),
        scenes="\n".join(
            f"Scene {first + i} plays: {', '.join(by_key[k].name for k in keys)}." for i, keys in enumerate(plays)
        ),
    )
    outline = ask(job, prompt, outline_form(cast.names, len(plays)), max_tokens=_tokens(len(plays) * 480))
    lengths = share(job.params["eighths"], [s.eighths for s in outline.scenes], least=2)
    scenes = [
        s.model_copy(update={"eighths": n, "characters": list(dict.fromkeys(s.characters))})
        for s, n in zip(outline.scenes, lengths, strict=True)
    ]
    return _document(Outline(scenes=scenes), prompt)


def _scene_prompt(job: Job, outline: Outline, fewest: int, most: int) -> Prompt:
    premise, cast = _premise(job), _cast(job)
    index, number = job.params["scene"], job.params["number"]
    scene = outline.scenes[index]
    if index:
        before = f"The scene before: {outline.scenes[index - 1].summary}\n"
    else:
        before = "This is the opening scene.\n" if number == 1 else ""
    return render(
        "scene.txt",
        number=number,
        title=premise.title,
        premise=premise.premise,
        cast=cast_sheet(cast),
        before=before,
        heading=scene.heading,
        characters=", ".join(scene.characters),
        summary=scene.summary,
        fewest=fewest,
        most=most,
    )


@kind("writers-scene", capability="text")
def make_scene(job: Job) -> Output:
    """A scene as paragraphs of action and dialogue, as many as its share of the pages needs."""
    outline = Outline.model_validate_json(job.inputs[2])
    scene = outline.scenes[job.params["scene"]]
    fewest, most = blocks_for(scene.eighths)
    prompt = _scene_prompt(job, outline, fewest, most)
    draft = ask(job, prompt, scene_form(tuple(scene.characters), fewest, most), max_tokens=_tokens(most * 300))
    return _document(draft, prompt)


@kind("writers-scene-more", capability="text")
def make_scene_more(job: Job) -> Output:
    """More of a scene that ran short: paragraphs that carry on from where its last part stops."""
    cast = _cast(job)
    outline = Outline.model_validate_json(job.inputs[2])
    so_far = SceneDraft.model_validate_json(job.inputs[3])
    scene = outline.scenes[job.params["scene"]]
    fewest, most = blocks_for(job.params["eighths"])
    prompt = render(
        "scene-more.txt",
        number=job.params["number"],
        title=_premise(job).title,
        cast=cast_sheet(cast),
        heading=scene.heading,
        summary=scene.summary,
        so_far="\n".join(_paragraph(b.who, b.text) for b in so_far.blocks[-4:]),
        fewest=fewest,
        most=most,
    )
    draft = ask(job, prompt, scene_form(tuple(scene.characters), fewest, most), max_tokens=_tokens(most * 300))
    return _document(draft, prompt)


def _paragraph(who: str, text: str) -> str:
    return text if who == ACTION else f"{who}: {text}"


@kind("writers-screenplay")
def make_screenplay(job: Job) -> Output:
    """The drafted scenes as one Fountain screenplay, cut to the page count asked for if it runs long.

    Inputs: the premise, the outline parts, then the scene drafts; ``scenes``
    says, per scene, which outline part and scene it is and which drafts make it.
    """
    premise = _premise(job)
    drafts: list[DraftScene] = []
    for entry in job.params["scenes"]:
        scene = Outline.model_validate_json(job.inputs[entry["outline"]]).scenes[entry["scene"]]
        blocks = [(b.who, b.text) for i in entry["parts"] for b in SceneDraft.model_validate_json(job.inputs[i]).blocks]
        drafts.append(DraftScene(scene.heading, tuple(blocks), scene.eighths))
    script, _ = fit(premise.title, drafts, job.params["pages"])
    return Output(fountain.format(script).encode())


@kind("writers-ending", capability="text")
def make_ending(job: Job) -> Output:
    """Another last scene that ends the story another way, as Fountain."""
    premise, cast = _premise(job), _cast(job)
    sheet = BeatSheet.model_validate_json(job.inputs[2])
    last = Outline.model_validate_json(job.inputs[3]).scenes[-1]
    fewest, most = blocks_for(last.eighths)
    prompt = render(
        "ending.txt",
        title=premise.title,
        premise=premise.premise,
        cast=cast_sheet(cast),
        story=story(sheet),
        heading=last.heading,
        summary=last.summary,
        fewest=fewest,
        most=most,
    )
    draft = ask(job, prompt, scene_form(cast.names, fewest, most), max_tokens=_tokens(most * 300))
    elements = scene_elements(last.heading, [(b.who, b.text) for b in draft.blocks])
    return Output(fountain.format(Screenplay(elements=tuple(elements))).encode(), prompt.record)


@kind("writers-punch-up", capability="text")
def make_punch_up(job: Job) -> Output:
    """The scene with every speech rewritten, sharper, by the same characters, as Fountain."""
    cast = Cast.model_validate_json(job.inputs[0])
    scene = scene_from_data(job.params["scene"])
    speeches = [el for el in scene.elements if isinstance(el, Dialogue)]
    if not speeches:
        raise WritersError(f"scene {job.params['number']} has no dialogue to punch up")
    text = fountain.format(Screenplay(elements=(scene.heading, *scene.elements)))
    prompt = render(
        "punch-up.txt",
        cast=cast_sheet(cast),
        scene=text.strip(),
        count=len(speeches),
        lines="\n".join(f"{i}. {d.character.name}: {d.spoken_text}" for i, d in enumerate(speeches, 1)),
    )
    lines = ask(job, prompt, lines_form(len(speeches)), max_tokens=_tokens(len(speeches) * 300)).lines
    new = iter(lines)
    elements = [
        Dialogue(el.character, (Line(clean(next(new)) or el.spoken_text),)) if isinstance(el, Dialogue) else el
        for el in scene.elements
    ]
    punched = Screenplay(elements=(scene.heading, *elements))
    return Output(fountain.format(punched).encode(), prompt.record)


def beat_sheet_fountain(sheet: BeatSheet, title: str) -> str:
    """A beat sheet as Fountain's outline elements: a section per act, a synopsis per beat."""
    lines = [f"Title: {clean(title) or 'Untitled'}", ""]
    act = 0
    for beat in sheet.beats:
        if beat.act != act:
            act = beat.act
            lines += [f"# Act {act}", ""]
        lines += [f"## {beat.name}", "", f"= {clean(beat.text)}", ""]
    return "\n".join(lines)
