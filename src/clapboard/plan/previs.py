"""The previs stages: storyboard frames, concept art, the animatic and its cut.

``frames``: a ``scene-frames`` step per scene draws every shot of the scene
through the image backend, from a brief built from the shot (set, figures by
blocking, size, angle, move); the frames go to ``out/frames/<scene>/``.
``concept``: a character sheet per speaking character and a frame per
location (``out/concept/``).
``previs``: a ``scene-reel`` per scene renders its shots, each to its own
H.264 segment kept by content in the store's workshop, so a changed shot
re-encodes only its own segment; the ``film`` step joins the scenes without
re-encoding, lays the mix under them and marks a chapter per scene
(``out/film.mp4``). The cut is an OpenTimelineIO timeline (``out/cut.otio``)
with EDL and FCP XML beside it, and the board prints to ``out/storyboard.pdf``.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clapboard.plan.direction import ASPECTS
from clapboard.plan.records import loads
from clapboard.plan.shots import SceneShots, Shot, slate
from clapboard.plan.soundtrack import bundle, final_shots, unbundle, wav_bytes
from clapboard.plan.stages import Output, kind, stage
from clapboard.plan.step import PlanError, canonical_json, derive_seed
from clapboard.screenplay.emphasis import plain
from clapboard.screenplay.model import Transition
from clapboard.sound import casting

if TYPE_CHECKING:
    from clapboard.media import Format, Panel
    from clapboard.plan.plan import Planner
    from clapboard.plan.stages import Job
    from clapboard.screenplay.model import Scene, SceneHeading, Screenplay

#: Frames a dissolve and a fade take at the film's rate, in seconds.
DISSOLVE_SECONDS, FADE_SECONDS = 0.5, 0.75
#: Seconds the title card, the disclosure card and the credits card hold.
TITLE_SECONDS = 4.0
DISCLOSURE_SECONDS = 5.0
CREDITS_SECONDS = 8.0
#: The stages whose steps' backends the disclosure and credits cards name.
_MAKERS = ("script", "shots", "frames", "voices", "score", "subtitles", "localize")
#: How a shot's camera move plays over its frame.
MOVES = {"pan": "pan right", "tilt": "tilt up", "dolly in": "push in", "dolly out": "pull out"}


def picture_format(picture: dict[str, Any]) -> Format:
    """The media :class:`~clapboard.media.Format` for a step's ``picture`` params."""
    from clapboard.media import Format

    return Format(picture["width"], picture["height"], picture["fps"], ASPECTS[picture["aspect"]])


def setting_of(heading: SceneHeading) -> dict[str, Any]:
    """Where and when a scene happens, as a frame brief gives it."""
    marker = heading.setting.upper()
    return {
        "location": heading.location or heading.text,
        "interior": marker.startswith("INT") or "I/E" in marker,
        "exterior": "EXT" in marker or "I/E" in marker,
        "time": heading.time.upper(),
    }


def describe(script: Screenplay) -> dict[str, str]:
    """A few words per speaking character from what the script says of them (sex and age)."""
    found = casting.hints(script)
    words: dict[str, str] = {}
    for name, hint in found.items():
        parts = []
        if hint.gender is not None:
            parts.append({"female": "woman", "male": "man"}.get(hint.gender, str(hint.gender)))
        if hint.age is not None:
            parts.append(f"{hint.age // 10 * 10}s" if hint.age >= 20 else f"aged {hint.age}")
        words[name] = ", ".join(parts)
    return words


# --- frames -----------------------------------------------------------------------


