"""The script laid out as printed pages: US Letter, Courier 12, industry margins.

One pure layout engine that the PDF writer, the HTML preview and the script
statistics share, so "page 12" and "a 3/8 page scene" mean the same thing
everywhere. Courier 12 puts ten characters in an inch and six lines in an inch,
so the page is a grid: every position here is a column in inches from the left
edge of the paper and a row counted from the top margin.

Pagination follows the conventions of screenwriting software: one blank line
between elements; a scene heading never ends a page; a speech breaks only with at
least two lines on either side, between sentences where it can, with ``(MORE)``
under the first half and the cue repeated with ``(CONT'D)`` over the second;
action breaks the same way without the furniture; ``===`` starts a new page;
notes, boneyard, sections and synopses take no room.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Literal, TypeAlias

from clapboard.screenplay.emphasis import Span, spans
from clapboard.screenplay.model import (
    Action,
    Centered,
    Character,
    Dialogue,
    DualDialogue,
    Line,
    Lyric,
    PageBreak,
    Parenthetical,
    SceneHeading,
    Screenplay,
    TitleField,
    Transition,
)

__all__ = [
    "CENTRED_TITLE_KEYS",
    "CHARS_PER_INCH",
    "DRAFT_TITLE_KEYS",
    "LEFT_MARGIN",
    "LINES_PER_INCH",
    "LINES_PER_PAGE",
    "PAGE_HEIGHT",
    "PAGE_NUMBER_TOP",
    "PAGE_WIDTH",
    "RIGHT_MARGIN",
    "TOP_MARGIN",
    "Layout",
    "LineKind",
    "Page",
    "PrintLine",
    "SceneLength",
    "format_eighths",
    "paginate",
    "row_top",
    "typewriter",
]

#: Paper and type: US Letter in inches, Courier 12 pt on its 10 × 6 per inch grid.
PAGE_WIDTH = 8.5
PAGE_HEIGHT = 11.0
CHARS_PER_INCH = 10
LINES_PER_INCH = 6
TOP_MARGIN = 1.0
LEFT_MARGIN = 1.5
RIGHT_MARGIN = 7.5  # where the widest line ends, measured from the left edge like every x here
#: Body lines per page. With the 1" top margin this leaves 5/6" at the bottom, the
#: count Final Draft and its peers fit on a page (the rule of thumb is ~55).
LINES_PER_PAGE = 55
#: Top of the page number's line, half an inch from the top edge.
PAGE_NUMBER_TOP = 0.5

LineKind: TypeAlias = Literal[
    "heading",
    "action",
    "character",
    "parenthetical",
    "dialogue",
    "lyric",
    "transition",
    "centered",
    "more",
    "scene-number",
    "title",
]


@dataclass(frozen=True)
class PrintLine:
    """One line of type on a page.

    ``row`` counts lines down from the top margin (0 is the first body line),
    ``x`` is inches from the left edge of the paper. ``element`` indexes
    ``Screenplay.elements``; ``part`` indexes the parts of a speech (in dual
    dialogue, of its own side); ``scene`` indexes ``Screenplay.scenes``. Two
    lines share a row in dual dialogue and beside a numbered scene heading.
    """

    kind: LineKind
    row: int
    x: float
    spans: tuple[Span, ...]
    element: int | None = None
    part: int | None = None
    scene: int | None = None

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


@dataclass(frozen=True)
class Page:
    """A printed page and its lines, top to bottom, left to right."""

    number: int
    lines: tuple[PrintLine, ...]

    @property
    def label(self) -> str:
        """The number printed top right: ``2.``; the first page carries none."""
        return f"{self.number}." if self.number > 1 else ""

    @property
    def text(self) -> str:
        """The page as plain text on the character grid, for tests and quick looks."""
        rows: dict[int, str] = {}
        for ln in self.lines:
            col = round(ln.x * CHARS_PER_INCH)  # columns from the paper's edge
            rows[ln.row] = rows.get(ln.row, "").ljust(col) + ln.text
        last = max(rows, default=-1)
        return "\n".join(rows.get(r, "") for r in range(last + 1))


@dataclass(frozen=True)
class SceneLength:
    """Where a scene falls in the printed script: its first page and its length in eighths of a page."""

    index: int
    number: str
    page: int
    eighths: int

    @property
    def length(self) -> str:
        """The length as a breakdown sheet writes it: ``1 3/8``."""
        return format_eighths(self.eighths)


@dataclass(frozen=True)
class Layout:
    """The laid-out script: numbered body pages, the title page apart, and scene lengths."""

    pages: tuple[Page, ...]
    scenes: tuple[SceneLength, ...]
    title_page: Page | None = None

    @property
    def page_count(self) -> int:
        """Body pages; the title page is not counted, as in the trade."""
        return len(self.pages)


def format_eighths(eighths: int) -> str:
    """Page eighths as written on a breakdown: ``3/8``, ``1``, ``1 3/8`` (never reduced to ``1/2``)."""
    pages, rest = divmod(eighths, 8)
    if not rest:
        return str(pages)
    return f"{pages} {rest}/8" if pages else f"{rest}/8"


def row_top(row: int) -> float:
    """Inches from the top edge of the paper to the top of body row ``row``."""
    return TOP_MARGIN + row / LINES_PER_INCH


# --- typewriter text -------------------------------------------------------------

_TYPEWRITER = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2212", "-"),
        **dict.fromkeys("\u2014\u2015", "--"),
        **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff", ""),
        "\t": "    ",
        "\u2026": "...",
        "\u2022": "*",
        "\u2122": "(TM)",
        "\u20ac": "EUR",
        "\u0152": "OE",
        "\u0153": "oe",
        "\u0141": "L",
        "\u0142": "l",
        "\u0131": "i",
    }
)


def typewriter(text: str) -> str:
    """``text`` in the Latin-1 repertoire of the printer's Courier.

    Curly quotes straighten, an em dash becomes the typist's ``--``, accented
    letters outside Latin-1 lose their accent, and anything else prints as
    ``?``. The layout measures this text, so what is printed fits the grid.
    """
    text = text.translate(_TYPEWRITER)
    if text.isascii() and text.replace("\n", "").isprintable():
        return text
    out: list[str] = []
    for ch in text:
        if ch == "\n" or ("\x20" <= ch <= "\x7e") or ("\xa0" <= ch <= "\xff"):
            out.append(ch)
        elif unicodedata.category(ch).startswith("C"):
            continue  # control and format characters take no room on paper
        elif unicodedata.category(ch) == "Zs":
            out.append(" ")
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
            out.append(base if base and all(" " <= c <= "\xff" for c in base) else "?")
    return "".join(out)


# --- styled text and word wrap ---------------------------------------------------

_BOLD, _ITALIC, _UNDERLINE = 1, 2, 4


@dataclass(frozen=True)
class _Text:
    """Printable text with one style mask per character, so it can be cut anywhere."""

    chars: str
    styles: tuple[int, ...]

    @classmethod
    def of(cls, markup: str, *, italic: bool = False) -> _Text:
        chars: list[str] = []
        styles: list[int] = []
        for run in spans(markup):
            piece = typewriter(run.text)
            mask = (_BOLD if run.bold else 0) | (_ITALIC if run.italic or italic else 0)
            mask |= _UNDERLINE if run.underline else 0
            chars.append(piece)
            styles.extend([mask] * len(piece))
        return cls("".join(chars), tuple(styles))

    def cut(self, start: int, end: int | None = None) -> _Text:
        return _Text(self.chars[start:end], self.styles[start:end])

    def spans(self, start: int, end: int) -> tuple[Span, ...]:
        runs: list[Span] = []
        i = start
        while i < end:
            j = i
            while j < end and self.styles[j] == self.styles[i]:
                j += 1
            mask = self.styles[i]
            runs.append(Span(self.chars[i:j], bool(mask & _BOLD), bool(mask & _ITALIC), bool(mask & _UNDERLINE)))
            i = j
        return tuple(runs)


@dataclass(frozen=True)
class _Segment:
    """One wrapped line: a slice of the text; ``hung`` marks a continuation line of a hanging indent."""

    start: int
    end: int
    hung: bool = False

    @property
    def blank(self) -> bool:
        return self.start == self.end


def _wrap(text: str, width: int, hang: int = 0) -> list[_Segment]:
    """Greedy word wrap of ``text`` to ``width`` characters, keeping its own line breaks.

    Leading spaces of a written line are kept (writers indent action on purpose);
    continuation lines start at the next word, ``hang`` characters further in.
    """
    out: list[_Segment] = []
    pos = 0
    for written in text.split("\n"):
        start, end = pos, pos + len(written)
        pos = end + 1
        if not written.strip():
            out.append(_Segment(start, start))
            continue
        i, first = start, True
        while i < end:
            room = width if first else width - hang
            if end - i <= room:
                out.append(_Segment(i, _rstrip(text, i, end), not first))
                break
            brk = _break_at(text, i, i + room)
            out.append(_Segment(i, _rstrip(text, i, brk), not first))
            i = brk
            while i < end and text[i] == " ":
                i += 1
            first = False
    return out


def _break_at(text: str, start: int, limit: int) -> int:
    """Where a line starting at ``start`` should end so it is at most ``limit - start`` wide."""
    first_word = start
    while first_word < limit and text[first_word] == " ":
        first_word += 1
    # The latest space (a break before it) or hyphen (a break after it) past the first word.
    for k in range(limit, first_word, -1):
        if text[k] == " " and text[k - 1] != " ":
            return k
        if text[k - 1] == "-" and k - 1 > first_word and text[k - 2] != " " and text[k] != "-":
            return k
    return limit  # a word longer than the line is cut where the line ends


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] == " ":
        end -= 1
    return end


# A sentence ends at . ! or ? (and any closing quote or bracket) before a space and a word that is not lower case.
_SENTENCE = re.compile(r"([.!?]+[\"')\]]*)( +)(?=[^\sa-z])")
_LINE_BREAK = re.compile(r"[ ]*\n(?:[ ]*\n)*")
_ABBREVIATION = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Lt|Sgt|Col|Capt|Prof|vs|etc|No)\.$")


def _sentence_cuts(text: str) -> list[tuple[int, int]]:
    """Places a paragraph may be cut between sentences: (end of the first half, start of the second)."""
    # Keyed by where the second half starts, so a sentence ending a written line counts once.
    second: dict[int, int] = {}
    for m in _LINE_BREAK.finditer(text):
        if text[: m.start()].strip() and m.end() < len(text):
            second[m.end()] = m.start()
    for m in _SENTENCE.finditer(text):
        if not _ABBREVIATION.search(text, max(0, m.end(1) - 6), m.end(1)):
            second[m.end()] = m.end(1)
    return sorted((first_end, second_start) for second_start, first_end in second.items())


# --- blocks: the units the paginator places ------------------------------------


@dataclass(frozen=True)
class _Slot:
    """Where an element's lines sit: left edge in inches and width in characters."""

    x: float
    width: int
    hang: int = 0


