"""The sound stages: casting, a recording per speech, each scene's timing, a cue per scene, the mix.

``voices``: the casting is decided while planning (it reads the whole script,
and costs a fraction of a second), so each speech step carries its own voice
in its params: editing one line re-records that line only, and recasting one
character re-records only their lines. The ``casting`` step writes the table
(``out/casting.md``).
``timing``: per scene, how long each shot holds and when each line starts,
from the recordings (or from reading speed when no speech backend is set).
``score``: a cue per scene from its arc, as long as its timing says, with
room to cross-fade into the next; the MIDI of the whole score for a composer.
``mix``: lines, room tone and cues laid on the film's timeline, ducked and
mastered to the project's loudness; the stems go to ``out/stems/``.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from clapboard.errors import BackendUnavailable, ClapboardError
from clapboard.plan.arc import SceneArc
from clapboard.plan.categories import introduced
from clapboard.plan.records import loads
from clapboard.plan.shots import SceneShots
from clapboard.plan.stages import Output, kind, stage
from clapboard.plan.step import PlanError, canonical_json
from clapboard.screenplay.emphasis import plain
from clapboard.screenplay.model import Dialogue, DualDialogue, sides
from clapboard.sound import casting
from clapboard.sound.voice import Timbre, UnspeakableLine

if TYPE_CHECKING:
    from clapboard.plan.plan import Planner
    from clapboard.plan.stages import Job
    from clapboard.plan.step import Step
    from clapboard.screenplay.model import Scene, Screenplay

#: Seconds before a speech in its shot, and after it before the next thing happens.
LEAD, TAIL = 0.15, 0.35
#: Seconds a shot covering nothing (an establishing shot) holds, and the shortest a shot may be.
EMPTY_SHOT, SHORTEST_SHOT = 3.0, 1.0
#: Seconds a speaker takes per word when no recording gives the length.
SECONDS_PER_WORD = 0.38
#: Seconds the music of one scene overlaps the next's at a scene change.
CROSSFADE = 2.0


def final_shots(plan: Planner, scene: Step) -> Step:
    """The shot list a scene's later steps read: the refined one when the text backend refined it."""
    steps = {s.name: s for s in plan.steps_of("shots")}
    refined = steps.get(f"{scene.name}/shots/refined")
    return refined or steps[f"{scene.name}/shots"]


def voices_for(backend: str) -> tuple[Timbre, ...]:
    """The voices casting chooses from when ``backend`` serves speech: every offline engine's for an offline
    engine, the backend's own list otherwise, and numbered voices for a backend without one (the stand-in)."""
    from clapboard.engine.registry import find_backend

    if backend in casting.OFFLINE_ENGINES:
        return casting.repertoire()
    try:
        listed = getattr(find_backend(backend), "repertoire", None)
    except BackendUnavailable:
        listed = None  # planning without the backend installed (identities given by hand): voices by number
    if listed is not None:
        return tuple(listed())
    return tuple(Timbre(backend, f"voice{i + 1}", "female" if i % 2 else "male", tier=0) for i in range(6))


# --- voices -----------------------------------------------------------------------


@dataclass(frozen=True)
class Speech:
    """One side of a dialogue block to record: where it is in its scene and what the cast says."""

    element: int
    part: int
    character: str
    placement: str
    readings: tuple[tuple[str, str], ...]  # (words, voice spec with delivery)

    @property
    def slot(self) -> str:
        return slot_name(self.element, self.part)


def slot_name(element: int, part: int) -> str:
    """The name a speech's step ends in: its element's index in the scene, ``.1`` for the right side of dual
    dialogue (``scene/3/speech/4``, ``scene/3/speech/4.1``)."""
    return f"{element}.{part}" if part else str(element)


def wav_bytes(samples: Any, rate: int) -> bytes:
    """Samples (frames, or frames × channels) as a 24-bit WAV file's bytes, as mixes and stems are kept."""
    import soundfile

    buffer = io.BytesIO()
    soundfile.write(buffer, samples, rate, format="WAV", subtype="PCM_24")
    return buffer.getvalue()