@stage("frames", consumes=("script", "shots"))
def plan_frames(plan: Planner, script: Screenplay) -> None:
    """A step per scene drawing its shots' frames, when an image backend is set."""
    if not plan.can_serve("image"):
        return
    descriptions = describe(script)
    for step, scene in zip(plan.steps_of("script"), script.scenes, strict=True):
        present = {*scene.speaking_characters, *(n for n in descriptions if n in _names_in(scene))}
        plan.add(
            "scene-frames",
            f"{step.name}/frames",
            inputs=[final_shots(plan, step)],
            params={
                "scene": scene.number,
                "setting": setting_of(scene.heading),
                "descriptions": {n: descriptions.get(n, "") for n in sorted(present)},
                "picture": plan.direction.picture,
                "style": plan.direction.style,
                "watermark": plan.direction.watermark,
            },
            export=f"frames/{_file_name(scene.number)}/",
        )


def _names_in(scene: Scene) -> set[str]:
    return {name for el in scene.elements for name in re.findall(r"\b[A-Z][A-Z'\-]+\b", getattr(el, "text", ""))}


def brief_for(shot: Shot, scene: str, setting: dict[str, Any], descriptions: dict[str, str]) -> dict[str, Any]:
    """The frame brief of one shot: what an image backend draws (see :mod:`clapboard.engine.capabilities`)."""
    speaking = {c.character for c in shot.covers if c.kind != "action"}
    figures = []
    for framed in shot.framing:
        shoulder = shot.kind == "over-the-shoulder" and framed.name != shot.subject and framed.name in shot.characters
        figures.append(
            {
                "name": framed.name,
                "x": framed.frame_x,
                "looks": framed.looks,
                "speaking": framed.name in speaking,
                "shoulder": shoulder,
                "moving": "",
                "description": descriptions.get(framed.name, ""),
            }
        )
    direction = ""
    if shot.move == "pan":
        subject_x = next((f["x"] for f in figures if f["name"] == shot.subject), 0.0)
        direction = "left" if subject_x > 0 else "right"
    elif shot.move == "tilt":
        direction = "up"
    return {
        "kind": "shot",
        "label": f"{scene}{slate(shot.index - 1)}",
        "caption": caption(shot),
        "setting": setting,
        "size": shot.size,
        "angle": shot.angle,
        "move": shot.move,
        "move_direction": direction,
        "lens_mm": shot.lens_mm,
        "figures": figures,
    }


def caption(shot: Shot) -> str:
    """The line under a frame: size, subject and the first words it covers."""
    first = next((c for c in shot.covers if c.text.strip()), None)
    words = " ".join(first.text.split()) if first else ""
    said = f"{first.character}: {words}" if first and first.character else words
    head = f"{shot.size} {shot.subject}".strip()
    # A colon, not a dash: the frame's built-in font has no em dash.
    return f"{head}: {said}" if said else head


def prompt_for(brief: dict[str, Any], style: str) -> str:
    """The frame in words, for image backends that read a prompt."""
    setting = brief.get("setting", {})
    where = f"{'interior' if setting.get('interior') else 'exterior'} {setting.get('location', '').lower()}"
    people = ", ".join(
        f"{f['name'].title()} ({f['description']})" if f.get("description") else f["name"].title()
        for f in brief.get("figures", [])
    )
    parts = [
        f"{brief.get('size', '')} shot, {brief.get('angle', '')}",
        f"{where}, {setting.get('time', '').lower()}",
        people,
        style,
    ]
    return ", ".join(p.strip(", ") for p in parts if p.strip(", "))


@kind("scene-frames", capability="image")
def make_scene_frames(job: Job) -> Output:
    """Every shot of a scene drawn, as a bundle of PNG files named by shot number."""
    coverage = loads(SceneShots, job.inputs[0])
    fmt = picture_format(job.params["picture"])
    _, _, width, height = fmt.picture
    artist = job.backend()
    # One seed for the scene's set, from where it is and the take: every shot of the scene shows the same
    # room, and a shot redrawn because its lines changed looks as it did. A rejected take gets a new set.
    seed = derive_seed(canonical_json([job.params["scene"], job.params["setting"]]), job.step.take)
    frames: dict[str, bytes] = {}
    prompts = []
    for shot in coverage.shots:
        brief = brief_for(shot, job.params["scene"], job.params["setting"], job.params["descriptions"])
        prompt = prompt_for(brief, job.params["style"])
        prompts.append(f"{brief['label']}: {prompt}")
        drawn = artist.draw(prompt, seed=seed, width=width, height=height, brief=brief)
        frames[f"{brief['label']}.png"] = _marked(drawn, job)
    return Output(bundle(frames), prompt="\n".join(prompts))


