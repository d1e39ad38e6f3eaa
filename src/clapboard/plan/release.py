"""The release stages: subtitles, translations and dubbed sound for each language the project names.

``subtitles``: the film's dialogue as cues timed by the recordings, cut to the
subtitler's style guide (``out/subtitles/en.srt``, ``.vtt`` and ``.ass``).
``localize``: per language, a translation step per scene (the scene's text is
the translator's context, the glossary keeps names), its subtitles, a dubbed
take of every speech in a voice that speaks the language, and a mix where each
take is fitted to its original slot (``out/dub/<language>/``, with the dubbing
report). The film carries an audio and a subtitle stream per language.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from clapboard.errors import ClapboardError
from clapboard.plan.soundtrack import CROSSFADE, bundle, slot_name, wav_bytes
from clapboard.plan.stages import Output, kind, stage
from clapboard.screenplay.emphasis import plain
from clapboard.screenplay.model import Action, Dialogue, DualDialogue, sides
from clapboard.sound import casting

if TYPE_CHECKING:
    from clapboard.plan.plan import Planner
    from clapboard.plan.stages import Job
    from clapboard.plan.step import Step
    from clapboard.screenplay.model import Scene, Screenplay

#: The language the scripts are written in.
SOURCE = "en"
#: ISO 639-1 codes and the ISO 639-2 codes MP4 and Matroska tag streams with.
ISO_639_2 = {
    "en": "eng",
    "es": "spa",
    "ca": "cat",
    "fr": "fra",
    "de": "deu",
    "it": "ita",
    "pt": "por",
    "gl": "glg",
    "eu": "eus",
    "nl": "nld",
    "oc": "oci",
    "eo": "epo",
}
#: eSpeak's voice variants, by sex: the engine that speaks the most languages dubs when the cast's cannot.
_VARIANTS = {"female": ("f1", "f2", "f3", "f4", "f5"), "male": ("m1", "m2", "m3", "m4", "m5", "m6", "m7")}


def iso_639_2(language: str) -> str:
    """The three-letter code of ``language`` (an ISO 639-1 code); ClapboardError for one Clapboard does not know."""
    try:
        return ISO_639_2[language]
    except KeyError:
        known = ", ".join(sorted(ISO_639_2))
        raise ClapboardError(f"language {language!r} is not one Clapboard can tag; known: {known}") from None


def lead_seconds(plan: Planner, script: Screenplay) -> float:
    """How long the film's opening cards (the AI disclosure, the title) hold before the first scene."""
    from clapboard.plan.previs import DISCLOSURE_SECONDS, TITLE_SECONDS

    if not plan.can_serve("image"):
        return 0.0  # no frames, no film: the subtitles go with the mix alone
    title = TITLE_SECONDS if plan.direction.title_card and script.title else 0.0
    return title + (DISCLOSURE_SECONDS if plan.direction.disclosure_card else 0.0)


# --- source-language subtitles ----------------------------------------------------


@stage("subtitles", consumes=("script", "timing", "voices"))
def plan_subtitles(plan: Planner, script: Screenplay) -> None:
    """The film's own subtitles, timed by the recordings."""
    timings = plan.steps_of("timing")
    if not timings or not any(True for _ in script.dialogues):
        return
    params = {"language": SOURCE, "offset": lead_seconds(plan, script), **_frame(plan)}
    takes = [s for s in plan.steps_of("voices") if s.kind == "speech"] if plan.can_serve("align") else []
    if takes:
        # Each recording aligned to its words: cues start on the first word heard, not on the take's first sample,
        # which matters most for a recording a person replaced (breaths, room, a late start).
        aligned = plan.add(
            "alignment",
            "subtitles/alignment",
            inputs=takes,
            params={
                "takes": [t.name for t in takes],
                "texts": [" ".join(r[0] for r in t.params["readings"]) for t in takes],
            },
        )
        scenes = [s.name for s in plan.steps_of("script")]
        plan.add(
            "subtitles",
            f"subtitles/{SOURCE}",
            inputs=[*timings, aligned],
            params={**params, "aligned": scenes},
            export="subtitles/",
        )
        return
    plan.add("subtitles", f"subtitles/{SOURCE}", inputs=timings, params=params, export="subtitles/")


