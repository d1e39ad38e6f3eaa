"""Sketch: the built-in image backend, a storyboard artist's frames drawn with Pillow from the frame brief.

It reads the structured brief the planner writes for each frame (shot size,
angle, camera move, who is in frame, where they stand and look, the set from
the scene heading) and draws what a board artist would: the set in one-point
perspective, simple figures at the scale the shot size gives, the camera move
as arrows, the slate number and a caption. It also draws character sheets
(front and side views) and location cards. No model and no font files; a
1280×720 frame takes some tens of milliseconds on one core.

The set and the people in it are placed in metres and seen through one camera
(the height the angle gives, the distance the size gives), so a wide shot and a
close-up with the same seed show the same room from nearer. The same brief and
seed give the same PNG bytes; the seed chooses the set dressing; a character
keeps one colour, from a hash of their name, in every frame of the film.
"""

from __future__ import annotations

import colorsys
import hashlib
import math
import random
import re
import struct
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar, Literal, TypeAlias

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from clapboard.errors import ClapboardError
from clapboard.plan.shots import ANGLES, LENSES, MOVES, SIZES

Colour: TypeAlias = tuple[int, int, int]
Point: TypeAlias = tuple[float, float]
Tint: TypeAlias = tuple[float, float, float]

KINDS = ("shot", "character", "location")
EYELINES = ("frame right", "frame left", "camera", "away")
DIRECTIONS = ("left", "right", "up", "down", "")
MOVEMENTS = ("left", "right", "toward", "away", "")
PALETTES = ("colour", "pencil")
#: The light each word of a heading's time of day gives the set; any other (CONTINUOUS, LATER, "") reads as day.
LIGHTS = {
    "DAY": "day",
    "AFTERNOON": "day",
    "NOON": "day",
    "MORNING": "morning",
    "DAWN": "dawn",
    "SUNRISE": "dawn",
    "DUSK": "dusk",
    "SUNSET": "dusk",
    "EVENING": "dusk",
    "TWILIGHT": "dusk",
    "NIGHT": "night",
    "MIDNIGHT": "night",
}

#: Edges are drawn at this many times the output size and reduced, so lines and curves come out smooth.
SUPERSAMPLE = 2
#: Above this many output pixels a frame is drawn at its own size: the memory would cost more than the edges gain.
_SUPERSAMPLE_LIMIT = 2_500_000
#: zlib level for the PNG: level 3 makes files about a third larger than level 6 does, in half the time.
_PNG_LEVEL = 3

INK: Colour = (36, 32, 30)
PAPER: Colour = (250, 248, 241)
WHITE: Colour = (255, 255, 255)
#: Camera notes (moves, who walks where) in the red board artists use, so they never read as part of the set.
ANNOTATION: Colour = (222, 30, 36)

#: Height of a standing adult in metres: the unit every figure is drawn to.
BODY = 1.75
#: Camera distance to the subjects by size, metres (as the shot list blocks them).
_DISTANCE = {"EWS": 14.0, "WS": 5.0, "FS": 3.5, "MWS": 2.8, "MS": 2.0, "MCU": 1.5, "CU": 1.1, "ECU": 0.6}
#: How far behind the subjects an interior's back wall stands, by size, metres.
_WALL_GAP = {"EWS": 6.0, "WS": 3.0, "FS": 3.0, "MWS": 2.6, "MS": 2.4, "MCU": 2.2, "CU": 2.2, "ECU": 2.2}
#: How each size frames a standing subject from each angle: their height as a share of the picture's height, where
#: the top of their head sits (share of the height from the top) and the camera's height in metres, which puts the
#: horizon. High angles look down from above the heads, low ones up from the knees.
_FRAMING: dict[str, dict[str, tuple[float, float, float]]] = {
    "eye level": {
        "EWS": (0.12, 0.62, 1.6),
        "WS": (0.32, 0.42, 1.6),
        "FS": (0.78, 0.1, 1.4),
        "MWS": (1.22, 0.09, 1.45),
        "MS": (1.75, 0.08, 1.5),
        "MCU": (2.6, 0.07, 1.6),
        "CU": (3.9, 0.06, 1.62),
        "ECU": (10.0, -0.2, 1.62),
    },
    "high": {
        "EWS": (0.1, 0.7, 12.0),
        "WS": (0.28, 0.56, 4.5),
        "FS": (0.7, 0.2, 3.0),
        "MWS": (1.1, 0.15, 2.6),
        "MS": (1.6, 0.13, 2.4),
        "MCU": (2.4, 0.1, 2.3),
        "CU": (3.6, 0.08, 2.2),
        "ECU": (9.0, -0.15, 2.1),
    },
    "low": {
        "EWS": (0.13, 0.68, 0.3),
        "WS": (0.36, 0.46, 0.4),
        "FS": (0.84, 0.06, 0.5),
        "MWS": (1.3, 0.05, 0.6),
        "MS": (1.85, 0.05, 0.8),
        "MCU": (2.7, 0.05, 1.0),
        "CU": (4.0, 0.05, 1.1),
        "ECU": (10.0, -0.2, 1.2),
    },
}
#: Seen from overhead: a person's shoulder width as a share of the picture's height, by size.
_OVERHEAD = {"EWS": 0.05, "WS": 0.11, "FS": 0.18, "MWS": 0.24, "MS": 0.3, "MCU": 0.38, "CU": 0.5, "ECU": 0.75}
#: How large the over-the-shoulder foreground figure looms, by size (1 at a medium close-up).
_SHOULDER = {"EWS": 0.55, "WS": 0.6, "FS": 0.7, "MWS": 0.8, "MS": 0.9, "MCU": 1.0, "CU": 1.1, "ECU": 1.2}

#: Colour of the light on the set, by time of day: outdoors and indoors (where lamps warm the night).
_DAYLIGHT: dict[str, Tint] = {
    "day": (1.0, 1.0, 1.0),
    "morning": (1.0, 0.96, 0.9),
    "dawn": (0.78, 0.7, 0.76),
    "dusk": (0.78, 0.6, 0.56),
    "night": (0.3, 0.34, 0.52),
}
_ROOMLIGHT: dict[str, Tint] = {
    "day": (1.0, 1.0, 1.0),
    "morning": (1.0, 0.97, 0.92),
    "dawn": (0.82, 0.76, 0.8),
    "dusk": (0.8, 0.68, 0.62),
    "night": (0.44, 0.42, 0.54),
}
#: The sky from its top to the horizon, by time of day.
_SKY: dict[str, tuple[Colour, Colour]] = {
    "day": ((104, 160, 220), (204, 227, 243)),
    "morning": ((136, 180, 228), (246, 226, 196)),
    "dawn": ((60, 64, 128), (252, 178, 128)),
    "dusk": ((44, 36, 94), (244, 128, 78)),
    "night": ((6, 10, 30), (32, 46, 88)),
}
_LAMPLIGHT: Colour = (255, 214, 130)
_WINDOW_LIT: Colour = (255, 208, 110)

_WALLS: tuple[Colour, ...] = (
    (236, 226, 204),
    (206, 214, 190),
    (196, 210, 222),
    (232, 206, 188),
    (214, 210, 202),
    (238, 226, 184),
    (222, 204, 212),
)
_FLOORS: dict[str, tuple[Colour, ...]] = {
    "boards": ((168, 122, 82), (140, 98, 66), (190, 150, 104)),
    "tiles": ((196, 192, 182), (170, 178, 184), (214, 200, 170)),
    "carpet": ((146, 112, 104), (112, 122, 140), (150, 146, 118)),
}
_WOODS: tuple[Colour, ...] = ((150, 104, 66), (118, 80, 52), (176, 132, 88), (96, 70, 52))
_FABRICS: tuple[Colour, ...] = ((92, 120, 150), (150, 84, 70), (112, 140, 96), (170, 150, 110), (110, 92, 130))
_BRICKS: tuple[Colour, ...] = ((168, 92, 70), (196, 178, 150), (150, 150, 156), (206, 196, 170), (120, 110, 104))
_GREENS: tuple[Colour, ...] = ((74, 128, 64), (58, 108, 70), (96, 140, 72), (70, 118, 90))
_BOOKS: tuple[Colour, ...] = (
    (150, 60, 50),
    (60, 90, 140),
    (200, 170, 90),
    (70, 120, 80),
    (120, 70, 120),
    (220, 210, 190),
)

#: What a room's name says it holds: the main piece, what hangs above it, and what else stands about.
_FURNISHING: tuple[tuple[tuple[str, ...], str, str, tuple[str, ...]], ...] = (
    (("KITCHEN",), "counter", "cabinets", ()),
    (("BEDROOM", "MOTEL", "HOTEL ROOM", "HOSPITAL", "WARD", "DORM"), "bed", "picture", ("lamp",)),
    (("OFFICE", "STUDY", "CLASSROOM", "LIBRARY", "STUDIO"), "desk", "shelf", ("bookcase",)),
    (("BAR", "PUB", "DINER", "CAFE", "CAFÉ", "RESTAURANT", "SALOON", "CLUB"), "counter", "bottles", ()),
    (
        ("LIVING", "LOUNGE", "APARTMENT", "FLAT", "HOUSE", "SITTING", "PARLOR", "PARLOUR", "DEN"),
        "sofa",
        "picture",
        ("lamp",),
    ),
)
#: The furnishings the seed picks from for a room whose name says nothing.
_FURNISHED: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("table", "picture", ()),
    ("sofa", "picture", ("plant",)),
    ("desk", "shelf", ()),
    ("bookcase", "", ("table",)),
)
#: Each piece's usual width in metres.
_WIDTHS = {
    "counter": 2.6, "cabinets": 2.2, "bottles": 2.2, "bed": 1.8, "desk": 1.5, "bookcase": 1.2, "sofa": 2.0,
    "table": 1.3, "picture": 0.7, "clock": 0.35, "shelf": 1.0, "lamp": 0.45, "plant": 0.6,
}  # fmt: skip
#: The bands of the back wall a piece takes: low (furniture on the floor), high (at eye level and above), or both.
_LAYERS: dict[str, tuple[str, ...]] = {
    "window": ("high",), "cabinets": ("high",), "bottles": ("high",), "picture": ("high",), "clock": ("high",),
    "shelf": ("high",), "door": ("high", "low"), "bookcase": ("high", "low"), "lamp": ("high", "low"),
}  # fmt: skip
#: Which landscape an exterior's name calls for; other places get a street or a park, as the seed says.
_TERRAIN: tuple[tuple[tuple[str, ...], str], ...] = (
    (("BEACH", "SEA", "OCEAN", "SHORE", "COAST", "HARBOR", "HARBOUR", "PIER", "DOCK", "LAKE", "BAY", "CLIFF"), "shore"),
    (("DESERT", "DUNES", "CANYON", "WASTELAND", "SALT FLATS"), "desert"),
    (("FOREST", "WOODS", "PARK", "GARDEN", "FIELD", "FARM", "MEADOW", "HILL", "MOUNTAIN", "YARD", "RIVER"), "nature"),
    (("STREET", "ROAD", "ALLEY", "CITY", "TOWN", "AVENUE", "SQUARE", "PARKING", "STATION", "DOWNTOWN"), "urban"),
)


class Sketch:
    """Storyboard frames, character sheets and location cards drawn from the frame brief; needs nothing but Pillow."""

    name: ClassVar[str] = "sketch"
    version: ClassVar[str] = "1"
    capabilities: ClassVar[frozenset[str]] = frozenset({"image"})
    install_hint: ClassVar[str] = "it is built into Clapboard and needs only Pillow; reinstall Clapboard"

    @classmethod
    def available(cls) -> bool:
        """Always: Pillow is a dependency of Clapboard itself."""
        return True

    def __init__(self, model: Path | None = None, options: dict[str, Any] | None = None) -> None:
        self.options = dict(options or {})

    def draw(self, prompt: str, *, seed: int, width: int, height: int, brief: Mapping[str, Any] | None = None) -> bytes:
        """The frame ``brief`` describes as an RGB PNG of ``width`` × ``height``; without one, a card titled ``prompt``.

        The seed chooses the set dressing; the same brief and seed always give the same bytes.
        """
        if not (isinstance(width, int) and isinstance(height, int)) or width < 64 or height < 36:
            raise ClapboardError(f"sketch frames are at least 64×36 pixels, not {width!r}×{height!r}")
        if brief is None:
            return _png(_title_card(prompt, width, height))
        frame = read_brief(brief)
        if frame.kind == "character":
            image = _character_sheet(frame, width, height)
        else:
            image = _panel(frame, random.Random(seed), width, height)
        return _png(image)


