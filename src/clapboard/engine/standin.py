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
import struct
import wave
import zlib
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

    def generate(self, prompt: str, *, seed: int, max_tokens: int = 512) -> str:
        """The prompt's own words, marked as a stand-in and cut to ``max_tokens`` words."""
        words = prompt.split()[: max(max_tokens - 2, 0)]
        return " ".join([f"[stand-in {seed:08x}]", *words])

    def draw(self, prompt: str, *, seed: int, width: int, height: int) -> bytes:
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

    def translate(self, text: str, *, source: str, target: str) -> str:
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
