"""The lab image backend draws frames from a checkpoint trained here: exact sizes, the same bytes for a seed."""

from __future__ import annotations

import io
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

from clapboard.backends.lab_image import Lab
from clapboard.engine.capabilities import ImageGenerator
from clapboard.engine.registry import BackendChoice, installed, open_backend
from clapboard.errors import BackendUnavailable, ClapboardError

torch = pytest.importorskip("torch", reason="the lab backend needs the 'lab' extra: pip install 'clapboard[lab]'")


@pytest.fixture(autouse=True)
def one_thread() -> Iterator[None]:
    """One core, as the other lab tests use: the machine is shared and small."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A conditional GAN and a VAE, tiny and trained a few steps on the shapes."""
    from clapboard.lab import base, data
    from clapboard.lab.train import train

    folder = tmp_path_factory.mktemp("lab")
    images, labels = data.shapes(64, size=16, seed=0)
    made = {}
    for kind, extra in (("cgan", {"classes": 3}), ("vae", {})):
        torch.manual_seed(0)
        model = base.build({"kind": kind, "size": 16, "width": 8, **extra})
        made[kind] = train(model, images, labels, steps=3, out=folder / kind, batch=16, every=3, samples=0).checkpoint
    return made


def picture(png: bytes) -> Image.Image:
    assert png.startswith(b"\x89PNG")
    return Image.open(io.BytesIO(png))


@pytest.mark.parametrize("mode", ["frame", "texture"])
def test_frames_have_the_asked_size_and_repeat_for_a_seed(checkpoints: dict[str, Path], mode: str) -> None:
    lab = Lab(checkpoints["cgan"], {"mode": mode})
    assert isinstance(lab, ImageGenerator)
    for width, height in ((320, 180), (90, 160), (7, 5)):
        drawn = lab.draw("a kitchen", seed=4, width=width, height=height)
        assert picture(drawn).size == (width, height) and picture(drawn).mode == "RGB"
    drawn = lab.draw("a kitchen", seed=4, width=320, height=180)
    # The words and brief are not read; a fresh backend on the same file draws the same bytes.
    again = Lab(checkpoints["cgan"], {"mode": mode}).draw("a garden", seed=4, width=320, height=180, brief={})
    assert drawn == again
    assert drawn != lab.draw("a kitchen", seed=5, width=320, height=180)


def test_a_texture_lays_distinct_samples_edge_to_edge(checkpoints: dict[str, Path]) -> None:
    lab = Lab(checkpoints["vae"], {"mode": "texture"})
    pixels = np.asarray(picture(lab.draw("", seed=0, width=64, height=32)))
    tiles = [pixels[:16, x : x + 16] for x in range(0, 64, 16)] + [pixels[16:, x : x + 16] for x in range(0, 64, 16)]
    assert len({tile.tobytes() for tile in tiles}) == 8  # eight samples, each its own
    # A full HD frame would take 80 × 45 tiles of 16 pixels; tiles are drawn larger so at most TILES samples are made.
    assert picture(lab.draw("", seed=0, width=1280, height=720)).size == (1280, 720)


def test_a_frame_is_one_sample_scaled_to_cover_and_cut_centred(checkpoints: dict[str, Path]) -> None:
    from clapboard.lab import checkpoint
    from clapboard.lab.grid import to_image
    from clapboard.lab.train import draw

    model, _ = checkpoint.load(checkpoints["vae"])
    sample = to_image(draw(model, 1, seed=1)[0])
    expected = ImageOps.fit(sample, (160, 90), method=Image.Resampling.LANCZOS)
    assert picture(Lab(checkpoints["vae"]).draw("", seed=1, width=160, height=90)).tobytes() == expected.tobytes()


def test_the_label_picks_the_class(checkpoints: dict[str, Path]) -> None:
    drawn = {
        label: Lab(checkpoints["cgan"], {"label": label}).draw("", seed=3, width=48, height=48) for label in (0, 1)
    }
    assert drawn[0] != drawn[1]
    # Without one, the seed chooses: seed 3 over three classes is class 0.
    assert Lab(checkpoints["cgan"]).draw("", seed=3, width=48, height=48) == drawn[0]
    with pytest.raises(ClapboardError, match="classes 0 to 2"):
        Lab(checkpoints["cgan"], {"label": 7}).draw("", seed=3, width=48, height=48)
    with pytest.raises(ClapboardError, match="draws no classes"):
        Lab(checkpoints["vae"], {"label": 1}).draw("", seed=3, width=48, height=48)
    with pytest.raises(ClapboardError, match="ddpm only"):
        Lab(checkpoints["vae"], {"steps": 10}).draw("", seed=3, width=48, height=48)


def test_settings_are_checked_when_the_backend_is_made(tmp_path: Path, checkpoints: dict[str, Path]) -> None:
    with pytest.raises(ClapboardError, match="unknown option"):
        Lab(checkpoints["vae"], {"colour": "red"})
    with pytest.raises(ClapboardError, match="choose frame or texture"):
        Lab(checkpoints["vae"], {"mode": "mural"})
    with pytest.raises(ClapboardError, match="whole number"):
        Lab(checkpoints["vae"], {"label": "square"})
    with pytest.raises(BackendUnavailable, match="clapboard lab train"):
        Lab(None)
    with pytest.raises(ClapboardError, match="no such checkpoint"):
        Lab(tmp_path / "gone.safetensors").draw("", seed=0, width=8, height=8)
    with pytest.raises(ClapboardError, match="use cpu, cuda or cuda:N"):
        Lab(checkpoints["vae"], {"device": "abacus"}).draw("", seed=0, width=8, height=8)


def test_a_checkpoint_trained_on_in_place_is_loaded_afresh(tmp_path: Path) -> None:
    from clapboard.lab import base, data
    from clapboard.lab.train import train

    images, labels = data.shapes(32, size=16, seed=0)
    torch.manual_seed(0)
    model = base.build({"kind": "vae", "size": 16, "width": 8})
    path = train(model, images, labels, steps=1, out=tmp_path, batch=16, every=1, samples=0).checkpoint
    lab = Lab(path)
    before = lab.draw("", seed=0, width=32, height=32)
    train(model, images, labels, steps=3, out=tmp_path, batch=16, every=1, samples=0)
    after = lab.draw("", seed=0, width=32, height=32)
    assert after != before


def test_it_says_who_it_is_without_loading_anything() -> None:
    assert Lab.name == "lab" and Lab.capabilities == frozenset({"image"})
    assert f"torch-{version('torch')}" in Lab.version
    assert Lab.needs_gpu is False
    assert Lab.available()


@pytest.mark.skipif("lab" not in installed(), reason="the lab entry point is not installed yet")
def test_the_registry_opens_it_from_a_project_choice(checkpoints: dict[str, Path]) -> None:
    choice = BackendChoice("image", "lab", str(checkpoints["vae"]), (("mode", "texture"),))
    drawn = open_backend(choice).draw("", seed=2, width=100, height=60)
    assert drawn == Lab(checkpoints["vae"], {"mode": "texture"}).draw("", seed=2, width=100, height=60)
