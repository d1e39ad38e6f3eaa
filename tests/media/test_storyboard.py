"""The printed storyboard: six panels a page, each with its shot line and dialogue."""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

import pytest

from clapboard.media import Move, MoveKind, Panel, storyboard
from tests.media.frames import frame


def pdf_pages(path: Path) -> int:
    report = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in report.splitlines() if line.startswith("Pages:")))


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def panels(count: int) -> list[Panel]:
    return [
        Panel(
            frame((40 * n % 255, 120, 200), (640, 360)),
            2.5,
            scene=str(n // 3 + 1),
            shot=f"{n // 3 + 1}{'ABC'[n % 3]}",
            size="MCU",
            move=Move.of(MoveKind.PUSH_IN) if n % 2 else Move(),
            dialogue=(f"MARY: Line number {n}, “quoted” — and long enough to wrap across the width of a panel.",),
        )
        for n in range(count)
    ]


@pytest.mark.parametrize("count", [1, 6, 7, 13])
def test_six_panels_make_a_page(tmp_path: Path, count: int) -> None:
    out = storyboard(panels(count), tmp_path / "storyboard.pdf")
    assert pdf_pages(out) == math.ceil(count / 6)


def test_each_panel_shows_its_shot_line_and_its_dialogue(tmp_path: Path) -> None:
    text = " ".join(pdf_text(storyboard(panels(2), tmp_path / "board.pdf", title="The Diner")).split())
    assert "The Diner" in text
    assert "Sc 1 | 1A | MCU | static | 2.5 s" in text
    assert "Sc 1 | 1B | MCU | push in | 2.5 s" in text
    assert 'MARY: Line number 1, "quoted" -- and long' in text


def test_the_same_board_gives_the_same_bytes(tmp_path: Path) -> None:
    first = storyboard(panels(3), tmp_path / "a.pdf").read_bytes()
    assert storyboard(panels(3), tmp_path / "b.pdf").read_bytes() == first
