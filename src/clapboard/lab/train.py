"""The training loop every lab model shares: minibatches, progress, checkpoints, sample grids and a loss log.

:func:`train` runs a model's own ``train_step`` over shuffled minibatches and
writes, into one folder (``out``):

- ``<kind>.safetensors``, the model and its optimizers, every ``every`` steps
  and at the end, so a killed run loses at most ``every`` steps;
- ``samples/step-NNNNNN.png``, a contact sheet drawn at each checkpoint from
  the same noise each time, so sheets from early and late in a run compare
  like for like (a conditional model draws one row per class);
- ``losses.csv``, the step and every loss the model reports, one row a step.

Calling :func:`train` again on the same folder picks up from the checkpoint.
The run is a pure function of the data, the seed and ``every``: the batches of
each checkpoint interval come from a generator seeded by (seed, the interval's
first step), and torch's global generator, which models draw their training
noise from, is reseeded by (seed, step) before every step (and handed back as
it was at the end). So a run killed and resumed ends with the same weights, to
the bit, as one never interrupted.
"""

from __future__ import annotations

import csv
import hashlib
import inspect
import io
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import torch
from PIL import Image
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from clapboard.errors import ClapboardError
from clapboard.lab import checkpoint, data, grid
from clapboard.lab.base import KINDS, LabModel
from clapboard.screenplay.formats import write_atomic

LOSSES = "losses.csv"
SAMPLES = "samples"


@dataclass(frozen=True)
class Training:
    """What one call to :func:`train` did."""

    kind: str
    #: The step it started from: 0, or the checkpoint's when it resumed.
    first: int
    #: The step the model stands at now (and its checkpoint with it).
    step: int
    #: Wall time of the whole call, checkpoints and sample sheets included.
    seconds: float
    #: Time spent in training steps alone (batching and optimisation).
    train_seconds: float
    checkpoint: Path
    #: The losses of the last step run; empty when none ran.
    losses: Mapping[str, float] = field(default_factory=dict)

    @property
    def steps(self) -> int:
        """Steps run by this call."""
        return self.step - self.first

    @property
    def rate(self) -> float:
        """Training steps a second, checkpoints and sheets left out; 0 when no step ran."""
        return self.steps / self.train_seconds if self.train_seconds > 0 else 0.0


def checkpoint_path(out: Path, kind: str) -> Path:
    """Where a run of ``kind`` in ``out`` keeps its checkpoint."""
    return out / f"{kind}.safetensors"


def uses_labels(model: LabModel) -> bool:
    """Whether ``model`` learns from and samples by class label: the conditional kinds, or any built with classes."""
    return model.conditional or model.classes > 0


def train(
    model: LabModel,
    images: torch.Tensor,
    labels: torch.Tensor | None = None,
    *,
    steps: int,
    out: Path,
    batch: int = 32,
    every: int = 500,
    seed: int = 0,
    device: str | torch.device = "cpu",
    samples: int = 16,
    progress: bool = False,
    console: Console | None = None,
) -> Training:
    """Train ``model`` in place on ``images`` (and ``labels``, for a model that uses them) up to step ``steps``.

    When ``out`` already holds this kind's checkpoint, training goes on from its
    step (a checkpoint at or past ``steps`` leaves nothing to do); it must come
    from a model with the same config. ``samples`` images make each checkpoint's
    sheet (0: none). ``progress`` shows a bar with steps/s and the latest losses
    on ``console`` (stderr by default). The seed and ``every`` must stay the same
    across resumes for the run to equal an uninterrupted one.
    """
    if steps < 0 or samples < 0 or batch < 1 or every < 1:
        raise ClapboardError(
            f"steps {steps}, samples {samples}, batch {batch}, every {every}: "
            "steps and samples cannot be negative, batch and every must be at least 1"
        )
    if len(images) == 0:
        raise ClapboardError("no images to train on")
    labelled = uses_labels(model)
    labels = _checked_labels(model, images, labels) if labelled else None
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    _refuse_other_kinds(out, model.kind)
    model.to(device)
    path = checkpoint_path(out, model.kind)
    first = _resume(model, path, device) if path.exists() else 0
    model.train()
    step, losses, train_seconds = first, {}, 0.0
    gpus = _cuda_devices(device)
    with (
        torch.random.fork_rng(devices=gpus),
        _LossLog(out / LOSSES, first) as log,
        _Display(progress and first < steps, console, model.kind, first, steps) as display,
    ):
        while step < steps:
            start = step - step % every
            stream = data.batches(images, labels, batch=batch, generator=_generator(seed, "data", start))
            # A run that ended between checkpoints (a shorter --steps) picks up mid-interval: skip what it used.
            for _ in range(step - start):
                next(stream)
            end = min(start + every, steps)
            tick = time.perf_counter()
            while step < end:
                step_images, step_labels = next(stream)
                _reseed(_seed(seed, "step", step), gpus)
                losses = model.train_step(
                    step_images.to(device), None if step_labels is None else step_labels.to(device)
                )
                step += 1
                log.write(step, losses)
                display.advance(step, losses, train_seconds + time.perf_counter() - tick)
            train_seconds += time.perf_counter() - tick
            # The log first: a checkpoint then never holds a step whose losses are not on disk.
            log.flush()
            checkpoint.save(path, model, step=step)
            if samples:
                sheet = contact_sheet(model, samples, seed=seed)
                write_atomic(out / SAMPLES / f"step-{step:06d}.png", png(sheet))
    return Training(
        kind=model.kind,
        first=first,
        step=step,
        seconds=time.perf_counter() - started,
        train_seconds=train_seconds,
        checkpoint=path,
        losses=dict(losses),
    )


