"""The shot list with blocking: a coverage plan for each scene, as a director and a DP would draw it up.

Shots are listed in cut order and every action paragraph and speech of the
scene is covered by exactly one of them, so the durations add up to the
scene's screen time (the storyboard and the animatic read them this way). The
coverage rules are the conventional ones:

- an **establishing** shot when the location changes from the scene before;
- a **master** (wide, everyone on set) to open the scene and for action that
  involves several people;
- **over-the-shoulder** shots for a two-hander, a matching pair: same size,
  lens and height, one from behind each character's shoulder;
- **singles** for a speaker with no one to play against or in a group, and
  for action one character carries;
- **close-ups** at the scene's emotional peak, pushed in on a dolly;
- **inserts** when a prop is handled;
- **reaction** shots for a character's response, and for the listener while
  an off-screen voice speaks.

Blocking puts each character on a floor plan (metres, origin at the centre of
the set, *y* away from camera, facing in degrees counter-clockwise from *x*).
The two characters who exchange most stand on the line of action; every camera
stays on one side of it (the 180° rule), so screen direction holds from shot
to shot: the one on the left looks frame right and the other frame left.

Camera moves come from the arc: a dolly in at a peak, handheld when the scene
runs hot and dark, a dolly out to release a scene after its peak, a pan to
follow movement, otherwise static.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal, TypeAlias

from clapboard.screenplay.emphasis import plain
from clapboard.screenplay.model import Action, Centered, Dialogue, DualDialogue, Lyric, Parenthetical, sides

if TYPE_CHECKING:
    from collections.abc import Sequence

    from clapboard.plan.arc import SceneArc
    from clapboard.plan.categories import SceneBreakdown
    from clapboard.screenplay.model import Element, Scene

ShotKind: TypeAlias = Literal[
    "establishing", "master", "two-shot", "over-the-shoulder", "single", "close-up", "insert", "reaction"
]
ShotSize: TypeAlias = Literal["EWS", "WS", "FS", "MWS", "MS", "MCU", "CU", "ECU"]
Angle: TypeAlias = Literal["eye level", "high", "low", "overhead"]
Move: TypeAlias = Literal["static", "pan", "tilt", "dolly in", "dolly out", "handheld"]
Eyeline: TypeAlias = Literal["frame left", "frame right", "camera", "away"]

#: Shot sizes from widest to tightest.
SIZES: tuple[ShotSize, ...] = ("EWS", "WS", "FS", "MWS", "MS", "MCU", "CU", "ECU")
ANGLES: tuple[Angle, ...] = ("eye level", "high", "low", "overhead")
MOVES: tuple[Move, ...] = ("static", "pan", "tilt", "dolly in", "dolly out", "handheld")
KINDS: tuple[ShotKind, ...] = (
    "establishing",
    "master",
    "two-shot",
    "over-the-shoulder",
    "single",
    "close-up",
    "insert",
    "reaction",
)
#: The focal length a size is usually shot on, in mm on a Super 35 sensor.
LENSES: dict[str, int] = {"EWS": 18, "WS": 24, "FS": 28, "MWS": 32, "MS": 40, "MCU": 50, "CU": 85, "ECU": 100}
#: Width of a Super 35 sensor in mm, for the field of view a lens gives.
SENSOR_WIDTH = 24.9
#: Camera distance from the subject in metres, by size, before a small set caps it.
_DISTANCE: dict[str, float] = {
    "EWS": 14.0,
    "WS": 5.0,
    "FS": 3.5,
    "MWS": 2.8,
    "MS": 2.0,
    "MCU": 1.5,
    "CU": 1.1,
    "ECU": 0.6,
}
#: Half the distance between two characters on the line of action, in metres.
_HALF_GAP = 1.0
#: Arousal above which a scene with dark valence is shot handheld.
_HOT = 0.45
_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # I and O are skipped on a slate: they read as 1 and 0
_MOVING = re.compile(
    r"\b(?:walk|cross|cross(?:es)?|drive|drives|rolls?|runs?|comes? in|enters?|exits?|leaves?|parks?|steps? back)",
    re.I,
)
_VERTICAL = re.compile(r"\b(?:stairs|looks? (?:up|down)|rises|stands up|sits down|climbs?|kneels?)\b", re.I)


@dataclass(frozen=True)
class Mark:
    """Where someone (or the camera) stands on the floor plan, in metres, and which way they face, in degrees."""

    name: str
    x: float
    y: float
    facing: float


@dataclass(frozen=True)
class Framed:
    """A character in frame: horizontal place (-1 left edge … 1 right edge) and where their eyeline goes."""

    name: str
    frame_x: float
    looks: Eyeline


@dataclass(frozen=True)
class Covered:
    """A piece of the script a shot covers: an action paragraph or one speech, with its place in the script.

    ``element`` is its index in the scene and ``part`` the speech's side in
    dual dialogue (0 left, 1 right); ``line`` is the line in the script file
    once the film-wide step has placed it (0 before).
    """

    kind: Literal["action", "dialogue", "lyric"]
    character: str
    text: str
    element: int
    part: int = 0
    line: int = 0


@dataclass(frozen=True)
class Shot:
    """One shot of the list.

    ``number`` is the slate number (scene number and a letter, ``12C``);
    ``setup`` numbers the camera setups of the scene, shared by the shots
    that reuse a setup. ``subject`` is the character or prop the shot is about
    ("" for a master). ``camera`` and ``blocking`` are marks on the scene's
    floor plan; ``framing`` says where each character in frame appears and
    looks; ``side`` is the side of the line of action the camera is on, seen
    walking from its first character to its second. ``made_by`` is
    ``heuristic`` or the text backend that chose the shot.
    """

    number: str
    scene: str
    index: int
    setup: int
    kind: ShotKind
    size: ShotSize
    angle: Angle
    lens_mm: int
    move: Move
    subject: str
    characters: tuple[str, ...]
    camera: Mark
    blocking: tuple[Mark, ...]
    framing: tuple[Framed, ...]
    side: Literal["left", "right"]
    covers: tuple[Covered, ...]
    seconds: float
    reason: str
    made_by: str = "heuristic"

    @property
    def lines(self) -> tuple[int, int]:
        """The first and last script lines the shot covers (0, 0 when it covers none)."""
        placed = [c.line for c in self.covers if c.line]
        return (min(placed), max(placed)) if placed else (0, 0)


@dataclass(frozen=True)
class FloorPlan:
    """A scene's floor plan: the set's size in metres, each character's mark, and the line of action."""

    width: float
    depth: float
    marks: tuple[Mark, ...]
    line: tuple[str, ...]


