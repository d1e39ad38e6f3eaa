"""The preferences page: what the reviews taught the planner, why, and a reset; notes shown with their verdicts."""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING

import pytest

from clapboard.run import dry_run, make, preferences
from tests.studio.conftest import csrf_of, studio_client

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

    from clapboard.project import Project
    from clapboard.store import Take

pytestmark = pytest.mark.slow


def _review(client: TestClient, token: str, take: Take, verdict: str, note: str = "") -> None:
    form = {"csrf": token, "name": take.name, "key": take.key, "verdict": verdict, "note": note}
    assert client.post("/review", data=form, follow_redirects=False).status_code == 303


def test_two_rejected_lines_show_as_a_lesson_the_next_run_follows_and_a_reset_forgets(film: Project) -> None:
    client = studio_client(film)
    token = csrf_of(client)
    with film.open_store() as store:
        latest = store.latest()
    (line,) = [
        take
        for take in latest.values()
        if take.provenance.kind == "speech" and json.loads(take.provenance.params)["character"] == "BEN"
    ]
    page = client.get("/preferences").text
    assert "Nothing to go on yet" in page and "none: nothing has been rejected" in page

    # Ben's line sent back twice in the same voice: once is the reading's fault, twice the voice's.
    _review(client, token, line, "reject", "<b>wooden</b>")
    assert "recast away" not in client.get("/preferences").text
    make(film, until="voices")
    with film.open_store() as store:
        retake = store.latest()[line.name]
    assert retake.provenance.take == 2
    _review(client, token, retake, "reject", "still wooden")
    page = client.get("/preferences").text
    voice = next(iter(preferences(film).avoided("BEN")))
    assert f"BEN: {voice}" in page and "BEN is recast away from" in page
    assert "scene/2" in page
    # Ben's line will be made again in another voice; nobody else's.
    stale = {v.step.name for v in dry_run(film) if v.action == "run" and v.step.kind == "speech"}
    assert stale == {line.name}

    # The note is shown with its verdict on the take's panel, escaped.
    panel = client.get(f"/take/{line.key}?panel=1").text
    assert html.escape("<b>wooden</b>") in panel and "<b>wooden</b>" not in panel
    assert "reject</b> by tester" in panel

    # A reset without the session's token is refused; with it, the lessons are gone and the verdicts stay.
    assert client.post("/preferences/reset", data={}, follow_redirects=False).status_code == 403
    answer = client.post("/preferences/reset", data={"csrf": token}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/preferences?said=reset"
    page = client.get("/preferences?said=reset").text
    assert "Forgotten." in page and "BEN:" not in page
    assert preferences(film).empty
    with film.open_store() as store:
        assert [r.note for r in store.reviews()] == ["<b>wooden</b>", "still wooden"]
    # Forgotten, the voice comes back: the line's third take, in the first voice, is the one to make.
    (again,) = [v.step for v in dry_run(film) if v.action == "run" and v.step.kind == "speech"]
    assert again.params["readings"] == json.loads(line.provenance.params)["readings"] and again.take == 3


def test_the_board_offers_each_scene_cue_for_review(film: Project) -> None:
    client = studio_client(film)
    with film.open_store() as store:
        cue = store.latest()["scene/1/cue"]
    board = client.get("/board").text
    assert f'src="/blob/{cue.key}"' in board and f'href="/take/{cue.key}"' in board