def contact_sheet(
    model: LabModel, count: int, *, seed: int, label: int | None = None, steps: int | None = None
) -> Image.Image:
    """``count`` samples of ``model`` on one sheet, drawn from noise fixed by ``seed``.

    A model that uses labels draws one row per class, or only class ``label`` when given.
    """
    columns = None
    labels = None
    if uses_labels(model):
        if label is not None:
            labels = torch.full((count,), label, dtype=torch.int64)
        else:
            columns = math.ceil(count / model.classes)
            labels = torch.arange(model.classes, dtype=torch.int64).repeat_interleave(columns)[:count]
    elif label is not None:
        raise ClapboardError(f"a {model.kind} is not conditional: it draws no class, so a label cannot be chosen")
    return grid.grid(draw(model, count, seed=seed, labels=labels, steps=steps), columns=columns)


def draw(
    model: LabModel, count: int, *, seed: int, labels: torch.Tensor | None = None, steps: int | None = None
) -> torch.Tensor:
    """``count`` samples of ``model``, on the CPU, from noise fixed by ``seed`` whatever the model's device.

    ``steps`` is the sampler's step count, for models that take one (DDPM). The
    model samples in eval mode, as the image backend and the CLI do, and goes
    back to the mode it was in.
    """
    if count < 1:
        raise ClapboardError(f"asked for {count} samples; draw at least one")
    options: dict[str, int] = {}
    if steps is not None:
        if "steps" not in inspect.signature(model.sample).parameters:
            raise ClapboardError(f"a {model.kind} samples in one pass; sampler steps apply to ddpm only")
        if steps < 1:
            raise ClapboardError(f"sampler steps must be at least 1, not {steps}")
        options["steps"] = steps
    if labels is not None:
        wrong = [int(label) for label in labels.unique() if not 0 <= label < model.classes]
        if wrong:
            raise ClapboardError(f"label {wrong[0]}: this {model.kind} knows classes 0 to {model.classes - 1}")
    was_training = model.training
    model.eval()
    try:
        drawn = model.sample(count, generator=torch.Generator().manual_seed(seed), labels=labels, **options)
    finally:
        model.train(was_training)
    return drawn.detach().cpu()


def png(image: Image.Image) -> bytes:
    """``image`` encoded as PNG."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _checked_labels(model: LabModel, images: torch.Tensor, labels: torch.Tensor | None) -> torch.Tensor:
    if labels is None:
        raise ClapboardError(f"a {model.kind} with classes learns from labelled images; give a label per image")
    if labels.shape != (len(images),):
        raise ClapboardError(f"{len(images)} images but {tuple(labels.shape)} labels; give one label per image")
    if not 0 <= int(labels.min()) <= int(labels.max()) < model.classes:
        raise ClapboardError(
            f"labels run from {int(labels.min())} to {int(labels.max())}, outside 0..{model.classes - 1}"
        )
    return labels.to(torch.int64)


def _refuse_other_kinds(out: Path, kind: str) -> None:
    """One kind a folder: its samples and losses would otherwise interleave with another model's."""
    others = sorted(other for other in KINDS if other != kind and checkpoint_path(out, other).exists())
    if others:
        raise ClapboardError(
            f"{out} holds a {others[0]} run ({checkpoint_path(out, others[0]).name}); train a {kind} in another folder"
        )


