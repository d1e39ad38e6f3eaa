"""Subtitles: the film's dialogue as cues in the professional style, SRT / WebVTT / ASS, and a validator.

:func:`cues` turns timed dialogue (:class:`Spoken`, one line of a character on
the film's timeline, timed from its real audio) into :class:`Cue` s that keep
the rules broadcasters and streaming services set for subtitlers
(:class:`StyleGuide`: 42 characters a line, two lines, 17 characters a second,
5/6 s to 7 s on screen, two frames between cues). :func:`write` and
:func:`read` go through pysubs2; :func:`check` reads a subtitle file and lists
every place it breaks those rules.

Conventions where style guides differ, and why:

- An off-screen speaker (V.O., O.S.) is named on the first cue of the line,
  in capitals in brackets, ``[RUTH] Where were you?``, as hard-of-hearing
  subtitles identify a voice the viewer cannot see. Later cues of the same
  line carry no label: the voice has not changed.
- Two characters speaking at once (dual dialogue) share one cue, a line each
  starting with ``- `` (the dash convention), when each fits on one line;
  otherwise their cues follow one another.
- A cue starts on the frame nearest its line's audio start. Its end is held at
  least to the end of the audio, and longer where the next cue leaves time:
  until it has been up for 5/6 s and long enough to read at 17 characters a
  second. A gap to the next cue under half a second is closed to the two-frame
  minimum, so the picture does not flicker. A speech split into several cues
  shares its time in proportion to characters, and a later part waits until the
  part before could be read.
- Reading speed and minimum duration are only at fault when the cue could have
  stayed up longer. When the next line's audio starts too soon (fast talk),
  the builder leaves the cue short and :func:`check` reports it with severity
  ``"warn"``: the fix is editorial (condense the words), not a timing slip.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from itertools import accumulate, combinations, pairwise
from pathlib import Path
from typing import Literal

import pysubs2

from clapboard.errors import FormatError
from clapboard.media.animatic import Format
from clapboard.media.ffmpeg import MediaError
from clapboard.screenplay.emphasis import plain

#: Words a line or a cue never ends on: articles, determiners, prepositions, conjunctions and "I"
#: belong with the words that follow them, so a break after one strands the reader mid-phrase.
KEEP_WITH_NEXT = frozenset(
    {
        *("a", "an", "the", "this", "that", "these", "those", "each", "every", "some", "any", "another", "such"),
        *("my", "your", "his", "its", "our", "their"),
        *("of", "to", "in", "on", "at", "by", "for", "from", "with", "into", "onto", "upon", "about", "above"),
        *("below", "over", "under", "after", "before", "between", "through", "during", "without", "within"),
        *("across", "against", "along", "among", "around", "behind", "beyond", "near", "toward", "towards"),
        *("until", "via", "than"),
        *("and", "but", "or", "nor", "because", "if", "unless", "although", "though", "while", "whereas", "i"),
    }
)

#: Abbreviations whose full stop does not end a sentence.
_ABBREVIATIONS = frozenset({"mr.", "mrs.", "ms.", "dr.", "st.", "jr.", "sr.", "prof.", "lt.", "sgt.", "capt.", "col."})
_SENTENCE_END = re.compile(r"[.!?…]['\"’”)\]]*$")
_CLAUSE_END = re.compile(r"([,;:—–]|--)['\"’”)\]]*$")
_OPENING_MARKS = "\"'“‘(["

# Costs of one way of splitting and breaking against another; only their order matters.
# A line break after a sentence reads best, then after a clause, then before a phrase ("and", "of", "the");
# in mid-phrase it costs, and after a word in KEEP_WITH_NEXT or inside a name it is the last resort.
_LINE_BREAK = {"sentence": -30.0, "clause": -20.0, "phrase": 0.0, "word": 8.0, "bound": 1000.0}
_TOP_HEAVY = 1.5  # a longer top line costs this much more per character than a longer bottom line
_CUE = 3.0  # every extra cue costs the viewer a refocus
_CUT = {"sentence": 1.0, "clause": 4.0, "word": 12.0, "bound": 100.0}  # where a speech splits into cues
_TOO_LONG = 1000.0  # a part of a speech whose share of the audio exceeds the maximum duration
_TOO_SHORT = 5.0  # a part whose share is under the minimum duration


@dataclass(frozen=True)
class StyleGuide:
    """The subtitler's rules: line length, lines per cue, reading speed, durations, gaps and line breaks.

    The defaults are the common professional ones (Netflix and the BBC agree on
    them for English at 24 fps).
    """

    max_chars: int = 42
    max_lines: int = 2
    max_cps: float = 17.0
    min_duration: float = 5 / 6
    max_duration: float = 7.0
    min_gap_frames: int = 2
    fps: int | Fraction = 24
    #: A gap shorter than this (seconds) closes to the minimum gap: a blink of empty screen reads as flicker.
    close_gap: float = 0.5
    keep_with_next: frozenset[str] = KEEP_WITH_NEXT
    #: Never break between two capitalised words (a first name and a surname, "Elm Street").
    keep_names: bool = True

    def __post_init__(self) -> None:
        if self.max_chars < 1 or self.max_lines < 1:
            raise MediaError(f"a cue needs room for text, not {self.max_lines} lines of {self.max_chars} characters")
        if self.max_cps <= 0 or self.min_duration < 0 or self.max_duration <= self.min_duration:
            raise MediaError(
                f"reading speed {self.max_cps} and durations {self.min_duration}-{self.max_duration} s are not sensible"
            )
        if self.min_gap_frames < 0 or self.fps <= 0 or self.close_gap < 0:
            raise MediaError(f"gap of {self.min_gap_frames} frames at {self.fps} fps is not sensible")

    def frames(self, seconds: float, *, up: bool = False) -> int:
        """``seconds`` on this guide's frame grid: the nearest frame, or the next one up with ``up``."""
        exact = Fraction(seconds) * Fraction(self.fps)
        # A hair of slack so that 5/6 s at 24 fps is 20 frames despite binary floats.
        return math.ceil(exact - Fraction(1, 10**6)) if up else round(exact)

    def seconds(self, frames: int) -> float:
        """A frame number as seconds on the film's timeline."""
        return float(frames / Fraction(self.fps))

    def reading_frames(self, chars: int) -> int:
        """How many frames a cue of ``chars`` characters needs on screen: long enough to read and no flash."""
        return max(1, self.frames(max(chars / self.max_cps, self.min_duration), up=True))

    @property
    def max_frames(self) -> int:
        """The longest a cue may stay up, in frames."""
        return max(1, math.floor(Fraction(self.max_duration) * Fraction(self.fps) + Fraction(1, 10**6)))


