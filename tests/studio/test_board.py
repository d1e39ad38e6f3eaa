"""The board, the provenance panel and the actions on takes, against a made project."""

from __future__ import annotations

import html
import io
import re
from typing import TYPE_CHECKING

import pytest
from PIL import Image

from clapboard.plan.soundtrack import unbundle
from clapboard.run import dry_run
from tests.studio.conftest import VILLAIN, csrf_of, studio_client

if TYPE_CHECKING:
    from clapboard.project import Project

pytestmark = pytest.mark.slow


def _png(colour: tuple[int, int, int], size: tuple[int, int] = (64, 36), kind: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format=kind)
    return out.getvalue()


def _frames(project: Project, scene: str = "1"):
    with project.open_store() as store:
        return store.latest()[f"scene/{scene}/frames"]


def test_the_board_shows_every_shot_with_its_frame_and_lines(film: Project) -> None:
    client = studio_client(film)
    page = client.get("/board").text
    take = _frames(film)
    with film.open_store() as store:
        members = unbundle(store.output(take.key))
    for member in members:
        assert f"/frame/{take.key}/{member}" in page
    assert "INT. KITCHEN - DAY" in page and "EXT. GARDEN - NIGHT" in page
    assert "Every one of them is older than us." in page
    served = client.get(f"/frame/{take.key}/1A.png")
    assert served.status_code == 200 and served.headers["content-type"] == "image/png"
    assert served.content == members["1A.png"]
    assert "immutable" in served.headers["cache-control"]
    assert client.get(f"/frame/{take.key}/1A.png", headers={"If-None-Match": served.headers["etag"]}).status_code == 304


def test_script_text_and_character_names_are_escaped_everywhere(film: Project) -> None:
    client = studio_client(film)
    board = client.get("/board").text
    assert VILLAIN not in board
    assert html.escape(VILLAIN, quote=False) in board or "&lt;script&gt;boom&lt;/script&gt;" in board
    assert "<img src=x" not in board
    script = client.get("/script").text
    assert "<img src=x" not in script and VILLAIN not in script
    assert "&lt;img src=x onerror=alert(1)&gt;" in script
    # The villain's recording, its provenance panel and the speech's prompt.
    with film.open_store() as store:
        speech = next(
            t for n, t in store.latest().items() if t.provenance.kind == "speech" and "boom" in t.provenance.params
        )
    panel = client.get(f"/take/{speech.key}").text
    assert "<script>boom" not in panel and "&lt;script&gt;boom" in panel


def test_the_provenance_panel_names_maker_seed_inputs_and_the_chain_to_the_film(film: Project) -> None:
    client = studio_client(film)
    take = _frames(film)
    page = client.get(f"/take/{take.key}").text
    assert "sketch" in page and str(take.provenance.seed) in page
    assert "scene/1/shots" in page  # its input
    chain = re.findall(r'<ol class="chain">(.*?)</ol>', page, re.S)
    assert chain and "scene/1/reel" in chain[0] and chain[0].rstrip().endswith("film</a></li>")
    assert client.get(f"/take/{take.key}?panel=1").text.startswith('<div class="panel-body"')


