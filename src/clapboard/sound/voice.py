"""Voices and deliveries: what casting decides and what a speech backend is asked to do.

The speech Protocol takes a voice as a string, so a whole performance travels
in one: ``"piper:en_US-joe-medium rate=0.88 pitch=-1.5 style=whisper pause=0.8"``
is the engine and its voice, how fast and how high it speaks (semitones from
the voice's natural pitch), and how this one line is delivered. The string is
part of a step's content key: the same line in the same voice is the same take.

A voice that clones a real person names them (``likeness=…``); no engine may
speak in it without that person's consent on record (:func:`require_consent`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal, TypeAlias

from clapboard.errors import ClapboardError, ConsentRequired

Gender: TypeAlias = Literal["female", "male"]
Style: TypeAlias = Literal["normal", "quiet", "whisper", "loud", "shout", "sung"]
#: Where a line is heard from: on screen, voice-over (V.O.) or off screen (O.S.).
Placement: TypeAlias = Literal["on", "vo", "os"]

#: How each style changes a line: level (dB against a normal read), speed factor, pitch (semitones).
#: Whispers and murmurs drop well below the other lines; a shout is louder, quicker and higher.
STYLES: dict[str, tuple[float, float, float]] = {
    "normal": (0.0, 1.0, 0.0),
    "quiet": (-6.0, 0.97, -0.5),
    "whisper": (-12.0, 0.95, 0.0),
    "loud": (3.0, 1.02, 1.0),
    "shout": (6.0, 1.05, 2.0),
    # No engine here sings; a lyric is spoken slower, which reads as a sung line better than a normal read.
    "sung": (0.0, 0.85, 0.0),
}

#: Sane bounds: past them engines garble or the voice stops sounding human.
RATE_RANGE = (0.5, 2.0)
PITCH_RANGE = (-12.0, 12.0)

_NAME = re.compile(r"^[A-Za-z0-9_.+\-]+$")
_SUBJECT = re.compile(r"^[A-Za-z0-9_.@\-]+$")

#: Answers whether ``person`` has consented to ``use`` (such as ``"voice"``) of their likeness.
ConsentCheck: TypeAlias = Callable[[str, str], bool]


class UnspeakableLine(ClapboardError):
    """A line a speech engine cannot say: nothing but symbols, or a script its voice cannot read."""


@dataclass(frozen=True)
class Voice:
    """A cast voice: the engine (a speech backend's name), its voice, speed and pitch."""

    engine: str
    name: str
    rate: float = 1.0
    pitch: float = 0.0
    likeness: str | None = None

    def __post_init__(self) -> None:
        if not _NAME.match(self.engine) or not _NAME.match(self.name):
            raise ClapboardError(f"voice {self.engine}:{self.name}: engine and voice names are letters, digits, ._+-")
        if not RATE_RANGE[0] <= self.rate <= RATE_RANGE[1] or not math.isfinite(self.rate):
            raise ClapboardError(f"voice {self.engine}:{self.name}: rate {self.rate} is outside {RATE_RANGE}")
        if not PITCH_RANGE[0] <= self.pitch <= PITCH_RANGE[1] or not math.isfinite(self.pitch):
            raise ClapboardError(f"voice {self.engine}:{self.name}: pitch {self.pitch} is outside {PITCH_RANGE}")
        if self.likeness is not None and not _SUBJECT.match(self.likeness):
            raise ClapboardError(f"voice {self.engine}:{self.name}: likeness {self.likeness!r} is not a record id")

    @property
    def label(self) -> str:
        """``engine:name``, the voice without its settings."""
        return f"{self.engine}:{self.name}"

    def spec(self, delivery: Delivery | None = None) -> str:
        """The voice (and a line's delivery) as the string a speech backend's ``speak`` takes."""
        parts = [self.label]
        if self.rate != 1.0:
            parts.append(f"rate={_number(self.rate)}")
        if self.pitch != 0.0:
            parts.append(f"pitch={_number(self.pitch)}")
        if self.likeness is not None:
            parts.append(f"likeness={self.likeness}")
        if delivery is not None:
            if delivery.style != "normal":
                parts.append(f"style={delivery.style}")
            if delivery.pause:
                parts.append(f"pause={_number(delivery.pause)}")
        return " ".join(parts)

    @classmethod
    def parse(cls, spec: str) -> tuple[Voice, Delivery]:
        """The voice and delivery a spec string names; ClapboardError naming the part at fault."""
        label, *settings = spec.split()
        engine, colon, name = label.partition(":")
        if not colon or not engine or not name:
            raise ClapboardError(f"voice {spec!r}: begins with engine:voice, such as espeak-ng:en-us+f3")
        found: dict[str, str] = {}
        for setting in settings:
            key, equals, value = setting.partition("=")
            if not equals or key not in {"rate", "pitch", "likeness", "style", "pause"} or key in found:
                known = "rate=, pitch=, likeness=, style=, pause="
                raise ClapboardError(f"voice {spec!r}: {setting!r} is not one of {known}, each once")
            found[key] = value
        try:
            rate = float(found.get("rate", 1.0))
            pitch = float(found.get("pitch", 0.0))
            pause = float(found.get("pause", 0.0))
        except ValueError:
            raise ClapboardError(f"voice {spec!r}: rate, pitch and pause are numbers") from None
        voice = cls(engine, name, rate, pitch, found.get("likeness"))
        return voice, Delivery(found.get("style", "normal"), pause)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Delivery:
    """How one line is said: its style and the pause (a beat) before it, in seconds."""

    style: Style = "normal"
    pause: float = 0.0

    def __post_init__(self) -> None:
        if self.style not in STYLES:
            raise ClapboardError(f"delivery style {self.style!r} is not one of {', '.join(STYLES)}")
        if not 0.0 <= self.pause <= 10.0:
            raise ClapboardError(f"a pause of {self.pause} s is outside 0-10 s")

    @property
    def gain_db(self) -> float:
        """Level against a normal read, in dB."""
        return STYLES[self.style][0]

    @property
    def rate(self) -> float:
        """Speed factor on top of the voice's own rate."""
        return STYLES[self.style][1]

    @property
    def pitch(self) -> float:
        """Semitones on top of the voice's own pitch."""
        return STYLES[self.style][2]

    def then(self, *, style: Style | None = None, pause: float = 0.0) -> Delivery:
        """This delivery with a new style (if given) and a pause added before the next words."""
        return replace(self, style=style or self.style, pause=min(self.pause + pause, 10.0))


@dataclass(frozen=True)
class Timbre:
    """A voice an engine offers, as casting sees it: who it sounds like and how good it is.

    ``tier`` ranks quality, 0 best (neural), then HMM, cluster-unit, diphone and formant voices.
    ``speaker`` names the person recorded, where several engines built voices from one (CMU's
    ``slt`` is both Flite's ``slt`` and Festival's HTS voice), so casting keeps their characters apart.
    """

    engine: str
    name: str
    gender: Gender | None
    tier: int
    accent: str = "us"
    speaker: str = ""

    @property
    def recorded(self) -> str:
        """Who the voice sounds like: the speaker when known, else the voice itself."""
        return self.speaker or self.label

    @property
    def label(self) -> str:
        """``engine:name``, as in a voice spec."""
        return f"{self.engine}:{self.name}"


def require_consent(voice: Voice, consents: ConsentCheck | None, *, use: str = "voice") -> None:
    """Refuse a voice that clones a real person unless a consent record grants this use."""
    if voice.likeness is None:
        return
    if consents is None or not consents(voice.likeness, use):
        raise ConsentRequired(
            f"voice {voice.label} clones {voice.likeness!r}, and no consent record of theirs grants its {use} use; "
            "record their signed consent in the project before casting this voice"
        )


def _number(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")
