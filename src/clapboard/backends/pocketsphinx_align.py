"""PocketSphinx: forced alignment of a known text to a recording, with the US English model inside its wheel.

The decoder is told the words (``set_align_text``) and finds where each is
heard, inserting silences where the speaker pauses. Audio of any rate and
channel count is mixed to mono and resampled to the model's 16 kHz.

Each written word of the text (split at white space) gets one
:class:`~clapboard.engine.capabilities.WordTiming`, spelled as written, so
subtitles can be timed word by word; a "word" that is only punctuation (a dash,
an ellipsis) is not heard and gets none. Hyphenated words, numbers
("forty-one", "1966") and possessives are said as the speaker would say them;
a word missing from the CMU dictionary (a surname, an invented word) is given a
pronunciation by spelling rules, which is rough but close enough to find it.

Only English is aligned: the wheel holds one acoustic model (``en-us``).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from clapboard.backends.speech import decode
from clapboard.engine.capabilities import WordTiming
from clapboard.errors import BackendUnavailable, ClapboardError

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pocketsphinx

#: The acoustic model's sample rate.
RATE = 16_000

_SPOKEN = re.compile(r"[a-z]+(?:'[a-z]+)*|[0-9]+")
_ALTERNATE = re.compile(r"\(\d+\)$")  # the dictionary's second pronunciation of a word: "to(3)"


@dataclass(frozen=True)
class Token:
    """One written word of a text and the dictionary words it is said as ("1966" → nineteen sixty six)."""

    written: str
    spoken: tuple[str, ...]


class PocketSphinx:
    """Forced alignment by PocketSphinx's decoder, in process; one decoder per backend, used one text at a time."""

    name: ClassVar[str] = "pocketsphinx"
    version: ClassVar[str] = "1"
    capabilities: ClassVar[frozenset[str]] = frozenset({"align"})
    install_hint: ClassVar[str] = "pip install pocketsphinx"

    @classmethod
    def available(cls) -> bool:
        """True when the ``pocketsphinx`` package is installed."""
        return find_spec("pocketsphinx") is not None

    def __init__(self, model: Path | None = None, options: dict[str, Any] | None = None) -> None:
        if model is not None:
            raise ClapboardError("backend 'pocketsphinx': it uses the English model inside its wheel, not a file")
        if options:
            raise ClapboardError(f"backend 'pocketsphinx': unknown option(s) {', '.join(sorted(options))}; none known")
        try:
            from pocketsphinx import Decoder
        except ImportError:
            raise BackendUnavailable(self.name, self.install_hint) from None
        # No language model: alignment needs only the acoustic model and the dictionary, and loads in a blink.
        self._decoder: pocketsphinx.Decoder = Decoder(samprate=RATE, lm=None, loglevel="FATAL")
        self._frame_rate = float(self._decoder.config["frate"])
        self._lock = threading.Lock()

    def align(self, audio: bytes, text: str, *, language: str) -> list[WordTiming]:
        """When each written word of ``text`` is heard in ``audio`` (WAV); ClapboardError when it cannot be found."""
        _english(language)
        tokens = tokens_of(text)
        spoken = [word for token in tokens for word in token.spoken]
        if not spoken:
            return []
        raw = _pcm16(audio)
        with self._lock:
            for word in dict.fromkeys(spoken):
                if self._decoder.lookup_word(word) is None:
                    self._decoder.add_word(word, self._pronounce(word), True)
            try:
                self._decoder.set_align_text(" ".join(spoken))
                self._decoder.start_utt()
                self._decoder.process_raw(raw, full_utt=True)
                self._decoder.end_utt()
            except RuntimeError as exc:
                raise ClapboardError(f"pocketsphinx could not align {text[:60]!r}: {exc}") from None
            heard = [
                (_ALTERNATE.sub("", seg.word), seg.start_frame, seg.end_frame + 1)
                for seg in self._decoder.seg() or ()  # none at all when the text cannot be fitted to the audio
                if not seg.word.startswith(("<", "["))  # silences and noises
            ]
        if [word for word, _, _ in heard] != spoken:
            raise ClapboardError(
                f"pocketsphinx could not find {text[:60]!r} in the recording "
                f"({len(heard)} of {len(spoken)} words heard): is it the right take?"
            )
        timings: list[WordTiming] = []
        at = 0
        for token in tokens:
            first, last = heard[at], heard[at + len(token.spoken) - 1]
            at += len(token.spoken)
            timings.append(WordTiming(token.written, first[1] / self._frame_rate, last[2] / self._frame_rate))
        return timings

    def locate(self, audio: bytes, lines: Sequence[str], *, language: str = "en") -> list[tuple[float, float]]:
        """Start and end, in seconds, of each of ``lines`` in a recording of them all in order (a human read
        of a scene, say), to time subtitles to it. A line with no words sits where the line before it ends."""
        counts = [len(tokens_of(line)) for line in lines]
        timings = self.align(audio, "\n".join(lines), language=language)
        spans: list[tuple[float, float]] = []
        at, end = 0, 0.0
        for count in counts:
            if count:
                spans.append((timings[at].start, timings[at + count - 1].end))
                end = spans[-1][1]
            else:
                spans.append((end, end))
            at += count
        return spans

    def _pronounce(self, word: str) -> str:
        """Phones for a word the dictionary lacks: a known word plus its 's, or spelling rules."""
        if word.endswith("'s"):
            known = self._decoder.lookup_word(word[:-2])
            if known is not None:
                return f"{known} Z"
        return spelled_phones(word)


