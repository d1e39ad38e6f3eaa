"""Training images for the lab: a synthetic set of coloured shapes, a folder of frames, and shuffled minibatches.

The shapes set needs no files and knows its classes, so every model (the
conditional ones included) can be trained and tested anywhere in seconds.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import torch
from PIL import Image, ImageOps

from clapboard.errors import ClapboardError
from clapboard.lab.grid import from_image

#: Class names of :func:`shapes`, by label.
CLASSES = ("disc", "square", "triangle")

#: File endings :func:`folder` reads, lower case.
PICTURES = frozenset({".png", ".jpg", ".jpeg", ".webp"})

#: Sub-pixel samples per pixel side when drawing shapes, so edges are anti-aliased rather than stair-stepped.
_SUPERSAMPLE = 4
#: Images drawn at once: bounds the memory of the supersampled masks at size 64.
_CHUNK = 128


def shapes(count: int, *, size: int, seed: int, channels: int = 3) -> tuple[torch.Tensor, torch.Tensor]:
    """``count`` images of one disc, square or triangle each, of random colour, place and scale on a dark ground.

    Returns images ``(count, channels, size, size)`` in ``[-1, 1]`` and their labels (indices into
    :data:`CLASSES`); the same seed gives the same set.
    """
    if channels not in (1, 3):
        raise ValueError(f"channels must be 1 or 3, not {channels}")
    generator = torch.Generator().manual_seed(seed)
    labels = torch.randint(len(CLASSES), (count,), generator=generator)
    # Bright ink on a dark ground keeps every shape visible whatever colour it draws.
    ink = 0.4 + 0.6 * torch.rand(count, channels, generator=generator)
    ground = 0.15 * torch.rand(count, channels, generator=generator)
    radius = size * (0.18 + 0.17 * torch.rand(count, generator=generator))
    # Centres keep the whole shape (which fits in its circumscribed circle) inside the frame.
    centre = radius[:, None] + torch.rand(count, 2, generator=generator) * (size - 2 * radius[:, None])
    images = torch.empty(count, channels, size, size)
    for start in range(0, count, _CHUNK):
        part = slice(start, start + _CHUNK)
        cover = _coverage(labels[part], centre[part], radius[part], size)
        images[part] = ground[part, :, None, None] + cover[:, None] * (ink[part] - ground[part])[:, :, None, None]
    return images * 2 - 1, labels


def _coverage(labels: torch.Tensor, centre: torch.Tensor, radius: torch.Tensor, size: int) -> torch.Tensor:
    """The fraction of each pixel the shape covers, ``(N, size, size)`` in ``[0, 1]``, by supersampling."""
    steps = (torch.arange(size * _SUPERSAMPLE) + 0.5) / _SUPERSAMPLE
    x = steps[None, None, :] - centre[:, 0, None, None]
    y = steps[None, :, None] - centre[:, 1, None, None]
    r = radius[:, None, None]
    disc = x**2 + y**2 <= r**2
    # A square whose corners stay inside the circle of radius r (half side r / sqrt 2 would touch it).
    square = (x.abs() <= 0.7 * r) & (y.abs() <= 0.7 * r)
    # An upright equilateral triangle inscribed in that circle: inside all three edges, each r / 2 from the centre.
    half = math.sqrt(3) / 2
    triangle = (y <= r / 2) & (-half * x - y / 2 <= r / 2) & (half * x - y / 2 <= r / 2)
    inside = torch.stack((disc, square, triangle), dim=1)[torch.arange(len(labels)), labels].float()
    return torch.nn.functional.avg_pool2d(inside[:, None], _SUPERSAMPLE)[:, 0]


def folder(path: Path, *, size: int, channels: int = 3) -> torch.Tensor:
    """Every PNG, JPEG and WebP under ``path`` (sorted, recursive), centre-cropped square and scaled to ``size``.

    Returns ``(N, channels, size, size)`` in ``[-1, 1]``. Raises ClapboardError naming the file that cannot be read,
    or the folder when it holds no pictures.
    """
    path = Path(path)
    if not path.is_dir():
        raise ClapboardError(f"{path}: not a folder of training images")
    files = sorted(file for file in path.rglob("*") if file.suffix.lower() in PICTURES and file.is_file())
    if not files:
        raise ClapboardError(f"{path}: no PNG, JPEG or WebP images in this folder")
    images = []
    for file in files:
        try:
            with Image.open(file) as opened:
                # Phones store portrait frames sideways with an EXIF turn; apply it before cropping.
                picture = ImageOps.exif_transpose(opened)
                picture = ImageOps.fit(picture, (size, size), method=Image.Resampling.LANCZOS)
        except (OSError, ValueError, Image.DecompressionBombError) as error:
            raise ClapboardError(f"{file}: cannot read this image ({error})") from error
        images.append(from_image(picture, channels=channels))
    return torch.stack(images)


def batches(
    images: torch.Tensor, labels: torch.Tensor | None, *, batch: int, generator: torch.Generator
) -> Iterator[tuple[torch.Tensor, torch.Tensor | None]]:
    """Endless shuffled minibatches of ``batch`` images (with their labels), reshuffled each epoch from ``generator``.

    Every batch is full: the few images left over at the end of an epoch wait for the next shuffle, because batch
    norm misjudges its statistics on a runt batch. A set smaller than ``batch`` comes whole each time.
    """
    count = len(images)
    if count == 0:
        raise ValueError("no images to draw batches from")
    batch = min(batch, count)
    while True:
        order = torch.randperm(count, generator=generator, device=generator.device).to(images.device)
        for start in range(0, count - batch + 1, batch):
            chosen = order[start : start + batch]
            yield images[chosen], None if labels is None else labels[chosen.to(labels.device)]
