"""The mix: lines and cues on the timeline, ducking, room tone, treatments, loudness and true peak."""

from __future__ import annotations

import io

import numpy as np
import pyloudnorm
import pytest
import soundfile
from scipy import signal

from clapboard.backends.espeak import Espeak
from clapboard.backends.fluidsynth import FluidSynth
from clapboard.errors import ClapboardError
from clapboard.sound.mix import SAMPLE_RATE, Clip, CueClip, MixSettings, Room, mix, spot, true_peak
from clapboard.sound.score import Mood, compose

RATE = SAMPLE_RATE


@pytest.fixture(scope="module")
def voice() -> Espeak:
    return Espeak()


def wav(samples: np.ndarray, rate: int = RATE, subtype: str = "FLOAT") -> bytes:
    buffer = io.BytesIO()
    soundfile.write(buffer, samples, rate, format="WAV", subtype=subtype)
    return buffer.getvalue()


def tone(hz: float, seconds: float, level: float = 0.1) -> np.ndarray:
    t = np.arange(round(seconds * RATE)) / RATE
    return np.repeat((level * np.sin(2 * np.pi * hz * t))[:, None], 2, axis=1)


def rms_db(samples: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(np.square(samples))) + 1e-12))


def span(samples: np.ndarray, start: float, end: float) -> np.ndarray:
    return samples[round(start * RATE) : round(end * RATE)]


def band_db(samples: np.ndarray, hz: float) -> float:
    """Level of the spectrum within 5 Hz of ``hz``, for telling two tones apart."""
    mono = samples.mean(axis=1) if samples.ndim == 2 else samples
    spectrum = np.abs(np.fft.rfft(mono * np.hanning(len(mono))))
    frequencies = np.fft.rfftfreq(len(mono), 1 / RATE)
    return float(20 * np.log10(spectrum[np.abs(frequencies - hz) < 5].max() + 1e-12))


def oversampled_peak_db(samples: np.ndarray) -> float:
    """True peak measured here independently: 8x oversampling with scipy's default filter."""
    return float(20 * np.log10(np.abs(signal.resample_poly(samples, 8, 1, axis=0)).max()))


def scene(voice: Espeak, cue_arousal: float = 0.4) -> tuple[list[Clip], list[CueClip], list[Room], float]:
    """Four lines spotted over a rendered cue, in one room."""
    texts = ["Mr Holloway?", "There's no piano.", "There's a piano.", "Nobody here asked for a tuner."]
    takes = [voice.speak(t, voice="espeak-ng:en-gb+m3", seed=0) for t in texts]
    seconds = [soundfile.info(io.BytesIO(t)).duration for t in takes]
    starts = spot(seconds, start=1.0, gap=0.8)
    end = starts[-1] + seconds[-1] + 1.0
    music = FluidSynth().compose(f"valence=0.2 arousal={cue_arousal}", seconds=end, seed=3)
    return [Clip(s, t) for s, t in zip(starts, takes, strict=True)], [CueClip(0.0, music)], [Room(0.0, end)], end


@pytest.mark.parametrize("target", [-23.0, -16.0])
def test_the_final_mix_is_within_one_lu_of_the_target_and_under_the_true_peak_ceiling(voice, target) -> None:
    lines, cues, rooms, end = scene(voice, cue_arousal=0.9)
    done = mix(lines, cues, rooms=rooms, duration=end, settings=MixSettings(loudness=target))
    measured = pyloudnorm.Meter(RATE).integrated_loudness(done.mix)
    assert measured == pytest.approx(target, abs=1.0)
    assert oversampled_peak_db(done.mix) <= -1.0
    assert done.true_peak <= -1.0
    assert done.loudness == pytest.approx(measured, abs=0.01)


