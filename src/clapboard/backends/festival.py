"""Festival: the Edinburgh speech system, from the Debian ``festival`` package and its ``festvox-*`` voices.

The default English voice is ``cmu_us_slt_arctic_hts`` (Debian's
``festvox-us-slt-hts``): an HMM voice, smoother than Flite's, about RTF 0.05.
Diphone voices (``kal_diphone`` from ``festvox-kallpc16k``…) work too. Speed is
the engine's own (the HTS engine's rate, Festival's duration stretch for the
others); pitch is made by varispeed.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from functools import cache
from pathlib import Path
from typing import ClassVar

import numpy as np

from clapboard.backends.speech import SpeechEngine, ascii_text, decode, run_engine, unknown_voice
from clapboard.errors import ClapboardError
from clapboard.sound.voice import Gender, Timbre, Voice

#: Where Debian's festvox packages put their voices: one folder per language, one per voice inside.
VOICE_FOLDERS = (Path("/usr/share/festival/voices"), Path("/usr/lib/festival/voices"))

#: What casting knows of Festival's English voices: sex, quality tier (HTS above diphones), accent, speaker.
KNOWN_VOICES: dict[str, tuple[Gender, int, str, str]] = {
    "cmu_us_slt_arctic_hts": ("female", 1, "us", "cmu-slt"),
    "kal_diphone": ("male", 3, "us", "cmu-kal"),
    "ked_diphone": ("male", 3, "us", "cmu-ked"),
    "rab_diphone": ("male", 3, "gb", "cstr-rab"),
}

_VOICE_NAME = re.compile(r"^[a-z0-9_]+$")


class Festival(SpeechEngine):
    """Speech by Festival's ``text2wave``."""

    name: ClassVar[str] = "festival"
    version: ClassVar[str] = "1"
    install_hint: ClassVar[str] = (
        "install Festival and an English voice (Debian and Ubuntu: apt-get install festival festvox-us-slt-hts)"
    )

    @classmethod
    def available(cls) -> bool:
        """True when ``text2wave`` is on the PATH and at least one voice is installed."""
        return shutil.which("text2wave") is not None and bool(voices())

    @classmethod
    def repertoire(cls) -> tuple[Timbre, ...]:
        """The installed voices casting knows."""
        return tuple(Timbre(cls.name, name, *KNOWN_VOICES[name]) for name in voices() if name in KNOWN_VOICES)

    def say(self, text: str, voice: Voice, *, rate: float, pitch: float) -> tuple[np.ndarray, int]:
        """One chunk from ``text2wave``, which reads a text file and writes a WAV file."""
        if voice.name not in voices() or not _VOICE_NAME.match(voice.name):
            raise unknown_voice(voice, voices())
        setup = (
            f"(begin (voice_{voice.name})"
            f" (Parameter.set 'Duration_Stretch {1.0 / rate:.4f})"
            f' (set! hts_engine_params (append hts_engine_params (list (list "-r" {rate:.4f})))))'
        )
        with tempfile.TemporaryDirectory(prefix="clapboard-festival-") as folder:
            words, wav = Path(folder, "line.txt"), Path(folder, "line.wav")
            words.write_text(ascii_text(text), encoding="ascii")
            run_engine(self.name, ["text2wave", "-eval", setup, "-o", str(wav), str(words)], hint=self.install_hint)
            if not wav.is_file():
                raise ClapboardError(f"festival wrote no audio for voice {voice.label}")
            return decode(wav.read_bytes())


@cache
def voices() -> tuple[str, ...]:
    """The Festival voices installed here, by folder name, asked once per process."""
    found = {
        voice.name
        for folder in VOICE_FOLDERS
        if folder.is_dir()
        for language in folder.iterdir()
        if language.is_dir()
        for voice in language.iterdir()
        if voice.is_dir()
    }
    return tuple(sorted(found))
