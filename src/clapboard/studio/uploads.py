"""What a stored or uploaded file is, told by its first bytes, and a person's upload checked before it becomes a take.

A file's name and the type a browser claims for it are never trusted: the
bytes decide. An uploaded frame must decode as a PNG or JPEG of sane size
(it is stored as PNG, like every frame); an uploaded recording must decode as
WAV.
"""

from __future__ import annotations

import io
import warnings

from clapboard.errors import ClapboardError

#: The largest frame accepted, in pixels: far beyond any picture size, far short of a decompression bomb.
LARGEST_FRAME = 8192 * 8192

_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"


class UploadRefused(ClapboardError):
    """An upload the studio will not store, with the HTTP status that says why (413 too large, 415 wrong type)."""

    def __init__(self, status: int, problem: str) -> None:
        self.status = status
        super().__init__(problem)


def sniff(data: bytes) -> str:
    """The media type of ``data`` from its first bytes; text that could be a page is only ever plain text."""
    if data.startswith(_PNG):
        return "image/png"
    if data.startswith(_JPEG):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "audio/wav"
    if data[4:8] == b"ftyp":
        return "video/mp4"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"PK\x03\x04"):
        return "application/zip"
    try:
        data[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    return "text/plain; charset=utf-8"


def frame_from_upload(data: bytes, limit: int) -> bytes:
    """An uploaded frame as PNG bytes: a PNG as it came, a JPEG converted; anything else refused."""
    from PIL import Image

    if len(data) > limit:
        raise UploadRefused(413, f"the frame is {len(data)} bytes; the studio takes at most {limit}")
    kind = sniff(data)
    if kind not in ("image/png", "image/jpeg"):
        raise UploadRefused(415, "a frame must be a PNG or JPEG image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > LARGEST_FRAME:
                    raise UploadRefused(413, f"the frame is {width}x{height}; at most {LARGEST_FRAME} pixels")
                image.load()
                if kind == "image/png":
                    return data
                out = io.BytesIO()
                image.convert("RGB").save(out, format="PNG")
                return out.getvalue()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise UploadRefused(413, f"the frame has more than {LARGEST_FRAME} pixels") from None
    except (OSError, ValueError, SyntaxError):
        raise UploadRefused(415, "the frame is not an image that can be read") from None


def recording_from_upload(data: bytes, limit: int) -> bytes:
    """An uploaded recording, checked to be WAV audio that decodes, with at least one sample."""
    import soundfile

    if len(data) > limit:
        raise UploadRefused(413, f"the recording is {len(data)} bytes; the studio takes at most {limit}")
    if sniff(data) != "audio/wav":
        raise UploadRefused(415, "a recording must be a WAV file")
    try:
        info = soundfile.info(io.BytesIO(data))
    except (RuntimeError, soundfile.LibsndfileError):
        raise UploadRefused(415, "the recording is not WAV audio that can be read") from None
    if info.frames < 1 or info.samplerate < 1:
        raise UploadRefused(415, "the recording holds no sound")
    return data
