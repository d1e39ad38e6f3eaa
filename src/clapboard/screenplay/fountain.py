"""Fountain 1.1: read and write plain-text screenplays.

The reader is a single pass over the lines. Each rule of the spec is a small
test on one line and its neighbours, tried in the order the spec gives them
precedence: boneyard, notes, page breaks, sections, synopses, centred text,
forced forms (``!``, ``@``, ``.``, ``>``, ``~``), scene headings, transitions,
character cues, and action for everything else.

The writer emits canonical Fountain: one blank line between elements, a forcing
mark wherever the text would otherwise be read as something else, so that
``parse(format(script)) == script`` for any script.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from clapboard.errors import ScriptError
from clapboard.screenplay.formats import decode_text
from clapboard.screenplay.model import (
    Action,
    Boneyard,
    Centered,
    Character,
    Dialogue,
    DualDialogue,
    Element,
    Line,
    Lyric,
    Note,
    PageBreak,
    Parenthetical,
    SceneHeading,
    Screenplay,
    Section,
    Setting,
    Synopsis,
    TitleField,
    TitlePage,
    Transition,
)

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["format", "parse", "parse_heading", "read", "write"]

_HEADING = re.compile(r"(?:INT\.?\s*/\s*EXT|EXT\.?\s*/\s*INT|INT|EXT|EST|I\s*/\s*E|E\s*/\s*I)[.\s]", re.I)
_HEADING_PREFIX = re.compile(
    r"(?P<p>INT\.?\s*/\s*EXT|EXT\.?\s*/\s*INT|INT|EXT|EST|I\s*/\s*E|E\s*/\s*I)\.?(?:\s+|$)", re.I
)
_SCENE_NUMBER = re.compile(r"[A-Za-z0-9.\-]+")
_TITLE_KEY = re.compile(r"([A-Za-z][A-Za-z0-9 _'-]*):(.*)")
_PAGE_BREAK = re.compile(r"={3,}")
#: Keys that mark a block as the title page; other keys may follow one of them.
TITLE_KEYS = frozenset(
    {
        "title",
        "credit",
        "author",
        "authors",
        "source",
        "draft date",
        "date",
        "contact",
        "copyright",
        "notes",
        "revision",
    }
)
_LETTER = re.compile(r"[^\W\d_]")
# First characters of elements announced by a mark, and of scene headings.
_MARK_FIRST = frozenset("/[=#>~!")
_HEADING_FIRST = frozenset(".IEie")
_BREAKS_PARAGRAPH = frozenset("~>#[/=")
# Characters that open a forced or special element when they start a line.
_SPECIAL_START = ("!", "@", "~", ">", "=", "#", ".", "[[", "/*")


def read(data: bytes, path: str | None = None) -> Screenplay:
    """Registry hook: decode bytes and parse them."""
    return parse(decode_text(data, path), path)


def write(script: Screenplay, **options: object) -> bytes:
    """Registry hook: the script as UTF-8 Fountain."""
    return format(script).encode("utf-8")


# --- reading -----------------------------------------------------------------


def parse_heading(text: str, *, number: str | None = None, forced: bool = False, line: int = 0) -> SceneHeading:
    """Split a slug line into setting, location and time of day.

    ``INT./EXT. CAR - MOVING - NIGHT`` gives setting ``INT/EXT``, location
    ``CAR - MOVING`` and time ``NIGHT``. A scene number written ``#12A#`` at the
    end is taken off unless ``number`` is given.
    """
    text = text.strip()
    if number is None and text.endswith("#"):
        opening = text.rfind("#", 0, -1)
        if opening >= 0 and _SCENE_NUMBER.fullmatch(text, opening + 1, len(text) - 1):
            number = text[opening + 1 : -1]
            text = text[:opening].rstrip()
    setting: Setting = ""
    rest = text
    m = _HEADING_PREFIX.match(text)
    if m:
        prefix = m.group("p").upper()
        setting = "INT/EXT" if "/" in prefix else "INT" if prefix.startswith("INT") else "EXT"
        rest = text[m.end() :]
    location, time = rest.strip(), ""
    dash = _last_dash(location)
    if dash >= 0:
        location, time = location[:dash].strip(), location[dash + 1 :].strip()
    return SceneHeading(text, setting, location, time, number, forced, line)


def _last_dash(text: str) -> int:
    """Index of the last dash with white space before it and white space or the end after it."""
    end = len(text)
    while True:
        k = max(text.rfind("-", 0, end), text.rfind("–", 0, end), text.rfind("—", 0, end))
        if k <= 0:
            return -1
        if text[k - 1].isspace() and (k + 1 == len(text) or text[k + 1].isspace()):
            return k
        end = k


def parse(text: str, path: str | None = None) -> Screenplay:
    """Parse Fountain text into a :class:`Screenplay`.

    Raises :class:`ScriptError` naming ``path`` and the line for what cannot be
    read, such as a boneyard that is never closed.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    title_page, start = _title_page(lines)
    return Screenplay(title_page, tuple(_Body(lines, start, path).elements()))


