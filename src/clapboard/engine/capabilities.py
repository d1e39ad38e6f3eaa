"""One Protocol per creative capability: what a step may ask of a backend.

Every method takes the seed it must honour, so the same step always asks for
the same thing and a rejected take asks again with a new seed. Media come back
as encoded bytes (PNG images, WAV audio) ready to store as blobs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class TextGenerator(Protocol):
    """Writes text from a prompt: loglines, shot lists, blocking, casting notes.

    With ``schema`` (a JSON schema) the reply must be one JSON document that
    follows it, so a step can read structured answers without guessing.
    """

    def generate(
        self, prompt: str, *, seed: int, max_tokens: int = 512, schema: dict[str, Any] | None = None
    ) -> str: ...


@runtime_checkable
class ImageGenerator(Protocol):
    """Draws a frame (storyboard panel, character sheet, location) as PNG bytes.

    ``prompt`` is the frame described in words, for backends that read text;
    ``brief`` is the same frame as structured data (see :mod:`clapboard.plan.frames`),
    for backends that draw from it.
    """

    def draw(
        self, prompt: str, *, seed: int, width: int, height: int, brief: Mapping[str, Any] | None = None
    ) -> bytes: ...


@runtime_checkable
class SpeechSynthesizer(Protocol):
    """Speaks a line of dialogue in a voice, as WAV bytes."""

    def speak(self, text: str, *, voice: str, seed: int) -> bytes: ...


@runtime_checkable
class MusicGenerator(Protocol):
    """Composes a cue of a given length, as WAV bytes."""

    def compose(self, prompt: str, *, seconds: float, seed: int) -> bytes: ...


@runtime_checkable
class Translator(Protocol):
    """Translates dialogue for subtitles and dubbing.

    ``context`` is the scene the line belongs to, for backends that can use it;
    words in ``glossary`` (character names, invented words) come back untranslated.
    """

    def translate(
        self, text: str, *, source: str, target: str, context: str = "", glossary: Sequence[str] = ()
    ) -> str: ...


@dataclass(frozen=True)
class WordTiming:
    """When one word is heard in a recording, in seconds from its start."""

    word: str
    start: float
    end: float


@runtime_checkable
class Aligner(Protocol):
    """Finds when each word of a text is spoken in a recording (for subtitles and lip sync)."""

    def align(self, audio: bytes, text: str, *, language: str) -> list[WordTiming]: ...


#: Each capability's name, as ``clapboard.toml`` and step kinds spell it, and its Protocol.
CAPABILITIES: dict[str, type] = {
    "text": TextGenerator,
    "image": ImageGenerator,
    "speech": SpeechSynthesizer,
    "music": MusicGenerator,
    "translate": Translator,
    "align": Aligner,
}