def speeches(scene: Scene, cast: casting.Casting) -> list[Speech]:
    """Every speech of ``scene`` with the readings its cast voice and parentheticals call for."""
    found: list[Speech] = []
    for index, element in enumerate(scene.elements):
        if not isinstance(element, Dialogue | DualDialogue):
            continue
        said = sides(element)
        for part, side in enumerate(said):
            readings = casting.readings(side, cast)
            if readings:
                found.append(
                    Speech(
                        index,
                        part,
                        side.character.name,
                        readings[0].placement,
                        tuple((r.text, r.voice) for r in readings),
                    )
                )
    return found


@stage("voices", consumes=("script",))
def plan_voices(plan: Planner, script: Screenplay) -> None:
    """Cast the film, then a recording step per speech, each by its voice's engine."""
    backend = plan.backend_name("speech")
    if backend is None or not any(True for _ in script.dialogues):
        return
    repertoire = voices_for(backend)
    pinned = {
        n: v for n, v in plan.direction.cast.items() if v.likeness is None or v.likeness in plan.direction.consented
    }
    withdrawn = sorted(f"{n} ({v.likeness})" for n, v in plan.direction.cast.items() if n not in pinned)
    learned = plan.direction.preferences
    avoid = {who: learned.avoided(who) for who, _ in learned.avoid}
    cast = casting.cast(script, voices=repertoire, pinned=pinned, avoid=avoid)
    params = {"table": cast.table(), "toml": cast.toml(), "withdrawn": withdrawn}
    plan.add("casting", "casting", params=params, export="casting.md")
    sexes = {timbre.label: timbre.gender for timbre in repertoire}
    members = [
        {
            "name": m.role.name,
            "gender": m.role.hint.gender,
            "age": m.role.hint.age,
            "words": m.role.words,
            "voice": m.voice.label,
            "voice_gender": sexes.get(m.voice.label),
            "pitch": m.voice.pitch,
        }
        for m in cast.members
    ]
    rules = {
        "mismatch": plan.direction.audit_voice_sex,
        "min_share": plan.direction.audit_min_share,
        "min_described_share": plan.direction.audit_min_described_share,
        "appearance_gap": plan.direction.audit_appearance_gap,
    }
    # Each character's introduction is in the params, so rewording how the script describes someone remakes
    # the audit; the casting and the recordings only move when the sex or age the words tell changes.
    people = introduced(script, {m.role.name: m.role.words for m in cast.members})
    params = {"members": members, "rules": rules, "descriptions": people}
    plan.add("audit", "audit", params=params, export="audit.md")
    for step, scene in zip(plan.steps_of("script"), script.scenes, strict=True):
        for speech in speeches(scene, cast):
            engine = speech.readings[0][1].split(":", 1)[0]
            plan.add(
                "speech",
                f"{step.name}/speech/{speech.slot}",
                params={"character": speech.character, "readings": [list(r) for r in speech.readings]},
                backend=engine,
            )


@kind("audit")
def make_audit(job: Job) -> Output:
    """``audit.md``: the cast against their voices, the share of the words and how the script describes its
    characters, with what the project flags."""
    from clapboard.trust.audit import audit, report

    members, people = job.params["members"], job.params["descriptions"]
    findings = audit(members, people=people, **job.params["rules"])
    return Output(report(members, findings, people).encode(), prompt=f"{len(findings)} findings")


@kind("casting")
def make_casting(job: Job) -> bytes:
    """The casting table, for the report and for pinning voices in ``clapboard.toml``."""
    withdrawn = job.params.get("withdrawn") or []
    recast = (
        f"\nRecast because the person whose voice was cloned has not consented (or withdrew): {', '.join(withdrawn)}.\n"
        if withdrawn
        else ""
    )
    return (
        "# Casting\n\nEvery speaking character and the voice cast for them, leads first.\n\n"
        f"{job.params['table']}\n{recast}\nTo pin or change a voice, copy its line into `clapboard.toml`:\n\n"
        f"```toml\n{job.params['toml']}```\n"
    ).encode()


