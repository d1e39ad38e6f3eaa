"""Fountain's inline markup: emphasis, escapes and inline notes.

Element text in the model keeps the markup as written. Writers that need styled
runs (PDF, FDX, HTML) call :func:`spans`; those that need plain words call
:func:`plain`. Emphasis never crosses a line break, as the spec says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ESCAPABLE = "\\*_[]/"
# Order matters: the longest marker wins where several could open at one place.
_MARKERS: tuple[tuple[str, frozenset[str]], ...] = (
    ("***", frozenset({"bold", "italic"})),
    ("**", frozenset({"bold"})),
    ("*", frozenset({"italic"})),
    ("_", frozenset({"underline"})),
)
_INLINE_NOTE = re.compile(r"\[\[.*?\]\]", re.S)
_INLINE_BONEYARD = re.compile(r"/\*.*?\*/", re.S)
_HAS_MARKUP = re.compile(r"[\\*_]|\[\[|/\*")


@dataclass(frozen=True)
class Span:
    """A run of text with one style."""

    text: str
    bold: bool = False
    italic: bool = False
    underline: bool = False

    @property
    def style(self) -> frozenset[str]:
        return frozenset(
            name for name, on in (("bold", self.bold), ("italic", self.italic), ("underline", self.underline)) if on
        )


def strip_comments(text: str) -> str:
    """Text without inline ``[[notes]]`` and ``/* boneyard */``."""
    if "[[" in text:
        text = _INLINE_NOTE.sub("", text)
    if "/*" in text:
        text = _INLINE_BONEYARD.sub("", text)
    return text


def spans(text: str, *, keep_notes: bool = False) -> tuple[Span, ...]:
    """Styled runs of ``text``; inline notes are dropped unless ``keep_notes``."""
    if not keep_notes:
        text = strip_comments(text)
    if not _HAS_MARKUP.search(text):
        return (Span(text),) if text else ()
    out: list[Span] = []
    lines = text.split("\n")
    for i, line in enumerate(lines):
        _parse_line(line, frozenset(), out)
        if i < len(lines) - 1:
            out.append(Span("\n"))
    return tuple(_merge(out))


def plain(text: str) -> str:
    """The words of ``text`` with markup, escapes and inline notes removed."""
    if not _HAS_MARKUP.search(text):
        return text
    return "".join(s.text for s in spans(text))


def escape(text: str) -> str:
    """Plain text made safe to put in Fountain: markup characters escaped."""
    return re.sub(r"([\\*_])", r"\\\1", text)


def markup(runs: tuple[Span, ...] | list[Span]) -> str:
    """Styled runs back to Fountain markup (the inverse of :func:`spans`)."""
    parts: list[str] = []
    for run in runs:
        body = escape(run.text)
        if not run.text.strip():
            parts.append(body)
            continue
        # Markers must hug the words, so keep surrounding spaces outside them.
        lead = body[: len(body) - len(body.lstrip())]
        trail = body[len(body.rstrip()) :]
        core = body.strip()
        if run.bold and run.italic:
            core = f"***{core}***"
        elif run.bold:
            core = f"**{core}**"
        elif run.italic:
            core = f"*{core}*"
        if run.underline:
            core = f"_{core}_"
        parts.append(lead + core + trail)
    return "".join(parts)


def _parse_line(line: str, style: frozenset[str], out: list[Span]) -> None:
    buf: list[str] = []
    i, n = 0, len(line)
    while i < n:
        ch = line[i]
        if ch == "\\" and i + 1 < n and line[i + 1] in _ESCAPABLE:
            buf.append(line[i + 1])
            i += 2
            continue
        if ch in "*_":
            opened = _try_open(line, i, style)
            if opened is not None:
                marker, inner_style, close = opened
                if buf:
                    out.append(_span("".join(buf), style))
                    buf = []
                _parse_line(line[i + len(marker) : close], inner_style, out)
                i = close + len(marker)
                continue
        buf.append(ch)
        i += 1
    if buf:
        out.append(_span("".join(buf), style))


def _try_open(line: str, i: int, style: frozenset[str]) -> tuple[str, frozenset[str], int] | None:
    for marker, adds in _MARKERS:
        if not line.startswith(marker, i):
            continue
        start = i + len(marker)
        if start >= len(line) or line[start].isspace():
            continue
        close = _find_close(line, marker, start)
        if close is not None:
            return marker, style | adds, close
    return None


def _find_close(line: str, marker: str, start: int) -> int | None:
    j = start
    while True:
        j = line.find(marker, j)
        if j < 0:
            return None
        # Escaped when an odd number of backslashes stands right before the marker.
        slashes = j - len(line[:j].rstrip("\\"))
        escaped = slashes % 2 == 1
        # A closing marker hugs the text before it and is not part of a longer run.
        longer = line.startswith(marker[0], j + len(marker)) and marker != "_"
        if j > start and not escaped and not line[j - 1].isspace() and not longer:
            return j
        j += 1


def _span(text: str, style: frozenset[str]) -> Span:
    return Span(text, "bold" in style, "italic" in style, "underline" in style)


def _merge(runs: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for run in runs:
        if merged and merged[-1].style == run.style:
            merged[-1] = Span(merged[-1].text + run.text, run.bold, run.italic, run.underline)
        else:
            merged.append(run)
    return merged
