"""The pocketsphinx aligner on speech made by the Debian ``flite`` program, laid out with known silences."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile

from clapboard.backends.pocketsphinx_align import PocketSphinx, number_words, spelled_phones, tokens_of
from clapboard.engine import BackendChoice, open_backend
from clapboard.engine.capabilities import Aligner
from clapboard.errors import ClapboardError

pytestmark = pytest.mark.skipif(not PocketSphinx.available(), reason="pocketsphinx is not installed")
needs_flite = pytest.mark.skipif(shutil.which("flite") is None, reason="flite is not installed: apt-get install flite")

#: How far a found start may be from the true one, in seconds.
TOLERANCE = 0.15
#: A sample louder than this (of full scale) is speech; flite's own silences are near digital zero.
SPEECH = 0.02


def said(text: str, folder: Path) -> tuple[np.ndarray, int]:
    """``text`` spoken by flite's slt voice: samples and rate."""
    wav = folder / "said.wav"
    subprocess.run(["flite", "-voice", "slt", "-t", text, "-o", str(wav)], check=True, capture_output=True)
    samples, rate = soundfile.read(wav, dtype="float64")
    return samples, rate


def recording(lines: list[str], pauses: list[float], folder: Path) -> tuple[bytes, list[tuple[float, float]]]:
    """The lines said one after another, each after its pause, as 48 kHz stereo WAV (so the aligner must
    convert it), and when each line's speech truly starts and ends."""
    parts: list[np.ndarray] = []
    truth: list[tuple[float, float]] = []
    at = 0
    rate = 16_000
    for line, pause in zip(lines, pauses, strict=True):
        samples, rate = said(line, folder)
        gap = np.zeros(round(pause * rate))
        heard = np.flatnonzero(np.abs(samples) > SPEECH)
        truth.append(((at + gap.size + heard[0]) / rate, (at + gap.size + heard[-1]) / rate))
        parts += [gap, samples]
        at += gap.size + samples.size
    # Played at 48 kHz by holding each sample three times: the images above 8 kHz are the aligner's to filter.
    wide = np.repeat(np.concatenate(parts), 3)
    buffer = io.BytesIO()
    soundfile.write(buffer, np.stack([wide, wide], axis=1), 3 * rate, format="WAV", subtype="PCM_16")
    return buffer.getvalue(), truth


@pytest.fixture(scope="module")
def aligner() -> PocketSphinx:
    return PocketSphinx()


@needs_flite
def test_the_second_line_is_found_after_a_known_silence(aligner: PocketSphinx, tmp_path: Path) -> None:
    lines = ["The red car belongs to my sister.", "Nobody here asked for a tuner."]
    wav, truth = recording(lines, [0.0, 1.3], tmp_path)
    timings = aligner.align(wav, " ".join(lines), language="en")
    assert [t.word for t in timings] == " ".join(lines).split()
    second = timings[len(lines[0].split())]
    assert second.word == "Nobody"
    assert abs(second.start - truth[1][0]) < TOLERANCE
    assert abs(timings[0].start - truth[0][0]) < TOLERANCE
    starts = [t.start for t in timings]
    assert starts == sorted(starts)
    assert all(t.end > t.start for t in timings)
    assert abs(timings[-1].end - truth[1][1]) < 2 * TOLERANCE  # a final syllable fades under the threshold


@needs_flite
def test_locate_times_each_line_of_a_longer_read(aligner: PocketSphinx, tmp_path: Path) -> None:
    lines = [
        "Mr Holloway? Ruth Okafor. I'm here about the piano.",
        "She played every night. Forty-one years, since 1966.",
        "...",  # a beat, not a word: it takes no time
        "Middle C is the one in the middle, you old goat.",
    ]
    wav, truth = recording(lines[:2] + lines[3:], [0.6, 1.1, 2.0], tmp_path)
    spans = aligner.locate(wav, lines)
    assert len(spans) == len(lines)
    assert spans[2] == (spans[1][1], spans[1][1])
    for (start, end), (true_start, true_end) in zip(spans[:2] + spans[3:], truth, strict=True):
        assert abs(start - true_start) < TOLERANCE
        assert abs(end - true_end) < 2 * TOLERANCE  # a final consonant trails off under the speech threshold


def test_the_registry_opens_it_as_an_aligner() -> None:
    assert isinstance(open_backend(BackendChoice("align", "pocketsphinx")), Aligner)


def test_a_recording_without_the_words_is_refused(aligner: PocketSphinx) -> None:
    buffer = io.BytesIO()
    soundfile.write(buffer, np.zeros(8_000), 16_000, format="WAV")
    with pytest.raises(ClapboardError, match="could not"):
        aligner.align(buffer.getvalue(), "A long line of dialogue that nobody said at all.", language="en")
    assert aligner.align(buffer.getvalue(), "— ...", language="en") == []


def test_only_english_is_aligned(aligner: PocketSphinx) -> None:
    with pytest.raises(ClapboardError, match="English only"):
        aligner.align(b"", "Hola", language="es")
    with pytest.raises(ClapboardError, match="unknown option"):
        PocketSphinx(None, {"beam": 1})


def test_written_words_become_the_words_said() -> None:
    tokens = tokens_of("Forty-one years — since 1905! Ruth’s 3rd go.")
    assert [t.written for t in tokens] == ["Forty-one", "years", "since", "1905!", "Ruth’s", "3rd", "go."]
    assert tokens[0].spoken == ("forty", "one")
    assert tokens[3].spoken == ("nineteen", "oh", "five")
    assert tokens[4].spoken == ("ruth's",)
    assert number_words("2000") == ["two", "thousand"]
    assert number_words("007") == ["oh", "oh", "seven"]
    assert spelled_phones("Okafor") == "AA K AE F AO R"
    assert spelled_phones("Kelly") == "K EH L IY"