def _title_page(lines: list[str]) -> tuple[TitlePage, int]:
    first = 0
    while first < len(lines) and not lines[first].strip():
        first += 1
    if first >= len(lines):
        return TitlePage(), 0
    m = _TITLE_KEY.fullmatch(lines[first])
    if not m or _looks_like_transition(lines[first].strip()):
        return TitlePage(), 0
    fields: list[TitleField] = []
    i = first
    key, values, key_line = "", [], 0
    while i < len(lines) and lines[i].strip():
        raw = lines[i]
        m = _TITLE_KEY.fullmatch(raw) if raw[:1] not in " \t" else None
        if m:
            if key:
                fields.append(TitleField(key, tuple(values), key_line))
            key, key_line = m.group(1).strip(), i + 1
            inline = m.group(2).strip()
            values = [inline] if inline else []
        elif key and raw[:1] in " \t":
            values.append(raw.strip())
        else:
            # Not a title page after all: the first block is script text.
            return TitlePage(), 0
        i += 1
    if key:
        fields.append(TitleField(key, tuple(values), key_line))
    if not any(f.key.lower() in TITLE_KEYS for f in fields):
        # "He reads:" over an indented letter is action, not a title page.
        return TitlePage(), 0
    return TitlePage(tuple(fields)), i


def _looks_like_transition(s: str) -> bool:
    return s.isupper() and s.endswith(("TO:", "IN:"))


