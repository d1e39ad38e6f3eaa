"""Render the same animatic with Clapboard and with moviepy, and compare the times.

The animatic is 40 storyboard panels of 2-4 s at 1280x720, 24 fps: about a
third with a camera move (pans, tilts, push-ins, pull-outs), some dissolves,
a fade in and a fade out, a caption band on every panel and one sound track.
Both renderers get the same frames, the same eased moves (moviepy cuts each
frame's crop exactly, Clapboard within half a picture pixel), the same
transitions and captions, the same 48 kHz sound, the same x264 settings
(preset, quantizer or CRF, one-second closed GOPs, no B-frames, all read from
one :class:`Codec`) and AAC at 192 kb/s. The AAC coders differ, to moviepy's
advantage here: moviepy writes its sound through its own ffmpeg call, which
takes only ffmpeg's default (two-loop) coder, while Clapboard's assembly asks
for the fast coder, which is the slower of the two on this pure-tone drone.

Three timings are printed, each labelled:

- cold: Clapboard from an empty segment folder (every segment encoded);
- warm: Clapboard again after one panel's caption changed (one segment);
- moviepy: the same film written by moviepy 2.

then ``cold ratio vs moviepy: N`` and ``warm ratio vs moviepy: N`` where N is
moviepy's wall-clock time over Clapboard's; the ratio of CPU seconds (the
process and the workers and ffmpeg runs it waited for) follows in brackets, as
the fairer figure on a machine that other work shares. Run with ``--panels 8``
for a quick look.
"""

from __future__ import annotations

import argparse
import io
import math
import random
import resource
import tempfile
import time
import wave
from dataclasses import replace
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from clapboard.media import (
    AudioTrack,
    Codec,
    Format,
    Move,
    MoveKind,
    Panel,
    Transition,
    TransitionKind,
    assemble,
    probe,
    render,
    scene_chapters,
)
from clapboard.media.animatic import Framing

FMT = Format(1280, 720, 24)
MOVES = [MoveKind.PAN_LEFT, MoveKind.PAN_RIGHT, MoveKind.PUSH_IN, MoveKind.TILT_UP, MoveKind.PULL_OUT]
LINES = [
    "MARY: Black, like the night.",
    "JOE: You want pie with that?",
    "Rain streaks the diner window.",
    "MARY: Somebody's been asking about you.",
    "JOE: Somebody always is.",
    "Headlights sweep across the lot.",
]