# --- the brief --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    """Where and when a frame is set, as its scene heading says."""

    location: str = ""
    interior: bool = False
    exterior: bool = False
    time: str = ""

    @property
    def outdoors(self) -> bool:
        """Whether the set is drawn as an exterior: EXT. alone (INT./EXT. is seen from inside, through windows)."""
        return self.exterior and not self.interior

    @property
    def light(self) -> str:
        """The light the time of day gives: day, morning, dawn, dusk or night."""
        for word in re.findall(r"[A-Z]+", self.time.upper()):
            if word in LIGHTS:
                return LIGHTS[word]
        return "day"

    @property
    def heading(self) -> str:
        """The setting as a scene heading: ``INT. KITCHEN - NIGHT``."""
        place = "INT./EXT." if self.interior and self.exterior else "EXT." if self.exterior else "INT."
        return " - ".join(part for part in (f"{place} {self.location}".strip(), self.time.upper()) if part)


@dataclass(frozen=True)
class Figure:
    """One character in frame: place across it (-1 left edge … 1 right edge), eyeline, and what they are doing."""

    name: str
    x: float = 0.0
    looks: str = "camera"
    speaking: bool = False
    shoulder: bool = False
    moving: str = ""
    description: str = ""


@dataclass(frozen=True)
class FrameBrief:
    """The brief of one frame, read and checked: a shot, a character sheet or a location card."""

    kind: str = "shot"
    label: str = ""
    caption: str = ""
    setting: Setting = Setting()
    size: str = "MS"
    angle: str = "eye level"
    move: str = "static"
    move_direction: str = ""
    figures: tuple[Figure, ...] = ()
    description: str = ""
    palette: str = "colour"


def read_brief(data: Mapping[str, Any]) -> FrameBrief:
    """The brief as checked, typed data; missing keys take defaults, and a ClapboardError names a key with a wrong type.

    Values from a fixed vocabulary (size, angle, move, eyeline …) must be one of its words, in any case.
    """
    fields = _Fields(data, "")
    setting = _Fields(fields.get("setting", {}), "setting")
    listed = fields.get("figures", [])
    if not isinstance(listed, list | tuple):
        raise ClapboardError(f"sketch brief: 'figures' must be a list of objects, not {type(listed).__name__}")
    figures = []
    for index, entry in enumerate(listed):
        figure = _Fields(entry, f"figures[{index}]")
        figures.append(
            Figure(
                name=figure.text("name"),
                x=max(-1.0, min(1.0, figure.number("x", 0.0))),
                looks=figure.choice("looks", EYELINES, "camera"),
                speaking=figure.flag("speaking"),
                shoulder=figure.flag("shoulder"),
                moving=figure.choice("moving", MOVEMENTS, ""),
                description=figure.text("description"),
            )
        )
    return FrameBrief(
        kind=fields.choice("kind", KINDS, "shot"),
        label=fields.text("label"),
        caption=fields.text("caption"),
        setting=Setting(
            location=setting.text("location"),
            interior=setting.flag("interior"),
            exterior=setting.flag("exterior"),
            time=setting.text("time"),
        ),
        size=fields.choice("size", SIZES, "MS"),
        angle=fields.choice("angle", ANGLES, "eye level"),
        move=fields.choice("move", MOVES, "static"),
        move_direction=fields.choice("move_direction", DIRECTIONS, ""),
        figures=tuple(figures),
        description=fields.text("description"),
        palette=fields.choice("palette", (*PALETTES, "color"), "colour").replace("color", "colour"),
    )


class _Fields:
    """Typed reads from one JSON object of the brief, naming the key at fault in every error."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, Mapping):
            what = f"{where!r}" if where else "the brief"
            raise ClapboardError(f"sketch brief: {what} must be a JSON object, not {type(data).__name__}")
        self.data = data
        self.where = where

    def get(self, key: str, default: Any) -> Any:
        value = self.data.get(key)
        return default if value is None else value

    def _wrong(self, key: str, wanted: str, value: Any) -> ClapboardError:
        name = f"{self.where}.{key}" if self.where else key
        return ClapboardError(f"sketch brief: {name!r} must be {wanted}, not {value!r}")

    def text(self, key: str) -> str:
        value = self.get(key, "")
        if not isinstance(value, str):
            raise self._wrong(key, "text", value)
        return value

    def flag(self, key: str) -> bool:
        value = self.get(key, False)
        if not isinstance(value, bool):
            raise self._wrong(key, "true or false", value)
        return value

    def number(self, key: str, default: float) -> float:
        value = self.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise self._wrong(key, "a number", value)
        return float(value)

    def choice(self, key: str, choices: Sequence[str], default: str) -> str:
        value = self.get(key, default)
        if isinstance(value, str):
            for choice in choices:
                if value.strip().casefold() == choice.casefold():
                    return choice
        spelled = ", ".join(repr(c) for c in choices)
        raise self._wrong(key, f"one of {spelled}", value)


# --- colours and looks ------------------------------------------------------------------------


def _mix(a: Colour, b: Colour, t: float) -> Colour:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


def _lit(colour: Colour, tint: Tint) -> Colour:
    return (
        min(255, round(colour[0] * tint[0])),
        min(255, round(colour[1] * tint[1])),
        min(255, round(colour[2] * tint[2])),
    )


def _shade(colour: Colour, factor: float) -> Colour:
    return _lit(colour, (factor, factor, factor))


_HAIR: tuple[Colour, ...] = ((42, 32, 26), (78, 52, 34), (122, 86, 52), (200, 164, 100), (144, 64, 38), (26, 24, 24))
_SKIN: tuple[Colour, ...] = ((246, 212, 186), (230, 186, 152), (204, 152, 112), (158, 110, 78), (112, 76, 54))
_IRIS: tuple[Colour, ...] = ((94, 62, 38), (70, 112, 152), (82, 112, 72), (62, 46, 32))
_GREY_HAIR: Colour = (190, 188, 184)
_OLD = re.compile(
    r"\b(?:old|elderly|aged|gr[ae]y|white-haired|silver-haired|[5-9]0s|(?:fif|six|seven|eigh|nine)ties)\b"
)
_FEMALE = re.compile(r"\b(?:woman|girl|lady|she|her|mother|mum|mom|daughter|wife|sister|grandmother|queen|widow)\b")
_MALE = re.compile(r"\b(?:man|boy|guy|he|his|father|dad|son|husband|brother|grandfather|king)\b")
_CHILD = re.compile(r"\b(?:child|kid|toddler|(?:[4-9]|1[0-2])[- ]year[- ]old)\b")


@dataclass(frozen=True)
class Look:
    """How a character is drawn: the outfit colour from their name; hair, build and height from their description."""

    colour: Colour
    trousers: Colour
    skin: Colour
    hair: Colour | None
    iris: Colour
    long_hair: bool
    beard: bool
    height: float


@lru_cache(maxsize=512)
def character_look(name: str, description: str = "") -> Look:
    """The look of ``name``: the outfit colour depends on the name alone, so it is the same in every frame and run."""
    digest = hashlib.sha256(name.strip().casefold().encode()).digest()
    # Hues 40°…320°: the reds are kept for the camera notes.
    hue = (40 + digest[0] * 280 / 255) / 360
    red, green, blue = colorsys.hsv_to_rgb(hue, 0.5 + digest[1] / 255 * 0.3, 0.62 + digest[2] / 255 * 0.25)
    colour = (round(red * 255), round(green * 255), round(blue * 255))
    words = description.lower()
    hair: Colour | None = _HAIR[digest[3] % len(_HAIR)]
    if _OLD.search(words):
        hair = _GREY_HAIR
    elif re.search(r"\bblonde?\b", words):
        hair = _HAIR[3]
    elif re.search(r"\b(?:red-haired|redhead|ginger)\b", words):
        hair = _HAIR[4]
    if re.search(r"\bbald\b", words):
        hair = None
    female, male = bool(_FEMALE.search(words)), bool(_MALE.search(words))
    if "short hair" in words or "long hair" in words:
        long_hair = "long hair" in words
    else:
        long_hair = female if female != male else bool(digest[5] & 1)
    return Look(
        colour=colour,
        trousers=_mix(_shade(colour, 0.45), (52, 56, 66), 0.5),
        skin=_SKIN[digest[4] % len(_SKIN)],
        hair=hair,
        iris=_IRIS[digest[6] % len(_IRIS)],
        long_hair=long_hair and hair is not None,
        beard=bool(re.search(r"\b(?:beard|bearded)\b", words)),
        height=1.25 if _CHILD.search(words) else BODY,
    )


@lru_cache(maxsize=64)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=max(6, size))


def _fit(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: float) -> str:
    """``text`` on one line, cut with an ellipsis where it runs past ``width`` pixels."""
    text = " ".join(text.split())
    if font.getlength(text) <= width:
        return text
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if font.getlength(text[:middle].rstrip() + "…") <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "…"


def _wrap(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: float) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines():
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}".strip()
            if line and font.getlength(trial) > width:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
    return lines


# --- the camera -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Camera:
    """Where a shot's size and angle put the set and the people in the picture (canvas pixels, y down)."""

    width: float
    height: float
    scale: float  # pixels per metre at the subjects' distance
    distance: float  # the subjects' distance from the camera, metres
    eye: float  # camera height, metres
    horizon: float
    tilt: int  # 1 looking down, -1 looking up, 0 level: how the figures foreshorten

    @classmethod
    def framing(cls, size: str, angle: str, width: float, height: float) -> _Camera:
        share, top, eye = _FRAMING["eye level" if angle == "overhead" else angle][size]
        scale = share * height / BODY
        feet = (top + share) * height
        tilt = {"high": 1, "low": -1}.get(angle, 0)
        return cls(width, height, scale, _DISTANCE[size], eye, feet - eye * scale, tilt)

    def at(self, distance: float) -> float:
        """Pixels per metre at ``distance`` metres from the camera."""
        return self.scale * self.distance / distance

    def point(self, x: float, z: float, distance: float) -> Point:
        """Where a point ``x`` metres right of the lens axis and ``z`` metres up, ``distance`` metres away, appears."""
        scale = self.at(distance)
        return self.width / 2 + x * scale, self.horizon + (self.eye - z) * scale

    def ground(self, distance: float) -> float:
        """The picture height of the ground ``distance`` metres away."""
        return self.horizon + self.eye * self.at(distance)


class _Pen:
    """Draws on the picture canvas with outlines sized to it."""

    def __init__(self, image: Image.Image, line: float, scale: int) -> None:
        self.image = image
        self.draw = ImageDraw.Draw(image)
        self.line = line
        self.scale = scale  # canvas pixels per output pixel

    def shape(
        self, points: Sequence[Point], fill: Colour | None, outline: Colour | None = INK, width: float = 0
    ) -> None:
        corners = list(points)
        if fill is not None:
            self.draw.polygon(corners, fill=fill)
        if outline is not None:
            # A closed line rather than polygon(width=…), which builds a mask the size of the whole canvas each call.
            weight = max(1, round(width or self.line))
            self.draw.line([*corners, corners[0], corners[1]], fill=outline, width=weight, joint=_joint(weight))

    def box(
        self, x0: float, y0: float, x1: float, y1: float, fill: Colour | None, outline: Colour | None = INK
    ) -> None:
        left, right = min(x0, x1), max(x0, x1)
        top, bottom = min(y0, y1), max(y0, y1)
        if right - left < 0.5 or bottom - top < 0.5:
            return
        weight = max(1, round(self.line)) if outline is not None else 0
        self.draw.rectangle((left, top, right, bottom), fill=fill, outline=outline, width=weight)

    def oval(
        self, cx: float, cy: float, rx: float, ry: float, fill: Colour | None, outline: Colour | None = INK
    ) -> None:
        if rx < 0.5 or ry < 0.5:
            return
        weight = max(1, round(self.line)) if outline is not None else 0
        self.draw.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), fill=fill, outline=outline, width=weight)

    def stroke(self, points: Sequence[Point], colour: Colour = INK, width: float = 0) -> None:
        weight = max(1, round(width or self.line))
        self.draw.line(list(points), fill=colour, width=weight, joint=_joint(weight))

    def label(self, text: str, x: float, y: float, colour: Colour, size: float) -> None:
        """A name tag centred on ``x``, its top at ``y``, kept inside the picture: a chip of ``colour`` and the name."""
        if not text:
            return
        font = _font(round(size))
        pad = size * 0.3
        chip = size * 0.7
        width = font.getlength(text) + chip + 3 * pad
        left = max(pad, min(self.image.width - width - pad, x - width / 2))
        top = max(pad, min(self.image.height - size - 3 * pad, y))
        bottom = top + size + 2 * pad
        self.draw.rectangle((left, top, left + width, bottom), fill=WHITE, outline=INK, width=self.scale)
        self.draw.rectangle((left + pad, top + pad, left + pad + chip, bottom - pad), fill=colour)
        self.draw.text((left + chip + 2 * pad, (top + bottom) / 2), text, font=font, fill=INK, anchor="lm")


def _joint(weight: int) -> Literal["curve"] | None:
    """Round joints where a line is thick enough for a mitred corner to show; thin lines don't need the extra work."""
    return "curve" if weight >= 4 else None