class _Body:
    """The body parser: a cursor over the lines and the elements found so far.

    ``strip`` holds every line stripped once, so each rule looks at it without
    stripping again; a sentinel empty line at the end spares bounds checks.
    """

    def __init__(self, lines: list[str], start: int, path: str | None) -> None:
        self.lines = [*lines, ""]
        self.strip = [line.strip() for line in self.lines]
        self.i = start
        self.path = path
        self.out: list[Element] = []
        self.cues: dict[str, Character | None] = {}
        self.headings: dict[str, SceneHeading] = {}

    def elements(self) -> list[Element]:
        # The rules in the order of their precedence; each branch consumes the lines of one
        # element and leaves self.i after them. One loop with a local cursor: the hot path.
        lines, strip, n, cues, out = self.lines, self.strip, len(self.lines) - 1, self.cues, self.out
        prev_blank = True
        i = self.i
        while i < n:
            s = strip[i]
            if not s:
                prev_blank = True
                i += 1
                continue
            self.i = i
            first = s[0]
            if first in _MARK_FIRST and self._marked(s, first):
                pass
            elif not prev_blank:
                self._action()
            elif not strip[i + 1]:
                if first in _HEADING_FIRST and self._try_heading(s):
                    pass
                elif s[-1] == ":" and _looks_like_transition_to(s):
                    self._emit(Transition(s, False, i + 1))
                elif len(lines[i + 1]) < 2 and "\t" not in (raw := lines[i]):
                    # The most common paragraph of all: one line of action.
                    out.append(Action(raw.rstrip(), False, i + 1))
                    i += 1
                    prev_blank = False
                    continue
                else:
                    self._action()
            elif first == "@":
                self._dialogue(s)
            elif (character := cues[s] if s in cues else self._cue(s)) is not None:
                said = strip[i + 1]
                if not strip[i + 2] and len(lines[i + 2]) < 2 and said[0] not in "(~" and s[-1] != "^":
                    # The commonest speech: a cue and one line of dialogue.
                    out.append(Dialogue(character, (Line(said, i + 2),), i + 1))
                    i += 2
                    prev_blank = False
                    continue
                self._dialogue(s)
            else:
                self._action()
            i = self.i
            prev_blank = False
        return out

    def _marked(self, s: str, first: str) -> bool:
        """Elements announced by their first character; False when the mark means nothing."""
        if first == "/":
            if not s.startswith("/*"):
                return False
            self._boneyard()
        elif first == "[":
            return s.startswith("[[") and self._note()
        elif first == "=" and _PAGE_BREAK.fullmatch(s):
            self._emit(PageBreak(self.i + 1))
        elif first == "#":
            depth = len(s) - len(s.lstrip("#"))
            self._emit(Section(s[depth:].strip(), depth, self.i + 1))
        elif first == "=":
            self._emit(Synopsis(s[1:].strip(), self.i + 1))
        elif _is_centered(s):
            self._run(Centered, _is_centered, lambda t: t[1:-1].strip())
        elif first == ">":
            self._emit(Transition(s[1:].strip(), True, self.i + 1))
        elif first == "~":
            self._run(Lyric, lambda t: t.startswith("~"), lambda t: t[1:].lstrip())
        else:  # "!"
            self._action()
        return True

    def _emit(self, element: Element, consumed: int = 1) -> None:
        self.out.append(element)
        self.i += consumed

    def _cue(self, s: str) -> Character | None:
        """The character when ``s`` can be a cue; cues repeat, so each is read once."""
        try:
            return self.cues[s]
        except KeyError:
            found = self.cues[s] = _parse_cue(s)
            return found

    def _try_heading(self, s: str) -> bool:
        if s[0] == "." and len(s) > 1 and s[1] != ".":
            self._emit(self._heading(s[1:], True))
            return True
        if _HEADING.match(s) or (len(s) in (3, 5) and s.upper() in ("INT", "EXT", "I/E", "INT.", "EXT.")):
            self._emit(self._heading(s, False))
            return True
        return False

    def _heading(self, s: str, forced: bool) -> SceneHeading:
        # Scripts return to the same places: split each slug line once.
        try:
            h = self.headings[s]
        except KeyError:
            h = self.headings[s] = parse_heading(s)
        return SceneHeading(h.text, h.setting, h.location, h.time, h.number, forced, self.i + 1)

    def _run(
        self, kind: type[Centered] | type[Lyric], belongs: Callable[[str], bool], body: Callable[[str], str]
    ) -> None:
        """Consecutive lines of one kind (lyrics, centred text) make one element."""
        start = self.i
        texts: list[str] = []
        while (s := self.strip[self.i]) and belongs(s):
            texts.append(body(s))
            self.i += 1
        self.out.append(kind("\n".join(texts), start + 1))

    def _boneyard(self) -> None:
        start = self.i
        raw = self.lines[start]
        chunk = raw[raw.index("/*") + 2 :]
        parts: list[str] = []
        while True:
            close = chunk.find("*/")
            if close >= 0:
                parts.append(chunk[:close])
                rest = chunk[close + 2 :]
                break
            parts.append(chunk)
            self.i += 1
            if self.i >= len(self.lines) - 1:
                raise ScriptError("boneyard '/*' is never closed with '*/'", self.path, start + 1)
            chunk = self.lines[self.i]
        self.out.append(Boneyard("\n".join(parts), start + 1))
        if rest.strip():
            # Text after the closing mark on the same line is script again.
            self.lines[self.i], self.strip[self.i] = rest, rest.strip()
        else:
            self.i += 1

    def _note(self) -> bool:
        """A paragraph that is one ``[[note]]`` and nothing else; False if it is not."""
        j, texts = self.i, []
        while self.lines[j]:
            texts.append(self.strip[j])
            joined = "\n".join(texts)
            end = joined.find("]]")
            if end >= 0:
                if end != len(joined) - 2 or "[[" in joined[2:]:
                    return False
                self._emit(Note(joined[2:-2], self.i + 1), j - self.i + 1)
                return True
            j += 1
        return False

    def _action(self) -> None:
        lines, strip = self.lines, self.strip
        start = i = self.i
        forced = lines[i].startswith("!")
        texts: list[str] = []
        while True:
            s = strip[i]
            raw = lines[i]
            if not s:
                # A line of two or more spaces keeps an empty line inside the paragraph.
                if len(raw) < 2:
                    break
                texts.append("")
                i += 1
                continue
            if raw[0] == "!":
                raw = raw[1:]
            elif texts and s[0] in _BREAKS_PARAGRAPH and _special(s):
                break
            if "\t" in raw:
                raw = raw.replace("\t", "    ")
            texts.append(raw.rstrip())
            i += 1
        self.i = i
        text = texts[0] if len(texts) == 1 else "\n".join(texts).strip("\n")
        if text:  # a lone "!" forces nothing
            self.out.append(Action(text, forced, start + 1))

    def _dialogue(self, s: str) -> None:
        cue_line = self.i + 1
        forced = s[0] == "@"
        if forced:
            s = s[1:].lstrip()
        dual = s[-1:] == "^"
        if dual:
            s = s[:-1].rstrip()
        character = Character.from_cue(s, forced=True) if forced else self.cues.get(s) or self._cue(s)
        lines, strip = self.lines, self.strip
        i = self.i + 1
        parts: list[Parenthetical | Line | Lyric] = []
        spoken: list[str] = []
        spoken_line = 0
        while True:
            t = strip[i]
            if not t:
                if len(lines[i]) < 2:
                    break
                if spoken:  # two spaces: an empty line inside the speech
                    spoken.append("")
            elif (t[0] == "(" and t[-1] == ")") or t[0] == "~":
                if spoken:
                    parts.append(_spoken(spoken, spoken_line))
                    spoken = []
                if t[0] == "(":
                    parts.append(Parenthetical(t, i + 1))
                else:
                    start = i
                    sung = [t[1:].lstrip()]
                    while strip[i + 1][:1] == "~":
                        i += 1
                        sung.append(strip[i][1:].lstrip())
                    parts.append(Lyric("\n".join(sung), start + 1))
            else:
                if not spoken:
                    spoken_line = i + 1
                spoken.append(t)
            i += 1
        if spoken:
            parts.append(Line("\n".join(spoken).rstrip("\n") if len(spoken) > 1 else spoken[0], spoken_line))
        self.i = i
        dialogue = Dialogue(character, tuple(parts), cue_line)
        if dual and self.out and isinstance(self.out[-1], Dialogue):
            left = self.out.pop()
            self.out.append(DualDialogue(left, dialogue, left.line))
        else:
            self.out.append(dialogue)


