"""FluidSynth: renders the score's MIDI with a General MIDI soundfont, from Debian's ``fluidsynth``.

As a music backend it composes a cue from its prompt (``valence=-0.4
arousal=0.3``, see :meth:`clapboard.sound.score.Mood.parse`) and renders it;
:meth:`FluidSynth.render` renders any MIDI file, such as a composer's revision
of an exported cue. Rendering is offline and deterministic: the same MIDI and
soundfont give the same bytes.

The soundfont is the backend's model file when the project names one;
otherwise the first installed of FluidR3 (``fluid-soundfont-gm``, 148 MB, the
fuller sound) and TimGM6mb (``timgm6mb-soundfont``, 6 MB, what tests and CI
use).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from clapboard.backends.speech import encode, loudness, run_engine
from clapboard.errors import BackendUnavailable, ClapboardError
from clapboard.sound.score import Cue, Mood, compose

#: Soundfonts looked for when the project names none, best first.
SOUNDFONTS = (
    Path("/usr/share/sounds/sf2/FluidR3_GM.sf2"),
    Path("/usr/share/sounds/sf2/TimGM6mb.sf2"),
    Path("/usr/share/sounds/sf2/default-GM.sf2"),
    Path("/usr/share/soundfonts/default.sf2"),
)
SAMPLE_RATE = 48_000
#: FluidSynth's master gain: leaves headroom for a full orchestra at ff; quiet cues stay quiet.
GAIN = 0.5
#: A cue's loudness at rest and at full arousal, LUFS: an underscore sits under the dialogue (-23 LUFS),
#: and its dynamics follow the arc without a calm cue vanishing or a frantic one drowning the lines.
CALM_LEVEL, AROUSED_LEVEL = -31.0, -22.0
#: Peak ceiling of a rendered cue, dBFS.
CUE_PEAK_DB = -1.0
#: Fade at a cue's cut end, seconds: the last chord dies away rather than stops.
END_FADE = 1.0
OPTIONS = ("gain",)


class FluidSynth:
    """Music composed from the arc and rendered by the ``fluidsynth`` program."""

    name: ClassVar[str] = "fluidsynth"
    version: ClassVar[str] = "1"
    capabilities: ClassVar[frozenset[str]] = frozenset({"music"})
    install_hint: ClassVar[str] = (
        "install FluidSynth and a General MIDI soundfont (Debian and Ubuntu: apt-get install fluidsynth "
        "timgm6mb-soundfont, or fluid-soundfont-gm for the fuller sound)"
    )

    @classmethod
    def available(cls) -> bool:
        """True when the ``fluidsynth`` program and a soundfont are installed."""
        return shutil.which("fluidsynth") is not None and default_soundfont() is not None

    def __init__(self, model: Path | None = None, options: dict[str, Any] | None = None) -> None:
        given = dict(options or {})
        unknown = set(given) - set(OPTIONS)
        if unknown:
            raise ClapboardError(f"backend 'fluidsynth': unknown option(s) {', '.join(sorted(unknown))}")
        soundfont = model or default_soundfont()
        if soundfont is None:
            raise BackendUnavailable(self.name, self.install_hint)
        self.soundfont = soundfont
        self.gain = float(given.get("gain", GAIN))

    def compose(self, prompt: str, *, seconds: float, seed: int) -> bytes:
        """A cue for the mood the prompt states, exactly ``seconds`` long, as 16-bit stereo WAV."""
        cue = compose(Mood.parse(prompt), seconds, seed=seed)
        return encode(self.perform(cue, seconds), SAMPLE_RATE)

    def perform(self, cue: Cue, seconds: float) -> np.ndarray:
        """A composed cue rendered, cut to ``seconds`` and set to the level its arousal calls for
        (float stereo samples at :data:`SAMPLE_RATE`)."""
        samples = cut(self.render_samples(cue.midi()), seconds, SAMPLE_RATE)
        measured = loudness(samples, SAMPLE_RATE)
        if np.isfinite(measured):
            target = CALM_LEVEL + (AROUSED_LEVEL - CALM_LEVEL) * cue.mood.arousal
            samples = samples * 10.0 ** ((target - measured) / 20.0)
        return below_ceiling(samples)

    def render(self, midi: bytes) -> bytes:
        """Any MIDI file rendered with the soundfont, to its last note's release, as 16-bit stereo WAV."""
        return encode(below_ceiling(self.render_samples(midi)), SAMPLE_RATE)

    def render_samples(self, midi: bytes) -> np.ndarray:
        """Any MIDI file rendered as float stereo samples (frames × 2) at :data:`SAMPLE_RATE`."""
        import soundfile

        with tempfile.TemporaryDirectory(prefix="clapboard-fluidsynth-") as folder:
            score, wav = Path(folder, "cue.mid"), Path(folder, "cue.wav")
            score.write_bytes(midi)
            command = ["fluidsynth", "-n", "-i", "-q", "-F", str(wav), "-T", "wav", "-O", "float"]
            command += ["-r", str(SAMPLE_RATE), "-g", f"{self.gain:.3f}", str(self.soundfont), str(score)]
            run_engine(self.name, command, hint=self.install_hint)
            if not wav.is_file():
                raise ClapboardError(f"fluidsynth wrote no audio for {len(midi)} bytes of MIDI")
            samples, _ = soundfile.read(str(wav), dtype="float64", always_2d=True)
        return samples


def cut(samples: np.ndarray, seconds: float, sample_rate: int) -> np.ndarray:
    """``samples`` made exactly ``seconds`` long: cut with a fade at the end, or padded with silence."""
    frames = round(seconds * sample_rate)
    out = np.zeros((frames, samples.shape[1]))
    kept = min(frames, samples.shape[0])
    out[:kept] = samples[:kept]
    fade = min(round(END_FADE * sample_rate), kept)
    if samples.shape[0] > frames and fade:
        out[kept - fade : kept] *= np.linspace(1.0, 0.0, fade)[:, None]
    return out


def below_ceiling(samples: np.ndarray) -> np.ndarray:
    """``samples`` turned down, if need be, so no peak passes :data:`CUE_PEAK_DB`."""
    peak = float(np.max(np.abs(samples))) if samples.size else 0.0
    ceiling = 10.0 ** (CUE_PEAK_DB / 20.0)
    return samples * (ceiling / peak) if peak > ceiling else samples


def default_soundfont() -> Path | None:
    """The best General MIDI soundfont installed here, or None."""
    return next((path for path in SOUNDFONTS if path.is_file()), None)
