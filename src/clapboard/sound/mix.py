"""The mix: lines and cues on the timeline, music ducked under dialogue, room tone, broadcast loudness.

:func:`mix` lays each recorded line at its time with its cue's conventional
treatment (on screen: a little of the room; V.O.: close and dry; O.S.: through
a wall, band-limited and lower), fills each scene with its room tone so the
silence between lines is never dead air, lays the score's cues with their
cross-fades, and ducks the music under the dialogue with a side-chain (the
dialogue's envelope, looking ahead so the music dips before the first word).

The sum is normalised to the target integrated loudness (EBU R 128: -23 LUFS;
-16 for the web), measured with pyloudnorm (ITU-R BS.1770-4), and held under
the true-peak ceiling (-1 dBTP) by a look-ahead limiter working on the 4x
oversampled signal. The stems get the same gains, so dialogue + music is the
mix, and are written to ``stems/`` for whoever mixes the film next.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyloudnorm
import soundfile
from scipy import ndimage, signal

from clapboard.errors import ClapboardError
from clapboard.sound.voice import Placement

SAMPLE_RATE = 48_000
#: How far the limiter and the loudness may land from their targets before another pass.
LOUDNESS_TOLERANCE = 0.2
#: Margin under the true-peak ceiling the limiter aims for, dB (oversampling is an estimate).
PEAK_MARGIN = 0.2
#: Dialogue level under which the side-chain hears no speech, dBFS (room tone sits far below).
SPEECH_THRESHOLD_DB = -50.0


@dataclass(frozen=True)
class Clip:
    """A recorded line (WAV bytes) placed at ``start`` seconds, with how it is heard."""

    start: float
    wav: bytes = field(repr=False)
    placement: Placement = "on"


@dataclass(frozen=True)
class CueClip:
    """A rendered music cue (WAV bytes) from ``start`` seconds, fading in and out over the given seconds."""

    start: float
    wav: bytes = field(repr=False)
    fade_in: float = 0.0
    fade_out: float = 0.0


@dataclass(frozen=True)
class Room:
    """A scene's room tone from ``start`` to ``end`` seconds: interiors are darker than exteriors."""

    start: float
    end: float
    interior: bool = True


@dataclass(frozen=True)
class MixSettings:
    """Targets and the mixer's hands: loudness, ceiling, how far the music ducks, how loud the room is."""

    loudness: float = -23.0  # LUFS integrated; -16 for web delivery
    true_peak: float = -1.0  # dBTP ceiling
    duck: float = 10.0  # dB the music drops under dialogue
    music_gain: float = 0.0  # dB on the cues as rendered
    room_tone: float = -58.0  # LUFS of the room tone, with lines at -23
    attack: float = 0.12  # seconds the music takes to duck, and looks ahead to do it
    release: float = 0.6  # seconds it takes to come back
    hold: float = 0.35  # seconds it stays down after a line, so it does not pump between words

    def __post_init__(self) -> None:
        if not -40.0 <= self.loudness <= -5.0:
            raise ClapboardError(f"mix loudness {self.loudness} LUFS is outside -40 to -5")
        if not -12.0 <= self.true_peak <= 0.0:
            raise ClapboardError(f"true-peak ceiling {self.true_peak} dBTP is outside -12 to 0")


@dataclass(frozen=True, eq=False)
class Mix:
    """The finished mix and its stems (float frames × channels at :data:`SAMPLE_RATE`), with what was measured."""

    mix: np.ndarray
    dialogue: np.ndarray
    music: np.ndarray
    loudness: float
    true_peak: float

    @property
    def seconds(self) -> float:
        """Length of the mix."""
        return self.mix.shape[0] / SAMPLE_RATE

    def write(self, out: str | Path) -> list[Path]:
        """``mix.wav`` in ``out`` and ``stems/dialogue.wav`` (mono) and ``stems/music.wav``, 24-bit."""
        folder = Path(out)
        (folder / "stems").mkdir(parents=True, exist_ok=True)
        written = []
        files = {"mix.wav": self.mix, "stems/dialogue.wav": self.dialogue[:, :1], "stems/music.wav": self.music}
        for name, samples in files.items():
            path = folder / name
            soundfile.write(str(path), samples, SAMPLE_RATE, subtype="PCM_24")
            written.append(path)
        return written