def tokens_of(text: str) -> list[Token]:
    """The written words of ``text`` that are heard, each with the dictionary words it is said as."""
    tokens: list[Token] = []
    for written in text.split():
        plain = written.lower().replace("’", "'").replace("‘", "'")
        spoken: list[str] = []
        for piece in _SPOKEN.findall(plain):
            spoken.extend(number_words(piece) if piece.isdigit() else [piece])
        if spoken:
            tokens.append(Token(written, tuple(spoken)))
    return tokens


_ONES = (
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"),
    *("thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"),
)
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def number_words(digits: str) -> list[str]:
    """How a run of digits is read aloud: 41 → forty one, 1966 → nineteen sixty six, 007 → oh oh seven."""
    n = int(digits)
    if (digits.startswith("0") and len(digits) > 1) or n >= 1_000_000:
        return ["oh" if d == "0" else _ONES[int(d)] for d in digits]
    if 1100 <= n <= 9999 and n % 100 and n // 100 % 10:
        # Said as a year, in pairs: nineteen sixty six, nineteen oh five.
        return _below_hundred(n // 100) + (["oh"] if n % 100 < 10 else []) + _below_hundred(n % 100)
    return _cardinal(n)


def _cardinal(n: int) -> list[str]:
    if n >= 1000:
        return _cardinal(n // 1000) + ["thousand"] + (_cardinal(n % 1000) if n % 1000 else [])
    if n >= 100:
        return [_ONES[n // 100], "hundred"] + (_below_hundred(n % 100) if n % 100 else [])
    return _below_hundred(n)


def _below_hundred(n: int) -> list[str]:
    if n < 20:
        return [_ONES[n]]
    return [_TENS[n // 10]] + ([_ONES[n % 10]] if n % 10 else [])


#: Spellings to ARPABET phones, longest first: enough to give an unknown name roughly the right sounds and length.
_SPELLINGS: tuple[tuple[str, str], ...] = tuple(
    sorted(
        {
            "tch": "CH", "sch": "S K", "igh": "AY", "ough": "AO",
            "ch": "CH", "sh": "SH", "th": "TH", "ph": "F", "wh": "W", "ck": "K", "ng": "NG", "qu": "K W",
            "gh": "G", "kn": "N", "ee": "IY", "ea": "IY", "oo": "UW", "ou": "AW", "ow": "OW", "ai": "EY",
            "ay": "EY", "oi": "OY", "oy": "OY", "au": "AO", "aw": "AO", "ie": "IY", "ei": "EY", "ue": "UW",
            "ew": "UW", "er": "ER", "ir": "ER", "ur": "ER", "ar": "AA R", "or": "AO R",
            "a": "AE", "b": "B", "c": "K", "d": "D", "e": "EH", "f": "F", "g": "G", "h": "HH", "i": "IH",
            "j": "JH", "k": "K", "l": "L", "m": "M", "n": "N", "o": "AA", "p": "P", "q": "K", "r": "R",
            "s": "S", "t": "T", "u": "AH", "v": "V", "w": "W", "x": "K S", "y": "Y", "z": "Z",
        }.items(),
        key=lambda rule: -len(rule[0]),
    )
)  # fmt: skip


def spelled_phones(word: str) -> str:
    """ARPABET phones for ``word`` by spelling rules, for names and invented words the dictionary lacks."""
    letters = re.sub(r"[^a-z]", "", word.lower())
    letters = re.sub(r"(?<=[^aeiou])e$", "", letters) if len(letters) > 3 else letters  # a silent final e
    letters = re.sub(r"([b-df-hj-np-tv-z])\1", r"\1", letters)  # doubled consonants sound once
    phones: list[str] = []
    at = 0
    while at < len(letters):
        for spelling, sound in _SPELLINGS:
            if letters.startswith(spelling, at):
                # A y after a consonant is a vowel: "Kelly", "Lynn".
                vowel_y = spelling == "y" and at > 0 and letters[at - 1] not in "aeiou"
                phones.append(("IY" if at == len(letters) - 1 else "IH") if vowel_y else sound)
                at += len(spelling)
                break
    return " ".join(phones) or "AH"


def _english(language: str) -> None:
    if language.replace("_", "-").split("-")[0].lower() not in ("en", "eng"):
        raise ClapboardError(
            f"pocketsphinx aligns English only here (its wheel holds the en-us model), not {language!r}"
        )


def _pcm16(audio: bytes) -> bytes:
    """WAV bytes as the decoder hears them: mono, 16 kHz, 16-bit little-endian samples."""
    samples, rate = decode(audio)
    if rate != RATE and samples.size:
        # Resampled in the frequency domain: band-limited, exact in length, and without importing scipy.
        length = round(samples.size * RATE / rate)
        spectrum = np.fft.rfft(samples)[: length // 2 + 1]
        samples = np.fft.irfft(spectrum, length) * (length / samples.size)
    return (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()
