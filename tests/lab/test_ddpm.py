"""The diffusion model: its noise schedules, DDIM sampling, RePaint inpainting, and that it learns the shapes set."""

from __future__ import annotations

import itertools

import pytest
import torch

from clapboard.lab import checkpoint
from clapboard.lab.base import build
from clapboard.lab.data import batches, shapes
from clapboard.lab.ddpm import DDPM, noise_schedule, repaint_path

#: The dark ground of the shapes set lies in [-1, -0.7]; a flat image of it is a picture the model has seen.
GROUND = torch.tensor([-0.85, -0.8, -0.75])


def untrained(**options: object) -> DDPM:
    """A tiny model whose output layer is not zero, so ε_θ depends on its input as a trained one's does."""
    torch.manual_seed(0)
    model = DDPM(**{"size": 16, "channels": 3, "width": 16, "ema": 0.0, **options})
    torch.nn.init.normal_(model.unet.head[-1].weight, std=0.05)
    return model


@pytest.fixture(scope="module")
def trained(shape_set: tuple[torch.Tensor, torch.Tensor]) -> tuple[DDPM, list[float]]:
    """A model trained for 200 steps on the shapes set from a fixed seed, and the loss of every step."""
    # Module fixtures start before the per-test one-thread fixture does, so this one sets it for itself.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        torch.manual_seed(0)
        model = DDPM(size=16, channels=3, width=16, lr=1e-3)
        stream = batches(shape_set[0], None, batch=16, generator=torch.Generator().manual_seed(1))
        return model, [model.train_step(next(stream)[0])["loss"] for _ in range(200)]
    finally:
        torch.set_num_threads(threads)


@pytest.mark.parametrize("schedule", ["cosine", "linear"])
def test_schedule_runs_from_clean_to_pure_noise(schedule: str) -> None:
    alpha_bar = noise_schedule(schedule, 1000)
    assert alpha_bar.shape == (1000,)
    assert torch.all(alpha_bar[1:] < alpha_bar[:-1])
    assert alpha_bar[0] > 0.999
    assert alpha_bar[-1] < 1e-3


def test_cosine_schedule_keeps_more_signal_halfway_and_clips_beta() -> None:
    cosine, linear = noise_schedule("cosine", 1000), noise_schedule("linear", 1000)
    assert cosine[499] > linear[499] + 0.2
    beta = 1 - cosine[1:] / cosine[:-1]
    assert beta.max() <= 0.999 + 1e-9


def test_unknown_schedule_is_refused() -> None:
    with pytest.raises(ValueError, match="quadratic"):
        DDPM(size=16, width=16, schedule="quadratic")


@pytest.mark.parametrize(("size", "channels"), [(16, 1), (16, 3), (32, 1), (32, 3)])
def test_samples_have_the_model_shape_and_range(size: int, channels: int) -> None:
    model = untrained(size=size, channels=channels)
    drawn = model.sample(3, generator=torch.Generator().manual_seed(0), steps=4)
    assert drawn.shape == (3, channels, size, size)
    assert drawn.dtype == torch.float32
    assert drawn.min() >= -1
    assert drawn.max() <= 1
    assert drawn.std() > 0.1


def test_ddim_with_eta_zero_is_a_function_of_the_seed() -> None:
    model = untrained()
    first = model.sample(2, generator=torch.Generator().manual_seed(7), steps=5)
    again = model.sample(2, generator=torch.Generator().manual_seed(7), steps=5)
    other = model.sample(2, generator=torch.Generator().manual_seed(8), steps=5)
    stochastic = model.sample(2, generator=torch.Generator().manual_seed(7), steps=5, eta=1.0)
    assert torch.equal(first, again)
    assert not torch.allclose(first, other)
    assert not torch.allclose(first, stochastic)


def test_class_labels_steer_a_model_built_with_classes() -> None:
    model = untrained(classes=3)
    images, labels = shapes(8, size=16, seed=3)
    assert model.train_step(images, labels)["loss"] > 0
    discs = model.sample(2, generator=torch.Generator().manual_seed(5), labels=torch.tensor([0, 0]), steps=4)
    squares = model.sample(2, generator=torch.Generator().manual_seed(5), labels=torch.tensor([1, 1]), steps=4)
    assert discs.shape == (2, 3, 16, 16)
    assert not torch.allclose(discs, squares)
    with pytest.raises(ValueError, match="labels must lie"):
        model.sample(1, generator=torch.Generator(), labels=torch.tensor([3]))
    with pytest.raises(ValueError, match="without classes"):
        untrained().sample(1, generator=torch.Generator(), labels=torch.tensor([0]))


