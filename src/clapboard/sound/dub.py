"""Dubbing: fitting a translated line's take to the slot the original line filled on screen.

A translation is rarely as long as the original, so each dubbed take is played
faster or slower, keeping its pitch, until it fills its slot (the time from the
original line's first word to its last). The stretch is ffmpeg's ``atempo``
filter (overlap-add on waveform similarity), clean at these small ratios. It
takes about 0.2 s a line, mostly starting ffmpeg; a numpy WSOLA was measured
faster (20-70 ms) but atempo's tuned splicing is the safer sound for a film.

How far a take may be stretched before it stops sounding like a person:

- **Too long**: played up to ``tolerance`` faster (15 % by default, about where
  a quickened read starts to sound hurried). A take that still runs over at that
  limit is left there and reported with ``fits=False`` and ``overrun_ms``, how
  far past the slot it still runs: the line wants a shorter translation, an
  earlier start or a cut, which is the dubbing director's call, not ours.
- **Too short**: slowed by at most a third of ``tolerance`` (5 %), since a
  slowed voice drags sooner than a quickened one hurries, then padded with
  silence to the slot's end. A dubbed line that ends a little early is how
  people talk; one drawn out to cover the gap is not.

Every fitted take comes back exactly the slot's length (to the sample) when it
fits, so laying it at the slot's start never spills into the next line.
:class:`DubReport` collects a film's fitted lines into the table the dubbing
director reads, as Markdown or HTML.
"""

from __future__ import annotations

import html
import io
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile

from clapboard.errors import ClapboardError
from clapboard.media.ffmpeg import ffmpeg

#: How much faster a take may be played to fit its slot, as a fraction of its speed.
TOLERANCE = 0.15
#: Share of the tolerance a take may be slowed by: slowing is heard sooner than speeding up.
SLOWING_SHARE = 1 / 3
#: Tempo changes smaller than this are not worth a pass through the filter; padding or trimming does.
UNHEARD = 0.005


@dataclass(frozen=True)
class Fitted:
    """A take fitted to its slot: the audio (WAV) and what was done to it."""

    wav: bytes = field(repr=False)
    #: The slot's length and the take's as recorded, seconds.
    slot: float
    recorded: float
    #: Playback speed applied, keeping pitch: above 1 faster, below 1 slower.
    tempo: float
    #: Length of the fitted take, seconds: the slot's when it fits, longer when it does not.
    length: float
    fits: bool
    #: How far past the slot's end the take still runs, milliseconds (0 when it fits).
    overrun_ms: float


def fit(wav: bytes, slot: float, *, tolerance: float = TOLERANCE) -> Fitted:
    """``wav`` played faster or slower, pitch kept, to last ``slot`` seconds, within ``tolerance`` of its speed."""
    if slot <= 0:
        raise ClapboardError(f"a dubbing slot must last some time, not {slot} s")
    if not 0 <= tolerance < 1:
        raise ClapboardError(f"the stretch tolerance is a fraction of the take's speed (0 to 1), not {tolerance}")
    try:
        samples, rate = soundfile.read(io.BytesIO(wav), dtype="float64", always_2d=True)
    except (RuntimeError, soundfile.LibsndfileError) as exc:
        raise ClapboardError(f"the dubbed take is not a readable WAV file ({exc})") from None
    recorded = samples.shape[0] / rate
    if recorded == 0:
        raise ClapboardError("the dubbed take is empty")
    wanted = recorded / slot
    tempo = min(max(wanted, 1.0 - tolerance * SLOWING_SHARE), 1.0 + tolerance)
    if abs(tempo - 1.0) >= UNHEARD:
        samples = _atempo(samples, rate, tempo)
    else:
        tempo = 1.0
    fits = wanted <= 1.0 + tolerance
    target = round(slot * rate) if fits else round(recorded / tempo * rate)
    samples = _to_length(samples, target)
    length = target / rate
    return Fitted(
        wav=_encode(samples, rate),
        slot=slot,
        recorded=recorded,
        tempo=tempo,
        length=length,
        fits=fits,
        overrun_ms=0.0 if fits else (length - slot) * 1000.0,
    )


