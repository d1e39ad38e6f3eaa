r"""A denoising diffusion model (DDPM, Ho et al. 2020) with DDIM sampling and RePaint inpainting.

Forward process: a fixed schedule :math:`\beta_1 \dots \beta_T` adds Gaussian noise
step by step, and any noise level can be reached from a clean image in one draw::

    q(x_t | x_0) = N(x_t; √ᾱ_t x_0, (1 − ᾱ_t) I),        ᾱ_t = ∏_{s ≤ t} (1 − β_s)

Schedules: *linear*, β from 1e-4 to 0.02 over T = 1000 (scaled by 1000/T for other
T, as Nichol & Dhariwal do, so ᾱ_T still ends near 0); *cosine* (Nichol & Dhariwal
2021), ᾱ_t = f(t)/f(0) with f(t) = cos²((t/T + s)/(1 + s) · π/2), s = 0.008 and
β_t = min(1 − ᾱ_t/ᾱ_{t−1}, 0.999), which destroys information more gently at the
start and so spends fewer steps on nearly pure noise.

Loss: a U-Net ε_θ learns to name the noise that was added (ε-prediction)::

    L = E_{t, x_0, ε} ‖ε − ε_θ(√ᾱ_t x_0 + √(1 − ᾱ_t) ε, t)‖²

Sampling (DDIM, Song et al. 2021) walks down a strided subset of timesteps
τ_S > … > τ_1, from t to the next lower t′ (ᾱ_{t′} = 1 past the last)::

    x̂_0 = (x_t − √(1 − ᾱ_t) ε_θ(x_t, t)) / √ᾱ_t                 (clipped to [−1, 1])
    σ_t = η √((1 − ᾱ_{t′}) / (1 − ᾱ_t)) √(1 − ᾱ_t / ᾱ_{t′})
    x_{t′} = √ᾱ_{t′} x̂_0 + √(1 − ᾱ_{t′} − σ_t²) ε_θ + σ_t z,     z ~ N(0, I)

η = 0 is deterministic; η = 1 is the DDPM ancestral sampler on the strided chain.

Inpainting (RePaint, Lugmayr et al. 2022) with a mask m (1 where the pixel is
known) takes the known region from the original noised to the same level and
the rest from the model, then now and then jumps back up the chain so the two
can harmonise::

    x_{t′} = m ⊙ (√ᾱ_{t′} x_0 + √(1 − ᾱ_{t′}) ε) + (1 − m) ⊙ DDIM_{η=1}(x_t)
    x_t    = √(ᾱ_t / ᾱ_{t′}) x_{t′} + √(1 − ᾱ_t / ᾱ_{t′}) ε           (a jump back up)

Sampling uses an exponential moving average of the weights when ``ema`` > 0; the
average lives in the state dict, so checkpoints carry it.
"""

from __future__ import annotations

import copy
import itertools
import math
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from clapboard.lab.base import LabModel

SCHEDULES = ("cosine", "linear")


def noise_schedule(name: str, timesteps: int) -> torch.Tensor:
    """ᾱ_t for t = 1 … T (index 0 is t = 1) of the named schedule, as float64."""
    if name == "linear":
        scale = 1000 / timesteps
        beta = torch.linspace(1e-4 * scale, 0.02 * scale, timesteps, dtype=torch.float64)
    elif name == "cosine":
        s = 0.008
        t = torch.arange(timesteps + 1, dtype=torch.float64)
        f = torch.cos((t / timesteps + s) / (1 + s) * math.pi / 2) ** 2
        alpha_bar = f / f[0]
        beta = (1 - alpha_bar[1:] / alpha_bar[:-1]).clamp(max=0.999)
    else:
        raise ValueError(f"unknown noise schedule {name!r}; known: {', '.join(SCHEDULES)}")
    return torch.cumprod(1 - beta, dim=0)


def repaint_path(steps: int, jumps: int, resample: int) -> list[int]:
    """The positions RePaint visits on a chain of ``steps`` levels, from ``steps`` (pure noise) down to 0 (clean).

    Each time the walk reaches a multiple of ``jumps`` it goes back up ``jumps``
    levels and down again, ``resample − 1`` times, before it moves on.
    """
    path = [steps]
    position = steps
    while position > 0:
        position -= 1
        path.append(position)
        if position % jumps == 0 and 0 < position <= steps - jumps:
            for _ in range(resample - 1):
                path.extend(range(position + 1, position + jumps + 1))
                path.extend(range(position + jumps - 1, position - 1, -1))
    return path