def _inch(chars: int) -> float:
    return chars / CHARS_PER_INCH


_ACTION = _Slot(LEFT_MARGIN, 60)
_HEADING = _Slot(LEFT_MARGIN, 60)
_CUE = _Slot(3.7, 38)
_PAREN = _Slot(3.1, 20, hang=1)
_DIALOGUE = _Slot(2.5, 35)
_TRANSITION_WIDTH = 25
_CENTER = (LEFT_MARGIN + RIGHT_MARGIN) / 2
# Dual dialogue: two columns 2.8" wide with 0.3" between them.
_DUAL = (
    {"character": _Slot(2.3, 21), "parenthetical": _Slot(1.9, 20, hang=1), "dialogue": _Slot(1.5, 28)},
    {"character": _Slot(5.4, 21), "parenthetical": _Slot(5.0, 20, hang=1), "dialogue": _Slot(4.6, 28)},
)
_SCENE_NUMBER_LEFT_END = 1.2
_SCENE_NUMBER_RIGHT = 7.8
_MORE = "(MORE)"
_CONTD = "(CONT'D)"


@dataclass(frozen=True)
class _Piece:
    """A line's content before it has a row: what kind, where across, the styled words."""

    kind: LineKind
    x: float
    spans: tuple[Span, ...]
    part: int | None = None