@kind("speech", capability="speech")
def make_speech(job: Job) -> Output:
    """One speech recorded: each reading in its voice and delivery, a breath between them, as WAV."""
    from clapboard.backends.speech import decode, encode, join

    engine = job.backend()
    pieces = []
    rate = 0
    for text, voice in job.params["readings"]:
        try:
            wav = engine.speak(text, voice=voice, seed=job.seed)
        except UnspeakableLine as exc:
            raise ClapboardError(f"{job.params['character']} cannot say {text[:50]!r}: {exc}") from None
        samples, said_rate = decode(wav)
        if rate and said_rate != rate:
            raise ClapboardError(f"{job.params['character']}: one speech came back at two sample rates")
        rate = said_rate
        pieces.append(samples)
    spoken = " / ".join(f"{voice}: {text}" for text, voice in job.params["readings"])
    return Output(encode(join(pieces, rate), rate), prompt=spoken)


# --- timing -----------------------------------------------------------------------


@stage("timing", consumes=("script", "shots", "voices"))
def plan_timing(plan: Planner, script: Screenplay) -> None:
    """Each scene's shot lengths and line times, from its recordings when there are any."""
    if not any(plan.can_serve(c) for c in ("speech", "image", "music")):
        return  # no pictures or sound to time: the paperwork alone needs none of it
    recorded = {s.name: s for s in plan.steps_of("voices") if s.kind == "speech"}
    for step, scene in zip(plan.steps_of("script"), script.scenes, strict=True):
        lines = []
        inputs = [final_shots(plan, step)]
        for index, element in enumerate(scene.elements):
            if not isinstance(element, Dialogue | DualDialogue):
                continue
            speeches = sides(element)
            for part, side in enumerate(speeches):
                slot = slot_name(index, part)
                take = recorded.get(f"{step.name}/speech/{slot}")
                placement = "vo" if side.character.is_voice_over else "os" if side.character.is_off_screen else "on"
                said = " ".join(plain(p.text) for p in side.lines)
                lines.append([index, part, side.character.name, placement, said, take is not None])
                if take is not None:
                    inputs.append(take)
        plan.add(
            "scene-timing",
            f"{step.name}/timing",
            inputs=inputs,
            params={"lines": lines, "fps": plan.direction.fps, "reading_speed": plan.direction.reading_speed},
        )


@kind("scene-timing")
def make_scene_timing(job: Job) -> bytes:
    """How long each shot of a scene holds and when each line is heard, in seconds from the scene's start."""
    from clapboard.backends.speech import decode

    coverage = loads(SceneShots, job.inputs[0])
    recordings = iter(job.inputs[1:])
    lengths: dict[tuple[int, int], float] = {}
    lines: dict[tuple[int, int], dict[str, Any]] = {}
    for element, part, character, placement, said, has_take in job.params["lines"]:
        if has_take:
            samples, rate = decode(next(recordings))
            seconds = len(samples) / rate
        else:
            seconds = max(1.0, len(said.split()) * SECONDS_PER_WORD)
        lengths[element, part] = seconds
        lines[element, part] = {
            "element": element,
            "part": part,
            "character": character,
            "placement": placement,
            "text": said,
            "recorded": has_take,
        }
    return canonical_json(
        time_scene(coverage, lengths, lines, fps=job.params["fps"], reading_speed=job.params["reading_speed"])
    ).encode()


def time_scene(
    coverage: SceneShots,
    lengths: dict[tuple[int, int], float],
    lines: dict[tuple[int, int], dict[str, Any]],
    *,
    fps: int,
    reading_speed: float,
) -> dict[str, Any]:
    """Shot lengths on whole frames, and each line's start and end, for a scene shot as ``coverage`` plans."""
    clock = 0.0
    frame = 0
    shots: list[dict[str, Any]] = []
    heard: list[dict[str, Any]] = []
    said: set[tuple[int, int]] = set()
    for shot in coverage.shots:
        start = clock
        by_element: dict[int, list[Any]] = {}
        for cover in shot.covers:
            by_element.setdefault(cover.element, []).append(cover)
        for element, covers in by_element.items():
            if covers[0].kind == "action" or not any((element, c.part) in lengths for c in covers):
                words = sum(len(c.text.split()) for c in covers)
                clock += max(1.5, words / reading_speed)
                continue
            longest = 0.0
            for cover in covers:
                key = (element, cover.part)
                if key not in lengths or key in said:
                    continue
                said.add(key)
                begin = clock + LEAD
                heard.append({**lines[key], "start": round(begin, 4), "end": round(begin + lengths[key], 4)})
                longest = max(longest, lengths[key])
            clock += LEAD + longest + TAIL
        if not shot.covers:
            clock += EMPTY_SHOT
        clock = max(clock, start + SHORTEST_SHOT)
        end_frame = max(round(clock * fps), frame + 1)
        shots.append({"index": shot.index, "start": frame / fps, "seconds": (end_frame - frame) / fps})
        frame = end_frame
        clock = frame / fps
    for key, seconds in lengths.items():
        if key not in said:  # a speech no shot covers still belongs to the scene's sound: it ends the scene
            heard.append({**lines[key], "start": round(clock + LEAD, 4), "end": round(clock + LEAD + seconds, 4)})
            clock += LEAD + seconds + TAIL
            end_frame = round(clock * fps)
            if shots:
                shots[-1]["seconds"] = (end_frame - round(shots[-1]["start"] * fps)) / fps
            frame = end_frame
    return {"seconds": frame / fps, "frames": frame, "shots": shots, "lines": heard}


