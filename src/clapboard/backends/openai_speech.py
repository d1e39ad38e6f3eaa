"""Speech from an OpenAI-compatible ``/audio/speech`` endpoint, for users who have one.

Hosted APIs and local servers (Kokoro, XTTS or F5-TTS behind an
OpenAI-compatible front) take the same request: model, input, voice, speed,
``response_format = "wav"``. Pitch is made by varispeed, like every engine
without its own.

Some servers clone real people's voices from a reference recording. Name each
such voice and the person in ``options.likeness`` (``{ "maya-ref" = "jane-doe" }``):
the backend then refuses to speak in it unless a consent record of that person
grants it (``ConsentRequired``), as it does for any voice spec with ``likeness=``.

The API key comes from the environment (``OPENAI_API_KEY``, or the variable
that ``api_key_env`` names), never from ``clapboard.toml``.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from clapboard.backends.speech import SpeechEngine, decode
from clapboard.errors import BackendUnavailable, ClapboardError
from clapboard.sound.voice import Timbre, Voice, require_consent

#: Options a project may set, with their defaults.
DEFAULTS: dict[str, Any] = {
    "base_url": "https://api.openai.com/v1",
    "model": "tts-1",
    "api_key_env": "OPENAI_API_KEY",
    "timeout": 120.0,
    "retries": 3,  # further tries after the first, for a busy or failing server
    "backoff": 1.0,  # seconds before the first retry; doubles each time
    "likeness": {},  # voice name -> the real person it clones (a consent record id)
}

#: The endpoint's own speed bounds.
SPEED_RANGE = (0.25, 4.0)
#: Failures worth another try (0: no answer in time): the server is busy or broke, not the request.
RETRY_STATUSES = frozenset({0, 408, 429, 500, 502, 503, 504})

#: The standard voices of the OpenAI speech API, as casting sees them.
STANDARD_VOICES = (
    Timbre("openai-speech", "nova", "female", 0),
    Timbre("openai-speech", "shimmer", "female", 0),
    Timbre("openai-speech", "onyx", "male", 0),
    Timbre("openai-speech", "echo", "male", 0),
    Timbre("openai-speech", "fable", "male", 0, accent="gb"),
    Timbre("openai-speech", "alloy", None, 0),
)


class OpenAISpeech(SpeechEngine):
    """Speech from an OpenAI-compatible endpoint."""

    name: ClassVar[str] = "openai-speech"
    version: ClassVar[str] = "1"
    install_hint: ClassVar[str] = "pip install httpx"
    latin_only: ClassVar[bool] = False
    known_options: ClassVar[tuple[str, ...]] = tuple(DEFAULTS)

    @classmethod
    def available(cls) -> bool:
        """True when ``httpx`` is installed; whether the endpoint answers shows on the first line."""
        try:
            import httpx  # noqa: F401
        except ImportError:
            return False
        return True

    @classmethod
    def repertoire(cls) -> tuple[Timbre, ...]:
        """The standard voices; a server's own voices are cast by naming them in ``[cast]``."""
        return STANDARD_VOICES

    def __init__(self, model: Path | None = None, options: dict[str, Any] | None = None) -> None:
        super().__init__(model, options)
        if model is not None:
            raise ClapboardError("backend 'openai-speech': name the served model in options.model, not as a file")
        self.settings = {**DEFAULTS, **self.options}
        try:
            import httpx
        except ImportError:
            raise BackendUnavailable(self.name, self.install_hint) from None
        self._httpx = httpx
        self.url = str(self.settings["base_url"]).rstrip("/") + "/audio/speech"
        headers = {"Accept": "audio/wav"}
        key = os.environ.get(str(self.settings["api_key_env"]))
        if key:
            headers["Authorization"] = f"Bearer {key}"
        self._client = httpx.Client(headers=headers, timeout=float(self.settings["timeout"]))

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def speak(self, text: str, *, voice: str, seed: int) -> bytes:
        """The line from the endpoint; a voice the options mark as a clone needs its person's consent first."""
        cast, _ = Voice.parse(voice)
        person = dict(self.settings["likeness"]).get(cast.name)
        if person is not None and cast.likeness is None:
            require_consent(replace(cast, likeness=person), self.consents)
        return super().speak(text, voice=voice, seed=seed)

    def say(self, text: str, voice: Voice, *, rate: float, pitch: float) -> tuple[np.ndarray, int]:
        """One chunk, asked for as WAV at the given speed."""
        speed = min(max(rate, SPEED_RANGE[0]), SPEED_RANGE[1])
        body = {
            "model": self.settings["model"],
            "input": text,
            "voice": voice.name,
            "speed": round(speed, 4),
            "response_format": "wav",
        }
        tries = int(self.settings["retries"]) + 1
        for attempt in range(tries):
            problem = self._ask(body)
            if isinstance(problem, bytes):
                return decode(problem)
            if attempt + 1 == tries or problem[0] not in RETRY_STATUSES:
                gave_up = f" (gave up after {attempt + 1} tries)" if attempt else ""
                raise ClapboardError(f"{self.url}: {problem[1]}{gave_up}")
            time.sleep(float(self.settings["backoff"]) * 2**attempt)
        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover

    def _ask(self, body: dict[str, Any]) -> bytes | tuple[int, str]:
        """The WAV the endpoint sent, or the status (0 for no answer) and what went wrong."""
        httpx = self._httpx
        try:
            response = self._client.post(self.url, json=body)
        except httpx.TimeoutException:
            return 0, f"no answer within {self.settings['timeout']} s"
        except httpx.TransportError as exc:
            return 503, f"cannot connect ({exc or type(exc).__name__})"
        if response.status_code != 200:
            detail = " ".join(response.text.split())[:300] or response.reason_phrase
            hint = (
                " (check the API key in the variable options.api_key_env names)"
                if response.status_code in (401, 403)
                else ""
            )
            return response.status_code, f"HTTP {response.status_code}: {detail}{hint}"
        return response.content