_Row: TypeAlias = tuple[_Piece, ...]


@dataclass(frozen=True)
class _Part:
    """One paragraph of a flowing block: action text, or a wryly, line or lyric of a speech."""

    kind: LineKind
    slot: _Slot
    text: _Text
    index: int | None = None

    def segments(self) -> list[_Segment]:
        return _wrap(self.text.chars, self.slot.width, self.slot.hang)

    def rows(self) -> list[_Row]:
        return [
            ()
            if seg.blank
            else (
                _Piece(
                    self.kind,
                    self.slot.x + _inch(self.slot.hang if seg.hung else 0),
                    self.text.spans(seg.start, seg.end),
                    self.index,
                ),
            )
            for seg in self.segments()
        ]


@dataclass(frozen=True)
class _Cut:
    """A way to split a flowing block: ``head`` rows stay on this page, the rest go over."""

    part: int
    head: int  # rows on this page, (MORE) included
    body: int  # rows of the block's own text on this page
    tail: int  # rows of text going over
    between_sentences: bool
    prefix: _Text | None = None  # first half of part ``part`` when the cut is inside it
    rest: _Text | None = None


@dataclass(frozen=True)
class _Block:
    """Rows that print together. Fixed blocks (headings, transitions, dual dialogue) never split."""

    element: int
    scene: int | None
    rows: tuple[_Row, ...]
    space_before: int = 1
    keep_with_next: bool = False

    def min_head(self) -> int:
        """The fewest rows this block can leave at the bottom of a page."""
        return len(self.rows)

    def split(self, room: int, *, strict: bool) -> tuple[tuple[_Row, ...], _Block] | None:
        """The rows that fill ``room`` and the block that carries on, or None when it cannot break."""
        if strict or room < 1:
            return None
        return self.rows[:room], _Block(self.element, self.scene, self.rows[room:])


