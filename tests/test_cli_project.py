"""The project commands end to end: new, make, status, export, gc, history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clapboard.cli import app
from tests.quick import make_quick

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "concert-pitch.fountain"


def cli(*args: object) -> object:
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture
def film(tmp_path: Path) -> Path:
    folder = tmp_path / "film"
    result = cli("new", folder, "--from", SAMPLE)
    assert result.exit_code == 0, result.output
    make_quick(folder)  # the commands are under test here, not the media
    return folder


def test_new_creates_a_documented_project(film: Path) -> None:
    config = (film / "clapboard.toml").read_text(encoding="utf-8")
    assert (film / "concert-pitch.fountain").read_bytes() == SAMPLE.read_bytes()
    assert (film / ".clapboard").is_dir()
    assert config.count("#") > 10  # every key explained


def test_new_refuses_an_existing_project(film: Path) -> None:
    result = cli("new", film, "--from", SAMPLE)
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("error: ")
    assert "already a Clapboard project" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_new_from_a_bad_script_leaves_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.fountain"
    bad.write_bytes(b"INT. A - DAY\n\n/* never closed\n")
    result = cli("new", tmp_path / "film", "--from", bad)
    assert result.exit_code == 2
    assert "bad.fountain:3" in result.stderr
    assert not (tmp_path / "film").exists()


@pytest.mark.slow
def test_make_then_nothing_to_do_then_one_edit(film: Path) -> None:
    dry = cli("make", film, "--dry-run")
    assert dry.exit_code == 0
    planned = int(dry.stdout.strip().splitlines()[-1].split()[0])
    assert planned > 8

    first = cli("make", film)
    assert first.exit_code == 0, first.output
    assert f"made {planned}, reused 0" in first.stdout
    breakdown = json.loads((film / "out" / "breakdown.json").read_text(encoding="utf-8"))
    assert len(breakdown["scenes"]) == 8

    assert "up to date" in cli("status", film).stdout
    again = cli("make", film)
    assert f"made 0, reused {planned}" in again.stdout

    script = film / "concert-pitch.fountain"
    script.write_text(script.read_text(encoding="utf-8").replace("I did!", "I did, Grandad!"), encoding="utf-8")
    stale = cli("status", film).stdout
    assert "scene/1" in stale
    assert "scene/2 " not in stale
    edited = cli("make", film)
    assert "reused 0" not in edited.stdout
    assert len(cli("history", film).stdout.splitlines()) > 3


@pytest.mark.slow
def test_gc_and_export(film: Path) -> None:
    cli("make", film)
    (film / "out" / "breakdown.json").unlink()
    assert "wrote" in cli("export", film).stdout
    assert (film / "out" / "breakdown.json").exists()
    assert cli("gc", film).stdout.startswith("removed 0 blobs")


def test_make_outside_a_project_is_one_line(tmp_path: Path) -> None:
    result = cli("make", tmp_path)
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "clapboard.toml" in result.stderr


def test_unknown_executor_and_stage(film: Path) -> None:
    result = cli("make", film, "--executor", "slurm")
    assert result.exit_code == 1
    assert "slurm" in result.stderr
    result = cli("make", film, "--until", "mixing")
    assert result.exit_code == 1
    assert "unknown stage 'mixing'" in result.stderr


def test_preferences_tell_what_the_reviews_taught_and_reset_forgets(film: Path) -> None:
    from clapboard.project import Project
    from clapboard.run import review

    assert cli("make", film, "--until", "shots").exit_code == 0
    assert cli("preferences", film).stdout == "learned from 0 reviewed take(s)\n"
    project = Project.open(film)
    review(project, "scene/1/shots", "accept", "ana")
    review(project, "scene/2/shots", "reject", "ana", "too loose")
    shown = cli("preferences", film).stdout
    assert shown.startswith("learned from 2 reviewed take(s)") and "applies to: scene/2" in shown
    reset = cli("preferences", film, "--reset")
    assert reset.exit_code == 0 and reset.stdout.startswith("forgot what 2 review(s) taught")
    assert cli("preferences", film).stdout == "learned from 0 reviewed take(s)\n"