def _frame(plan: Planner) -> dict[str, Any]:
    return {"fps": plan.direction.fps, "width": plan.direction.width, "height": plan.direction.height}


def spoken_lines(timings: list[dict[str, Any]], offset: float, texts: list[list[str]] | None = None) -> list[Any]:
    """Every timed line of the film as subtitle input, scene after scene; ``texts`` replace the words per scene."""
    from clapboard.media.subtitles import Spoken

    lines = []
    start = offset
    for i, timing in enumerate(timings):
        for j, line in enumerate(timing["lines"]):
            words = texts[i][j] if texts is not None else line["text"]
            if not words.strip():
                continue
            lines.append(
                Spoken(
                    line["character"],
                    " ".join(words.split()),
                    start + line["start"],
                    start + line["end"],
                    off_screen=line["placement"] != "on",
                    side=line["part"],
                )
            )
        start += timing["seconds"]
    return lines


@kind("subtitles")
def make_subtitles(job: Job) -> bytes:
    """SRT, WebVTT and ASS files for one language, as a bundle named by the language."""
    from clapboard.media import Format
    from clapboard.media.subtitles import StyleGuide, cues, write

    aligned: list[str] | None = job.params.get("aligned")
    count = len(aligned) if aligned else job.params.get("scenes", len(job.inputs))
    timings = [json.loads(data) for data in job.inputs[:count]]
    texts = None
    if aligned:
        timings = _realigned(timings, aligned, json.loads(job.inputs[-1]))
    elif len(job.inputs) > count:
        texts = [json.loads(data) for data in job.inputs[count:]]
    guide = StyleGuide(fps=job.params["fps"])
    made = cues(spoken_lines(timings, job.params["offset"], texts), guide)
    frame = Format(job.params["width"], job.params["height"], job.params["fps"])
    language = job.params["language"]
    return bundle({f"{language}.{fmt}": write(made, fmt, frame=frame) for fmt in ("srt", "vtt", "ass")})


@kind("alignment", capability="align")
def make_alignment(job: Job) -> Output:
    """Where the first and last word fall in each recording, seconds from its start (None where alignment failed)."""
    aligner = job.backend()
    found: dict[str, list[float] | None] = {}
    failed = 0
    for name, text, take in zip(job.params["takes"], job.params["texts"], job.inputs, strict=True):
        try:
            words = aligner.align(take, text, language=SOURCE)
        except ClapboardError:
            words = []
        if words:
            found[name] = [words[0].start, words[-1].end]
        else:
            found[name] = None  # the take's own length stands; counted in the provenance
            failed += 1
    note = f"{len(found) - failed} of {len(found)} recordings aligned"
    return Output(json.dumps(found, sort_keys=True).encode(), prompt=note)


def _realigned(
    timings: list[dict[str, Any]], scenes: list[str], words: dict[str, list[float] | None]
) -> list[dict[str, Any]]:
    """The timings with each recorded line's start and end moved onto its first and last aligned word."""
    out = []
    for scene, timing in zip(scenes, timings, strict=True):
        lines = []
        for line in timing["lines"]:
            slot = slot_name(line["element"], line["part"])
            span = words.get(f"{scene}/speech/{slot}")
            if span is not None and span[1] > span[0]:
                line = {**line, "start": line["start"] + span[0], "end": line["start"] + span[1]}
            lines.append(line)
        out.append({**timing, "lines": lines})
    return out


# --- other languages --------------------------------------------------------------


def scene_lines(scene: Scene) -> list[str]:
    """The words of each speech of ``scene`` in order, both sides of dual dialogue (as the timing lists them)."""
    lines = []
    for element in scene.elements:
        if isinstance(element, Dialogue | DualDialogue):
            speeches = sides(element)
            lines.extend(" ".join(" ".join(plain(p.text) for p in side.lines).split()) for side in speeches)
    return lines


