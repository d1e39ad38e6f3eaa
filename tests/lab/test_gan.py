"""DCGAN and the conditional GAN: image shapes and range at every size, label conditioning, and that a GAN learns."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch
import torch.nn.functional as F

from clapboard.lab import base, data
from clapboard.lab.dcgan import DCGAN, ConditionalGAN

#: The ``rehearse`` fixture: trains a model some steps on the shapes set, returns each step's losses.
Rehearsal = Callable[[base.LabModel, int], list[dict[str, float]]]


def tiny(kind: str, *, size: int = 16, channels: int = 3, width: int = 8) -> base.LabModel:
    """A small GAN of ``kind`` with first weights from a fixed seed."""
    torch.manual_seed(0)
    extra = {"classes": 3} if kind == "cgan" else {}
    return base.build({"kind": kind, "size": size, "channels": channels, "width": width, "latent": 16, **extra})


@pytest.mark.parametrize("kind", ["dcgan", "cgan"])
@pytest.mark.parametrize(("size", "channels"), [(16, 1), (16, 3), (32, 1), (32, 3)])
def test_samples_and_training_fit_each_size_and_channel_count(kind: str, size: int, channels: int) -> None:
    model = tiny(kind, size=size, channels=channels)
    labels = torch.tensor([0, 1, 2, 0]) if model.conditional else None
    images, image_labels = data.shapes(4, size=size, seed=0, channels=channels)
    report = model.train_step(images, image_labels if model.conditional else None)
    assert set(report) >= {"discriminator", "generator"}
    assert all(torch.isfinite(torch.tensor(value)) for value in report.values())

    samples = model.sample(4, generator=torch.Generator().manual_seed(5), labels=labels)
    assert samples.shape == (4, channels, size, size)
    assert samples.dtype == torch.float32
    assert samples.min() >= -1
    assert samples.max() <= 1
    again = model.sample(4, generator=torch.Generator().manual_seed(5), labels=labels)
    assert torch.equal(samples, again)


def test_a_sample_does_not_depend_on_its_batch_nor_change_the_model() -> None:
    model = tiny("dcgan")
    model.train_step(data.shapes(8, size=16, seed=0)[0])
    before = {name: tensor.clone() for name, tensor in model.state_dict().items()}
    four = model.sample(4, generator=torch.Generator().manual_seed(1))
    one = model.sample(1, generator=torch.Generator().manual_seed(1))
    assert torch.allclose(four[:1], one, atol=1e-6)
    assert model.training
    assert all(torch.equal(before[name], tensor) for name, tensor in model.state_dict().items())


def test_nets_are_built_from_the_size() -> None:
    for size in (8, 64):
        model = DCGAN(size=size, channels=3, width=4, latent=8)
        assert model.sample(2, generator=torch.Generator().manual_seed(0)).shape == (2, 3, size, size)
    with pytest.raises(ValueError, match="power of two"):
        DCGAN(size=24, width=4)


def test_conditional_samples_depend_on_the_label(rehearse: Rehearsal) -> None:
    model = tiny("cgan")
    rehearse(model, 20)

    def draw(seed: int, labels: list[int]) -> torch.Tensor:
        return model.sample(len(labels), generator=torch.Generator().manual_seed(seed), labels=torch.tensor(labels))

    discs, squares, other_discs = draw(3, [0] * 6), draw(3, [1] * 6), draw(4, [0] * 6)
    # Another label moves the same noise's image by a good part of what other noise does; a label ignored, not at all.
    assert (discs - squares).abs().mean() > 0.1 * (discs - other_discs).abs().mean()
    mixed = draw(3, [0, 1, 0, 1, 0, 1])
    assert torch.allclose(mixed[0::2], discs[0::2], atol=1e-6)
    assert torch.allclose(mixed[1::2], squares[1::2], atol=1e-6)


def test_conditional_discriminator_judges_the_label_too() -> None:
    model = tiny("cgan")
    images, _ = data.shapes(4, size=16, seed=0)
    assert isinstance(model, ConditionalGAN)
    with torch.no_grad():
        as_discs = model.judge(images, torch.zeros(4, dtype=torch.long))
        as_triangles = model.judge(images, torch.full((4,), 2))
    assert not torch.allclose(as_discs, as_triangles)


def test_conditional_gan_wants_labels_and_classes() -> None:
    model = tiny("cgan")
    with pytest.raises(ValueError, match="labels"):
        model.sample(2, generator=torch.Generator().manual_seed(0))
    with pytest.raises(ValueError, match="classes"):
        ConditionalGAN(size=16, classes=0)


def test_config_rebuilds_the_same_model() -> None:
    model = tiny("cgan", width=4)
    assert model.config == {
        "kind": "cgan",
        "size": 16,
        "channels": 3,
        "classes": 3,
        "width": 4,
        "latent": 16,
        "lr": 2e-4,
    }
    assert base.build(model.config).config == model.config


def patch_distance(images: torch.Tensor, real: torch.Tensor) -> float:
    """Sliced Wasserstein distance between the 5x5 patches of two image sets (as Karras et al. use to judge GANs).

    Patches, not whole images: it takes local structure (flat ground, sharp edges of ink) to come close, while the
    right mean colour alone gets only part of the way.
    """
    directions = torch.randn(images.shape[1] * 25, 128, generator=torch.Generator().manual_seed(0))
    directions /= directions.norm(dim=0)

    def projected(batch: torch.Tensor) -> torch.Tensor:
        patches = F.unfold(batch, 5, stride=2).transpose(1, 2).flatten(0, 1)
        return (patches @ directions).T.sort(dim=1).values

    return (projected(images) - projected(real)).abs().mean().item()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["dcgan", "cgan"])
def test_gan_learns_to_draw_like_the_shapes(kind: str, rehearse: Rehearsal) -> None:
    # Neither GAN loss shows learning: D's loss falls while D is winning and rises as G catches up, and G's loss
    # moves the other way, so a GAN that learns can show any trend in either. What does fall, if and only if the
    # generator's images come to look like the data, is a distance between them and real images that the game does
    # not see: here the patch distance to held-out shapes of samples from fixed noise.
    model = tiny(kind, width=16)
    real, _ = data.shapes(128, size=16, seed=9)
    labels = torch.arange(128) % 3 if model.conditional else None

    def distance() -> float:
        return patch_distance(model.sample(128, generator=torch.Generator().manual_seed(4), labels=labels), real)

    distances = [distance()]
    for _ in range(6):
        rehearse(model, 50)
        distances.append(distance())
    average = data.shapes(512, size=16, seed=0)[0].mean(dim=0, keepdim=True).expand(128, -1, -1, -1)
    print(f"{kind} patch distance every 50 steps:", [round(d, 3) for d in distances], "average frame:", end=" ")
    print(round(patch_distance(average, real), 3))
    assert distances[-1] < 0.5 * distances[0]
    # Better than the average frame repeated: more than the mean colour has been learnt.
    assert distances[-1] < patch_distance(average, real)