def _oval(
    cx: float, cz: float, rx: float, rz: float, start: float = 0, end: float = 360, steps: int = 28
) -> list[Point]:
    """Points on an ellipse from angle ``start`` to ``end`` (degrees, counter-clockwise from +x, z up)."""
    count = max(2, round(steps * abs(end - start) / 360))
    return [
        (
            cx + rx * math.cos(math.radians(start + (end - start) * i / count)),
            cz + rz * math.sin(math.radians(start + (end - start) * i / count)),
        )
        for i in range(count + 1)
    ]


# --- the panel --------------------------------------------------------------------------------


def _panel(frame: FrameBrief, rng: random.Random, width: int, height: int) -> Image.Image:
    """A storyboard panel: the picture (set, figures, camera notes) over a caption strip, with slate and size notes."""
    strip = max(12, round(height * 0.075))
    ss = SUPERSAMPLE if width * height <= _SUPERSAMPLE_LIMIT else 1
    picture = Image.new("RGB", (width * ss, (height - strip) * ss), PAPER)
    pen = _Pen(picture, max(1.0, height / 360) * ss, ss)
    location = frame.kind == "location"
    size = frame.size if not location or frame.size in ("EWS", "WS") else "WS"
    angle = "eye level" if location else frame.angle
    camera = _Camera.framing(size, angle, picture.width, picture.height)
    if angle == "overhead":
        _floor_from_above(pen, frame.setting, rng, _OVERHEAD[size] * picture.height / 0.5)
    else:
        if frame.setting.outdoors:
            haze = _exterior(pen, _landscape(frame.setting, rng), camera, frame.setting.light)
        else:
            haze = _interior(pen, _room(frame.setting, rng), camera, frame.setting.light, size)
        if size in ("MCU", "CU", "ECU") and not location:
            # A long lens throws the set out of focus: soften it so the face reads first.
            picture = _soften(picture, haze, 0.35)
            pen = _Pen(picture, pen.line, ss)
    marks: list[tuple[Figure, Point, float]] = []
    if not location:
        ordered = sorted(frame.figures, key=lambda figure: figure.shoulder)
        standing = [character_look(f.name, f.description).height for f in ordered if not f.shoulder]
        # From a medium shot in, the camera frames the tallest person's head: a child alone in a close-up fills it.
        lift = (BODY - max(standing)) * camera.scale if standing and SIZES.index(size) >= SIZES.index("MS") else 0.0
        for figure in ordered:
            if angle == "overhead":
                marks.append(_figure_from_above(pen, figure, size))
            elif figure.shoulder:
                marks.append(_over_shoulder(pen, figure, size))
            else:
                marks.append(_standing(pen, figure, camera, lift))
    if frame.palette == "pencil":
        picture = _pencil(picture)
        pen = _Pen(picture, pen.line, ss)
    for figure, anchor, reach in marks:
        if figure.moving:
            _walk_arrow(pen, figure.moving, anchor, reach)
    _camera_move(pen, frame.move, frame.move_direction)
    if ss > 1:
        picture = picture.reduce(ss)
    panel = Image.new("RGB", (width, height), PAPER)
    panel.paste(picture, (0, 0))
    notes = frame.setting.heading if location else _size_note(frame)
    label = frame.label or (frame.setting.location if location else "")
    caption = frame.caption or (frame.setting.heading if location else "")
    _decorate(panel, strip, label, notes, caption)
    return panel


def _size_note(frame: FrameBrief) -> str:
    parts = [frame.size, frame.angle, f"{LENSES[frame.size]}mm"]
    if frame.move != "static":
        parts.append(f"{frame.move} {frame.move_direction}".strip())
    return " · ".join(parts)


def _soften(picture: Image.Image, haze: Colour, amount: float) -> Image.Image:
    """The picture with its contrast cut ``amount`` of the way toward ``haze``, one table look-up a pixel."""
    table = [round(level + (haze[band] - level) * amount) for band in range(3) for level in range(256)]
    return picture.point(table)


def _pencil(picture: Image.Image) -> Image.Image:
    """The picture as a pencil drawing: greys on warm paper, lightened as graphite is."""
    grey = picture.convert("L")
    curve = [(i / 255) ** 0.8 for i in range(256)]
    bands = [grey.point([round(INK[c] + (PAPER[c] - INK[c]) * curve[i]) for i in range(256)]) for c in range(3)]
    return Image.merge("RGB", bands)


def _decorate(panel: Image.Image, strip: int, label: str, notes: str, caption: str) -> None:
    """The slate box top left, the shot notes top right, the caption strip, and the frame lines (at output size)."""
    draw = ImageDraw.Draw(panel)
    width, height = panel.size
    line = max(1, round(height / 400))
    margin = max(3, round(height * 0.014))
    picture_bottom = height - strip
    if label:
        size = max(9, round(height * 0.045))
        font = _font(size)
        pad = max(2, round(size * 0.3))
        text = _fit(label, font, width * 0.4)
        box = (margin, margin, margin + font.getlength(text) + 2 * pad, margin + size + 2 * pad)
        draw.rectangle(box, fill=WHITE, outline=INK, width=line)
        draw.text((margin + pad, margin + pad + size / 2), text, font=font, fill=INK, anchor="lm", stroke_width=1)
    if notes:
        size = max(8, round(height * 0.03))
        font = _font(size)
        pad = max(2, round(size * 0.35))
        text = _fit(notes, font, width * 0.55)
        right = width - margin
        box = (right - font.getlength(text) - 2 * pad, margin, right, margin + size + 2 * pad)
        draw.rectangle(box, fill=WHITE, outline=INK, width=line)
        draw.text((right - pad, margin + pad + size / 2), text, font=font, fill=INK, anchor="rm")
    draw.rectangle((0, picture_bottom, width, height), fill=PAPER)
    draw.line((0, picture_bottom, width, picture_bottom), fill=INK, width=line)
    if caption:
        size = max(8, round(strip * 0.55))
        font = _font(size)
        draw.text(
            (margin * 2, picture_bottom + strip / 2),
            _fit(caption, font, width - margin * 4),
            font=font,
            fill=INK,
            anchor="lm",
        )
    draw.rectangle((0, 0, width - 1, height - 1), outline=INK, width=line)


# --- interiors --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Piece:
    """One thing dressing a set: what it is, where (share of the wall's width, -0.5 … 0.5), how wide (m), its colour."""

    kind: str
    at: float
    width: float
    colour: Colour
    seed: int


@dataclass(frozen=True)
class _Room:
    """A room as the seed dresses it; the camera looks at its back wall."""

    width: float
    height: float
    wall: Colour
    floor: Colour
    flooring: str
    offset: float  # where the room's middle lies from the lens axis, metres
    pieces: tuple[_Piece, ...]
    pendants: tuple[float, ...]  # lamps hanging from the ceiling a metre and a half before the back wall, across it


def _room(setting: Setting, rng: random.Random) -> _Room:
    """The room a heading calls for, its furniture from the location's name and its dressing from the seed."""
    name = setting.location.upper()
    found = next(
        ((main, above, extra) for words, main, above, extra in _FURNISHING if any(w in name for w in words)), None
    )
    main, above, extra = found or rng.choice(_FURNISHED)
    flooring = rng.choice(tuple(_FLOORS))
    width = rng.uniform(6.5, 8.5)
    spans: dict[str, list[tuple[float, float]]] = {"high": [], "low": []}
    pieces: list[_Piece] = []

    def place(kind: str, metres: float, around: float = 0.5, at: float | None = None) -> float | None:
        """Put a piece where nothing else is, in the bands of wall it takes; where it went, or None."""
        share = metres / width
        layers = _LAYERS.get(kind, ("low",))
        for _ in range(20 if at is None else 1):
            middle = rng.uniform(-around, around) if at is None else at
            low, high = middle - share / 2 - 0.02, middle + share / 2 + 0.02
            if low < -0.48 or high > 0.48:
                continue
            if any(low < b and a < high for layer in layers for a, b in spans[layer]):
                continue
            for layer in layers:
                spans[layer].append((low, high))
            colours = _FABRICS if kind in ("sofa", "bed", "picture", "window") else _WOODS
            pieces.append(_Piece(kind, middle, metres, rng.choice(colours), rng.randrange(1 << 30)))
            return middle
        return None

    # What the room is comes first (a kitchen's counter, a bar's bottles), then a window near the middle, so a close-up
    # still sees one of them behind a face; then a door and the small things.
    middle = place(main, _WIDTHS[main], around=0.3)
    if above and middle is not None:
        place(above, _WIDTHS[main] if above in ("cabinets", "bottles") else _WIDTHS[above], at=middle)
    window = rng.uniform(1.1, 1.7)
    if place("window", window, around=0.2) is None:
        place("window", window)
    if rng.random() < 0.4:
        place("window", rng.uniform(1.0, 1.5))
    if rng.random() < 0.75:
        place("door", 0.92)
    for kind in (*extra, *rng.sample(("picture", "clock", "shelf", "lamp", "plant", "picture"), rng.randint(2, 4))):
        place(kind, _WIDTHS[kind] * rng.uniform(0.85, 1.15))
    return _Room(
        width=width,
        height=rng.uniform(2.8, 3.2),
        wall=rng.choice(_WALLS),
        floor=rng.choice(_FLOORS[flooring]),
        flooring=flooring,
        offset=rng.uniform(-0.6, 0.6),
        pieces=tuple(pieces),
        pendants=tuple(rng.uniform(-0.35, 0.35) for _ in range(rng.choice((0, 1, 1, 2)))),
    )


def _interior(pen: _Pen, room: _Room, camera: _Camera, light: str, size: str) -> Colour:
    """The room in one-point perspective: ceiling, side walls and floor around the back wall and what dresses it.

    Returns the wall's colour, the one the set fades toward out of focus.
    """
    tint = _ROOMLIGHT[light]
    distance = camera.distance + _WALL_GAP[size]
    scale = camera.at(distance)
    # A wide shot sees the room's side walls: stretch the room so its back wall still spans most of the frame.
    width = max(room.width, 0.62 * camera.width / scale)
    centre = camera.width / 2 + room.offset * scale
    left, right = centre - width / 2 * scale, centre + width / 2 * scale
    floor_y = camera.ground(distance)
    ceiling_y = camera.point(0, room.height, distance)[1]
    vanish = (camera.width / 2, camera.horizon)
    wall = _lit(room.wall, tint)
    pen.box(0, 0, camera.width, camera.height, _shade(wall, 0.86), None)

    def out(point: Point) -> Point:
        return vanish[0] + (point[0] - vanish[0]) * 40, vanish[1] + (point[1] - vanish[1]) * 40

    corners = ((left, ceiling_y), (right, ceiling_y), (right, floor_y), (left, floor_y))
    pen.shape([corners[0], corners[1], out(corners[1]), out(corners[0])], _mix(wall, WHITE, 0.25), None)
    floor = _lit(room.floor, tint)
    pen.shape([corners[3], corners[2], out(corners[2]), out(corners[3])], floor, None)
    _flooring(pen, camera, room, floor, corners, distance)
    pen.box(left, ceiling_y, right, floor_y, wall, None)
    for corner in corners:
        pen.stroke([corner, out(corner)], _shade(wall, 0.55))
    pen.stroke([corners[0], corners[1], corners[2], corners[3], corners[0]], _shade(wall, 0.55))
    skirting = floor_y - 0.1 * scale
    pen.box(left, skirting, right, floor_y, _shade(wall, 0.8), None)

    for piece in room.pieces:
        x = centre + piece.at * width * scale
        _furnish(pen, piece, x, floor_y, scale, tint, light, wall)
    nearer = distance - 1.5
    for share in room.pendants:
        _pendant(
            pen, camera, (room.offset + share * width) * scale / camera.at(nearer), nearer, room.height, light, tint
        )
    return wall


def _pendant(pen: _Pen, camera: _Camera, x: float, distance: float, ceiling: float, light: str, tint: Tint) -> None:
    """A lamp hanging on its cord from the ceiling, ``x`` metres across and ``distance`` away; lit after dark."""
    top = camera.point(x, ceiling, distance)
    hang = camera.point(x, ceiling - 0.7, distance)
    if hang[1] < 0 or hang[1] > camera.height:
        return
    scale = camera.at(distance)
    on = light in ("night", "dusk", "dawn")
    pen.stroke([top, hang], INK, max(1.0, pen.line * 0.7))
    dome = [(hang[0] - 0.07 * scale, hang[1]), (hang[0] + 0.07 * scale, hang[1])]
    dome += [(hang[0] + 0.24 * scale, hang[1] + 0.22 * scale), (hang[0] - 0.24 * scale, hang[1] + 0.22 * scale)]
    if on:
        pen.oval(hang[0], hang[1] + 0.24 * scale, 0.16 * scale, 0.06 * scale, _LAMPLIGHT, None)
    pen.shape(dome, _lit((70, 84, 80), tint))