@dataclass(frozen=True)
class _Flow(_Block):
    """Action or a speech: paragraphs that may break across pages."""

    parts: tuple[_Part, ...] = ()
    cue: tuple[_Row, ...] = ()
    cue_continued: tuple[_Row, ...] = ()

    def min_head(self) -> int:
        cuts = self._cuts(strict=True)
        return min((c.head for c in cuts), default=len(self.rows))

    def split(self, room: int, *, strict: bool) -> tuple[tuple[_Row, ...], _Block] | None:
        fitting = [c for c in self._cuts(strict=strict) if c.head <= room]
        if not fitting:
            return super().split(room, strict=strict)
        best = max(fitting, key=lambda c: (c.between_sentences, c.head))
        return self._head(best), self._tail(best)

    def _cuts(self, *, strict: bool) -> list[_Cut]:
        least = 2 if strict else 1
        more = 1 if self.cue else 0
        part_rows = [len(p.segments()) for p in self.parts]
        cuts: list[_Cut] = []
        before = 0
        for i, part in enumerate(self.parts):
            after = sum(part_rows[i + 1 :])
            # Between two paragraphs; a wryly always stays with the words it introduces.
            if i and not (strict and self.parts[i - 1].kind == "parenthetical"):
                cuts.append(_Cut(i, len(self.cue) + before + more, before, part_rows[i] + after, True))
            if part.kind != "parenthetical" or not strict:
                cuts.extend(self._inside(i, part, before, after, more))
            before += part_rows[i]
        return [c for c in cuts if c.body >= least and c.tail >= least]

    def _inside(self, i: int, part: _Part, before: int, after: int, more: int) -> list[_Cut]:
        segs = part.segments()
        cuts: list[_Cut] = []
        for first_end, second_start in _sentence_cuts(part.text.chars):
            prefix, rest = part.text.cut(0, first_end), part.text.cut(second_start)
            head = len(replace(part, text=prefix).segments())
            tail = len(replace(part, text=rest).segments())
            cuts.append(_Cut(i, len(self.cue) + before + head + more, before + head, tail + after, True, prefix, rest))
        for k in range(1, len(segs)):
            if segs[k - 1].blank or segs[k].blank:
                continue
            prefix, rest = part.text.cut(0, segs[k - 1].end), part.text.cut(segs[k].start)
            cuts.append(
                _Cut(i, len(self.cue) + before + k + more, before + k, len(segs) - k + after, False, prefix, rest)
            )
        return cuts

    def _head(self, cut: _Cut) -> tuple[_Row, ...]:
        rows: list[_Row] = list(self.cue)
        for part in self.parts[: cut.part]:
            rows.extend(part.rows())
        if cut.prefix is not None:
            rows.extend(replace(self.parts[cut.part], text=cut.prefix).rows())
        if self.cue:
            rows.append((_Piece("more", _CUE.x, (Span(_MORE),)),))
        return tuple(rows)

    def _tail(self, cut: _Cut) -> _Flow:
        parts = self.parts[cut.part :]
        if cut.rest is not None:
            parts = (replace(parts[0], text=cut.rest), *parts[1:])
        return _flow(self.element, self.scene, parts, self.cue_continued, self.cue_continued)