# --- score ------------------------------------------------------------------------


@stage("score", consumes=("script", "arc", "timing"))
def plan_score(plan: Planner, script: Screenplay) -> None:
    """A cue per scene from its arc, overlapping its neighbours for the cross-fade, and the score's MIDI."""
    if not plan.can_serve("music"):
        return
    arcs = {s.name: s for s in plan.steps_of("arc")}
    timings = {s.name: s for s in plan.steps_of("timing")}
    scenes = plan.steps_of("script")
    learned = False
    cues: list[Step] = []
    for i, step in enumerate(scenes):
        lead = CROSSFADE / 2 if i else 0.0
        tail = CROSSFADE / 2 if i + 1 < len(scenes) else 0.0
        params: dict[str, object] = {"lead": lead, "tail": tail, "name": f"1M{i + 1}"}
        intensity = plan.direction.preferences.intensity_for(step.name)
        if intensity != 1.0:
            params["intensity"] = intensity  # only a scene people sent back; absent, the key is unchanged
        learned = learned or "intensity" in params
        cues.append(
            plan.add(
                "scene-cue",
                f"{step.name}/cue",
                inputs=[arcs[f"{step.name}/arc"], timings[f"{step.name}/timing"]],
                params=params,
            )
        )
    plan.add(
        "score-midi",
        "score/midi",
        inputs=[*(arcs[f"{s.name}/arc"] for s in scenes), *(timings[f"{s.name}/timing"] for s in scenes)],
        params={
            "seeds": [c.seed for c in cues],
            "names": [s.name.removeprefix("scene/") for s in scenes],
            **({"intensities": [c.params.get("intensity", 1.0) for c in cues]} if learned else {}),
        },
        export="stems/score/",
    )


def mood_prompt(arc: SceneArc, intensity: float = 1.0) -> str:
    """The music prompt for a scene's feeling, as the music backends read it; ``intensity`` scales its arousal."""
    arousal = min(max(arc.feeling.arousal * intensity, 0.0), 1.0)
    return f"valence={arc.feeling.valence:.3f} arousal={arousal:.3f}"


@kind("scene-cue", capability="music")
def make_scene_cue(job: Job) -> Output:
    """The scene's cue, long enough to cover the scene and cross-fade with its neighbours."""
    arc = loads(SceneArc, job.inputs[0])
    seconds = json.loads(job.inputs[1])["seconds"] + job.params["lead"] + job.params["tail"]
    prompt = mood_prompt(arc, job.params.get("intensity", 1.0))
    return Output(job.backend().compose(prompt, seconds=seconds, seed=job.seed), prompt=prompt)


@kind("score-midi")
def make_score_midi(job: Job) -> bytes:
    """The score as MIDI (the whole and one file per cue), the same notes the cues were rendered from."""
    from clapboard.sound.score import Mood, Placed, Score, Spot, compose

    count = len(job.params["seeds"])
    arcs = [loads(SceneArc, data) for data in job.inputs[:count]]
    timings = [json.loads(data) for data in job.inputs[count:]]
    placed = []
    start = 0.0
    intensities = job.params.get("intensities", [1.0] * count)
    for i, (arc, timing, seed, scene, intensity) in enumerate(
        zip(arcs, timings, job.params["seeds"], job.params["names"], intensities, strict=True)
    ):
        lead = CROSSFADE / 2 if i else 0.0
        tail = CROSSFADE / 2 if i + 1 < count else 0.0
        mood = Mood.parse(mood_prompt(arc, intensity))
        cue = compose(mood, timing["seconds"] + lead + tail, seed=seed, name=f"1M{i + 1}")
        placed.append(Placed(Spot(start, timing["seconds"], mood, scene), cue, start - lead, 2 * lead, 2 * tail))
        start += timing["seconds"]
    return bundle(Score(tuple(placed), CROSSFADE).stems())