@dataclass(frozen=True)
class DubLine:
    """One line of the dub: who says it, what they say, and how its take fitted."""

    character: str
    text: str
    fitted: Fitted


@dataclass(frozen=True)
class DubReport:
    """The dubbing director's table for one language: every line, its stretch, and those that overrun."""

    language: str
    lines: tuple[DubLine, ...]

    @property
    def overruns(self) -> tuple[DubLine, ...]:
        """The lines whose take runs past its slot even at the fastest allowed tempo."""
        return tuple(line for line in self.lines if not line.fitted.fits)

    def rows(self) -> list[tuple[str, ...]]:
        """The table as text cells, header first: number, character, line, slot, take, tempo, fits, overrun."""
        header = ("#", "Character", "Line", "Slot (s)", "Take (s)", "Tempo", "Fits", "Overrun (ms)")
        body = [
            (
                str(number),
                line.character,
                line.text,
                f"{line.fitted.slot:.2f}",
                f"{line.fitted.recorded:.2f}",
                f"{line.fitted.tempo:.3f}",
                "yes" if line.fitted.fits else "NO",
                f"{line.fitted.overrun_ms:.0f}" if not line.fitted.fits else "",
            )
            for number, line in enumerate(self.lines, 1)
        ]
        return [header, *body]

    def markdown(self) -> str:
        """The table as Markdown, with a line saying how many lines overrun."""
        header, *body = self.rows()
        cells = [header, tuple("---" for _ in header), *body]
        table = "\n".join("| " + " | ".join(_markdown_cell(cell) for cell in row) + " |" for row in cells)
        return f"## Dub fit: {self.language}\n\n{self._summary()}\n\n{table}\n"

    def html(self) -> str:
        """The table as an HTML fragment; overrunning rows carry ``class="overrun"`` for the reader's eye."""
        header, *body = self.rows()
        head = "".join(f"<th>{html.escape(cell)}</th>" for cell in header)
        rows = [
            ("<tr>" if line.fitted.fits else '<tr class="overrun">')
            + "".join(f"<td>{html.escape(cell)}</td>" for cell in row)
            + "</tr>"
            for row, line in zip(body, self.lines, strict=True)
        ]
        return (
            f'<section class="dub-fit"><h2>Dub fit: {html.escape(self.language)}</h2>'
            f"<p>{html.escape(self._summary())}</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></section>\n"
        )

    def _summary(self) -> str:
        over = self.overruns
        if not over:
            return f"Every line fits its slot ({len(self.lines)} in all)."
        worst = max(line.fitted.overrun_ms for line in over)
        return f"{len(over)} of {len(self.lines)} lines overrun their slots, by up to {worst:.0f} ms."


def _markdown_cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _atempo(samples: np.ndarray, rate: int, tempo: float) -> np.ndarray:
    """``samples`` played ``tempo`` times as fast by ffmpeg's atempo, pitch kept."""
    with tempfile.TemporaryDirectory(prefix="clapboard-dub-") as folder:
        before, after = Path(folder, "take.wav"), Path(folder, "fitted.wav")
        soundfile.write(before, samples, rate, subtype="FLOAT")
        ffmpeg("-i", before, "-filter:a", f"atempo={tempo:.6f}", "-c:a", "pcm_f32le", after, concerning=before)
        stretched, _ = soundfile.read(after, dtype="float64", always_2d=True)
    return stretched


def _to_length(samples: np.ndarray, length: int) -> np.ndarray:
    """``samples`` cut or padded with silence at the end to exactly ``length`` frames."""
    if samples.shape[0] >= length:
        return samples[:length]
    return np.concatenate([samples, np.zeros((length - samples.shape[0], samples.shape[1]))])


def _encode(samples: np.ndarray, rate: int) -> bytes:
    buffer = io.BytesIO()
    out = samples[:, 0] if samples.shape[1] == 1 else samples
    soundfile.write(buffer, np.clip(out, -1.0, 1.0), rate, format="WAV", subtype="PCM_16")
    return buffer.getvalue()
