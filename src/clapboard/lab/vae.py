r"""Variational autoencoder (Kingma and Welling 2013), with a β weight on the prior term (Higgins et al. 2017).

An encoder gives each image a Gaussian posterior
:math:`q(z \mid x) = \mathcal N(\mu(x), \operatorname{diag} \sigma^2(x))` over
a latent code; a decoder gives the likelihood :math:`p(x \mid z)`. Training
maximises the evidence lower bound

.. math::

    \mathrm{ELBO}(x) = \mathbb E_{q(z \mid x)}[\log p(x \mid z)]
        - \mathrm{KL}\big(q(z \mid x) \,\|\, \mathcal N(0, I)\big),

so the loss per image is :math:`L = R + \beta K` with :math:`\beta = 1` for
the true bound:

* the reconstruction :math:`R = -\log p(x \mid z)` for one draw
  :math:`z = \mu + \sigma \odot \epsilon`, :math:`\epsilon \sim \mathcal N(0, I)`
  (the reparameterisation trick: the randomness sits in :math:`\epsilon`, so
  gradients flow through :math:`\mu` and :math:`\sigma`). The likelihood is a
  Gaussian of fixed spread ``noise`` around the decoded image :math:`\hat x`, so
  :math:`R = \lVert x - \hat x \rVert^2 / (2\,\mathrm{noise}^2)` up to a constant;
* the prior term in closed form,
  :math:`K = \tfrac12 \sum_j (\mu_j^2 + \sigma_j^2 - \log \sigma_j^2 - 1)`.

The encoder predicts :math:`\log \sigma^2` (``logvar``) so the variance stays
positive without a constraint. New images decode draws from the prior.
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn

from clapboard.lab.base import LabModel
from clapboard.lab.dcgan import device_of, downsampler, evaluating, initialise, upsampler


class VAE(LabModel):
    """A convolutional VAE: encode to a Gaussian posterior, decode codes to images, sample from the prior."""

    kind = "vae"

    def __init__(
        self,
        *,
        size: int = 64,
        channels: int = 3,
        classes: int = 0,
        width: int = 64,
        latent: int = 64,
        beta: float = 1.0,
        noise: float = 0.1,
        lr: float = 1e-3,
    ) -> None:
        super().__init__(size=size, channels=channels, classes=classes)
        self.width = width
        self.latent = latent
        self.beta = beta
        self.noise = noise
        self.lr = lr
        body, depth = downsampler(channels, size, width)
        # The 4x4 feature map to μ and log σ² side by side.
        self.encoder = nn.Sequential(body, nn.Flatten(), nn.Linear(depth * 16, 2 * latent))
        self.decoder = upsampler(latent, channels, size, width)
        self.apply(initialise)
        self._optimizers: dict[str, torch.optim.Optimizer] | None = None

    @property
    def config(self) -> dict[str, Any]:
        """The base config plus width, latent size, β, the likelihood's spread and the learning rate."""
        extra = {"width": self.width, "latent": self.latent, "beta": self.beta, "noise": self.noise, "lr": self.lr}
        return {**super().config, **extra}

    def optimizers(self) -> dict[str, torch.optim.Optimizer]:
        """One Adam over encoder and decoder: both climb the same bound."""
        if self._optimizers is None:
            self._optimizers = {"vae": torch.optim.Adam(self.parameters(), lr=self.lr)}
        return self._optimizers

    def encode(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The posterior q(z | x) of each image: its mean μ and log-variance log σ², each ``(N, latent)``."""
        mu, logvar = self.encoder(images.to(device_of(self))).chunk(2, dim=1)
        return mu, logvar

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """The decoded image x̂ (the likelihood's mean) for each ``(N, latent)`` code, in ``[-1, 1]``."""
        return self.decoder(z.to(device_of(self))[:, :, None, None])

    def train_step(self, images: torch.Tensor, labels: torch.Tensor | None = None) -> dict[str, float]:
        """One step down L = R + βK, averaged over the batch; reports L, R and K per image."""
        (optimizer,) = self.optimizers().values()
        x = images.to(device_of(self))
        mu, logvar = self.encode(x)
        epsilon = torch.randn_like(mu)
        z = mu + torch.exp(0.5 * logvar) * epsilon
        x_hat = self.decode(z)
        reconstruction = (x - x_hat).pow(2).flatten(1).sum(1).mean() / (2 * self.noise**2)
        kl = 0.5 * (mu.pow(2) + logvar.exp() - logvar - 1).sum(1).mean()
        loss = reconstruction + self.beta * kl
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return {"loss": loss.item(), "reconstruction": reconstruction.item(), "kl": kl.item()}

    @torch.no_grad()
    def sample(self, count: int, *, generator: torch.Generator, labels: torch.Tensor | None = None) -> torch.Tensor:
        """``count`` images decoded from prior draws z ~ N(0, I) taken from ``generator``."""
        z = torch.randn(count, self.latent, generator=generator, device=generator.device)
        with evaluating(self):
            return self.decode(z)

    @torch.no_grad()
    def interpolate(self, first: torch.Tensor, last: torch.Tensor, count: int) -> torch.Tensor:
        """``count`` in-between frames from ``first`` to ``last`` (each ``(C, H, W)``), the two ends left out.

        The path runs between the posterior means along a great circle, with the length of the code going
        linearly from one end's to the other's. In a latent space of many dimensions the codes of two different
        images point in nearly orthogonal directions, and a straight line between them dips to about 1/√2 of their
        length midway, towards the centre where the decoder draws a washed-out average; the spherical path keeps
        the in-betweens as typical as the ends.
        """
        with evaluating(self):
            shape = (self.channels, self.size, self.size)
            ends = torch.stack((first.reshape(shape), last.reshape(shape))).to(device_of(self))
            mu, _ = self.encode(ends)
            t = torch.arange(1, count + 1, device=mu.device, dtype=mu.dtype) / (count + 1)
            return self.decode(slerp(mu[0], mu[1], t))


def slerp(start: torch.Tensor, end: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Codes at fractions ``t`` of the way from ``start`` to ``end``: direction by great circle, length linearly.

    Falls back to a straight line when the two directions (nearly) coincide or oppose, where no one great circle
    joins them.
    """
    length = torch.lerp(start.norm(), end.norm(), t)[:, None]
    a, b = start / start.norm().clamp_min(1e-12), end / end.norm().clamp_min(1e-12)
    omega = torch.arccos((a * b).sum().clamp(-1, 1))
    if omega < 1e-4 or omega > math.pi - 1e-4:
        return torch.lerp(start, end, t[:, None])
    direction = (torch.sin((1 - t) * omega)[:, None] * a + torch.sin(t * omega)[:, None] * b) / torch.sin(omega)
    return length * direction
