"""Text from any OpenAI-compatible endpoint: Ollama, vLLM, llama.cpp's server or a hosted API.

Replies stream as server-sent events. A refused connection, a timeout, 429 and
5xx are retried with exponential backoff (honouring ``Retry-After``); anything
else fails at once with the server's own message. Structured requests send the
JSON schema as ``response_format`` where the endpoint supports it.

The API key comes from the environment (``OPENAI_API_KEY``, or the variable
that ``api_key_env`` names), never from ``clapboard.toml``: a settings file is
shared and committed, a key must not be.
"""

from __future__ import annotations

import json
import os
import time
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from clapboard.errors import BackendUnavailable, ClapboardError

if TYPE_CHECKING:
    from collections.abc import Iterator

    import httpx

#: Options a project may set in ``[backends] text = { name = "openai", options = {...} }``, with defaults.
DEFAULTS: dict[str, Any] = {
    "base_url": "https://api.openai.com/v1",
    "model": "gpt-4o-mini",
    "api_key_env": "OPENAI_API_KEY",
    "temperature": 0.7,
    "timeout": 120.0,  # seconds to wait for the next bytes of a reply
    "connect_timeout": 10.0,
    "retries": 4,  # further tries after the first
    "backoff": 1.0,  # seconds before the first retry; doubles each time
    "stream": True,
    # How a structured request asks for JSON: "json_schema" (OpenAI, vLLM, llama.cpp, Ollama),
    # "json_object" (JSON of any shape; the schema rides in the prompt), or "none".
    "structured": "json_schema",
}

STRUCTURED_MODES = ("json_schema", "json_object", "none")

#: Statuses worth another try: the server is busy or broke, not the request.
RETRY_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504})

#: Longest pause between tries, whatever the backoff or Retry-After say.
MAX_PAUSE = 60.0


class EndpointError(ClapboardError):
    """An OpenAI-compatible endpoint that could not be reached, refused the request or replied nonsense."""


class OpenAIText:
    """Text from a chat-completions endpoint, streamed, with timeouts and retries."""

    name: ClassVar[str] = "openai"
    version: ClassVar[str] = "1"
    capabilities: ClassVar[frozenset[str]] = frozenset({"text"})
    install_hint: ClassVar[str] = "pip install httpx"

    @classmethod
    def available(cls) -> bool:
        """True when ``httpx`` is installed."""
        return find_spec("httpx") is not None

    def __init__(self, model: Path | None = None, options: dict[str, Any] | None = None) -> None:
        given = dict(options or {})
        secret = sorted(k for k in given if _looks_secret(k))
        if secret:
            raise ClapboardError(
                f"backend 'openai': clapboard.toml must not hold an API key (options: {', '.join(secret)}); "
                f"remove it and set the {given.get('api_key_env', DEFAULTS['api_key_env'])} environment variable"
            )
        unknown = set(given) - set(DEFAULTS)
        if unknown:
            raise ClapboardError(
                f"backend 'openai': unknown option(s) {', '.join(sorted(unknown))}; known: {', '.join(DEFAULTS)}"
            )
        if model is not None:
            raise ClapboardError("backend 'openai': name the served model in options.model, not as a model file")
        self.options = {**DEFAULTS, **given}
        if self.options["structured"] not in STRUCTURED_MODES:
            raise ClapboardError(
                f"backend 'openai': options.structured must be one of {', '.join(STRUCTURED_MODES)}, "
                f"not {self.options['structured']!r}"
            )
        try:
            import httpx
        except ImportError:
            raise BackendUnavailable(self.name, self.install_hint) from None
        self._httpx = httpx
        self.url = str(self.options["base_url"]).rstrip("/") + "/chat/completions"
        headers = {"Accept": "text/event-stream" if self.options["stream"] else "application/json"}
        key = os.environ.get(str(self.options["api_key_env"]))
        if key:
            headers["Authorization"] = f"Bearer {key}"
        timeout = httpx.Timeout(float(self.options["timeout"]), connect=float(self.options["connect_timeout"]))
        self._client = httpx.Client(headers=headers, timeout=timeout)

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def body(self, prompt: str, *, seed: int, max_tokens: int, schema: dict[str, Any] | None) -> dict[str, Any]:
        """The JSON request sent for ``prompt``."""
        body: dict[str, Any] = {
            "model": self.options["model"],
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": max_tokens,
            "seed": seed,
            "temperature": self.options["temperature"],
            "stream": bool(self.options["stream"]),
        }
        mode = self.options["structured"]
        if schema is not None and mode == "json_schema":
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": str(schema.get("title", "reply")), "schema": schema, "strict": True},
            }
        elif schema is not None and mode == "json_object":
            body["response_format"] = {"type": "json_object"}
        return body

    def generate(self, prompt: str, *, seed: int, max_tokens: int = 512, schema: dict[str, Any] | None = None) -> str:
        """The endpoint's reply to ``prompt``, retried while the failure is the server's or the network's."""
        body = self.body(prompt, seed=seed, max_tokens=max_tokens, schema=schema)
        tries = int(self.options["retries"]) + 1
        attempt = 0
        while True:
            try:
                return self._ask(body)
            except _Transient as exc:
                attempt += 1
                if attempt == tries:
                    raise EndpointError(f"{self.url}: {exc} (gave up after {tries} tries)") from None
                pause = float(self.options["backoff"]) * 2 ** (attempt - 1) if exc.wait is None else exc.wait
                time.sleep(min(pause, MAX_PAUSE))

    def _ask(self, body: dict[str, Any]) -> str:
        httpx = self._httpx
        try:
            with self._client.stream("POST", self.url, json=body) as response:
                if response.status_code != 200:
                    response.read()
                    _refuse(response)
                if body["stream"]:
                    return "".join(_deltas(response.iter_lines(), self.url))
                response.read()
                return _message(response)
        except httpx.TimeoutException as exc:
            raise _Transient(f"timed out ({type(exc).__name__})") from None
        except httpx.TransportError as exc:
            raise _Transient(f"cannot connect ({exc or type(exc).__name__})") from None