def test_rejecting_a_frame_gives_the_step_a_new_take_on_the_next_plan(film: Project) -> None:
    client = studio_client(film)
    take = _frames(film)
    answer = client.post(
        "/review",
        data={"csrf": csrf_of(client), "name": take.name, "key": take.key, "verdict": "reject", "note": "too dark"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    with film.open_store() as store:
        assert store.rejections() == {take.provenance.slate: 1}
    verdict = {v.step.name: v for v in dry_run(film)}[take.name]
    assert verdict.action == "run" and verdict.step.take == 2 and verdict.step.key != take.key
    assert "rejected" in client.get("/board").text


def test_pin_and_accept_are_recorded_and_shown(film: Project) -> None:
    client = studio_client(film)
    take = _frames(film, "2")
    token = csrf_of(client)
    for verdict in ("accept", "pin"):
        form = {"csrf": token, "name": take.name, "key": take.key, "verdict": verdict}
        assert client.post("/review", data=form, follow_redirects=False).status_code == 303
    with film.open_store() as store:
        assert store.take(take.key).approved_by == "tester"
        assert store.pins()[take.name].key == take.key
    board = client.get("/board").text
    row = board[board.index('id="scene-2"') :]
    assert "approved" in row[:2000] and "pinned" in row[:2000]


def test_a_review_of_a_take_the_page_no_longer_shows_is_refused(film: Project) -> None:
    client = studio_client(film)
    take = _frames(film)
    form = {"csrf": csrf_of(client), "name": take.name, "key": "f" * 64, "verdict": "reject"}
    assert client.post("/review", data=form).status_code == 409
    assert client.post("/review", data={**form, "key": take.key, "verdict": "delete"}).status_code == 400
    assert client.post("/review", data={**form, "key": "", "name": "scene/99/frames"}).status_code == 404


def test_an_uploaded_frame_replaces_one_shot_and_is_human_made(film: Project) -> None:
    client = studio_client(film)
    take = _frames(film)
    red = _png((220, 30, 30))
    answer = client.post(
        "/replace",
        data={"csrf": csrf_of(client), "name": take.name, "key": take.key, "member": "1A.png", "note": "my own"},
        files={"file": ("frame.png", red, "image/png")},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    now = _frames(film)
    assert now.key != take.key
    assert now.provenance.made_by == "human" and now.approved_by == "tester"
    with film.open_store() as store:
        before, after = unbundle(store.output(take.key)), unbundle(store.output(now.key))
        assert store.pins()[take.name].key == now.key
    assert after["1A.png"] == red
    assert {k: v for k, v in after.items() if k != "1A.png"} == {k: v for k, v in before.items() if k != "1A.png"}
    assert client.get(f"/frame/{now.key}/1A.png").content == red
    assert "human-made" in client.get("/board").text
    # The next plan keeps the person's frames and redraws nothing of the scene.
    verdicts = {v.step.name: v for v in dry_run(film)}
    assert verdicts[take.name].action == "reuse" and verdicts[take.name].reason == "pinned"


def test_a_jpeg_frame_is_stored_as_png(film: Project) -> None:
    client = studio_client(film)
    take = _frames(film)
    form = {"csrf": csrf_of(client), "name": take.name, "key": take.key, "member": "1A.png"}
    answer = client.post("/replace", data=form, files={"file": ("x.jpg", _png((0, 0, 200), kind="JPEG"), "image/jpeg")})
    assert answer.status_code == 200
    with film.open_store() as store:
        stored = unbundle(store.output(_frames(film).key))["1A.png"]
    assert stored.startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("name", "data", "status"),
    [
        ("evil.png", b"<html><script>alert(1)</script></html>", 415),
        ("fake.png", b"\x89PNG\r\n\x1a\nnot really a png", 415),
        ("sound.png", b"RIFF\x00\x00\x00\x00WAVEfmt ", 415),
    ],
)
def test_an_upload_that_is_not_an_image_is_refused(film: Project, name: str, data: bytes, status: int) -> None:
    client = studio_client(film)
    take = _frames(film)
    form = {"csrf": csrf_of(client), "name": take.name, "key": take.key, "member": "1A.png"}
    answer = client.post("/replace", data=form, files={"file": (name, data, "image/png")})
    assert answer.status_code == status
    assert _frames(film).key == take.key


def test_an_upload_names_a_shot_of_the_scene_or_nothing(film: Project) -> None:
    client = studio_client(film)
    take = _frames(film)
    form = {"csrf": csrf_of(client), "name": take.name, "key": take.key, "member": "../../clapboard.toml"}
    answer = client.post("/replace", data=form, files={"file": ("a.png", _png((1, 2, 3)), "image/png")})
    assert answer.status_code == 400
    assert _frames(film).key == take.key


def test_a_recording_is_replaced_by_an_uploaded_wav(film: Project) -> None:
    import numpy as np
    import soundfile

    client = studio_client(film)
    with film.open_store() as store:
        speech = store.latest()["scene/2/speech/1"]
    out = io.BytesIO()
    soundfile.write(out, np.zeros(8000), 16000, format="WAV")
    form = {"csrf": csrf_of(client), "name": speech.name, "key": speech.key}
    refused = client.post("/replace", data=form, files={"file": ("a.wav", _png((1, 1, 1)), "audio/wav")})
    assert refused.status_code == 415
    answer = client.post("/replace", data=form, files={"file": ("a.wav", out.getvalue(), "audio/wav")})
    assert answer.status_code == 200
    with film.open_store() as store:
        now = store.latest()[speech.name]
        assert now.provenance.made_by == "human" and store.output(now.key) == out.getvalue()


def test_saving_the_script_shows_what_will_rebuild(film: Project) -> None:
    client = studio_client(film)
    page = client.get("/script").text
    base = re.search(r'name="base" value="([0-9a-f]{64})"', page)[1]
    text = film.script_path.read_text(encoding="utf-8").replace("older than us", "older than the sea")
    answer = client.post("/script", data={"csrf": csrf_of(client), "base": base, "text": text})
    assert answer.status_code == 200
    assert film.script_path.read_text(encoding="utf-8") == text
    assert "scene/2/speech/1" in answer.text and "scene/1/frames" not in answer.text
    # A second save from the page opened before the first is refused rather than lost.
    stale = client.post("/script", data={"csrf": csrf_of(client), "base": base, "text": text + "\nMore."})
    assert stale.status_code == 409
    assert film.script_path.read_text(encoding="utf-8") == text


def test_the_screening_room_plays_the_film_with_subtitles_chapters_and_the_dub(film: Project) -> None:
    client = studio_client(film)
    page = client.get("/screening").text
    assert 'src="/film.mp4"' in page
    assert 'src="/subtitles/en.vtt"' in page and 'src="/subtitles/es.vtt"' in page
    assert '<option value="es">dubbed: es</option>' in page
    whole = client.get("/film.mp4")
    assert whole.status_code == 200 and whole.content == (film.out_path / "film.mp4").read_bytes()
    part = client.get("/film.mp4", headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and part.content == whole.content[:100]
    assert client.get("/subtitles/es.vtt").text.startswith("WEBVTT")
    chapters = client.get("/chapters.vtt").text
    assert "1. INT. KITCHEN - DAY" in chapters and "2. EXT. GARDEN - NIGHT" in chapters
    assert client.get("/dub/es.wav").content[:4] == b"RIFF"
