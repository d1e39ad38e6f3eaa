"""The stand-in: a built-in backend for every capability that needs no model.

Like a stand-in on set, it takes the place of the real thing while everything
around it is set up: placeholder text, flat-colour frames, silent speech and
music of the right length, words spread evenly over a recording. Outputs depend
only on the request and its seed, so a whole film can be planned, run and cut
on any machine before a single model is installed.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
import struct
import wave
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from clapboard.engine.capabilities import CAPABILITIES, WordTiming

#: Sample rate of the silent WAV files: enough for speech, small on disk.
SAMPLE_RATE = 16_000
#: Seconds a stand-in speaker takes per word, near a natural speaking pace.
SECONDS_PER_WORD = 0.4


class StandIn:
    """Placeholders for every capability, made from the request and the seed alone."""

    name: ClassVar[str] = "stand-in"
    version: ClassVar[str] = "1"
    capabilities: ClassVar[frozenset[str]] = frozenset(CAPABILITIES)
    install_hint: ClassVar[str] = "it is built into Clapboard; reinstall Clapboard"

    @classmethod
    def available(cls) -> bool:
        """Always: the stand-in needs nothing beyond Python."""
        return True

    def __init__(self, model: Path | None = None, options: dict[str, Any] | None = None) -> None:
        self.options = dict(options or {})

    def generate(self, prompt: str, *, seed: int, max_tokens: int = 512, schema: dict[str, Any] | None = None) -> str:
        """The prompt's own words, marked as a stand-in and cut to ``max_tokens`` words.

        With ``schema``, the least JSON document it allows instead, so a step that reads structured answers runs.
        """
        if schema is not None:
            return json.dumps(_least(schema, schema))
        words = prompt.split()[: max(max_tokens - 2, 0)]
        return " ".join([f"[stand-in {seed:08x}]", *words])

    def draw(self, prompt: str, *, seed: int, width: int, height: int, brief: Mapping[str, Any] | None = None) -> bytes:
        """A PNG frame in one flat colour picked from the prompt and seed."""
        red, green, blue = hashlib.sha256(f"{seed}:{prompt}".encode()).digest()[:3]
        row = b"\x00" + bytes((red, green, blue)) * width
        return _png(width, height, row * height)

    def speak(self, text: str, *, voice: str, seed: int) -> bytes:
        """Silence as long as the line would take to say."""
        return _silence(max(len(text.split()), 1) * SECONDS_PER_WORD)

    def compose(self, prompt: str, *, seconds: float, seed: int) -> bytes:
        """Silence of the length asked for."""
        return _silence(seconds)

    def translate(self, text: str, *, source: str, target: str, context: str = "", glossary: Sequence[str] = ()) -> str:
        """The text as it was: a stand-in keeps the words until a real translator comes in."""
        return text

    def align(self, audio: bytes, text: str, *, language: str) -> list[WordTiming]:
        """The words spread evenly over the recording's length."""
        with wave.open(io.BytesIO(audio)) as recording:
            length = recording.getnframes() / recording.getframerate()
        words = text.split()
        if not words:
            return []
        each = length / len(words)
        return [WordTiming(word, i * each, (i + 1) * each) for i, word in enumerate(words)]


def _least(schema: dict[str, Any], root: dict[str, Any]) -> Any:
    """The smallest value ``schema`` allows: required properties only, the fewest items, the lowest number, the first
    choice. ``root`` holds the definitions ``$ref`` points into. String formats are not read.
    """
    if "$ref" in schema:
        *_, section, name = schema["$ref"].split("/")
        return _least(root[section][name], root)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    for choices in ("anyOf", "oneOf"):
        if choices in schema:
            return _least(schema[choices][0], root)
    if "allOf" in schema:
        merged = {k: v for k, v in schema.items() if k != "allOf"}
        for part in schema["allOf"]:
            merged.update(part)
        return _least(merged, root)
    kind = schema.get("type", "object" if "properties" in schema else "null")
    if isinstance(kind, list):
        kind = kind[0]
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: _least(properties.get(name, {}), root) for name in schema.get("required", ())}
    if kind == "array":
        return [_least(schema.get("items", {}), root) for _ in range(schema.get("minItems", 0))]
    if kind == "string":
        return _shortest(schema)
    if kind in ("integer", "number"):
        return _lowest(schema, whole=kind == "integer")
    return False if kind == "boolean" else None


def _shortest(schema: dict[str, Any]) -> str:
    shortest = schema.get("minLength", 0)
    pattern = schema.get("pattern")
    if pattern is None:
        return "x" * shortest
    # A run of one letter or digit meets the patterns forms use for names and places (``^[A-Z][A-Z' -]{2,29}$``).
    longest = schema.get("maxLength", shortest + 32)
    runs = (fill * size for size in range(shortest, longest + 1) for fill in "xX0")
    return next((run for run in runs if re.search(pattern, run)), "x" * shortest)


def _lowest(schema: dict[str, Any], *, whole: bool) -> int | float:
    if "minimum" in schema:
        low = schema["minimum"]
    elif "exclusiveMinimum" in schema:
        low = schema["exclusiveMinimum"] + (1 if whole else 0.5)
    else:
        # Zero when the range allows it, else the top of a range that lies wholly below zero.
        low = min(0, schema.get("maximum", 0), schema.get("exclusiveMaximum", 1) - 1)
    return math.ceil(low) if whole else low


def _silence(seconds: float) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(b"\x00\x00" * round(seconds * SAMPLE_RATE))
    return buffer.getvalue()


def _png(width: int, height: int, rows: bytes) -> bytes:
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
