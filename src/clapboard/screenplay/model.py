"""The screenplay as plain, immutable data.

The model knows nothing of files: readers and writers for Fountain, Final Draft,
PDF, HTML and JSON live in their own modules and meet here. Every element keeps
the line it came from (``line``) for error messages and editors, but equality
ignores it, so a script written out and read back compares equal to itself.

Element text keeps Fountain's inline markup (``*italic*``, ``**bold**``,
``_underline_``, escapes and inline ``[[notes]]``); :func:`clapboard.screenplay.
emphasis.spans` turns it into styled runs for the writers that need them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeAlias

if TYPE_CHECKING:
    from collections.abc import Iterator

Setting: TypeAlias = Literal["INT", "EXT", "INT/EXT", ""]


def _line() -> int:
    return field(default=0, compare=False, repr=False)  # type: ignore[return-value]


def _forced() -> bool:
    # How an element was marked in the source is spelling, not content: a writer may
    # add or drop the marker, so it takes no part in equality.
    return field(default=False, compare=False)  # type: ignore[return-value]


@dataclass(frozen=True)
class TitleField:
    """One key of the title page (``Title``, ``Credit``, ``Author``…) and its lines."""

    key: str
    values: tuple[str, ...]
    line: int = _line()

    @property
    def text(self) -> str:
        return "\n".join(self.values)


@dataclass(frozen=True)
class TitlePage:
    """The title page: keys in the order the writer gave them."""

    fields: tuple[TitleField, ...] = ()

    def get(self, key: str, default: str | None = None) -> str | None:
        """The value of ``key`` (case-insensitive), lines joined by newlines."""
        wanted = key.lower()
        for f in self.fields:
            if f.key.lower() == wanted:
                return f.text
        return default

    @property
    def title(self) -> str | None:
        return self.get("title")

    def __bool__(self) -> bool:
        return bool(self.fields)


@dataclass(frozen=True)
class SceneHeading:
    """A slug line such as ``INT. DINER - NIGHT #12#``.

    ``text`` is the heading as written (without the scene number); ``setting`` is
    the normalised interior/exterior marker, ``location`` and ``time`` the parts
    either side of the last `` - ``. ``forced`` is true for a heading written
    with a leading ``.``.
    """

    text: str
    setting: Setting = ""
    location: str = ""
    time: str = ""
    number: str | None = None
    forced: bool = _forced()
    line: int = _line()

    @property
    def is_day(self) -> bool:
        return _time_class(self.time) == "DAY"

    @property
    def is_night(self) -> bool:
        return _time_class(self.time) == "NIGHT"

    @property
    def day_night(self) -> str:
        """``DAY``, ``NIGHT`` or the time as written when it is neither."""
        return _time_class(self.time)


_DAYLIKE = frozenset({"DAY", "MORNING", "AFTERNOON", "NOON", "DAWN", "SUNRISE", "LATER", "MIDDAY"})
_NIGHTLIKE = frozenset({"NIGHT", "EVENING", "DUSK", "SUNSET", "MIDNIGHT", "TWILIGHT"})


def _time_class(time: str) -> str:
    words = set(re.findall(r"[A-Z]+", time.upper()))
    if words & _NIGHTLIKE:
        return "NIGHT"
    if words & _DAYLIKE:
        return "DAY"
    return time.upper()


@dataclass(frozen=True)
class Action:
    """Scene description. Line breaks and indentation are kept as written."""

    text: str
    forced: bool = _forced()
    line: int = _line()


@dataclass(frozen=True)
class Character:
    """The cue above a speech: name plus extensions such as ``V.O.`` or ``CONT'D``.

    A value, not a place in the file: the cue's line is its :class:`Dialogue`'s.
    """

    name: str
    extensions: tuple[str, ...] = ()
    forced: bool = _forced()

    @classmethod
    def from_cue(cls, cue: str, *, forced: bool = False) -> Character:
        """Split a cue as printed (``MARY (V.O.) (CONT'D)``) into the name and its extensions."""
        paren = cue.find("(")
        if paren <= 0:
            return cls(cue.strip(), (), forced)
        extensions = tuple(e.strip() for e in _EXTENSION.findall(cue, paren))
        return cls(cue[:paren].strip(), extensions, forced)

    @property
    def cue(self) -> str:
        """The cue as printed: ``MARY (V.O.) (CONT'D)``."""
        return " ".join([self.name, *(f"({e})" for e in self.extensions)])

    @property
    def is_voice_over(self) -> bool:
        return any(_norm_ext(e) in {"VO", "VOICEOVER"} for e in self.extensions)

    @property
    def is_off_screen(self) -> bool:
        return any(_norm_ext(e) in {"OS", "OC", "OFF", "OFFSCREEN"} for e in self.extensions)

    @property
    def is_continued(self) -> bool:
        return any(_norm_ext(e) in {"CONTD", "CONT", "CONTINUED", "CONTINUING"} for e in self.extensions)


_EXTENSION = re.compile(r"\(([^()]*)\)")


def _norm_ext(ext: str) -> str:
    return re.sub(r"[^A-Z]", "", ext.upper())


@dataclass(frozen=True)
class Parenthetical:
    """A wryly inside a speech, stored with its parentheses: ``(quietly)``."""

    text: str
    line: int = _line()


@dataclass(frozen=True)
class Line:
    """Spoken words. A speech may hold several, split by parentheticals."""

    text: str
    line: int = _line()


@dataclass(frozen=True)
class Lyric:
    """A sung line (``~`` in Fountain), inside or outside a speech."""

    text: str
    line: int = _line()


Speech: TypeAlias = "Parenthetical | Line | Lyric"


@dataclass(frozen=True)
class Dialogue:
    """A character cue and everything spoken under it; ``line`` is the cue's line."""

    character: Character
    parts: tuple[Parenthetical | Line | Lyric, ...] = ()
    line: int = _line()

    @property
    def lines(self) -> tuple[Line | Lyric, ...]:
        """What is actually said or sung, without the parentheticals."""
        return tuple(p for p in self.parts if not isinstance(p, Parenthetical))

    @property
    def spoken_text(self) -> str:
        return " ".join(p.text for p in self.lines)


@dataclass(frozen=True)
class DualDialogue:
    """Two speeches printed side by side (the second cue marked ``^`` in Fountain)."""

    left: Dialogue
    right: Dialogue
    line: int = _line()


@dataclass(frozen=True)
class Transition:
    """``CUT TO:``, ``FADE OUT.``; ``forced`` when written with a leading ``>``."""

    text: str
    forced: bool = _forced()
    line: int = _line()


@dataclass(frozen=True)
class Centered:
    """Text centred on the page (``>THE END<``)."""

    text: str
    line: int = _line()


@dataclass(frozen=True)
class Note:
    """A writer's note (``[[…]]``) standing as a paragraph of its own."""

    text: str
    line: int = _line()


@dataclass(frozen=True)
class Boneyard:
    """Text the writer struck out (``/* … */``) but kept in the file."""

    text: str
    line: int = _line()


@dataclass(frozen=True)
class Section:
    """An outline heading (``#``, ``##``…) that never prints."""

    text: str
    depth: int = 1
    line: int = _line()


@dataclass(frozen=True)
class Synopsis:
    """A one-line summary (``=``) that never prints."""

    text: str
    line: int = _line()


@dataclass(frozen=True)
class PageBreak:
    """A forced page break (``===``)."""

    line: int = _line()


Element: TypeAlias = (
    "SceneHeading | Action | Dialogue | DualDialogue | Transition | Centered | Lyric"
    " | Note | Boneyard | Section | Synopsis | PageBreak"
)

ELEMENT_TYPES: tuple[type, ...] = (
    SceneHeading,
    Action,
    Dialogue,
    DualDialogue,
    Transition,
    Centered,
    Lyric,
    Note,
    Boneyard,
    Section,
    Synopsis,
    PageBreak,
)


@dataclass(frozen=True)
class Scene:
    """A heading and the elements up to the next heading.

    ``number`` is the writer's scene number when the heading has one, else the
    scene's position counted from 1. The material before the first heading is
    not a scene.
    """

    heading: SceneHeading
    elements: tuple[Element, ...]
    number: str
    index: int

    @property
    def dialogues(self) -> Iterator[Dialogue]:
        """Every speech in the scene, both sides of dual dialogue included."""
        return _speeches(self.elements)

    @property
    def speaking_characters(self) -> tuple[str, ...]:
        """Names of the characters who speak, in order of first speech."""
        return _speakers(self.elements)


@dataclass(frozen=True)
class Screenplay:
    """A whole script: the title page and the body as a flat run of elements."""

    title_page: TitlePage = TitlePage()
    elements: tuple[Element, ...] = ()

    @property
    def title(self) -> str | None:
        return self.title_page.title

    @property
    def scenes(self) -> tuple[Scene, ...]:
        """The body grouped into scenes, one per heading."""
        scenes: list[Scene] = []
        heading: SceneHeading | None = None
        body: list[Element] = []
        for el in self.elements:
            if isinstance(el, SceneHeading):
                if heading is not None:
                    scenes.append(_scene(heading, body, len(scenes)))
                heading, body = el, []
            elif heading is not None:
                body.append(el)
        if heading is not None:
            scenes.append(_scene(heading, body, len(scenes)))
        return tuple(scenes)

    @property
    def dialogues(self) -> Iterator[Dialogue]:
        """Every speech in reading order, both sides of dual dialogue included."""
        return _speeches(self.elements)

    @property
    def characters(self) -> tuple[str, ...]:
        """Speaking characters in order of first speech."""
        return _speakers(self.elements)

    # File I/O goes through the format registry so the model stays free of formats.
    @classmethod
    def load(cls, path: str | Path, format: str | None = None) -> Screenplay:
        """Read a script, choosing the reader by extension unless ``format`` is given."""
        from clapboard.screenplay.formats import load

        return load(path, format)

    def save(self, path: str | Path, format: str | None = None, **options: object) -> None:
        """Write the script, choosing the writer by extension unless ``format`` is given."""
        from clapboard.screenplay.formats import save

        save(self, path, format, **options)


def sides(element: Element) -> tuple[Dialogue, ...]:
    """The speeches an element holds: its one speech, both sides of dual dialogue (left first), or none."""
    if isinstance(element, Dialogue):
        return (element,)
    if isinstance(element, DualDialogue):
        return (element.left, element.right)
    return ()


def _speeches(elements: tuple[Element, ...]) -> Iterator[Dialogue]:
    for el in elements:
        yield from sides(el)


def _speakers(elements: tuple[Element, ...]) -> tuple[str, ...]:
    # A dict keeps first-seen order while dropping repeats.
    return tuple(dict.fromkeys(d.character.name for d in _speeches(elements)))


def _scene(heading: SceneHeading, body: list[Element], index: int) -> Scene:
    return Scene(heading, tuple(body), heading.number or str(index + 1), index)
