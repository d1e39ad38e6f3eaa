"""Fitting dubbed takes to their slots: length, pitch, the stretch limit, and the director's table."""

from __future__ import annotations

import io

import numpy as np
import pytest
import soundfile

from clapboard.errors import ClapboardError
from clapboard.sound.dub import DubLine, DubReport, fit

RATE = 48_000
FRAME = 1 / 24
F0 = 220.0


def take(seconds: float, *, hz: float = F0, channels: int = 1) -> bytes:
    """A harmonic tone (a voice's fundamental and two overtones) as 16-bit WAV."""
    t = np.arange(round(seconds * RATE)) / RATE
    tone = 0.3 * np.sin(2 * np.pi * hz * t) + 0.15 * np.sin(4 * np.pi * hz * t) + 0.08 * np.sin(6 * np.pi * hz * t)
    samples = tone if channels == 1 else np.stack([tone] * channels, axis=1)
    buffer = io.BytesIO()
    soundfile.write(buffer, samples, RATE, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


def read(wav: bytes) -> np.ndarray:
    samples, rate = soundfile.read(io.BytesIO(wav), dtype="float64")
    assert rate == RATE
    return samples


def dominant_hz(samples: np.ndarray) -> float:
    """The strongest frequency of the sounding part of a take."""
    sounding = samples[np.abs(samples) > 1e-4] if samples.ndim == 1 else samples[:, 0]
    spectrum = np.abs(np.fft.rfft(sounding * np.hanning(sounding.size), 8 * sounding.size))
    return float(np.argmax(spectrum) * RATE / (8 * sounding.size))


def test_a_long_line_is_quickened_into_its_slot_at_the_same_pitch() -> None:
    fitted = fit(take(2.0), 1.8)
    samples = read(fitted.wav)
    assert fitted.fits
    assert fitted.overrun_ms == 0
    assert abs(samples.size / RATE - 1.8) < FRAME
    assert fitted.length == pytest.approx(1.8, abs=1 / RATE)
    assert fitted.tempo == pytest.approx(2.0 / 1.8)
    assert fitted.recorded == pytest.approx(2.0)
    assert abs(dominant_hz(samples) - F0) / F0 < 0.03
    assert np.abs(samples[-RATE // 10 :]).max() > 0.1  # quickened, not cut: the tone sounds to the end


def test_a_line_too_long_for_its_slot_stops_at_the_limit_and_says_by_how_much() -> None:
    fitted = fit(take(2.0), 1.2)
    samples = read(fitted.wav)
    assert not fitted.fits
    assert fitted.tempo == pytest.approx(1.15)
    assert fitted.overrun_ms == pytest.approx((2.0 / 1.15 - 1.2) * 1000, abs=1.0)
    assert abs(samples.size / RATE - 2.0 / 1.15) < FRAME
    assert abs(dominant_hz(samples) - F0) / F0 < 0.03
    looser = fit(take(2.0), 1.2, tolerance=0.7)
    assert looser.fits
    assert looser.tempo == pytest.approx(2.0 / 1.2)


def test_a_short_line_is_slowed_a_little_then_padded_with_silence() -> None:
    fitted = fit(take(1.0, channels=2), 1.2)
    samples = read(fitted.wav)
    assert fitted.fits
    assert samples.shape == (round(1.2 * RATE), 2)
    assert fitted.tempo == pytest.approx(0.95)
    sounding = np.flatnonzero(np.abs(samples[:, 0]) > 1e-3)
    assert abs((sounding[-1] + 1) / RATE - 1.0 / 0.95) < 0.02
    assert np.abs(samples[round(1.07 * RATE) :]).max() == 0.0
    assert abs(dominant_hz(samples[: sounding[-1], 0]) - F0) / F0 < 0.03


def test_a_line_that_nearly_fits_is_only_trimmed_or_padded() -> None:
    fitted = fit(take(1.5), 1.502)
    assert fitted.tempo == 1.0
    assert read(fitted.wav).size == round(1.502 * RATE)


def test_nonsense_is_refused() -> None:
    with pytest.raises(ClapboardError, match="slot"):
        fit(take(1.0), 0.0)
    with pytest.raises(ClapboardError, match="tolerance"):
        fit(take(1.0), 1.0, tolerance=1.5)
    with pytest.raises(ClapboardError, match="not a readable WAV"):
        fit(b"RIFF nonsense", 1.0)


def test_the_report_tables_every_line_and_flags_the_overruns() -> None:
    lines = (
        DubLine("RUTH", "Hay un piano.", fit(take(2.0), 1.8)),
        DubLine("WALTER", "Nadie aquí pidió un afinador | nunca.", fit(take(2.0), 1.2)),
    )
    report = DubReport("es", lines)
    assert report.overruns == lines[1:]
    markdown = report.markdown()
    assert "1 of 2 lines overrun their slots, by up to 539 ms." in markdown
    table = [row for row in markdown.splitlines() if row.startswith("|")]
    assert len(table) == 4
    assert table[2] == "| 1 | RUTH | Hay un piano. | 1.80 | 2.00 | 1.111 | yes |  |"
    assert table[3] == "| 2 | WALTER | Nadie aquí pidió un afinador \\| nunca. | 1.20 | 2.00 | 1.150 | NO | 539 |"
    page = DubReport("es <Castilian>", lines).html()
    assert page.count("<tr") == 3
    assert page.count('class="overrun"') == 1
    assert "es &lt;Castilian&gt;" in page
    assert "Every line fits its slot (1 in all)." in DubReport("es", lines[:1]).markdown()
