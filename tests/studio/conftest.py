"""A small real project for the studio: two scenes, stand-in speech and music, sketched frames, a 64x36 picture.

A character named ``<script>…</script>`` and markup in an action line check
that the pages escape what the script says. The project is made once per
session (``made_film``); each test that changes it works on its own copy.
"""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient

from clapboard.project import Project, new_project
from clapboard.run import make
from clapboard.studio import create_app
from tests.quick import make_quick

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

SCRIPT = """\
Title: Two Rooms
Author: Test Writer

INT. KITCHEN - DAY

ANNA cuts bread. BEN waits by the door, holding <img src=x onerror=alert(1)> flowers.

ANNA
You're late.

@<script>boom</script>
The bus was late.

EXT. GARDEN - NIGHT

Ben looks at the stars.

BEN
Every one of them is older than us.
"""

#: The character whose name would run as a script if a page did not escape it.
VILLAIN = "<script>boom</script>"


def new_film(folder: Path) -> Project:
    """A fresh project (nothing made) on quick settings, subtitled and dubbed into Spanish."""
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "two-rooms.fountain"
    source.write_text(SCRIPT, encoding="utf-8")
    project = new_project(folder / "film", source)
    make_quick(project.root)
    config = project.config_path.read_text(encoding="utf-8").replace("languages = []", 'languages = ["es"]')
    project.config_path.write_text(config, encoding="utf-8")
    return Project.open(project.root)


def studio_client(project: Project, token: str | None = None) -> TestClient:
    """A client of the studio over ``project``, as a browser on this machine would talk to it."""
    return TestClient(create_app(project.root, token=token, reviewer="tester"), base_url="http://127.0.0.1:8765")


def csrf_of(client: TestClient) -> str:
    """The CSRF token the board page gives this client's session."""
    page = client.get("/board")
    found = re.search(r'<meta name="csrf-token" content="([0-9a-f]{64})">', page.text)
    assert found, page.text[:500]
    return found[1]


@pytest.fixture(scope="session")
def made_film(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project made once, whole: frames, silent stand-in sound, the film, subtitles and the dub."""
    project = new_film(tmp_path_factory.mktemp("studio"))
    make(project, jobs=2)
    return project.root


@pytest.fixture
def film(made_film: Path, tmp_path: Path) -> Project:
    """A copy of the made project for one test to change."""
    shutil.copytree(made_film, tmp_path / "film")
    return Project.open(tmp_path / "film")


@pytest.fixture
def fresh(tmp_path: Path) -> Project:
    """A project with nothing made but its script steps (a second's work)."""
    project = new_film(tmp_path)
    make(project, until="script")
    return project


@pytest.fixture
def live(film: Project) -> Iterator[str]:
    """The studio over a copy of the made project, served by uvicorn on a free loopback port; its address."""
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        create_app(film.root, reviewer="tester"), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    config.timeout_graceful_shutdown = 2
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the studio did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
