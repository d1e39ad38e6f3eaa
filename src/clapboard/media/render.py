"""Panels to segments: one H.264 file per panel, named by the hash of everything that makes its pictures.

A segment's content key covers the frame's bytes, its length in frames, the
camera move, its transitions, its caption, the format, the codec settings and
this renderer's version, and nothing else (not the shot id, the scene or the
dialogue, which never reach a pixel). A segment whose file already exists is
reused as it is, so changing one panel re-encodes one segment.

A dissolve cannot be a plain join of two files, so it is drawn into the start
of the incoming segment: its first frames blend the previous panel's last frame
(its end framing, with its caption) into its own. The segment stays
self-contained, and its key also covers what that last frame is made of; the
segment re-renders when the previous panel's picture changes, and not when
only the previous panel's length does. The outgoing shot holds its last frame
for the dissolve's length, as an optical printer's "freeze" would.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from fractions import Fraction
from functools import cached_property
from hashlib import sha256
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from clapboard.media.animatic import Format, Framing, Panel, TransitionKind
from clapboard.media.encoder import (
    H264,
    Codec,
    Dressing,
    Picture,
    black,
    camera,
    dress,
    planes,
    scaled,
    write_segment,
    yuv,
)
from clapboard.media.ffmpeg import MediaError

#: Bumped whenever this module draws the same panel differently, so old segments are not reused.
RENDERER = "clapboard-animatic/2"
#: Canvas pixels per picture pixel (at least) for a move. Crops start on whole canvas pixels, so at one the
#: camera lands within half a picture pixel of its eased path (as near as it landed when crops snapped to even
#: pixels of a canvas twice as large), and the narrowest crop of a move is cut at the picture's own size.
_SMOOTHNESS = 1
#: The canvas a move is cut from never grows past this many times the picture's width.
_LARGEST_CANVAS = 4


@dataclass(frozen=True)
class Segment:
    """One panel's rendered segment: where it is, how many frames it holds and whether this run encoded it."""

    index: int
    shot: str
    key: str
    path: Path
    frames: int
    rendered: bool


@dataclass(frozen=True)
class Reel:
    """The segments of an animatic in order, ready to join."""

    segments: tuple[Segment, ...]
    fmt: Format
    codec: Codec

    @property
    def rendered(self) -> tuple[int, ...]:
        """Indices of the panels whose segments this run encoded."""
        return tuple(s.index for s in self.segments if s.rendered)

    @property
    def reused(self) -> tuple[int, ...]:
        """Indices of the panels whose segments already existed and were reused."""
        return tuple(s.index for s in self.segments if not s.rendered)

    @property
    def frames(self) -> int:
        """Frames in the whole reel."""
        return sum(s.frames for s in self.segments)

    @property
    def seconds(self) -> Fraction:
        """The reel's exact length in seconds."""
        return self.frames / self.fmt.rate


def segment_key(panel: Panel, previous: Panel | None, fmt: Format, codec: Codec = H264) -> str:
    """The content key of ``panel``'s segment: SHA-256 of all that decides its pictures."""
    look = {
        "renderer": RENDERER,
        "format": [fmt.width, fmt.height, str(fmt.rate), str(fmt.aspect)],
        "codec": asdict(codec),
        "frames": fmt.frames(panel.seconds),
        **_picture_look(panel),
        "start": asdict(panel.move.start),
        "transition": [panel.transition.kind.value, panel.transition.frames],
        "ending": [panel.ending.kind.value, panel.ending.frames],
        "from": _picture_look(previous) if previous and panel.transition.kind is TransitionKind.DISSOLVE else None,
    }
    return sha256(json.dumps(look, sort_keys=True).encode()).hexdigest()


def render(
    panels: Sequence[Panel], fmt: Format, folder: Path, *, codec: Codec = H264, workers: int | None = None
) -> Reel:
    """Every panel's segment in ``folder``, encoding only those not already there, ``workers`` at a time."""
    if not panels:
        raise MediaError("an animatic needs at least one panel")
    folder.mkdir(parents=True, exist_ok=True)
    keys = [segment_key(p, panels[i - 1] if i else None, fmt, codec) for i, p in enumerate(panels)]
    missing = [i for i, key in enumerate(keys) if not (folder / f"{key}.mp4").is_file()]
    # A shot repeated verbatim (same key) is encoded once.
    first_of_key = {keys[i]: i for i in reversed(missing)}
    todo = sorted(first_of_key.values(), key=lambda i: -fmt.frames(panels[i].seconds))
    jobs = [(panels[i], panels[i - 1] if i else None, fmt, codec, folder / f"{keys[i]}.mp4") for i in todo]
    workers = min(workers or os.cpu_count() or 1, len(jobs))
    if workers <= 1:
        for job in jobs:
            _render_one(*job)
    else:
        # Processes, not threads: PyAV holds the GIL while it encodes. Forked where the system can, as spawned
        # workers would re-run the caller's script unless it guards itself with ``if __name__ == "__main__"``.
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            for done in [pool.submit(_render_one, *job) for job in jobs]:
                done.result()
    return Reel(
        tuple(
            Segment(i, p.shot, keys[i], folder / f"{keys[i]}.mp4", fmt.frames(p.seconds), i in missing)
            for i, p in enumerate(panels)
        ),
        fmt,
        codec,
    )


