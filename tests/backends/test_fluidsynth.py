"""FluidSynth renders the score's MIDI through the General MIDI soundfont, offline and repeatably."""

from __future__ import annotations

import io

import mido
import numpy as np
import pytest
import soundfile

from clapboard.backends.fluidsynth import SAMPLE_RATE, FluidSynth
from clapboard.backends.speech import loudness
from clapboard.engine import BackendChoice, open_backend
from clapboard.errors import BackendUnavailable
from clapboard.sound.score import Mood, compose


@pytest.fixture(scope="module")
def synth() -> FluidSynth:
    assert FluidSynth.available(), FluidSynth.install_hint
    return open_backend(BackendChoice("music", "fluidsynth"))


def one_note(pitch: int, seconds: float, program: int = 0) -> bytes:
    song = mido.MidiFile(ticks_per_beat=480)
    track = mido.MidiTrack()
    song.tracks.append(track)
    track.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(60)))
    track.append(mido.Message("program_change", program=program))
    track.append(mido.Message("note_on", note=pitch, velocity=100))
    track.append(mido.Message("note_off", note=pitch, velocity=0, time=round(480 * seconds)))
    buffer = io.BytesIO()
    song.save(file=buffer)
    return buffer.getvalue()


def test_a_rendered_a_sounds_at_440_hz(synth) -> None:
    samples, rate = soundfile.read(io.BytesIO(synth.render(one_note(69, 1.0, program=73))))  # flute
    assert (rate, samples.shape[1]) == (SAMPLE_RATE, 2)
    middle = samples[int(0.2 * rate) : int(0.9 * rate), 0]
    spectrum = np.abs(np.fft.rfft(middle * np.hanning(len(middle))))
    frequencies = np.fft.rfftfreq(len(middle), 1 / rate)
    assert frequencies[np.argmax(spectrum)] == pytest.approx(440.0, abs=3.0)


def test_a_cue_is_exactly_as_long_as_asked_and_the_same_every_time(synth) -> None:
    wav = synth.compose("valence=-0.5 arousal=0.3", seconds=6.0, seed=2)
    samples, rate = soundfile.read(io.BytesIO(wav))
    assert samples.shape == (6 * rate, 2)
    assert synth.compose("valence=-0.5 arousal=0.3", seconds=6.0, seed=2) == wav
    assert np.max(np.abs(samples[-100:])) < 0.01, "the cut end fades out"


def test_an_aroused_cue_is_louder_than_a_calm_one(synth) -> None:
    calm = synth.perform(compose(Mood(0.2, 0.1), 8.0, seed=1), 8.0)
    urgent = synth.perform(compose(Mood(0.2, 0.9), 8.0, seed=1), 8.0)
    assert loudness(urgent, SAMPLE_RATE) > loudness(calm, SAMPLE_RATE) + 6.0
    assert np.max(np.abs(urgent)) < 1.0


def test_without_a_soundfont_the_backend_names_the_package(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr("clapboard.backends.fluidsynth.SOUNDFONTS", (tmp_path / "none.sf2",))
    assert not FluidSynth.available()
    with pytest.raises(BackendUnavailable, match="timgm6mb-soundfont"):
        FluidSynth()