def _flooring(
    pen: _Pen, camera: _Camera, room: _Room, floor: Colour, corners: Sequence[Point], distance: float
) -> None:
    """Floorboard or tile seams running to the vanishing point; tile rows spaced as perspective spaces them."""
    seam = _shade(floor, 0.82)
    left, right = corners[3][0], corners[2][0]
    floor_y = corners[3][1]
    scale = camera.at(distance)
    step = (0.22 if room.flooring == "boards" else 0.6) * scale
    if room.flooring == "carpet" or step < 3:
        return
    vanish = (camera.width / 2, camera.horizon)
    weight = max(1.0, pen.line * 0.6)
    x = left + step / 2
    while x < right:
        far = (vanish[0] + (x - vanish[0]) * 40, vanish[1] + (floor_y - vanish[1]) * 40)
        pen.stroke([(x, floor_y), far], seam, weight)
        x += step
    if room.flooring == "tiles":
        nearer = distance - 0.6
        while nearer > 0.3 and camera.ground(nearer) < camera.height:
            y = camera.ground(nearer)
            # A row runs between the side walls, which widen toward the camera as the floor does.
            spread = (y - vanish[1]) / (floor_y - vanish[1])
            pen.stroke(
                [(vanish[0] + (left - vanish[0]) * spread, y), (vanish[0] + (right - vanish[0]) * spread, y)],
                seam,
                weight,
            )
            nearer -= 0.6


def _furnish(
    pen: _Pen, piece: _Piece, x: float, floor: float, scale: float, tint: Tint, light: str, wall: Colour
) -> None:
    """One piece of set dressing against the back wall, seen face on; ``x`` is its middle, ``floor`` the wall's foot."""
    rng = random.Random(piece.seed)
    half = piece.width / 2 * scale
    colour = _lit(piece.colour, tint)

    def y(z: float) -> float:
        return floor - z * scale

    kind = piece.kind
    if kind == "window":
        glass_top, glass_bottom = _SKY[light]
        sill, top = y(0.95), y(2.25)
        pen.box(x - half - 0.06 * scale, top - 0.06 * scale, x + half + 0.06 * scale, sill, _lit((240, 238, 232), tint))
        bands = 6
        for band in range(bands):
            band_top = top + (sill - top) * band / bands
            pen.box(
                x - half,
                band_top,
                x + half,
                band_top + (sill - top) / bands + 1,
                _mix(glass_top, glass_bottom, band / bands),
                None,
            )
        if light == "night":
            for _ in range(5):
                pen.oval(
                    rng.uniform(x - half, x + half), rng.uniform(top, sill), pen.line * 0.7, pen.line * 0.7, WHITE, None
                )
        elif light in ("day", "morning"):
            # A distant rooftop line through the glass says the window looks out on somewhere.
            roof = sill - (sill - top) * rng.uniform(0.15, 0.3)
            pen.box(x - half, roof, x + half, sill, _mix(glass_bottom, (150, 160, 170), 0.5), None)
        pen.box(x - half, top, x + half, sill, None)
        pen.stroke([(x, top), (x, sill)], _lit((240, 238, 232), tint), pen.line * 2)
        pen.stroke(
            [(x - half, (top + sill) / 2), (x + half, (top + sill) / 2)], _lit((240, 238, 232), tint), pen.line * 2
        )
        pen.box(x - half - 0.1 * scale, sill, x + half + 0.1 * scale, sill + 0.05 * scale, _lit((232, 228, 220), tint))
        if rng.random() < 0.7:
            drape = 0.28 * scale
            for side in (-1, 1):
                edge = x + side * (half + 0.04 * scale)
                pen.shape(
                    [
                        (edge, top - 0.1 * scale),
                        (edge - side * drape * 0.2, top - 0.1 * scale),
                        (edge - side * drape * 0.6, sill + 0.25 * scale),
                        (edge + side * drape, sill + 0.25 * scale),
                        (edge + side * drape * 0.8, top - 0.1 * scale),
                    ],
                    colour,
                )
    elif kind == "door":
        pen.box(x - half - 0.07 * scale, y(2.12), x + half + 0.07 * scale, floor, _lit((236, 232, 224), tint))
        pen.box(x - half, y(2.05), x + half, floor, colour)
        for z0, z1 in ((1.15, 1.9), (0.15, 0.95)):
            pen.box(x - half * 0.7, y(z1), x + half * 0.7, y(z0), _shade(colour, 0.88))
        pen.oval(x + half * 0.75, y(1.0), 0.035 * scale, 0.035 * scale, (210, 180, 90))
    elif kind == "picture":
        mid = rng.uniform(1.5, 1.75)
        tall = piece.width * rng.uniform(0.6, 0.9) / 2 * scale
        pen.box(x - half, y(mid) - tall, x + half, y(mid) + tall, _lit((120, 90, 60), tint))
        inner = 0.05 * scale
        pen.box(
            x - half + inner,
            y(mid) - tall + inner,
            x + half - inner,
            y(mid) + tall - inner,
            _lit((226, 222, 206), tint),
            None,
        )
        horizon = y(mid) + tall * 0.2
        pen.shape(
            [
                (x - half + inner, horizon),
                (x - half * 0.2, y(mid) - tall * 0.4),
                (x + half * 0.3, horizon - tall * 0.1),
                (x + half - inner, horizon),
                (x + half - inner, y(mid) + tall - inner),
                (x - half + inner, y(mid) + tall - inner),
            ],
            colour,
            None,
        )
    elif kind == "clock":
        centre_y = y(2.0)
        radius = half
        pen.oval(x, centre_y, radius, radius, _lit((246, 244, 236), tint))
        pen.stroke([(x, centre_y), (x, centre_y - radius * 0.7)])
        hand = rng.uniform(0, math.tau)
        pen.stroke([(x, centre_y), (x + math.cos(hand) * radius * 0.5, centre_y + math.sin(hand) * radius * 0.5)])
    elif kind == "shelf":
        board = y(1.55)
        pen.box(x - half, board, x + half, board + 0.04 * scale, colour)
        left = x - half + 0.05 * scale
        while left < x + half - 0.1 * scale:
            thick = rng.uniform(0.04, 0.08) * scale
            tall = rng.uniform(0.18, 0.28) * scale
            if rng.random() < 0.2:
                left += thick * 2
                continue
            pen.box(left, board - tall, left + thick, board, _lit(rng.choice(_BOOKS), tint))
            left += thick
    elif kind == "lamp":
        on = light in ("night", "dusk", "dawn")
        shade_colour = _LAMPLIGHT if on else _lit((236, 220, 180), tint)
        if on:
            for ring in range(5, 0, -1):
                reach = ring * 0.32 * scale
                pen.oval(x, y(1.45), reach, reach * 0.9, _mix(wall, _LAMPLIGHT, 0.09 * (6 - ring)), None)
        pen.stroke([(x, floor), (x, y(1.35))], _lit((60, 56, 52), tint), pen.line * 1.5)
        pen.oval(x, floor - 0.02 * scale, half * 0.6, 0.03 * scale, _lit((60, 56, 52), tint))
        pen.shape(
            [(x - half * 0.5, y(1.65)), (x + half * 0.5, y(1.65)), (x + half, y(1.32)), (x - half, y(1.32))],
            shade_colour,
        )
    elif kind == "plant":
        pot_top = y(0.38)
        leaves = _lit(rng.choice(_GREENS), tint)
        for _ in range(9):
            angle = rng.uniform(math.pi * 0.1, math.pi * 0.9)
            reach = rng.uniform(0.3, 0.75) * scale
            tip = (x + math.cos(angle) * reach, pot_top - math.sin(angle) * reach)
            pen.shape(_leaf((x, pot_top), tip, 0.09 * scale), leaves)
        pen.shape(
            [(x - half * 0.5, pot_top), (x + half * 0.5, pot_top), (x + half * 0.38, floor), (x - half * 0.38, floor)],
            _lit((184, 96, 64), tint),
        )
    elif kind == "table":
        top = y(0.76)
        pen.box(x - half, top, x + half, top + 0.05 * scale, colour)
        for side in (-1, 1):
            pen.box(
                x + side * half * 0.85 - 0.03 * scale,
                top,
                x + side * half * 0.85 + 0.03 * scale,
                floor,
                _shade(colour, 0.85),
            )
        chair = x + rng.choice((-1, 1)) * (half + 0.3 * scale)
        pen.box(chair - 0.22 * scale, y(0.46), chair + 0.22 * scale, y(0.42), _shade(colour, 0.9))
        pen.box(chair - 0.2 * scale, y(0.98), chair - 0.16 * scale, floor, _shade(colour, 0.9))
        pen.box(chair + 0.16 * scale, y(0.46), chair + 0.2 * scale, floor, _shade(colour, 0.9))
        pen.oval(
            x + rng.uniform(-0.3, 0.3) * half,
            top - 0.08 * scale,
            0.05 * scale,
            0.08 * scale,
            _lit(rng.choice(_BOOKS), tint),
        )
    elif kind == "sofa":
        pen.box(x - half, y(0.85), x + half, y(0.42), colour)
        pen.box(x - half - 0.12 * scale, y(0.62), x + half + 0.12 * scale, y(0.12), _shade(colour, 0.9))
        for cushion in (-1, 0, 1):
            cx = x + cushion * half * 0.62
            pen.box(cx - half * 0.3, y(0.5), cx + half * 0.3, y(0.36), _mix(colour, WHITE, 0.12))
        pen.box(x - half, y(0.12), x - half + 0.05 * scale, floor, INK, None)
        pen.box(x + half - 0.05 * scale, y(0.12), x + half, floor, INK, None)
    elif kind == "counter":
        pen.box(x - half, y(0.9), x + half, floor, colour)
        pen.box(x - half - 0.03 * scale, y(0.95), x + half + 0.03 * scale, y(0.9), _lit((214, 210, 200), tint))
        doors = max(1, round(piece.width / 0.6))
        for door in range(doors):
            dx = x - half + (door + 0.5) * piece.width / doors * scale
            pen.box(dx - 0.25 * scale, y(0.82), dx + 0.25 * scale, y(0.1), _shade(colour, 0.92))
    elif kind == "cabinets":
        pen.box(x - half, y(2.25), x + half, y(1.5), colour)
        doors = max(1, round(piece.width / 0.55))
        for door in range(1, doors):
            dx = x - half + door * piece.width / doors * scale
            pen.stroke([(dx, y(2.25)), (dx, y(1.5))])
    elif kind == "bottles":
        for shelf in (1.3, 1.75):
            pen.box(x - half, y(shelf), x + half, y(shelf) + 0.04 * scale, colour)
            left = x - half + 0.08 * scale
            while left < x + half - 0.1 * scale:
                body = rng.uniform(0.06, 0.09) * scale
                tall = rng.uniform(0.22, 0.32) * scale
                glass = _lit(rng.choice(((60, 110, 70), (130, 70, 40), (200, 190, 150), (80, 60, 100))), tint)
                pen.box(left, y(shelf) - tall * 0.65, left + body, y(shelf), glass)
                pen.box(left + body * 0.3, y(shelf) - tall, left + body * 0.7, y(shelf) - tall * 0.65, glass)
                left += body + rng.uniform(0.03, 0.08) * scale
    elif kind == "bed":
        pen.box(x - half, y(1.1), x + half, floor, colour)
        pen.box(x - half - 0.05 * scale, y(0.62), x + half + 0.05 * scale, y(0.3), _lit((238, 236, 230), tint))
        pen.box(x - half * 0.8, y(0.78), x - 0.05 * scale, y(0.6), _lit((250, 248, 244), tint))
        pen.box(x + 0.05 * scale, y(0.78), x + half * 0.8, y(0.6), _lit((250, 248, 244), tint))
    elif kind == "desk":
        top = y(0.76)
        pen.box(x - half, top, x + half, top + 0.05 * scale, colour)
        pen.box(x + half * 0.4, top + 0.05 * scale, x + half, floor, _shade(colour, 0.9))
        pen.box(x - half, top, x - half + 0.05 * scale, floor, _shade(colour, 0.9))
        screen = (x - half * 0.35, top)
        pen.box(
            screen[0] - 0.26 * scale,
            top - 0.42 * scale,
            screen[0] + 0.26 * scale,
            top - 0.1 * scale,
            _lit((50, 54, 60), tint),
        )
        glow = (150, 190, 230) if light == "night" else _lit((120, 150, 180), tint)
        pen.box(screen[0] - 0.22 * scale, top - 0.38 * scale, screen[0] + 0.22 * scale, top - 0.14 * scale, glow, None)
        pen.box(screen[0] - 0.03 * scale, top - 0.1 * scale, screen[0] + 0.03 * scale, top, _lit((50, 54, 60), tint))
    elif kind == "bookcase":
        pen.box(x - half, y(2.0), x + half, floor, colour)
        for shelf in range(4):
            base = y(0.12 + shelf * 0.47)
            pen.box(
                x - half + 0.04 * scale, base - 0.43 * scale, x + half - 0.04 * scale, base, _shade(colour, 0.6), None
            )
            left = x - half + 0.05 * scale
            while left < x + half - 0.1 * scale:
                thick = rng.uniform(0.035, 0.07) * scale
                tall = rng.uniform(0.25, 0.38) * scale
                pen.box(left, base - tall, left + thick, base, _lit(rng.choice(_BOOKS), tint), None)
                left += thick + 0.004 * scale