def _resume(model: LabModel, path: Path, device: str | torch.device) -> int:
    """Load the checkpoint at ``path`` into ``model`` and its optimizers; the step it was saved at."""
    saved, step = checkpoint.load(path, device=str(device))
    if saved.config != model.config:
        differ = sorted(key for key in {*saved.config, *model.config} if saved.config.get(key) != model.config.get(key))
        told = ", ".join(f"{key} {saved.config.get(key)!r} (asked: {model.config.get(key)!r})" for key in differ)
        raise ClapboardError(f"{path}: trained with {told}; resume with the same settings or choose another folder")
    model.load_state_dict(saved.state_dict())
    mine, theirs = model.optimizers(), saved.optimizers()
    for name, optimizer in mine.items():
        optimizer.load_state_dict(theirs[name].state_dict())
    return step


def _seed(seed: int, purpose: str, step: int) -> int:
    """A 63-bit seed for ``purpose`` at ``step``: stable across processes and Python versions, unlike hash()."""
    digest = hashlib.blake2b(f"{seed}:{purpose}:{step}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def _generator(seed: int, purpose: str, step: int) -> torch.Generator:
    return torch.Generator().manual_seed(_seed(seed, purpose, step))


def _reseed(seed: int, gpus: list[int]) -> None:
    """Reseed torch's global generators of the CPU and ``gpus``.

    Not ``torch.manual_seed``: before CUDA starts it records a stack trace each call for CUDA's lazy start,
    which costs half a millisecond, a good part of a small model's step.
    """
    torch.default_generator.manual_seed(seed)
    for index in gpus:
        torch.cuda.default_generators[index].manual_seed(seed)


def _cuda_devices(device: str | torch.device) -> list[int]:
    """The GPU a run on ``device`` draws noise on: its generator is reseeded each step and handed back at the end."""
    device = torch.device(device)
    if device.type != "cuda":
        return []
    return [device.index if device.index is not None else torch.cuda.current_device()]


class _LossLog:
    """``losses.csv``: a row a step, kept to the steps the checkpoint holds when a run resumes."""

    def __init__(self, path: Path, first: int) -> None:
        rows = _read_rows(path) if first > 0 and path.exists() else []
        self.columns: list[str] | None = rows[0] if rows else None
        kept = rows[:1]
        for row in rows[1:]:
            # Rows past the checkpoint are from steps a crash undid (the last maybe cut short); the model redoes them.
            if len(row) != len(rows[0]) or not row[0].isdigit() or int(row[0]) > first:
                break
            kept.append(row)
        write_atomic(path, _csv_text(kept).encode())
        self.file = path.open("a", newline="", encoding="utf-8")
        self.writer = csv.writer(self.file)

    def write(self, step: int, losses: Mapping[str, float]) -> None:
        if self.columns is None:
            self.columns = ["step", *losses]
            self.writer.writerow(self.columns)
        self.writer.writerow([step, *(f"{losses[name]:.6g}" for name in self.columns[1:])])

    def flush(self) -> None:
        self.file.flush()

    def __enter__(self) -> _LossLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.file.close()


def _read_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def _csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


class _Display:
    """A rich progress bar: steps done of the target, steps a second, the latest losses, the time left."""

    def __init__(self, enabled: bool, console: Console | None, kind: str, first: int, steps: int) -> None:
        self.progress: Progress | None = None
        self.first = first
        if enabled:
            self.progress = Progress(
                TextColumn(f"[bold]{kind}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TextColumn("{task.fields[losses]}"),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=console or Console(stderr=True),
            )
            self.task = self.progress.add_task(kind, total=steps, completed=first, rate="", losses="")

    def __enter__(self) -> _Display:
        if self.progress is not None:
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()

    def advance(self, step: int, losses: Mapping[str, float], seconds: float) -> None:
        if self.progress is not None:
            rate = f"{(step - self.first) / seconds:.1f} steps/s" if seconds > 0 else ""
            told = " ".join(f"{name} {value:.4g}" for name, value in losses.items())
            self.progress.update(self.task, completed=step, rate=rate, losses=told)
