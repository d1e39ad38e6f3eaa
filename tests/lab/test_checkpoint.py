"""Checkpoints: a model comes back bit for bit, trains on to the same numbers, and bad files are named."""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import torch
from safetensors import safe_open
from safetensors.torch import save_file

from clapboard.errors import ClapboardError
from clapboard.lab import base, checkpoint, data

#: Tiny configs of every kind; ddpm once its module exists.
CONFIGS = {
    "dcgan": {"width": 8, "latent": 16},
    "cgan": {"width": 8, "latent": 16, "classes": 3},
    "vae": {"width": 8, "latent": 16},
    "aae": {"width": 8, "latent": 8, "hidden": 32},
    "ddpm": {"width": 16, "timesteps": 100},
}
KINDS = [
    pytest.param(
        kind,
        marks=pytest.mark.skipif(
            kind == "ddpm" and importlib.util.find_spec("clapboard.lab.ddpm") is None, reason="no ddpm module yet"
        ),
    )
    for kind in CONFIGS
]


def tiny(kind: str) -> base.LabModel:
    """A small model of ``kind`` with first weights from a fixed seed."""
    torch.manual_seed(0)
    return base.build({"kind": kind, "size": 16, "channels": 3, **CONFIGS[kind]})


def train(model: base.LabModel, steps: int, *, seed: int) -> list[dict[str, float]]:
    """``steps`` steps on shapes batches, with the model's noise drawn from torch seeded with ``seed``."""
    images, labels = data.shapes(16 * steps, size=16, seed=seed)
    torch.manual_seed(seed)
    return [
        model.train_step(images[i : i + 16], labels[i : i + 16] if model.conditional else None)
        for i in range(0, 16 * steps, 16)
    ]


def draw(model: base.LabModel) -> torch.Tensor:
    """Four samples from a fixed generator seed (labelled for conditional models; few steps for diffusion)."""
    options: dict[str, object] = {"steps": 4} if model.kind == "ddpm" else {}
    labels = torch.tensor([0, 1, 2, 0]) if model.conditional else None
    return model.sample(4, generator=torch.Generator().manual_seed(7), labels=labels, **options)


def snapshot(model: base.LabModel) -> dict[str, torch.Tensor]:
    """A copy of the model's state, to compare with later."""
    return {name: tensor.clone() for name, tensor in model.state_dict().items()}


def same_state(first: dict[str, torch.Tensor], second: dict[str, torch.Tensor]) -> bool:
    """The same names, and tensors equal to the bit (dtype and shape included)."""
    return first.keys() == second.keys() and all(
        first[name].dtype == second[name].dtype and torch.equal(first[name], second[name]) for name in first
    )


@pytest.mark.parametrize("kind", KINDS)
def test_a_reloaded_model_is_the_same_and_trains_on_to_the_same_numbers(kind: str, tmp_path: Path) -> None:
    model = tiny(kind)
    train(model, 3, seed=1)
    path = tmp_path / "run" / f"{kind}.safetensors"
    checkpoint.save(path, model, step=3)
    saved_state, saved_sample = snapshot(model), draw(model)
    on_without_saving = train(model, 3, seed=2)
    state_without_saving = snapshot(model)

    loaded, step = checkpoint.load(path)

    assert step == 3
    assert type(loaded) is type(model)
    assert loaded.config == model.config
    assert same_state(snapshot(loaded), saved_state)
    assert torch.equal(draw(loaded), saved_sample)
    # Adam's moments and step counts came back too, or the next steps would differ.
    assert train(loaded, 3, seed=2) == on_without_saving
    assert same_state(snapshot(loaded), state_without_saving)


def test_the_file_holds_weights_optimizer_state_config_and_step(tmp_path: Path) -> None:
    model = tiny("aae")
    train(model, 1, seed=1)
    path = tmp_path / "aae.safetensors"
    checkpoint.save(path, model, step=12)
    with safe_open(str(path), framework="pt") as stored:
        names = set(stored.keys())
        metadata = stored.metadata()
    assert {f"model.{name}" for name in model.state_dict()} <= names
    assert {name.split(".")[1] for name in names if name.startswith("optim.")} == {
        "autoencoder",
        "discriminator",
        "generator",
    }
    assert json.loads(metadata["config"]) == model.config
    assert metadata["step"] == "12"
    assert json.loads(metadata["optimizers"])["discriminator"]["param_groups"][0]["betas"] == [0.5, 0.999]
    assert sorted(path.parent.iterdir()) == [path]  # no temporary file left behind


def test_saving_again_replaces_the_checkpoint(tmp_path: Path) -> None:
    model = tiny("dcgan")
    path = tmp_path / "dcgan.safetensors"
    checkpoint.save(path, model, step=0)
    train(model, 1, seed=1)
    checkpoint.save(path, model, step=1)
    loaded, step = checkpoint.load(path)
    assert step == 1
    assert same_state(snapshot(loaded), snapshot(model))
    assert sorted(path.parent.iterdir()) == [path]


def test_a_missing_checkpoint_is_named(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.safetensors"
    with pytest.raises(ClapboardError, match=re.escape(str(path))):
        checkpoint.load(path)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda stored: b"this was never a checkpoint", id="garbage"),
        pytest.param(lambda stored: stored[: len(stored) // 2], id="truncated"),
        pytest.param(lambda stored: (1 << 40).to_bytes(8, "little") + stored[8:], id="header-length"),
        pytest.param(lambda stored: stored[:-5] + bytes([stored[-5] ^ 1]) + stored[-4:], id="flipped-bit"),
    ],
)
def test_a_damaged_checkpoint_is_named(tmp_path: Path, damage: Callable[[bytes], bytes]) -> None:
    path = tmp_path / "vae.safetensors"
    checkpoint.save(path, tiny("vae"), step=0)
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(ClapboardError, match=re.escape(str(path)) + ".*damaged"):
        checkpoint.load(path)


def test_a_foreign_safetensors_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "weights.safetensors"
    save_file({"weight": torch.zeros(2, 2)}, str(path), metadata={"format": "pt"})
    with pytest.raises(ClapboardError, match=re.escape(str(path)) + ".*not a Clapboard lab checkpoint"):
        checkpoint.load(path)


def test_a_checkpoint_of_an_unknown_kind_is_named(tmp_path: Path) -> None:
    path = tmp_path / "odd.safetensors"
    config = json.dumps({"kind": "flux", "size": 16})
    save_file({}, str(path), metadata={"config": config, "step": "0", "optimizers": "{}"})
    with pytest.raises(ClapboardError, match=re.escape(str(path)) + ".*flux"):
        checkpoint.load(path)
