"""Translation through an OpenAI-compatible chat endpoint, with the scene as context and a kept glossary.

The connection, streaming, retries and the API key's rules are the ``openai``
text backend's (:class:`~clapboard.backends.openai_text.OpenAIText`, with the
same options); this backend writes the translator's brief and checks the reply.
The brief gives the scene the line belongs to (so "you" and register come out
right) and lists the glossary words that must stay as written. A reply that
drops one is asked for again, once, with the missing words named; a second
miss is an error, never a subtitle with a character renamed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from clapboard.backends.apertium import Glossary
from clapboard.backends.openai_text import OpenAIText
from clapboard.errors import ClapboardError

#: Languages by ISO 639-1 code, as the brief names them to the model; other codes are passed as written.
LANGUAGES: dict[str, str] = {
    "ar": "Arabic",
    "ca": "Catalan",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "hi": "Hindi",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "nl": "Dutch",
    "pl": "Polish",
    "pt": "Portuguese",
    "ru": "Russian",
    "sv": "Swedish",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "zh": "Chinese",
}


class OpenAITranslate:
    """A Translator over the ``openai`` text backend's client."""

    name: ClassVar[str] = "openai-translate"
    version: ClassVar[str] = "1"
    capabilities: ClassVar[frozenset[str]] = frozenset({"translate"})
    install_hint: ClassVar[str] = OpenAIText.install_hint

    @classmethod
    def available(cls) -> bool:
        """True when the ``openai`` text backend can run (``httpx`` is installed)."""
        return OpenAIText.available()

    def __init__(self, model: Path | None = None, options: dict[str, Any] | None = None) -> None:
        # A translation wants the likeliest wording, not a creative one, unless the project says otherwise.
        self.text = OpenAIText(model, {"temperature": 0.0, **(options or {})})

    def close(self) -> None:
        """Close the connection pool."""
        self.text.close()

    def translate(self, text: str, *, source: str, target: str, context: str = "", glossary: Sequence[str] = ()) -> str:
        """``text`` in ``target``, read in its scene; ClapboardError when both tries are empty or lose a name."""
        if not text.strip():
            return text
        kept = Glossary.of(glossary).words_in(text)
        brief = self.brief(text, source=source, target=target, context=context, kept=kept)
        budget = max(64, 2 * len(text))
        reply = _clean(self.text.generate(brief, seed=0, max_tokens=budget), text)
        fault = _fault(reply, kept)
        if fault:
            again = f"{brief}\n\nYour last translation was:\n{reply}\n{fault}. Translate the line again."
            reply = _clean(self.text.generate(again, seed=1, max_tokens=budget), text)
            fault = _fault(reply, kept)
            if fault:
                raise ClapboardError(
                    f"backend 'openai-translate' failed twice translating {text[:60]!r} to {target}: "
                    f"{fault} ({reply[:80]!r})"
                )
        return reply

    def brief(self, text: str, *, source: str, target: str, context: str, kept: Sequence[str]) -> str:
        """The prompt for one line: the task, the glossary, the scene, then the line."""
        parts = [
            f"Translate one line of film dialogue from {_language(source)} to {_language(target)}, "
            "as a subtitler would: natural, spoken, the same register, about the same length."
        ]
        if kept:
            parts.append(
                "Keep these names and words exactly as written, untranslated: " + ", ".join(dict.fromkeys(kept)) + "."
            )
        if context.strip():
            parts.append(f"The scene, for context only (do not translate it):\n{context.strip()}")
        parts.append(f"The line:\n{text.strip()}")
        parts.append("Reply with the translation of the line only: no quotes, notes or explanations.")
        return "\n\n".join(parts)


def _language(code: str) -> str:
    return LANGUAGES.get(code.strip().replace("_", "-").split("-")[0].lower(), code)


def _clean(reply: str, original: str) -> str:
    """The reply without what chat models add round a translation: quotes, and for a one-line original,
    anything after the first line (a note, or the line again)."""
    cleaned = reply.strip()
    if "\n" not in original.strip():
        cleaned = cleaned.split("\n", 1)[0].strip()
    for opening, closing in ('""', "“”", "«»", "''"):
        wrapped = cleaned.startswith(opening) and cleaned.endswith(closing) and len(cleaned) > 1
        if wrapped and not original.strip().startswith(opening):
            cleaned = cleaned[1:-1].strip()
    return cleaned


def _fault(reply: str, kept: Sequence[str]) -> str:
    """What is wrong with a reply, or "": empty, or missing a glossary word as the line spells it (a
    translation may name someone fewer times than the line did, but must keep the name as written)."""
    if not reply:
        return "It was empty"
    missing = [word for word in dict.fromkeys(kept) if not re.search(rf"(?<!\w){re.escape(word)}(?!\w)", reply)]
    if missing:
        return f"It changed or dropped {', '.join(missing)}: keep them exactly as written"
    return ""
