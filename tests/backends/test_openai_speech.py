"""The OpenAI-compatible speech backend against a real HTTP server on this machine."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
import soundfile

from clapboard.backends.openai_speech import OpenAISpeech
from clapboard.backends.speech import READ_LEVEL, loudness
from clapboard.errors import ClapboardError, ConsentRequired


def tone_wav(seconds: float, rate: int = 24_000) -> bytes:
    """A voiced-sounding test signal: a 150 Hz buzz with harmonics, as a server's WAV answer."""
    t = np.arange(round(seconds * rate)) / rate
    buzz = sum(np.sin(2 * np.pi * 150 * k * t) / k for k in range(1, 8)) * 0.2
    buffer = io.BytesIO()
    soundfile.write(buffer, buzz, rate, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


class Studio:
    """A speech server that records each request and answers from a script of statuses."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str], dict]] = []
        self.statuses: list[int] = []

    def handler(self) -> type[BaseHTTPRequestHandler]:
        studio = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                studio.requests.append((self.path, dict(self.headers), body))
                status = studio.statuses.pop(0) if studio.statuses else 200
                if status != 200:
                    payload = json.dumps({"error": {"message": f"status {status} from the test server"}}).encode()
                    self.send_response(status)
                else:
                    payload = tone_wav(1.5 / body["speed"])
                    self.send_response(200)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


@pytest.fixture
def studio() -> Iterator[tuple[Studio, str]]:
    recorder = Studio()
    server = ThreadingHTTPServer(("127.0.0.1", 0), recorder.handler())
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield recorder, f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_a_line_is_asked_for_as_wav_in_the_voice_and_speed_and_comes_back_levelled(studio, monkeypatch) -> None:
    recorder, url = studio
    monkeypatch.setenv("TEST_SPEECH_KEY", "sk-test")
    backend = OpenAISpeech(options={"base_url": url, "model": "kokoro", "api_key_env": "TEST_SPEECH_KEY"})
    wav = backend.speak("Where the middle is.", voice="openai-speech:nova rate=1.25", seed=0)
    path, headers, body = recorder.requests[0]
    assert path == "/v1/audio/speech"
    assert body == {
        "model": "kokoro",
        "input": "Where the middle is.",
        "voice": "nova",
        "speed": 1.25,
        "response_format": "wav",
    }
    assert headers["Authorization"] == "Bearer sk-test"
    samples, rate = soundfile.read(io.BytesIO(wav))
    assert len(samples) / rate == pytest.approx(1.5 / 1.25, abs=0.01)
    assert loudness(samples, rate) == pytest.approx(READ_LEVEL, abs=0.5)


def test_a_busy_server_is_asked_again_and_a_refusal_is_reported_with_its_message(studio) -> None:
    recorder, url = studio
    backend = OpenAISpeech(options={"base_url": url, "backoff": 0.0, "retries": 2})
    recorder.statuses = [503, 429]
    assert backend.speak("Hatchback.", voice="openai-speech:onyx", seed=0)
    assert len(recorder.requests) == 3
    recorder.statuses = [401]
    with pytest.raises(ClapboardError, match=r"HTTP 401: .*status 401 from the test server.*API key"):
        backend.speak("Hatchback.", voice="openai-speech:onyx", seed=0)
    assert len(recorder.requests) == 4


def test_a_server_voice_that_clones_a_person_needs_their_consent_before_any_request(studio) -> None:
    recorder, url = studio
    options = {"base_url": url, "likeness": {"june-ref": "june-holloway"}}
    with pytest.raises(ConsentRequired, match="june-holloway"):
        OpenAISpeech(options=options).speak("Walter.", voice="openai-speech:june-ref", seed=0)
    assert recorder.requests == []
    consented = OpenAISpeech(options={**options, "consents": lambda person, use: person == "june-holloway"})
    assert consented.speak("Walter.", voice="openai-speech:june-ref", seed=0)
    assert len(recorder.requests) == 1


def test_no_server_is_a_clear_error(unused_port: int) -> None:
    backend = OpenAISpeech(options={"base_url": f"http://127.0.0.1:{unused_port}/v1", "retries": 0})
    with pytest.raises(ClapboardError, match="cannot connect"):
        backend.speak("Anyone?", voice="openai-speech:alloy", seed=0)


def test_keys_never_come_from_the_settings_file() -> None:
    with pytest.raises(ClapboardError, match="unknown option"):
        OpenAISpeech(options={"api_key": "sk-oops"})


@pytest.fixture
def unused_port() -> int:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_address[1]
    server.server_close()
    return port