def render_segment(
    panel: Panel, fmt: Format, folder: Path, *, previous: Panel | None = None, codec: Codec = H264
) -> Segment:
    """One panel's segment in ``folder`` (``previous`` is the panel before it, for a dissolve); reused if there."""
    key = segment_key(panel, previous, fmt, codec)
    path = folder / f"{key}.mp4"
    made = not path.is_file()
    if made:
        folder.mkdir(parents=True, exist_ok=True)
        _render_one(panel, previous, fmt, codec, path)
    return Segment(0, panel.shot, key, path, fmt.frames(panel.seconds), made)


def last_picture(panel: Panel, fmt: Format) -> Picture:
    """The last frame of ``panel``'s segment as drawn exactly: its end framing, letterbox and caption."""
    if panel.ending.kind is TransitionKind.FADE_TO_BLACK:
        return black(fmt.width, fmt.height)
    return _Shot(panel, fmt).frame_at(panel.move.end)


def _render_one(panel: Panel, previous: Panel | None, fmt: Format, codec: Codec, path: Path) -> None:
    shot = _Shot(panel, fmt)
    count = fmt.frames(panel.seconds)
    opening, closing = panel.transition.frames, panel.ending.frames
    if count < 1 or opening + closing > count:
        raise MediaError(
            f"shot {panel.shot or '?'}: {count} frames cannot hold a {opening}-frame beginning "
            f"and a {closing}-frame ending"
        )
    still = shot.frame_at(panel.move.start) if panel.move.start == panel.move.end else None
    frames: Iterator[Picture | None] = shot.moving(count) if still is None else iter([None] * count)
    before = None
    if panel.transition.kind is TransitionKind.DISSOLVE:
        before = last_picture(previous, fmt) if previous is not None else black(fmt.width, fmt.height)
    elif panel.transition.kind is TransitionKind.FADE_FROM_BLACK:
        before = black(fmt.width, fmt.height)

    # A dissolve never shows either picture whole; a fade starts (or ends) on black.
    dissolving = panel.transition.kind is TransitionKind.DISSOLVE and previous is not None

    def finished() -> Iterator[Picture | None]:
        for index, frame in enumerate(frames):
            picture = frame
            if before is not None and index < opening:
                share = (index + 1) / (opening + 1) if dissolving else index / opening
                picture = _mix(before, _pixels(picture, still), share)
            if index >= count - closing:
                dark = black(fmt.width, fmt.height)
                picture = _mix(dark, _pixels(picture, still), (count - 1 - index) / closing)
            yield picture

    write_segment(path, fmt.width, fmt.height, fmt.rate, codec, finished(), still)