def _marked(png: bytes, job: Job) -> bytes:
    """``png`` with the invisible watermark when the project asks for it. The mark is the start of the frame's
    own SHA-256 as drawn, not of the step's key: a frame drawn again unchanged carries the same mark, so its
    segment is reused when a line elsewhere in the scene changes."""
    if not job.params.get("watermark"):
        return png
    from clapboard.trust.watermark import PAYLOAD_BYTES, embed

    return embed(png, hashlib.sha256(png).digest()[:PAYLOAD_BYTES])


# --- concept art ------------------------------------------------------------------


@stage("concept", consumes=("script",))
def plan_concept(plan: Planner, script: Screenplay) -> None:
    """A sheet per speaking character and a frame per location, when an image backend is set."""
    if not plan.can_serve("image"):
        return
    descriptions = describe(script)
    picture = plan.direction.picture
    for name in script.characters:
        brief = {
            "kind": "character",
            "label": name,
            "caption": descriptions.get(name, ""),
            "description": descriptions.get(name, ""),
            "figures": [{"name": name, "x": 0.0, "looks": "camera", "description": descriptions.get(name, "")}],
        }
        plan.add(
            "concept-frame",
            f"concept/character/{name}",
            params={
                "brief": brief,
                "picture": picture,
                "style": plan.direction.style,
                "watermark": plan.direction.watermark,
            },
            export=f"concept/characters/{_file_name(name)}.png",
        )
    seen: set[str] = set()
    for scene in script.scenes:
        setting = setting_of(scene.heading)
        place = _file_name(setting["location"])
        if place in seen:
            continue
        seen.add(place)
        brief = {
            "kind": "location",
            "label": setting["location"],
            "caption": scene.heading.text,
            "setting": setting,
            "size": "EWS",
            "angle": "eye level",
            "figures": [],
        }
        plan.add(
            "concept-frame",
            f"concept/location/{place}",
            params={
                "brief": brief,
                "picture": picture,
                "style": plan.direction.style,
                "watermark": plan.direction.watermark,
            },
            export=f"concept/locations/{place}.png",
        )


@kind("concept-frame", capability="image")
def make_concept_frame(job: Job) -> Output:
    """A character sheet or a location frame."""
    fmt = picture_format(job.params["picture"])
    _, _, width, height = fmt.picture
    brief = job.params["brief"]
    prompt = prompt_for(brief, job.params["style"])
    if brief["kind"] == "character":
        prompt = f"character sheet, front and profile, {prompt}"
    drawn = job.backend().draw(prompt, seed=job.seed, width=width, height=height, brief=brief)
    return Output(_marked(drawn, job), prompt=prompt)


def _file_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "untitled"


# --- the animatic -----------------------------------------------------------------


@dataclass(frozen=True)
class Edges:
    """How a scene begins and ends on screen, from the transitions written around it."""

    begin: str = "cut"  # cut, dissolve, fade
    end: str = "cut"  # cut, fade


def edges(script: Screenplay) -> list[Edges]:
    """Each scene's opening and closing transition: ``DISSOLVE TO:`` and ``FADE OUT.`` / ``FADE IN:``."""
    scenes = script.scenes
    opening = [el for el in script.elements[: _first_heading(script)] if isinstance(el, Transition)]
    begins = ["fade" if any("FADE" in t.text.upper() for t in opening) else "cut"]
    ends = []
    for scene in scenes:
        last = scene.elements[-1] if scene.elements else None
        said = last.text.upper() if isinstance(last, Transition) else ""
        ends.append("fade" if "FADE" in said and "IN" not in said.split() else "cut")
        begins.append("dissolve" if "DISSOLVE" in said else "fade" if ends[-1] == "fade" else "cut")
    if ends:
        ends[-1] = "fade"  # the film ends in black whatever the page says
    return [Edges(begins[i], ends[i]) for i in range(len(scenes))]


