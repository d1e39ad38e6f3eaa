"""A first-pass shooting schedule: strips grouped by set, packed into days, and the cast's day-out-of-days.

The stripboard orders scenes the way a first AD starts one: all the scenes at
a set together (so the company moves as little as possible), day scenes
before night scenes at each set, and about five pages to a shooting day. The
day-out-of-days marks each cast member's days: SW start work, W work, H hold
(paid to wait between working days), WF work finish, SWF start and finish on
the same day. Characters only heard (V.O.) record apart and get no days.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from clapboard.plan.categories import SceneBreakdown

#: Eighths of a page shot in a day: five pages, a common pace for a low-budget drama.
EIGHTHS_PER_DAY = 40
#: The conventional strip colours, by interior/exterior and day/night.
STRIP_COLOURS = {
    ("INT", "DAY"): "#ffffff",
    ("EXT", "DAY"): "#fff59d",
    ("INT", "NIGHT"): "#90caf9",
    ("EXT", "NIGHT"): "#a5d6a7",
}
#: For a heading that is neither day nor night (DAWN, DUSK), or neither INT nor EXT.
OTHER_STRIP = "#f8bbd0"


@dataclass(frozen=True)
class Strip:
    """One scene's strip on the board: number, set, INT/EXT, DAY/NIGHT, length, who works, and its colour."""

    number: str
    heading: str
    setting: str
    location: str
    day_night: str
    eighths: int
    cast: tuple[str, ...]
    colour: str


@dataclass(frozen=True)
class ShootingDay:
    """A shooting day: its number, the scenes shot, and their length in eighths."""

    day: int
    scenes: tuple[str, ...]
    eighths: int


@dataclass(frozen=True)
class CastDays:
    """One row of the day-out-of-days: a character's code for each shooting day, and the totals."""

    name: str
    codes: tuple[str, ...]
    work: int
    hold: int


@dataclass(frozen=True)
class Schedule:
    """The stripboard in shooting order, the days it packs into, and the day-out-of-days."""

    strips: tuple[Strip, ...]
    days: tuple[ShootingDay, ...]
    cast: tuple[CastDays, ...]


def strip_colour(setting: str, day_night: str) -> str:
    """The strip colour of a scene: white INT DAY, yellow EXT DAY, blue INT NIGHT, green EXT NIGHT."""
    setting = "EXT" if setting == "EXT" else "INT" if setting in ("INT", "INT/EXT") else ""
    return STRIP_COLOURS.get((setting, day_night), OTHER_STRIP)


def strip(number: str, scene: SceneBreakdown) -> Strip:
    """The strip for one scene; its cast is everyone seen in it (voices excluded)."""
    cast = tuple(n for n in (*scene.cast, *scene.silent) if n not in scene.voices)
    colour = strip_colour(scene.setting, scene.day_night)
    return Strip(number, scene.heading, scene.setting, scene.location, scene.day_night, scene.eighths, cast, colour)


def schedule(scenes: Sequence[tuple[str, SceneBreakdown]], eighths_per_day: int = EIGHTHS_PER_DAY) -> Schedule:
    """Strips in shooting order, packed into days of about ``eighths_per_day``, with the day-out-of-days."""
    strips = [strip(number, scene) for number, scene in scenes]
    sets = list(dict.fromkeys(s.location for s in strips))
    ordered = sorted(strips, key=lambda s: (sets.index(s.location), s.day_night == "NIGHT", s.day_night != "DAY"))
    days: list[list[Strip]] = []
    for each in ordered:
        if not days or (sum(s.eighths for s in days[-1]) + each.eighths > eighths_per_day and days[-1]):
            days.append([])
        days[-1].append(each)
    shooting = tuple(
        ShootingDay(i + 1, tuple(s.number for s in day), sum(s.eighths for s in day)) for i, day in enumerate(days)
    )
    names = list(dict.fromkeys(n for s in strips for n in s.cast))
    return Schedule(tuple(ordered), shooting, tuple(_cast_days(name, days) for name in names))


def _cast_days(name: str, days: list[list[Strip]]) -> CastDays:
    worked = [any(name in s.cast for s in day) for day in days]
    first = worked.index(True)
    last = len(worked) - 1 - worked[::-1].index(True)
    codes: list[str] = []
    for i, works in enumerate(worked):
        if i < first or i > last:
            codes.append("")
        elif first == last:
            codes.append("SWF")
        elif i == first:
            codes.append("SW")
        elif i == last:
            codes.append("WF")
        else:
            codes.append("W" if works else "H")
    return CastDays(name, tuple(codes), sum(worked), codes.count("H"))
