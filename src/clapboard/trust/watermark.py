"""An invisible watermark in generated frames: 64 bits that survive JPEG re-encoding.

The method is quantisation index modulation in the block DCT of the picture's
luma, the domain JPEG itself works in. In a fixed scatter of 8×8 luma blocks,
each block's six lowest-frequency coefficients carry one bit of the mark each
(64 payload bits and a CRC-32), moved to the nearest point of one of two
interleaved lattices (step :data:`STRENGTH`). Every bit is written 64 times
where the frame has room (1,024 blocks: 7% of a 1280×720 frame, all of a small
one) and the detector sums the votes. JPEG's quantisation of those coefficients
at quality 80 moves them by well under a quarter step, so the mark reads back
(also at quality 70); a frame that never carried it fails the CRC. Blocks
outside the scatter keep their exact pixels, so a flat drawing stays nearly as
compressible: a 1280×720 storyboard frame grows from 46 kB to 67 kB.

The ``invisible-watermark`` package does the same family of thing, but it
requires torch and the desktop OpenCV and imports torch at module load even for
its DWT-DCT method, so this one is written on numpy and scipy, which Clapboard
already has.
"""

from __future__ import annotations

import io
import zlib

import numpy as np
from PIL import Image, UnidentifiedImageError
from scipy.fft import dctn, idctn

from clapboard.errors import ClapboardError

#: Bytes in a mark: a take's key prefix, a project and asset id, anything that fits.
PAYLOAD_BYTES = 8
#: The lattice step for each carrying coefficient. 12 changes a carrying block's pixels by at most 7 levels in 255,
#: 99% of them by 3 or less (a faint paper grain on flat fills, seen at 3× zoom); 58 dB PSNR over a 1280×720
#: frame, 47 dB over a 320×180 one, where every block carries.
STRENGTH = 12.0

_BLOCK = 8
#: The coefficients that carry the mark: the lowest frequencies, which JPEG quantises most gently.
_CARRIERS = ((0, 0), (0, 1), (1, 0), (1, 1), (0, 2), (2, 0))
_BITS = PAYLOAD_BYTES * 8 + 32
#: How often each bit is written when the frame has room; more only costs file size (marked blocks compress
#: worse) and visibility.
_REPEATS = 64
#: Fixes the shuffle and dither; a public constant, so anyone can read the mark (it discloses, it does not hide).
_LAYOUT_SEED = 0xC1A9B0A2
#: BT.601 luma weights: what JPEG calls Y.
_LUMA = np.array([0.299, 0.587, 0.114])
#: Votes this close to chance read as no mark before the CRC is consulted: the carriers of a marked frame agree
#: at about 0.6 after JPEG at quality 80 and 0.36 at 70, an unmarked frame's (320×180 or more) at under 0.1.
_MIN_AGREEMENT = 0.15


class WatermarkError(ClapboardError):
    """A picture that cannot carry or be read for a watermark: not an image, too small, a wrong payload."""


def payload_for(key: str) -> bytes:
    """The mark for a take: the first 8 bytes of its content key (hex), enough to find it in the store."""
    try:
        return bytes.fromhex(key[: PAYLOAD_BYTES * 2].ljust(PAYLOAD_BYTES * 2, "0"))
    except ValueError:
        raise WatermarkError(f"{key!r} is not a hex content key") from None