@dataclass(frozen=True)
class Spoken:
    """One line of dialogue on the film's timeline, timed (seconds) from its recorded audio.

    ``off_screen`` (V.O., O.S.) gets a speaker label. Two lines overlapping in
    time on opposite ``side`` s (0 left, 1 right) are dual dialogue.
    """

    character: str
    text: str
    start: float
    end: float
    off_screen: bool = False
    side: int = 0
    scene: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise MediaError(f"{self.character}'s line must start at 0 s or later and end after it starts")
        if self.side not in (0, 1):
            raise MediaError(f"{self.character}'s line is on side {self.side}; dual dialogue has sides 0 and 1")


@dataclass(frozen=True)
class Cue:
    """One subtitle: when it shows (seconds, on the frame grid), its lines, and the dialogue it came from.

    ``sources`` are indexes into the :class:`Spoken` sequence given to
    :func:`cues` (two for a dual-dialogue cue, none for a cue read from a file).
    """

    start: float
    end: float
    lines: tuple[str, ...]
    sources: tuple[int, ...] = ()
    speaker: str = ""

    @property
    def source(self) -> int | None:
        """The index of the line of dialogue this cue shows (the left one of a dual pair)."""
        return self.sources[0] if self.sources else None

    @property
    def text(self) -> str:
        """The cue's lines, one per text line."""
        return "\n".join(self.lines)

    @property
    def chars(self) -> int:
        """Characters a viewer reads: every character of every line, spaces and dashes included."""
        return sum(len(line) for line in self.lines)

    @property
    def duration(self) -> float:
        """How long the cue stays up, in seconds."""
        return self.end - self.start


