"""What an animatic is made of: panels (a frame held for a while, with a camera move) and a format.

These are plain frozen values, independent of the shot list that will later
produce them: a :class:`Panel` carries its frame (PNG bytes or a path), how long
it holds, how the virtual camera moves over it, how it begins and ends, and the
words that go with it. :class:`Format` says what picture comes out.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from functools import cached_property
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from clapboard.media.ffmpeg import MediaError

#: The widescreen cinema picture, 2.39:1, letterboxed inside a 16:9 frame.
SCOPE = Fraction(239, 100)


@dataclass(frozen=True)
class Format:
    """The picture that comes out: frame size, frame rate and the picture's own aspect (letterboxed if wider)."""

    width: int = 1280
    height: int = 720
    fps: int | Fraction = 24
    aspect: Fraction | None = None

    def __post_init__(self) -> None:
        if self.width <= 0 or self.height <= 0 or self.width % 2 or self.height % 2:
            raise MediaError(f"frame size {self.width}x{self.height} must be positive and even (for yuv420p)")
        if self.fps <= 0:
            raise MediaError(f"frame rate {self.fps} must be positive")
        if self.aspect is not None and self.aspect <= 0:
            raise MediaError(f"picture aspect {self.aspect} must be positive")

    @property
    def rate(self) -> Fraction:
        """Frames per second as an exact fraction (24000/1001 for 23.976)."""
        return Fraction(self.fps)

    @property
    def picture(self) -> tuple[int, int, int, int]:
        """Where the image sits in the frame: left, top, width, height (black bars fill the rest)."""
        if self.aspect is None or self.aspect == Fraction(self.width, self.height):
            return 0, 0, self.width, self.height
        if self.aspect > Fraction(self.width, self.height):
            height = _even(self.width / self.aspect)
            return 0, (self.height - height) // 2 // 2 * 2, self.width, height
        width = _even(self.height * self.aspect)
        return (self.width - width) // 2 // 2 * 2, 0, width, self.height

    def frames(self, seconds: float | Fraction) -> int:
        """How many frames ``seconds`` lasts at this rate, to the nearest frame."""
        return round(Fraction(seconds) * self.rate)


@dataclass(frozen=True)
class Framing:
    """A crop of the frame the camera sees: left, top, width and height as fractions of the frame."""

    left: float = 0.0
    top: float = 0.0
    width: float = 1.0
    height: float = 1.0

    def __post_init__(self) -> None:
        inside = self.left >= 0 and self.top >= 0 and self.left + self.width <= 1 + 1e-9
        inside = inside and self.top + self.height <= 1 + 1e-9
        if not (self.width > 0 and self.height > 0 and inside):
            raise MediaError(f"framing {self} must lie inside the frame (fractions from 0 to 1)")

    @classmethod
    def centred(cls, size: float, x: float = 0.5, y: float = 0.5) -> Framing:
        """A crop ``size`` of the frame across and down, centred on (``x``, ``y``) and kept inside the frame."""
        left = min(max(x - size / 2, 0.0), 1 - size)
        top = min(max(y - size / 2, 0.0), 1 - size)
        return cls(left, top, size, size)


FULL_FRAME = Framing()


class MoveKind(StrEnum):
    """The camera moves a storyboard names; the framings say exactly where it goes."""

    STATIC = "static"
    PAN_LEFT = "pan left"
    PAN_RIGHT = "pan right"
    TILT_UP = "tilt up"
    TILT_DOWN = "tilt down"
    PUSH_IN = "push in"
    PULL_OUT = "pull out"


@dataclass(frozen=True)
class Move:
    """A camera move over a panel's frame: from one framing to another, eased in and out."""

    kind: MoveKind = MoveKind.STATIC
    start: Framing = FULL_FRAME
    end: Framing = FULL_FRAME

    def __post_init__(self) -> None:
        if self.kind is MoveKind.STATIC and self.start != self.end:
            raise MediaError(f"a static camera keeps one framing, not {self.start} then {self.end}")

    @classmethod
    def of(cls, kind: MoveKind | str, amount: float = 0.25) -> Move:
        """The usual ``kind`` of move travelling ``amount`` of the frame (a crop of 1 - amount of it)."""
        kind = MoveKind(kind)
        if not 0 < amount < 1:
            raise MediaError(f"a move's amount is a fraction of the frame, not {amount}")
        size, middle = 1 - amount, amount / 2
        starts_ends = {
            MoveKind.STATIC: (FULL_FRAME, FULL_FRAME),
            MoveKind.PAN_LEFT: (Framing(amount, middle, size, size), Framing(0, middle, size, size)),
            MoveKind.PAN_RIGHT: (Framing(0, middle, size, size), Framing(amount, middle, size, size)),
            MoveKind.TILT_UP: (Framing(middle, amount, size, size), Framing(middle, 0, size, size)),
            MoveKind.TILT_DOWN: (Framing(middle, 0, size, size), Framing(middle, amount, size, size)),
            MoveKind.PUSH_IN: (FULL_FRAME, Framing(middle, middle, size, size)),
            MoveKind.PULL_OUT: (Framing(middle, middle, size, size), FULL_FRAME),
        }
        start, end = starts_ends[kind]
        return cls(kind, start, end)


