"""Training data for the lab: the shapes set, folders of frames, shuffled batches, and tensors to pictures and back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import torch
from PIL import Image

from clapboard.errors import ClapboardError
from clapboard.lab import data, grid


@pytest.mark.parametrize(("size", "channels"), [(16, 1), (16, 3), (32, 1), (32, 3)])
def test_shapes_are_images_in_range_with_every_class(size: int, channels: int) -> None:
    images, labels = data.shapes(90, size=size, seed=3, channels=channels)
    assert images.shape == (90, channels, size, size)
    assert images.dtype == torch.float32
    assert labels.dtype == torch.int64
    assert images.min() >= -1
    assert images.max() <= 1
    assert set(labels.tolist()) == {0, 1, 2}


def test_shapes_repeat_for_a_seed_and_differ_between_seeds() -> None:
    first, first_labels = data.shapes(20, size=16, seed=7)
    again, again_labels = data.shapes(20, size=16, seed=7)
    other, _ = data.shapes(20, size=16, seed=8)
    assert torch.equal(first, again)
    assert torch.equal(first_labels, again_labels)
    assert not torch.equal(first, other)


def test_shapes_are_bright_ink_on_a_dark_ground() -> None:
    images, _ = data.shapes(200, size=32, seed=0)
    # The corners of the frame are ground for every shape: the scale keeps each shape inside its circle.
    corners = images[:, :, [0, 0, -1, -1], [0, -1, 0, -1]]
    assert corners.max() <= -0.69
    brightest = images.amax(dim=(1, 2, 3))
    assert brightest.min() >= -0.2


def test_shapes_are_the_shape_their_label_names() -> None:
    images, labels = data.shapes(300, size=32, seed=1)
    # How much of its bounding box a shape fills: a square all of it, a disc π/4, a triangle half.
    value = images.amax(dim=1)
    threshold = (value.amin(dim=(1, 2)) + value.amax(dim=(1, 2)))[:, None, None] / 2
    ink = value > threshold
    rows, columns = ink.any(dim=2), ink.any(dim=1)
    fill = ink.sum(dim=(1, 2)) / (rows.sum(dim=1) * columns.sum(dim=1))
    means = {data.CLASSES[label]: fill[labels == label].mean().item() for label in range(3)}
    assert means["square"] > 0.9
    assert 0.7 < means["disc"] < 0.85
    assert 0.4 < means["triangle"] < 0.6


def test_shapes_refuses_other_channel_counts() -> None:
    with pytest.raises(ValueError, match="channels"):
        data.shapes(4, size=16, seed=0, channels=2)


def _save(path: Path, image: Image.Image) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
    return path


def test_folder_reads_every_picture_sorted_recursively_cropped_to_the_centre(tmp_path: Path) -> None:
    # A wide frame whose middle square is white between black wings: a centre crop sees only white.
    wide = Image.new("RGB", (60, 20), "black")
    wide.paste((255, 255, 255), (20, 0, 40, 20))
    _save(tmp_path / "b" / "wide.png", wide)
    _save(tmp_path / "a.jpg", Image.new("RGB", (30, 30), (230, 0, 0)))
    _save(tmp_path / "b" / "c" / "d.webp", Image.new("RGB", (24, 24), (0, 0, 255)))
    (tmp_path / "notes.txt").write_text("not a picture", encoding="utf-8")

    images = data.folder(tmp_path, size=16)

    assert images.shape == (3, 3, 16, 16)
    assert images.dtype == torch.float32
    red, blue, white = images  # sorted by path: a.jpg < b/c/d.webp < b/wide.png
    assert red[0].mean() > 0.5
    assert red[2].mean() < -0.9
    assert blue[2].mean() > 0.9
    assert blue[0].mean() < -0.9
    assert white.min() > 0.9


def test_folder_gives_grey_images_for_one_channel(tmp_path: Path) -> None:
    _save(tmp_path / "grey.png", Image.new("RGB", (40, 40), (255, 255, 255)))
    images = data.folder(tmp_path, size=8, channels=1)
    assert images.shape == (1, 1, 8, 8)
    assert torch.allclose(images, torch.ones_like(images))


def test_folder_names_a_file_it_cannot_read(tmp_path: Path) -> None:
    _save(tmp_path / "good.png", Image.new("RGB", (16, 16)))
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 this is no JPEG")
    with pytest.raises(ClapboardError, match=r"broken\.jpg"):
        data.folder(tmp_path, size=16)


def test_folder_names_a_folder_without_pictures(tmp_path: Path) -> None:
    (tmp_path / "readme.txt").write_text("frames go here", encoding="utf-8")
    with pytest.raises(ClapboardError, match=re.escape(str(tmp_path))):
        data.folder(tmp_path, size=16)
    with pytest.raises(ClapboardError, match="missing"):
        data.folder(tmp_path / "missing", size=16)


def test_batches_are_full_shuffled_each_epoch_and_keep_labels_with_images() -> None:
    images = torch.arange(10, dtype=torch.float32).view(10, 1, 1, 1)
    labels = torch.arange(10) * 100
    stream = data.batches(images, labels, batch=4, generator=torch.Generator().manual_seed(0))
    drawn = [next(stream) for _ in range(6)]  # two full batches an epoch: three epochs
    for batch, batch_labels in drawn:
        assert batch.shape == (4, 1, 1, 1)
        assert torch.equal(batch.flatten().long() * 100, batch_labels)
    epochs = [torch.cat([drawn[2 * epoch][0], drawn[2 * epoch + 1][0]]).flatten().tolist() for epoch in range(3)]
    for epoch in epochs:
        assert len(set(epoch)) == 8
    assert len({tuple(epoch) for epoch in epochs}) == 3


def test_batches_repeat_for_a_generator_seed_and_pass_no_labels_through() -> None:
    images = torch.randn(12, 3, 4, 4)
    first = data.batches(images, None, batch=5, generator=torch.Generator().manual_seed(3))
    again = data.batches(images, None, batch=5, generator=torch.Generator().manual_seed(3))
    for _ in range(5):
        (a, a_labels), (b, _) = next(first), next(again)
        assert torch.equal(a, b)
        assert a_labels is None


def test_a_set_smaller_than_a_batch_comes_whole() -> None:
    images = torch.randn(3, 1, 4, 4)
    batch, _ = next(data.batches(images, None, batch=8, generator=torch.Generator().manual_seed(0)))
    assert batch.shape[0] == 3


@pytest.mark.parametrize(("channels", "mode"), [(1, "L"), (3, "RGB")])
def test_images_go_to_pictures_and_back_without_loss(channels: int, mode: str) -> None:
    levels = torch.randint(0, 256, (channels, 5, 7), generator=torch.Generator().manual_seed(0))
    image = levels.float() / 127.5 - 1
    picture = grid.to_image(image)
    assert picture.mode == mode
    assert picture.size == (7, 5)
    assert torch.allclose(grid.from_image(picture, channels=channels), image, atol=1e-6)


def test_to_image_clamps_out_of_range_values() -> None:
    picture = grid.to_image(torch.tensor([[[-3.0, 0.0, 3.0]]]))
    assert list(picture.getdata()) == [0, 128, 255]


def test_grid_lays_images_out_in_near_square_rows_with_gaps() -> None:
    images = torch.full((5, 3, 8, 8), -1.0)
    images[4] = 1.0  # the fifth, second row second column, white
    sheet = grid.grid(images, gap=2)
    assert sheet.size == (3 * 10 + 2, 2 * 10 + 2)
    assert sheet.getpixel((12, 12)) == (255, 255, 255)
    assert sheet.getpixel((19, 19)) == (255, 255, 255)
    assert sheet.getpixel((11, 12)) == (0, 0, 0)
    assert grid.grid(images, columns=5, gap=0).size == (40, 8)
