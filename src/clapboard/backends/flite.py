"""Flite: CMU's small, fast synthesiser, from the Debian ``flite`` package (RTF about 0.013).

Its built-in voices are American English (``slt`` female; ``rms`` and ``kal``
male) and Scottish English (``awb`` male). Speed is the engine's own duration
stretch; pitch is made by varispeed, since only some of its voices follow a
pitch target.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import ClassVar

import numpy as np

from clapboard.backends.speech import SpeechEngine, ascii_text, decode, listing, run_engine, unknown_voice
from clapboard.errors import BackendUnavailable, ClapboardError
from clapboard.sound.voice import Gender, Timbre, Voice

#: What casting knows of Flite's voices: sex, quality tier (cluster-unit voices above diphones), accent, speaker.
KNOWN_VOICES: dict[str, tuple[Gender, int, str, str]] = {
    "slt": ("female", 2, "us", "cmu-slt"),
    "rms": ("male", 2, "us", "cmu-rms"),
    "awb": ("male", 2, "scottish", "cmu-awb"),
    "kal16": ("male", 3, "us", "cmu-kal"),
    "kal": ("male", 3, "us", "cmu-kal"),
}


class Flite(SpeechEngine):
    """Speech by the ``flite`` program."""

    name: ClassVar[str] = "flite"
    version: ClassVar[str] = "1"
    install_hint: ClassVar[str] = "install the flite program (Debian and Ubuntu: apt-get install flite)"

    @classmethod
    def available(cls) -> bool:
        """True when the ``flite`` program is on the PATH."""
        return shutil.which("flite") is not None

    @classmethod
    def repertoire(cls) -> tuple[Timbre, ...]:
        """The voices this ``flite`` lists that casting knows (limited-domain ones such as ``awb_time`` left out)."""
        return tuple(Timbre(cls.name, name, *KNOWN_VOICES[name]) for name in voices() if name in KNOWN_VOICES)

    def say(self, text: str, voice: Voice, *, rate: float, pitch: float) -> tuple[np.ndarray, int]:
        """One chunk from ``flite``, which writes only to files."""
        if not self.available():
            raise BackendUnavailable(self.name, self.install_hint)
        if voice.name not in voices():
            # Flite would quietly fall back to its default voice: a miscast nobody asked for.
            raise unknown_voice(voice, voices())
        with tempfile.TemporaryDirectory(prefix="clapboard-flite-") as folder:
            words, wav = Path(folder, "line.txt"), Path(folder, "line.wav")
            words.write_text(ascii_text(text), encoding="ascii")
            command = ["flite", "-voice", voice.name, "--setf", f"duration_stretch={1.0 / rate:.4f}"]
            run_engine(self.name, [*command, "-f", str(words), "-o", str(wav)], hint=self.install_hint)
            if not wav.is_file():
                raise ClapboardError(f"flite wrote no audio for voice {voice.label}")
            return decode(wav.read_bytes())


def voices() -> tuple[str, ...]:
    """The voices built into the ``flite`` on the PATH (its ``-lv`` list); none when there is no flite."""
    return tuple(listing("flite", "-lv", timeout=10).partition(":")[2].split())