class Rule(StrEnum):
    """A rule of the style guide that :func:`check` can find broken."""

    LINE_LENGTH = "line length"
    LINE_COUNT = "line count"
    READING_SPEED = "reading speed"
    MIN_DURATION = "min duration"
    MAX_DURATION = "max duration"
    GAP = "gap"
    OVERLAP = "overlap"
    LINE_BREAK = "line break"
    EMPTY = "empty"


@dataclass(frozen=True)
class Problem:
    """A broken rule: which cue (numbered from 1 as in the file), when it starts, which rule, and what is wrong.

    ``severity`` is ``"warn"`` where the cue could not have been better timed
    (the next cue leaves no room), ``"error"`` otherwise.
    """

    cue: int
    start: float
    rule: Rule
    message: str
    severity: Literal["error", "warn"] = "error"


# ---------------------------------------------------------------------------------------------------------------------
# From dialogue to cues


@dataclass(frozen=True)
class _Piece:
    """A cue before it is timed: its lines, when its words begin in the audio, and where it came from."""

    lines: tuple[str, ...]
    at: float
    sources: tuple[int, ...]
    speaker: str

    @property
    def chars(self) -> int:
        return sum(len(line) for line in self.lines)


@dataclass(frozen=True)
class _Block:
    """Pieces that share one stretch of audio: a line of dialogue, or a dual-dialogue pair."""

    start: float
    end: float
    pieces: tuple[_Piece, ...]


def cues(spoken: Sequence[Spoken], guide: StyleGuide = StyleGuide()) -> list[Cue]:
    """Subtitle cues for timed dialogue, in time order, each fitting ``guide`` wherever the audio allows.

    A line that fits one cue becomes exactly one cue (``cue.source`` names it);
    a longer one splits at sentence, then clause boundaries. Lines with no words
    (only a note, say) get no cue.
    """
    blocks = [block for block in _blocks(spoken, guide) if block.pieces]
    gap = guide.min_gap_frames
    firsts: list[int] = []
    for i, block in enumerate(blocks):
        first = guide.frames(block.start)
        if i:
            # Leave every piece of the block before at least a frame on screen, even under overlapping audio.
            first = max(first, firsts[-1] + len(blocks[i - 1].pieces) * (gap + 1))
        firsts.append(first)
    out: list[Cue] = []
    for i, block in enumerate(blocks):
        limit = firsts[i + 1] - gap if i + 1 < len(blocks) else None
        for piece, (start, end) in zip(block.pieces, _timing(block, firsts[i], limit, guide), strict=True):
            out.append(Cue(guide.seconds(start), guide.seconds(end), piece.lines, piece.sources, piece.speaker))
    return out


def _blocks(spoken: Sequence[Spoken], guide: StyleGuide) -> list[_Block]:
    """The dialogue in time order as blocks, pairing lines that overlap on opposite sides."""
    order = sorted(range(len(spoken)), key=lambda i: (spoken[i].start, spoken[i].side))
    blocks: list[_Block] = []
    k = 0
    while k < len(order):
        line = spoken[order[k]]
        if k + 1 < len(order):
            other = spoken[order[k + 1]]
            if other.side != line.side and other.start < line.end:
                blocks.append(_dual(order[k], line, order[k + 1], other, guide))
                k += 2
                continue
        blocks.append(_Block(line.start, line.end, tuple(_line_pieces(order[k], line, guide))))
        k += 1
    return blocks


