r"""Deep convolutional GAN (Radford, Metz and Chintala 2015) and its class-conditional form (Mirza and Osindero 2014).

A generator :math:`G` turns noise :math:`z \sim \mathcal N(0, I)` into an
image; a discriminator :math:`D` gives the probability that an image is real.
They play the minimax game

.. math::

    \min_G \max_D \; V(D, G) = \mathbb E_{x}[\log D(x)] + \mathbb E_{z}[\log(1 - D(G(z)))].

The discriminator ascends :math:`V`, i.e. minimises the cross-entropy

.. math::

    L_D = -\mathbb E_x[\log D(x)] - \mathbb E_z[\log(1 - D(G(z)))].

Early on :math:`D` rejects the generator's images with confidence, where
:math:`\log(1 - D(G(z)))` is flat and gives :math:`G` almost no gradient, so
the generator uses the non-saturating loss instead (same fixed point, strong
gradients when it is losing):

.. math::

    L_G = -\mathbb E_z[\log D(G(z))].

:math:`D` outputs a logit :math:`\ell` with :math:`D = \sigma(\ell)`, and both
losses are binary cross-entropy with logits (target 1 for real, 0 for fake),
which computes :math:`\log \sigma(\ell)` without overflow. The recipe is
DCGAN's: strided (transposed) convolutions instead of pooling, batch norm in
both nets except the generator's output and the discriminator's input, ReLU in
the generator with a tanh output, LeakyReLU(0.2) in the discriminator, weights
drawn from :math:`\mathcal N(0, 0.02^2)`, and Adam with learning rate
:math:`2 \cdot 10^{-4}` and :math:`\beta_1 = 0.5`.

The conditional GAN gives both nets the class label :math:`y` as a one-hot
vector: appended to :math:`z` in the generator, and as constant image planes
appended to the discriminator's input, so :math:`D(x \mid y)` judges whether
:math:`x` is a real image *of class y* and :math:`G(z \mid y)` must draw one.

The convolution stacks here (:func:`upsampler`, :func:`downsampler`) are
reused by the VAE and the adversarial autoencoder.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from clapboard.lab.base import LabModel


def upsampler(inputs: int, channels: int, size: int, width: int) -> nn.Sequential:
    """A DCGAN generator body: ``(N, inputs, 1, 1)`` codes to ``(N, channels, size, size)`` images in ``[-1, 1]``.

    A 4x4 seed map of ``width * size / 8`` features doubles in size and halves in depth at each transposed
    convolution until the last layer draws ``channels`` planes at ``size``.
    """
    stages = size.bit_length() - 3  # doublings from 4x4 to size
    depth = width * 2 ** (stages - 1)
    layers: list[nn.Module] = [nn.ConvTranspose2d(inputs, depth, 4, 1, 0, bias=False), nn.BatchNorm2d(depth), nn.ReLU()]
    for _ in range(stages - 1):
        layers += [nn.ConvTranspose2d(depth, depth // 2, 4, 2, 1, bias=False), nn.BatchNorm2d(depth // 2), nn.ReLU()]
        depth //= 2
    layers += [nn.ConvTranspose2d(depth, channels, 4, 2, 1), nn.Tanh()]
    return nn.Sequential(*layers)


def downsampler(channels: int, size: int, width: int) -> tuple[nn.Sequential, int]:
    """A DCGAN discriminator body: ``(N, channels, size, size)`` images to a 4x4 feature map; with its depth.

    Each strided convolution halves the size and doubles the depth; the first has no batch norm, as in DCGAN,
    so the net sees the raw statistics of its input.
    """
    stages = size.bit_length() - 3
    layers: list[nn.Module] = [nn.Conv2d(channels, width, 4, 2, 1), nn.LeakyReLU(0.2)]
    depth = width
    for _ in range(stages - 1):
        layers += [nn.Conv2d(depth, depth * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(depth * 2), nn.LeakyReLU(0.2)]
        depth *= 2
    return nn.Sequential(*layers), depth


def initialise(module: nn.Module) -> None:
    """DCGAN's initialisation, for ``net.apply``: weights from N(0, 0.02²), batch norm scales from N(1, 0.02²)."""
    if isinstance(module, nn.Conv2d | nn.ConvTranspose2d | nn.Linear):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.BatchNorm2d | nn.BatchNorm1d):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


def device_of(model: nn.Module) -> torch.device:
    """Where the model's parameters live, so new tensors can be made there."""
    return next(model.parameters()).device


@contextmanager
def evaluating(model: nn.Module) -> Iterator[None]:
    """Within the block batch norm uses its running statistics and leaves them be, then the model's mode returns.

    Sampling this way makes an image independent of the others in its batch, and sampling changes nothing a
    checkpoint holds.
    """
    was_training = model.training
    model.eval()
    try:
        yield
    finally:
        model.train(was_training)