def _spoken(texts: list[str], line: int) -> Line:
    return Line("\n".join(texts).rstrip("\n") if len(texts) > 1 else texts[0], line)


def _is_centered(s: str) -> bool:
    return len(s) > 1 and s[0] == ">" and s[-1] == "<"


def _special(s: str) -> bool:
    """A line that starts an element of its own even in the middle of a paragraph."""
    if s.startswith(("~", ">", "#", "[[", "/*")):
        return s[:2] != "[[" or _whole_note(s)
    return s[:1] == "=" and (s[1:2] != "=" or _PAGE_BREAK.fullmatch(s) is not None)


def _whole_note(s: str) -> bool:
    return s.endswith("]]") and s.find("]]") == len(s) - 2


def _looks_like_transition_to(s: str) -> bool:
    return s.endswith("TO:") and s.isupper()


def _parse_cue(s: str) -> Character | None:
    """The character if ``s`` reads as a cue (``MARY (V.O.) ^``), else None."""
    if s[-1:] == "^":
        s = s[:-1].rstrip()
    if not s.isupper() and "(" not in s:
        return None  # lowercase words outside any extension: not a name
    if _HEADING.match(s):
        # A slug line with text under it is a heading missing its blank line, not a name.
        return None
    character = Character.from_cue(s)
    if character.name and character.name == character.name.upper() and _LETTER.search(character.name):
        return character
    return None


def _is_cue(s: str) -> bool:
    """Would ``s``, after a blank line and above text, be read as a character cue?"""
    if s[:1] == "@":
        return len(s) > 1
    return _parse_cue(s) is not None