def _dual(i: int, first: Spoken, j: int, second: Spoken, guide: StyleGuide) -> _Block:
    """Two lines spoken at once: one dash cue when each fits on a line, else their cues one after the other."""
    start, end = min(first.start, second.start), max(first.end, second.end)
    left, right = (i, first), (j, second)
    if first.side == 1:
        left, right = right, left
    if guide.max_lines >= 2 and end - start <= guide.max_duration:
        words = [_words(line, guide) for _, line in (left, right)]
        laid = [_layout(["-", *w], guide) if w else None for w in words]
        if all(one is not None and len(one[1]) == 1 for one in laid):
            lines = tuple(one[1][0] for one in laid if one is not None)
            piece = _Piece(lines, start, (left[0], right[0]), f"{left[1].character} / {right[1].character}")
            return _Block(start, end, (piece,))
    pieces = [*_line_pieces(i, first, guide), *_line_pieces(j, second, guide)]
    return _Block(start, end, tuple(pieces))


def _words(line: Spoken, guide: StyleGuide) -> list[str]:
    """The words of a line as shown: markup stripped, the off-screen label first, none longer than a line."""
    words = plain(line.text).split()
    if words and line.off_screen and line.character.strip():
        # A no-break space keeps a two-word name in one label token.
        words.insert(0, "[" + "\u00a0".join(line.character.upper().split()) + "]")
    return [word[k : k + guide.max_chars] for word in words for k in range(0, len(word), guide.max_chars)]


def _line_pieces(index: int, line: Spoken, guide: StyleGuide) -> list[_Piece]:
    """One line of dialogue as cue texts, each placed where its words begin in the line's audio."""
    words = _words(line, guide)
    if not words:
        return []
    label = 1 if line.off_screen and words[0].startswith("[") else 0
    spoken = max(1, len(" ".join(words[label:])))
    pieces: list[_Piece] = []
    for first, lines in _split(words, label, line.end - line.start, guide):
        said = len(" ".join(words[label:first])) + (first > label)
        at = line.start + (line.end - line.start) * said / spoken
        pieces.append(_Piece(lines, at, (index,), line.character))
    return pieces


def _split(words: list[str], label: int, seconds: float, guide: StyleGuide) -> list[tuple[int, tuple[str, ...]]]:
    """A speech's words as the fewest sensible cue texts: whole if it fits, else cut at sentences, then clauses.

    Each cue text comes with the index of its first word. The first ``label``
    words are a speaker label that stays with the first cue.
    """
    whole = _layout(words, guide)
    # A line that fits one cue stays one cue, unless its only settings break a bond that two cues would not.
    if (
        whole is not None
        and (seconds <= guide.max_duration or len(words) == label + 1)
        and whole[0] < _LINE_BREAK["bound"] / 2
    ):
        return [(label, whole[1])]
    n = len(words)
    total = max(1, len(" ".join(words[label:])))
    ends = [0, *accumulate(len(word) + 1 for word in words)]  # words[i:j] joined is ends[j] - ends[i] - 1 long
    # Breaks depend only on the words either side, so they are priced once for every span.
    breaks = [0.0] + [_line_break_cost(words, k, guide) for k in range(1, n)]
    cuts = [0.0] + [_CUT[_boundary(words, k, guide)] for k in range(1, n)]
    widest = guide.max_lines * (guide.max_chars + 1) - 1
    # best[j]: the cheapest way to set words[:j] as cues: (cost, where its last cue starts, that cue's lines).
    best: list[tuple[float, int, tuple[str, ...]] | None] = [None] * (n + 1)
    best[label] = (0.0, 0, ())
    for j in range(label + 1, n + 1):
        for i in range(j - 1, label - 1, -1):
            before = best[i]
            if before is None:
                continue
            if ends[j] - ends[0 if i == label else i] - 1 > widest:
                break
            shown = words[:j] if i == label else words[i:j]
            laid = _layout(shown, guide, breaks[: len(shown)] if i == label else breaks[i:j])
            if laid is None:
                continue
            share = seconds * (ends[j] - ends[i] - 1) / total
            cost = before[0] + _CUE + laid[0] / 10 + (cuts[j] if j < n else 0.0)
            if share > guide.max_duration and j - i > 1:
                cost += _TOO_LONG
            if share < guide.min_duration:
                cost += _TOO_SHORT
            current = best[j]
            if current is None or cost < current[0]:
                best[j] = (cost, i, laid[1])
    if best[n] is None:
        # Only a label too wide to share a cue with any word gets here: show the words without it.
        return [(first + label, lines) for first, lines in _split(words[label:], 0, seconds, guide)]
    parts: list[tuple[int, tuple[str, ...]]] = []
    j = n
    while j > label:
        found = best[j]
        assert found is not None  # every reachable end was recorded on the way
        parts.append((found[1], found[2]))
        j = found[1]
    return parts[::-1]


