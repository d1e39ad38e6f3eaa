"""The offline speech engines: each says a known line, in the voice, speed, pitch and manner asked for."""

from __future__ import annotations

import io

import numpy as np
import pytest
import soundfile

from clapboard.backends.espeak import Espeak
from clapboard.backends.festival import Festival
from clapboard.backends.flite import Flite
from clapboard.backends.piper import Piper
from clapboard.backends.speech import CHUNK, READ_LEVEL, chunks_to_say, loudness
from clapboard.engine import BackendChoice, open_backend, rescan
from clapboard.errors import BackendUnavailable, ClapboardError, ConsentRequired
from clapboard.sound.voice import UnspeakableLine

LINE = "The quick brown fox jumps over the lazy dog."
ENGINES = {
    "piper": (Piper, "piper:en_US-joe-medium"),
    "espeak-ng": (Espeak, "espeak-ng:en-us+m3"),
    "flite": (Flite, "flite:slt"),
    "festival": (Festival, "festival:cmu_us_slt_arctic_hts"),
}


@pytest.fixture(scope="module")
def engines() -> dict[str, object]:
    """One of each engine, made once: Piper loads its model on first use."""
    return {name: open_backend(BackendChoice("speech", name)) for name in ENGINES}


def audio(wav: bytes) -> tuple[np.ndarray, int]:
    samples, rate = soundfile.read(io.BytesIO(wav), dtype="float64")
    assert samples.ndim == 1, "speech comes back mono"
    return samples, rate


def rms_db(samples: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(samples**2))))