def _leaf(base: Point, tip: Point, width: float) -> list[Point]:
    dx, dy = tip[0] - base[0], tip[1] - base[1]
    length = math.hypot(dx, dy) or 1.0
    nx, ny = -dy / length * width, dx / length * width
    middle = (base[0] + dx * 0.5, base[1] + dy * 0.5)
    return [base, (middle[0] + nx, middle[1] + ny), tip, (middle[0] - nx, middle[1] - ny)]


# --- exteriors --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Standing:
    """Something standing on the ground outside: a tree, a building, a lamp post, a car, a rock."""

    kind: str
    x: float  # metres right of the lens axis
    distance: float  # metres from the camera
    width: float
    height: float
    colour: Colour
    seed: int


@dataclass(frozen=True)
class _Landscape:
    """An exterior as the seed dresses it."""

    terrain: str
    ground: Colour
    far: tuple[Point, ...]  # the far silhouette: (x metres at _FAR, height metres)
    pieces: tuple[_Standing, ...]
    clouds: tuple[tuple[float, float, float], ...]  # share across, share down the sky, size as a share of the width
    stars: tuple[Point, ...]
    moon: Point
    seed: int  # for the small texture: waves, grass, lit windows far off


#: How far off the skyline or the hills stand, metres.
_FAR = 400.0


def _landscape(setting: Setting, rng: random.Random) -> _Landscape:
    """The exterior a heading calls for: shore, desert, nature or street, dressed by the seed."""
    name = setting.location.upper()
    terrain = next((kind for words, kind in _TERRAIN if any(w in name for w in words)), None)
    terrain = terrain or rng.choice(("urban", "nature"))
    far: list[Point] = []
    pieces: list[_Standing] = []
    if terrain == "urban":
        ground = (128, 128, 126)
        x = -560.0
        while x < 560:
            span = rng.uniform(15, 45)
            tall = rng.uniform(15, 90)
            far += [(x, tall), (x + span, tall)]
            x += span
        x = rng.uniform(-60, -45)
        while x < 60:
            span = rng.uniform(7, 15)
            pieces.append(
                _Standing(
                    "building",
                    x + span / 2,
                    30.0,
                    span,
                    rng.uniform(8, 24),
                    rng.choice(_BRICKS),
                    rng.randrange(1 << 30),
                )
            )
            x += span + rng.choice((0.0, 0.0, 2.5))
        for post in range(-6, 7):
            pieces.append(_Standing("lamp post", post * 9.0 + rng.uniform(-1, 1), 19.5, 0.3, 5.0, (60, 62, 66), 0))
        for _ in range(rng.randint(1, 3)):
            pieces.append(
                _Standing("car", rng.uniform(-20, 20), rng.uniform(12, 16), 4.4, 1.5, rng.choice(_FABRICS), 0)
            )
    else:
        ground = {"nature": (118, 158, 88), "shore": (226, 208, 164), "desert": (222, 190, 136)}[terrain]
        rise = {"nature": 45.0, "shore": 25.0, "desert": 30.0}[terrain]
        height = rng.uniform(0.3, 0.8) * rise
        for step in range(-14, 15):
            height = max(rise * 0.15, min(rise, height + rng.uniform(-0.35, 0.35) * rise))
            far.append((step * 40.0, height))
        if terrain == "nature":
            for _ in range(rng.randint(10, 18)):
                distance = rng.uniform(22, 75)
                tall = rng.uniform(5, 12)
                pieces.append(
                    _Standing(
                        rng.choice(("tree", "tree", "pine")),
                        rng.uniform(-1.3, 1.3) * distance,
                        distance,
                        tall * 0.6,
                        tall,
                        rng.choice(_GREENS),
                        rng.randrange(1 << 30),
                    )
                )
        elif terrain == "desert":
            for _ in range(rng.randint(3, 7)):
                distance = rng.uniform(15, 60)
                pieces.append(
                    _Standing(
                        rng.choice(("rock", "cactus")),
                        rng.uniform(-1.2, 1.2) * distance,
                        distance,
                        rng.uniform(1, 3),
                        rng.uniform(1, 3.5),
                        (150, 112, 80),
                        rng.randrange(1 << 30),
                    )
                )
    pieces.sort(key=lambda piece: -piece.distance)
    clouds = tuple((rng.random(), rng.uniform(0.1, 0.6), rng.uniform(0.05, 0.12)) for _ in range(rng.randint(2, 5)))
    stars = tuple((rng.random(), rng.random() ** 1.5) for _ in range(90))
    moon = (rng.uniform(0.15, 0.85), rng.uniform(0.15, 0.4))
    return _Landscape(terrain, ground, tuple(far), tuple(pieces), clouds, stars, moon, rng.randrange(1 << 30))


