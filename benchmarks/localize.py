"""Localisation: translation speed, forced-alignment speed and the time to fit a dubbed line to its slot.

Translation is every line of dialogue of *Concert Pitch* into Spanish by
Apertium, the cast's names kept, all lines in one process as the batch path
sends them (then twenty times as many lines in one process, to share out the
program's start-up, and, for comparison, the first lines one process each). Alignment
is PocketSphinx locating lines of the script in one recording of them, said by
flite with pauses between; its RTF is processing time over the recording's
length (under 1 is faster than real time). Prints lines such as:

    translation: 555 words/s (apertium eng-spa, 397 words in 41 lines, one process, 0.72 s)
    alignment: RTF 0.016 (pocketsphinx, 8 lines, 22.8 s of speech)
"""

from __future__ import annotations

import argparse
import io
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile

from clapboard.backends.apertium import Apertium, mode
from clapboard.backends.pocketsphinx_align import PocketSphinx
from clapboard.screenplay.emphasis import plain
from clapboard.screenplay.formats import load
from clapboard.sound.dub import fit

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "concert-pitch.fountain"
#: Silence between the lines of the alignment recording, seconds.
PAUSE = 0.6


def dialogue() -> tuple[list[str], list[str]]:
    """Every spoken line of the sample script, as plain text, and its cast's names."""
    script = load(SAMPLE)
    lines = [plain(line.text) for speech in script.dialogues for line in speech.lines]
    return [line for line in lines if line.strip()], list(script.characters)


def translation(lines: list[str], cast: list[str], target: str, singles: int) -> None:
    """Apertium's words per second over the whole dialogue, batched, and over a few lines one call each."""
    apertium = Apertium()
    apertium.translate("Warm up.", source="en", target=target, glossary=cast)  # finds the pair's stand-in names
    words = sum(len(line.split()) for line in lines)
    started = time.perf_counter()
    apertium.translate_many(lines, source="en", target=target, glossary=cast)
    spent = time.perf_counter() - started
    pair = mode("en", target)
    print(
        f"translation: {words / spent:.0f} words/s (apertium {pair}, {words} words in {len(lines)} lines, "
        f"one process, {spent:.2f} s)"
    )
    many = lines * 20  # the same dialogue twenty times over: the program's start-up shared by more words
    started = time.perf_counter()
    apertium.translate_many(many, source="en", target=target, glossary=cast)
    spent = time.perf_counter() - started
    print(f"translation: {20 * words / spent:.0f} words/s over the dialogue twenty times in one process")
    few = lines[:singles]
    started = time.perf_counter()
    for line in few:
        apertium.translate(line, source="en", target=target, glossary=cast)
    spent = time.perf_counter() - started
    print(f"translation: {sum(len(line.split()) for line in few) / spent:.0f} words/s one line per process")


def recording(lines: list[str], folder: Path) -> tuple[bytes, float]:
    """The lines said by flite one after another with a pause before each, as WAV, and its length."""
    parts: list[np.ndarray] = []
    rate = 16_000
    for line in lines:
        said = folder / "line.wav"
        subprocess.run(["flite", "-voice", "slt", "-t", line, "-o", str(said)], check=True, capture_output=True)
        samples, rate = soundfile.read(said, dtype="float64")
        parts += [np.zeros(round(PAUSE * rate)), samples]
    whole = np.concatenate(parts)
    buffer = io.BytesIO()
    soundfile.write(buffer, whole, rate, format="WAV", subtype="PCM_16")
    return buffer.getvalue(), whole.size / rate


def alignment(lines: list[str]) -> None:
    """PocketSphinx's RTF locating the lines in one recording of them."""
    with tempfile.TemporaryDirectory(prefix="clapboard-localize-") as folder:
        wav, seconds = recording(lines, Path(folder))
    aligner = PocketSphinx()
    started = time.perf_counter()
    aligner.locate(wav, lines)
    spent = time.perf_counter() - started
    print(f"alignment: RTF {spent / seconds:.3f} (pocketsphinx, {len(lines)} lines, {seconds:.1f} s of speech)")


def dub_fit(lines: int) -> None:
    """Milliseconds to fit a 2-second take into a 1.8-second slot, averaged over ``lines`` takes."""
    rate = 48_000
    t = np.arange(2 * rate) / rate
    buffer = io.BytesIO()
    soundfile.write(buffer, 0.3 * np.sin(2 * np.pi * 220 * t), rate, format="WAV", subtype="PCM_16")
    take = buffer.getvalue()
    started = time.perf_counter()
    for _ in range(lines):
        fit(take, 1.8)
    print(f"dub fit: {(time.perf_counter() - started) / lines * 1000:.0f} ms a line (ffmpeg atempo, 2.0 s into 1.8 s)")


def main() -> None:
    """Run the measurements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", default="es", help="language to translate into (default es)")
    parser.add_argument("--align-lines", type=int, default=8, help="how many lines the alignment recording holds")
    options = parser.parse_args()
    lines, cast = dialogue()
    translation(lines, cast, options.target, singles=10)
    alignment(lines[: options.align_lines])
    dub_fit(10)


if __name__ == "__main__":
    main()