def pitch_hz(samples: np.ndarray, rate: int) -> float:
    """Median fundamental of the voiced frames, by autocorrelation."""
    size = int(0.04 * rate)
    found = []
    for start in range(0, len(samples) - size, size // 2):
        frame = samples[start : start + size] * np.hanning(size)
        if np.sqrt(np.mean(frame**2)) < 0.01:
            continue
        corr = np.correlate(frame, frame, "full")[size - 1 :]
        low, high = int(rate / 400), int(rate / 60)
        lag = low + int(np.argmax(corr[low:high]))
        if corr[lag] > 0.3 * corr[0]:
            found.append(rate / lag)
    return float(np.median(found))


@pytest.mark.parametrize("engine", list(ENGINES))
def test_each_engine_says_a_known_line_at_a_natural_length_and_the_reading_level(engines, engine) -> None:
    assert ENGINES[engine][0].available(), f"{engine} is not installed: {ENGINES[engine][0].install_hint}"
    samples, rate = audio(engines[engine].speak(LINE, voice=ENGINES[engine][1], seed=0))
    seconds = len(samples) / rate
    assert 1.8 < seconds < 5.0, f"nine words in {seconds:.2f} s"
    assert loudness(samples, rate) == pytest.approx(READ_LEVEL, abs=0.5)
    assert np.max(np.abs(samples)) < 1.0


@pytest.mark.parametrize("engine", list(ENGINES))
def test_the_same_line_in_the_same_voice_is_the_same_take(engines, engine) -> None:
    voice = ENGINES[engine][1] + " rate=1.1 pitch=1.5"
    assert engines[engine].speak("Hatchback.", voice=voice, seed=0) == engines[engine].speak(
        "Hatchback.", voice=voice, seed=0
    )


@pytest.mark.parametrize("engine", ["piper", "espeak-ng", "flite"])
def test_a_whispered_line_is_quieter_than_its_neighbours(engines, engine) -> None:
    voice = ENGINES[engine][1]
    before = rms_db(audio(engines[engine].speak("Is that Nan's writing?", voice=voice, seed=0))[0])
    whispered = rms_db(audio(engines[engine].speak("She hid it in there.", voice=voice + " style=whisper", seed=0))[0])
    after = rms_db(audio(engines[engine].speak("Granddad, say something.", voice=voice, seed=0))[0])
    assert whispered < min(before, after) - 6.0


def test_a_shout_is_louder_and_a_beat_waits_before_the_words(engines) -> None:
    normal = audio(engines["espeak-ng"].speak("Get out of my house", voice="espeak-ng:en-gb+m2", seed=0))
    shout = audio(engines["espeak-ng"].speak("Get out of my house", voice="espeak-ng:en-gb+m2 style=shout", seed=0))
    assert loudness(*shout) > loudness(*normal) + 4.0
    samples, rate = audio(engines["espeak-ng"].speak("Again.", voice="espeak-ng:en-gb+m2 pause=0.8", seed=0))
    assert np.max(np.abs(samples[: int(0.8 * rate)])) == 0.0
    assert np.max(np.abs(samples[int(0.8 * rate) :])) > 0.01


@pytest.mark.parametrize("engine", ["espeak-ng", "flite", "piper"])
def test_pitch_moves_the_voice_by_semitones_and_keeps_its_length(engines, engine) -> None:
    voice = ENGINES[engine][1]
    low, rate = audio(engines[engine].speak(LINE, voice=voice, seed=0))
    high, _ = audio(engines[engine].speak(LINE, voice=voice + " pitch=4", seed=0))
    shift = 12 * np.log2(pitch_hz(high, rate) / pitch_hz(low, rate))
    assert 2.5 < shift < 5.5
    assert len(high) == pytest.approx(len(low), rel=0.12)


@pytest.mark.parametrize("engine", list(ENGINES))
def test_rate_slows_the_line_down(engines, engine) -> None:
    voice = ENGINES[engine][1]
    natural = len(audio(engines[engine].speak(LINE, voice=voice, seed=0))[0])
    slow = len(audio(engines[engine].speak(LINE, voice=voice + " rate=0.8", seed=0))[0])
    assert slow / natural == pytest.approx(1 / 0.8, rel=0.12)


@pytest.mark.parametrize("engine", list(ENGINES))
def test_a_line_of_emoji_is_refused_by_name(engines, engine) -> None:
    with pytest.raises(UnspeakableLine, match="no words to say"):
        engines[engine].speak("🎹🎶 ✨", voice=ENGINES[engine][1], seed=0)


def test_emoji_inside_a_line_are_left_unsaid() -> None:
    assert chunks_to_say("Middle C 🎹 is the one in the middle.", "LATIN") == ["Middle C is the one in the middle."]


@pytest.mark.parametrize("engine", ["piper", "flite", "festival"])
def test_english_voices_refuse_another_script_and_name_it(engines, engine) -> None:
    with pytest.raises(UnspeakableLine, match=r"Cyrillic script.*espeak-ng"):
        engines[engine].speak("Где середина?", voice=ENGINES[engine][1], seed=0)


def test_espeak_reads_another_script_in_that_scripts_language(engines) -> None:
    samples, rate = audio(engines["espeak-ng"].speak("Где середина?", voice="espeak-ng:en-us+f2", seed=0))
    assert 0.6 < len(samples) / rate < 3.0
    greek, rate = audio(engines["espeak-ng"].speak("Πού είναι η μέση;", voice="espeak-ng:en-us+f2", seed=0))
    assert len(greek) / rate > 0.6


def test_a_long_line_is_cut_at_sentences_into_pieces_an_engine_takes() -> None:
    text = " ".join(f"Sentence number {i} is about the piano and the tuner." for i in range(100))
    assert len(text) > 5000
    pieces = chunks_to_say(text, "LATIN")
    assert all(len(piece) <= CHUNK for piece in pieces)
    assert " ".join(pieces) == text
    assert all(piece.endswith(".") for piece in pieces)
    unbroken = "a" * 1000
    assert "".join(chunks_to_say(unbroken, None)) == unbroken


@pytest.mark.slow
def test_five_thousand_characters_are_all_said_with_no_gap(engines) -> None:
    text = " ".join(f"Line {i} of the tuner's long speech about the piano." for i in range(100))
    samples, rate = audio(engines["espeak-ng"].speak(text, voice="espeak-ng:en-us+m1 rate=1.5", seed=0))
    words = len(text.split())
    assert len(samples) / rate > words / (1.5 * 175 / 60) * 0.6
    # No stretch of a second or more is silent: every piece was said.
    second = rate
    frames = samples[: len(samples) // second * second].reshape(-1, second)
    assert np.sqrt(np.mean(frames**2, axis=1)).min() > 0.005


def test_a_voice_the_engine_lacks_is_an_error_not_a_fallback(engines) -> None:
    with pytest.raises(ClapboardError, match=r"flite has no voice 'nobody'.*slt"):
        engines["flite"].speak(LINE, voice="flite:nobody", seed=0)
    with pytest.raises(ClapboardError, match="festival has no voice"):
        engines["festival"].speak(LINE, voice="festival:nobody", seed=0)
    with pytest.raises(ClapboardError, match="piper has no voice"):
        engines["piper"].speak(LINE, voice="piper:en_GB-nobody", seed=0)
    with pytest.raises(ClapboardError, match="was asked for a 'flite' voice"):
        engines["piper"].speak(LINE, voice="flite:slt", seed=0)


def test_a_missing_engine_names_the_package_to_install(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert not Espeak.available()
    rescan()  # forget the engines this process opened while they were on the PATH
    with pytest.raises(BackendUnavailable, match="apt-get install espeak-ng"):
        open_backend(BackendChoice("speech", "espeak-ng"))
    with pytest.raises(BackendUnavailable, match="apt-get install flite"):
        Flite().speak(LINE, voice="flite:slt", seed=0)


def test_a_cloned_voice_needs_its_persons_consent(engines) -> None:
    voice = "espeak-ng:en-us+f1 likeness=jane-doe"
    with pytest.raises(ConsentRequired, match="jane-doe"):
        engines["espeak-ng"].speak(LINE, voice=voice, seed=0)
    granted = Espeak(options={"consents": lambda person, use: (person, use) == ("jane-doe", "voice")})
    assert len(granted.speak(LINE, voice=voice, seed=0)) > 10_000
    refused = Espeak(options={"consents": lambda person, use: False})
    with pytest.raises(ConsentRequired):
        refused.speak(LINE, voice=voice, seed=0)


def test_unknown_options_are_refused() -> None:
    with pytest.raises(ClapboardError, match=r"unknown option.*speed"):
        Espeak(options={"speed": 2})
    with pytest.raises(ClapboardError, match="variation is 0-1"):
        Piper(options={"variation": 3})


def test_every_engine_offers_its_voices_for_casting() -> None:
    assert [t.label for t in Piper.repertoire()] == ["piper:en_US-joe-medium"]
    assert {t.gender for t in Espeak.repertoire()} == {"female", "male"}
    assert "flite:slt" in {t.label for t in Flite.repertoire()}
    slt = next(t for t in Festival.repertoire() if t.name == "cmu_us_slt_arctic_hts")
    assert (slt.gender, slt.recorded) == ("female", "cmu-slt")
