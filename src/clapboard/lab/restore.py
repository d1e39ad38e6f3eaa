"""Frame restoration with lab models trained at small sizes: fill a damaged patch, draw frames in between two.

The models work at 16 to 64 pixels a side while frames are full size, so each
function scales what the model needs down to its size and its answer back up,
and never lets the model touch a pixel it was not asked to change.
"""

from __future__ import annotations

import math

import torch
from PIL import Image, ImageFilter

from clapboard.errors import ClapboardError
from clapboard.lab.ddpm import DDPM
from clapboard.lab.grid import from_image, to_image
from clapboard.lab.vae import VAE

#: Frame modes kept as they are; any other (palette, CMYK …) is restored as RGB.
_KEPT_MODES = ("L", "RGB", "RGBA")


def inpaint_frame(
    model: DDPM, frame: Image.Image, mask: Image.Image, *, seed: int, context: float = 2.0, **options: int
) -> Image.Image:
    """``frame`` with the white pixels of ``mask`` filled by ``model`` (RePaint); every other pixel is unchanged.

    The model sees a window around the damage, ``context`` times its larger side
    (at least the model's size, at most the frame), scaled to the model's size;
    its fill is scaled back and pasted through the mask. ``options`` go to
    :meth:`DDPM.inpaint` (``steps``, ``jumps``, ``resample``).
    """
    if mask.size != frame.size:
        raise ClapboardError(f"the mask is {_dimensions(mask.size)} but the frame is {_dimensions(frame.size)}")
    if context < 1:
        raise ValueError(f"context must be at least 1 (the damage itself), not {context}")
    if frame.mode not in _KEPT_MODES:
        frame = frame.convert("RGB")
    # Half-grey and above counts as damaged, so a soft-edged mask still names whole pixels.
    damaged = mask.convert("L").point(lambda level: 255 if level >= 128 else 0)
    box = damaged.getbbox()
    if box is None:
        raise ClapboardError("the mask marks nothing to restore: paint the damaged pixels white")

    window = _window(box, frame.size, model.size, context)
    size = (model.size, model.size)
    # Box filtering averages each cell exactly, so no damaged colour leaks into a cell marked known.
    crop = frame.crop(window).convert("L" if model.channels == 1 else "RGB").resize(size, Image.Resampling.BOX)
    cells = damaged.crop(window).resize(size, Image.Resampling.BOX)
    # Any damage in a cell makes it unknown; one cell more all round hides the seam from the model.
    unknown = cells.point(lambda level: 255 if level else 0).filter(ImageFilter.MaxFilter(3))
    known = from_image(unknown, channels=1) < 0

    generator = torch.Generator().manual_seed(seed)
    filled = model.inpaint(from_image(crop, channels=model.channels)[None], known[None], generator=generator, **options)
    patch = to_image(filled[0]).resize((window[2] - window[0], window[3] - window[1]), Image.Resampling.LANCZOS)

    restored = frame.copy()
    restored.paste(patch.convert(frame.mode), window[:2], damaged.crop(window))
    return restored


def inbetween(model: VAE, first: Image.Image, last: Image.Image, count: int) -> list[Image.Image]:
    """``count`` frames between ``first`` and ``last`` (the ends left out), decoded by ``model`` at the frames' size.

    Each frame is squeezed whole to the model's square and the in-betweens are
    stretched back, so the picture keeps its proportions and nothing is cropped.
    Grey frames give grey in-betweens; any other mode gives RGB.
    """
    if first.size != last.size:
        raise ClapboardError(f"the first frame is {_dimensions(first.size)} but the last is {_dimensions(last.size)}")
    if count < 0:
        raise ValueError(f"count must not be negative, not {count}")
    if count == 0:
        return []
    mode = "L" if first.mode == "L" and last.mode == "L" else "RGB"
    device = next(model.parameters()).device
    ends = [
        from_image(frame.resize((model.size, model.size), Image.Resampling.LANCZOS), channels=model.channels)
        for frame in (first, last)
    ]
    frames = model.interpolate(ends[0].to(device), ends[1].to(device), count)
    return [to_image(frame).resize(first.size, Image.Resampling.LANCZOS).convert(mode) for frame in frames]


def _window(
    box: tuple[int, int, int, int], frame: tuple[int, int], least: int, context: float
) -> tuple[int, int, int, int]:
    """A box ``context`` times the damage's larger side (at least ``least``), centred on it and inside the frame."""
    left, top, right, bottom = box
    side = max(math.ceil(context * max(right - left, bottom - top)), least)
    width, height = min(side, frame[0]), min(side, frame[1])
    x = min(max(round((left + right - width) / 2), 0), frame[0] - width)
    y = min(max(round((top + bottom - height) / 2), 0), frame[1] - height)
    return x, y, x + width, y + height


def _dimensions(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"
