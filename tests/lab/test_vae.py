"""The VAE: its loss is the negative ELBO and falls, samples fit every size, and in-betweens walk from first to last."""

from __future__ import annotations

import math
from collections.abc import Callable
from itertools import pairwise
from statistics import fmean

import pytest
import torch

from clapboard.lab import base, data
from clapboard.lab.dcgan import evaluating
from clapboard.lab.vae import VAE, slerp

#: The ``rehearse`` fixture: trains a model some steps on the shapes set, returns each step's losses.
Rehearsal = Callable[[base.LabModel, int], list[dict[str, float]]]


def tiny(*, size: int = 16, channels: int = 3, width: int = 8, **options: float) -> VAE:
    """A small VAE with first weights from a fixed seed."""
    torch.manual_seed(0)
    return VAE(size=size, channels=channels, width=width, latent=16, **options)


@pytest.fixture(scope="module")
def trained(rehearse: Rehearsal) -> tuple[VAE, list[dict[str, float]]]:
    """A VAE trained 300 steps on the shapes set, and what each step reported."""
    model = tiny(width=16)
    return model, rehearse(model, 300)


@pytest.mark.slow
def test_loss_and_reconstruction_fall(trained: tuple[VAE, list[dict[str, float]]]) -> None:
    _, reports = trained
    for key in ("loss", "reconstruction"):
        first, last = fmean(r[key] for r in reports[:30]), fmean(r[key] for r in reports[-30:])
        print(f"{key}: first 30 steps {first:.1f}, last 30 steps {last:.1f}")
        assert last < 0.5 * first
    # The codes carry information about the images, and pay for it in KL.
    assert fmean(r["kl"] for r in reports[-30:]) > 1


@pytest.mark.slow
def test_interpolation_walks_from_the_first_frame_to_the_last(trained: tuple[VAE, list[dict[str, float]]]) -> None:
    model, _ = trained
    images, _ = data.shapes(2, size=16, seed=11)
    first, last = images
    frames = model.interpolate(first, last, 6)
    assert frames.shape == (6, 3, 16, 16)
    assert frames.min() >= -1
    assert frames.max() <= 1
    with torch.no_grad(), evaluating(model):
        ends = model.decode(model.encode(images)[0])
    path = torch.cat((ends[:1], frames, ends[1:]))
    to_last = (path - ends[1]).flatten(1).norm(dim=1).tolist()
    from_first = (path - ends[0]).flatten(1).norm(dim=1).tolist()
    assert all(later < earlier for earlier, later in pairwise(to_last)), to_last
    assert all(later > earlier for earlier, later in pairwise(from_first)), from_first


def test_interpolation_leaves_the_ends_out_and_is_evenly_spaced() -> None:
    model = tiny().eval()
    first, last = data.shapes(2, size=16, seed=11)[0]
    mu = model.encode(torch.stack((first, last)))[0].detach()
    # Three in-betweens sit at 1/4, 1/2 and 3/4 of the way, the single one at 1/2.
    assert torch.allclose(model.interpolate(first, last, 3)[1], model.interpolate(first, last, 1)[0], atol=1e-5)
    assert torch.allclose(model.interpolate(first, last, 1), model.decode(slerp(mu[0], mu[1], torch.tensor([0.5]))))


def test_slerp_keeps_the_codes_length_where_a_straight_line_sags() -> None:
    start, end = torch.tensor([3.0, 0.0]), torch.tensor([0.0, 3.0])
    codes = slerp(start, end, torch.tensor([0.0, 0.5, 1.0]))
    assert torch.allclose(codes[0], start)
    assert torch.allclose(codes[2], end)
    assert torch.allclose(codes[1], torch.tensor([3.0, 3.0]) / math.sqrt(2))
    assert torch.allclose(codes.norm(dim=1), torch.full((3,), 3.0))
    # The same direction: no great circle, a straight line.
    assert torch.allclose(slerp(start, 2 * start, torch.tensor([0.5])), torch.tensor([[4.5, 0.0]]))


@pytest.mark.parametrize(("size", "channels"), [(16, 1), (16, 3), (32, 1), (32, 3)])
def test_encode_decode_sample_and_train_at_each_size(size: int, channels: int) -> None:
    model = tiny(size=size, channels=channels)
    images, _ = data.shapes(4, size=size, seed=0, channels=channels)
    report = model.train_step(images)
    assert set(report) == {"loss", "reconstruction", "kl"}
    mu, logvar = model.encode(images)
    assert mu.shape == logvar.shape == (4, 16)
    assert model.decode(mu).shape == (4, channels, size, size)
    samples = model.sample(5, generator=torch.Generator().manual_seed(2))
    assert samples.shape == (5, channels, size, size)
    assert samples.min() >= -1
    assert samples.max() <= 1
    assert torch.equal(samples, model.sample(5, generator=torch.Generator().manual_seed(2)))


def test_beta_weighs_the_kl_term() -> None:
    images, _ = data.shapes(8, size=16, seed=0)
    for beta in (0.0, 4.0):
        report = tiny(beta=beta).train_step(images)
        assert report["loss"] == pytest.approx(report["reconstruction"] + beta * report["kl"], rel=1e-5)
    assert tiny().beta == 1.0


def test_config_rebuilds_the_same_model() -> None:
    model = tiny(beta=0.5)
    assert model.config == {
        "kind": "vae",
        "size": 16,
        "channels": 3,
        "classes": 0,
        "width": 8,
        "latent": 16,
        "beta": 0.5,
        "noise": 0.1,
        "lr": 1e-3,
    }
    assert base.build(model.config).config == model.config