def embed(png: bytes, payload: bytes, strength: float = STRENGTH) -> bytes:
    """``png`` with ``payload`` (8 bytes) invisibly marked in, as PNG; transparency is kept, and the pixels of
    blocks that carry no mark are left exactly as they were."""
    if len(payload) != PAYLOAD_BYTES:
        raise WatermarkError(f"a watermark carries exactly {PAYLOAD_BYTES} bytes, not {len(payload)}")
    image = _open(png)
    pixels = np.array(image)
    rows, cols = _grid(pixels)
    chosen, carrier, dither = _layout(rows * cols, strength)
    where = _where(chosen, cols)
    # Saturated pixels cannot move both ways; pulling them in by a few levels is invisible and keeps every
    # chosen block able to carry its bits.
    margin = strength / 4
    rgb = np.clip(pixels[where][..., :3].astype(np.float64), margin, 255 - margin)
    luma = rgb @ _LUMA
    coefficients = dctn(luma, axes=(1, 2), norm="ortho")
    bits = _bits(payload)
    for index, (u, v) in enumerate(_CARRIERS):
        offset = dither[:, index] + bits[carrier[:, index]] * (strength / 2)
        values = coefficients[:, u, v]
        coefficients[:, u, v] = np.round((values - offset) / strength) * strength + offset
    change = idctn(coefficients, axes=(1, 2), norm="ortho") - luma
    # Moving R, G and B by the same amount moves luma by that amount and leaves the colour as it was.
    marked = np.clip(np.round(rgb + change[..., None]), 0, 255).astype(np.uint8)
    colour = pixels[..., :3]  # a view: writing it writes the picture, alpha untouched
    colour[where] = marked
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


def detect(image: bytes, strength: float = STRENGTH) -> bytes | None:
    """The payload marked in ``image`` (PNG, JPEG or any format Pillow reads), or None when it carries none."""
    pixels = np.asarray(_open(image))
    rows, cols = _grid(pixels)
    chosen, carrier, dither = _layout(rows * cols, strength)
    luma = pixels[_where(chosen, cols)][..., :3].astype(np.float64) @ _LUMA
    coefficients = dctn(luma, axes=(1, 2), norm="ortho")
    votes = np.zeros(_BITS)
    counts = np.zeros(_BITS)
    for index, (u, v) in enumerate(_CARRIERS):
        # +1 where the coefficient sits on the lattice of a 0, -1 on that of a 1, in between as it lies.
        phase = (coefficients[:, u, v] - dither[:, index]) / strength
        np.add.at(votes, carrier[:, index], np.cos(2 * np.pi * phase))
        np.add.at(counts, carrier[:, index], 1)
    agreement = np.abs(votes) / np.maximum(counts, 1)
    if agreement.mean() < _MIN_AGREEMENT:
        return None
    data = np.packbits((votes < 0).astype(np.uint8)).tobytes()
    payload, check = data[:PAYLOAD_BYTES], data[PAYLOAD_BYTES:]
    return payload if zlib.crc32(payload).to_bytes(4, "big") == check else None


def _open(data: bytes) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError) as exc:
        raise WatermarkError(f"not a picture Pillow can read ({exc})") from None
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB")
    width, height = image.size
    if (width // _BLOCK) * (height // _BLOCK) * len(_CARRIERS) < _BITS:
        raise WatermarkError(f"a {width}×{height} picture is too small to carry a watermark")
    return image


def _bits(payload: bytes) -> np.ndarray:
    framed = payload + zlib.crc32(payload).to_bytes(4, "big")
    return np.unpackbits(np.frombuffer(framed, dtype=np.uint8)).astype(np.float64)


def _layout(blocks: int, strength: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which blocks carry the mark, which bit each of their carriers holds, and the dither that keeps the
    lattice from showing as a pattern."""
    rng = np.random.default_rng(_LAYOUT_SEED)
    # Enough blocks for every bit to be repeated _REPEATS times, scattered; the rest stay untouched, which keeps
    # flat drawings nearly as compressible as they were.
    used = min(blocks, -(-_BITS * _REPEATS // len(_CARRIERS)))
    chosen = np.sort(rng.permutation(blocks)[:used])
    slots = used * len(_CARRIERS)
    carrier = (rng.permutation(slots) % _BITS).reshape(used, len(_CARRIERS))
    dither = rng.uniform(0, strength, size=(used, len(_CARRIERS)))
    return chosen, carrier, dither


def _grid(pixels: np.ndarray) -> tuple[int, int]:
    return pixels.shape[0] // _BLOCK, pixels.shape[1] // _BLOCK


def _where(chosen: np.ndarray, cols: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column indices that pick the chosen 8×8 blocks out of the picture, as (blocks, 8, 8)."""
    step = np.arange(_BLOCK)
    top, left = (chosen // cols) * _BLOCK, (chosen % cols) * _BLOCK
    return top[:, None, None] + step[None, :, None], left[:, None, None] + step[None, None, :]
