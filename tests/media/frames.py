"""Small real inputs for the media tests: frames drawn with Pillow, sound written with the wave module."""

from __future__ import annotations

import io
import math
import struct
import wave
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from clapboard.media.ffmpeg import ffmpeg


def frame(colour: tuple[int, int, int], size: tuple[int, int] = (320, 180), label: str = "") -> bytes:
    """A PNG storyboard frame: a flat colour with a grid, a white disc in the middle and a label."""
    width, height = size
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    for x in range(0, width, max(width // 16, 1)):
        draw.line([(x, 0), (x, height)], fill=(0, 0, 0))
    for y in range(0, height, max(height // 9, 1)):
        draw.line([(0, y), (width, y)], fill=(0, 0, 0))
    draw.ellipse([width * 0.4, height * 0.35, width * 0.6, height * 0.65], fill=(250, 250, 250))
    draw.text((4, 4), label, fill=(0, 0, 0))
    return png(image)


def png(image: Image.Image) -> bytes:
    """``image`` encoded as PNG bytes."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def tone(path: Path, seconds: float, pitch: float, rate: int = 48_000) -> Path:
    """A mono 16-bit WAV of a sine tone at ``pitch`` Hz."""
    samples = (round(6000 * math.sin(2 * math.pi * pitch * n / rate)) for n in range(round(seconds * rate)))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(struct.pack("<h", s) for s in samples))
    return path


def luma(film: Path, width: int, height: int) -> np.ndarray:
    """Every frame of ``film`` decoded to 8-bit grey, as an array of (frames, height, width)."""
    raw = film.with_suffix(".gray")
    ffmpeg("-i", film, "-map", "0:v:0", "-f", "rawvideo", "-pix_fmt", "gray", raw)
    data = np.frombuffer(raw.read_bytes(), dtype=np.uint8)
    return data.reshape(-1, height, width)
