"""H.264 segments through PyAV: the one module that uses FFmpeg's libraries in process.

A segment is written in-process (no ffmpeg program to start per shot) from
yuv420p pictures held as numpy arrays of shape (height * 3 / 2, width): the Y
plane, then U, then V. Every segment uses the same :class:`Codec` settings with
a fixed GOP of whole seconds that starts on an IDR frame, which is what lets the
concat demuxer join segments without re-encoding.

Held frames cost little: a GOP whose frames are all the same still picture is
encoded once per segment, and every other such GOP, and the partial one at the
end, reuses its packets. That is bit-exact H.264 (each GOP is closed
and starts with an IDR, so a copy decodes on its own); it is what makes a
storyboard animatic, mostly still frames, fast to render.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from av.codec.context import Flags
from av.video.frame import PictureType
from av.video.reformatter import Colorspace, Interpolation
from PIL import Image

from clapboard.media.ffmpeg import MediaError

#: A yuv420p picture as PyAV lays it out: the Y plane's rows, then the U and V planes' bytes after them.
Picture = np.ndarray


@dataclass(frozen=True)
class Codec:
    """The encoder settings every segment of a film shares (part of each segment's content key)."""

    encoder: str = "libx264"
    # An animatic is a draft for review: superfast encodes moving 720p nearly as fast as ultrafast
    # (117 against 131 frames/s on one core) in well under half the bytes (CABAC and deblocking stay on).
    preset: str = "superfast"
    crf: int = 20
    profile: str = "high"
    keyframe_seconds: int = 1

    def gop(self, rate: Fraction) -> int:
        """Frames from one IDR frame to the next: a whole number of seconds, at least one frame."""
        return max(round(rate * self.keyframe_seconds), 1)

    def options(self, rate: Fraction) -> dict[str, str]:
        """The encoder options: constant quality, fixed closed GOPs, no B-frames (so timestamps are exact)."""
        gop = str(self.gop(rate))
        return {
            "preset": self.preset,
            "crf": str(self.crf),
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


def dress(picture: Picture, dressing: Dressing) -> Picture:
    """One picture in its frame, under its caption band: what :func:`camera` does to every frame of a move."""
    graph = av.filter.Graph()
    height = picture.shape[0] * 2 // 3
    source = graph.add_buffer(width=picture.shape[1], height=height, format="yuv420p", time_base=Fraction(1, 25))
    _finish(graph, [source], dressing)
    frame = av.VideoFrame.from_ndarray(picture, format="yuv420p")
    frame.pts = 0
    source.push(frame)
    source.push(None)
    return graph.pull().to_ndarray()


def camera(
    canvas: Picture,
    size: tuple[int, int],
    count: int,
    start: tuple[float, float, float],
    end: tuple[float, float, float],
    dressing: Dressing,
) -> Iterator[av.VideoFrame]:
    """``count`` frames of a crop of ``canvas`` easing from ``start`` to ``end``, scaled to ``size`` and dressed.

    A crop is (left, top, width) in canvas pixels; its height follows from the
    picture's aspect. ffmpeg cuts on whole, even pixels, so the caller makes the
    canvas about twice the picture's size to keep each step under a picture
    pixel. A crop of constant size (a pan or a tilt) is cut and scaled with one
    area-averaging scaler for the whole move; a changing one (a push or a pull)
    goes through zoompan, which sets up its scaler anew for every frame. The
    letterbox and the caption are drawn by the same filter graph, so a frame
    goes from the scaler to the encoder without a copy through Python.
    """
    (x0, y0, w0), (x1, y1, w1) = start, end
    last = max(count - 1, 1)

    def eased(first: float, final: float, frame: str) -> str:
        return f"{first:.4f}+({final - first:.4f})*(1-cos(PI*{frame}/{last}))/2"

    canvas_width, canvas_height = canvas.shape[1], canvas.shape[0] * 2 // 3
    graph = av.filter.Graph()
    source = graph.add_buffer(width=canvas_width, height=canvas_height, format="yuv420p", time_base=Fraction(1, 25))
    if abs(w1 - w0) < 0.5:
        height = w0 * size[1] / size[0]
        chain = [
            source,
            graph.add("loop", f"loop={count - 1}:size=1:start=0"),
            graph.add("crop", f"w={w0:.0f}:h={height:.0f}:x='{eased(x0, x1, 'n')}':y='{eased(y0, y1, 'n')}'"),
            graph.add("scale", f"{size[0]}:{size[1]}:flags=area"),
        ]
    else:
        zoom, x, y = f"{canvas_width}/({eased(w0, w1, 'on')})", eased(x0, x1, "on"), eased(y0, y1, "on")
        chain = [source, graph.add("zoompan", f"z='{zoom}':x='{x}':y='{y}':d={count}:s={size[0]}x{size[1]}")]
    _finish(graph, chain, dressing)
    still = av.VideoFrame.from_ndarray(canvas, format="yuv420p")
    still.pts = 0
    source.push(still)
    source.push(None)
    for _ in range(count):
        yield graph.pull()


def _finish(graph: av.filter.Graph, chain: list[av.filter.context.FilterContext], dressing: Dressing) -> None:
    """Link ``chain``, then the letterbox and the caption band, to the graph's sink, and configure the graph."""
    # Each frame gets its own timestamp, so the overlay lays the (single, repeated) band over every one.
    chain.append(graph.add("setpts", "N"))
    chain.append(graph.add("pad", f"{dressing.width}:{dressing.height}:{dressing.left}:{dressing.top}:black"))
    band = None
    if dressing.band is not None:
        overlay = graph.add("overlay", f"x=0:y={dressing.band_top}:eof_action=repeat:format=yuv420")
        band = graph.add_buffer(
            width=dressing.band.width, height=dressing.band.height, format="yuva420p", time_base=Fraction(1, 25)
        )
        band.link_to(overlay, 0, 1)
        chain.append(overlay)
    chain.append(graph.add("buffersink"))
    for upstream, downstream in itertools.pairwise(chain):
        upstream.link_to(downstream)
    graph.configure()
    if band is not None and dressing.band is not None:
        layer = av.VideoFrame.from_image(dressing.band.convert("RGBA"))
        layer = layer.reformat(format="yuva420p", dst_colorspace=Colorspace.ITU709)
        layer.pts = 0
        band.push(layer)
        band.push(None)


def write_segment(
    path: Path,
    width: int,
    height: int,
    rate: Fraction,
    codec: Codec,
    frames: Iterable[Picture | av.VideoFrame | None],
    still: Picture | None,
) -> None:
    """Encode ``frames`` (None meaning ``still``) to an MP4 at ``path``, written whole or not at all."""
    gop = codec.gop(rate)
    # The held picture is handed to the encoder as one frame, over and over, not copied for each use.
    held_frame = None if still is None else av.VideoFrame.from_ndarray(still, format="yuv420p")
    moving = _Encoder(width, height, rate, codec)
    holding: _Encoder | None = None
    held: list[tuple[bytes, bool]] = []
    slots: list[tuple[bytes, bool] | int] = []  # packet bytes, or the index of the moving encoder's frame
    pending: list[Picture | av.VideoFrame | None] = []

    def flush() -> None:
        nonlocal holding
        if still is not None and all(p is None for p in pending):
            if len(held) < len(pending):
                holding = _Encoder(width, height, rate, codec)
                held[:] = holding.encode_all(held_frame, len(pending))
            slots.extend(held[: len(pending)])
        else:
            for picture in pending:
                slots.append(moving.send(held_frame if picture is None else picture))
        pending.clear()

    for picture in frames:
        pending.append(picture)
        if len(pending) == gop:
            flush()
    if pending:
        flush()
    made = moving.finish()
    packets = [made[slot] if isinstance(slot, int) else slot for slot in slots]
    used = [e for e in (moving, holding) if e is not None and e.sent]
    _mux(path, width, height, rate, codec, packets, {e.parameter_sets for e in used})


class _Encoder:
    """One encoder; frames go in, and packets come back by the frame's own index."""

    def __init__(self, width: int, height: int, rate: Fraction, codec: Codec) -> None:
        self.context = av.CodecContext.create(codec.encoder, "w")
        _configure(self.context, width, height, rate, codec)
        self.gop = codec.gop(rate)
        self.sent = 0
        self.packets: dict[int, tuple[bytes, bool]] = {}

    def send(self, picture: Picture | av.VideoFrame) -> int:
        frame = picture if isinstance(picture, av.VideoFrame) else av.VideoFrame.from_ndarray(picture, "yuv420p")
        frame.pts, frame.time_base = self.sent, self.context.time_base
        frame.pict_type = PictureType.I if self.sent % self.gop == 0 else PictureType.NONE
        self._keep(self.context.encode(frame))
        self.sent += 1
        return self.sent - 1

    def finish(self) -> dict[int, tuple[bytes, bool]]:
        if self.sent:
            self._keep(self.context.encode(None))
        if len(self.packets) != self.sent:
            raise MediaError(f"the encoder returned {len(self.packets)} packets for {self.sent} frames")
        return self.packets

    def encode_all(self, picture: av.VideoFrame, count: int) -> list[tuple[bytes, bool]]:
        for _ in range(count):
            self.send(picture)
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
