"""The ``clapboard`` command line: conversions, stats, and one clear line for every bad input."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

import clapboard
from clapboard.cli import app
from clapboard.screenplay.stats import script_stats

SCRIPT = textwrap.dedent(
    """\
    Title: Two Cups
    Author: A. Writer

    INT. CAFE - DAY

    MARA sets down two cups. One for her, one for the empty chair.

    MARA
    He's late.

    JONAH (O.S.)
    I'm *always* late.

    EXT. STREET - NIGHT

    JONAH
    Same time tomorrow?

    CUT TO:
    """
)

runner = CliRunner()


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "two-cups.fountain"
    path.write_text(SCRIPT, encoding="utf-8")
    return path


def clapboard_cli(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args])


# --- what works ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".fountain", ".fdx", ".json"])
def test_convert_to_a_readable_format_keeps_the_script(script: Path, tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"out{suffix}"
    result = clapboard_cli("convert", script, target)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert clapboard.load(target) == clapboard.load(script)


def test_convert_to_pdf_and_html(script: Path, tmp_path: Path) -> None:
    assert clapboard_cli("convert", script, tmp_path / "out.pdf").exit_code == 0
    assert clapboard_cli("convert", script, tmp_path / "out.html").exit_code == 0
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF-")
    assert "Same time tomorrow?" in (tmp_path / "out.html").read_text(encoding="utf-8")


def test_scene_numbers_change_the_pdf(script: Path, tmp_path: Path) -> None:
    plain, numbered = tmp_path / "plain.pdf", tmp_path / "numbered.pdf"
    assert clapboard_cli("convert", script, plain).exit_code == 0
    assert clapboard_cli("convert", script, numbered, "--scene-numbers").exit_code == 0
    assert plain.read_bytes() != numbered.read_bytes()


def test_convert_replaces_an_existing_output(script: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.fountain"
    target.write_text("old draft")
    assert clapboard_cli("convert", script, target).exit_code == 0
    assert clapboard.load(target) == clapboard.load(script)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_stats_prints_tables(script: Path) -> None:
    result = clapboard_cli("stats", script)
    assert result.exit_code == 0, result.output
    for expected in (
        "Two Cups",
        "INT. CAFE - DAY",
        "MARA",
        "JONAH",
        "one page a minute",
        "1 INT, 1 EXT",
        "1 DAY, 1 NIGHT",
    ):
        assert expected in result.stdout


def test_stats_json_is_the_library_result(script: Path) -> None:
    result = clapboard_cli("stats", script, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data == json.loads(json.dumps(script_stats(clapboard.load(script)).as_dict()))
    assert [c["name"] for c in data["characters"]] == ["JONAH", "MARA"]  # two speeches before one
    assert data["characters"][0]["words"] == 6  # "I'm always late." + "Same time tomorrow?"


def test_version() -> None:
    result = clapboard_cli("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"clapboard {clapboard.__version__}"


@pytest.mark.parametrize("args", [["--help"], ["convert", "--help"], ["stats", "--help"]])
def test_help_reads_like_documentation(args: list[str]) -> None:
    result = clapboard_cli(*args)
    assert result.exit_code == 0
    assert "Examples" in result.stdout
    assert "clapboard " + (args[0] if args[0] != "--help" else "convert") in result.stdout


def test_no_arguments_shows_the_help() -> None:
    result = clapboard_cli()
    assert "convert" in result.output
    assert "stats" in result.output


# --- bad input: one line on stderr, exit status 2, the input untouched ---------------------------------------------

BAD_INPUTS = {
    "binary": ("photo.fountain", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.fountain:3: binary data"),
    "invalid-utf8": (
        "latin1.fountain",
        "INT. CAFÉ - DAY\n\nOlé.\n".encode("latin-1"),
        "latin1.fountain:1: invalid UTF-8",
    ),
    "ten-megabyte-line": ("huge.fountain", b"a" * 10_000_000, "huge.fountain:1: line is 10,000,000 characters"),
    "empty": ("empty.fountain", b"", "empty.fountain:1: the file is empty"),
    "unclosed-boneyard": (
        "cut.fountain",
        b"INT. CAFE - DAY\n\nMara waits.\n\n/* the old ending\n\nMARA\nGoodbye.\n",
        "cut.fountain:5: boneyard",
    ),
    "broken-json": (
        "draft.json",
        b'{"format": "clapboard-screenplay",\n "version": 1,,\n',
        "draft.json:2: invalid JSON",
    ),
    "unknown-extension": ("notes.docx", b"INT. CAFE - DAY\n", "notes.docx: unknown extension '.docx'"),
}


def assert_one_error_line(stderr: str, expected: str) -> None:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"error: {expected}"), lines[0]
    assert "Traceback" not in stderr


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
@pytest.mark.parametrize("command", ["convert", "stats"])
def test_bad_input_is_one_line_naming_file_and_line(tmp_path: Path, case: str, command: str) -> None:
    name, data, expected = BAD_INPUTS[case]
    source = tmp_path / name
    source.write_bytes(data)
    target = tmp_path / "out.pdf"
    args = ["convert", source, target] if command == "convert" else ["stats", source]

    result = clapboard_cli(*args)

    assert result.exit_code == 2
    assert_one_error_line(result.stderr, str(tmp_path / expected))
    assert result.stdout == ""
    assert source.read_bytes() == data
    assert not target.exists()


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.fountain"
    result = clapboard_cli("convert", missing, tmp_path / "out.pdf")
    assert result.exit_code == 2
    assert_one_error_line(result.stderr, f"{missing}: no such file")


def test_unknown_output_extension_is_refused_before_reading(script: Path, tmp_path: Path) -> None:
    before = script.read_bytes()
    result = clapboard_cli("convert", script, tmp_path / "out.docx")
    assert result.exit_code == 2
    assert_one_error_line(result.stderr, f"{tmp_path / 'out.docx'}: unknown extension '.docx'")
    assert script.read_bytes() == before


@pytest.mark.parametrize("spelling", ["same", "dotted", "relative"])
def test_convert_onto_itself_is_refused(script: Path, spelling: str, monkeypatch: pytest.MonkeyPatch) -> None:
    before = script.read_bytes()
    monkeypatch.chdir(script.parent)
    target = {"same": script, "dotted": script.parent / "." / script.name, "relative": Path(script.name)}[spelling]
    result = clapboard_cli("convert", script, target)
    assert result.exit_code == 2
    assert_one_error_line(result.stderr, f"{target}: is the input file")
    assert script.read_bytes() == before


def test_scene_numbers_only_for_typeset_output(script: Path, tmp_path: Path) -> None:
    html = tmp_path / "out.html"
    assert clapboard_cli("convert", script, html, "--scene-numbers").exit_code == 0
    assert "scene-number" in html.read_text(encoding="utf-8")
    result = clapboard_cli("convert", script, tmp_path / "out.fdx", "--scene-numbers")
    assert result.exit_code == 2
    assert_one_error_line(result.stderr, f"{tmp_path / 'out.fdx'}: --scene-numbers applies to PDF and HTML output only")


def test_pdf_cannot_be_read(tmp_path: Path, script: Path) -> None:
    pdf = tmp_path / "out.pdf"
    assert clapboard_cli("convert", script, pdf).exit_code == 0
    result = clapboard_cli("stats", pdf)
    assert result.exit_code == 2
    assert_one_error_line(result.stderr, f"{pdf}: pdf files can be written but not read")


def test_an_unwritable_target_is_one_line_and_exit_1(script: Path, tmp_path: Path) -> None:
    target = tmp_path / "taken.pdf"
    target.mkdir()  # a folder where the file should go
    result = clapboard_cli("convert", script, target)
    assert result.exit_code == 1
    assert_one_error_line(result.stderr, f"{target}: cannot be written")
    assert target.is_dir()


# --- the installed entry point, as a user runs it -------------------------------------------------------------------


def installed_clapboard() -> Path:
    entry = Path(sys.executable).with_name("clapboard")
    assert entry.exists(), f"the clapboard script is not installed next to {sys.executable}"
    return entry


def test_installed_entry_point_converts_and_reports_errors(script: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    done = subprocess.run(
        [installed_clapboard(), "convert", script, target], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert clapboard.load(target) == clapboard.load(script)

    broken = tmp_path / "broken.fountain"
    broken.write_bytes(b"INT. CAFE - DAY\n\n/* never closed\n")
    done = subprocess.run([installed_clapboard(), "stats", broken], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == f"error: {broken}:3: boneyard '/*' is never closed with '*/'\n"


def test_python_dash_m_runs_the_same_command() -> None:
    done = subprocess.run([sys.executable, "-m", "clapboard", "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert done.stdout.strip() == f"clapboard {clapboard.__version__}"


def test_a_bug_still_shows_its_traceback(tmp_path: Path) -> None:
    # An error that is not a ClapboardError is a bug; hiding it would hide where to fix it.
    program = "from clapboard.cli import app, main\napp.command('boom')(lambda: 1 / 0)\nmain()\n"
    done = subprocess.run([sys.executable, "-c", program, "boom"], capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert "ZeroDivisionError" in done.stderr
    assert "Traceback" in done.stderr