def _norm(channels: int) -> nn.GroupNorm:
    return nn.GroupNorm(math.gcd(channels, 8), channels)


def timestep_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """Sinusoidal features of the timestep (as in the Transformer), so nearby noise levels look alike to the net."""
    half = dim // 2
    frequency = torch.exp(-math.log(10_000) * torch.arange(half, device=t.device, dtype=torch.float32) / half)
    angle = t.float()[:, None] * frequency[None]
    return torch.cat([torch.sin(angle), torch.cos(angle)], dim=1)


class ResidualBlock(nn.Module):
    """Two GroupNorm → SiLU → 3x3 conv stages, the time (and class) embedding added in between, plus a skip."""

    def __init__(self, inputs: int, outputs: int, embedding: int) -> None:
        super().__init__()
        self.norm1 = _norm(inputs)
        self.conv1 = nn.Conv2d(inputs, outputs, 3, padding=1)
        self.embed = nn.Linear(embedding, outputs)
        self.norm2 = _norm(outputs)
        self.conv2 = nn.Conv2d(outputs, outputs, 3, padding=1)
        self.skip: nn.Module = nn.Conv2d(inputs, outputs, 1) if inputs != outputs else nn.Identity()

    def forward(self, x: torch.Tensor, e: torch.Tensor) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.embed(e)[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return self.skip(x) + h


class SelfAttention(nn.Module):
    """One-head self-attention over the pixels of the smallest feature map: cheap there, and it sees the whole image."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.norm = _norm(channels)
        self.qkv = nn.Conv2d(channels, 3 * channels, 1)
        self.out = nn.Conv2d(channels, channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, c, h, w = x.shape
        q, k, v = self.qkv(self.norm(x)).reshape(n, 3, c, h * w).transpose(2, 3).unbind(1)
        attended = F.scaled_dot_product_attention(q, k, v)
        return x + self.out(attended.transpose(1, 2).reshape(n, c, h, w))


class UNet(nn.Module):
    """ε_θ(x_t, t, y): a small U-Net, one residual block per resolution each way, attention at the bottom.

    It halves the image down to at most four levels (64 → 8, 16 → 4), with
    ``width`` channels at the top and twice that below.
    """

    def __init__(self, *, size: int, channels: int, classes: int, width: int) -> None:
        super().__init__()
        levels = min(4, int(math.log2(size)) - 1)
        widths = [width * multiple for multiple in (1, 2, 2, 2)[:levels]]
        embedding = 4 * width
        self.width = width
        self.time = nn.Sequential(nn.Linear(width, embedding), nn.SiLU(), nn.Linear(embedding, embedding))
        # Index `classes` is "no label", so one model also samples unconditionally.
        self.label = nn.Embedding(classes + 1, embedding) if classes else None

        self.stem = nn.Conv2d(channels, width, 3, padding=1)
        self.down = nn.ModuleList()
        self.downsample = nn.ModuleList()
        c = width
        for level, w in enumerate(widths):
            self.down.append(ResidualBlock(c, w, embedding))
            c = w
            last = level == levels - 1
            self.downsample.append(nn.Identity() if last else nn.Conv2d(c, c, 3, stride=2, padding=1))
        self.middle1 = ResidualBlock(c, c, embedding)
        self.attention = SelfAttention(c)
        self.middle2 = ResidualBlock(c, c, embedding)
        self.up = nn.ModuleList()
        self.upsample = nn.ModuleList()
        for level in reversed(range(levels)):
            w = widths[level]
            self.up.append(ResidualBlock(c + w, w, embedding))
            c = w
            upsample = nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(c, c, 3, padding=1))
            self.upsample.append(upsample if level else nn.Identity())
        self.head = nn.Sequential(_norm(c), nn.SiLU(), nn.Conv2d(c, channels, 3, padding=1))
        # A zero last layer predicts ε = 0 at first, so training starts from L = E‖ε‖² = 1.
        nn.init.zeros_(self.head[-1].weight)
        nn.init.zeros_(self.head[-1].bias)

    def forward(self, x: torch.Tensor, t: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        e = self.time(timestep_embedding(t, self.width))
        if self.label is not None:
            if y is None:
                y = torch.full_like(t, self.label.num_embeddings - 1)
            e = e + self.label(y)
        h = self.stem(x)
        skips = []
        for block, down in zip(self.down, self.downsample, strict=True):
            h = block(h, e)
            skips.append(h)
            h = down(h)
        h = self.middle2(self.attention(self.middle1(h, e)), e)
        for block, up in zip(self.up, self.upsample, strict=True):
            h = up(block(torch.cat([h, skips.pop()], dim=1), e))
        return self.head(h)


class DDPM(LabModel):
    """A denoising diffusion model: trains ε_θ by the loss above, samples by DDIM and inpaints by RePaint.

    With ``classes`` > 0 the U-Net also takes a class label; labels are dropped
    one time in ten in training so ``labels=None`` still samples any class.
    """

    kind = "ddpm"

    def __init__(
        self,
        *,
        size: int = 64,
        channels: int = 3,
        classes: int = 0,
        width: int = 32,
        timesteps: int = 1000,
        schedule: str = "cosine",
        lr: float = 5e-4,
        ema: float = 0.999,
    ) -> None:
        super().__init__(size=size, channels=channels, classes=classes)
        if not 0 <= ema < 1:
            raise ValueError(f"ema decay must be in [0, 1), not {ema}")
        if width < 2 or width % 2:
            # The sinusoidal time embedding pairs a sine with a cosine per frequency.
            raise ValueError(f"width must be an even number of channels, not {width}")
        self.width = width
        self.timesteps = timesteps
        self.schedule = schedule
        self.lr = lr
        self.ema = ema
        self.unet = UNet(size=size, channels=channels, classes=classes, width=width)
        self.unet_ema: UNet | None = None
        if ema:
            self.unet_ema = copy.deepcopy(self.unet).requires_grad_(False)
            self.register_buffer("ema_updates", torch.zeros((), dtype=torch.int64))
        # Derived from the config, so kept out of the state dict.
        self.register_buffer("alpha_bar", noise_schedule(schedule, timesteps).float(), persistent=False)
        self._optimizers: dict[str, torch.optim.Optimizer] | None = None

    @property
    def config(self) -> dict[str, Any]:
        """The base config plus the U-Net width, the schedule and the training settings."""
        return {
            **super().config,
            "width": self.width,
            "timesteps": self.timesteps,
            "schedule": self.schedule,
            "lr": self.lr,
            "ema": self.ema,
        }

    def optimizers(self) -> dict[str, torch.optim.Optimizer]:
        """One Adam optimiser over the U-Net (the moving average is not trained, only followed)."""
        if self._optimizers is None:
            self._optimizers = {"unet": torch.optim.Adam(self.unet.parameters(), lr=self.lr)}
        return self._optimizers

    def train_step(self, images: torch.Tensor, labels: torch.Tensor | None = None) -> dict[str, float]:
        """One step on L = E‖ε − ε_θ(√ᾱ_t x_0 + √(1 − ᾱ_t) ε, t)‖² with t and ε drawn fresh for each image."""
        device = self.alpha_bar.device
        x_0 = images.to(device)
        y = self._labels(labels, len(x_0), device)
        if y is not None:
            dropped = torch.rand(len(y), device=device) < 0.1
            y = torch.where(dropped, self.classes, y)
        t = torch.randint(0, self.timesteps, (len(x_0),), device=device)
        epsilon = torch.randn_like(x_0)
        alpha_bar = self.alpha_bar[t].view(-1, 1, 1, 1)
        x_t = alpha_bar.sqrt() * x_0 + (1 - alpha_bar).sqrt() * epsilon
        loss = F.mse_loss(self.unet(x_t, t, y), epsilon)

        optimizer = self.optimizers()["unet"]
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(self.unet.parameters(), 1.0)
        optimizer.step()
        self._follow()
        return {"loss": loss.item()}

    @torch.no_grad()
    def _follow(self) -> None:
        """Move the weight average towards the new weights; its decay warms up so short runs are not all init."""
        if self.unet_ema is None:
            return
        self.ema_updates += 1
        k = int(self.ema_updates)
        decay = min(self.ema, (1 + k) / (10 + k))
        for average, current in zip(self.unet_ema.parameters(), self.unet.parameters(), strict=True):
            average.lerp_(current, 1 - decay)

    @torch.no_grad()
    def sample(
        self,
        count: int,
        *,
        generator: torch.Generator,
        labels: torch.Tensor | None = None,
        steps: int = 50,
        eta: float = 0.0,
    ) -> torch.Tensor:
        """``count`` images by DDIM over ``steps`` of the T timesteps; η = 0 makes them a pure function of the seed."""
        device = self.alpha_bar.device
        y = self._labels(labels, count, device)
        levels = self._levels(steps)
        x = self._noise((count, self.channels, self.size, self.size), generator)
        for position in range(len(levels) - 1, 0, -1):
            x = self._denoise(x, levels[position], levels[position - 1], y, eta, generator)
        return x

    @torch.no_grad()
    def inpaint(
        self,
        images: torch.Tensor,
        known: torch.Tensor,
        *,
        generator: torch.Generator,
        labels: torch.Tensor | None = None,
        jumps: int = 10,
        resample: int = 5,
        steps: int = 50,
    ) -> torch.Tensor:
        """Fill the pixels where ``known`` is 0 by RePaint; where it is 1 the result is ``images`` exactly.

        ``known`` broadcasts against ``images`` (a (N, 1, H, W) mask serves every
        channel). The work is about ``steps · resample`` network calls.
        """
        if jumps < 1 or resample < 1:
            raise ValueError(f"jumps and resample must be at least 1, not {jumps} and {resample}")
        device = self.alpha_bar.device
        x_0 = images.to(device)
        m = (known.to(device) >= 0.5).expand_as(x_0)
        y = self._labels(labels, len(x_0), device)
        levels = self._levels(steps)
        path = repaint_path(len(levels) - 1, jumps, resample)
        x = self._noise(x_0.shape, generator)
        for here, there in itertools.pairwise(path):
            t, t_next = levels[here], levels[there]
            if there > here:
                ratio = self._alpha_bar(t_next) / self._alpha_bar(t)
                x = ratio.sqrt() * x + (1 - ratio).sqrt() * self._noise(x.shape, generator)
                continue
            a_next = self._alpha_bar(t_next)
            noised = a_next.sqrt() * x_0 + (1 - a_next).sqrt() * self._noise(x.shape, generator)
            x = torch.where(m, noised, self._denoise(x, t, t_next, y, 1.0, generator))
        return torch.where(m, x_0, x)

    def _denoise(
        self,
        x: torch.Tensor,
        t: int,
        t_next: int,
        y: torch.Tensor | None,
        eta: float,
        generator: torch.Generator,
    ) -> torch.Tensor:
        """One DDIM step from level t down to t′ (the equations in the module docstring)."""
        net = self.unet_ema if self.unet_ema is not None else self.unet
        a, a_next = self._alpha_bar(t), self._alpha_bar(t_next)
        epsilon = net(x, torch.full((len(x),), t, device=x.device), y)
        x_0 = ((x - (1 - a).sqrt() * epsilon) / a.sqrt()).clamp(-1, 1)
        # Keep ε consistent with the clipped x̂_0 so both terms of the update agree.
        epsilon = (x - a.sqrt() * x_0) / (1 - a).sqrt()
        sigma = eta * ((1 - a_next) / (1 - a)).sqrt() * (1 - a / a_next).sqrt()
        x_next = a_next.sqrt() * x_0 + (1 - a_next - sigma**2).clamp(min=0).sqrt() * epsilon
        if eta:
            x_next = x_next + sigma * self._noise(x.shape, generator)
        return x_next

    def _levels(self, steps: int) -> list[int]:
        """The strided timesteps τ_1 < … < τ_S, evenly spaced over 0 … T−1, after −1 for the clean image."""
        if not 1 <= steps <= self.timesteps:
            raise ValueError(f"steps must be between 1 and {self.timesteps}, not {steps}")
        # Spaced down from T−1, so even one step starts from pure noise.
        strided = torch.linspace(self.timesteps - 1, 0, steps).round().long().flip(0).tolist()
        return [-1, *strided]

    def _alpha_bar(self, t: int) -> torch.Tensor:
        """ᾱ at timestep index t, with ᾱ = 1 for the clean image (t = −1)."""
        return self.alpha_bar[t] if t >= 0 else torch.ones((), device=self.alpha_bar.device)

    def _noise(self, shape: torch.Size | tuple[int, ...], generator: torch.Generator) -> torch.Tensor:
        """Standard normal noise drawn on the generator's device, so a seed gives the same images on any device."""
        noise = torch.randn(shape, generator=generator, device=generator.device)
        return noise.to(self.alpha_bar.device)

    def _labels(self, labels: torch.Tensor | None, count: int, device: torch.device) -> torch.Tensor | None:
        """The labels checked against the model and moved to its device (None: unconditional)."""
        if labels is None:
            return None
        if not self.classes:
            raise ValueError("this diffusion model was trained without classes; pass no labels")
        if labels.shape != (count,):
            raise ValueError(f"expected {count} labels, got a tensor of shape {tuple(labels.shape)}")
        if int(labels.min()) < 0 or int(labels.max()) >= self.classes:
            raise ValueError(f"labels must lie in 0 … {self.classes - 1}")
        return labels.to(device=device, dtype=torch.int64)