def _timing(block: _Block, first: int, limit: int | None, guide: StyleGuide) -> list[tuple[int, int]]:
    """Start and end frames for a block's pieces: from ``first``, every end at or before ``limit``.

    A piece waits until the piece before has been readable, unless that would
    push the rest past ``limit`` (the next line's start less the gap).
    """
    gap, pieces = guide.min_gap_frames, block.pieces
    need = [guide.reading_frames(piece.chars) for piece in pieces]
    heard = [first] + [max(first, guide.frames(piece.at)) for piece in pieces[1:]]
    starts = [first]
    for j in range(1, len(pieces)):
        starts.append(max(heard[j], starts[-1] + need[j - 1] + gap))
    if limit is not None:
        latest = limit - need[-1]
        for j in range(len(pieces) - 1, 0, -1):
            starts[j] = max(heard[j], min(starts[j], latest))
            latest -= gap + need[j - 1]
    for j in range(1, len(pieces)):
        starts[j] = max(starts[j], starts[j - 1] + gap + 1)
        if limit is not None:
            starts[j] = min(starts[j], limit - 1 - (len(pieces) - 1 - j) * (gap + 1))
    spans = [(s, min(nxt - gap, s + guide.max_frames)) for s, nxt in pairwise(starts)]
    last = starts[-1]
    end = min(max(guide.frames(block.end, up=True), last + need[-1]), last + guide.max_frames)
    if limit is not None:
        end = min(end, limit)
        if limit - end < guide.frames(guide.close_gap):
            end = min(limit, last + guide.max_frames)
    spans.append((last, end))
    return spans


def _layout(
    words: Sequence[str], guide: StyleGuide, costs: Sequence[float] | None = None
) -> tuple[float, tuple[str, ...]] | None:
    """The best setting of ``words`` on as few lines as fit ``guide``, with its cost; None if none fits.

    Among the settings with that many lines it prefers breaks after sentences
    and clauses, never after a word that belongs with the next, and balanced
    lines, a bottom-heavy pyramid over a top-heavy one. ``costs[k]`` is the
    cost of a break before ``words[k]`` when the caller has it already.
    """
    one = " ".join(words)
    if not words or len(one) <= guide.max_chars:
        return (0.0, (one,)) if words else None
    ends = list(accumulate(len(word) + 1 for word in words))
    if costs is None:
        costs = [0.0] + [_line_break_cost(words, k, guide) for k in range(1, len(words))]
    best: tuple[float, tuple[int, ...]] | None = None
    for count in range(2, guide.max_lines + 1):
        if len(one) > count * (guide.max_chars + 1) - 1:
            continue
        if count == 2:  # the usual case, priced directly
            for k in range(1, len(words)):
                top = ends[k - 1] - 1
                bottom = len(one) - top - 1
                if top <= guide.max_chars and bottom <= guide.max_chars:
                    cost = costs[k] + _shape(top, bottom)
                    if best is None or cost < best[0]:
                        best = (cost, (0, k, len(words)))
        else:
            for cut in combinations(range(1, len(words)), count - 1):
                bounds = (0, *cut, len(words))
                widths = [ends[b - 1] - (ends[a - 1] if a else 0) - 1 for a, b in pairwise(bounds)]
                if max(widths) > guide.max_chars:
                    continue
                cost = sum(costs[k] for k in cut) + sum(_shape(top, bottom) for top, bottom in pairwise(widths))
                if best is None or cost < best[0]:
                    best = (cost, bounds)
        if best is not None:
            return best[0], tuple(" ".join(words[a:b]) for a, b in pairwise(best[1]))
    return None