# --- mix --------------------------------------------------------------------------


@stage("mix", consumes=("script", "voices", "timing", "score"))
def plan_mix(plan: Planner, script: Screenplay) -> None:
    """The film's mix and its stems: every recording at its time, each scene's cue and room tone."""
    timings = plan.steps_of("timing")
    if not timings:
        return
    recordings = [s for s in plan.steps_of("voices") if s.kind == "speech"]
    cues = [s for s in plan.steps_of("score") if s.kind == "scene-cue"]
    if not recordings and not cues:
        return
    interiors = [scene.heading.setting.startswith("INT") for scene in script.scenes]
    plan.add(
        "mix",
        "mix",
        inputs=[*timings, *recordings, *cues],
        params={
            "scenes": [s.name for s in plan.steps_of("script")],
            "recordings": [s.name for s in recordings],
            "cues": len(cues),
            "crossfade": CROSSFADE,
            "interiors": interiors,
            "loudness": plan.direction.loudness,
            "true_peak": plan.direction.true_peak,
        },
        export="stems/",
    )


@kind("mix")
def make_mix(job: Job) -> Output:
    """``mix.wav``, ``dialogue.wav`` and ``music.wav`` as one bundle, mastered to the project's loudness."""
    from clapboard.sound.mix import SAMPLE_RATE, Clip, CueClip, MixSettings, Room, mix

    scenes: list[str] = job.params["scenes"]
    names: list[str] = job.params["recordings"]
    count = len(scenes)
    timings = [json.loads(data) for data in job.inputs[:count]]
    takes = dict(zip(names, job.inputs[count : count + len(names)], strict=True))
    cue_audio = job.inputs[count + len(names) :]
    lines: list[Clip] = []
    cues: list[CueClip] = []
    rooms: list[Room] = []
    start = 0.0
    half = job.params["crossfade"] / 2
    for i, (scene, timing) in enumerate(zip(scenes, timings, strict=True)):
        for line in timing["lines"]:
            slot = slot_name(line["element"], line["part"])
            take = takes.get(f"{scene}/speech/{slot}")
            if take is not None:
                lines.append(Clip(start + line["start"], take, line["placement"]))
        rooms.append(Room(start, start + timing["seconds"], job.params["interiors"][i]))
        if cue_audio:
            lead = half if i else 0.0
            tail = half if i + 1 < count else 0.0
            cues.append(CueClip(start - lead, cue_audio[i], fade_in=2 * lead, fade_out=2 * tail))
        start += timing["seconds"]
    settings = MixSettings(loudness=job.params["loudness"], true_peak=job.params["true_peak"])
    made = mix(lines, cues, rooms=rooms, duration=start, settings=settings)
    files = {
        "mix.wav": wav_bytes(made.mix, SAMPLE_RATE),
        "dialogue.wav": wav_bytes(made.dialogue[:, :1], SAMPLE_RATE),
        "music.wav": wav_bytes(made.music, SAMPLE_RATE),
    }
    measured = f"integrated {made.loudness:.1f} LUFS, true peak {made.true_peak:.1f} dBTP"
    return Output(bundle(files), prompt=measured)


# --- bundles ----------------------------------------------------------------------


def bundle(files: dict[str, bytes]) -> bytes:
    """Several files as one output: a zip with fixed dates, so the same files always give the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            archive.writestr(info, files[name])
    return out.getvalue()


def unbundle(data: bytes) -> dict[str, bytes]:
    """The files of a :func:`bundle`, by name."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {name: archive.read(name) for name in archive.namelist()}
    except zipfile.BadZipFile as exc:
        raise PlanError(f"a bundled output is not a zip archive ({exc})") from None
