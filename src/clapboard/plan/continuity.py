"""The continuity report: wardrobe and props followed across scenes, and the slips a script supervisor flags.

Four kinds of flag, each with the scene and the script line:

- ``prop-before-introduction``: a prop handled before the scene where the
  script introduces it (``a revolver``, or in capitals);
- ``speaks-after-exit``: a character speaks on screen after the action said
  they left, with no entrance between;
- ``time-of-day``: within a sequence (the scenes under one outline section,
  or scenes joined by CONTINUOUS / SAME / LATER), the time of day runs
  backwards; running on past midnight into a new morning is allowed unless the
  heading says the scene is continuous;
- ``two-spellings``: one name spelled two ways (NICK and NICKY), in cues or in
  the action.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypeAlias

from clapboard.plan.categories import similar_names

if TYPE_CHECKING:
    from collections.abc import Sequence

    from clapboard.plan.categories import Item, Roster, SceneBreakdown

FlagKind: TypeAlias = Literal["prop-before-introduction", "speaks-after-exit", "time-of-day", "two-spellings"]
FLAG_KINDS: tuple[FlagKind, ...] = ("prop-before-introduction", "speaks-after-exit", "time-of-day", "two-spellings")

#: Times of day in the order a day runs.
TIME_ORDER = {
    "DAWN": 0,
    "SUNRISE": 0,
    "MORNING": 1,
    "DAY": 2,
    "NOON": 2,
    "MIDDAY": 2,
    "AFTERNOON": 3,
    "SUNSET": 4,
    "DUSK": 4,
    "EVENING": 4,
    "NIGHT": 5,
    "MIDNIGHT": 6,
}
_CONTINUOUS = re.compile(r"\b(?:CONTINUOUS|SAME|SAME TIME|MOMENTS LATER|SECONDS LATER|MINUTES LATER|LATER)\b")
_NEW_DAY = re.compile(r"\b(?:NEXT|FOLLOWING|DAYS? LATER|WEEKS? LATER|MONTHS? LATER|YEARS? LATER)\b")
_LATE, _EARLY = 4, 1


@dataclass(frozen=True)
class Flag:
    """A continuity problem: what kind, in which scene, at which script line, said in a sentence."""

    kind: FlagKind
    scene: str
    line: int
    message: str


@dataclass(frozen=True)
class Tracked:
    """A garment or a prop followed through the film: whose it is and the scenes it appears in."""

    character: str
    name: str
    scenes: tuple[str, ...]


@dataclass(frozen=True)
class ContinuityReport:
    """Wardrobe per character, props per character, and every flag, in script order."""

    wardrobe: tuple[Tracked, ...]
    props: tuple[Tracked, ...]
    flags: tuple[Flag, ...]

    def of(self, kind: str) -> tuple[Flag, ...]:
        """The flags of one kind."""
        return tuple(f for f in self.flags if f.kind == kind)


@dataclass(frozen=True)
class Placed:
    """A scene's breakdown where the film puts it: its number, its sequence and its heading's line.

    The breakdown's items, movements and cues carry their script lines.
    """

    number: str
    breakdown: SceneBreakdown
    sequence: int
    breakdown_line: int = 0


def check(scenes: Sequence[Placed], roster: Roster) -> ContinuityReport:
    """The continuity report for the scenes in script order."""
    flags = [
        *_props_before_introduction(scenes),
        *_speaking_after_exit(scenes),
        *_time_of_day(scenes),
        *_two_spellings(scenes, roster),
    ]
    flags.sort(key=lambda f: (f.line, FLAG_KINDS.index(f.kind)))
    return ContinuityReport(_track(scenes, "wardrobe"), _track(scenes, "props"), tuple(flags))


def prop_names(items: Sequence[Item]) -> dict[str, str]:
    """Each prop name mapped to the name it is tracked under across the film.

    Mentions share a head noun (``the tape`` is the ``cassette tape``), and a
    bare word that first qualified an earlier prop refers to it (``the
    cassette`` after ``a cassette tape``).
    """
    canonical: dict[str, str] = {}
    by_head: dict[str, str] = {}
    by_modifier: dict[str, str] = {}
    for item in items:
        words = item.name.split()
        head = words[-1]
        if len(words) == 1 and head in by_modifier and head not in by_head:
            canonical[item.name] = by_modifier[head]
            continue
        first = by_head.setdefault(head, item.name)
        canonical[item.name] = first
        if len(words) > 1:
            by_modifier.setdefault(words[0], first)
    return canonical


def _props(scenes: Sequence[Placed]) -> tuple[list[tuple[Placed, Item]], dict[str, str]]:
    found = [(scene, item) for scene in scenes for item in scene.breakdown.of("props")]
    return found, prop_names([item for _, item in found])


def _props_before_introduction(scenes: Sequence[Placed]) -> list[Flag]:
    found, names = _props(scenes)
    introduced: dict[str, tuple[int, Placed, Item]] = {}
    for order, (scene, item) in enumerate(found):
        if item.introduced:
            introduced.setdefault(names[item.name], (order, scene, item))
    flags: list[Flag] = []
    flagged: set[str] = set()
    for order, (scene, item) in enumerate(found):
        name = names[item.name]
        first = introduced.get(name)
        if not item.handled or first is None or name in flagged:
            continue
        intro_order, intro_scene, _ = first
        if order < intro_order and intro_scene.number != scene.number:
            flagged.add(name)
            flags.append(
                Flag(
                    "prop-before-introduction",
                    scene.number,
                    item.line,
                    f"the {name} is handled in scene {scene.number} but introduced only in scene {intro_scene.number}",
                )
            )
    return flags


def _speaking_after_exit(scenes: Sequence[Placed]) -> list[Flag]:
    flags: list[Flag] = []
    for scene in scenes:
        gone: dict[str, int] = {}  # character -> element of their exit
        events = sorted(
            [(m.element, 0 if m.kind == "enter" else 2, m.character, m.kind, m.line) for m in scene.breakdown.movements]
            + [
                (c.element, 1, c.character, "speak" if not c.off_screen else "heard", c.line)
                for c in scene.breakdown.cues
            ]
        )
        for element, _, who, what, line in events:
            if what == "exit":
                gone[who] = element
            elif what == "enter":
                gone.pop(who, None)
            elif what == "speak" and who in gone:
                flags.append(
                    Flag(
                        "speaks-after-exit",
                        scene.number,
                        line,
                        f"{who} speaks in scene {scene.number} after the action says they left",
                    )
                )
                gone.pop(who)
    return flags


def _time_of_day(scenes: Sequence[Placed]) -> list[Flag]:
    flags: list[Flag] = []
    previous: tuple[Placed, int] | None = None  # the last scene of this sequence whose time is known
    for scene in scenes:
        if previous is not None and previous[0].sequence != scene.sequence:
            previous = None
        time = scene.breakdown.time.upper()
        continuous = bool(_CONTINUOUS.search(time))
        hour = _hour(time)
        if previous is not None:
            before, before_hour = previous
            if hour is None and continuous:
                hour = before_hour
            elif hour is not None and hour < before_hour and not _NEW_DAY.search(time):
                new_morning = before_hour >= _LATE and hour <= _EARLY and not continuous
                if not new_morning:
                    flags.append(
                        Flag(
                            "time-of-day",
                            scene.number,
                            scene.breakdown_line,
                            f"scene {scene.number} plays at {scene.breakdown.time} after {before.breakdown.time} "
                            f"in scene {before.number}, within one sequence",
                        )
                    )
        if hour is not None:
            previous = (scene, hour)
    return flags


def _hour(time: str) -> int | None:
    hours = [TIME_ORDER[w] for w in re.findall(r"[A-Z]+", time) if w in TIME_ORDER]
    return hours[-1] if hours else None


def _two_spellings(scenes: Sequence[Placed], roster: Roster) -> list[Flag]:
    flags: list[Flag] = []
    speaking = [m.name for m in roster.members if m.speaks]
    first_line: dict[str, tuple[str, int]] = {}
    for scene in scenes:
        for cue in scene.breakdown.cues:
            first_line.setdefault(cue.character, (scene.number, cue.line))
    for i, a in enumerate(speaking):
        for b in speaking[i + 1 :]:
            if similar_names(a, b):
                number, line = first_line.get(b, ("", 0))
                flags.append(Flag("two-spellings", number, line, f"{a} and {b} look like one name spelled two ways"))
    reported: set[tuple[str, str]] = set()
    for scene in scenes:
        for spelling in scene.breakdown.spellings:
            key = (spelling.written.upper(), spelling.name)
            if key in reported:
                continue
            reported.add(key)
            flags.append(
                Flag(
                    "two-spellings",
                    scene.number,
                    spelling.line,
                    f"the action writes {spelling.written} in scene {scene.number}; the cue says {spelling.name}",
                )
            )
    return flags


def _track(scenes: Sequence[Placed], category: Literal["wardrobe", "props"]) -> tuple[Tracked, ...]:
    names = _props(scenes)[1] if category == "props" else {}
    seen: dict[tuple[str, str], dict[str, None]] = {}
    for scene in scenes:
        for item in scene.breakdown.of(category):
            if category == "props" and not item.handled:
                continue
            name = names.get(item.name, item.name)
            seen.setdefault((item.owner or "unassigned", name), {})[scene.number] = None
    return tuple(
        Tracked(owner, name, tuple(numbers))
        for (owner, name), numbers in sorted(seen.items(), key=lambda kv: (kv[0][0] == "unassigned", kv[0][0]))
    )
