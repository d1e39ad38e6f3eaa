r"""Adversarial autoencoder (Makhzani et al. 2015): an autoencoder whose codes a GAN pushes towards a prior.

A deterministic encoder :math:`q(x)` gives each image a code :math:`z`, a
decoder :math:`p(z)` draws it back. Each training step has two phases:

1. Reconstruction: encoder and decoder minimise the mean squared error

   .. math:: R = \mathbb E_x \big[\tfrac1d \lVert x - p(q(x)) \rVert^2\big].

2. Regularisation, a GAN on the codes: a discriminator :math:`D` on
   :math:`z` learns to tell draws :math:`z' \sim \mathcal N(0, I)` from the
   prior from encoded codes,

   .. math:: L_D = -\mathbb E_{z'}[\log D(z')] - \mathbb E_x[\log(1 - D(q(x)))],

   and then the encoder, as the generator, learns to fool it with the
   non-saturating loss

   .. math:: L_G = -\mathbb E_x[\log D(q(x))].

When the game settles the aggregate posterior (the distribution of all codes)
matches the prior, so decoding prior draws gives images like the data: that is
how :meth:`AdversarialAutoencoder.sample` works. Unlike the VAE's KL term,
which pulls each code towards the origin, the adversary shapes only the
codes' overall distribution. :math:`D` outputs a logit and both losses are
binary cross-entropy with logits.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from clapboard.lab.base import LabModel
from clapboard.lab.dcgan import device_of, downsampler, evaluating, initialise, upsampler


class AdversarialAutoencoder(LabModel):
    """A convolutional autoencoder with a Gaussian prior imposed on its codes by a discriminator."""

    kind = "aae"

    def __init__(
        self,
        *,
        size: int = 64,
        channels: int = 3,
        classes: int = 0,
        width: int = 64,
        latent: int = 8,
        hidden: int = 256,
        lr: float = 1e-3,
        adversarial_lr: float = 2e-4,
    ) -> None:
        super().__init__(size=size, channels=channels, classes=classes)
        self.width = width
        self.latent = latent
        self.hidden = hidden
        self.lr = lr
        self.adversarial_lr = adversarial_lr
        body, depth = downsampler(channels, size, width)
        self.encoder = nn.Sequential(body, nn.Flatten(), nn.Linear(depth * 16, latent))
        self.decoder = upsampler(latent, channels, size, width)
        # A plain MLP: the codes have no spatial layout to convolve over.
        self.discriminator = nn.Sequential(
            nn.Linear(latent, hidden),
            nn.LeakyReLU(0.2),
            nn.Linear(hidden, hidden),
            nn.LeakyReLU(0.2),
            nn.Linear(hidden, 1),
            nn.Flatten(0),
        )
        self.apply(initialise)
        self._optimizers: dict[str, torch.optim.Optimizer] | None = None

    @property
    def config(self) -> dict[str, Any]:
        """The base config plus widths, code size and the two learning rates."""
        extra = {"width": self.width, "latent": self.latent, "hidden": self.hidden}
        return {**super().config, **extra, "lr": self.lr, "adversarial_lr": self.adversarial_lr}

    def optimizers(self) -> dict[str, torch.optim.Optimizer]:
        """Adam for each phase: the autoencoder's reconstruction, and the discriminator and encoder of the code GAN.

        The encoder has its own optimizer in the adversarial phase, as in the paper, so its two objectives keep
        separate moment estimates; the GAN's learning rate and β₁ = 0.5 are DCGAN's.
        """
        if self._optimizers is None:
            adversarial = {"lr": self.adversarial_lr, "betas": (0.5, 0.999)}
            self._optimizers = {
                "autoencoder": torch.optim.Adam([*self.encoder.parameters(), *self.decoder.parameters()], lr=self.lr),
                "discriminator": torch.optim.Adam(self.discriminator.parameters(), **adversarial),
                "generator": torch.optim.Adam(self.encoder.parameters(), **adversarial),
            }
        return self._optimizers

    def encode(self, images: torch.Tensor) -> torch.Tensor:
        """The code q(x) of each image, ``(N, latent)``."""
        return self.encoder(images.to(device_of(self)))

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """The image p(z) for each ``(N, latent)`` code, in ``[-1, 1]``."""
        return self.decoder(z.to(device_of(self))[:, :, None, None])

    def train_step(self, images: torch.Tensor, labels: torch.Tensor | None = None) -> dict[str, float]:
        """The reconstruction phase, then the regularisation phase; reports R, L_D and L_G."""
        optimizers = self.optimizers()
        x = images.to(device_of(self))

        reconstruction = F.mse_loss(self.decode(self.encode(x)), x)
        optimizers["autoencoder"].zero_grad(set_to_none=True)
        reconstruction.backward()
        optimizers["autoencoder"].step()

        z = self.encode(x)
        z_prior = torch.randn_like(z)
        prior_logit, code_logit = self.discriminator(z_prior), self.discriminator(z.detach())
        loss_d = F.binary_cross_entropy_with_logits(
            prior_logit, torch.ones_like(prior_logit)
        ) + F.binary_cross_entropy_with_logits(code_logit, torch.zeros_like(code_logit))
        optimizers["discriminator"].zero_grad(set_to_none=True)
        loss_d.backward()
        optimizers["discriminator"].step()

        fooled_logit = self.discriminator(z)
        loss_g = F.binary_cross_entropy_with_logits(fooled_logit, torch.ones_like(fooled_logit))
        optimizers["generator"].zero_grad(set_to_none=True)
        loss_g.backward()
        optimizers["generator"].step()
        return {"reconstruction": reconstruction.item(), "discriminator": loss_d.item(), "generator": loss_g.item()}

    @torch.no_grad()
    def sample(self, count: int, *, generator: torch.Generator, labels: torch.Tensor | None = None) -> torch.Tensor:
        """``count`` images decoded from prior draws z ~ N(0, I) taken from ``generator``."""
        z = torch.randn(count, self.latent, generator=generator, device=generator.device)
        with evaluating(self):
            return self.decode(z)