def test_peaks_that_would_pass_the_ceiling_are_limited_not_clipped() -> None:
    # Clicks over a quiet bed: bringing this to -16 LUFS would put the clicks far over 0 dBFS.
    bed = tone(220.0, 6.0, 0.05)
    clicks = np.zeros_like(bed)
    clicks[:: RATE // 2] = 0.9
    done = mix([], [CueClip(0.0, wav(bed + clicks))], settings=MixSettings(loudness=-16.0))
    assert pyloudnorm.Meter(RATE).integrated_loudness(done.mix) == pytest.approx(-16.0, abs=1.0)
    assert oversampled_peak_db(done.mix) <= -1.0
    assert np.abs(done.mix).max() < 1.0


def test_true_peak_finds_the_peak_between_samples() -> None:
    # A quarter-rate sine sampled at 45 degrees: every sample sits 3 dB under the wave's crest.
    n = np.arange(RATE)
    wave = 0.9 * np.sin(np.pi / 2 * n + np.pi / 4)
    assert 20 * np.log10(np.abs(wave).max()) == pytest.approx(20 * np.log10(0.9) - 3.01, abs=0.05)
    assert true_peak(wave) == pytest.approx(20 * np.log10(0.9), abs=0.3)


def test_music_ducks_under_dialogue_and_comes_back(voice) -> None:
    line = voice.speak("She hid it in there, inside the piano, all this time.", voice="espeak-ng:en-us+m2", seed=0)
    length = soundfile.info(io.BytesIO(line)).duration
    done = mix([Clip(4.0, line)], [CueClip(0.0, wav(tone(330.0, 14.0)))], settings=MixSettings(duck=10.0))
    before = rms_db(span(done.music, 1.0, 3.5))
    under = rms_db(span(done.music, 4.5, 4.0 + length - 0.3))
    after = rms_db(span(done.music, 4.0 + length + 2.0, 13.5))
    assert under < before - 8.0
    assert after == pytest.approx(before, abs=1.0)
    assert rms_db(span(done.music, 3.98, 4.0)) < before - 3.0, "the music is already dipping as the line starts"


def test_cues_cross_fade_at_a_scene_change() -> None:
    first = CueClip(0.0, wav(tone(440.0, 6.0)), fade_out=2.0)
    second = CueClip(4.0, wav(tone(660.0, 6.0)), fade_in=2.0)
    music = mix([], [first, second]).music
    alone_first, crossing, alone_second = span(music, 1.0, 3.0), span(music, 4.6, 5.4), span(music, 7.0, 9.0)
    assert band_db(alone_first, 440) - band_db(alone_first, 660) > 40
    assert band_db(alone_second, 660) - band_db(alone_second, 440) > 40
    assert abs(band_db(crossing, 440) - band_db(crossing, 660)) < 6, "both cues sound through the change"
    # Equal-power fades: the music does not dip through the change.
    assert rms_db(crossing) == pytest.approx(rms_db(alone_first), abs=1.5)


def test_room_tone_fills_the_silence_between_lines_far_under_them(voice) -> None:
    lines, _, rooms, end = scene(voice)
    done = mix(lines, rooms=rooms, duration=end)
    first_end = lines[0].start + soundfile.info(io.BytesIO(lines[0].wav)).duration
    between = span(done.dialogue, first_end + 0.45, lines[1].start - 0.05)
    spoken = span(done.dialogue, lines[1].start, lines[1].start + 0.6)
    assert rms_db(between) > -90.0, "no dead air between lines"
    assert rms_db(between) < rms_db(spoken) - 25.0
    assert rms_db(mix(lines, duration=end).dialogue[-RATE // 4 :]) == pytest.approx(-240.0, abs=1.0)


def test_vo_is_close_and_dry_and_os_is_filtered_and_lower(voice) -> None:
    line = voice.speak("Walter, if you're hearing this.", voice="espeak-ng:en-us+f2", seed=0)
    length = soundfile.info(io.BytesIO(line)).duration
    done = mix([Clip(0.0, line, "on"), Clip(5.0, line, "vo"), Clip(10.0, line, "os")], duration=15.0)
    dialogue = done.dialogue[:, 0]
    on, vo, os_ = (span(dialogue, t, t + length) for t in (0.0, 5.0, 10.0))
    assert rms_db(os_) < rms_db(on) - 3.0
    highs = signal.sosfilt(signal.butter(4, 4500, "highpass", fs=RATE, output="sos"), os_)
    highs_on = signal.sosfilt(signal.butter(4, 4500, "highpass", fs=RATE, output="sos"), on)
    assert rms_db(highs) - rms_db(os_) < rms_db(highs_on) - rms_db(on) - 10.0
    assert rms_db(vo) > rms_db(on)
    # A clap shows the room: on screen it rings on after the sound stops, a voice-over has no room at all.
    clap = np.zeros(RATE // 2)
    clap[:2400] = np.random.default_rng(1).standard_normal(2400) * 0.3
    claps = mix([Clip(0.0, wav(clap), "on"), Clip(2.0, wav(clap), "vo")], duration=4.0).dialogue[:, 0]
    ring_on, ring_vo = span(claps, 0.1, 0.3), span(claps, 2.1, 2.3)
    assert rms_db(ring_on) > rms_db(span(claps, 0.0, 0.05)) - 45.0
    assert rms_db(ring_vo) < rms_db(ring_on) - 60.0


def test_a_whispered_line_is_quieter_than_its_neighbours_in_the_mix(voice) -> None:
    specs = ["espeak-ng:en-us+f4", "espeak-ng:en-us+f4 style=whisper", "espeak-ng:en-us+f4"]
    texts = ["Is that Nan's writing?", "She hid it in there.", "Are you going to play it?"]
    takes = [voice.speak(t, voice=s, seed=0) for t, s in zip(texts, specs, strict=True)]
    lengths = [soundfile.info(io.BytesIO(t)).duration for t in takes]
    starts = spot(lengths, start=0.5, gap=1.0)
    done = mix([Clip(s, t) for s, t in zip(starts, takes, strict=True)], rooms=[Room(0.0, starts[-1] + 4)])
    levels = [rms_db(span(done.dialogue, s, s + n)) for s, n in zip(starts, lengths, strict=True)]
    assert levels[1] < min(levels[0], levels[2]) - 6.0


def test_the_stems_add_up_to_the_mix_and_are_written_out(voice, tmp_path) -> None:
    lines, cues, rooms, end = scene(voice)
    done = mix(lines, cues, rooms=rooms, duration=end)
    assert np.allclose(done.dialogue + done.music, done.mix)
    written = done.write(tmp_path / "out")
    assert [p.relative_to(tmp_path / "out").as_posix() for p in written] == [
        "mix.wav",
        "stems/dialogue.wav",
        "stems/music.wav",
    ]
    infos = [soundfile.info(str(p)) for p in written]
    assert [(i.channels, i.samplerate, i.subtype) for i in infos] == [
        (2, RATE, "PCM_24"),
        (1, RATE, "PCM_24"),
        (2, RATE, "PCM_24"),
    ]
    assert {i.frames for i in infos} == {round(end * RATE)}


def test_the_same_lines_and_cues_make_the_same_mix() -> None:
    burst = np.random.default_rng(3).standard_normal(RATE) * 0.1
    inputs = ([Clip(0.5, wav(burst), "os")], [CueClip(0.0, wav(tone(200.0, 3.0)), fade_out=1.0)])
    one, two = mix(*inputs, rooms=[Room(0.0, 3.0)]), mix(*inputs, rooms=[Room(0.0, 3.0)])
    assert np.array_equal(one.mix, two.mix)


def test_lines_are_spotted_one_after_another() -> None:
    assert spot([1.0, 2.5, 0.5], start=3.0, gap=0.5) == [3.0, 4.5, 7.5]


def test_nothing_to_mix_and_impossible_targets_are_errors() -> None:
    with pytest.raises(ClapboardError, match="nothing to mix"):
        mix([])
    with pytest.raises(ClapboardError, match="silent"):
        mix([], duration=2.0)
    with pytest.raises(ClapboardError, match="outside"):
        MixSettings(loudness=3.0)
    with pytest.raises(ClapboardError, match="not a readable WAV"):
        mix([Clip(0.0, b"RIFF nonsense")])


def test_a_score_cue_from_fluidsynth_sits_under_the_lines(voice) -> None:
    lines, _, rooms, end = scene(voice)
    cue = FluidSynth().perform(compose(Mood(-0.5, 0.3), end, seed=1), end)
    done = mix(lines, [CueClip(0.0, wav(cue))], rooms=rooms, duration=end)
    assert rms_db(done.music) < rms_db(done.dialogue)
