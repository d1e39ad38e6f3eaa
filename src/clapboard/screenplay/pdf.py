"""Screenplay PDF in standard format: the shared page layout, typed in Courier 12.

Everything about where words go is decided by :mod:`clapboard.screenplay.pagination`;
this module only puts that layout on paper with fpdf2's built-in Courier, so the
file needs no font files and prints the same everywhere.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from fpdf import FPDF

from clapboard.screenplay.emphasis import plain
from clapboard.screenplay.pagination import (
    CHARS_PER_INCH,
    PAGE_HEIGHT,
    PAGE_NUMBER_TOP,
    PAGE_WIDTH,
    RIGHT_MARGIN,
    Page,
    PrintLine,
    paginate,
    row_top,
)

if TYPE_CHECKING:
    from clapboard.screenplay.model import Screenplay

__all__ = ["write"]

_POINTS = 72  # per inch
_FONT_SIZE = 12
# Courier's baseline sits 9 pt below the top of its 12 pt line.
_BASELINE = 9 / _POINTS
# A fixed date keeps the bytes a function of the script alone: same script, same file.
_CREATED = datetime(2000, 1, 1, tzinfo=UTC)


def write(script: Screenplay, *, scene_numbers: bool = False) -> bytes:
    """The script as a PDF in standard screenplay format: title page, numbered pages, (MORE)/(CONT'D).

    ``scene_numbers`` prints each scene's number in both margins. Identical scripts
    give identical bytes.
    """
    layout = paginate(script, scene_numbers=scene_numbers)
    pdf = FPDF(unit="pt", format=(PAGE_WIDTH * _POINTS, PAGE_HEIGHT * _POINTS))
    pdf.set_auto_page_break(False)
    pdf.set_creation_date(_CREATED)
    pdf.set_creator("Clapboard")
    if script.title:
        pdf.set_title(" ".join(plain(script.title).split()))
    author = script.title_page.get("author") or script.title_page.get("authors")
    if author:
        pdf.set_author(" ".join(plain(author).split()))
    if layout.title_page is not None:
        _sheet(pdf, layout.title_page)
    for page in layout.pages:
        _sheet(pdf, page)
    if not pdf.pages:
        pdf.add_page()  # a script with nothing to print is still a valid, blank document
    return bytes(pdf.output())


def _sheet(pdf: FPDF, page: Page) -> None:
    pdf.add_page()
    if page.label:
        x = RIGHT_MARGIN - len(page.label) / CHARS_PER_INCH
        _type(pdf, x, PAGE_NUMBER_TOP, page.label, "")
    for line in page.lines:
        _type_line(pdf, line)


def _type_line(pdf: FPDF, line: PrintLine) -> None:
    x = line.x
    for span in line.spans:
        style = ("B" if span.bold else "") + ("I" if span.italic else "") + ("U" if span.underline else "")
        _type(pdf, x, row_top(line.row), span.text, style)
        x += len(span.text) / CHARS_PER_INCH


def _type(pdf: FPDF, x: float, top: float, text: str, style: str) -> None:
    """Print ``text`` with its left edge ``x`` inches in and its line's top ``top`` inches down."""
    pdf.set_font("Courier", style, _FONT_SIZE)
    pdf.text(x * _POINTS, (top + _BASELINE) * _POINTS, text)