@dataclass(frozen=True)
class SceneShots:
    """The coverage of one scene: its floor plan and its shots in cut order."""

    plan: FloorPlan
    shots: tuple[Shot, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ShotScene:
    """One scene of the film's shot list."""

    number: str
    heading: str
    plan: FloorPlan
    shots: tuple[Shot, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ShotList:
    """The film's shot list, scene by scene."""

    title: str
    scenes: tuple[ShotScene, ...]

    @property
    def shots(self) -> tuple[Shot, ...]:
        return tuple(shot for scene in self.scenes for shot in scene.shots)


def slate(index: int) -> str:
    """The letter of shot number ``index`` (from 0) in its scene: A, B, … Z, then AA, AB …; no I or O."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, len(_LETTERS))
        letters = _LETTERS[rest] + letters
    return letters


# --- blocking -------------------------------------------------------------------------


def block(on_set: Sequence[str], exchanges: dict[tuple[str, str], int], *, exterior: bool) -> FloorPlan:
    """Marks for the characters on set: the pair who exchange most on the line of action, the rest upstage."""
    width, depth = (14.0, 10.0) if exterior else (7.0, 5.0)
    names = list(on_set)
    if not names:
        return FloorPlan(width, depth, (), ())
    pair = _principal_pair(names, exchanges)
    marks: list[Mark] = []
    if len(pair) == 2:
        left, right = pair
        marks += [Mark(left, -_HALF_GAP, 0.0, 0.0), Mark(right, _HALF_GAP, 0.0, 180.0)]
    else:
        marks.append(Mark(pair[0], 0.0, 0.0, 270.0))
    others = [n for n in names if n not in pair]
    for i, name in enumerate(others):
        # Upstage on an arc behind the line, facing the middle of the pair, never downstage of it.
        spread = (i - (len(others) - 1) / 2) * 1.4
        x, y = spread, 1.4 + 0.2 * abs(spread)
        marks.append(Mark(name, round(x, 2), round(y, 2), round(math.degrees(math.atan2(-y, -x)) % 360, 1)))
    return FloorPlan(width, depth, tuple(marks), tuple(pair))


def _principal_pair(names: list[str], exchanges: dict[tuple[str, str], int]) -> tuple[str, ...]:
    if len(names) == 1:
        return (names[0],)
    ranked = sorted(
        ((count, pair) for pair, count in exchanges.items() if pair[0] in names and pair[1] in names),
        key=lambda item: -item[0],
    )
    if ranked:
        return ranked[0][1]
    return (names[0], names[1])


# --- coverage -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Unit:
    """A piece of the scene to cover: one action paragraph, one speech or a dual dialogue."""

    element: int
    covers: tuple[Covered, ...]
    speakers: tuple[str, ...]
    heard_only: bool
    weight: float


def cover(
    scene: Scene, breakdown: SceneBreakdown, arc: SceneArc, *, previous_location: str | None, lean: int = 0
) -> SceneShots:
    """The coverage of ``scene`` from its breakdown and arc; ``previous_location`` is the scene before's.

    ``lean`` frames singles, reactions, close-ups, over-the-shoulder pairs and two-shots that many sizes
    tighter (or, negative, wider): the taste people showed in their reviews (:mod:`clapboard.plan.preferences`).
    """
    units = _units(scene)
    voices = set(breakdown.voices)
    everyone = [n for n in (*breakdown.cast, *breakdown.silent) if n not in voices]
    entering = _first_movements(breakdown)
    present = {n for n in everyone if entering.get(n) != "enter"}
    exchanges = _exchanges(units, voices)
    plan = block(everyone, exchanges, exterior=breakdown.setting == "EXT")
    marks = {m.name: m for m in plan.marks}
    director = _Director(plan, marks, breakdown, arc, lean=lean)
    shots: list[_Draft] = []
    location_changed = previous_location is None or previous_location != breakdown.location
    opening = True
    if location_changed:
        first = units[0] if units and not units[0].speakers else None
        if first is not None and first.element in director.handled:
            # A prop handled at once wants its insert: the establishing shot runs on its own.
            first, opening = None, False
        shots.append(director.establishing(first, present))
        if first is not None:
            units = units[1:]
    moves = _movements_by_element(breakdown)
    spoke_before = False
    for number, unit in enumerate(units):
        for who, kind in moves.get(unit.element, ()):
            if kind == "enter":
                present.add(who)
        here = tuple(n for n in everyone if n in present)
        draft = director.shot_for(unit, here, opening=opening and number == 0, after_dialogue=spoke_before)
        if shots and shots[-1].same_setup(draft) and draft.kind in ("master", "single"):
            shots[-1] = shots[-1].extended(unit)
        else:
            shots.append(draft)
        spoke_before = bool(unit.speakers)
        for who, kind in moves.get(unit.element, ()):
            if kind == "exit":
                present.discard(who)
    shots = director.finish(shots)
    return staged(SceneShots(plan, tuple(_timed(shots, breakdown.seconds, marks)), director.notes()))


def _units(scene: Scene) -> list[_Unit]:
    units: list[_Unit] = []
    for index, element in enumerate(scene.elements):
        unit = _unit(index, element)
        if unit is not None:
            units.append(unit)
    return units


def _unit(index: int, element: Element) -> _Unit | None:
    if isinstance(element, Action | Centered):
        text = plain(element.text).strip()
        if not text:
            return None
        lines = sum(max(1, math.ceil(len(row) / 60)) for row in text.split("\n"))
        return _Unit(index, (Covered("action", "", text, index),), (), False, lines + 1)
    if isinstance(element, Lyric):
        text = plain(element.text)
        return _Unit(index, (Covered("lyric", "", text, index),), (), False, 2)
    if isinstance(element, Dialogue | DualDialogue):
        speeches = sides(element)
        covers = []
        weight = 1.0
        for part, speech in enumerate(speeches):
            said = " ".join(plain(p.text) for p in speech.lines)
            kind: Literal["dialogue", "lyric"] = (
                "lyric" if speech.lines and all(isinstance(p, Lyric) for p in speech.lines) else "dialogue"
            )
            covers.append(Covered(kind, speech.character.name, said, index, part))
            for p in speech.parts:
                rows = plain(p.text).split("\n")
                width = 25 if isinstance(p, Parenthetical) else 35
                weight += sum(max(1, math.ceil(len(row) / width)) for row in rows)
        heard_only = all(s.character.is_voice_over or s.character.is_off_screen for s in speeches)
        speakers = tuple(s.character.name for s in speeches)
        return _Unit(index, tuple(covers), speakers, heard_only, weight + 1)
    return None


def _exchanges(units: list[_Unit], voices: set[str]) -> dict[tuple[str, str], int]:
    """How often each ordered pair of on-set speakers answer one another; the pair keeps who spoke first."""
    counts: dict[tuple[str, str], int] = {}
    last: str | None = None
    for unit in units:
        for speaker in unit.speakers:
            if speaker in voices:
                continue
            if last is not None and last != speaker:
                key = (last, speaker)
                if (speaker, last) in counts:
                    key = (speaker, last)
                counts[key] = counts.get(key, 0) + 1
            last = speaker
    return counts


def _first_movements(breakdown: SceneBreakdown) -> dict[str, str]:
    first: dict[str, str] = {}
    for movement in breakdown.movements:
        first.setdefault(movement.character, movement.kind)
    return first


def _movements_by_element(breakdown: SceneBreakdown) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = {}
    for movement in breakdown.movements:
        found.setdefault(movement.element, []).append((movement.character, movement.kind))
    return found


@dataclass(frozen=True)
class _Draft:
    """A shot before numbering and timing."""

    kind: ShotKind
    size: ShotSize
    angle: Angle
    move: Move
    subject: str
    over: str
    characters: tuple[str, ...]
    camera: Mark
    units: tuple[_Unit, ...]
    present: tuple[str, ...]
    reason: str
    lens_mm: int = 0

    def same_setup(self, other: _Draft) -> bool:
        return (self.kind, self.subject, self.over, self.size) == (other.kind, other.subject, other.over, other.size)

    def extended(self, unit: _Unit) -> _Draft:
        return replace(self, units=(*self.units, unit))


class _Director:
    """Chooses each shot's framing, angle and move from the blocking, the breakdown and the arc."""

    def __init__(
        self, plan: FloorPlan, marks: dict[str, Mark], breakdown: SceneBreakdown, arc: SceneArc, *, lean: int = 0
    ) -> None:
        self.plan = plan
        self.lean = lean
        self.marks = marks
        self.breakdown = breakdown
        self.arc = arc
        self.exterior = breakdown.setting == "EXT"
        self.handled = {item.element: item for item in breakdown.items if item.category == "props" and item.handled}
        self._notes: list[str] = []
        self._last_speaker = ""

    def notes(self) -> tuple[str, ...]:
        return tuple(self._notes)

    def establishing(self, unit: _Unit | None, present: set[str]) -> _Draft:
        size: ShotSize = "EWS" if self.exterior else "WS"
        text = unit.covers[0].text if unit else ""
        move: Move = "pan" if unit and _MOVING.search(text) else "static"
        camera = self._camera_for_group(list(self.plan.marks), size)
        reason = f"new location: {self.breakdown.location}"
        angle: Angle = "high" if self.exterior else "eye level"
        units = (unit,) if unit else ()
        return _Draft("establishing", size, angle, move, "", "", (), camera, units, tuple(present), reason)

    def shot_for(self, unit: _Unit, present: tuple[str, ...], *, opening: bool, after_dialogue: bool) -> _Draft:
        beat = self.arc.beat_of(unit.element)
        peak = beat is not None and beat.peak and beat.first <= unit.element
        if opening:
            return self.master(unit, present, "opens the scene: the geography of the set")
        if not unit.speakers:
            return self._action(unit, present, peak=peak, after_dialogue=after_dialogue)
        self._last_speaker = unit.speakers[-1]
        return self._speech(unit, present, peak=peak)

    def master(self, unit: _Unit, present: tuple[str, ...], reason: str) -> _Draft:
        size: ShotSize = "WS" if len(present) != 1 else "MWS"
        text = " ".join(c.text for c in unit.covers)
        move: Move = "pan" if _MOVING.search(text) else "tilt" if _VERTICAL.search(text) else "static"
        camera = self._camera_for_group([self.marks[n] for n in present if n in self.marks], size)
        return _Draft("master", size, "eye level", move, "", "", present, camera, (unit,), present, reason)

    def _action(self, unit: _Unit, present: tuple[str, ...], *, peak: bool, after_dialogue: bool) -> _Draft:
        text = unit.covers[0].text
        prop = self.handled.get(unit.element)
        named = [n for n in present if _names(text, n)]
        if not named and after_dialogue and len(present) == 2 and self._last_speaker in present:
            # "It surprises him": in a two-hander, a response after a line is the listener's.
            named = [n for n in present if n != self._last_speaker]
        if prop is not None and prop.owner in self.marks:
            return self._insert(unit, present, prop.name, prop.owner)
        if prop is not None and not prop.owner:
            return self._insert(unit, present, prop.name, named[0] if named else "")
        if len(named) == 1 and peak:
            return self._close(unit, present, named[0], "the scene's emotional peak")
        words = len(text.split())
        if len(named) == 1 and after_dialogue and words <= 25:
            return self._single(unit, present, named[0], "reaction", "MCU", f"{_title(named[0])} reacts")
        if len(named) == 1 and words <= 45:
            return self._single(unit, present, named[0], "single", "MS", f"{_title(named[0])} carries the action")
        if len(present) == 1:
            return self.master(unit, present, f"{_title(present[0])} alone on the set")
        return self.master(unit, present, "action with several people, or the set itself")

    def _speech(self, unit: _Unit, present: tuple[str, ...], *, peak: bool) -> _Draft:
        if len(unit.speakers) == 2:
            on_set = [s for s in unit.speakers if s in present]
            if len(on_set) == 2:
                return self._two_shot(unit, present, tuple(on_set))
        speaker = unit.speakers[0]
        listeners = [n for n in present if n != speaker]
        if speaker not in present or unit.heard_only:
            if listeners:
                who = listeners[0]
                if peak:
                    return self._close(unit, present, who, f"{_title(who)} hears {_title(speaker)} at the peak")
                return self._single(unit, present, who, "reaction", "MCU", f"{_title(who)} listens to an unseen voice")
            return self.master(unit, present, f"{_title(speaker)} is heard, not seen")
        if peak:
            return self._close(unit, present, speaker, "the scene's emotional peak")
        if len(listeners) == 1 and len(present) == 2:
            return self._over_shoulder(unit, present, speaker, listeners[0])
        if not listeners:
            return self._single(unit, present, speaker, "single", "MS", f"{_title(speaker)} speaks alone")
        return self._single(unit, present, speaker, "single", "MS", f"{_title(speaker)} speaks in a group")

    def _over_shoulder(self, unit: _Unit, present: tuple[str, ...], speaker: str, listener: str) -> _Draft:
        subject, shoulder = self.marks[speaker], self.marks[listener]
        # Behind the listener's shoulder, on the camera side of the line, aimed at the speaker.
        away = _unit_vector(subject, shoulder)
        side = self._camera_side()
        x = shoulder.x + 0.6 * away[0] + 0.5 * side[0]
        y = shoulder.y + 0.6 * away[1] + 0.5 * side[1]
        camera = _aim(x, y, subject)
        size, reason = self._leaned(
            "MCU", f"{_title(speaker)} over {_title(listener)}'s shoulder: one of a matching pair"
        )
        return _Draft(
            "over-the-shoulder",
            size,
            "eye level",
            self._move(unit, "static"),
            speaker,
            listener,
            (listener, speaker),
            camera,
            (unit,),
            present,
            reason,
        )

    def _two_shot(self, unit: _Unit, present: tuple[str, ...], pair: tuple[str, ...]) -> _Draft:
        size, reason = self._leaned("MS", "both speak at once")
        camera = self._camera_for_group([self.marks[n] for n in pair], size)
        return _Draft("two-shot", size, "eye level", "static", "", "", pair, camera, (unit,), present, reason)

    def _single(
        self, unit: _Unit, present: tuple[str, ...], who: str, kind: ShotKind, size: ShotSize, reason: str
    ) -> _Draft:
        size, reason = self._leaned(size, reason)
        camera = self._camera_on(who, size)
        return _Draft(
            kind, size, self._angle(unit), self._move(unit, "static"), who, "", (who,), camera, (unit,), present, reason
        )

    def _close(self, unit: _Unit, present: tuple[str, ...], who: str, reason: str) -> _Draft:
        size, reason = self._leaned("CU", reason)
        camera = self._camera_on(who, size)
        angle = self._angle(unit)
        return _Draft("close-up", size, angle, "dolly in", who, "", (who,), camera, (unit,), present, reason)

    def _leaned(self, size: ShotSize, reason: str) -> tuple[ShotSize, str]:
        """``size`` moved by the learned lean, kept between a medium wide shot and an extreme close-up."""
        if not self.lean:
            return size, reason
        index = min(max(SIZES.index(size) + self.lean, SIZES.index("MWS")), SIZES.index("ECU"))
        if SIZES[index] == size:
            return size, reason
        return SIZES[index], f"{reason}; {'tighter' if self.lean > 0 else 'wider'}, as your reviews prefer"

    def _insert(self, unit: _Unit, present: tuple[str, ...], prop: str, holder: str) -> _Draft:
        if holder in self.marks:
            mark = self.marks[holder]
            ahead = (math.cos(math.radians(mark.facing)), math.sin(math.radians(mark.facing)))
            target = Mark(prop, mark.x + 0.4 * ahead[0], mark.y + 0.4 * ahead[1], 0.0)
        else:
            target = Mark(prop, 0.0, 0.0, 0.0)
        side = self._camera_side()
        camera = _aim(target.x + 0.6 * side[0], target.y + 0.6 * side[1], target)
        who = f"{_title(holder)} handles the {prop}" if holder else f"the {prop} is handled"
        characters = (holder,) if holder else ()
        return _Draft("insert", "ECU", "high", "static", prop, "", characters, camera, (unit,), present, who)

    def finish(self, shots: list[_Draft]) -> list[_Draft]:
        """Release the scene after its peak: a wide last shot that follows a peak dollies out."""
        if not shots:
            return shots
        last = shots[-1]
        peaked = any(s.kind == "close-up" for s in shots[:-1])
        if peaked and last.kind in ("master", "establishing") and last.move == "static":
            shots[-1] = replace(last, move="dolly out", reason=f"{last.reason}; dolly out to release the peak")
        return shots

    # --- choices from the arc

    def _move(self, unit: _Unit, default: Move) -> Move:
        beat = self.arc.beat_of(unit.element)
        if beat is not None and beat.feeling.arousal >= _HOT and beat.feeling.valence <= -0.15:
            return "handheld"
        return default

    def _angle(self, unit: _Unit) -> Angle:
        beat = self.arc.beat_of(unit.element)
        if beat is None:
            return "eye level"
        if beat.feeling.dominant == "anger" and beat.feeling.arousal >= 0.4:
            return "low"
        if beat.feeling.valence <= -0.3:
            return "high"
        return "eye level"

    # --- camera geometry

    def _camera_side(self) -> tuple[float, float]:
        """The unit vector from the line of action toward the cameras (downstage, -y)."""
        return (0.0, -1.0)

    def _camera_for_group(self, marks: list[Mark], size: ShotSize) -> Mark:
        if marks:
            cx = sum(m.x for m in marks) / len(marks)
            cy = sum(m.y for m in marks) / len(marks)
        else:
            cx, cy = 0.0, 0.0
        distance = _DISTANCE[size] if self.exterior else min(_DISTANCE[size], self.plan.depth - 0.5)
        target = Mark("", cx, cy, 0.0)
        return _aim(cx, cy - distance, target)

    def _camera_on(self, who: str, size: ShotSize) -> Mark:
        subject = self.marks[who]
        # From the side the character looks toward, swung 30° downstage: a clean single with the eyeline near lens.
        heading = math.radians(subject.facing)
        look = (math.cos(heading), math.sin(heading))
        swing = -30 if look[0] >= 0 else 30
        if abs(look[0]) < 0.2:  # facing the camera side already
            look, swing = (0.0, -1.0), 0
        angle = math.atan2(look[1], look[0]) + math.radians(swing)
        distance = _DISTANCE[size]
        return _aim(subject.x + distance * math.cos(angle), subject.y + distance * math.sin(angle), subject)


def _aim(x: float, y: float, target: Mark) -> Mark:
    # Every camera stays downstage of the line of action (y = 0): the 180° rule.
    y = min(y, -0.3)
    facing = math.degrees(math.atan2(target.y - y, target.x - x)) % 360
    return Mark("camera", round(x, 2), round(y, 2), round(facing, 1))


def _unit_vector(a: Mark, b: Mark) -> tuple[float, float]:
    dx, dy = b.x - a.x, b.y - a.y
    length = math.hypot(dx, dy) or 1.0
    return dx / length, dy / length


def _names(text: str, name: str) -> bool:
    return re.search(rf"\b{re.escape(name)}\b", text, re.IGNORECASE) is not None


def _title(name: str) -> str:
    return name.title()


# --- finishing: framing, side of the line, timing --------------------------------------


def field_of_view(lens_mm: int) -> float:
    """The horizontal angle of view of a lens on Super 35, in degrees."""
    return math.degrees(2 * math.atan(SENSOR_WIDTH / (2 * lens_mm)))


def frame(camera: Mark, marks: Sequence[Mark], names: Sequence[str], lens_mm: int) -> tuple[Framed, ...]:
    """Where each of ``names`` appears across the frame (-1 left … 1 right) and which way they look in it."""
    half = math.radians(field_of_view(lens_mm) / 2)
    by_name = {m.name: m for m in marks}
    placed: list[Framed] = []
    for name in names:
        mark = by_name.get(name)
        if mark is None:
            continue
        bearing = math.atan2(mark.y - camera.y, mark.x - camera.x) - math.radians(camera.facing)
        bearing = math.atan2(math.sin(bearing), math.cos(bearing))
        frame_x = -math.tan(bearing) / math.tan(half) if abs(bearing) < math.pi / 2 else 0.0
        relative = math.radians(mark.facing - camera.facing)
        toward = math.cos(relative)
        across = math.sin(relative)
        looks: Eyeline
        if toward > 0.9:
            looks = "away"
        elif toward < -0.995:
            looks = "camera"
        else:
            looks = "frame left" if across > 0 else "frame right"
        # A foreground shoulder or a hand in an insert sits at the edge of frame, not beyond it.
        placed.append(Framed(name, round(max(-1.0, min(1.0, frame_x)), 3), looks))
    return tuple(placed)


def side_of_line(plan: FloorPlan, camera: Mark) -> Literal["left", "right"]:
    """The side of the line of action ``camera`` stands on, walking from the line's first character to its second."""
    marks = {m.name: m for m in plan.marks}
    if len(plan.line) == 2:
        a, b = marks[plan.line[0]], marks[plan.line[1]]
        dx, dy = b.x - a.x, b.y - a.y
    elif plan.line:
        a = marks[plan.line[0]]
        dx, dy = math.cos(math.radians(a.facing + 90)), math.sin(math.radians(a.facing + 90))
    else:
        a, dx, dy = Mark("", 0.0, 0.0, 0.0), 1.0, 0.0
    cross = dx * (camera.y - a.y) - dy * (camera.x - a.x)
    return "left" if cross > 0 else "right"


def _timed(drafts: list[_Draft], scene_seconds: float, marks: dict[str, Mark]) -> list[Shot]:
    """Number the shots, give each its setup, framing and side, and share the scene's screen time by what they cover."""
    total = sum(u.weight for d in drafts for u in d.units) or 1.0
    setups: dict[tuple[str, str, str, str], int] = {}
    shots: list[Shot] = []
    for index, draft in enumerate(drafts):
        key = (draft.kind, draft.subject, draft.over, draft.size)
        setup = setups.setdefault(key, len(setups) + 1)
        weight = sum(u.weight for u in draft.units)
        seconds = 3.0 if not draft.units else max(1.0, scene_seconds * weight / total)
        covers = tuple(c for u in draft.units for c in u.covers)
        lens = draft.lens_mm or LENSES[draft.size]
        shots.append(
            Shot(
                number=slate(index),
                scene="",
                index=index + 1,
                setup=setup,
                kind=draft.kind,
                size=draft.size,
                angle=draft.angle,
                lens_mm=lens,
                move=draft.move,
                subject=draft.subject,
                characters=draft.characters,
                camera=draft.camera,
                blocking=tuple(marks[n] for n in draft.present if n in marks),
                framing=(),
                side="right",
                covers=covers,
                seconds=round(seconds, 1),
                reason=draft.reason,
            )
        )
    return shots


def staged(coverage: SceneShots) -> SceneShots:
    """``coverage`` with each shot's blocking, framing and side of the line worked out from the floor plan.

    Kept apart from choosing the shots so that a refinement that moves a mark
    or changes a lens gets the geometry recomputed the same way. A shot's
    blocking keeps the characters it had (who is on set then) at their marks.
    """
    plan = coverage.plan
    shots = []
    for shot in coverage.shots:
        on_set = {m.name for m in shot.blocking}
        blocking = tuple(m for m in plan.marks if m.name in on_set)
        framing = frame(shot.camera, plan.marks, shot.characters, shot.lens_mm)
        shots.append(replace(shot, blocking=blocking, framing=framing, side=side_of_line(plan, shot.camera)))
    return replace(coverage, shots=tuple(shots))