class DCGAN(LabModel):
    """An unconditional DCGAN: noise in, image out, trained with the non-saturating generator loss."""

    kind = "dcgan"

    def __init__(
        self,
        *,
        size: int = 64,
        channels: int = 3,
        classes: int = 0,
        width: int = 64,
        latent: int = 100,
        lr: float = 2e-4,
    ) -> None:
        super().__init__(size=size, channels=channels, classes=classes)
        self.width = width
        self.latent = latent
        self.lr = lr
        condition = classes if self.conditional else 0
        self.generator = upsampler(latent + condition, channels, size, width)
        body, depth = downsampler(channels + condition, size, width)
        # The 4x4 feature map to one logit, by a convolution covering all of it.
        self.discriminator = nn.Sequential(body, nn.Conv2d(depth, 1, 4, 1, 0), nn.Flatten(0))
        self.apply(initialise)
        self._optimizers: dict[str, torch.optim.Optimizer] | None = None

    @property
    def config(self) -> dict[str, Any]:
        """The base config plus the width of the nets, the noise size and the learning rate."""
        return {**super().config, "width": self.width, "latent": self.latent, "lr": self.lr}

    def optimizers(self) -> dict[str, torch.optim.Optimizer]:
        """Adam for each net, with DCGAN's learning rate and β₁ = 0.5 (the default 0.9 makes the game oscillate)."""
        if self._optimizers is None:
            self._optimizers = {
                name: torch.optim.Adam(getattr(self, name).parameters(), lr=self.lr, betas=(0.5, 0.999))
                for name in ("generator", "discriminator")
            }
        return self._optimizers

    def generate(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """G(z): images from ``(N, latent)`` noise."""
        return self.generator(z[:, :, None, None])

    def judge(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """D's logit ℓ(x) per image, ``(N,)``; D(x) = σ(ℓ)."""
        return self.discriminator(x)

    def train_step(self, images: torch.Tensor, labels: torch.Tensor | None = None) -> dict[str, float]:
        """One discriminator step then one generator step on the same fakes; reports L_D, L_G and D's mean verdicts."""
        optimizers = self.optimizers()
        device = device_of(self)
        x = images.to(device)
        y = None if labels is None else labels.to(device)
        z = torch.randn(len(x), self.latent, device=device)
        fake = self.generate(z, y)

        # L_D = -E[log D(x)] - E[log(1 - D(G(z)))]; the fakes are detached so this step leaves G alone.
        real_logit = self.judge(x, y)
        fake_logit = self.judge(fake.detach(), y)
        loss_d = F.binary_cross_entropy_with_logits(
            real_logit, torch.ones_like(real_logit)
        ) + F.binary_cross_entropy_with_logits(fake_logit, torch.zeros_like(fake_logit))
        optimizers["discriminator"].zero_grad(set_to_none=True)
        loss_d.backward()
        optimizers["discriminator"].step()

        # L_G = -E[log D(G(z))], judged by the discriminator just updated.
        fooled_logit = self.judge(fake, y)
        loss_g = F.binary_cross_entropy_with_logits(fooled_logit, torch.ones_like(fooled_logit))
        optimizers["generator"].zero_grad(set_to_none=True)
        loss_g.backward()
        optimizers["generator"].step()
        return {
            "discriminator": loss_d.item(),
            "generator": loss_g.item(),
            "real": torch.sigmoid(real_logit).mean().item(),
            "fake": torch.sigmoid(fake_logit).mean().item(),
        }

    @torch.no_grad()
    def sample(self, count: int, *, generator: torch.Generator, labels: torch.Tensor | None = None) -> torch.Tensor:
        """``count`` images G(z) for noise drawn from ``generator`` (on its own device, so any device agrees)."""
        z = torch.randn(count, self.latent, generator=generator, device=generator.device).to(device_of(self))
        y = None if labels is None else labels.to(device_of(self))
        if y is not None and len(y) != count:
            raise ValueError(f"{count} samples need {count} labels, not {len(y)}")
        with evaluating(self):
            return self.generate(z, y)


class ConditionalGAN(DCGAN):
    """A DCGAN that draws the class it is asked for: labels go to both nets as one-hot vectors."""

    kind = "cgan"
    conditional = True

    def __init__(
        self,
        *,
        size: int = 64,
        channels: int = 3,
        classes: int = 3,
        width: int = 64,
        latent: int = 100,
        lr: float = 2e-4,
    ) -> None:
        if classes < 2:
            raise ValueError(f"a conditional GAN needs at least two classes, not {classes}")
        super().__init__(size=size, channels=channels, classes=classes, width=width, latent=latent, lr=lr)

    def _one_hot(self, labels: torch.Tensor | None) -> torch.Tensor:
        """The labels as float one-hot rows ``(N, classes)``; a conditional model cannot do without them."""
        if labels is None:
            raise ValueError("a conditional GAN needs class labels")
        return F.one_hot(labels, self.classes).float()

    def generate(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """G(z | y): the noise with the one-hot label appended."""
        return super().generate(torch.cat((z, self._one_hot(labels)), dim=1))

    def judge(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """D's logit ℓ(x | y): the label as constant planes alongside the image's channels."""
        planes = self._one_hot(labels)[:, :, None, None].expand(-1, -1, *x.shape[2:])
        return super().judge(torch.cat((x, planes), dim=1))