def drawn_frame(number: int, rng: random.Random) -> bytes:
    """A storyboard-like frame: a graded sky, a horizon, a building and two figures, with the panel's number."""
    image = Image.new("RGB", (FMT.width, FMT.height))
    draw = ImageDraw.Draw(image)
    top = (rng.randrange(40, 120), rng.randrange(40, 120), rng.randrange(100, 200))
    for y in range(FMT.height):
        share = y / FMT.height
        draw.line([(0, y), (FMT.width, y)], fill=tuple(round(c * (1 - share) + 200 * share) for c in top))
    horizon = rng.randrange(380, 520)
    draw.rectangle([0, horizon, FMT.width, FMT.height], fill=(70, 60, 50))
    left = rng.randrange(100, 700)
    draw.rectangle([left, horizon - 260, left + 380, horizon], fill=(150, 140, 120), outline="black", width=4)
    for window in range(6):
        x = left + 30 + window * 58
        draw.rectangle([x, horizon - 200, x + 36, horizon - 150], fill=(250, 220, 120), outline="black", width=2)
    for _ in range(2):
        x = rng.randrange(150, 1100)
        draw.ellipse([x - 28, horizon - 190, x + 28, horizon - 134], fill=(230, 200, 170), outline="black", width=3)
        draw.rectangle([x - 40, horizon - 134, x + 40, horizon + 10], fill=(40, 40, 90), outline="black", width=3)
    draw.text((24, 20), f"{number}", fill="white", font=ImageFont.load_default(size=36))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def animatic(count: int) -> list[Panel]:
    """``count`` panels in scenes of five, seeded so every run draws the same board."""
    rng = random.Random(7)
    panels = []
    for n in range(count):
        move = Move.of(rng.choice(MOVES), rng.choice([0.15, 0.25])) if n % 3 == 1 else Move()
        transition = Transition()
        if n == 0:
            transition = Transition.fade_in(12)
        elif n % 5 == 0:
            transition = Transition.dissolve(12)
        ending = Transition.fade_out(12) if n == count - 1 else Transition()
        panels.append(
            Panel(
                drawn_frame(n + 1, rng),
                rng.choice([2, 2.5, 3, 3.5, 4]),
                move=move,
                transition=transition,
                ending=ending,
                caption=LINES[n % len(LINES)],
                scene=str(n // 5 + 1),
                shot=f"{n // 5 + 1}{'ABCDE'[n % 5]}",
            )
        )
    return panels


def soundtrack(path: Path, seconds: float) -> Path:
    """A stereo 48 kHz WAV as long as the film: a slow two-note drone."""
    rate = 48_000
    t = np.arange(round(seconds * rate)) / rate
    left = 0.2 * np.sin(2 * np.pi * 110 * t)
    right = 0.2 * np.sin(2 * np.pi * 165 * t)
    samples = (np.stack([left, right], axis=1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())
    return path


class Stopwatch:
    """Wall-clock seconds and CPU seconds (this process and the children it waited for) spent inside it."""

    def __enter__(self) -> Stopwatch:
        self.wall, self.cpu = time.perf_counter(), _cpu()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, _cpu() - self.cpu


def _cpu() -> float:
    """CPU seconds used so far by this process and its finished children (worker processes, ffmpeg)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def clapboard(panels: list[Panel], sound: Path, folder: Path, out: Path, codec: Codec) -> tuple[Stopwatch, int]:
    """Render and assemble with Clapboard; the time it took and how many segments it encoded."""
    with Stopwatch() as took:
        reel = render(panels, FMT, folder, codec=codec)
        assemble(reel, out, audio=[AudioTrack(sound, "eng")], chapters=scene_chapters(panels, FMT))
    return took, len(reel.rendered)


def moviepy(panels: list[Panel], sound: Path, out: Path, codec: Codec) -> Stopwatch:
    """The same film with moviepy 2: image clips, per-frame crops for moves, composited captions and dissolves."""
    from moviepy import AudioFileClip, CompositeVideoClip, ImageClip, concatenate_videoclips, vfx

    fps = float(FMT.rate)
    # The x264 options Clapboard encodes with, as ffmpeg arguments (the preset is moviepy's own argument).
    x264 = [
        argument
        for name, value in codec.options(FMT.rate).items()
        if name != "preset"
        for argument in ("-profile:v" if name == "profile" else f"-{name}", value)
    ]
    with Stopwatch() as took:
        clips = []
        previous_last: np.ndarray | None = None
        for panel in panels:
            image = panel.frame()
            seconds = FMT.frames(panel.seconds) / fps
            shot = ImageClip(np.asarray(image)).with_duration(seconds)
            if panel.move.start != panel.move.end:
                shot = shot.transform(_mover(image, panel.move, seconds))
            layers = [shot]
            if panel.transition.kind is TransitionKind.DISSOLVE and previous_last is not None:
                overlap = panel.transition.frames / fps
                layers = [
                    ImageClip(previous_last).with_duration(overlap),
                    shot.with_effects([vfx.CrossFadeIn(overlap)]),
                ]
            band = ImageClip(_caption_band(panel.caption), transparent=True)
            layers.append(band.with_duration(seconds).with_position(("center", "bottom")))
            composed = CompositeVideoClip(layers, size=(FMT.width, FMT.height)).with_duration(seconds)
            if panel.transition.kind is TransitionKind.FADE_FROM_BLACK:
                composed = composed.with_effects([vfx.FadeIn(panel.transition.frames / fps)])
            if panel.ending.kind is TransitionKind.FADE_TO_BLACK:
                composed = composed.with_effects([vfx.FadeOut(panel.ending.frames / fps)])
            previous_last = composed.get_frame(seconds - 1 / fps)
            clips.append(composed)
        film = concatenate_videoclips(clips).with_audio(AudioFileClip(str(sound)))
        film.write_videofile(
            str(out),
            fps=fps,
            codec="libx264",
            preset=codec.preset,
            # moviepy would resample the sound to 44.1 kHz; Clapboard keeps the track's own 48 kHz.
            audio_fps=48_000,
            audio_codec="aac",
            audio_bitrate="192k",
            ffmpeg_params=[*x264, "-pix_fmt", "yuv420p"],
            logger=None,
        )
    return took


def _mover(image: Image.Image, move: Move, seconds: float):  # type: ignore[no-untyped-def]
    """A moviepy frame function that crops ``image`` along the eased move with sub-pixel accuracy."""
    width, height = image.size

    def frame(get_frame, t: float) -> np.ndarray:  # type: ignore[no-untyped-def]
        share = (1 - math.cos(math.pi * min(t / max(seconds - 1 / 24, 1e-9), 1))) / 2
        box = _between(move.start, move.end, share)
        crop = (box.left * width, box.top * height, (box.left + box.width) * width, (box.top + box.height) * height)
        return np.asarray(image.resize((FMT.width, FMT.height), Image.Resampling.BICUBIC, box=crop))

    return frame


def _between(start: Framing, end: Framing, share: float) -> Framing:
    return Framing(
        start.left + (end.left - start.left) * share,
        start.top + (end.top - start.top) * share,
        start.width + (end.width - start.width) * share,
        start.height + (end.height - start.height) * share,
    )


def _caption_band(text: str) -> np.ndarray:
    """The caption band as Clapboard draws it: white words on translucent black across the frame."""
    font = ImageFont.load_default(size=FMT.height // 26)
    band = Image.new("RGBA", (FMT.width, round(font.size * 1.85)), (0, 0, 0, 150))
    ImageDraw.Draw(band).text((FMT.width / 2, band.height / 2), text, font=font, fill="white", anchor="mm")
    return np.asarray(band)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--panels", type=int, default=40)
    parser.add_argument("--preset", default=Codec().preset, help="x264 preset for both renderers")
    args = parser.parse_args()
    codec = replace(Codec(), preset=args.preset)
    panels = animatic(args.panels)
    frames = sum(FMT.frames(p.seconds) for p in panels)
    moving = sum(FMT.frames(p.seconds) for p in panels if p.move.start != p.move.end)
    print(f"animatic: {len(panels)} panels, {frames} frames ({frames / 24:.1f} s) at 1280x720, 24 fps, ", end="")
    quality = f"crf {codec.crf}" if codec.crf is not None else f"qp {codec.qp}"
    print(f"{moving} of them in camera moves; x264 preset {codec.preset}, {quality}")
    with tempfile.TemporaryDirectory(prefix="clapboard-bench-") as scratch:
        folder = Path(scratch)
        sound = soundtrack(folder / "sound.wav", frames / 24)
        cold, encoded = clapboard(panels, sound, folder / "segments", folder / "clapboard.mp4", codec)
        print(f"clapboard cold render: {_report(cold, frames)} ({encoded} segments encoded)")
        changed = list(panels)
        changed[len(panels) // 2] = replace(changed[len(panels) // 2], caption="A changed caption.")
        warm, encoded = clapboard(changed, sound, folder / "segments", folder / "clapboard.mp4", codec)
        print(f"clapboard warm re-render, one panel changed: {_report(warm, frames)} ({encoded} segment encoded)")
        slow = moviepy(panels, sound, folder / "moviepy.mp4", codec)
        print(f"moviepy render: {_report(slow, frames)}")
        for name in ("clapboard.mp4", "moviepy.mp4"):
            info = probe(folder / name)
            size = (folder / name).stat().st_size / 1e6
            print(f"  {name}: {info.seconds:.3f} s, {size:.1f} MB, streams {[s.codec for s in info.streams]}")
        print(f"cold ratio vs moviepy: {slow.wall / cold.wall:.1f}  (CPU seconds: {slow.cpu / cold.cpu:.1f})")
        print(f"warm ratio vs moviepy: {slow.wall / warm.wall:.1f}  (CPU seconds: {slow.cpu / warm.cpu:.1f})")


def _report(took: Stopwatch, frames: int) -> str:
    return f"{took.wall:.2f} s wall, {frames / took.wall:.0f} frames/s; {took.cpu:.1f} s CPU"


if __name__ == "__main__":
    main()