class _Shot:
    """How one panel's frame becomes pictures of the format: crops, the letterbox and the caption band."""

    def __init__(self, panel: Panel, fmt: Format) -> None:
        self.panel = panel
        self.fmt = fmt
        self.left, self.top, self.width, self.height = fmt.picture

    @cached_property
    def image(self) -> Image.Image:
        return self.panel.frame()

    def frame_at(self, framing: Framing) -> Picture:
        """The picture with the camera held at ``framing``, scaled with sub-pixel accuracy, in its frame."""
        box = _box(framing, self.image.size, Fraction(self.width, self.height))
        crop = self.image.resize((self.width, self.height), Image.Resampling.BICUBIC, box=box)
        return dress(yuv(crop), self._dressing)

    def moving(self, count: int) -> Iterator[Picture]:
        """``count`` frames easing from the move's start framing to its end framing."""
        aspect = Fraction(self.width, self.height)
        fw, fh = self.image.size
        # The canvas is the frame padded to the picture's aspect, so a crop of that aspect never distorts it.
        wide = fw / fh >= aspect
        cw, ch = (fw, fw / float(aspect)) if wide else (fh * float(aspect), float(fh))
        start, end = (_box(f, (fw, fh), aspect) for f in (self.panel.move.start, self.panel.move.end))
        narrowest = min(start[2] - start[0], end[2] - end[0])
        scale = min(_SMOOTHNESS * self.width / narrowest, _LARGEST_CANVAS * self.width / cw)
        width, height = _even(cw * scale), _even(ch * scale)
        inner = (width, min(_even(fh * scale), height)) if wide else (min(_even(fw * scale), width), height)
        left, top = (width - inner[0]) // 4 * 2, (height - inner[1]) // 4 * 2
        canvas = scaled(self.image, (width, height))
        if inner != (width, height):
            # The padding shows the frame's own edges stretched, never black: crops land on whole pixels,
            # and a crop against the frame's edge may take a pixel of the padding with it.
            for into, plane, step in zip(
                planes(canvas, height), planes(scaled(self.image, inner), inner[1]), (1, 2, 2), strict=True
            ):
                into[top // step : top // step + plane.shape[0], left // step : left // step + plane.shape[1]] = plane
        sx, sy = inner[0] / fw, inner[1] / fh
        x0, y0, w0 = left + start[0] * sx, top + start[1] * sy, (start[2] - start[0]) * sx
        x1, y1, w1 = left + end[0] * sx, top + end[1] * sy, (end[2] - end[0]) * sx
        if width / min(w0, w1) > 10:
            raise MediaError(f"shot {self.panel.shot or '?'}: a move cannot frame less than a tenth of the frame")
        yield from camera(canvas, (self.width, self.height), count, (x0, y0, w0), (x1, y1, w1), self._dressing)

    @cached_property
    def _dressing(self) -> Dressing:
        """The letterbox around the picture and the caption as a translucent band across the frame's foot."""
        width, height = self.fmt.width, self.fmt.height
        if not self.panel.caption.strip():
            return Dressing(width, height, self.left, self.top)
        font = ImageFont.load_default(size=max(height // 26, 9))
        lines = _wrap(self.panel.caption, font, width * 0.9)
        line_height = font.size * 1.25
        band_height = _even(line_height * len(lines) + font.size * 0.6)
        band = Image.new("RGBA", (width, band_height), (0, 0, 0, 150))
        draw = ImageDraw.Draw(band)
        for n, line in enumerate(lines):
            middle = band_height / 2 + (n - (len(lines) - 1) / 2) * line_height
            draw.text((width / 2, middle), line, font=font, fill=(255, 255, 255, 255), anchor="mm")
        return Dressing(width, height, self.left, self.top, band, height - band_height - _even(height * 0.02))


def _picture_look(panel: Panel | None) -> dict[str, object]:
    """What decides a panel's pictures apart from its length and its transitions."""
    if panel is None:
        return {}
    return {
        "frame": panel.digest,
        "end": asdict(panel.move.end),
        "caption": panel.caption,
        "fades out": panel.ending.kind is TransitionKind.FADE_TO_BLACK,
    }


def _box(framing: Framing, size: tuple[int, int], aspect: Fraction) -> tuple[float, float, float, float]:
    """``framing`` in the frame's pixels, narrowed about its centre to the picture's aspect so nothing stretches."""
    fw, fh = size
    left, top, width, height = framing.left * fw, framing.top * fh, framing.width * fw, framing.height * fh
    if width / height > aspect:
        narrower = height * float(aspect)
        left, width = left + (width - narrower) / 2, narrower
    else:
        shorter = width / float(aspect)
        top, height = top + (height - shorter) / 2, shorter
    return max(left, 0.0), max(top, 0.0), min(left + width, fw), min(top + height, fh)


def _pixels(frame: Picture | None, still: Picture | None) -> Picture:
    """A frame's pixels (the held ``still`` where the frame is None)."""
    if frame is None:
        if still is None:
            raise MediaError("a held frame with no still picture to hold")
        return still
    return frame


def _mix(first: Picture, second: Picture, share: float) -> Picture:
    """``share`` of ``second`` over the rest of ``first``: a dissolve or, with black, a fade."""
    weight = round(share * 256)
    mixed = first.astype(np.uint16) * (256 - weight) + second.astype(np.uint16) * weight + 128
    return (mixed >> 8).astype(np.uint8)


def _wrap(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: float) -> list[str]:
    """The caption broken into at most two lines that fit ``width``, the second cut short with an ellipsis."""
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    if len(lines) > 2:
        second = lines[1]
        while second and font.getlength(f"{second}...") > width:
            second = second.rsplit(" ", 1)[0] if " " in second else second[:-1]
        lines = [lines[0], f"{second}..."]
    return lines


def _even(value: float | Fraction) -> int:
    return max(math.floor(value / 2 + 0.5) * 2, 2)
