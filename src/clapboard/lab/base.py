"""What every lab model shares, so one training loop, one checkpoint format and one image backend serve them all.

A lab model is a :class:`torch.nn.Module` that owns its optimizers and knows
its own loss. Images travel as float32 tensors of shape ``(N, C, H, W)`` with
values in ``[-1, 1]``; class labels, for conditional models, as ``int64``
tensors of shape ``(N,)``. Everything needed to rebuild a model from scratch is
in :attr:`LabModel.config`, a flat JSON-able mapping that checkpoints carry.
"""

from __future__ import annotations

import importlib
from typing import Any, ClassVar

import torch
from torch import nn

#: Model kind -> "module:Class" inside this package, imported only when that kind is built.
KINDS: dict[str, str] = {
    "dcgan": "clapboard.lab.dcgan:DCGAN",
    "cgan": "clapboard.lab.dcgan:ConditionalGAN",
    "vae": "clapboard.lab.vae:VAE",
    "aae": "clapboard.lab.aae:AdversarialAutoencoder",
    "ddpm": "clapboard.lab.ddpm:DDPM",
}


class LabModel(nn.Module):
    """A generative model that trains itself one batch at a time and samples new images.

    Subclasses set :attr:`kind`, build their networks in ``__init__`` from keyword
    arguments only (the same ones :attr:`config` returns), and implement
    :meth:`optimizers`, :meth:`train_step` and :meth:`sample`.
    """

    kind: ClassVar[str]
    #: True when :meth:`sample` and :meth:`train_step` need class labels.
    conditional: ClassVar[bool] = False

    def __init__(self, *, size: int = 64, channels: int = 3, classes: int = 0) -> None:
        super().__init__()
        if size < 8 or size & (size - 1):
            raise ValueError(f"image size must be a power of two of at least 8, not {size}")
        self.size = size
        self.channels = channels
        self.classes = classes

    @property
    def config(self) -> dict[str, Any]:
        """Everything :func:`build` needs to make this model again: the kind and the keyword arguments."""
        return {"kind": self.kind, "size": self.size, "channels": self.channels, "classes": self.classes}

    def optimizers(self) -> dict[str, torch.optim.Optimizer]:
        """The model's optimizers by name (made once and kept), so a checkpoint can save and restore their state."""
        raise NotImplementedError

    def train_step(self, images: torch.Tensor, labels: torch.Tensor | None = None) -> dict[str, float]:
        """One optimisation step on a batch; the named losses it measured, as plain floats."""
        raise NotImplementedError

    @torch.no_grad()
    def sample(self, count: int, *, generator: torch.Generator, labels: torch.Tensor | None = None) -> torch.Tensor:
        """``count`` new images in ``[-1, 1]``; the same generator state gives the same images."""
        raise NotImplementedError


def build(config: dict[str, Any]) -> LabModel:
    """A fresh, untrained model from a config such as :attr:`LabModel.config` returns."""
    options = dict(config)
    kind = options.pop("kind", None)
    if kind not in KINDS:
        raise ValueError(f"unknown lab model {kind!r}; known: {', '.join(KINDS)}")
    module, _, name = KINDS[kind].partition(":")
    model: LabModel = getattr(importlib.import_module(module), name)(**options)
    return model
