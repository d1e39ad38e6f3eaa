"""A printed storyboard: six panels a page, each with its frame, its shot line and the dialogue under it.

Pages are A4 landscape in three columns and two rows, set in fpdf2's built-in
Helvetica so the file needs no font files. Frames are embedded as JPEG at
print size, which keeps a long board small.
"""

from __future__ import annotations

import io
import os
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF
from PIL import Image

from clapboard.media.animatic import Panel

PANELS_PER_PAGE = 6
_COLUMNS, _ROWS = 3, 2
_PAGE_WIDTH, _PAGE_HEIGHT, _MARGIN, _GUTTER = 297.0, 210.0, 12.0, 6.0  # millimetres
_HEADER = 10.0
#: Widest a frame is embedded, in pixels: sharp at print size, small on disk.
_EMBED_WIDTH = 800
# A fixed date keeps the bytes a function of the panels alone.
_CREATED = datetime(2000, 1, 1, tzinfo=UTC)
# Helvetica covers Latin-1 only; typographic marks a script is full of get their plain forms.
_PLAIN = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "—": "--", "–": "-", "…": "..."})


def storyboard(panels: Sequence[Panel], out: Path, *, title: str = "Storyboard") -> Path:
    """Write the storyboard PDF of ``panels`` to ``out``: six to a page, in order."""
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_creation_date(_CREATED)
    pdf.set_creator("Clapboard")
    pdf.set_title(_latin(title))
    cell_width = (_PAGE_WIDTH - 2 * _MARGIN - (_COLUMNS - 1) * _GUTTER) / _COLUMNS
    cell_height = (_PAGE_HEIGHT - 2 * _MARGIN - _HEADER - (_ROWS - 1) * _GUTTER) / _ROWS
    pages = max((len(panels) + PANELS_PER_PAGE - 1) // PANELS_PER_PAGE, 1)
    for page in range(pages):
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 11)
        pdf.set_xy(_MARGIN, _MARGIN)
        pdf.cell(0, 6, _latin(title))
        pdf.set_font("Helvetica", "", 9)
        pdf.set_xy(_MARGIN, _MARGIN)
        pdf.cell(0, 6, f"page {page + 1} of {pages}", align="R")
        for slot, panel in enumerate(panels[page * PANELS_PER_PAGE : (page + 1) * PANELS_PER_PAGE]):
            x = _MARGIN + (slot % _COLUMNS) * (cell_width + _GUTTER)
            y = _MARGIN + _HEADER + (slot // _COLUMNS) * (cell_height + _GUTTER)
            _panel(pdf, panel, x, y, cell_width, cell_height)
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(f".{out.name}.{os.getpid()}.partial")
    try:
        pdf.output(str(temporary))
        os.replace(temporary, out)
    finally:
        temporary.unlink(missing_ok=True)
    return out


def _panel(pdf: FPDF, panel: Panel, x: float, y: float, width: float, height: float) -> None:
    """One panel: the frame in a thin border, the shot line in bold, then as much dialogue as fits."""
    frame = panel.frame()
    picture_height = width * frame.height / frame.width
    embedded = io.BytesIO()
    if frame.width > _EMBED_WIDTH:
        frame = frame.resize((_EMBED_WIDTH, round(_EMBED_WIDTH * frame.height / frame.width)), Image.Resampling.LANCZOS)
    frame.save(embedded, format="JPEG", quality=85)
    pdf.image(embedded, x=x, y=y, w=width, h=picture_height)
    pdf.set_draw_color(60, 60, 60)
    pdf.rect(x, y, width, picture_height)
    line = 4.0
    pdf.set_xy(x, y + picture_height + 1.5)
    pdf.set_font("Helvetica", "B", 9)
    pdf.cell(width, line, _fit(pdf, _shot_line(panel), width))
    pdf.set_font("Helvetica", "", 8)
    room = int((height - picture_height - 1.5 - line) // line)
    words = [_latin(text) for text in (*panel.dialogue, *([panel.caption] if not panel.dialogue else []))]
    lines = [row for text in words for row in _rows(pdf, text, width)]
    if len(lines) > room:
        lines = [*lines[: max(room - 1, 0)], "..."]
    for row in lines[:room]:
        pdf.set_xy(x, pdf.get_y() + line)
        pdf.cell(width, line, row)


def _shot_line(panel: Panel) -> str:
    """ "Sc 3  |  3A  |  MCU  |  push in  |  2.5 s": the panel's place in the film and what the camera does."""
    parts = [
        f"Sc {panel.scene}" if panel.scene else "",
        panel.shot,
        panel.size,
        panel.move.kind.value,
        f"{float(panel.seconds):g} s",
    ]
    return _latin("  |  ".join(p for p in parts if p))


def _rows(pdf: FPDF, text: str, width: float) -> list[str]:
    """``text`` broken into rows no wider than ``width`` in the current font."""
    rows: list[str] = []
    for word in text.split():
        if rows and pdf.get_string_width(f"{rows[-1]} {word}") <= width:
            rows[-1] = f"{rows[-1]} {word}"
        else:
            rows.append(_fit(pdf, word, width))
    return rows


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """``text`` cut short (with "...") so it fits ``width`` in the current font."""
    while text and pdf.get_string_width(text) > width:
        text = text[:-4] + "..." if len(text) > 4 else text[:-1]
    return text


def _latin(text: str) -> str:
    """``text`` in the Latin-1 that Helvetica can set: plain quotes and dashes, accents kept, the rest as '?'."""
    text = unicodedata.normalize("NFC", text.translate(_PLAIN))
    return text.encode("latin-1", errors="replace").decode("latin-1")
