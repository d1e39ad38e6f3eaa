"""The animatic as an editorial timeline (OpenTimelineIO), and the cut files an editor opens: OTIO, EDL, FCP XML.

The video track holds one clip per panel, timed in whole frames at the film's
rate. When a rendered reel is given, each clip points at its panel's segment,
so the timeline conforms to the film exactly; dissolves are already inside
the incoming segments, so every edit is a cut and the transition is kept in
the clip's metadata. Sound tracks follow, then one marker per scene.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import opentimelineio as otio

from clapboard.media.animatic import Format, Panel
from clapboard.media.ffmpeg import MediaError
from clapboard.media.film import AudioTrack, scene_chapters
from clapboard.media.probe import probe
from clapboard.media.render import Reel

#: The cut files :func:`write_cut` makes: file name and the OTIO adapter that writes it.
CUT_FILES = {"cut.otio": "otio_json", "cut.edl": "cmx_3600", "cut.xml": "fcp_xml"}


def timeline(
    panels: Sequence[Panel],
    fmt: Format,
    *,
    reel: Reel | None = None,
    audio: Sequence[AudioTrack] = (),
    name: str = "Animatic",
) -> otio.schema.Timeline:
    """An OTIO timeline of ``panels``: a clip per panel (on its segment if ``reel`` is given), sound, scene markers."""
    if reel is not None and len(reel.segments) != len(panels):
        raise MediaError(f"the reel has {len(reel.segments)} segments for {len(panels)} panels")
    rate = float(fmt.rate)
    cut = otio.schema.Timeline(name=name, global_start_time=otio.opentime.RationalTime(0, rate))
    picture = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    for index, panel in enumerate(panels):
        length = otio.opentime.TimeRange(otio.opentime.RationalTime(0, rate), _frames(fmt.frames(panel.seconds), rate))
        clip = otio.schema.Clip(name=panel.shot or f"panel {index + 1}", source_range=length)
        if reel is not None:
            clip.media_reference = otio.schema.ExternalReference(
                target_url=reel.segments[index].path.resolve().as_uri(), available_range=length
            )
        elif isinstance(panel.image, Path):
            clip.media_reference = otio.schema.ExternalReference(target_url=panel.image.resolve().as_uri())
        clip.metadata["clapboard"] = {
            "scene": panel.scene,
            "shot": panel.shot,
            "size": panel.size,
            "move": panel.move.kind.value,
            "transition": {"kind": panel.transition.kind.value, "frames": panel.transition.frames},
            "ending": {"kind": panel.ending.kind.value, "frames": panel.ending.frames},
            "caption": panel.caption,
            "dialogue": list(panel.dialogue),
        }
        clip.metadata["cmx_3600"] = {"reel": _reel_name(panel.shot, index)}
        picture.append(clip)
    cut.tracks.append(picture)
    film_frames = sum(fmt.frames(p.seconds) for p in panels)
    for number, track in enumerate(audio, start=1):
        recorded = fmt.frames(probe(track.path).seconds)
        sound = otio.schema.Track(name=f"A{number}", kind=otio.schema.TrackKind.Audio)
        zero = otio.opentime.RationalTime(0, rate)
        clip = otio.schema.Clip(
            name=track.title or track.path.stem,
            media_reference=otio.schema.ExternalReference(
                target_url=track.path.resolve().as_uri(),
                available_range=otio.opentime.TimeRange(zero, _frames(recorded, rate)),
            ),
            source_range=otio.opentime.TimeRange(zero, _frames(min(recorded, film_frames), rate)),
        )
        clip.metadata["clapboard"] = {"language": track.language}
        sound.append(clip)
        cut.tracks.append(sound)
    for chapter in scene_chapters(panels, fmt):
        marked = otio.opentime.TimeRange(_frames(chapter.start, rate), _frames(chapter.end - chapter.start, rate))
        cut.tracks.markers.append(otio.schema.Marker(name=chapter.title, marked_range=marked))
    return cut


def write_cut(cut: otio.schema.Timeline, folder: Path) -> dict[str, Path]:
    """``cut.otio``, ``cut.edl`` (CMX 3600, picture only) and ``cut.xml`` (Final Cut Pro 7 XML) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for file_name, adapter in CUT_FILES.items():
        path = folder / file_name
        target = cut
        if adapter == "cmx_3600":
            # An EDL is one picture track; its sound lives elsewhere in the edit.
            target = cut.deepcopy()
            for track in [t for t in target.tracks if t.kind != otio.schema.TrackKind.Video]:
                target.tracks.remove(track)
        try:
            otio.adapters.write_to_file(target, str(path), adapter_name=adapter)
        except (otio.exceptions.OTIOError, ValueError) as exc:
            raise MediaError(f"{path}: the {adapter} adapter could not write the cut ({exc})") from None
        written[file_name] = path
    return written


def _frames(count: int, rate: float) -> otio.opentime.RationalTime:
    return otio.opentime.RationalTime(count, rate)


def _reel_name(shot: str, index: int) -> str:
    """An EDL reel name: the shot id in at most eight letters and digits, else the panel's number."""
    name = re.sub(r"[^A-Za-z0-9]", "", shot).upper()[:8]
    return name or f"P{index + 1:04d}"