def _shape(top: int, bottom: int) -> float:
    """What an uneven pair of lines costs: a top-heavy pair more than a bottom-heavy one (the pyramid)."""
    return _TOP_HEAVY * (top - bottom) if top > bottom else float(bottom - top)


def _line_break_cost(words: Sequence[str], k: int, guide: StyleGuide) -> float:
    """The cost of a line break before ``words[k]``."""
    kind = _boundary(words, k, guide)
    if kind == "word" and _bare(words[k]) in guide.keep_with_next:
        return _LINE_BREAK["phrase"]
    return _LINE_BREAK[kind]


def _boundary(words: Sequence[str], k: int, guide: StyleGuide) -> Literal["sentence", "clause", "word", "bound"]:
    """What lies between ``words[k - 1]`` and ``words[k]``: a sentence or clause end, a plain space, or a bond."""
    word, following = words[k - 1], words[k]
    if (word.startswith("[") and word.endswith("]")) or word.lower() in _ABBREVIATIONS:
        return "bound"  # a speaker label stays with the words it introduces, "Dr." with the name
    if _SENTENCE_END.search(word) and word.lower() not in _ABBREVIATIONS:
        return "sentence"
    if _CLAUSE_END.search(word):
        return "clause"
    if not word[-1].isalnum():
        return "word"
    if _bare(word) in guide.keep_with_next:
        return "bound"
    if guide.keep_names and _capitalised(word) and _capitalised(following):
        return "bound"
    return "word"


def _bare(word: str) -> str:
    return word.lstrip(_OPENING_MARKS).lower()


def _capitalised(word: str) -> bool:
    bare = word.lstrip(_OPENING_MARKS)
    return bare[:1].isupper()


# ---------------------------------------------------------------------------------------------------------------------
# Files

_FORMATS = {".srt": "srt", ".vtt": "vtt", ".ass": "ass", ".ssa": "ssa"}
_WRITABLE = ("srt", "vtt", "ass")


#: The picture an ASS file's style is sized for unless told otherwise.
FULL_HD = Format(1920, 1080)


def write(cues: Sequence[Cue], path_or_format: str | Path, *, frame: Format = FULL_HD) -> bytes:
    """Cues as an SRT, WebVTT or ASS file (UTF-8); given a path, the format follows its extension and it is written.

    ASS gets a subtitle style sized for ``frame``: a sans face, white with a
    black outline, bottom centre above a tenth of the picture, and no automatic
    wrapping (the cues are already broken).
    """
    path = Path(path_or_format) if isinstance(path_or_format, Path) or "." in path_or_format else None
    fmt = _format_of(path) if path is not None else str(path_or_format).lower()
    if fmt not in _WRITABLE:
        raise FormatError(f"subtitles are written as {', '.join(_WRITABLE)}, not {path_or_format!r}")
    subs = pysubs2.SSAFile()
    if fmt == "ass":
        _dress(subs, frame)
    for cue in cues:
        subs.append(
            pysubs2.SSAEvent(
                start=round(cue.start * 1000), end=round(cue.end * 1000), text=r"\N".join(cue.lines), name=cue.speaker
            )
        )
    data = subs.to_string(fmt).encode("utf-8")
    if path is not None:
        path.write_bytes(data)
    return data


