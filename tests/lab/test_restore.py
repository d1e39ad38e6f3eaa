"""Restoring full-size frames with small lab models: a damaged patch filled in place, frames drawn in between."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw, ImageFilter

from clapboard.errors import ClapboardError
from clapboard.lab.ddpm import DDPM
from clapboard.lab.restore import inbetween, inpaint_frame
from clapboard.lab.vae import VAE

#: Few RePaint steps: these tests are about what reaches the frame, not how good the fill is.
QUICK = {"steps": 4, "jumps": 2, "resample": 2}


def frame(mode: str = "RGB", size: tuple[int, int] = (320, 180)) -> Image.Image:
    """A 16:9 frame with a sky gradient, a sun and a house, so every pixel has its own value to keep."""
    width, height = size
    ramp = np.linspace(40, 220, width)[None, :] + np.linspace(0, 30, height)[:, None]
    pixels = np.stack([ramp, ramp[::-1] * 0.8, np.full_like(ramp, 90)], axis=2).astype(np.uint8)
    picture = Image.fromarray(pixels)
    draw = ImageDraw.Draw(picture)
    draw.ellipse((40, 20, 90, 70), fill=(250, 220, 60))
    draw.rectangle((180, 90, 280, 170), fill=(120, 60, 50))
    draw.polygon([(170, 90), (230, 45), (290, 90)], fill=(90, 40, 40))
    return picture.convert(mode)


def damage(box: tuple[int, int, int, int], size: tuple[int, int] = (320, 180), *, soft: bool = False) -> Image.Image:
    """A mask, white over ``box``; ``soft`` blurs its edge into greys as a hand-painted mask would have."""
    mask = Image.new("L", size)
    mask.paste(255, box)
    return mask.filter(ImageFilter.GaussianBlur(3)) if soft else mask


def diffusion(channels: int = 3) -> DDPM:
    torch.manual_seed(0)
    return DDPM(size=16, channels=channels, width=16)


@pytest.mark.parametrize(("mode", "channels"), [("RGB", 3), ("L", 1), ("RGB", 1), ("L", 3), ("RGBA", 3)])
def test_inpaint_frame_changes_only_the_damaged_pixels(mode: str, channels: int) -> None:
    original = frame(mode)
    mask = damage((120, 60, 170, 100), soft=True)
    restored = inpaint_frame(diffusion(channels), original, mask, seed=1, **QUICK)
    assert restored.size == original.size
    assert restored.mode == original.mode
    before, after = np.asarray(original), np.asarray(restored)
    kept = np.asarray(mask) < 128
    assert np.array_equal(after[kept], before[kept])
    assert np.any(after[~kept] != before[~kept])


@pytest.mark.parametrize(
    "box",
    [(0, 0, 12, 9), (300, 170, 320, 180), (10, 80, 310, 100), (150, 0, 170, 180)],
    ids=["top-left corner", "bottom-right corner", "a stripe across", "a stripe top to bottom"],
)
def test_inpaint_frame_keeps_the_rest_wherever_the_damage_lies(box: tuple[int, int, int, int]) -> None:
    original = frame()
    restored = inpaint_frame(diffusion(), original, damage(box), seed=2, **QUICK)
    before, after = np.asarray(original).copy(), np.asarray(restored).copy()
    left, top, right, bottom = box
    after[top:bottom, left:right] = before[top:bottom, left:right]
    assert np.array_equal(after, before)


def test_inpaint_frame_is_a_function_of_the_seed() -> None:
    original, mask = frame(), damage((200, 20, 240, 60))
    model = diffusion()
    first = inpaint_frame(model, original, mask, seed=3, **QUICK)
    assert np.array_equal(np.asarray(first), np.asarray(inpaint_frame(model, original, mask, seed=3, **QUICK)))
    assert not np.array_equal(np.asarray(first), np.asarray(inpaint_frame(model, original, mask, seed=4, **QUICK)))


def test_inpaint_frame_refuses_a_mask_of_another_size_or_marking_nothing() -> None:
    model = diffusion()
    with pytest.raises(ClapboardError, match="mask is 160x90 but the frame is 320x180"):
        inpaint_frame(model, frame(), damage((10, 10, 20, 20), (160, 90)), seed=0)
    with pytest.raises(ClapboardError, match="marks nothing"):
        inpaint_frame(model, frame(), Image.new("L", (320, 180)), seed=0)
    with pytest.raises(ClapboardError, match="marks nothing"):
        inpaint_frame(model, frame(), Image.new("L", (320, 180), 100), seed=0)


@pytest.mark.slow
def test_a_model_of_flat_frames_fills_the_damage_with_the_colour_around_it() -> None:
    # Trained on flat squares of every colour, the model knows one thing: a hole takes the colour around it.
    # Whether that colour reaches the right pixels of a full frame is up to inpaint_frame's scaling and pasting.
    generator = torch.Generator().manual_seed(0)
    colours = torch.rand(60 * 16, 3, 1, 1, generator=generator) * 1.6 - 0.8
    torch.manual_seed(0)
    model = DDPM(size=16, channels=3, width=16, lr=2e-3)
    for batch in colours.expand(-1, 3, 16, 16).split(16):
        model.train_step(batch)
    tint = (200, 120, 40)
    restored = inpaint_frame(model, Image.new("RGB", (320, 180), tint), damage((100, 50, 160, 110)), seed=0)
    hole = np.asarray(restored, dtype=np.float64)[50:110, 100:160]
    noise = np.random.default_rng(0).uniform(0, 255, hole.shape)
    # About 81 levels for noise; an untrained model's fill is off by about 90, this one's by 5 to 17.
    assert np.abs(hole - tint).mean() < 0.4 * np.abs(noise - tint).mean()


def test_inbetween_gives_count_frames_of_the_input_size() -> None:
    torch.manual_seed(0)
    model = VAE(size=16, width=16, latent=8)
    first, last = frame(), frame().transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    frames = inbetween(model, first, last, 3)
    assert len(frames) == 3
    assert all(picture.size == (320, 180) and picture.mode == "RGB" for picture in frames)
    assert not np.array_equal(np.asarray(frames[0]), np.asarray(frames[-1]))
    again = inbetween(model, first, last, 3)
    assert all(np.array_equal(np.asarray(a), np.asarray(b)) for a, b in zip(frames, again, strict=True))


def test_inbetween_of_grey_frames_is_grey_and_of_none_is_empty() -> None:
    torch.manual_seed(0)
    model = VAE(size=16, channels=1, width=16, latent=8)
    frames = inbetween(model, frame("L"), frame("L", (320, 180)), 2)
    assert [(picture.size, picture.mode) for picture in frames] == [((320, 180), "L")] * 2
    assert inbetween(model, frame("L"), frame("L"), 0) == []


def test_inbetween_refuses_frames_of_different_sizes() -> None:
    model = VAE(size=16, width=16, latent=8)
    with pytest.raises(ClapboardError, match="first frame is 320x180 but the last is 160x90"):
        inbetween(model, frame(), frame(size=(160, 90)), 2)
