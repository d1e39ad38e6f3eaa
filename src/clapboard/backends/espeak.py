"""eSpeak NG: formant speech in over a hundred languages, from the Debian ``espeak-ng`` package.

Robotic next to a neural voice, but fast (RTF about 0.001), tiny, and the one
engine here that reads any script: a line in Cyrillic, Greek, Arabic, Devanagari
or Han is said with the voice of that script's language, keeping the cast
voice's variant, speed and pitch. Voices are a language and a variant:
``en-us+f3``, ``en-gb+m2``. Pitch and speed are the engine's own; a whisper uses
eSpeak's whispering variants.
"""

from __future__ import annotations

import shutil
from typing import ClassVar

import numpy as np

from clapboard.backends.speech import SpeechEngine, decode, run_engine, script_of
from clapboard.sound.voice import Timbre, Voice

#: Variants casting picks from (eSpeak's own female and male variants), for American and British English.
FEMALE_VARIANTS = ("f1", "f2", "f3", "f4", "f5")
MALE_VARIANTS = ("m1", "m2", "m3", "m4", "m5", "m6", "m7")
ACCENTS = {"en-us": "us", "en-gb": "gb"}

#: The language voice eSpeak reads each non-Latin script with.
SCRIPT_LANGUAGES = {
    "CYRILLIC": "ru",
    "GREEK": "el",
    "ARABIC": "ar",
    "HEBREW": "he",
    "DEVANAGARI": "hi",
    "BENGALI": "bn",
    "TAMIL": "ta",
    "THAI": "th",
    "HAN": "cmn",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "HANGUL": "ko",
    "ARMENIAN": "hy",
    "GEORGIAN": "ka",
}

#: eSpeak's words per minute at rate 1.
WORDS_PER_MINUTE = 175


class Espeak(SpeechEngine):
    """Speech by the ``espeak-ng`` program."""

    name: ClassVar[str] = "espeak-ng"
    version: ClassVar[str] = "1"
    install_hint: ClassVar[str] = "install the espeak-ng program (Debian and Ubuntu: apt-get install espeak-ng)"
    latin_only: ClassVar[bool] = False
    native_pitch: ClassVar[bool] = True

    @classmethod
    def available(cls) -> bool:
        """True when the ``espeak-ng`` program is on the PATH."""
        return shutil.which("espeak-ng") is not None

    @classmethod
    def repertoire(cls) -> tuple[Timbre, ...]:
        """Each English accent with each female and male variant."""
        return tuple(
            Timbre(cls.name, f"{language}+{variant}", gender, tier=4, accent=accent, speaker=f"espeak-ng+{variant}")
            for language, accent in ACCENTS.items()
            for gender, variants in (("female", FEMALE_VARIANTS), ("male", MALE_VARIANTS))
            for variant in variants
        )

    def say(self, text: str, voice: Voice, *, rate: float, pitch: float) -> tuple[np.ndarray, int]:
        """One chunk from ``espeak-ng``, in the language of the chunk's script."""
        language, _, variant = voice.name.partition("+")
        script = script_of(text)
        if script != "LATIN":
            language = SCRIPT_LANGUAGES.get(script, language)
        speed = min(max(round(WORDS_PER_MINUTE * rate), 80), 450)
        command = ["espeak-ng", "-b", "1", "-v", f"{language}+{variant}" if variant else language]
        command += ["-s", str(speed), "-p", str(pitch_setting(pitch)), "--stdout"]
        return decode(run_engine(self.name, command, stdin=text.encode("utf-8"), hint=self.install_hint))

    def speak(self, text: str, *, voice: str, seed: int) -> bytes:
        """The line in ``voice``; a whispered line is said by eSpeak's whispering variant of the voice's sex."""
        cast, delivery = Voice.parse(voice)
        if delivery.style == "whisper" and "+" in cast.name:
            language, _, variant = cast.name.partition("+")
            whisper = "whisperf" if variant.startswith("f") else "whisper"
            voice = voice.replace(cast.label, f"{cast.engine}:{language}+{whisper}", 1)
        return super().speak(text, voice=voice, seed=seed)


def pitch_setting(semitones: float) -> int:
    """eSpeak's ``-p`` (0-99, 50 natural) for a shift in semitones, from its measured curve:
    about 0.1 semitone a step below 50 and 0.16 above."""
    step = 10.7 if semitones < 0 else 6.3
    return min(max(round(50 + semitones * step), 0), 99)
