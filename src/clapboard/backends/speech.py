"""What every speech backend shares: reading a voice spec, checking the line, levelling and encoding the take.

A backend only says a chunk of text in a voice at a given stretch (:meth:`
SpeechEngine.say`); the rest is the same for every engine, so every engine
behaves the same at the edges:

- the line is cleaned (markup-free text is expected; emoji and other symbols
  are dropped) and refused with :class:`~clapboard.sound.voice.UnspeakableLine`
  when nothing sayable is left, or when it is written in a script the voice
  cannot read (engines with many languages switch language instead);
- a long line (over :data:`CHUNK` characters) is said sentence by sentence and
  joined with short breaths, never cut;
- pitch the engine cannot set natively is made by varispeed: the engine speaks
  slower by the pitch ratio and the take is played back faster by the same
  ratio, as tape would, so duration is kept and pitch (and formants) move;
- the take is levelled to :data:`READ_LEVEL` LUFS plus the delivery's offset
  (a whisper sits 12 dB under a normal read), the delivery's pause is put in
  front, and it comes back as 16-bit mono WAV at the engine's sample rate;
- a take that comes out silent is an error, never a silent gap in the film.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
from collections import Counter
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import soundfile

from clapboard.errors import BackendUnavailable, ClapboardError
from clapboard.sound.voice import ConsentCheck, Delivery, Timbre, UnspeakableLine, Voice, require_consent

#: Integrated loudness of a normal read, LUFS: the broadcast dialogue reference, so a mix needs little gain.
READ_LEVEL = -23.0
#: The most characters an engine is given at once; longer lines are said in sentence-sized pieces.
CHUNK = 400
#: Breath between the pieces of a long line, and between sentences for engines that make them apart.
BREATH = 0.18
#: A take whose RMS stays below this (dBFS) is silence: the engine said nothing.
SILENCE_DB = -60.0
#: Peak ceiling of a take, dBFS: the level and a shout's boost never clip.
TAKE_PEAK_DB = -1.0
#: How long an engine may take over one chunk before it is taken to have hung, in seconds.
ENGINE_TIMEOUT = 120.0

#: Unicode categories dropped from a line before it is said: emoji, dingbats and other pictures, their
#: modifiers and joiners, and control characters. Letters, digits, punctuation, currency and maths stay.
_UNSAID = frozenset({"So", "Sk", "Cc", "Cf", "Cs", "Co", "Cn"})
_SENTENCE = re.compile(r"(?<=[.!?…])\s+")
_CLAUSE = re.compile(r"(?<=[,;:—–-])\s+")


class SpeechEngine:
    """A speech backend: subclasses name the engine, list its voices and say one chunk; the rest is here."""

    name: ClassVar[str]
    version: ClassVar[str]
    capabilities: ClassVar[frozenset[str]] = frozenset({"speech"})
    install_hint: ClassVar[str]
    #: Whether the engine's voices read only Latin script (English voices): other scripts are refused.
    latin_only: ClassVar[bool] = True
    #: Whether the engine sets pitch itself; otherwise pitch is made by varispeed.
    native_pitch: ClassVar[bool] = False
    #: The options a project may set for this engine (besides ``consents``, which code passes).
    known_options: ClassVar[tuple[str, ...]] = ()

    def __init__(self, model: Path | None = None, options: dict[str, Any] | None = None) -> None:
        self.model = model
        self.options = dict(options or {})
        unknown = set(self.options) - {*self.known_options, "consents"}
        if unknown:
            known = ", ".join(self.known_options) or "none"
            raise ClapboardError(
                f"backend {self.name!r}: unknown option(s) {', '.join(sorted(unknown))}; known: {known}"
            )
        consents = self.options.pop("consents", None)
        if consents is not None and not callable(consents):
            raise ClapboardError(f"backend {self.name!r}: options.consents must be a consent check, not data")
        #: Answers whether a person consented to a use of their likeness; None: no records, so no cloning.
        self.consents: ConsentCheck | None = consents

    @classmethod
    def repertoire(cls) -> tuple[Timbre, ...]:
        """The voices this engine offers here, for casting."""
        raise NotImplementedError

    def say(self, text: str, voice: Voice, *, rate: float, pitch: float) -> tuple[np.ndarray, int]:
        """Mono float samples and their rate for one chunk: ``rate`` is the speed factor to speak at,
        ``pitch`` the semitones to shift (always 0 unless the engine has native pitch)."""
        raise NotImplementedError

    def speak(self, text: str, *, voice: str, seed: int) -> bytes:
        """The line said in ``voice`` (a voice spec with its delivery) as 16-bit mono WAV.

        The engines are deterministic: the seed is taken for the Protocol and does not change the take.
        """
        cast, delivery = Voice.parse(voice)
        if cast.engine != self.name:
            raise ClapboardError(f"backend {self.name!r} was asked for a {cast.engine!r} voice ({cast.label})")
        require_consent(cast, self.consents)
        chunks = chunks_to_say(text, "LATIN" if self.latin_only else None)
        rate = cast.rate * delivery.rate
        pitch = cast.pitch + delivery.pitch
        pieces: list[np.ndarray] = []
        sample_rate = 0
        for chunk in chunks:
            if self.native_pitch:
                samples, sample_rate = self.say(chunk, cast, rate=rate, pitch=pitch)
            else:
                ratio = 2.0 ** (pitch / 12.0)
                # Speak slower by the pitch ratio, then play back faster by it: same length, new pitch.
                samples, sample_rate = self.say(chunk, cast, rate=rate / ratio, pitch=0.0)
                samples = varispeed(samples, ratio)
            pieces.append(samples)
        take = join(pieces, sample_rate)
        if level_db(take) < SILENCE_DB:
            raise ClapboardError(f"{cast.label} said nothing for {text[:60]!r}: the engine gave back silence")
        return encode(finish(take, sample_rate, delivery), sample_rate)


def chunks_to_say(text: str, script: str | None) -> list[str]:
    """The line cleaned and cut into pieces an engine can take; UnspeakableLine when nothing sayable is left."""
    kept = "".join(" " if unicodedata.category(ch) in _UNSAID else ch for ch in text)
    cleaned = " ".join(kept.split())
    if not any(ch.isalnum() for ch in cleaned):
        shown = text if len(text) <= 40 else text[:40] + "…"
        raise UnspeakableLine(f"the line {shown!r} has no words to say (only symbols, emoji or punctuation)")
    if script is not None:
        found = script_of(cleaned)
        if found != script:
            raise UnspeakableLine(
                f"the line {cleaned[:40]!r} is in {found.title()} script, which this voice cannot read; "
                "cast an espeak-ng voice for it (espeak-ng switches language by script) or translate it"
            )
    return _cut(cleaned)


def script_of(text: str) -> str:
    """The writing system most letters of ``text`` belong to, as Unicode names it (``LATIN``, ``CYRILLIC``…)."""
    scripts: Counter[str] = Counter()
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            scripts[_SCRIPT_ALIASES.get(name.split(" ")[0], name.split(" ")[0])] += 1
    return scripts.most_common(1)[0][0] if scripts else "LATIN"


#: Unicode names that start with a word other than the script's: Han ideographs and full-width Latin.
_SCRIPT_ALIASES = {"CJK": "HAN", "FULLWIDTH": "LATIN"}


def _cut(text: str) -> list[str]:
    if len(text) <= CHUNK:
        return [text]
    pieces: list[str] = []
    for sentence in _SENTENCE.split(text):
        for part in _split_long(sentence, _CLAUSE):
            if pieces and len(pieces[-1]) + 1 + len(part) <= CHUNK:
                pieces[-1] += " " + part
            else:
                pieces.append(part)
    return pieces


def _split_long(text: str, at: re.Pattern[str]) -> list[str]:
    if len(text) <= CHUNK:
        return [text]
    parts = at.split(text) if at.search(text) else text.split(" ")
    if len(parts) == 1:  # one unbroken run of characters: cut it where it must be cut
        return [text[i : i + CHUNK] for i in range(0, len(text), CHUNK)]
    out: list[str] = []
    for part in parts:
        for piece in _split_long(part, re.compile(r" ")):
            if out and len(out[-1]) + 1 + len(piece) <= CHUNK:
                out[-1] += " " + piece
            else:
                out.append(piece)
    return out


def ascii_text(text: str) -> str:
    """``text`` for engines that read only ASCII: accents taken off, typographic quotes and dashes made plain."""
    plain = unicodedata.normalize("NFKD", text.translate(_TYPOGRAPHY))
    return "".join(ch for ch in plain if ch.isascii())


_TYPOGRAPHY = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "—": ", ", "–": "-", "…": "..."})


def varispeed(samples: np.ndarray, ratio: float) -> np.ndarray:
    """Play ``samples`` back ``ratio`` times faster (pitch up by the ratio, length down by it)."""
    if abs(ratio - 1.0) < 1e-3:
        return samples
    step = Fraction(1.0 / ratio).limit_denominator(96)
    from scipy import signal  # scipy.signal takes seconds to import; casting needs none of it

    return signal.resample_poly(samples, step.numerator, step.denominator)


def join(pieces: list[np.ndarray], sample_rate: int) -> np.ndarray:
    """Pieces of one line, one after another with a breath between them."""
    if len(pieces) == 1:
        return pieces[0]
    breath = np.zeros(round(BREATH * sample_rate))
    out: list[np.ndarray] = []
    for i, piece in enumerate(pieces):
        if i:
            out.append(breath)
        out.append(piece)
    return np.concatenate(out)


def level_db(samples: np.ndarray) -> float:
    """RMS level of ``samples`` in dBFS (-inf for digital silence)."""
    if samples.size == 0:
        return float("-inf")
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    return 20.0 * np.log10(rms) if rms > 0 else float("-inf")


def loudness(samples: np.ndarray, sample_rate: int) -> float:
    """Integrated loudness (ITU-R BS.1770, LUFS) of a take, however short: short takes are padded with silence,
    which the measurement's gate ignores."""
    shortest = int(0.4 * sample_rate) + 1
    if samples.shape[0] < shortest:
        samples = np.concatenate([samples, np.zeros((shortest - samples.shape[0], *samples.shape[1:]))])
    import pyloudnorm  # imports scipy.signal

    return float(pyloudnorm.Meter(sample_rate).integrated_loudness(samples))


