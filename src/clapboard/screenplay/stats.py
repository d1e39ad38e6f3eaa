"""Numbers a production office asks of a script: length, scenes, who speaks how much, runtime.

Page lengths come from the shared pagination (:mod:`clapboard.screenplay.pagination`),
so the stats agree with the PDF page for page. Words are counted on the plain text
of what is spoken or sung (emphasis markup and inline notes removed).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from clapboard.screenplay.emphasis import plain
from clapboard.screenplay.model import Parenthetical
from clapboard.screenplay.pagination import format_eighths, paginate

if TYPE_CHECKING:
    from collections.abc import Mapping

    from clapboard.screenplay.model import Dialogue, Screenplay

#: Label for a heading without INT/EXT, or without a time of day.
UNSPECIFIED = "UNSPECIFIED"


@dataclass(frozen=True)
class SceneStats:
    """One scene: where and when it plays, how long it runs, who speaks in it."""

    number: str
    heading: str
    setting: str
    time: str
    eighths: int
    speakers: tuple[str, ...]

    @property
    def length(self) -> str:
        """The length as a stripboard writes it: ``1 3/8`` pages."""
        return format_eighths(self.eighths)


@dataclass(frozen=True)
class CharacterStats:
    """One speaking character: speeches, lines and words of dialogue, and the scenes they speak in."""

    name: str
    speeches: int
    lines: int
    words: int
    scenes: tuple[str, ...]


@dataclass(frozen=True)
class ScriptStats:
    """The statistics of a whole script.

    ``eighths`` is the script's length in eighths of a page; ``settings`` counts
    scenes by INT/EXT and ``times`` by DAY/NIGHT (other times as written).
    Characters are ordered by number of speeches, then by first appearance.
    """

    title: str | None
    pages: int
    eighths: int
    scenes: tuple[SceneStats, ...]
    characters: tuple[CharacterStats, ...]
    settings: Mapping[str, int]
    times: Mapping[str, int]

    @property
    def runtime_minutes(self) -> float:
        """Estimated screen time by the rule of thumb that a page plays for about a minute."""
        return self.eighths / 8

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON, the estimated runtime included."""
        return {**asdict(self), "runtime_minutes": self.runtime_minutes}


def script_stats(script: Screenplay) -> ScriptStats:
    """Measure ``script``: pages and eighths from the pagination, the rest from the model."""
    pages, scene_eighths = _page_lengths(script)
    scenes: list[SceneStats] = []
    settings: dict[str, int] = {}
    times: dict[str, int] = {}
    for scene, eighths in zip(script.scenes, scene_eighths, strict=True):
        heading = scene.heading
        setting = heading.setting or UNSPECIFIED
        time = heading.day_night or UNSPECIFIED
        settings[setting] = settings.get(setting, 0) + 1
        times[time] = times.get(time, 0) + 1
        scenes.append(SceneStats(scene.number, heading.text, setting, time, eighths, scene.speaking_characters))
    return ScriptStats(
        title=" ".join(plain(script.title).split()) if script.title else None,
        pages=pages,
        eighths=sum(scene_eighths),
        scenes=tuple(scenes),
        characters=_characters(script),
        settings=settings,
        times=times,
    )


def _page_lengths(script: Screenplay) -> tuple[int, tuple[int, ...]]:
    """The page count and each scene's length in eighths, as the PDF prints them."""
    layout = paginate(script)
    eighths = {scene.index: scene.eighths for scene in layout.scenes}
    return layout.page_count, tuple(eighths.get(scene.index, 0) for scene in script.scenes)


def _characters(script: Screenplay) -> tuple[CharacterStats, ...]:
    speeches: dict[str, list[Dialogue]] = {}
    scenes: dict[str, dict[str, None]] = {}
    for d in script.dialogues:
        speeches.setdefault(d.character.name, []).append(d)
    for scene in script.scenes:
        for name in scene.speaking_characters:
            scenes.setdefault(name, {})[scene.number] = None
    people = [
        CharacterStats(
            name=name,
            speeches=len(said),
            lines=sum(_lines(d) for d in said),
            words=sum(_words(d) for d in said),
            scenes=tuple(scenes.get(name, ())),
        )
        for name, said in speeches.items()
    ]
    # sorted() is stable, so equal counts keep the order of first speech.
    return tuple(sorted(people, key=lambda p: -p.speeches))


def _spoken(d: Dialogue) -> list[str]:
    return [plain(p.text) for p in d.parts if not isinstance(p, Parenthetical)]


def _lines(d: Dialogue) -> int:
    """Lines of dialogue as written: each non-blank line of spoken or sung text."""
    return sum(1 for text in _spoken(d) for row in text.split("\n") if row.strip())


def _words(d: Dialogue) -> int:
    return sum(len(text.split()) for text in _spoken(d))