def mix(
    lines: Sequence[Clip],
    cues: Sequence[CueClip] = (),
    *,
    rooms: Sequence[Room] = (),
    duration: float | None = None,
    settings: MixSettings | None = None,
) -> Mix:
    """The film's sound: ``lines`` and ``cues`` at their times over the ``rooms``' tone, ducked, normalised
    to the target loudness and held under the true-peak ceiling; ``duration`` defaults to the last sound's end."""
    settings = settings or MixSettings()
    takes = [(clip, _treat(*_read(clip.wav, mono=True), clip.placement)) for clip in lines]
    scores = [(clip, _read(clip.wav, mono=False)[0]) for clip in cues]
    ends = [clip.start + samples.shape[0] / SAMPLE_RATE for clip, samples in [*takes, *scores]]
    ends += [room.end for room in rooms]
    length = round((duration if duration is not None else max(ends, default=0.0)) * SAMPLE_RATE)
    if length <= 0:
        raise ClapboardError("nothing to mix: no lines, cues or rooms, and no duration")
    speech = np.zeros(length)
    for clip, samples in takes:
        _lay(speech, samples, clip.start)
    music = np.zeros((length, 2))
    for clip, samples in scores:
        _lay(music, _faded(samples, clip.fade_in, clip.fade_out) * _gain(settings.music_gain), clip.start)
    music *= _ducking(speech, settings)[:, None]
    dialogue = speech + _room_tone(rooms, length, settings.room_tone)
    return _master(np.repeat(dialogue[:, None], 2, axis=1), music, settings)


def spot(durations: Sequence[float], *, start: float = 0.0, gap: float = 0.4) -> list[float]:
    """Start times for lines said one after another from ``start``, ``gap`` seconds apart: a scene's
    dialogue laid end to end until the shot plan places it."""
    times: list[float] = []
    at = start
    for seconds in durations:
        times.append(at)
        at += seconds + gap
    return times


def true_peak(samples: np.ndarray) -> float:
    """The true peak of ``samples`` in dBTP, from the signal oversampled four times (BS.1770-4, annex 2)."""
    frames = samples if samples.ndim == 2 else samples[:, None]
    if frames.size == 0:
        return float("-inf")
    peak = float(_peak_envelope(frames, float(np.abs(frames).max())).max())
    return 20.0 * math.log10(peak) if peak > 0 else float("-inf")


def integrated_loudness(samples: np.ndarray) -> float:
    """Integrated loudness of ``samples`` at :data:`SAMPLE_RATE` in LUFS (BS.1770-4, gated)."""
    return float(pyloudnorm.Meter(SAMPLE_RATE).integrated_loudness(samples))


