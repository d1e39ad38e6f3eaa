"""`clapboard breakdown` and `clapboard shots` on a bare script, writing into a folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from clapboard.cli import app

SCRIPT = """\
Title: Two Chairs

INT. KITCHEN - NIGHT

Ann and Ben sit across the table. Ann takes a letter from her coat.

ANN
You should read this.

BEN
Not tonight.
"""


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "two-chairs.fountain"
    path.write_text(SCRIPT)
    return path


def test_breakdown_writes_its_files_into_the_chosen_folder(script: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["breakdown", str(script), "-o", str(tmp_path / "prep")])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "prep").iterdir())
    assert written == ["arc.json", "breakdown.csv", "breakdown.html", "breakdown.json", "continuity.json"]
    assert f"wrote {tmp_path / 'prep' / 'breakdown.html'}" in result.output


def test_shots_writes_into_the_current_folder_by_default(
    script: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["shots", str(script)])
    assert result.exit_code == 0, result.output
    assert {"shots.json", "shots.csv", "shots.html"} <= {p.name for p in tmp_path.iterdir()}
    assert "insert" in (tmp_path / "shots.csv").read_text()


def test_a_missing_script_is_one_line_and_a_bad_input_exit(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["breakdown", str(tmp_path / "nope.fountain")])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
