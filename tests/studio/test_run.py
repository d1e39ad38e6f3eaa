"""Runs started from the studio: one at a time, progress from the store, the board fresh when it ends."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING

import pytest

from tests.studio.conftest import csrf_of, studio_client

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

    from clapboard.project import Project

pytestmark = pytest.mark.slow


def _wait(client: TestClient, seconds: float = 240) -> dict:
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        progress = client.get("/run/progress").json()
        if not progress["rolling"]:
            return progress
        time.sleep(0.3)
    raise AssertionError("the run did not end in time")


def test_a_run_from_the_studio_remakes_a_rejected_frame_one_run_at_a_time(film: Project) -> None:
    with studio_client(film) as client:
        token = csrf_of(client)
        with film.open_store() as store:
            before = store.latest()["scene/1/frames"]
        form = {"csrf": token, "name": before.name, "key": before.key, "verdict": "reject"}
        client.post("/review", data=form)
        started = client.post("/run", data={"csrf": token, "until": "frames"}, headers={"Accept": "application/json"})
        assert started.status_code == 202
        assert client.post("/run", data={"csrf": token}).status_code == 409
        progress = _wait(client)
        assert progress["state"] == "done", progress
        assert progress["to_make"] == progress["made"] == 1  # just the rejected scene's frames
        with film.open_store() as store:
            after = store.latest()["scene/1/frames"]
        assert after.key != before.key and after.provenance.take == 2
        assert f"/frame/{after.key}/1A.png" in client.get("/board").text


def test_the_event_stream_reports_progress(film: Project) -> None:
    with studio_client(film) as client, client.stream("GET", "/run/events") as events:
        assert events.headers["content-type"].startswith("text/event-stream")
        for line in events.iter_lines():
            if line.startswith("data: "):
                progress = json.loads(line[6:])
                break
    assert progress["state"] == "idle" and progress["rolling"] is False


def test_a_failed_run_says_why(film: Project) -> None:
    with studio_client(film) as client:
        client.post("/run", data={"csrf": csrf_of(client), "until": "no-such-stage"})
        progress = _wait(client, 60)
    assert progress["state"] == "failed"
    assert "unknown stage 'no-such-stage'" in progress["message"]