def _exterior(pen: _Pen, land: _Landscape, camera: _Camera, light: str) -> Colour:
    """Sky, far hills or skyline, the ground and what stands on it, as the camera sees them.

    Returns the colour of the haze at the horizon, the one the set fades toward out of focus.
    """
    tint = _DAYLIGHT[light]
    width, height = camera.width, camera.height
    top, bottom = _SKY[light]
    horizon = camera.horizon
    if horizon > 0:
        bands = 32
        for band in range(bands):
            y0 = horizon * band / bands
            pen.box(0, y0, width, y0 + horizon / bands + 1, _mix(top, bottom, (band / bands) ** 1.4), None)
        _sky_details(pen, land, light, horizon, width)
    ground = _lit(land.ground, tint)
    far_ground = _mix(ground, bottom, 0.35)
    ground_bands = 8
    for band in range(ground_bands):
        y0 = max(horizon, 0) + (height - max(horizon, 0)) * band / ground_bands
        y1 = max(horizon, 0) + (height - max(horizon, 0)) * (band + 1) / ground_bands + 1
        pen.box(0, y0, width, y1, _mix(far_ground, ground, (band / (ground_bands - 1)) ** 0.6), None)
    far_scale = camera.at(_FAR)
    far_colour = _mix(
        _lit({"urban": (120, 124, 140), "nature": (96, 130, 110)}.get(land.terrain, (190, 160, 130)), tint),
        bottom,
        0.45,
    )
    outline = [(width / 2 + x * far_scale, horizon - h * far_scale) for x, h in land.far]
    pen.shape([(outline[0][0], horizon + 1), *outline, (outline[-1][0], horizon + 1)], far_colour, None)
    if land.terrain == "urban" and light in ("night", "dusk"):
        glow = random.Random(land.seed)
        for x, h in land.far[::2]:
            for _ in range(int(h // 12)):
                wx = width / 2 + (x + glow.uniform(2, 12)) * far_scale
                wy = horizon - glow.uniform(2, h - 2) * far_scale
                pen.box(wx, wy, wx + 1.2 * far_scale + 1, wy + 1.2 * far_scale + 1, _WINDOW_LIT, None)
    if land.terrain == "shore":
        sea_edge = camera.ground(60.0)
        sea = _lit((70, 120, 160), tint)
        pen.box(0, horizon, width, sea_edge, sea, None)
        waves = random.Random(land.seed)
        for _ in range(30):
            wy = waves.uniform(horizon, sea_edge)
            wx = waves.uniform(0, width)
            reach = (wy - horizon + 2) * 0.6
            pen.stroke([(wx - reach, wy), (wx + reach, wy)], _mix(sea, WHITE, 0.35), max(1.0, pen.line * 0.6))
        pen.stroke([(0, sea_edge), (width, sea_edge)], _mix(sea, WHITE, 0.6), pen.line)
    if land.terrain == "urban":
        _street(pen, camera, tint)
    else:
        _ground_marks(pen, camera, ground, land.terrain, land.seed)
    for piece in land.pieces:
        _stand(pen, piece, camera, tint, light, bottom)
    if 0 < horizon < height:
        pen.stroke([(0, horizon), (width, horizon)], _shade(far_ground, 0.7), max(1.0, pen.line * 0.5))
    return _mix(bottom, ground, 0.5)


def _sky_details(pen: _Pen, land: _Landscape, light: str, horizon: float, width: float) -> None:
    if light == "night":
        for x, y in land.stars:
            size = pen.line * (0.6 if (x * 97) % 1 > 0.2 else 1.1)
            pen.oval(x * width, y * horizon * 0.95, size, size, (236, 236, 220), None)
        mx, my = land.moon[0] * width, land.moon[1] * horizon
        radius = max(4.0, width * 0.025)
        pen.oval(mx, my, radius, radius, (246, 242, 214), None)
        pen.oval(mx + radius * 0.45, my - radius * 0.2, radius * 0.85, radius * 0.85, _SKY["night"][0], None)
        return
    if light in ("dawn", "dusk"):
        sx, radius = land.moon[0] * width, max(5.0, width * 0.04)
        high = _SKY[light][1]
        for ring in range(4, 0, -1):
            pen.oval(
                sx,
                horizon - radius * 0.4,
                radius * (1 + ring * 0.5),
                radius * (1 + ring * 0.5),
                _mix(high, (255, 236, 180), 0.12 * (5 - ring)),
                None,
            )
        pen.oval(sx, horizon - radius * 0.4, radius, radius, (255, 238, 190), None)
    cloud = {"day": (250, 250, 252), "morning": (252, 246, 236), "dawn": (238, 180, 170), "dusk": (220, 140, 130)}[
        light
    ]
    for cx, cy, size in land.clouds:
        across, down, radius = cx * width, cy * horizon, size * width
        base = down + radius * 0.35
        for dx, dy, r in ((-0.55, 0.1, 0.45), (-0.15, -0.15, 0.6), (0.3, -0.05, 0.5), (0.65, 0.12, 0.38)):
            pen.oval(across + dx * radius, down + dy * radius, r * radius, r * radius * 0.8, cloud, None)
        pen.box(across - radius * 0.95, down, across + radius, base, cloud, None)


def _ground_marks(pen: _Pen, camera: _Camera, ground: Colour, terrain: str, seed: int) -> None:
    """Grass tufts or sand ripples over the near ground, smaller toward the horizon: the ground reads as a plane."""
    marks = random.Random(seed)
    mark = _shade(ground, 0.78 if terrain == "nature" else 0.88)
    for _ in range(70):
        distance = marks.uniform(1.5, 40.0)
        base = camera.point(marks.uniform(-1.2, 1.2) * distance, 0.0, distance)
        if not 0 <= base[1] <= camera.height + 10:
            continue
        reach = 0.35 * camera.at(distance)
        weight = max(1.0, min(pen.line, reach * 0.12))
        if terrain == "nature":
            for lean in (-0.5, 0.0, 0.45):
                pen.stroke([base, (base[0] + lean * reach, base[1] - reach * (1 - abs(lean) * 0.4))], mark, weight)
        else:
            ripple = [
                (base[0] + reach * 2 * t, base[1] + math.sin(t * math.pi) * reach * 0.2) for t in (-1, -0.5, 0, 0.5, 1)
            ]
            pen.stroke(ripple, mark, weight)


def _street(pen: _Pen, camera: _Camera, tint: Tint) -> None:
    """A road across the frame, kerbs and a pavement up to the buildings across it."""
    near, far = camera.ground(9.0), camera.ground(18.0)
    kerb = camera.ground(19.0)
    width = camera.width
    if near <= 0:
        return
    pen.box(0, kerb, width, camera.ground(30.0), _lit((176, 172, 164), tint), None)
    pen.box(0, far, width, kerb, _lit((206, 204, 198), tint), None)
    pen.box(0, near, width, camera.height + 1, _lit((176, 172, 164), tint), None)
    pen.box(0, far, width, near, _lit((88, 90, 94), tint), None)
    middle = camera.ground(13.0)
    dash = camera.at(13.0)
    x = (camera.width / 2) % (dash * 6)
    while x < width:
        pen.box(x, middle - dash * 0.06, x + dash * 3, middle + dash * 0.06, _lit((236, 230, 200), tint), None)
        x += dash * 6


def _stand(pen: _Pen, piece: _Standing, camera: _Camera, tint: Tint, light: str, haze: Colour) -> None:
    """One standing thing outside, hazier the farther off it is."""
    scale = camera.at(piece.distance)
    if piece.distance <= 0:
        return
    base_x, base_y = camera.point(piece.x, 0.0, piece.distance)
    half, tall = piece.width / 2 * scale, piece.height * scale
    if base_x + half < -tall or base_x - half > camera.width + tall or base_y - tall > camera.height:
        return
    colour = _mix(_lit(piece.colour, tint), haze, min(0.55, piece.distance / 140))
    rng = random.Random(piece.seed)
    kind = piece.kind
    if kind == "building":
        pen.box(base_x - half, base_y - tall, base_x + half, base_y, colour)
        pen.box(
            base_x - half - 0.2 * scale,
            base_y - tall - 0.3 * scale,
            base_x + half + 0.2 * scale,
            base_y - tall,
            _shade(colour, 0.8),
        )
        lit_share = {"night": 0.45, "dusk": 0.3}.get(light, 0.0)
        glass = _mix(_lit((150, 180, 200), tint), haze, 0.2)
        floors = int(piece.height // 3)
        across = max(1, int(piece.width // 2.2))
        for row in range(floors):
            z = row * 3.0 + 1.1 if row else 1.0
            for column in range(across):
                wx = base_x - half + (column + 0.5) * piece.width / across * scale
                if row == 0 and column == across // 2:
                    pen.box(
                        wx - 0.6 * scale, base_y - 2.3 * scale, wx + 0.6 * scale, base_y, _shade(colour, 0.55), None
                    )
                    continue
                lit = rng.random() < lit_share
                pen.box(
                    wx - 0.5 * scale,
                    base_y - (z + 1.5) * scale,
                    wx + 0.5 * scale,
                    base_y - z * scale,
                    _WINDOW_LIT if lit else glass,
                    None,
                )
    elif kind == "tree":
        pen.box(
            base_x - 0.18 * scale,
            base_y - tall * 0.45,
            base_x + 0.18 * scale,
            base_y,
            _mix(_lit((96, 70, 50), tint), haze, 0.3),
            None,
        )
        for dx, dy, r in ((0, 0.72, 0.5), (-0.35, 0.6, 0.38), (0.35, 0.6, 0.38), (0.05, 0.88, 0.36)):
            radius = r * half * 2
            pen.oval(
                base_x + dx * half * 2 * rng.uniform(0.8, 1.2),
                base_y - dy * tall,
                radius,
                radius * 0.9,
                colour,
                _shade(colour, 0.7),
            )
    elif kind == "pine":
        pen.box(
            base_x - 0.14 * scale, base_y - tall * 0.2, base_x + 0.14 * scale, base_y, _lit((96, 70, 50), tint), None
        )
        for tier in range(3):
            low = base_y - tall * (0.15 + tier * 0.25)
            spread = half * (1.0 - tier * 0.25)
            pen.shape(
                [(base_x - spread, low), (base_x + spread, low), (base_x, low - tall * 0.45)],
                _shade(colour, 0.85),
                _shade(colour, 0.6),
            )
    elif kind == "lamp post":
        if light == "night":
            # A pool of lamplight on the pavement under it.
            pool = _mix(_lit((176, 172, 164), tint), _LAMPLIGHT, 0.35)
            pen.oval(base_x + 0.4 * scale, base_y, 1.8 * scale, 0.4 * scale, pool, None)
        pen.stroke([(base_x, base_y), (base_x, base_y - tall)], colour, max(1.0, 0.14 * scale))
        pen.stroke([(base_x, base_y - tall), (base_x + 0.6 * scale, base_y - tall)], colour, max(1.0, 0.1 * scale))
        lamp = (base_x + 0.6 * scale, base_y - tall + 0.1 * scale)
        pen.oval(
            lamp[0], lamp[1], 0.18 * scale, 0.12 * scale, _LAMPLIGHT if light in ("night", "dusk") else (230, 230, 220)
        )
    elif kind == "car":
        body = _lit(piece.colour, tint)
        pen.shape(
            [
                (base_x - half, base_y - 0.3 * scale),
                (base_x - half, base_y - 0.85 * scale),
                (base_x - half * 0.55, base_y - 0.95 * scale),
                (base_x - half * 0.35, base_y - 1.45 * scale),
                (base_x + half * 0.35, base_y - 1.45 * scale),
                (base_x + half * 0.6, base_y - 0.95 * scale),
                (base_x + half, base_y - 0.85 * scale),
                (base_x + half, base_y - 0.3 * scale),
            ],
            body,
        )
        pen.box(
            base_x - half * 0.3,
            base_y - 1.35 * scale,
            base_x + half * 0.3,
            base_y - 0.98 * scale,
            _lit((170, 196, 214), tint),
        )
        for side in (-1, 1):
            pen.oval(base_x + side * half * 0.6, base_y - 0.32 * scale, 0.32 * scale, 0.32 * scale, (40, 40, 42))
    elif kind == "rock":
        pen.shape(_points_around(base_x, base_y, half, tall, rng), colour)
    elif kind == "cactus":
        green = _mix(_lit((80, 120, 70), tint), haze, 0.3)
        pen.box(base_x - 0.15 * scale, base_y - tall, base_x + 0.15 * scale, base_y, green)
        pen.box(base_x - 0.5 * scale, base_y - tall * 0.7, base_x - 0.25 * scale, base_y - tall * 0.35, green)


def _points_around(x: float, base: float, half: float, tall: float, rng: random.Random) -> list[Point]:
    points = [(x - half, base)]
    for step in range(1, 6):
        points.append(
            (x - half + 2 * half * step / 6, base - tall * math.sin(math.pi * step / 6) * rng.uniform(0.7, 1.0))
        )
    points.append((x + half, base))
    return points


def _floor_from_above(pen: _Pen, setting: Setting, rng: random.Random, scale: float) -> None:
    """The set seen straight down: floorboards, a rug and a table inside; grass or a road with a car outside."""
    width, height = pen.image.size
    tint = (_DAYLIGHT if setting.outdoors else _ROOMLIGHT)[setting.light]
    if setting.outdoors:
        name = setting.location.upper()
        urban = any(w in name for words, kind in _TERRAIN if kind == "urban" for w in words) or (
            not any(w in name for words, _ in _TERRAIN for w in words) and rng.random() < 0.5
        )
        if urban:
            pen.box(0, 0, width, height, _lit((96, 98, 102), tint), None)
            kerb = height * rng.uniform(0.05, 0.2)
            pen.box(0, 0, width, kerb, _lit((200, 198, 190), tint))
            dash = scale * 3
            x = rng.uniform(0, dash)
            while x < width:
                pen.box(x, height * 0.62, x + dash, height * 0.62 + scale * 0.15, _lit((236, 230, 200), tint), None)
                x += dash * 2
            # A parked car seen from above: body, windscreen, roof, rear window.
            car_x, car_y = rng.uniform(0.1, 0.9) * width, height * 0.7
            body = _lit(rng.choice(_FABRICS), tint)
            glass = _lit((120, 140, 156), tint)
            pen.draw.rounded_rectangle(
                (car_x - 2.2 * scale, car_y, car_x + 2.2 * scale, car_y + 1.8 * scale),
                radius=0.4 * scale,
                fill=body,
                outline=INK,
                width=max(1, round(pen.line)),
            )
            pen.box(car_x - 0.9 * scale, car_y + 0.2 * scale, car_x + 1.1 * scale, car_y + 1.6 * scale, glass)
            pen.box(car_x - 0.6 * scale, car_y + 0.25 * scale, car_x + 0.7 * scale, car_y + 1.55 * scale, body)
            return
        grass = _lit((118, 158, 88), tint)
        pen.box(0, 0, width, height, grass, None)
        for _ in range(160):
            tx, ty = rng.uniform(0, width), rng.uniform(0, height)
            pen.stroke([(tx, ty), (tx + scale * 0.08, ty - scale * 0.15)], _shade(grass, 0.8), max(1.0, pen.line * 0.6))
        for _ in range(rng.randint(2, 4)):
            radius = rng.uniform(1.5, 3.5) * scale
            pen.oval(
                rng.uniform(0, width),
                rng.uniform(0, height),
                radius,
                radius,
                _lit(rng.choice(_GREENS), tint),
                _lit((50, 80, 50), tint),
            )
        return
    floor_kind = rng.choice(tuple(_FLOORS))
    floor = _lit(rng.choice(_FLOORS[floor_kind]), tint)
    pen.box(0, 0, width, height, floor, None)
    if floor_kind != "carpet":
        step = scale * (0.22 if floor_kind == "boards" else 0.6)
        x = rng.uniform(0, step)
        while x < width and step > 2:
            pen.stroke([(x, 0), (x, height)], _shade(floor, 0.85), max(1.0, pen.line * 0.6))
            x += step
    rug = _lit(rng.choice(_FABRICS), tint)
    rx, ry = rng.uniform(0.3, 0.7) * width, rng.uniform(0.35, 0.65) * height
    pen.box(rx - 1.4 * scale, ry - 1.0 * scale, rx + 1.4 * scale, ry + 1.0 * scale, rug, _shade(rug, 0.7))
    table = _lit(rng.choice(_WOODS), tint)
    tx, ty = rng.choice((0.15, 0.85)) * width, height * 0.3
    for dx, dy in ((-0.85, 0), (0.85, 0), (0, -0.7), (0, 0.7)):
        chair = (tx + dx * scale, ty + dy * scale)
        pen.box(
            chair[0] - 0.22 * scale,
            chair[1] - 0.22 * scale,
            chair[0] + 0.22 * scale,
            chair[1] + 0.22 * scale,
            _shade(table, 0.85),
        )
    pen.box(tx - 0.6 * scale, ty - 0.45 * scale, tx + 0.6 * scale, ty + 0.45 * scale, table)
    sofa = _lit(rng.choice(_FABRICS), tint)
    sx = width - tx
    pen.box(sx - 1.0 * scale, height * 0.06, sx + 1.0 * scale, height * 0.06 + 0.9 * scale, sofa)
    pen.box(sx - 1.0 * scale, height * 0.06, sx + 1.0 * scale, height * 0.06 + 0.25 * scale, _shade(sofa, 0.85))
    wall = _lit(rng.choice(_WALLS), tint)
    pen.box(0, 0, width, max(pen.line * 3, height * 0.06), _shade(wall, 0.7))


# --- figures ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Stance:
    """Where one figure stands in the picture and how the camera's angle foreshortens it."""

    x: float
    feet: float
    scale: float
    tall: float
    tilt: int

    def at(self, x: float, z: float) -> Point:
        """A point of the body, ``x`` metres right of its middle and ``z`` up from its soles (on a 1.75 m body)."""
        share = z / BODY
        # From above, the head is nearer the lens than the feet: it grows, the legs shorten; from below, the reverse.
        lift = share * (1 - 0.3 * self.tilt * (1 - share))
        widen = 1 + 0.25 * self.tilt * (share - 0.5)
        size = self.scale * self.tall / BODY
        return self.x + x * size * widen, self.feet - BODY * size * lift

    def shape(self, points: Sequence[Point], side: int = 1) -> list[Point]:
        """The body outline ``points`` in the picture, mirrored when ``side`` is -1 (facing frame left)."""
        return [self.at(x * side, z) for x, z in points]

    @property
    def head(self) -> float:
        """The head's height in canvas pixels: how much of a face there is room to draw."""
        return abs(self.at(0, BODY)[1] - self.at(0, BODY - 0.23)[1])


#: The body outlines, in metres on a 1.75 m figure facing the camera (x to its left as we see it, z up).
_TORSO = (
    (-0.2, 1.38), (-0.19, 1.43), (-0.15, 1.465), (-0.06, 1.48), (0.06, 1.48), (0.15, 1.465), (0.19, 1.43),
    (0.2, 1.38), (0.185, 1.12), (0.17, 0.88), (-0.17, 0.88), (-0.185, 1.12),
)  # fmt: skip
#: The torso in profile, facing right: a straight back, the chest forward.
_PROFILE = (
    (-0.1, 1.45), (-0.04, 1.48), (0.05, 1.475), (0.11, 1.4), (0.125, 1.26), (0.1, 1.1), (0.1, 0.88),
    (-0.11, 0.88), (-0.12, 1.1), (-0.125, 1.3),
)  # fmt: skip
_ARM = ((-0.185, 1.45), (-0.232, 1.41), (-0.262, 1.2), (-0.27, 0.86), (-0.205, 0.86), (-0.2, 1.2), (-0.18, 1.32))
_LEGS = ((-0.17, 0.92), (0.17, 0.92), (0.15, 0.06), (0.025, 0.06), (0.0, 0.7), (-0.025, 0.06), (-0.15, 0.06))
_NECK = ((-0.045, 1.44), (0.045, 1.44), (0.045, 1.54), (-0.045, 1.54))
#: Where the head sits: its middle height and half its width and height, metres.
_HEAD_Z, _HEAD_RX, _HEAD_RZ = 1.635, 0.085, 0.115


def _standing(pen: _Pen, figure: Figure, camera: _Camera, lift: float) -> tuple[Figure, Point, float]:
    """A character standing at their place in frame, scaled and cropped as the shot size has it, raised ``lift``."""
    look = character_look(figure.name, figure.description)
    x = camera.width / 2 + figure.x * camera.width / 2
    feet = camera.horizon + camera.eye * camera.scale - lift
    stance = _Stance(x, feet, camera.scale, look.height, camera.tilt)
    view = {"frame right": (1, 0.55), "frame left": (-1, 0.55)}.get(figure.looks, (1, 0.0))
    _body(pen, stance, look, view[0], view[1], back=figure.looks == "away", speaking=figure.speaking)
    head_top = stance.at(0, BODY)[1]
    text = max(7.0 * pen.scale, min(camera.height * 0.03, stance.head * 0.45))
    if head_top - text * 2.4 > 0 and feet < camera.height:
        pen.label(figure.name, x, head_top - text * 2.2, look.colour, text)
    else:
        pen.label(figure.name, x, camera.height - text * 2.6, look.colour, text)
    # Walking arrows go at the feet when they are in frame, else beside the chest.
    if feet < camera.height * 0.97:
        return figure, (x, feet + text * 0.5), stance.scale * stance.tall * 0.35
    chest = stance.at(0.34 * view[0], 1.3)
    return figure, (chest[0], min(chest[1], camera.height * 0.8)), min(stance.scale * 0.5, camera.width * 0.12)


def _body(pen: _Pen, stance: _Stance, look: Look, side: int, turn: float, *, back: bool, speaking: bool) -> None:
    """A simple figure: legs, torso and arms in the character's colour, then neck and head.

    ``side`` is the way they face (1 frame right, -1 frame left) and ``turn`` how far (0 facing us, 0.55 three
    quarters, 1 in profile); a turned body narrows and its far arm drops behind it.
    """
    narrow = 1 - 0.35 * turn

    def outline(points: Sequence[Point], shift: float = 0.0) -> list[Point]:
        return stance.shape([(x * narrow + shift, z) for x, z in points], side)

    ink = pen.line
    pen.line = max(ink * 0.8, min(ink * 3, stance.scale * 0.008))
    if look.long_hair and look.hair is not None and not back:
        back_of_head = -0.03 * turn / 0.55 if turn else 0.0
        drop = [*_oval(back_of_head, 1.64, 0.1, 0.125, 0, 180), (back_of_head - 0.115, 1.44), (back_of_head, 1.41)]
        drop.append((back_of_head + (0.05 if turn else 0.115), 1.44))
        pen.shape(stance.shape(drop, side), look.hair)
    pen.shape(outline(_LEGS), look.trousers)
    for foot in (-1, 1):
        toe = 0.06 * turn
        pen.shape(
            stance.shape(_oval(foot * 0.085 * narrow * (1 - turn / 2) + toe, 0.04, 0.075, 0.045, steps=16), side),
            _shade(look.trousers, 0.6),
        )
    far_arm = [(-x, z) for x, z in _ARM]  # the arm on the side the figure faces
    if turn >= 1:
        # In profile one arm hangs down the middle of the body, in front of it.
        pen.shape(stance.shape(_PROFILE, side), look.colour)
        pen.shape(stance.shape([(x + 0.21, z) for x, z in _ARM], side), look.colour)
        pen.shape(stance.shape(_oval(0.0, 0.82, 0.045, 0.05, steps=14), side), look.skin)
    else:
        pen.shape(outline(far_arm, -0.02 if turn else 0.0), _shade(look.colour, 0.86) if turn else look.colour)
        if not turn:
            pen.shape(outline(_ARM), look.colour)
        pen.shape(outline(_TORSO), look.colour)
        if turn:
            pen.shape(outline(_ARM, 0.03), look.colour)
        for hand in (-0.237, 0.237):
            pen.shape(stance.shape(_oval(hand * narrow, 0.82, 0.045, 0.05, steps=14), side), look.skin)
    pen.shape(stance.shape([(x + 0.012 * turn, z) for x, z in _NECK], side), look.skin)
    _head(pen, stance, look, side, turn, back=back, speaking=speaking)
    pen.line = ink


def _head(pen: _Pen, stance: _Stance, look: Look, side: int, turn: float, *, back: bool, speaking: bool) -> None:
    """The head and hair, and a face turned the way the character looks; drawn facing right, mirrored for left."""
    cx = 0.012 * turn
    steps = max(28, min(160, round(stance.head / 4)))
    head = stance.shape(_oval(cx, _HEAD_Z, _HEAD_RX, _HEAD_RZ, steps=steps), side)
    if back:
        for ear in (-1, 1):
            pen.shape(stance.shape(_oval(ear * 0.086, 1.625, 0.016, 0.028, steps=12)), look.skin)
        pen.shape(head, look.hair or look.skin)
        return
    pen.shape(head, look.skin)
    if look.hair is not None:
        if turn:
            # Over the crown and down the back of the head, clear of the face; the ear sits at its front edge.
            cap = [
                *_oval(cx, _HEAD_Z + 0.004, _HEAD_RX + 0.007, _HEAD_RZ + 0.005, 68, 252, steps),
                (cx - 0.05, 1.545), (cx - 0.042, 1.59), (cx - 0.045, 1.635), (cx - 0.035, 1.675), (cx - 0.015, 1.705),
                (cx + 0.02, 1.722), (cx + 0.055, 1.73),
            ]  # fmt: skip
        else:
            cap = [
                *_oval(cx, _HEAD_Z + 0.004, _HEAD_RX + 0.007, _HEAD_RZ + 0.005, -6, 186, steps),
                (-0.074, 1.69), (-0.03, 1.716), (0.03, 1.716), (0.074, 1.69),
            ]  # fmt: skip
        pen.shape(stance.shape(cap, side), look.hair)
    if turn and not look.long_hair:
        pen.shape(stance.shape(_oval(cx - 0.022, 1.625, 0.016, 0.027, steps=14), side), look.skin)
    if look.beard and look.hair is not None:
        # Along the jaw from the sideburns, up around the mouth in a moustache; the mouth is drawn over it.
        if turn:
            edge = [(0.07, 1.588), (0.045, 1.59), (0.02, 1.584), (-0.02, 1.592), (-0.045, 1.615), (-0.058, 1.625)]
        else:
            edge = [(0.075, 1.615), (0.035, 1.587), (0.0, 1.59), (-0.035, 1.587), (-0.075, 1.615)]
        jaw = _oval(cx, _HEAD_Z - 0.004, _HEAD_RX + 0.003, _HEAD_RZ, 200, 342, steps)
        beard = [*jaw, *((cx + x, z) for x, z in edge)]
        pen.shape(stance.shape(beard, side), look.hair)
    size = stance.head
    if size < 9 * pen.scale:
        return
    if turn >= 1:
        eyes: tuple[float, ...] = (cx + 0.062,)
    elif turn:
        eyes = (cx + 0.012, cx + 0.058)
    else:
        eyes = (cx - 0.034, cx + 0.034)
    for index, eye_x in enumerate(eyes):
        _eye(pen, stance, look, side, eye_x, size, far=bool(turn) and turn < 1 and index == 0)
    if turn:
        tip = 0.098 + 0.012 * (turn - 0.55) / 0.45
        nose = [(cx + 0.074, 1.655), (cx + tip - 0.008, 1.622), (cx + tip, 1.602), (cx + tip - 0.01, 1.594)]
        pen.shape(stance.shape([*nose, (cx + 0.078, 1.593)], side), look.skin)
        mouth = (cx + 0.03 + 0.02 * turn, cx + 0.066)
    else:
        nose = stance.shape([(0.004, 1.64), (0.01, 1.603), (-0.006, 1.6)])
        pen.stroke(nose, _shade(look.skin, 0.6), pen.line * 0.8)
        mouth = (-0.024, 0.024)
    if speaking:
        middle = (mouth[0] + mouth[1]) / 2
        pen.shape(
            stance.shape(_oval(middle, 1.572, (mouth[1] - mouth[0]) * 0.38, 0.011, steps=16), side), (120, 42, 42)
        )
        _speech_marks(pen, stance, side, size)
    else:
        pen.stroke(stance.shape([(mouth[0], 1.572), (mouth[1], 1.57)], side), _shade(look.skin, 0.45), pen.line * 0.9)


def _eye(pen: _Pen, stance: _Stance, look: Look, side: int, x: float, size: float, *, far: bool) -> None:
    """An eye: a dot on a small face; whites, iris, lid and brow once the face is large enough to read them."""
    z = 1.645
    centre = stance.at(x * side, z)
    brow_colour = look.hair or _shade(look.skin, 0.55)
    squeeze = 0.6 if far else 1.0
    if size < 60 * pen.scale:
        radius = max(pen.scale * 0.8, size * 0.045)
        pen.oval(centre[0], centre[1], radius * squeeze, radius, INK, None)
        if size > 20 * pen.scale:
            brow = stance.shape([(x - 0.018 * squeeze, z + 0.021), (x + 0.018 * squeeze, z + 0.024)], side)
            pen.stroke(brow, brow_colour, pen.line * 1.2)
        return
    pen.shape(stance.shape(_oval(x, z, 0.02 * squeeze, 0.0105, steps=24), side), (250, 248, 244))
    iris = size * 0.045
    look_x = centre[0] + side * iris * 0.25 * (1 if squeeze < 1 or x * side > 0 else 0)
    pen.oval(look_x, centre[1], iris * squeeze, iris, look.iris, None)
    pen.oval(look_x, centre[1], iris * 0.45 * squeeze, iris * 0.45, (16, 14, 14), None)
    pen.oval(look_x + iris * 0.3, centre[1] - iris * 0.35, iris * 0.2, iris * 0.2, WHITE, None)
    pen.stroke(stance.shape(_oval(x, z, 0.021 * squeeze, 0.011, 8, 172, 12), side), INK, pen.line * 1.6)
    brow = stance.shape([(x - 0.022 * squeeze, z + 0.022), (x, z + 0.03), (x + 0.022 * squeeze, z + 0.025)], side)
    pen.stroke(brow, brow_colour, pen.line * 2.5)


def _speech_marks(pen: _Pen, stance: _Stance, side: int, size: float) -> None:
    """Three short strokes fanning out from in front of the mouth: this one is speaking."""
    mouth = stance.at(0.11 * side, 1.575)
    reach = max(min(size * 0.2, pen.image.height * 0.06), pen.scale * 6)
    for tilt in (-30, 0, 30):
        angle = math.radians(tilt)
        start = (mouth[0] + side * reach * 0.45 * math.cos(angle), mouth[1] + reach * 0.45 * math.sin(angle))
        end = (mouth[0] + side * reach * 1.25 * math.cos(angle), mouth[1] + reach * 1.25 * math.sin(angle))
        pen.stroke([start, end], INK, max(pen.scale, min(size * 0.022, reach * 0.12)))


def _over_shoulder(pen: _Pen, figure: Figure, size: str) -> tuple[Figure, Point, float]:
    """The foreground character of an over-the-shoulder shot: back of the head and a shoulder, dark, cut by the edge."""
    look = character_look(figure.name, figure.description)
    width, height = pen.image.size
    side = -1 if figure.x <= 0 else 1
    grow = _SHOULDER[size]
    rx, ry = height * 0.2 * grow, height * 0.26 * grow
    head_x = width / 2 + side * (width / 2 - rx * 0.5)
    head_y = height * (0.64 - 0.14 * grow)
    body = _mix(_shade(look.colour, 0.4), INK, 0.3)
    hair = _mix(_shade(look.hair or look.skin, 0.5), INK, 0.35)
    rim = _mix(look.colour, WHITE, 0.2)

    def at(across: float, down: float) -> Point:
        # ``across`` counts head widths in toward the middle of the frame, ``down`` head heights below its middle.
        return head_x - side * across * rx, head_y + down * ry

    neck = [at(-0.2, 0.4), at(0.55, 0.5), at(0.6, 1.0), at(-0.4, 1.1)]
    pen.shape(neck, _mix(_shade(look.skin, 0.45), INK, 0.3))
    mass = [at(0.35, 0.95), at(1.0, 1.05), at(1.7, 1.22), at(2.3, 1.55), at(2.7, 2.2), at(2.9, 4.0)]
    mass += [(width / 2 + side * width, height * 2), (width / 2 + side * width, head_y + ry)]
    pen.shape(mass, body, INK, pen.line * 1.5)
    pen.stroke(mass[:5], rim, pen.line * 2.5)
    pen.oval(*at(0.95, 0.08), rx * 0.15, ry * 0.2, _mix(_shade(look.skin, 0.5), INK, 0.3))
    pen.oval(head_x, head_y, rx, ry, hair)
    strands = random.Random(figure.name)
    for _ in range(7):
        start = strands.uniform(200, 300) if side > 0 else strands.uniform(-120, -20)
        strand = _oval(
            head_x, head_y, rx * strands.uniform(0.5, 0.9), -ry * strands.uniform(0.6, 0.95), start, start + 50, 8
        )
        pen.stroke(strand, _mix(hair, WHITE, 0.12), pen.line * 0.8)
    rim_arc = _oval(head_x, head_y, rx, -ry, 100, 250, 24) if side > 0 else _oval(head_x, head_y, rx, -ry, -70, 80, 24)
    pen.stroke(rim_arc, rim, pen.line * 2)
    text = max(7.0 * pen.scale, height * 0.03)
    pen.label(figure.name, at(1.8, 0)[0], height - text * 2.6, look.colour, text)
    return figure, at(2.0, 1.3), rx


def _figure_from_above(pen: _Pen, figure: Figure, size: str) -> tuple[Figure, Point, float]:
    """A character seen from overhead: shoulders across their heading, a round head, the nose toward the eyeline."""
    look = character_look(figure.name, figure.description)
    width, height = pen.image.size
    span = _OVERHEAD[size] * height
    x = width / 2 + figure.x * width / 2
    y = height * (0.82 if figure.shoulder else 0.5)
    heading = math.radians({"frame right": 0, "frame left": 180, "camera": 90, "away": -90}[figure.looks])
    along, across = (math.cos(heading), math.sin(heading)), (-math.sin(heading), math.cos(heading))

    def turned(a: float, b: float) -> Point:
        return x + along[0] * a + across[0] * b, y + along[1] * a + across[1] * b

    radius = span * 0.2
    for hand in (-1, 1):
        pen.oval(*turned(span * 0.12, hand * span * 0.52), radius * 0.38, radius * 0.38, look.skin)
    pen.shape(
        [turned(math.sin(t) * span * 0.2, math.cos(t) * span / 2) for t in (math.tau * i / 36 for i in range(36))],
        look.colour,
    )
    pen.shape([turned(0, radius * 0.45), turned(radius * 1.35, 0), turned(0, -radius * 0.45)], look.skin)
    pen.oval(x, y, radius, radius, look.hair or look.skin)
    if figure.speaking:
        for offset in (-0.5, 0, 0.5):
            direction = heading + offset
            start = (x + math.cos(direction) * radius * 1.8, y + math.sin(direction) * radius * 1.8)
            end = (x + math.cos(direction) * radius * 2.6, y + math.sin(direction) * radius * 2.6)
            pen.stroke([start, end], INK, max(pen.line, radius * 0.12))
    text = max(7.0 * pen.scale, height * 0.03)
    pen.label(figure.name, x, y + span * 0.62, look.colour, text)
    return figure, (x, y - span * 0.5), span


# --- camera notes -----------------------------------------------------------------------------


def _arrow(pen: _Pen, start: Point, end: Point, width: float, *, taper: float = 1.0) -> None:
    """A solid arrow in the annotation red with a white halo; ``taper`` scales the shaft's far end (perspective)."""
    dx, dy = end[0] - start[0], end[1] - start[1]
    length = math.hypot(dx, dy)
    if length < 1:
        return
    ux, uy = dx / length, dy / length
    nx, ny = -uy, ux
    far = width * taper
    head = min(length * 0.5, far * 3.2)
    neck = (end[0] - ux * head, end[1] - uy * head)

    def outline(grow: float) -> list[Point]:
        return [
            (start[0] + nx * (width / 2 + grow) - ux * grow, start[1] + ny * (width / 2 + grow) - uy * grow),
            (neck[0] + nx * (far / 2 + grow), neck[1] + ny * (far / 2 + grow)),
            (neck[0] + nx * (far * 1.6 + grow * 1.8), neck[1] + ny * (far * 1.6 + grow * 1.8)),
            (end[0] + ux * grow * 2, end[1] + uy * grow * 2),
            (neck[0] - nx * (far * 1.6 + grow * 1.8), neck[1] - ny * (far * 1.6 + grow * 1.8)),
            (neck[0] - nx * (far / 2 + grow), neck[1] - ny * (far / 2 + grow)),
            (start[0] - nx * (width / 2 + grow) - ux * grow, start[1] - ny * (width / 2 + grow) - uy * grow),
        ]

    pen.shape(outline(max(1.0, width * 0.35)), WHITE, None)
    pen.shape(outline(0), ANNOTATION, None)


def _camera_move(pen: _Pen, move: str, direction: str) -> None:
    """The camera's move drawn over the picture as a board artist marks it."""
    width, height = pen.image.size
    weight = max(pen.line * 2.5, height * 0.014)
    if move == "pan":
        y = height * 0.2
        ends = ((width * 0.18, y), (width * 0.82, y))
        start, end = ends if direction != "left" else ends[::-1]
        _arrow(pen, start, end, weight)
    elif move == "tilt":
        x = width * 0.92
        ends = ((x, height * 0.78), (x, height * 0.22))
        start, end = ends if direction != "down" else ends[::-1]
        _arrow(pen, start, end, weight)
    elif move in ("dolly in", "dolly out"):
        inner = (width * 0.24, height * 0.24, width * 0.76, height * 0.76)
        _dashes(pen, inner, weight * 0.45)
        corners = (
            ((0.03, 0.05), (inner[0], inner[1])),
            ((0.97, 0.05), (inner[2], inner[1])),
            ((0.97, 0.95), (inner[2], inner[3])),
            ((0.03, 0.95), (inner[0], inner[3])),
        )
        for (ox, oy), target in corners:
            outer = (width * (0.06 + (ox - 0.03) * 0.93), height * (0.12 + (oy - 0.05) * 0.82))
            toward = (outer[0] + (target[0] - outer[0]) * 0.85, outer[1] + (target[1] - outer[1]) * 0.85)
            if move == "dolly in":
                _arrow(pen, outer, toward, weight)
            else:
                _arrow(pen, toward, outer, weight)
    elif move == "handheld":
        # Bottom right, clear of the heads, where a board artist scribbles it.
        y = height * 0.88
        left, right = width * 0.7, width * 0.95
        wave = [
            (left + (right - left) * i / 60, y + math.sin(i / 60 * math.tau * 3) * height * 0.025) for i in range(61)
        ]
        pen.stroke(wave, WHITE, weight * 1.8)
        pen.stroke(wave, ANNOTATION, weight)


def _dashes(pen: _Pen, box: tuple[float, float, float, float], weight: float) -> None:
    left, top, right, bottom = box
    dash = max(4.0, (right - left) / 30)
    for start, end in (
        ((left, top), (right, top)),
        ((right, top), (right, bottom)),
        ((right, bottom), (left, bottom)),
        ((left, bottom), (left, top)),
    ):
        length = math.hypot(end[0] - start[0], end[1] - start[1])
        steps = int(length // (dash * 2))
        for i in range(steps + 1):
            a = min(1.0, i * dash * 2 / length)
            b = min(1.0, (i * dash * 2 + dash) / length)
            first = (start[0] + (end[0] - start[0]) * a, start[1] + (end[1] - start[1]) * a)
            second = (start[0] + (end[0] - start[0]) * b, start[1] + (end[1] - start[1]) * b)
            pen.stroke([first, second], WHITE, weight * 2.2)
            pen.stroke([first, second], ANNOTATION, weight)


def _walk_arrow(pen: _Pen, moving: str, anchor: Point, reach: float) -> None:
    """A small arrow at a character's feet (or side) the way they move: across, toward the lens or away from it."""
    width, height = pen.image.size
    reach = max(reach, height * 0.06)
    weight = max(pen.line * 1.8, reach * 0.09)
    x = min(max(anchor[0], reach * 1.2), width - reach * 1.2)
    y = min(max(anchor[1], reach * 0.6), height - weight * 4)
    if moving in ("left", "right"):
        sign = 1 if moving == "right" else -1
        _arrow(pen, (x - sign * reach * 0.5, y), (x + sign * reach, y), weight)
    elif moving == "toward":
        _arrow(pen, (x, y - reach * 0.7), (x + reach * 0.35, y + reach * 0.25), weight * 0.6, taper=1.8)
    else:
        _arrow(pen, (x, y + reach * 0.1), (x + reach * 0.25, y - reach * 0.8), weight * 1.2, taper=0.5)


# --- character sheets and cards -----------------------------------------------------------------


def _character_sheet(frame: FrameBrief, width: int, height: int) -> Image.Image:
    """A turnaround: the character front and side on guide lines, their name, colours and what the script says."""
    figure = frame.figures[0] if frame.figures else Figure(frame.label)
    name = figure.name or frame.label
    description = frame.description or figure.description
    look = character_look(name, description)
    strip = max(12, round(height * 0.075))
    ss = SUPERSAMPLE if width * height <= _SUPERSAMPLE_LIMIT else 1
    picture = Image.new("RGB", (width * ss, (height - strip) * ss), PAPER)
    pen = _Pen(picture, max(1.0, height / 360) * ss, ss)
    pw, ph = picture.size
    floor = ph * 0.9
    tall = ph * 0.72
    scale = tall / look.height
    guide = (176, 196, 214)
    for z in (BODY, 1.52, 1.45, 0.9, 0.5, 0.0):
        y = floor - z * scale * look.height / BODY
        pen.stroke([(pw * 0.03, y), (pw * 0.56, y)], guide, max(1.0, pen.line * 0.6))
    for x_share, turn in ((0.16, 0.0), (0.42, 1.0)):
        stance = _Stance(pw * x_share, floor, scale / look.height * BODY, look.height, 0)
        _body(pen, stance, look, 1, turn, back=False, speaking=False)
    if frame.palette == "pencil":
        picture = _pencil(picture)
    if ss > 1:
        picture = picture.reduce(ss)
    sheet = Image.new("RGB", (width, height), PAPER)
    sheet.paste(picture, (0, 0))
    draw = ImageDraw.Draw(sheet)
    small = _font(max(8, round(height * 0.028)))
    picture_height = height - strip
    for x_share, caption in ((0.16, "FRONT"), (0.42, "SIDE")):
        draw.text((width * x_share, picture_height * 0.955), caption, font=small, fill=INK, anchor="mm")
    column = width * 0.6
    big = max(12, round(height * 0.09))
    draw.text(
        (column, picture_height * 0.2),
        _fit(name.upper() or "CHARACTER", _font(big), width * 0.38),
        font=_font(big),
        fill=INK,
        anchor="ls",
    )
    colour = look.colour if frame.palette == "colour" else _grey(look.colour)
    draw.rectangle(
        (column, picture_height * 0.23, width * 0.95, picture_height * 0.23 + max(3, height * 0.012)), fill=colour
    )
    swatch = max(8, round(height * 0.05))
    swatches = (("outfit", look.colour), ("hair", look.hair or look.skin), ("skin", look.skin))
    for index, (what, shade) in enumerate(swatches):
        left = column + index * (swatch + width * 0.07)
        top = picture_height * 0.28
        shown = shade if frame.palette == "colour" else _grey(shade)
        draw.rectangle((left, top, left + swatch, top + swatch), fill=shown, outline=INK, width=1)
        draw.text((left + swatch + 4, top + swatch / 2), what, font=small, fill=INK, anchor="lm")
    body = _font(max(8, round(height * 0.036)))
    y = picture_height * 0.28 + swatch * 1.8
    for line in _wrap(description, body, width * 0.36):
        if y > picture_height - body.size * 1.5:
            break
        draw.text((column, y), line, font=body, fill=INK)
        y += body.size * 1.35
    _decorate(sheet, strip, frame.label or name, "character", frame.caption or f"Character sheet · {name}")
    return sheet


def _grey(colour: Colour) -> Colour:
    level = round(0.299 * colour[0] + 0.587 * colour[1] + 0.114 * colour[2])
    return _mix(INK, PAPER, (level / 255) ** 0.8)


def _title_card(prompt: str, width: int, height: int) -> Image.Image:
    """A plain card with the prompt as its title, for a frame that came without a brief."""
    card = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(card)
    strip = max(12, round(height * 0.075))
    size = max(10, round(height * 0.07))
    font = _font(size)
    lines = _wrap(prompt or "untitled", font, width * 0.8)[:4]
    top = (height - strip - len(lines) * size * 1.3) / 2
    for index, line in enumerate(lines):
        draw.text((width / 2, top + index * size * 1.3), line, font=font, fill=INK, anchor="ma")
    _decorate(card, strip, "", "no brief", prompt)
    return card


def _png(image: Image.Image) -> bytes:
    """``image`` (RGB) as PNG bytes, every row unfiltered.

    Pillow's encoder tries five filters on every row; on these flat drawings no filter at all compresses as well
    and takes a third of the time, which matters over a film's 1,500 frames.
    """
    width, height = image.size
    rows = np.zeros((height, width * 3 + 1), dtype=np.uint8)  # a zero first byte on each row: filter type None
    rows[:, 1:] = np.asarray(image, dtype=np.uint8).reshape(height, width * 3)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits a channel, RGB, no interlace
    pixels = zlib.compress(rows.tobytes(), _PNG_LEVEL)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