def finish(samples: np.ndarray, sample_rate: int, delivery: Delivery) -> np.ndarray:
    """A raw take levelled for its delivery, whispered ones thinned, the pause before it put in."""
    samples = samples - np.mean(samples)
    if delivery.style == "whisper":
        # A whisper has no chest: take away the voiced low end that engines without a whisper voice leave in.
        from scipy import signal

        sos = signal.butter(2, 350.0, "highpass", fs=sample_rate, output="sos")
        samples = signal.sosfilt(sos, samples)
    measured = loudness(samples, sample_rate)
    if np.isfinite(measured):
        samples = samples * 10.0 ** ((READ_LEVEL + delivery.gain_db - measured) / 20.0)
    peak = float(np.max(np.abs(samples)))
    ceiling = 10.0 ** (TAKE_PEAK_DB / 20.0)
    if peak > ceiling:
        samples = samples * (ceiling / peak)
    pause = np.zeros(round(delivery.pause * sample_rate))
    return np.concatenate([pause, samples])


def encode(samples: np.ndarray, sample_rate: int) -> bytes:
    """Samples as 16-bit PCM WAV bytes."""
    buffer = io.BytesIO()
    soundfile.write(buffer, samples, sample_rate, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


def decode(wav: bytes) -> tuple[np.ndarray, int]:
    """Mono float samples and sample rate of WAV bytes (channels averaged)."""
    try:
        samples, sample_rate = soundfile.read(io.BytesIO(wav), dtype="float64", always_2d=True)
    except (RuntimeError, soundfile.LibsndfileError) as exc:
        raise ClapboardError(f"the engine's audio is not a readable WAV file ({exc})") from None
    return samples.mean(axis=1), int(sample_rate)


def unknown_voice(voice: Voice, known: tuple[str, ...] | list[str]) -> ClapboardError:
    """The error for a voice the engine does not have, listing those it has."""
    return ClapboardError(f"{voice.engine} has no voice {voice.name!r}; it has: {', '.join(known) or 'none'}")


def run_engine(engine: str, command: list[str], *, stdin: bytes | None = None, hint: str) -> bytes:
    """Run an engine's program and return what it printed; BackendUnavailable when it is missing."""
    try:
        done = subprocess.run(command, input=stdin, capture_output=True, timeout=ENGINE_TIMEOUT, check=False)
    except FileNotFoundError:
        raise BackendUnavailable(engine, hint) from None
    except subprocess.TimeoutExpired:
        raise ClapboardError(f"{engine} did not finish within {ENGINE_TIMEOUT:.0f} s") from None
    if done.returncode != 0:
        said = " ".join(done.stderr.decode("utf-8", "replace").split())[-300:]
        raise ClapboardError(f"{engine} failed (exit {done.returncode}): {said or 'no message'}")
    return done.stdout


def listing(program: str, *args: str, timeout: float) -> str:
    """What ``program args`` prints, for the ``program`` on the PATH, asked once per process and program.

    Empty when there is no such program or it does not answer in time, and then not remembered: a program
    installed later, or a busy machine, may answer the next time.
    """
    found = shutil.which(program)
    if found is None:
        return ""
    try:
        return _listed(found, args, timeout)
    except (OSError, subprocess.TimeoutExpired):
        return ""


@cache
def _listed(path: str, args: tuple[str, ...], timeout: float) -> str:
    return subprocess.run([path, *args], capture_output=True, text=True, timeout=timeout, check=False).stdout
