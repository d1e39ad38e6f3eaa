"""The board as the store holds it: a row per scene, a card per shot, the frames and recordings last made.

Everything comes from the store's latest takes: the film's shot list (step
``shots``) gives the scenes and shots in cut order, its inputs name each
scene's steps, and each scene's ``…/frames`` bundle and ``…/speech/<slot>``
recordings fill the cards. Nothing is planned or made here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from clapboard.store import ReviewVerdict, Store, Take

#: The verdicts a person gives a take from the studio (a replacement comes with a file, through its own form).
VERDICTS: tuple[ReviewVerdict, ...] = ("accept", "reject", "pin", "unpin")


@dataclass(frozen=True)
class Standing:
    """Where people left a take: approved, pinned, rejected (a new take comes on the next run), human-made."""

    approved_by: str | None
    pinned: bool
    rejected: bool
    human: bool

    @property
    def words(self) -> tuple[str, ...]:
        """The take's standing as the badges on its card read."""
        found = []
        if self.rejected:
            found.append("rejected")
        if self.approved_by:
            found.append("approved")
        if self.pinned:
            found.append("pinned")
        if self.human:
            found.append("human-made")
        return tuple(found)


@dataclass(frozen=True)
class Line:
    """A speech a shot covers: who says what, and the take that recorded it (None before it is recorded)."""

    character: str
    text: str
    recording: Take | None


@dataclass(frozen=True)
class Card:
    """One shot on the board: slate number, size, angle, move, what it covers and its frame in the bundle."""

    number: str
    kind: str
    size: str
    angle: str
    move: str
    subject: str
    action: str
    lines: tuple[Line, ...]
    frame: str | None


@dataclass(frozen=True)
class SceneRow:
    """A scene: its number and heading, the frames take its cards show and how people left it, its shots."""

    number: str
    heading: str
    step: str
    frames: Take | None
    standing: Standing | None
    cards: tuple[Card, ...]
    #: The scene's music cue, to hear and to review like any take.
    cue: Take | None = None

    @property
    def anchor(self) -> str:
        """The scene's id on the page."""
        return "scene-" + "".join(c if c.isalnum() else "-" for c in self.number)


@dataclass(frozen=True)
class Board:
    """The film's board: its title and a row per scene; empty until ``make`` has made the shot list."""

    title: str
    scenes: tuple[SceneRow, ...]


def standing_of(take: Take, pins: dict[str, Take], rejections: dict[str, int]) -> Standing:
    """How people left ``take``, from the store's pins and rejection counts."""
    p = take.provenance
    # Take n of a slate exists after n - 1 rejections; one more means people rejected this very take.
    return Standing(
        approved_by=take.approved_by,
        pinned=take.name in pins,
        rejected=rejections.get(p.slate, 0) >= p.take,
        human=p.made_by == "human",
    )


def read_board(store: Store) -> Board:
    """The board of the takes the store last made."""
    latest = store.latest()
    shots = latest.get("shots")
    if shots is None:
        return Board("", ())
    listing = json.loads(store.output(shots.key))
    pins = store.pins()
    rejections = store.rejections()
    rows = []
    for scene, source in zip(listing.get("scenes", []), shots.provenance.inputs, strict=True):
        made = store.take(source)
        step = _scene_step(made.name) if made is not None else f"scene/{scene['number']}"
        frames = latest.get(f"{step}/frames")
        members = _members(store, frames)
        cards = tuple(_card(shot, step, latest, members) for shot in scene.get("shots", []))
        standing = standing_of(frames, pins, rejections) if frames is not None else None
        cue = latest.get(f"{step}/cue")
        rows.append(SceneRow(str(scene["number"]), scene.get("heading", ""), step, frames, standing, cards, cue))
    return Board(listing.get("title", ""), tuple(rows))


def _scene_step(shots_name: str) -> str:
    """``scene/3`` from ``scene/3/shots`` or ``scene/3/shots/refined``."""
    return shots_name.removesuffix("/refined").removesuffix("/shots")


def _members(store: Store, frames: Take | None) -> frozenset[str]:
    from clapboard.plan.soundtrack import unbundle

    if frames is None:
        return frozenset()
    return frozenset(unbundle(store.output(frames.key)))


def _card(shot: dict[str, Any], step: str, latest: dict[str, Take], members: frozenset[str]) -> Card:
    lines = []
    action = []
    for cover in shot.get("covers", []):
        if cover["kind"] == "action":
            action.append(cover["text"])
            continue
        # A speech's recording step is named by its place in the scene: element, and side for dual dialogue.
        slot = f"{cover['element']}.{cover['part']}" if cover.get("part") else str(cover["element"])
        lines.append(Line(cover["character"], cover["text"], latest.get(f"{step}/speech/{slot}")))
    frame = f"{shot['number']}.png"
    return Card(
        number=shot["number"],
        kind=shot.get("kind", ""),
        size=shot.get("size", ""),
        angle=shot.get("angle", ""),
        move=shot.get("move", ""),
        subject=shot.get("subject", ""),
        action=" ".join(" ".join(action).split()),
        lines=tuple(lines),
        frame=frame if frame in members else None,
    )