class TransitionKind(StrEnum):
    """How a panel begins (cut, dissolve, fade from black) or ends (cut, fade to black)."""

    CUT = "cut"
    DISSOLVE = "dissolve"
    FADE_FROM_BLACK = "fade from black"
    FADE_TO_BLACK = "fade to black"


@dataclass(frozen=True)
class Transition:
    """A transition and how many frames it takes (none for a cut)."""

    kind: TransitionKind = TransitionKind.CUT
    frames: int = 0

    def __post_init__(self) -> None:
        if (self.kind is TransitionKind.CUT) != (self.frames == 0) or self.frames < 0:
            raise MediaError(f"a {self.kind} takes {'no' if self.kind is TransitionKind.CUT else 'some'} frames")

    @classmethod
    def dissolve(cls, frames: int) -> Transition:
        """A dissolve from the panel before over ``frames`` frames."""
        return cls(TransitionKind.DISSOLVE, frames)

    @classmethod
    def fade_in(cls, frames: int) -> Transition:
        """A fade up from black over ``frames`` frames."""
        return cls(TransitionKind.FADE_FROM_BLACK, frames)

    @classmethod
    def fade_out(cls, frames: int) -> Transition:
        """A fade down to black over ``frames`` frames."""
        return cls(TransitionKind.FADE_TO_BLACK, frames)


CUT = Transition()
_BEGINNINGS = {TransitionKind.CUT, TransitionKind.DISSOLVE, TransitionKind.FADE_FROM_BLACK}
_ENDINGS = {TransitionKind.CUT, TransitionKind.FADE_TO_BLACK}


@dataclass(frozen=True)
class Panel:
    """One storyboard panel on the animatic's timeline.

    ``transition`` is how the panel begins, drawn inside the panel's own time: a
    dissolve blends the previous panel's last frame into this panel's first
    ``frames`` frames, so every panel stays one self-contained segment.
    ``ending`` is how it ends (a cut, or a fade to black over its last frames).
    """

    image: bytes | Path
    seconds: float | Fraction
    move: Move = Move()
    transition: Transition = CUT
    ending: Transition = CUT
    caption: str = ""
    scene: str = ""
    shot: str = ""
    size: str = ""
    dialogue: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.seconds <= 0:
            raise MediaError(f"shot {self.shot or '?'} must last some time, not {self.seconds} s")
        if self.transition.kind not in _BEGINNINGS:
            raise MediaError(f"shot {self.shot or '?'} cannot begin with a {self.transition.kind}")
        if self.ending.kind not in _ENDINGS:
            raise MediaError(f"shot {self.shot or '?'} cannot end with a {self.ending.kind}")

    @cached_property
    def png(self) -> bytes:
        """The frame's bytes, read once from its file when given a path."""
        if isinstance(self.image, bytes):
            return self.image
        try:
            return self.image.read_bytes()
        except OSError as exc:
            raise MediaError(f"{self.image}: cannot read the frame of shot {self.shot or '?'} ({exc})") from None

    @cached_property
    def digest(self) -> str:
        """SHA-256 of the frame's bytes: what the frame contributes to its segment's content key."""
        return hashlib.sha256(self.png).hexdigest()

    def frame(self) -> Image.Image:
        """The frame decoded as an RGB image."""
        try:
            with Image.open(io.BytesIO(self.png)) as image:
                return image.convert("RGB")
        except OSError as exc:
            raise MediaError(f"shot {self.shot or '?'}: the frame is not an image Pillow can read ({exc})") from None


def title_card(
    text: str,
    fmt: Format = Format(),
    seconds: float | Fraction = 3,
    *,
    shot: str = "title",
    scene: str = "",
    transition: Transition = CUT,
    ending: Transition = CUT,
) -> Panel:
    """A panel of white words centred on black, for titles, intertitles and credits, at the format's picture size.

    Lines wider than nine tenths of the picture are broken between words, and long text (a credits card)
    is set smaller until it fits.
    """
    _, _, width, height = fmt.picture
    image = Image.new("RGB", (width, height), "black")
    draw = ImageDraw.Draw(image)
    size = max(height // 12, 10)
    smallest = min(size, max(height // 40, 8))
    while True:
        font = ImageFont.load_default(size=size)
        laid = _wrapped(draw, text, font, width * 0.9)
        if size <= smallest or _fits(draw, laid, font, width, height):
            break
        size = max(int(size * 0.9), smallest)
    draw.multiline_text((width / 2, height / 2), laid, font=font, fill="white", anchor="mm", align="center")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return Panel(buffer.getvalue(), seconds, transition=transition, ending=ending, scene=scene, shot=shot, size="title")


def _fits(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.ImageFont | ImageFont.FreeTypeFont, w: int, h: int
) -> bool:
    left, top, right, bottom = draw.multiline_textbbox((0, 0), text, font=font, align="center")
    return right - left <= 0.9 * w and bottom - top <= 0.9 * h


def _wrapped(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.ImageFont | ImageFont.FreeTypeFont, room: float
) -> str:
    """``text`` with each line broken between words so that no line is wider than ``room`` pixels."""
    lines: list[str] = []
    for line in text.split("\n"):
        current = ""
        for word in line.split(" "):
            candidate = f"{current} {word}" if current else word
            if current and draw.textlength(candidate, font=font) > room:
                lines.append(current)
                current = word
            else:
                current = candidate
        lines.append(current)
    return "\n".join(lines)


def _even(value: Fraction | float) -> int:
    return max(round(value / 2) * 2, 2)