def _dress(subs: pysubs2.SSAFile, frame: Format) -> None:
    """The house subtitle style for ASS, in the picture's own pixels."""
    subs.info["PlayResX"] = str(frame.width)
    subs.info["PlayResY"] = str(frame.height)
    subs.info["WrapStyle"] = "2"  # lines break only where the cue says
    subs.info["ScaledBorderAndShadow"] = "yes"
    subs.styles["Default"] = pysubs2.SSAStyle(
        fontname="Arial",  # the usual subtitle sans; renderers substitute their nearest sans when it is missing
        fontsize=round(frame.height / 20),
        primarycolor=pysubs2.Color(255, 255, 255, 0),
        outlinecolor=pysubs2.Color(0, 0, 0, 0),
        backcolor=pysubs2.Color(0, 0, 0, 128),
        outline=max(1, round(frame.height / 360)),
        shadow=max(1, round(frame.height / 1080)),
        alignment=pysubs2.Alignment.BOTTOM_CENTER,
        marginl=round(frame.width / 10),
        marginr=round(frame.width / 10),
        marginv=round(frame.height / 10),
    )


def read(data: bytes, fmt: str | None = None) -> list[Cue]:
    """The cues of an SRT, WebVTT or ASS file, in file order (``fmt`` None: detected from the contents)."""
    return [
        Cue(event.start / 1000, event.end / 1000, tuple(_lines(event)), speaker=event.name)
        for event in _load(data, fmt)
    ]


def _lines(event: pysubs2.SSAEvent) -> list[str]:
    text = event.plaintext.strip()
    return text.split("\n") if text else []


