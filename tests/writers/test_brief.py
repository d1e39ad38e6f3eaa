"""What the room refuses before it writes a word, from the API and the command line."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner

from clapboard.cli import app
from clapboard.writers import Brief, WritersError

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.parametrize(
    ("brief", "problem"),
    [
        ({"logline": "  "}, "the logline is empty"),
        ({"logline": "A heist.", "pages": 0}, "--pages must be from 1 to 300, not 0"),
        ({"logline": "A heist.", "structure": "heros-journey"}, "unknown structure 'heros-journey'"),
    ],
)
def test_a_brief_that_cannot_be_written_says_why(brief: dict[str, object], problem: str) -> None:
    with pytest.raises(WritersError, match=problem):
        Brief(**brief)  # type: ignore[arg-type]


def test_the_command_line_turns_a_bad_brief_into_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["write", "A heist.", "--pages", "0", "-o", str(tmp_path / "s.fountain")])
    assert result.exit_code == 1
    assert result.output.strip() == "error: --pages must be from 1 to 300, not 0"
    assert not (tmp_path / "s.fountain").exists()


def test_new_takes_a_script_or_a_logline_not_both(tmp_path: Path) -> None:
    source = tmp_path / "draft.fountain"
    source.write_text("INT. ROOM - DAY\n\nA chair.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["new", str(tmp_path / "film"), "--from", str(source), "--logline", "A heist."])
    assert result.exit_code == 1
    assert "--from and --logline both give the script" in result.output
    assert not (tmp_path / "film").exists()