def scene_context(scene: Scene) -> str:
    """The scene as a translator reads it for context: heading, action and who says what."""
    rows = [scene.heading.text]
    for element in scene.elements:
        if isinstance(element, Action):
            rows.append(" ".join(plain(element.text).split()))
        elif isinstance(element, Dialogue | DualDialogue):
            speeches = sides(element)
            rows.extend(f"{s.character.name}: {' '.join(plain(p.text) for p in s.lines)}" for s in speeches)
    return "\n".join(rows)


def dub_voice(original: str, language: str, gender: str | None, index: int) -> str:
    """The voice that dubs a character in ``language``: eSpeak's voice for the language, of the character's
    sex, a variant per character, at the original voice's speed and pitch."""
    from clapboard.sound.voice import Voice

    voice, _ = Voice.parse(original)
    variants = _VARIANTS.get(gender or "", _VARIANTS["male"] + _VARIANTS["female"])
    return Voice("espeak-ng", f"{language}+{variants[index % len(variants)]}", voice.rate, voice.pitch).spec()


@stage("localize", consumes=("script", "timing", "voices", "score"))
def plan_localize(plan: Planner, script: Screenplay) -> None:
    """For each language: a translation per scene, subtitles, a dubbed take per speech and the dubbed mix."""
    languages = [code for code in plan.direction.languages if code != SOURCE]
    timings = plan.steps_of("timing")
    if not languages or not timings:
        return
    if not plan.can_serve("translate"):
        raise ClapboardError("languages are set but no translate backend is: set [backends] translate")
    for code in languages:
        iso_639_2(code)
    glossary = sorted({*script.characters, *plan.direction.glossary})
    scenes = plan.steps_of("script")
    recordings = {s.name: s for s in plan.steps_of("voices") if s.kind == "speech"}
    cues = [s for s in plan.steps_of("score") if s.kind == "scene-cue"]
    speech_backend = plan.backend_name("speech")
    dubbed_by = "espeak-ng" if speech_backend in casting.OFFLINE_ENGINES else speech_backend
    voices = _dub_cast(script, plan, recordings)
    for code in languages:
        translations = []
        for step, scene in zip(scenes, script.scenes, strict=True):
            translations.append(
                plan.add(
                    "scene-translation",
                    f"{step.name}/translation/{code}",
                    params={
                        "lines": scene_lines(scene),
                        "context": scene_context(scene),
                        "source": SOURCE,
                        "target": code,
                        "glossary": glossary,
                    },
                )
            )
        plan.add(
            "subtitles",
            f"subtitles/{code}",
            inputs=[*timings, *translations],
            params={"language": code, "offset": lead_seconds(plan, script), "scenes": len(timings), **_frame(plan)},
            export="subtitles/",
        )
        if dubbed_by is None:
            continue
        takes: list[Step] = []
        for step, scene, translation in zip(scenes, script.scenes, translations, strict=True):
            for line, slot in enumerate(speech_slots(scene)):
                name = f"{step.name}/speech/{slot}"
                recording = recordings.get(name)
                if recording is None:
                    continue
                character = recording.params["character"]
                spec = voices[character] if dubbed_by == "espeak-ng" else recording.params["readings"][0][1]
                takes.append(
                    plan.add(
                        "dub-speech",
                        f"{name}/dub/{code}",
                        inputs=[translation],
                        params={"line": line, "voice": spec.replace("{language}", code), "character": character},
                        backend=dubbed_by,
                    )
                )
        plan.add(
            "dub-mix",
            f"dub/{code}",
            inputs=[*timings, *takes, *cues],
            params={
                "language": code,
                "scenes": [s.name for s in scenes],
                "takes": [t.name.removesuffix(f"/dub/{code}") for t in takes],
                "cues": len(cues),
                "crossfade": CROSSFADE,
                "loudness": plan.direction.loudness,
                "true_peak": plan.direction.true_peak,
            },
            export=f"dub/{code}/",
        )


def speech_slots(scene: Scene) -> list[str]:
    """The slot name of each speech of ``scene``, in the order of :func:`scene_lines`."""
    slots = []
    for index, element in enumerate(scene.elements):
        if isinstance(element, Dialogue):
            slots.append(str(index))
        elif isinstance(element, DualDialogue):
            slots.extend((str(index), f"{index}.1"))
    return slots