class _Transient(Exception):
    """A failure worth another try, with the pause the server asked for, if any."""

    def __init__(self, problem: str, wait: float | None = None) -> None:
        super().__init__(problem)
        self.wait = wait


def _looks_secret(option: str) -> bool:
    lowered = option.lower()
    return lowered != "api_key_env" and any(word in lowered for word in ("key", "token", "secret", "password"))


def _refuse(response: httpx.Response) -> None:
    detail = _error_text(response)
    if response.status_code in RETRY_STATUSES:
        raise _Transient(f"HTTP {response.status_code}: {detail}", _retry_after(response))
    hint = ""
    if response.status_code in (401, 403):
        hint = "; check the API key in the environment variable named by options.api_key_env"
    raise EndpointError(f"{response.request.url}: HTTP {response.status_code}: {detail}{hint}")


def _error_text(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return " ".join(response.text.split())[:300] or response.reason_phrase
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict):
        return str(error.get("message", error))
    return str(error or data)[:300]


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return max(float(response.headers.get("retry-after", "")), 0.0)
    except ValueError:
        return None


def _deltas(lines: Iterator[str], url: str) -> Iterator[str]:
    """The content pieces of a streamed chat completion, read from its server-sent events."""
    for line in lines:
        if not line.startswith("data:"):
            continue  # blank separators, comments and event names carry no content
        data = line[5:].strip()
        if data == "[DONE]":
            return
        try:
            event = json.loads(data)
        except ValueError:
            raise EndpointError(f"{url}: the stream sent an event that is not JSON: {data[:200]!r}") from None
        if "error" in event:
            raise EndpointError(f"{url}: the stream failed: {event['error']}")
        for choice in event.get("choices", ()):
            piece = (choice.get("delta") or {}).get("content")
            if piece:
                yield piece


def _message(response: httpx.Response) -> str:
    try:
        return response.json()["choices"][0]["message"]["content"] or ""
    except (ValueError, KeyError, IndexError, TypeError):
        raise EndpointError(f"{response.request.url}: the reply is not a chat completion") from None
