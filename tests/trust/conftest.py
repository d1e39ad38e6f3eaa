"""Real media for the trust tests: sketch frames, a spoken-length tone, a one-second film, a subtitle file."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
import soundfile

from clapboard.backends.sketch import Sketch
from clapboard.media.ffmpeg import ffmpeg
from clapboard.trust.credentials import Signatory, ensure_dev_certificate

KITCHEN = {
    "kind": "shot",
    "label": "1A",
    "caption": "MS RUTH - I told you once.",
    "setting": {"location": "KITCHEN", "interior": True, "exterior": False, "time": "DAY"},
    "size": "MS",
    "angle": "eye level",
    "move": "static",
    "figures": [{"name": "RUTH", "x": 0.0, "looks": "frame right", "speaking": True, "description": "woman, 60s"}],
}


def frame_png(width: int = 640, height: int = 360, seed: int = 1) -> bytes:
    """A storyboard frame as the sketch backend draws it."""
    return Sketch().draw("", seed=seed, width=width, height=height, brief=KITCHEN)


def tone_wav(seconds: float = 0.5, rate: int = 22050) -> bytes:
    """A 16-bit mono WAV of a 220 Hz tone, the shape of a spoken line."""
    t = np.arange(int(seconds * rate)) / rate
    buffer = io.BytesIO()
    soundfile.write(buffer, 0.3 * np.sin(2 * np.pi * 220 * t), rate, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


@pytest.fixture(scope="session")
def signatory(tmp_path_factory: pytest.TempPathFactory) -> Signatory:
    """The development signatory of one test project."""
    return ensure_dev_certificate(tmp_path_factory.mktemp("project") / ".clapboard" / "trust", "Trust tests")


@pytest.fixture
def film(tmp_path: Path) -> Path:
    """``out/film.mp4``: one second of H.264 test pattern at 160×90 with an AAC tone."""
    out = tmp_path / "out"
    out.mkdir()
    path = out / "film.mp4"
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc=size=160x90:rate=24",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-t", "1", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-c:a", "aac", "-shortest",
        path,
    )  # fmt: skip
    return path