def _load(data: bytes, fmt: str | None) -> list[pysubs2.SSAEvent]:
    """The dialogue events of a subtitle file; MediaError when it cannot be read."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MediaError(f"not UTF-8 text (byte {exc.start})") from exc
    try:
        subs = pysubs2.SSAFile.from_string(text, format_=fmt)
    except (pysubs2.Pysubs2Error, ValueError, KeyError, IndexError) as exc:
        raise MediaError(f"not a readable {fmt or 'subtitle'} file: {exc}") from exc
    events = subs.get_text_events()
    if not events and text.strip() and fmt in ("srt", "vtt"):
        raise MediaError(f"no {fmt} cues found (expected lines like 00:00:01,000 --> 00:00:02,500)")
    return events


def _format_of(path: Path) -> str:
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise FormatError(f"{path}: subtitles are .srt, .vtt, .ass or .ssa files")
    return fmt


# ---------------------------------------------------------------------------------------------------------------------
# The validator


def check(
    data: bytes, fmt: str | None = None, guide: StyleGuide = StyleGuide(), fps: int | Fraction | None = None
) -> list[Problem]:
    """Every place a subtitle file breaks ``guide``, cue by cue (``fps`` None: the guide's frame rate).

    Times in files are rounded (1 ms in SRT / WebVTT, 10 ms in ASS), so each
    comparison allows that much.
    """
    events = _load(data, fmt)
    slack = 10 if fmt in ("ass", "ssa") or (fmt is None and data.lstrip().startswith(b"[Script Info]")) else 1
    rate = Fraction(fps if fps is not None else guide.fps)
    gap_ms = float(guide.min_gap_frames / rate * 1000)
    found: list[Problem] = []
    order = sorted(range(len(events)), key=lambda i: (events[i].start, events[i].end))
    following = dict(pairwise(order))
    for i, event in enumerate(events):
        nxt = events[following[i]] if i in following else None
        found.extend(_cue_problems(i + 1, event, nxt, guide, gap_ms, slack))
    return sorted(found, key=lambda p: p.cue)


def _cue_problems(
    number: int,
    event: pysubs2.SSAEvent,
    nxt: pysubs2.SSAEvent | None,
    guide: StyleGuide,
    gap_ms: float,
    slack: int,
) -> list[Problem]:
    """The rules one cue breaks, alone and against the cue after it in time."""
    at = event.start / 1000
    lines = _lines(event)
    out: list[Problem] = []

    def flag(rule: Rule, message: str, severity: Literal["error", "warn"] = "error") -> None:
        out.append(Problem(number, at, rule, message, severity))

    duration = event.end - event.start
    # How late the cue could end: up to the next cue less the gap, and no later than the maximum duration.
    room = event.start + guide.max_duration * 1000
    if nxt is not None:
        room = min(room, nxt.start - gap_ms)
    held_fully = event.end + slack >= room
    if not lines:
        flag(Rule.EMPTY, "the cue has no text")
    else:
        if len(lines) > guide.max_lines:
            flag(Rule.LINE_COUNT, f"{len(lines)} lines, over {guide.max_lines}")
        for k, line in enumerate(lines, 1):
            if len(line) > guide.max_chars:
                flag(Rule.LINE_LENGTH, f"line {k} has {len(line)} characters, over {guide.max_chars}")
        dash_dialogue = len(lines) > 1 and all(line.startswith("-") for line in lines)
        for k, line in enumerate(lines[:-1], 1):
            last = line.split()[-1] if line.split() else ""
            if not dash_dialogue and last[-1:].isalnum() and _bare(last) in guide.keep_with_next:
                flag(Rule.LINE_BREAK, f"line {k} ends on {last!r}, which belongs with the next line")
        chars = sum(len(line) for line in lines)
        if duration > 0 and chars / ((duration + slack) / 1000) > guide.max_cps:
            cps = chars / (duration / 1000)
            why = "; the next cue leaves no time to hold it longer" if held_fully else ""
            flag(
                Rule.READING_SPEED,
                f"{cps:.1f} characters/s, over {guide.max_cps:g}{why}",
                "warn" if held_fully else "error",
            )
    if duration + slack < guide.min_duration * 1000:
        why = "; the next cue leaves no time to hold it longer" if held_fully else ""
        flag(
            Rule.MIN_DURATION,
            f"{duration / 1000:.3f} s on screen, under {guide.min_duration:.3f} s{why}",
            "warn" if held_fully else "error",
        )
    if duration - slack > guide.max_duration * 1000:
        flag(Rule.MAX_DURATION, f"{duration / 1000:.3f} s on screen, over {guide.max_duration:g} s")
    if nxt is not None:
        between = nxt.start - event.end
        if between < 0:
            flag(Rule.OVERLAP, f"overlaps the next cue by {-between} ms")
        elif between + slack < gap_ms:
            flag(Rule.GAP, f"{between} ms before the next cue, under {guide.min_gap_frames} frames ({gap_ms:.0f} ms)")
    return out


def format_problem(problem: Problem, path: str | Path) -> str:
    """One line for the CLI: ``file:cue N (00:01:02,500): rule: message``, the rule marked when only a warning."""
    ms = round(problem.start * 1000)
    stamp = f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"
    rule = f"{problem.rule} (warning)" if problem.severity == "warn" else str(problem.rule)
    return f"{path}:cue {problem.cue} ({stamp}): {rule}: {problem.message}"


def check_file(path: Path, guide: StyleGuide = StyleGuide()) -> list[str]:
    """The problems of a subtitle file as CLI lines; the format follows the extension (.srt, .vtt, .ass, .ssa).

    Raises FormatError for another extension and MediaError, naming the file,
    when it cannot be read.
    """
    fmt = _format_of(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MediaError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        problems = check(data, fmt, guide)
    except MediaError as exc:
        raise MediaError(f"{path}: {exc}") from exc
    return [format_problem(problem, path) for problem in problems]