def _first_heading(script: Screenplay) -> int:
    from clapboard.screenplay.model import SceneHeading

    return next((i for i, el in enumerate(script.elements) if isinstance(el, SceneHeading)), len(script.elements))


@stage("previs", consumes=("script", "shots", "frames", "voices", "timing", "score", "mix", "subtitles", "localize"))
def plan_previs(plan: Planner, script: Screenplay) -> None:
    """A reel per scene, the film with its sound, the cut files and the printed board."""
    frames = {s.name: s for s in plan.steps_of("frames")}
    if not frames:
        return
    timings = {s.name: s for s in plan.steps_of("timing")}
    mix = next((s for s in plan.steps_of("mix") if s.kind == "mix"), None)
    picture = plan.direction.picture
    scenes = plan.steps_of("script")
    reels = []
    cards: list[str] = []  # chapter names of the cards before the first scene
    held: list[list[Any]] = []  # each card's name and seconds, in film order (the cut holds them as gaps)
    title = " ".join(plain(script.title).split()) if script.title else ""
    authors = [
        " ".join(plain(v).split()) for f in script.title_page.fields if f.key.lower() == "author" for v in f.values
    ]
    makers = _makers(plan)
    if plan.direction.disclosure_card:
        params = {"card": "disclosure", "makers": makers, "seconds": DISCLOSURE_SECONDS, "picture": picture}
        reels.append(plan.add("card-reel", "disclosure/reel", params=params))
        cards.append("Disclosure")
        held.append(["Disclosure", DISCLOSURE_SECONDS])
    if plan.direction.title_card and title:
        text = title + (f"\n\nwritten by {', '.join(authors)}" if authors else "")
        reels.append(plan.add("title-reel", "title/reel", params={"text": text, "picture": picture}))
        cards.append("Titles")
        held.append(["Titles", TITLE_SECONDS])
    previous = None
    for step, scene, edge in zip(scenes, script.scenes, edges(script), strict=True):
        scene_frames = frames[f"{step.name}/frames"]
        inputs = [final_shots(plan, step), timings[f"{step.name}/timing"], scene_frames]
        if edge.begin == "dissolve" and previous is not None:
            inputs.append(previous)  # a dissolve blends the last frame before it
        reels.append(
            plan.add(
                "scene-reel",
                f"{step.name}/reel",
                inputs=inputs,
                params={"scene": scene.number, "begin": edge.begin, "end": edge.end, "picture": picture},
            )
        )
        previous = scene_frames
    if plan.direction.credits_card:
        d = plan.direction
        credits = {
            "card": "credits",
            "title": title,
            "authors": authors,
            "approvers": list(d.approvers),
            "human_made": [list(pair) for pair in d.human_made],
            "makers": makers,
            "seconds": CREDITS_SECONDS,
            "picture": picture,
        }
        reels.append(plan.add("card-reel", "credits/reel", params=credits))
        held.append(["Credits", CREDITS_SECONDS])
    scene_timings = [timings[f"{s.name}/timing"] for s in scenes]
    headings = [s.heading.text for s in script.scenes]
    numbers = [s.number for s in script.scenes]
    subtitles = [s for s in (*plan.steps_of("subtitles"), *plan.steps_of("localize")) if s.kind == "subtitles"]
    dubs = [s for s in plan.steps_of("localize") if s.kind == "dub-mix"]
    tracks = {
        "reels": len(reels),
        "cards": cards,
        "credits": plan.direction.credits_card,
        "sound": mix is not None,
        "dubs": [s.params["language"] for s in dubs],
        "subtitles": [s.params["language"] for s in subtitles],
    }
    sound = [*([mix] if mix else []), *dubs]
    film = plan.add(
        "film",
        "film",
        inputs=[*reels, *scene_timings, *sound, *subtitles],
        params={
            "picture": picture,
            "chapters": [f"{n}. {h}" for n, h in zip(numbers, headings, strict=True)],
            **tracks,
        },
        export="film.mp4",
    )
    plan.add("film-mkv", "film/mkv", inputs=[film, *subtitles], params=tracks, export="film.mkv")
    shot_lists = [final_shots(plan, s) for s in scenes]
    scene_frames = [frames[f"{s.name}/frames"] for s in scenes]
    common = {"picture": picture, "numbers": numbers, "title": title or "Storyboard"}
    cut = plan.add(
        "cut",
        "cut",
        inputs=[*shot_lists, *scene_timings, *scene_frames],
        params={
            **common,
            "folders": [_file_name(n) for n in numbers],
            "sound": mix is not None,
            "opening": held[: len(cards)],
            "closing": held[len(cards) :],
        },
        export="cut.otio",
    )
    plan.add("cut-file", "cut/edl", inputs=[cut], params={"adapter": "cmx_3600"}, export="cut.edl")
    plan.add("cut-file", "cut/fcp-xml", inputs=[cut], params={"adapter": "fcp_xml"}, export="cut.xml")
    plan.add(
        "storyboard",
        "storyboard",
        inputs=[*shot_lists, *scene_timings, *scene_frames],
        params=common,
        export="storyboard.pdf",
    )