@pytest.mark.parametrize(("steps", "jumps", "resample"), [(20, 5, 3), (50, 10, 5), (7, 10, 4), (12, 3, 1)])
def test_repaint_path_walks_down_with_jumps_back_up(steps: int, jumps: int, resample: int) -> None:
    path = repaint_path(steps, jumps, resample)
    assert path[0] == steps
    assert path[-1] == 0
    assert all(abs(b - a) == 1 for a, b in itertools.pairwise(path))
    assert max(path) == steps
    jump_points = len(range(jumps, steps - jumps + 1, jumps))
    assert len(path) == 1 + steps + jump_points * (resample - 1) * 2 * jumps


def test_inpaint_keeps_known_pixels_exactly_and_fills_the_rest() -> None:
    model = untrained()
    images, _ = shapes(3, size=16, seed=1)
    known = torch.ones(3, 1, 16, 16)
    known[:, :, 4:11, 5:13] = 0
    filled = model.inpaint(images, known, generator=torch.Generator().manual_seed(0), steps=6, jumps=2, resample=2)
    hole = known.expand_as(images) == 0
    assert filled.shape == images.shape
    assert torch.equal(filled[~hole], images[~hole])
    assert (filled[hole] - images[hole]).abs().mean() > 0.05
    again = model.inpaint(images, known, generator=torch.Generator().manual_seed(0), steps=6, jumps=2, resample=2)
    assert torch.equal(filled, again)


def test_state_dict_carries_the_weight_average(tmp_path) -> None:
    model = DDPM(size=16, width=16, lr=1e-3)
    images, _ = shapes(16, size=16, seed=2)
    for _ in range(3):
        model.train_step(images)
    state = model.state_dict()
    assert int(state["ema_updates"]) == 3
    assert any(key.startswith("unet_ema.") for key in state)
    assert not torch.equal(state["unet_ema.stem.weight"], state["unet.stem.weight"])

    checkpoint.save(tmp_path / "ddpm.safetensors", model, step=3)
    loaded, step = checkpoint.load(tmp_path / "ddpm.safetensors")
    assert step == 3
    assert loaded.config == model.config
    assert torch.equal(
        loaded.sample(2, generator=torch.Generator().manual_seed(1), steps=4),
        model.sample(2, generator=torch.Generator().manual_seed(1), steps=4),
    )


def test_config_rebuilds_the_same_model() -> None:
    model = DDPM(size=32, channels=1, classes=3, width=16, timesteps=200, schedule="linear", lr=2e-4, ema=0.99)
    twin = build(model.config)
    assert isinstance(twin, DDPM)
    assert twin.config == model.config
    assert twin.state_dict().keys() == model.state_dict().keys()


@pytest.mark.slow
def test_loss_falls_over_training(trained: tuple[DDPM, list[float]]) -> None:
    _, losses = trained
    first, last = sum(losses[:40]) / 40, sum(losses[-40:]) / 40
    assert last < 0.5 * first, (first, last)


@pytest.mark.slow
def test_trained_model_fills_a_flat_square_with_the_surrounding_colour(trained: tuple[DDPM, list[float]]) -> None:
    model, _ = trained
    images = GROUND.view(1, 3, 1, 1).expand(8, 3, 16, 16).clone()
    known = torch.ones(8, 1, 16, 16)
    known[:, :, 4:12, 4:12] = 0
    filled = model.inpaint(images, known, generator=torch.Generator().manual_seed(0))
    # Uniform noise over [-1, 1] is what a model that learnt nothing could as well have drawn: off by about 0.8.
    noise = torch.rand(8, 3, 8, 8, generator=torch.Generator().manual_seed(0)) * 2 - 1
    error = float((filled[:, :, 4:12, 4:12] - GROUND.view(1, 3, 1, 1)).abs().mean())
    # The shapes set puts a shape near the middle of most pictures, so now and then the model draws one in the
    # hole; averaged over eight fills that leaves it at 0.05 to 0.15 after 200 steps (0.85 untrained).
    assert error < 0.5 * float((noise - GROUND.view(1, 3, 1, 1)).abs().mean()), error