def _flow(
    element: int,
    scene: int | None,
    parts: tuple[_Part, ...],
    cue: tuple[_Row, ...] = (),
    cue_continued: tuple[_Row, ...] = (),
) -> _Flow:
    rows = list(cue)
    for part in parts:
        rows.extend(part.rows())
    while rows and not rows[-1]:
        rows.pop()  # blank lines written at the end of action take no room
    return _Flow(element, scene, tuple(rows), parts=parts, cue=cue, cue_continued=cue_continued)


class _TurnPage:
    """Where the writer forced a page break."""


def _blocks(script: Screenplay, scene_numbers: bool) -> list[_Block | _TurnPage]:
    """The printable elements as blocks, with a marker where the writer forced a page break."""
    out: list[_Block | _TurnPage] = []
    scene: int | None = None
    for index, el in enumerate(script.elements):
        if isinstance(el, SceneHeading):
            scene = 0 if scene is None else scene + 1
            number = (el.number or str(scene + 1)) if scene_numbers else None
            out.append(_heading(index, scene, el, number))
        elif isinstance(el, PageBreak):
            out.append(_TurnPage())
        elif isinstance(el, Action):
            out.append(_flow(index, scene, (_Part("action", _ACTION, _Text.of(el.text)),)))
        elif isinstance(el, Lyric):
            out.append(_flow(index, scene, (_Part("lyric", _DIALOGUE, _Text.of(el.text, italic=True)),)))
        elif isinstance(el, Dialogue):
            out.append(_speech(index, scene, el))
        elif isinstance(el, DualDialogue):
            out.append(_Block(index, scene, _dual(el)))
        elif isinstance(el, Transition):
            out.append(_Block(index, scene, _aligned("transition", _Text.of(el.text), _TRANSITION_WIDTH, "right")))
        elif isinstance(el, Centered):
            out.append(_Block(index, scene, _aligned("centered", _Text.of(el.text), _ACTION.width, "center")))
        # Notes, boneyard, sections and synopses never print.
    return [b for b in out if isinstance(b, _TurnPage) or any(b.rows)]


def _heading(index: int, scene: int, el: SceneHeading, number: str | None) -> _Block:
    # A heading always takes its row, even blank, so every scene has a place on the page.
    rows = [list(r) for r in _Part("heading", _HEADING, _Text.of(el.text)).rows() if r] or [
        [_Piece("heading", _HEADING.x, ())]
    ]
    if number is not None:
        label = typewriter(number)
        rows[0].insert(0, _Piece("scene-number", _SCENE_NUMBER_LEFT_END - _inch(len(label)), (Span(label),)))
        rows[0].append(_Piece("scene-number", _SCENE_NUMBER_RIGHT, (Span(label),)))
    return _Block(index, scene, tuple(tuple(r) for r in rows), keep_with_next=True)


def _cue_rows(character: Character, slot: _Slot, *, continued: bool) -> tuple[_Row, ...]:
    cue = character.cue
    if continued and not character.is_continued:
        cue = f"{cue} {_CONTD}"
    return tuple(_Part("character", slot, _Text.of(cue)).rows())


def _speech_parts(dialogue: Dialogue, slots: dict[str, _Slot]) -> tuple[_Part, ...]:
    parts: list[_Part] = []
    for i, p in enumerate(dialogue.parts):
        if isinstance(p, Parenthetical):
            parts.append(_Part("parenthetical", slots["parenthetical"], _Text.of(p.text), i))
        elif isinstance(p, Lyric):
            parts.append(_Part("lyric", slots["dialogue"], _Text.of(p.text, italic=True), i))
        elif isinstance(p, Line):
            parts.append(_Part("dialogue", slots["dialogue"], _Text.of(p.text), i))
    return tuple(parts)