def _makers(plan: Planner) -> list[list[str]]:
    """Each (step kind, backend) pair behind the film's parts, sorted: what the cards disclose and credit."""
    found = {
        (step.kind, step.backend.name) for stage in _MAKERS for step in plan.steps_of(stage) if step.backend is not None
    }
    return [list(pair) for pair in sorted(found)]


def _workshop(job: Job) -> tuple[Path, tempfile.TemporaryDirectory[str] | None]:
    if job.workshop is not None:
        folder = job.workshop / "segments"
        folder.mkdir(exist_ok=True)
        return folder, None
    scratch = tempfile.TemporaryDirectory(prefix="clapboard-segments-")
    return Path(scratch.name), scratch


@kind("title-reel")
def make_title_reel(job: Job) -> bytes:
    """The title card, faded in from black and out to it, as a segment."""
    return _card_segment(job, job.params["text"], TITLE_SECONDS, "title")


@kind("card-reel")
def make_card_reel(job: Job) -> Output:
    """A card of words (the AI disclosure before the film, or the credits after it), faded in and out."""
    from clapboard.trust.credits import credits_card, disclosure_card

    p = job.params
    makers = [(kind, backend) for kind, backend in p["makers"]]
    if p["card"] == "disclosure":
        text = disclosure_card(makers)
    else:
        people = [(kind, person) for kind, person in p["human_made"]]
        text = credits_card(p["title"], p["authors"], p["approvers"], people, makers)
    return Output(_card_segment(job, text, p["seconds"], p["card"]), prompt=text)


def _card_segment(job: Job, text: str, seconds: float, shot: str) -> bytes:
    """White words on black for ``seconds``, faded in from black and out to it, encoded as a segment."""
    from clapboard.media import Transition as Cut
    from clapboard.media import render, title_card

    fmt = picture_format(job.params["picture"])
    fade = fmt.frames(FADE_SECONDS)
    card = title_card(text, fmt, seconds, transition=Cut.fade_in(fade), ending=Cut.fade_out(fade), shot=shot)
    folder, scratch = _workshop(job)
    try:
        return render([card], fmt, folder, workers=1).segments[0].path.read_bytes()
    finally:
        if scratch is not None:
            scratch.cleanup()


