"""Uploaded files are told by their bytes: frames must decode as PNG or JPEG, recordings as WAV."""

from __future__ import annotations

import io

import numpy as np
import pytest
import soundfile
from PIL import Image

from clapboard.studio.uploads import UploadRefused, frame_from_upload, recording_from_upload, sniff

LIMIT = 1 << 20


def _image(kind: str, size: tuple[int, int] = (32, 18), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, format=kind)
    return out.getvalue()


def test_a_png_frame_is_kept_as_it_came() -> None:
    png = _image("PNG")
    assert frame_from_upload(png, LIMIT) == png


def test_a_jpeg_frame_becomes_a_png_of_the_same_size() -> None:
    stored = frame_from_upload(_image("JPEG", (40, 20)), LIMIT)
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "PNG" and image.size == (40, 20)


@pytest.mark.parametrize(
    "data",
    [
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        b"GIF89a\x01\x00\x01\x00",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
        b"\xff\xd8\xff" + b"\x00" * 64,
    ],
)
def test_anything_else_is_refused_as_the_wrong_type(data: bytes) -> None:
    with pytest.raises(UploadRefused) as refused:
        frame_from_upload(data, LIMIT)
    assert refused.value.status == 415


def test_a_frame_too_large_in_bytes_or_pixels_is_refused() -> None:
    with pytest.raises(UploadRefused) as refused:
        frame_from_upload(_image("PNG"), 10)
    assert refused.value.status == 413
    # A few kilobytes that would unpack to gigabytes of pixels.
    bomb = _image("PNG", (9_000, 9_000), mode="1")
    assert len(bomb) < LIMIT
    with pytest.raises(UploadRefused) as refused:
        frame_from_upload(bomb, LIMIT)
    assert refused.value.status == 413


def test_a_recording_must_be_wav_with_sound() -> None:
    out = io.BytesIO()
    soundfile.write(out, np.zeros(1600), 16000, format="WAV")
    assert recording_from_upload(out.getvalue(), LIMIT) == out.getvalue()
    for data in (_image("PNG"), b"RIFF\x24\x00\x00\x00WAVEjunk"):
        with pytest.raises(UploadRefused) as refused:
            recording_from_upload(data, LIMIT)
        assert refused.value.status == 415


def test_stored_bytes_are_never_served_as_a_page() -> None:
    assert sniff(b"<!doctype html><script>alert(1)</script>") == "text/plain; charset=utf-8"
    assert sniff(_image("PNG")) == "image/png"
    assert sniff(b"\x00\xff\xfe binary") == "application/octet-stream"