# --- writing -----------------------------------------------------------------


def format(script: Screenplay) -> str:
    """The script as canonical Fountain text."""
    blocks: list[str] = []
    if script.title_page:
        blocks.append("\n".join(_title_field(f) for f in script.title_page.fields))
    blocks.extend(_block(el) for el in script.elements)
    first = script.elements[0] if script.elements else None
    if not script.title_page and isinstance(first, Action) and _TITLE_KEY.fullmatch(blocks[0].split("\n")[0]):
        # Without a title page, a first line like "Note: ..." would be read as one.
        blocks[0] = "!" + blocks[0]
    return "\n\n".join(blocks) + "\n"


def _title_field(f: TitleField) -> str:
    if len(f.values) == 1:
        return f"{f.key}: {f.values[0]}"
    return "\n".join([f"{f.key}:", *(f"    {v}" for v in f.values)])


def _block(el: Element) -> str:
    if isinstance(el, Action):
        return _action_text(el.text, el.forced)
    if isinstance(el, Dialogue):
        return _dialogue_text(el, dual=False)
    if isinstance(el, DualDialogue):
        return _dialogue_text(el.left, dual=False) + "\n\n" + _dialogue_text(el.right, dual=True)
    if isinstance(el, SceneHeading):
        number = f" #{el.number}#" if el.number else ""
        auto = _HEADING.match(el.text + " ") and not el.text.startswith(".")
        return ("" if auto and not el.forced else ".") + el.text + number
    if isinstance(el, Transition):
        auto = _looks_like_transition_to(el.text)
        return el.text if auto and not el.forced else f"> {el.text}"
    if isinstance(el, Centered):
        return "\n".join(f"> {t} <" for t in el.text.split("\n"))
    if isinstance(el, Lyric):
        return _lyric_text(el.text)
    if isinstance(el, Note):
        return "[[" + _keep_empty(el.text) + "]]"
    if isinstance(el, Boneyard):
        return "/*" + el.text + "*/"
    if isinstance(el, Section):
        return "#" * el.depth + " " + el.text
    if isinstance(el, Synopsis):
        return "= " + el.text
    if isinstance(el, PageBreak):
        return "==="
    raise TypeError(f"not a screenplay element: {el!r}")


def _keep_empty(text: str) -> str:
    """Empty lines inside an element are written as two spaces so they don't end it."""
    return "\n".join(t or "  " for t in text.split("\n"))


def _lyric_text(text: str) -> str:
    return "\n".join("~" + t for t in text.split("\n"))


def _action_text(text: str, forced: bool) -> str:
    lines = text.split("\n")
    out: list[str] = []
    for k, line in enumerate(lines):
        if not line:
            out.append("  ")
            continue
        stripped = line.lstrip()
        misread = _special(stripped) or stripped.startswith("!")
        if k == 0:
            # A following empty line is written as spaces, which the heading rules read as blank.
            alone = len(lines) == 1 or not lines[1]
            misread = misread or forced or _misread_first(stripped, alone=alone)
        out.append("!" + line if misread else line)
    return "\n".join(out)


def _misread_first(s: str, *, alone: bool) -> bool:
    """Would this first line of an action paragraph be read as another element?

    ``alone`` when no text follows it on the next line, as for a heading.
    """
    if s.startswith(_SPECIAL_START):
        return True
    if alone:
        return bool(_HEADING.match(s + " ")) or _looks_like_transition_to(s) or s.upper() in ("INT", "EXT")
    return _is_cue(s)


def _dialogue_text(d: Dialogue, *, dual: bool) -> str:
    c = d.character
    cue = c.cue + (" ^" if dual else "")
    plain_cue = _is_cue(cue) and not cue.startswith(_SPECIAL_START) and "(" not in c.name
    lines = [cue if plain_cue and not c.forced else "@" + cue]
    for part in d.parts:
        if isinstance(part, Parenthetical):
            lines.append(part.text)
        elif isinstance(part, Lyric):
            lines.append(_lyric_text(part.text))
        else:
            lines.append(_keep_empty(part.text))
    return "\n".join(lines)
