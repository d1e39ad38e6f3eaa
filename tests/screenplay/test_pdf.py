"""The PDF writer, read back with poppler's pdftotext / pdfinfo / pdffonts."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

import clapboard
from clapboard.screenplay import pdf
from clapboard.screenplay.fountain import parse
from clapboard.screenplay.model import Action, Screenplay

SCRIPT = """\
Title: _**THE LONG NIGHT**_
Credit: written by
Author: Jane Doe
Draft date: 1 May 2024
Contact:
    Jane Doe
    jane@example.com

FADE IN:

INT. DINER - NIGHT #12#

Rain *hammers* the windows — it’s “loud”. The cook, Ádám Kővári, hums…

MARY (V.O.)
(quietly)
I told you. I told you twice.

BOB
No.

> CUT TO:

EXT. STREET - DAY

BOB
{speech}

>THE END<
"""


def long_script() -> Screenplay:
    speech = " ".join(f"Sentence {i} of the long speech goes on." for i in range(90))
    return parse(SCRIPT.format(speech=speech))


@pytest.fixture(scope="module")
def poppler() -> None:
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils is not installed (see scripts/apt-packages.txt)")


def run(tool: str, *args: str) -> str:
    return subprocess.run([tool, *args], check=True, capture_output=True, text=True).stdout


def pdf_file(tmp_path: Path, script: Screenplay, **options: bool) -> Path:
    path = tmp_path / "script.pdf"
    path.write_bytes(pdf.write(script, **options))
    return path


def info(path: Path) -> dict[str, str]:
    return dict(ln.split(":", 1) for ln in run("pdfinfo", str(path)).splitlines() if ":" in ln)


def page_text(path: Path, page: int, *, layout: bool = True) -> str:
    args = ["-f", str(page), "-l", str(page), *(["-layout"] if layout else []), str(path), "-"]
    return run("pdftotext", *args)


def words_at(path: Path, page: int) -> list[tuple[str, float, float, float]]:
    """(word, left, right, top) in points for each word on ``page``."""
    html = run("pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-")
    found = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', html)
    return [(w, float(x0), float(x1), float(y0)) for x0, y0, x1, w in found]


@pytest.mark.usefixtures("poppler")
def test_pages_title_page_and_numbers(tmp_path: Path) -> None:
    script = long_script()
    path = pdf_file(tmp_path, script)
    meta = info(path)
    layout = clapboard.screenplay.pagination.paginate(script)
    assert int(meta["Pages"]) == layout.page_count + 1 == 4  # the title page is not numbered
    assert meta["Page size"].strip().startswith("612 x 792")
    assert meta["Title"].strip() == "THE LONG NIGHT"
    assert meta["Author"].strip() == "Jane Doe"
    title = page_text(path, 1)
    assert "THE LONG NIGHT" in title and "written by" in title and "jane@example.com" in title
    first, second = page_text(path, 2), page_text(path, 3)
    assert "INT. DINER - NIGHT" in first
    assert not re.search(r"^\s*1\.\s*$", first, re.M)  # no number on page 1
    assert second.lstrip().startswith("2.")


@pytest.mark.usefixtures("poppler")
def test_more_and_contd_across_the_page(tmp_path: Path) -> None:
    path = pdf_file(tmp_path, long_script())
    first, second = page_text(path, 2, layout=False), page_text(path, 3, layout=False)
    assert first.rstrip().endswith("(MORE)")
    assert "BOB (CONT'D)" in second
    said_last = [ln for ln in first.splitlines() if "Sentence" in ln or "goes on" in ln][-1]
    assert said_last.endswith("goes on.")  # the break falls between sentences


@pytest.mark.usefixtures("poppler")
def test_words_sit_at_the_standard_indents(tmp_path: Path) -> None:
    path = pdf_file(tmp_path, long_script())
    words = words_at(path, 2)

    def left(word: str) -> float:
        return next(x0 for w, x0, _, _ in words if w == word) / 72

    assert left("INT.") == pytest.approx(1.5, abs=0.02)  # heading
    assert left("Rain") == pytest.approx(1.5, abs=0.02)  # action
    assert left("MARY") == pytest.approx(3.7, abs=0.02)  # cue
    assert left("(quietly)") == pytest.approx(3.1, abs=0.02)  # parenthetical
    assert left("I") == pytest.approx(2.5, abs=0.02)  # dialogue
    cut = next(x1 for w, _, x1, _ in words if w == "TO:") / 72
    assert cut == pytest.approx(7.5, abs=0.02)  # transition ends at the right margin
    top = min(y0 for *_, y0 in words) / 72
    assert top == pytest.approx(1.0, abs=0.1)  # first line under the 1" top margin
    number = [(x1, y0) for w, _, x1, y0 in words_at(path, 3) if w == "2."]
    assert number and number[0][0] / 72 == pytest.approx(7.5, abs=0.02) and number[0][1] / 72 < 0.75


@pytest.mark.usefixtures("poppler")
def test_non_latin_1_text_prints_as_typewriter_text(tmp_path: Path) -> None:
    text = page_text(pdf_file(tmp_path, long_script()), 2, layout=False)
    assert 'windows -- it\'s "loud"' in text
    assert "Ádám\nKovári, hums..." in text


@pytest.mark.usefixtures("poppler")
def test_emphasis_uses_courier_styles(tmp_path: Path) -> None:
    fonts = run("pdffonts", str(pdf_file(tmp_path, long_script())))
    for face in ("Courier", "Courier-Bold", "Courier-Oblique"):
        assert re.search(rf"^{face}\s", fonts, re.M), fonts


@pytest.mark.usefixtures("poppler")
def test_scene_numbers_in_both_margins(tmp_path: Path) -> None:
    numbered = page_text(pdf_file(tmp_path, long_script(), scene_numbers=True), 2)
    assert re.search(r"^\s*12\s+INT\. DINER - NIGHT\s+12\s*$", numbered, re.M)
    assert re.search(r"^\s*2\s+EXT\. STREET - DAY\s+2\s*$", numbered, re.M)
    plain = page_text(pdf_file(tmp_path, long_script()), 2)
    assert not re.search(r"^\s*12\s+INT", plain, re.M)


@pytest.mark.usefixtures("poppler")
def test_a_script_with_nothing_to_print_is_one_blank_page(tmp_path: Path) -> None:
    assert int(info(pdf_file(tmp_path, Screenplay()))["Pages"]) == 1


def test_same_script_same_bytes() -> None:
    first, again = pdf.write(long_script()), pdf.write(long_script())
    assert first.startswith(b"%PDF-") and first == again
    other = Screenplay(elements=(*long_script().elements, Action("One more line.")))
    assert pdf.write(other) != first


def test_written_through_the_format_registry(tmp_path: Path) -> None:
    script = long_script()
    path = tmp_path / "out" / "film.pdf"
    script.save(path, scene_numbers=True)
    assert path.read_bytes() == clapboard.dumps(script, "pdf", scene_numbers=True)