def _read(wav: bytes, *, mono: bool) -> tuple[np.ndarray, int]:
    """WAV bytes as float samples at :data:`SAMPLE_RATE`: mono (frames) or stereo (frames × 2)."""
    try:
        samples, rate = soundfile.read(io.BytesIO(wav), dtype="float64", always_2d=True)
    except (RuntimeError, soundfile.LibsndfileError) as exc:
        raise ClapboardError(f"a clip is not a readable WAV file ({exc})") from None
    if rate != SAMPLE_RATE:
        common = math.gcd(int(rate), SAMPLE_RATE)
        samples = signal.resample_poly(samples, SAMPLE_RATE // common, int(rate) // common, axis=0)
    if mono:
        return samples.mean(axis=1), SAMPLE_RATE
    if samples.shape[1] == 1:
        samples = np.repeat(samples, 2, axis=1)
    return samples[:, :2], SAMPLE_RATE


def _treat(samples: np.ndarray, rate: int, placement: Placement) -> np.ndarray:
    """A line as its cue hears it: on screen with a little room, V.O. close and dry, O.S. through a wall."""
    if placement == "vo":
        # Close to the microphone: a touch more low end (proximity) and level, no room at all.
        low = signal.sosfilt(signal.butter(2, 220.0, "lowpass", fs=rate, output="sos"), samples)
        return (samples + 0.3 * low) * _gain(1.0)
    if placement == "os":
        # Heard from the next room: band-limited like a voice through a door, lower, and roomier.
        band = signal.sosfilt(signal.butter(4, (300.0, 2500.0), "bandpass", fs=rate, output="sos"), samples)
        return _room(band * _gain(-6.0), rate, wet_db=-8.0)
    return _room(samples, rate, wet_db=-20.0)


def _room(samples: np.ndarray, rate: int, *, wet_db: float, decay: float = 0.35) -> np.ndarray:
    """``samples`` with a small room's reverb (decaying noise, the same every time) added ``wet_db`` under."""
    frames = round(decay * rate)
    noise = np.random.default_rng(7).standard_normal(frames)
    response = noise * np.exp(-6.9 * np.arange(frames) / frames)  # -60 dB over ``decay`` seconds
    response /= np.sqrt(np.sum(response**2))
    wet = signal.fftconvolve(samples, response)
    dry = np.concatenate([samples, np.zeros(frames - 1)])
    return dry + wet * _gain(wet_db)


def _faded(samples: np.ndarray, fade_in: float, fade_out: float) -> np.ndarray:
    """Equal-power fades: two cues crossing keep their summed power through the change."""
    out = samples.copy()
    for seconds, rising in ((fade_in, True), (fade_out, False)):
        frames = min(round(seconds * SAMPLE_RATE), out.shape[0])
        if frames <= 0:
            continue
        curve = np.sin(np.linspace(0.0, math.pi / 2.0, frames))
        if rising:
            out[:frames] *= curve[:, None]
        else:
            out[-frames:] *= curve[::-1][:, None]
    return out


def _lay(bus: np.ndarray, samples: np.ndarray, start: float) -> None:
    """Add ``samples`` into ``bus`` from ``start`` seconds, cutting what falls outside the bus."""
    at = round(start * SAMPLE_RATE)
    if at < 0:
        samples, at = samples[-at:], 0
    end = min(at + samples.shape[0], bus.shape[0])
    if end > at:
        bus[at:end] += samples[: end - at]


def _ducking(speech: np.ndarray, settings: MixSettings) -> np.ndarray:
    """The music's gain per sample: down by ``duck`` dB while anyone speaks, looking ahead by the attack."""
    hop = SAMPLE_RATE // 100
    frames = speech.shape[0] // hop + 1
    padded = np.zeros(frames * hop)
    padded[: speech.shape[0]] = speech
    rms = np.sqrt(np.mean(padded.reshape(frames, hop) ** 2, axis=1))
    talking = 20.0 * np.log10(np.maximum(rms, 1e-9)) > SPEECH_THRESHOLD_DB
    ahead = max(round(settings.attack * 100), 1)
    held = max(round(settings.hold * 100), 1)
    # Down from ``attack`` before a line starts until ``hold`` after it ends: any speech in [i - held, i + ahead].
    spoken = np.concatenate([[0], np.cumsum(talking)])
    index = np.arange(frames)
    active = spoken[np.minimum(index + ahead + 1, frames)] - spoken[np.maximum(index - held, 0)] > 0
    target = np.where(active, -settings.duck, 0.0)
    level = np.empty(frames)
    now = 0.0
    down = 1.0 - math.exp(-1.0 / max(settings.attack * 100 / 3.0, 1e-3))
    up = 1.0 - math.exp(-1.0 / max(settings.release * 100 / 3.0, 1e-3))
    for i, goal in enumerate(target):
        now += (goal - now) * (down if goal < now else up)
        level[i] = now
    gains = 10.0 ** (level / 20.0)
    return np.interp(np.arange(speech.shape[0]) / hop, np.arange(frames), gains)


def _room_tone(rooms: Sequence[Room], length: int, level: float) -> np.ndarray:
    """Each room's tone: soft, steady, coloured noise, its own for each scene, faded at the cuts."""
    tone = np.zeros(length)
    for i, room in enumerate(rooms):
        start, end = round(room.start * SAMPLE_RATE), min(round(room.end * SAMPLE_RATE), length)
        if end - start < SAMPLE_RATE // 10:
            continue
        rng = np.random.default_rng([i, start])
        noise = rng.standard_normal(end - start)
        # Pink-ish: rooms rumble more than they hiss; exteriors carry more air than interiors.
        cutoff = 1800.0 if room.interior else 5000.0
        noise = signal.sosfilt(signal.butter(1, cutoff, "lowpass", fs=SAMPLE_RATE, output="sos"), noise)
        noise = signal.sosfilt(signal.butter(2, 40.0, "highpass", fs=SAMPLE_RATE, output="sos"), noise)
        measured = integrated_loudness(noise)
        noise *= _gain(level - measured)
        edge = min(SAMPLE_RATE // 20, (end - start) // 2)
        ramp = np.linspace(0.0, 1.0, edge)
        noise[:edge] *= ramp
        noise[-edge:] *= ramp[::-1]
        tone[start:end] += noise
    return tone


def _master(dialogue: np.ndarray, music: np.ndarray, settings: MixSettings) -> Mix:
    """Loudness to target and true peak under the ceiling, by passes of gain and limiting; stems follow."""
    total = dialogue + music
    measured = integrated_loudness(total)
    if not math.isfinite(measured):
        raise ClapboardError("the mix is silent: there is nothing to bring to the target loudness")
    scale = _gain(settings.loudness - measured)
    for _ in range(4):
        gains = scale * _limiter(total * scale, settings.true_peak - PEAK_MARGIN)
        final = total * gains[:, None]
        # Gating makes loudness scale with gain, so only the limiter's work needs another measurement.
        measured = integrated_loudness(final) if gains.min() < scale else settings.loudness
        if abs(measured - settings.loudness) <= LOUDNESS_TOLERANCE:
            break
        scale *= _gain(settings.loudness - measured)
    peak = true_peak(final)
    if peak > settings.true_peak:
        trim = _gain(settings.true_peak - PEAK_MARGIN - peak)
        final, gains, peak = final * trim, gains * trim, peak + 20.0 * math.log10(trim)
    applied = gains[:, None]
    return Mix(final, dialogue * applied, music * applied, integrated_loudness(final), peak)


def _limiter(samples: np.ndarray, ceiling_db: float) -> np.ndarray:
    """Per-sample gain keeping the true peak under ``ceiling_db``: reductions start 5 ms before a peak and
    ease back over 20 ms, with no gain ever above what the peak needs."""
    ceiling = _gain(ceiling_db)
    needed = np.minimum(1.0, ceiling / np.maximum(_peak_envelope(samples, ceiling), 1e-12))
    if needed.min() >= 1.0:
        return needed
    attack, hold = SAMPLE_RATE // 200, SAMPLE_RATE // 50
    # A minimum over a window twice the averaging window keeps every sample at or under its own need.
    floor = ndimage.minimum_filter1d(needed, 2 * hold + 1)
    smooth = ndimage.uniform_filter1d(floor, hold + 1)
    quick = ndimage.uniform_filter1d(ndimage.minimum_filter1d(needed, 2 * attack + 1), attack + 1)
    return np.minimum(smooth, quick)


def _peak_envelope(samples: np.ndarray, floor: float) -> np.ndarray:
    """Each frame's highest absolute value over its channels in the 4x oversampled signal.

    Only stretches whose samples come within 6 dB of ``floor`` are oversampled: between samples a
    band-limited signal overshoots by far less than that, so elsewhere the samples themselves stand in.
    """
    level = np.abs(samples).max(axis=1)
    frames = level.shape[0]
    block = SAMPLE_RATE // 10
    starts = np.arange(0, frames, block)
    hot = np.maximum.reduceat(level, starts) >= floor / 2.0 if frames else np.zeros(0, bool)
    overlap = 64
    i = 0
    while i < len(starts):
        if not hot[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(starts) and hot[j + 1] and j + 1 - i < 100:  # runs of up to 10 s at a time
            j += 1
        start, end = starts[i], min(starts[j] + block, frames)
        lo, hi = max(start - overlap, 0), min(end + overlap, frames)
        fine = signal.resample_poly(samples[lo:hi], 4, 1, axis=0)
        level[start:end] = np.abs(fine).reshape(hi - lo, -1).max(axis=1)[start - lo : end - lo]
        i = j + 1
    return level


def _gain(db: float) -> float:
    return 10.0 ** (db / 20.0)