def _speech(index: int, scene: int | None, dialogue: Dialogue) -> _Flow:
    slots = {"parenthetical": _PAREN, "dialogue": _DIALOGUE}
    return _flow(
        index,
        scene,
        _speech_parts(dialogue, slots),
        _cue_rows(dialogue.character, _CUE, continued=False),
        _cue_rows(dialogue.character, _CUE, continued=True),
    )


def _dual(el: DualDialogue) -> tuple[_Row, ...]:
    columns: list[list[_Row]] = []
    for side, dialogue in zip(_DUAL, (el.left, el.right), strict=True):
        rows = list(_cue_rows(dialogue.character, side["character"], continued=False))
        for part in _speech_parts(dialogue, side):
            rows.extend(part.rows())
        columns.append(rows)
    left, right = columns
    depth = max(len(left), len(right))
    left += [()] * (depth - len(left))
    right += [()] * (depth - len(right))
    return tuple(a + b for a, b in zip(left, right, strict=True))


def _aligned(kind: LineKind, text: _Text, width: int, align: Literal["right", "center"]) -> tuple[_Row, ...]:
    rows: list[_Row] = []
    for seg in _wrap(text.chars, width):
        if seg.blank:
            rows.append(())
            continue
        chars = _inch(seg.end - seg.start)
        x = RIGHT_MARGIN - chars if align == "right" else _CENTER - chars / 2
        # Snap to the character grid so a centred line sits on whole columns like typed text.
        x = round(x * CHARS_PER_INCH * 2) / (CHARS_PER_INCH * 2)
        rows.append((_Piece(kind, x, text.spans(seg.start, seg.end)),))
    return tuple(rows)


# --- the paginator ----------------------------------------------------------------


@dataclass
class _Typist:
    """Types blocks onto pages, one row at a time, starting a fresh sheet when one is full."""

    pages: list[list[PrintLine]] = field(default_factory=lambda: [[]])
    used: int = 0

    @property
    def room(self) -> int:
        return LINES_PER_PAGE - self.used

    def new_page(self) -> None:
        self.pages.append([])
        self.used = 0

    def gap(self, block: _Block) -> int:
        return 0 if self.used == 0 else block.space_before

    def type(self, block: _Block, rows: tuple[_Row, ...]) -> None:
        self.used += self.gap(block)
        for row in rows:
            # Rounded to a hundredth of an inch so positions compare without float noise.
            self.pages[-1].extend(
                PrintLine(p.kind, self.used, round(p.x, 2), p.spans, block.element, p.part, block.scene) for p in row
            )
            self.used += 1

    def place(self, block: _Block, need: int) -> None:
        """Type ``block``; ``need`` is the room it wants on its first page (more when it keeps with the next)."""
        while True:
            room = self.room - self.gap(block)
            if need <= room or (self.used == 0 and len(block.rows) <= room):
                self.type(block, block.rows)
                return
            cut = None
            if self.used == 0:
                # Taller than a whole page: break cleanly if it can, else where it must.
                cut = block.split(room, strict=True) or block.split(room, strict=False)
            elif not block.keep_with_next:
                cut = block.split(room, strict=True)
            if cut is not None:
                self.type(block, cut[0])
                block = cut[1]
                need = len(block.rows)
            self.new_page()


def paginate(script: Screenplay, *, scene_numbers: bool = False) -> Layout:
    """Lay ``script`` out on US Letter pages in Courier 12 the way screenwriting software prints it."""
    typist = _Typist()
    blocks = _blocks(script, scene_numbers)
    needs = _needs(blocks)
    for block, need in zip(blocks, needs, strict=True):
        if isinstance(block, _Block):
            typist.place(block, need)
        elif typist.used:
            typist.new_page()
    sheets = typist.pages if typist.pages[-1] else typist.pages[:-1]
    pages = tuple(Page(n, tuple(sorted(lines, key=lambda ln: (ln.row, ln.x)))) for n, lines in enumerate(sheets, 1))
    return Layout(pages, _scene_lengths(script, pages), _title_page(script))


