"""The studio's door: binding, token, host check, CSRF, body limits; routes that serve the store and nothing else."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from clapboard.errors import ClapboardError
from clapboard.studio import BODY_LIMIT, serve
from clapboard.studio.access import CONTENT_SECURITY, check_binding
from tests.studio.conftest import csrf_of, studio_client

if TYPE_CHECKING:
    from clapboard.project import Project

TOKEN = "a-long-enough-secret-token-1234"


# --- binding ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "studio.example.org"])
def test_a_bind_beyond_loopback_without_a_token_is_refused(fresh: Project, host: str, monkeypatch) -> None:
    monkeypatch.delenv("CLAPBOARD_STUDIO_TOKEN", raising=False)
    with pytest.raises(ClapboardError, match="without a token"):
        serve(fresh.root, host, 8765, None)


def test_a_short_token_is_refused_beyond_loopback() -> None:
    with pytest.raises(ClapboardError, match="at least 16"):
        check_binding("0.0.0.0", "short")


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_needs_no_token(host: str) -> None:
    check_binding(host, None)


# --- the token ------------------------------------------------------------------------------------


def test_with_a_token_every_request_needs_it(fresh: Project) -> None:
    client = studio_client(fresh, token=TOKEN)
    for path in ("/board", "/static/studio.js", "/run/progress", "/screening"):
        assert client.get(path).status_code == 401, path
    assert client.get("/board", headers={"Authorization": "Bearer wrong-token-wrong-token"}).status_code == 401
    assert client.get("/board", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    assert client.get("/board", headers={"X-Studio-Token": TOKEN}).status_code == 200


def test_a_token_in_the_address_is_kept_in_a_cookie_and_dropped_from_the_address(fresh: Project) -> None:
    client = studio_client(fresh, token=TOKEN)
    first = client.get(f"/board?token={TOKEN}&said=pin", follow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"] == "/board?said=pin"
    assert "HttpOnly" in first.headers["set-cookie"] and "SameSite=Strict" in first.headers["set-cookie"]
    assert client.get("/board").status_code == 200  # the cookie now carries it
    assert studio_client(fresh, token=TOKEN).get("/board?token=not-the-token").status_code == 401


def test_without_a_token_only_loopback_host_names_are_answered(fresh: Project) -> None:
    client = studio_client(fresh)
    assert client.get("/board").status_code == 200
    assert client.get("/board", headers={"Host": "localhost:8765"}).status_code == 200
    # A page elsewhere that rebinds its own name to 127.0.0.1 still sends its own name.
    for host in ("evil.example:8765", "localhost.evil.example", "127.0.0.1.evil.example:8765", "[::2]:8765"):
        assert client.get("/board", headers={"Host": host}).status_code == 421, host


# --- CSRF -------------------------------------------------------------------------------------------


def test_a_post_without_the_csrf_token_is_refused(fresh: Project) -> None:
    client = studio_client(fresh)
    csrf_of(client)
    form = {"name": "scene/1", "verdict": "reject"}
    assert client.post("/review", data=form).status_code == 403
    assert client.post("/review", data={**form, "csrf": "0" * 64}).status_code == 403
    assert client.post("/run", data={}).status_code == 403
    assert client.post("/script", data={"text": "INT. X - DAY"}).status_code == 403
    with fresh.open_store() as store:
        assert store.rejections() == {}


def test_the_csrf_token_belongs_to_its_session(fresh: Project) -> None:
    mine, theirs = studio_client(fresh), studio_client(fresh)
    token = csrf_of(theirs)
    csrf_of(mine)
    assert mine.post("/review", data={"name": "scene/1", "verdict": "reject", "csrf": token}).status_code == 403


def test_a_post_from_another_origin_is_refused_even_with_the_token(fresh: Project) -> None:
    client = studio_client(fresh)
    token = csrf_of(client)
    answer = client.post(
        "/review",
        data={"name": "scene/1", "verdict": "reject", "csrf": token},
        headers={"Origin": "http://evil.example"},
    )
    assert answer.status_code == 403


def test_a_review_with_the_csrf_token_is_recorded(fresh: Project) -> None:
    client = studio_client(fresh)
    answer = client.post(
        "/review", data={"name": "scene/1", "verdict": "reject", "csrf": csrf_of(client)}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/board?said=reject"
    with fresh.open_store() as store:
        assert sum(store.rejections().values()) == 1


# --- body limits ------------------------------------------------------------------------------------


def test_an_oversized_upload_is_refused_before_it_is_read(fresh: Project) -> None:
    client = studio_client(fresh)
    token = csrf_of(client)
    big = b"\x89PNG\r\n\x1a\n" + bytes(BODY_LIMIT)
    answer = client.post(
        "/replace", data={"csrf": token, "name": "scene/1"}, files={"file": ("big.png", big, "image/png")}
    )
    assert answer.status_code == 413


def test_an_oversized_body_without_a_length_is_cut_off(fresh: Project) -> None:
    client = studio_client(fresh)
    token = csrf_of(client)

    def chunks():
        yield f"csrf={token}&name=scene%2F1&note=".encode()
        for _ in range(BODY_LIMIT // (1 << 20) + 2):
            yield b"x" * (1 << 20)

    answer = client.post("/review", content=chunks(), headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 413


# --- what the routes serve --------------------------------------------------------------------------


def test_the_blob_route_serves_stored_takes_only(fresh: Project) -> None:
    client = studio_client(fresh)
    with fresh.open_store() as store:
        take = store.latest()["scene/1"]
        stored = store.output(take.key)
    served = client.get(f"/blob/{take.key}")
    assert served.status_code == 200
    assert served.content == stored
    assert served.headers["content-type"].startswith("text/plain")  # never text/html from the store
    for path in (
        "/blob/..%2f..%2fclapboard.toml",
        "/blob/..%2F..%2F.clapboard%2Fcatalog.sqlite",
        "/blob/%2e%2e/%2e%2e/clapboard.toml",
        "/blob/../clapboard.toml",
        "/blob/" + take.blob,  # a blob's name is no take key
        "/blob/" + "0" * 64,
        "/blob/" + take.key.upper(),
        "/blob/" + take.key[:-1],
        f"/blob/{take.key}%00",
        "/frame/" + take.key + "/..%2f..%2fclapboard.toml",
        "/frame/" + take.key + "/1A.png",  # not a frames take
        "/subtitles/..%2f..%2fclapboard.toml.vtt",
        "/subtitles/../../clapboard.toml",
        "/dub/..%2fclapboard.wav",
        "/take/..%2f..%2fclapboard.toml",
        "/static/..%2f..%2f__init__.py",
        "/static/../app.py",
    ):
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert b"[backends]" not in answer.content and b"SQLite" not in answer.content, path


def test_every_answer_carries_the_security_headers(fresh: Project) -> None:
    client = studio_client(fresh)
    for path in ("/board", "/static/studio.css", "/blob/" + "0" * 64):
        answer = client.get(path)
        assert answer.headers["content-security-policy"] == CONTENT_SECURITY
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["x-frame-options"] == "DENY"


def test_the_session_cookie_is_http_only_and_same_site(fresh: Project) -> None:
    cookie = studio_client(fresh).get("/board").headers["set-cookie"]
    assert cookie.startswith("studio_session=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_a_token_of_any_characters_works_and_the_cookie_does_not_hold_it(fresh: Project) -> None:
    odd = "tea; milk = two sugars, please!"
    client = studio_client(fresh, token=odd)
    first = client.get("/board", params={"token": odd}, follow_redirects=False)
    assert first.status_code == 303
    assert odd not in first.headers["set-cookie"]
    assert client.get("/board").status_code == 200
