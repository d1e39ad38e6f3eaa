"""Crash safety: ``make`` killed with SIGKILL at random moments, resumed each time, ends exactly where a clean run does.

After every kill the store must be consistent (catalog intact, every blob
hashing to its name, no take without its blob), and the final outputs must be
byte-identical to those of a run that was never interrupted.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from clapboard.project import Project, new_project
from clapboard.run import plan_project

pytestmark = pytest.mark.slow

#: The command under test; the one place to change when `clapboard make` takes over.
MAKE = [sys.executable, "-m", "clapboard", "make"]
#: The stage the runs stop after: a step per scene, a breakdown per scene, and film-wide steps that read them all and
#: export files. The later stages add no new kind of work for the store, only seconds (drawings) to every run.
UNTIL = "breakdown"

SCENES = 240
KILLS = 20
#: Reproducible kill moments; set CLAPBOARD_KILL_SEED to replay a failure.
SEED = int(os.environ.get("CLAPBOARD_KILL_SEED", "20240607"))

PLACES = ("DINER", "PARKING LOT", "MOTEL ROOM", "HIGHWAY", "POLICE STATION", "ROOFTOP")
PEOPLE = ("MARY", "JOE", "SAM", "DETECTIVE RUIZ", "THE DRIVER")


def film(draft: int) -> str:
    """A long script; each draft rewrites every speech, so a run on a new draft has all its steps to make.

    It has no action: the breakdown reads action with spaCy, and loading it would add seconds to every one of the
    runs, leaving most kills to land while a model loads rather than while steps are made and stored.
    """
    parts = ["Title: Night Shift\nDraft: " + str(draft) + "\n"]
    for n in range(SCENES):
        time_of_day = "NIGHT" if n % 3 else "DAY"
        setting = "EXT" if n % 4 == 0 else "INT"
        parts.append(f"\n{setting}. {PLACES[n % len(PLACES)]} - {time_of_day}\n")
        for line in range(2 + n % 3):
            who = PEOPLE[(n + line) % len(PEOPLE)]
            parts.append(f"\n{who}\nLine {line} of scene {n}, draft {draft}.\n")
    return "".join(parts)


def start(project: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*MAKE, str(project), "--until", UNTIL, "--jobs", "4"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=project,
    )


def assert_consistent(store: Path) -> None:
    """The store checked from the outside, with SQLite and hashlib alone."""
    conn = sqlite3.connect(store / "catalog.sqlite")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        sizes = dict(conn.execute("SELECT hash, size FROM blobs"))
        takes = conn.execute("SELECT key, blob FROM takes").fetchall()
        latest = conn.execute("SELECT l.name FROM latest l LEFT JOIN takes t ON t.key = l.key WHERE t.key IS NULL")
        assert latest.fetchall() == [], "a latest pointer names a take that does not exist"
    finally:
        conn.close()
    for file in (store / "blobs").glob("*/*"):
        assert hashlib.sha256(file.read_bytes()).hexdigest() == file.parent.name + file.name
    for key, blob in takes:
        path = store / "blobs" / blob[:2] / blob[2:]
        assert blob in sizes, f"take {key} has no catalogued blob"
        assert path.is_file(), f"take {key} is recorded without its blob"
        assert path.stat().st_size == sizes[blob]


def outputs(project: Path) -> dict[str, bytes]:
    """Every output of the current plan up to the stage the runs stop after by step name, plus the exported files."""
    found = Project.open(project)
    with found.open_store() as store:
        plan = plan_project(found, store).until(UNTIL)
        made = {step.name: store.output(step.key) for step in plan}
    exported = {f"out/{f.name}": f.read_bytes() for f in sorted((project / "out").iterdir())}
    assert sorted(exported) == sorted(f"out/{step.export}" for step in plan.exports)
    return made | exported


def test_make_survives_sigkill_at_random_moments(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    draft = 0
    script = tmp_path / "night-shift.fountain"
    script.write_text(film(draft))
    killed = new_project(tmp_path / "killed", script).root
    # Credentials carry their signing time, so two runs' signed files never match byte for byte: compare unsigned.
    config = killed / "clapboard.toml"
    config.write_text(config.read_text().replace("sign = true", "sign = false"))

    # How long a whole run takes here, so kills land anywhere from start-up to the last step.
    started = time.perf_counter()
    first = start(killed)
    assert first.wait(timeout=120) == 0, first.stderr.read().decode() if first.stderr else ""
    window = (time.perf_counter() - started) * 1.2

    kills = attempts = 0
    while kills < KILLS:
        attempts += 1
        assert attempts < KILLS * 4, "the runs finish before they can be killed"
        draft += 1
        (killed / script.name).write_text(film(draft))
        while kills < KILLS:
            run = start(killed)
            time.sleep(rng.uniform(0.0, window))
            if run.poll() is not None:
                assert run.returncode == 0, run.stderr.read().decode() if run.stderr else ""
                break  # it finished: write the next draft so the next run has work to be killed in
            run.send_signal(signal.SIGKILL)
            run.wait()
            run.stderr.close() if run.stderr else None
            kills += 1
            assert_consistent(killed / ".clapboard")

    last = start(killed)
    assert last.wait(timeout=120) == 0, last.stderr.read().decode() if last.stderr else ""
    assert_consistent(killed / ".clapboard")

    (tmp_path / "clean.fountain").write_text(film(draft))
    clean = new_project(tmp_path / "clean", tmp_path / "clean.fountain").root
    (clean / "clean.fountain").rename(clean / script.name)
    (clean / "clapboard.toml").write_text((killed / "clapboard.toml").read_text())
    once = start(clean)
    assert once.wait(timeout=120) == 0, once.stderr.read().decode() if once.stderr else ""

    final = outputs(killed)
    # A scene and its breakdown each, the film's breakdown, its CSV and the continuity report, and their three files.
    assert len(final) == 2 * SCENES + 3 + 3
    assert final == outputs(clean)