def _needs(blocks: list[_Block | _TurnPage]) -> list[int]:
    """Rows each block needs on the page it starts: a heading carries the start of what follows it.

    Worked back to front so a run of headings (scenes with no body) travels as one.
    """
    needs = [0] * len(blocks)
    for i in range(len(blocks) - 1, -1, -1):
        block = blocks[i]
        if not isinstance(block, _Block):
            continue
        needs[i] = len(block.rows)
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        if block.keep_with_next and isinstance(following, _Block):
            carried = needs[i + 1] if following.keep_with_next else following.min_head()
            needs[i] += following.space_before + carried
    return needs


def _scene_lengths(script: Screenplay, pages: tuple[Page, ...]) -> tuple[SceneLength, ...]:
    """Each scene's first page and its length in eighths of a page, measured as a ruler would.

    On each page a scene covers the rows from its first line to the next scene's
    heading, or to its own last line and the blank line after it. Blank space at
    the foot of a page counts for no scene, so a scene that a forced page break
    cuts short is not inflated. Every scene is at least an eighth.
    """
    extent: dict[int, dict[int, list[int]]] = {}  # scene -> page -> [first row, last row]
    for page in pages:
        for ln in page.lines:
            if ln.scene is not None:
                rows = extent.setdefault(ln.scene, {}).setdefault(page.number, [ln.row, ln.row])
                rows[1] = max(rows[1], ln.row)
    out: list[SceneLength] = []
    for scene in script.scenes:
        on_pages = extent[scene.index]  # a heading always prints, so every scene has rows
        after = extent.get(scene.index + 1, {})
        covered = 0
        for number, (top, bottom) in on_pages.items():
            end = after[number][0] if number in after else min(bottom + 2, LINES_PER_PAGE)
            covered += end - top
        eighths = max(1, int(covered * 8 / LINES_PER_PAGE + 0.5))
        out.append(SceneLength(scene.index, scene.number, min(on_pages), eighths))
    return tuple(out)


# --- the title page ---------------------------------------------------------------

_TITLE_ROW = 16  # a third of the way down the sheet
#: Title page keys printed centred, in this order; those printed bottom right; all others go bottom left.
CENTRED_TITLE_KEYS = ("title", "credit", "author", "authors", "source")
DRAFT_TITLE_KEYS = ("draft date", "date", "revision")


def _title_page(script: Screenplay) -> Page | None:
    """The title page in the standard arrangement, or None when the script has none.

    Title, credit, author and source centred from a third of the way down;
    the draft date bottom right; contact and any other keys bottom left.
    """
    fields = script.title_page.fields
    if not fields:
        return None
    centred = sorted((f for f in fields if f.key.lower() in CENTRED_TITLE_KEYS), key=lambda f: _centred_order(f.key))
    right = [f for f in fields if f.key.lower() in DRAFT_TITLE_KEYS]
    left = [f for f in fields if f.key.lower() not in CENTRED_TITLE_KEYS + DRAFT_TITLE_KEYS]
    lines: list[PrintLine] = []
    row = _TITLE_ROW
    for f in centred:
        for r in _field_rows(f, "center"):
            lines.extend(PrintLine("title", row, p.x, p.spans) for p in r)
            row += 1
        row += 1
    for group, align in ((left, "left"), (right, "right")):
        stack = [r for f in group for r in (*_field_rows(f, align), ())][:-1]
        top = LINES_PER_PAGE - len(stack)
        for offset, r in enumerate(stack):
            lines.extend(PrintLine("title", top + offset, p.x, p.spans) for p in r)
    return Page(0, tuple(sorted(lines, key=lambda ln: (ln.row, ln.x))))


def _centred_order(key: str) -> int:
    return CENTRED_TITLE_KEYS.index(key.lower())


def _field_rows(f: TitleField, align: Literal["left", "right", "center"]) -> list[_Row]:
    text = _Text.of("\n".join(v.strip() for v in f.values))
    if align == "left":
        return _Part("title", _Slot(LEFT_MARGIN, 35), text).rows()
    return list(_aligned("title", text, _ACTION.width if align == "center" else 30, align))
