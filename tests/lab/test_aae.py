"""The adversarial autoencoder: reconstruction falls, the codes take the prior's shape, samples fit every size."""

from __future__ import annotations

from collections.abc import Callable
from statistics import fmean

import pytest
import torch

from clapboard.lab import base, data
from clapboard.lab.aae import AdversarialAutoencoder
from clapboard.lab.dcgan import evaluating

#: The ``rehearse`` fixture: trains a model some steps on the shapes set, returns each step's losses.
Rehearsal = Callable[[base.LabModel, int], list[dict[str, float]]]


def tiny(*, size: int = 16, channels: int = 3, width: int = 8) -> AdversarialAutoencoder:
    """A small adversarial autoencoder with first weights from a fixed seed."""
    torch.manual_seed(0)
    return AdversarialAutoencoder(size=size, channels=channels, width=width, latent=8, hidden=64)


def code_moments(model: AdversarialAutoencoder, images: torch.Tensor) -> tuple[float, float]:
    """How far the codes of ``images`` are from the prior's moments: mean |mean| and mean |std - 1| per dimension."""
    with torch.no_grad(), evaluating(model):
        z = model.encode(images)
    return z.mean(dim=0).abs().mean().item(), (z.std(dim=0) - 1).abs().mean().item()


@pytest.mark.slow
def test_reconstruction_falls_and_codes_take_the_shape_of_the_prior(rehearse: Rehearsal) -> None:
    model = tiny(width=16)
    held, _ = data.shapes(256, size=16, seed=9)
    _, spread_before = code_moments(model, held)
    reports = rehearse(model, 300)
    first, last = fmean(r["reconstruction"] for r in reports[:30]), fmean(r["reconstruction"] for r in reports[-30:])
    centre_after, spread_after = code_moments(model, held)
    print(
        f"reconstruction: first 30 steps {first:.4f}, last 30 {last:.4f}; code |std - 1|: {spread_before:.3f} -> "
        f"{spread_after:.3f}, code |mean| after {centre_after:.3f}"
    )
    assert last < 0.3 * first
    # Codes of images never trained on spread as the prior does, which is what lets prior draws decode to images.
    assert spread_after < 0.5 * spread_before
    assert centre_after < 0.5
    for key in ("discriminator", "generator"):
        assert all(0 < r[key] < 10 for r in reports)


@pytest.mark.parametrize(("size", "channels"), [(16, 1), (16, 3), (32, 1), (32, 3)])
def test_encode_decode_sample_and_train_at_each_size(size: int, channels: int) -> None:
    model = tiny(size=size, channels=channels)
    images, _ = data.shapes(4, size=size, seed=0, channels=channels)
    report = model.train_step(images)
    assert set(report) == {"reconstruction", "discriminator", "generator"}
    assert model.encode(images).shape == (4, 8)
    samples = model.sample(5, generator=torch.Generator().manual_seed(2))
    assert samples.shape == (5, channels, size, size)
    assert samples.min() >= -1
    assert samples.max() <= 1
    assert torch.equal(samples, model.sample(5, generator=torch.Generator().manual_seed(2)))


def test_each_phase_trains_only_its_own_nets() -> None:
    model = tiny()
    optimizers = model.optimizers()
    owned = {name: {id(p) for group in opt.param_groups for p in group["params"]} for name, opt in optimizers.items()}
    encoder, decoder = {id(p) for p in model.encoder.parameters()}, {id(p) for p in model.decoder.parameters()}
    assert owned["autoencoder"] == encoder | decoder
    assert owned["generator"] == encoder
    assert owned["discriminator"] == {id(p) for p in model.discriminator.parameters()}


def test_config_rebuilds_the_same_model() -> None:
    model = tiny()
    assert model.config == {
        "kind": "aae",
        "size": 16,
        "channels": 3,
        "classes": 0,
        "width": 8,
        "latent": 8,
        "hidden": 64,
        "lr": 1e-3,
        "adversarial_lr": 2e-4,
    }
    assert base.build(model.config).config == model.config
