"""Between lab tensors and pictures: one image either way, and a contact sheet of many for looking at samples."""

from __future__ import annotations

import math

import numpy as np
import torch
from PIL import Image

#: Pillow mode for a tensor with this many channels.
_MODES = {1: "L", 3: "RGB"}


def to_image(image: torch.Tensor) -> Image.Image:
    """One ``(C, H, W)`` tensor in ``[-1, 1]`` as an 8-bit picture (grey for one channel, RGB for three)."""
    if image.dim() != 3 or image.shape[0] not in _MODES:
        raise ValueError(f"expected one (C, H, W) image with 1 or 3 channels, not shape {tuple(image.shape)}")
    levels = ((image.detach().float().cpu().clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)
    pixels = levels.permute(1, 2, 0).numpy()
    if image.shape[0] == 1:
        pixels = pixels[:, :, 0]
    # Pillow reads the mode from the array: 2-D uint8 is grey (L), H x W x 3 uint8 is RGB.
    return Image.fromarray(np.ascontiguousarray(pixels))


def from_image(image: Image.Image, *, channels: int = 3) -> torch.Tensor:
    """A picture as a float32 ``(channels, H, W)`` tensor in ``[-1, 1]``, converted to grey or RGB as asked."""
    if channels not in _MODES:
        raise ValueError(f"channels must be 1 or 3, not {channels}")
    pixels = np.asarray(image.convert(_MODES[channels]), dtype=np.float32)
    if channels == 1:
        pixels = pixels[:, :, None]
    return torch.from_numpy(pixels).permute(2, 0, 1).contiguous() / 127.5 - 1


def grid(images: torch.Tensor, *, columns: int | None = None, gap: int = 2) -> Image.Image:
    """A contact sheet of ``(N, C, H, W)`` images in rows, ``gap`` black pixels around and between them.

    Without ``columns`` the sheet is as near square as the count allows, which is how people scan a batch of samples.
    """
    if images.dim() != 4 or images.shape[0] == 0:
        raise ValueError(f"expected a non-empty (N, C, H, W) batch, not shape {tuple(images.shape)}")
    count, channels, height, width = images.shape
    columns = columns or math.ceil(math.sqrt(count))
    rows = math.ceil(count / columns)
    sheet = Image.new(_MODES.get(channels, "RGB"), (columns * (width + gap) + gap, rows * (height + gap) + gap))
    for index, image in enumerate(images):
        row, column = divmod(index, columns)
        sheet.paste(to_image(image), (gap + column * (width + gap), gap + row * (height + gap)))
    return sheet