def scene_panels(
    coverage: SceneShots, timing: dict[str, Any], frames: dict[str, bytes], scene: str, fmt: Format
) -> list[Panel]:
    """The scene's shots as animatic panels: frame, length from the timing, the camera move, the lines."""
    from clapboard.media import Move, Panel

    lengths = {entry["index"]: entry["seconds"] for entry in timing["shots"]}
    panels = []
    for shot in coverage.shots:
        label = f"{scene}{slate(shot.index - 1)}"
        frame = frames.get(f"{label}.png")
        if frame is None:
            raise PlanError(f"scene {scene}: no frame for shot {label}")
        move = Move.of(MOVES[shot.move]) if shot.move in MOVES else Move()
        lines = tuple(f"{c.character}: {' '.join(c.text.split())}" for c in shot.covers if c.kind != "action")
        panels.append(Panel(frame, lengths[shot.index], move, scene=scene, shot=label, size=shot.size, dialogue=lines))
    return panels


@kind("scene-reel")
def make_scene_reel(job: Job) -> bytes:
    """A scene's shots rendered, each to its own segment (reused when unchanged), joined into one MP4."""
    from dataclasses import replace

    from clapboard.media import Transition as Cut
    from clapboard.media import assemble, render

    fmt = picture_format(job.params["picture"])
    coverage = loads(SceneShots, job.inputs[0])
    panels = scene_panels(coverage, json.loads(job.inputs[1]), unbundle(job.inputs[2]), job.params["scene"], fmt)
    if job.params["begin"] == "fade":
        panels[0] = replace(
            panels[0], transition=Cut.fade_in(min(fmt.frames(FADE_SECONDS), fmt.frames(panels[0].seconds) // 2))
        )
    lead: Panel | None = None
    if job.params["begin"] == "dissolve" and len(job.inputs) > 3:
        before = unbundle(job.inputs[3])
        from clapboard.media import Panel as Frame

        last = before[sorted(before, key=_shot_order)[-1]]
        lead = Frame(last, 1 / fmt.rate)
        panels[0] = replace(
            panels[0], transition=Cut.dissolve(min(fmt.frames(DISSOLVE_SECONDS), fmt.frames(panels[0].seconds) // 2))
        )
    if job.params["end"] == "fade":
        panels[-1] = replace(
            panels[-1], ending=Cut.fade_out(min(fmt.frames(FADE_SECONDS), fmt.frames(panels[-1].seconds) // 2))
        )
    folder, scratch = _workshop(job)
    try:
        # The frame before a dissolve rides along as a one-frame panel, so the first shot's segment can blend
        # from it; it is not part of the scene's reel.
        reel = render([lead, *panels] if lead else panels, fmt, folder, workers=1)
        if lead is not None:
            reel = replace(reel, segments=reel.segments[1:])
        with tempfile.TemporaryDirectory(prefix="clapboard-reel-") as out:
            return assemble(reel, Path(out) / "reel.mp4").read_bytes()
    finally:
        if scratch is not None:
            scratch.cleanup()


def _shot_order(name: str) -> tuple[int, str]:
    letters = name.removesuffix(".png").lstrip("0123456789")
    return len(letters), letters


@kind("film")
def make_film(job: Job) -> bytes:
    """The reels joined without re-encoding, the mix under them, a chapter per scene: ``film.mp4``."""
    from clapboard.media import Chapter, Reel, assemble
    from clapboard.media.encoder import H264
    from clapboard.media.probe import probe
    from clapboard.media.render import Segment

    fmt = picture_format(job.params["picture"])
    count = job.params["reels"]
    reels = job.inputs[:count]
    chapters_titles = job.params["chapters"]
    timings = [json.loads(data) for data in job.inputs[count : count + len(chapters_titles)]]
    with tempfile.TemporaryDirectory(prefix="clapboard-film-") as scratch:
        folder = Path(scratch)
        segments = []
        chapters = []
        at = 0
        names = [*job.params["cards"], *chapters_titles, *(["Credits"] if job.params["credits"] else [])]
        for i, (data, title) in enumerate(zip(reels, names, strict=True)):
            path = folder / f"reel-{i:04d}.mp4"
            path.write_bytes(data)
            frames = probe(path).of_kind("video")[0].frames or 0
            segments.append(Segment(i, path.stem, "", path, frames, False))
            chapters.append(Chapter(title, at, at + frames))
            at += frames
        leading = len(job.params["cards"])
        cards = segments[:leading] + (segments[-1:] if job.params["credits"] else [])
        expected = sum(t["frames"] for t in timings)
        drawn = at - sum(s.frames for s in cards)
        if drawn != expected:
            raise PlanError(f"the scene reels hold {drawn} frames where the timings give {expected}")
        audio, subtitles = _tracks(job, folder, sum(s.frames for s in segments[:leading]) / fmt.rate)
        out = assemble(
            Reel(tuple(segments), fmt, H264), folder / "film.mp4", audio=audio, chapters=chapters, subtitles=subtitles
        )
        return out.read_bytes()


def _tracks(job: Job, folder: Path, title: Any) -> tuple[list[Any], list[Any]]:
    """The film's sound tracks (the original mix, then each dub) and subtitle files, written into ``folder``."""
    from clapboard.media import AudioTrack, SubtitleTrack
    from clapboard.plan.release import SOURCE, iso_639_2

    p = job.params
    sound = ([SOURCE] if p["sound"] else []) + p["dubs"]
    first = len(job.inputs) - len(p["subtitles"]) - len(sound)
    audio = []
    for language, data in zip(sound, job.inputs[first : first + len(sound)], strict=True):
        mixed = unbundle(data)["mix.wav"]
        path = folder / f"mix-{language}.wav"
        path.write_bytes(_delayed(mixed, title) if title else mixed)
        name = "Original" if language == SOURCE else f"Dubbed ({language})"
        audio.append(AudioTrack(path, iso_639_2(language), name))
    subtitles = []
    for language, data in zip(p["subtitles"], job.inputs[len(job.inputs) - len(p["subtitles"]) :], strict=True):
        path = folder / f"{language}.srt"
        path.write_bytes(unbundle(data)[f"{language}.srt"])
        subtitles.append(SubtitleTrack(path, iso_639_2(language), language))
    return audio, subtitles


@kind("film-mkv")
def make_film_mkv(job: Job) -> bytes:
    """The same film in Matroska: picture and sound copied, subtitles as SubRip, every stream tagged."""
    from clapboard.media.ffmpeg import ffmpeg
    from clapboard.plan.release import iso_639_2

    languages = job.params["subtitles"]
    with tempfile.TemporaryDirectory(prefix="clapboard-mkv-") as scratch:
        folder = Path(scratch)
        source = folder / "film.mp4"
        source.write_bytes(job.inputs[0])
        args: list[str | Path] = ["-i", source]
        maps: list[str | Path] = ["-map", "0:v", "-map", "0:a?"]
        codecs: list[str | Path] = ["-c:v", "copy", "-c:a", "copy"]
        for n, (language, data) in enumerate(zip(languages, job.inputs[1:], strict=True)):
            path = folder / f"{language}.srt"
            path.write_bytes(unbundle(data)[f"{language}.srt"])
            args += ["-i", path]
            maps += ["-map", f"{n + 1}:s:0"]
            codecs += [f"-c:s:{n}", "srt", f"-metadata:s:s:{n}", f"language={iso_639_2(language)}"]
        out = folder / "film.mkv"
        ffmpeg(*args, *maps, *codecs, "-map_chapters", "0", out, concerning=out)
        return out.read_bytes()


def _delayed(wav: bytes, seconds: Any) -> bytes:
    """``wav`` with ``seconds`` of silence before it (the opening cards play over none of the mix)."""
    import io

    import numpy as np
    import soundfile

    samples, rate = soundfile.read(io.BytesIO(wav), always_2d=True)
    pad = np.zeros((round(float(seconds) * rate), samples.shape[1]))
    return wav_bytes(np.concatenate([pad, samples]), rate)


def _panels_of(job: Job) -> tuple[list[Panel], Format]:
    numbers = job.params["numbers"]
    count = len(numbers)
    fmt = picture_format(job.params["picture"])
    panels: list[Panel] = []
    for i, number in enumerate(numbers):
        coverage = loads(SceneShots, job.inputs[i])
        timing = json.loads(job.inputs[count + i])
        frames = unbundle(job.inputs[2 * count + i])
        panels.extend(scene_panels(coverage, timing, frames, number, fmt))
    return panels, fmt


@kind("cut")
def make_cut(job: Job) -> bytes:
    """The cut as an OpenTimelineIO timeline: a clip per shot on its frame, the sound stems, a marker per scene."""
    import opentimelineio as otio

    from clapboard.media import timeline

    panels, fmt = _panels_of(job)
    cut = timeline(panels, fmt, name=job.params["title"])
    folders = dict(zip(job.params["numbers"], job.params["folders"], strict=True))
    for clip, panel in zip(cut.video_tracks()[0].find_clips(), panels, strict=True):
        # A still frame stands for as long as the clip asks; the FCP XML adapter needs the range stated.
        clip.media_reference = otio.schema.ExternalReference(
            target_url=f"frames/{folders[panel.scene]}/{panel.shot}.png", available_range=clip.source_range
        )
    picture = cut.video_tracks()[0]
    length = picture.duration()
    rate = length.rate
    # The cards the film opens and ends with stand in the cut as named gaps, so it runs as long as film.mp4.
    opening = [otio.schema.Gap(name=name, duration=_rational(seconds, rate)) for name, seconds in job.params["opening"]]
    ahead = sum((gap.duration().value for gap in opening), 0.0)
    for gap in reversed(opening):
        picture.insert(0, gap)
    for name, seconds in job.params["closing"]:
        picture.append(otio.schema.Gap(name=name, duration=_rational(seconds, rate)))
    for marker in cut.tracks.markers:
        start = marker.marked_range.start_time
        later = otio.opentime.RationalTime(start.value_rescaled_to(rate) + ahead, rate)
        marker.marked_range = otio.opentime.TimeRange(later, marker.marked_range.duration)
    if job.params["sound"]:
        whole = otio.opentime.TimeRange(otio.opentime.RationalTime(0, rate), length)
        for name in ("dialogue", "music"):
            track = otio.schema.Track(name=name.title(), kind=otio.schema.TrackKind.Audio)
            if ahead:
                track.append(otio.schema.Gap(duration=otio.opentime.RationalTime(ahead, rate)))
            clip = otio.schema.Clip(
                name=name,
                media_reference=otio.schema.ExternalReference(target_url=f"stems/{name}.wav", available_range=whole),
                source_range=whole,
            )
            track.append(clip)
            cut.tracks.append(track)
    return otio.adapters.write_to_string(cut, "otio_json").encode()


def _rational(seconds: float, rate: float) -> Any:
    """``seconds`` on the timeline's frame grid, as OpenTimelineIO counts time."""
    import opentimelineio as otio

    return otio.opentime.RationalTime(round(seconds * rate), rate)


@kind("cut-file")
def make_cut_file(job: Job) -> bytes:
    """The cut in another editor's format through its OpenTimelineIO adapter (CMX 3600 EDL, FCP XML)."""
    import opentimelineio as otio

    cut = otio.adapters.read_from_string(job.inputs[0].decode(), "otio_json")
    if job.params["adapter"] == "cmx_3600":
        # An EDL holds one video track; the sound tracks stay in cut.otio and cut.xml.
        cut.tracks[:] = [t for t in cut.tracks if t.kind == otio.schema.TrackKind.Video][:1]
    return otio.adapters.write_to_string(cut, job.params["adapter"]).encode()


@kind("storyboard")
def make_storyboard(job: Job) -> bytes:
    """The printed board: six frames a page with shot, length and lines."""
    from clapboard.media import storyboard

    panels, _ = _panels_of(job)
    with tempfile.TemporaryDirectory(prefix="clapboard-board-") as out:
        return storyboard(panels, Path(out) / "storyboard.pdf", title=job.params["title"]).read_bytes()