def _dub_cast(script: Screenplay, plan: Planner, recordings: dict[str, Step]) -> dict[str, str]:
    """A dubbing voice spec per speaking character, with ``{language}`` where the language goes."""
    hints = casting.hints(script)
    seen: dict[str, str] = {}
    count: dict[str, int] = {}
    for recording in recordings.values():
        character = recording.params["character"]
        if character in seen:
            continue
        gender = hints[character].gender if character in hints else None
        index = count.get(gender or "", 0)
        count[gender or ""] = index + 1
        spec = dub_voice(recording.params["readings"][0][1], "xx", gender, index)
        seen[character] = spec.replace(":xx+", ":{language}+")
    return seen


@kind("scene-translation", capability="translate")
def make_scene_translation(job: Job) -> Output:
    """A scene's speeches in the target language, as a JSON list in the same order."""
    translator = job.backend()
    p = job.params
    if hasattr(translator, "translate_many"):
        lines = translator.translate_many(p["lines"], source=p["source"], target=p["target"], glossary=p["glossary"])
    else:
        lines = [
            translator.translate(
                line, source=p["source"], target=p["target"], context=p["context"], glossary=p["glossary"]
            )
            for line in p["lines"]
        ]
    return Output(json.dumps(lines, ensure_ascii=False).encode(), prompt=p["context"])


@kind("dub-speech", capability="speech")
def make_dub_speech(job: Job) -> Output:
    """One speech said in the target language by the character's dubbing voice."""
    lines = json.loads(job.inputs[0])
    text = lines[job.params["line"]]
    if not text.strip():
        raise ClapboardError(f"{job.params['character']}: the translation of a line came back empty")
    return Output(job.backend().speak(text, voice=job.params["voice"], seed=job.seed), prompt=text)


@kind("dub-mix")
def make_dub_mix(job: Job) -> Output:
    """The dubbed mix: each take fitted to its original line's slot, over the same score; with the report."""
    from clapboard.sound.dub import DubLine, DubReport, fit
    from clapboard.sound.mix import SAMPLE_RATE, Clip, CueClip, MixSettings, Room, mix

    p = job.params
    count = len(p["scenes"])
    timings = [json.loads(data) for data in job.inputs[:count]]
    takes = dict(zip(p["takes"], job.inputs[count : count + len(p["takes"])], strict=True))
    cue_audio = job.inputs[count + len(p["takes"]) :]
    clips: list[Clip] = []
    cues: list[CueClip] = []
    rooms: list[Room] = []
    report: list[DubLine] = []
    start = 0.0
    half = p["crossfade"] / 2
    for i, (scene, timing) in enumerate(zip(p["scenes"], timings, strict=True)):
        for line in timing["lines"]:
            slot = slot_name(line["element"], line["part"])
            take = takes.get(f"{scene}/speech/{slot}")
            if take is None:
                continue
            fitted = fit(take, line["end"] - line["start"])
            report.append(DubLine(line["character"], f"{scene.removeprefix('scene/')}: {line['text']}", fitted))
            clips.append(Clip(start + line["start"], fitted.wav, line["placement"]))
        rooms.append(Room(start, start + timing["seconds"], True))
        if cue_audio:
            lead = half if i else 0.0
            tail = half if i + 1 < count else 0.0
            cues.append(CueClip(start - lead, cue_audio[i], fade_in=2 * lead, fade_out=2 * tail))
        start += timing["seconds"]
    made = mix(clips, cues, rooms=rooms, duration=start, settings=MixSettings(p["loudness"], p["true_peak"]))
    files = {"mix.wav": wav_bytes(made.mix, SAMPLE_RATE), "dialogue.wav": wav_bytes(made.dialogue[:, :1], SAMPLE_RATE)}
    dub = DubReport(p["language"], tuple(report))
    files["dubbing.md"] = dub.markdown().encode()
    files["dubbing.html"] = dub.html().encode()
    return Output(bundle(files), prompt=f"{len(dub.overruns)} of {len(report)} lines overrun their slots")
