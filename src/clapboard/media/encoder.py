"""H.264 segments through PyAV: the one module that uses FFmpeg's libraries in process.

A segment is written in-process (no ffmpeg program to start per shot) from
yuv420p pictures held as numpy arrays of shape (height * 3 / 2, width): the Y
plane, then U, then V. Every segment uses the same :class:`Codec` settings with
a fixed GOP of whole seconds that starts on an IDR frame, which is what lets the
concat demuxer join segments without re-encoding.

Held frames cost next to nothing: a GOP of one still picture is its IDR frame
followed by P frames that skip every macroblock, so each decodes as an exact
copy of the frame before it. Those P frames are the same bytes wherever they
stand at the same place in a GOP, so the encoder makes one set per process and
every still GOP of every segment shares it; the still's IDR frame is encoded
once per segment and opens each of its GOPs. A still that ends a GOP after a
change (the tail of a dissolve) is drawn once and repeated the same way. Each
GOP stays closed and starts with an IDR frame, so the packets decode on their
own; it is what makes a storyboard animatic, mostly still frames, fast to
render.

Moving pictures are cut from a canvas as numpy views, scaled by swscale one
plane at a time when they need it, and dressed (letterbox, caption band) with
numpy, all without a filter graph.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from functools import cache, cached_property
from pathlib import Path

import av
import numpy as np
from av.codec.context import Flags
from av.video.frame import PictureType
from av.video.reformatter import Colorspace, Interpolation, VideoReformatter
from PIL import Image

from clapboard.media.ffmpeg import MediaError

#: A yuv420p picture as PyAV lays it out: the Y plane's rows, then the U and V planes' bytes after them.
Picture = np.ndarray
#: How a moving crop is scaled to the picture: swscale's bilinear filter widens with the reduction, so a crop
#: one canvas pixel further on lands a fraction of a picture pixel further on (its fast bilinear one jitters).
_MOVING = Interpolation.BILINEAR
#: Bytes of slack after a canvas for swscale's reads past the end of a row.
_MARGIN = 64


@dataclass(frozen=True)
class Codec:
    """The encoder settings every segment of a film shares (part of each segment's content key).

    Quality is a constant quantizer (``qp``) unless ``crf`` asks for constant
    quality instead. Constant quality has x264 weigh every frame's complexity
    before coding it, which costs a quarter of its time on a moving 720p
    frame; a fixed quantizer skips that (and weighted prediction, which would
    need the same look ahead). On drawn panels qp 22 spends fewer bytes than
    crf 20 and looks the same; on a noisy pencil sketch it matches crf 20 in
    bytes and in PSNR.
    """

    encoder: str = "libx264"
    # An animatic is a draft for review: ultrafast would encode moving 720p a quarter faster than superfast
    # (5.2 against 7.0 ms a frame on one core), in two to three times the bytes (it drops CABAC and deblocking).
    preset: str = "superfast"
    crf: int | None = None
    profile: str = "high"
    keyframe_seconds: int = 1
    qp: int = 22

    def gop(self, rate: Fraction) -> int:
        """Frames from one IDR frame to the next: a whole number of seconds, at least one frame."""
        return max(round(rate * self.keyframe_seconds), 1)

    def options(self, rate: Fraction) -> dict[str, str]:
        """The encoder options: the quality, fixed closed GOPs, no B-frames (so timestamps are exact)."""
        gop = str(self.gop(rate))
        quality = {"crf": str(self.crf)} if self.crf is not None else {"qp": str(self.qp), "weightp": "none"}
        return {
            "preset": self.preset,
            **quality,
            "profile": self.profile,
            "g": gop,
            "keyint_min": gop,
            "sc_threshold": "0",
            "bf": "0",
            "forced-idr": "1",
        }


#: The settings Clapboard renders with unless told otherwise.
H264 = Codec()


def yuv(image: Image.Image) -> Picture:
    """An RGB image as a BT.709 limited-range yuv420p picture."""
    frame = av.VideoFrame.from_image(image.convert("RGB"))
    return frame.reformat(format="yuv420p", dst_colorspace=Colorspace.ITU709).to_ndarray()


def black(width: int, height: int) -> Picture:
    """A black yuv420p picture (Y 16, U and V 128: limited-range black)."""
    picture = np.full((height * 3 // 2, width), 128, dtype=np.uint8)
    picture[:height] = 16
    return picture


def planes(picture: Picture, height: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Views of a picture's Y, U and V planes, each as rows by columns."""
    width = picture.shape[1]
    luma, chroma = height * width, height * width // 4
    flat = picture.reshape(-1)
    return (
        flat[:luma].reshape(height, width),
        flat[luma : luma + chroma].reshape(height // 2, width // 2),
        flat[luma + chroma :].reshape(height // 2, width // 2),
    )


def scaled(image: Image.Image, size: tuple[int, int]) -> Picture:
    """``image`` scaled to ``size`` (bicubic) and converted to a BT.709 yuv420p picture in one pass."""
    frame = av.VideoFrame.from_image(image.convert("RGB"))
    return frame.reformat(
        size[0], size[1], "yuv420p", dst_colorspace=Colorspace.ITU709, interpolation=Interpolation.BICUBIC
    ).to_ndarray()


@dataclass(frozen=True)
class Dressing:
    """What surrounds and overlays every picture of a shot: the frame it sits in, and a caption band.

    The picture sits at (``left``, ``top``) in a frame of ``width`` x ``height``
    (black bars around it when it is smaller); ``band`` is an RGBA image as wide
    as the frame, laid over it with its top at row ``band_top``.
    """

    width: int
    height: int
    left: int = 0
    top: int = 0
    band: Image.Image | None = None
    band_top: int = 0

    def areas(self, frame: Picture, size: tuple[int, int]) -> list[np.ndarray]:
        """Views of the Y, U and V planes of ``frame`` where a picture of ``size`` sits."""
        (width, height), left, top = size, self.left, self.top
        return [
            plane[top // step : (top + height) // step, left // step : (left + width) // step]
            for plane, step in zip(planes(frame, self.height), (1, 2, 2), strict=True)
        ]

    def caption(self, frame: Picture) -> None:
        """Lay the caption band over the foot of ``frame``, in place."""
        if self.band is None:
            return
        for plane, (cover, uncovered), step in zip(planes(frame, self.height), self._band, (1, 2, 2), strict=True):
            under = plane[self.band_top // step : self.band_top // step + cover.shape[0]]
            under[:] = (under * uncovered + cover) // 255

    @cached_property
    def _band(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per plane, the band's colour times its opacity (plus 127, to round) and what it leaves of the frame."""
        assert self.band is not None  # caption() lays a band only when there is one
        rgba = np.asarray(self.band.convert("RGBA"))
        alpha = rgba[:, :, 3].astype(np.uint16)
        # A chroma sample covers two by two luma pixels, so its opacity is theirs averaged.
        shared = (alpha[0::2, 0::2] + alpha[1::2, 0::2] + alpha[0::2, 1::2] + alpha[1::2, 1::2] + 2) // 4
        colour = planes(yuv(Image.fromarray(rgba[:, :, :3])), rgba.shape[0])
        # Straight alpha: the sum stays under 2^16 because opacity and what is left of the frame add up to 255.
        return [(c * a + 127, 255 - a) for c, a in zip(colour, (alpha, shared, shared), strict=True)]


def dress(picture: Picture, dressing: Dressing) -> Picture:
    """One picture in its frame, under its caption band: what :func:`camera` does to every frame of a move."""
    frame = black(dressing.width, dressing.height)
    size = (picture.shape[1], picture.shape[0] * 2 // 3)
    for area, plane in zip(dressing.areas(frame, size), planes(picture, size[1]), strict=True):
        area[:] = plane
    dressing.caption(frame)
    return frame


def camera(
    canvas: Picture,
    size: tuple[int, int],
    count: int,
    start: tuple[float, float, float],
    end: tuple[float, float, float],
    dressing: Dressing,
) -> Iterator[Picture]:
    """``count`` frames of a crop of ``canvas`` easing from ``start`` to ``end``, scaled to ``size`` and dressed.

    A crop is (left, top, width) in canvas pixels; its height follows from the
    picture's aspect. Each plane is cut on whole pixels of its own, so each
    frame lands within half a canvas pixel of the eased path; a crop within a
    pixel of the picture's size is cut at that size and not scaled at all
    (scaling by less than a pixel would only blur it), which makes a pan over
    a canvas of the picture's scale a run of plain cuts. Any other crop is a
    view of the canvas, handed to swscale without a copy, one plane at a time.
    """
    (x0, y0, w0), (x1, y1, w1) = start, end
    last = max(count - 1, 1)
    canvas_height = canvas.shape[0] * 2 // 3
    # swscale may read a few bytes past the end of a crop's last row; the margin keeps that inside this buffer.
    padded = np.zeros(canvas.size + _MARGIN, np.uint8)
    padded[: canvas.size] = canvas.reshape(-1)
    sources = planes(padded[: canvas.size].reshape(canvas.shape), canvas_height)
    scalers = [VideoReformatter() for _ in sources]
    # A picture that fills the frame overwrites every pixel of it; only bars around a smaller one need black.
    fills = size == (dressing.width, dressing.height)
    for n in range(count):
        share = (1 - math.cos(math.pi * n / last)) / 2
        x, y, w = x0 + (x1 - x0) * share, y0 + (y1 - y0) * share, w0 + (w1 - w0) * share
        h = w * size[1] / size[0]
        frame = np.empty((size[1] * 3 // 2, size[0]), np.uint8) if fills else black(dressing.width, dressing.height)
        for source, area, scaler, step in zip(sources, dressing.areas(frame, size), scalers, (1, 2, 2), strict=True):
            width, height = round(w / step), round(h / step)
            if abs(w / step - area.shape[1]) < 1 and abs(h / step - area.shape[0]) < 1:
                width, height = area.shape[1], area.shape[0]
            left = min(max(round(x / step), 0), source.shape[1] - width)
            top = min(max(round(y / step), 0), source.shape[0] - height)
            crop = source[top : top + height, left : left + width]
            if crop.shape == area.shape:
                area[:] = crop
                continue
            scaled = scaler.reformat(
                av.VideoFrame.from_numpy_buffer(crop, format="gray"),
                area.shape[1],
                area.shape[0],
                interpolation=_MOVING,
                threads=1,
            )
            area[:] = scaled.to_ndarray()
        dressing.caption(frame)
        yield frame


def write_segment(
    path: Path,
    width: int,
    height: int,
    rate: Fraction,
    codec: Codec,
    frames: Iterable[Picture | None],
    still: Picture | None,
) -> None:
    """Encode ``frames`` (None meaning ``still``) to an MP4 at ``path``, written whole or not at all."""
    gop = codec.gop(rate)
    moving = _Encoder(width, height, rate, codec)
    held: list[tuple[bytes, bool]] = []  # the IDR frame that opens every GOP of the still alone
    repeats, repeats_made_by = _repeats(width, height, rate, codec)
    made_by = {repeats_made_by}
    slots: list[tuple[bytes, bool] | int] = []  # packet bytes, or the index of the moving encoder's frame
    pending: list[Picture | None] = []

    def flush() -> None:
        if still is not None and all(p is None for p in pending):
            if not held:
                holding = _Encoder(width, height, rate, codec)
                held.extend(holding.encode_all(still, 1))
                made_by.add(holding.parameter_sets)
            slots.extend(held + repeats[1 : len(pending)])
            return
        # A still that ends the GOP (after a dissolve, say) is drawn once; its other frames repeat that one.
        held_for = next(n for n, picture in enumerate(reversed(pending)) if picture is not None)
        drawn = len(pending) - max(held_for - 1, 0)
        for n, picture in enumerate(pending[:drawn]):
            slots.append(moving.send(still if picture is None else picture, key=n == 0))
        slots.extend(repeats[drawn : len(pending)])

    for picture in frames:
        pending.append(picture)
        if len(pending) == gop:
            flush()
            pending.clear()
    if pending:
        flush()
    made = moving.finish()
    if moving.sent:
        made_by.add(moving.parameter_sets)
    _mux(path, width, height, rate, codec, [made[s] if isinstance(s, int) else s for s in slots], made_by)


@cache
def _repeats(width: int, height: int, rate: Fraction, codec: Codec) -> tuple[list[tuple[bytes, bool]], bytes]:
    """P frames that repeat the frame before them, by their place in a GOP, and the parameter sets they go with.

    Every macroblock of such a frame is skipped, so it decodes as an exact
    copy of the previous frame, whatever that showed: a held picture costs
    one IDR frame a GOP, and the rest of the GOP is these. A frame's slice
    header names its place in the GOP and nothing of the picture, so one set
    serves every GOP of every segment. The encoder is asked for them with a
    flat grey picture, which its IDR frame draws exactly, leaving nothing for
    the frames after it to add.
    """
    encoder = _Encoder(width, height, rate, codec)
    return encoder.encode_all(np.full((height * 3 // 2, width), 128, np.uint8), codec.gop(rate)), encoder.parameter_sets


class _Encoder:
    """One encoder; frames go in, and packets come back by the frame's own index."""

    def __init__(self, width: int, height: int, rate: Fraction, codec: Codec) -> None:
        self.context = av.CodecContext.create(codec.encoder, "w")
        _configure(self.context, width, height, rate, codec)
        self.sent = 0
        self.packets: dict[int, tuple[bytes, bool]] = {}

    def send(self, picture: Picture, *, key: bool) -> int:
        """Encode one frame (``key``: as the IDR frame that opens a GOP); its index among those sent."""
        # The encoder copies the picture in, so a view of the array (no copy here) is all it needs.
        frame = av.VideoFrame.from_numpy_buffer(picture, "yuv420p")
        frame.pts, frame.time_base = self.sent, self.context.time_base
        frame.pict_type = PictureType.I if key else PictureType.NONE
        self._keep(self.context.encode(frame))
        self.sent += 1
        return self.sent - 1

    def finish(self) -> dict[int, tuple[bytes, bool]]:
        """Drain the encoder: every frame's packet (its bytes and whether it is a keyframe) by the frame's index."""
        if self.sent:
            self._keep(self.context.encode(None))
        if len(self.packets) != self.sent:
            raise MediaError(f"the encoder returned {len(self.packets)} packets for {self.sent} frames")
        return self.packets

    def encode_all(self, picture: Picture, count: int) -> list[tuple[bytes, bool]]:
        """``count`` frames of ``picture``, the first of them an IDR frame: one GOP, or its start."""
        for n in range(count):
            self.send(picture, key=n == 0)
        made = self.finish()
        return [made[i] for i in range(count)]

    @property
    def parameter_sets(self) -> bytes:
        """The SPS and PPS this encoder wrote (its extradata)."""
        return bytes(self.context.extradata or b"")

    def _keep(self, packets: list[av.Packet]) -> None:
        for packet in packets:
            self.packets[int(packet.pts)] = (bytes(packet), bool(packet.is_keyframe))


def _configure(context: av.CodecContext, width: int, height: int, rate: Fraction, codec: Codec) -> None:
    """Set up ``context`` to encode with ``codec``: every encoder of a film gets the same parameter sets this way."""
    context.width, context.height, context.pix_fmt = width, height, "yuv420p"
    context.time_base, context.framerate = 1 / rate, rate
    context.flags |= Flags.global_header
    context.colorspace = context.color_primaries = context.color_trc = 1  # BT.709
    context.options = codec.options(rate)
    # One thread each: segments are encoded side by side, one per core, which beats threads inside x264.
    context.thread_count = 1


def _mux(
    path: Path,
    width: int,
    height: int,
    rate: Fraction,
    codec: Codec,
    packets: list[tuple[bytes, bool]],
    parameter_sets: set[bytes],
) -> None:
    """Write ``packets`` to an MP4, through a temporary file so that a killed run leaves no half segment."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.partial")
    try:
        with av.open(str(temporary), "w", format="mp4") as container:
            # The muxer opens the stream's own encoder for its parameter sets (SPS/PPS), so it is set up
            # exactly as the encoders that made the packets were; the check below makes sure they agree.
            stream = container.add_stream(codec.encoder, rate=rate)
            _configure(stream.codec_context, width, height, rate, codec)
            stream.time_base = 1 / rate
            for index, (data, keyframe) in enumerate(packets):
                packet = av.Packet(data)
                packet.pts = packet.dts = index
                packet.duration = 1
                packet.time_base = 1 / rate
                packet.is_keyframe = keyframe
                packet.stream = stream
                container.mux(packet)
                if index == 0 and {bytes(stream.codec_context.extradata or b"")} != parameter_sets:
                    raise MediaError(f"{path}: the encoders disagree on the stream's parameter sets")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
