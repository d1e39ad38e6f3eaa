"""The lab image backend: frames drawn by a model the project trained itself with ``clapboard lab train``.

``model`` in ``clapboard.toml`` is a lab checkpoint (``.safetensors``). The
models are small (16 to 64 pixels a side) and draw from noise alone, so the
prompt and brief are not read: what a frame shows is what the model learnt
from its training frames, and the seed picks which. Two modes:

- ``frame``: one sample, scaled to cover the frame (LANCZOS) and cut to it, centred;
- ``texture``: samples laid edge to edge over the frame, for storyboard
  backgrounds and textures; past :data:`TILES` samples each is drawn larger.

A conditional model draws the class of the option ``label``, or one chosen by
the seed. The same checkpoint, options and seed give the same PNG bytes. The
models run well on a CPU, which is the default device.
"""

from __future__ import annotations

import io
import math
import threading
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from clapboard.errors import BackendUnavailable, ClapboardError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from PIL import Image

    from clapboard.lab.base import LabModel

INSTALL_HINT = "pip install 'clapboard[lab]'"
MODES = ("frame", "texture")

#: Options a project may set in ``[backends] image = { name = "lab", model = "…", options = {...} }``, with defaults.
DEFAULTS: dict[str, Any] = {
    "label": None,  # class to draw, for conditional models; None: chosen by the seed
    "steps": None,  # sampler steps, for ddpm (DDIM); None: the model's default
    "mode": "frame",  # "frame" or "texture"
    "device": "cpu",  # "cpu", "cuda", "cuda:1"…
}
#: Most samples a texture draws; a frame that would need more gets tiles scaled up by a whole factor.
TILES = 64


def _installed(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "none"


# Models by (checkpoint, its inode and time, device): a checkpoint saved again (a new file renamed over the old,
# as lab checkpoints are written) is loaded afresh.
_models: dict[tuple[str, int, int, str], LabModel] = {}
_loading = threading.Lock()
# One sample at a time per model: sampling switches the model's mode, which is shared state.
_drawing: dict[tuple[str, int, int, str], threading.Lock] = {}


class Lab:
    """Frames from a GAN, VAE, AAE or DDPM trained in the model lab, drawn with torch on the CPU (or a GPU)."""

    name: ClassVar[str] = "lab"
    # Torch's kernels decide the last bits of every pixel; the checkpoint itself is hashed by the registry.
    version: ClassVar[str] = f"1+torch-{_installed('torch')}"
    capabilities: ClassVar[frozenset[str]] = frozenset({"image"})
    install_hint: ClassVar[str] = INSTALL_HINT
    #: Read by the planner: the lab's small models draw in well under a second on a CPU.
    needs_gpu: ClassVar[bool] = False

    @classmethod
    def available(cls) -> bool:
        """True when torch and safetensors are installed; neither is imported to tell."""
        return all(find_spec(module) is not None for module in ("torch", "safetensors"))

    def __init__(self, model: Path | None = None, options: dict[str, Any] | None = None) -> None:
        unknown = set(options or {}) - set(DEFAULTS)
        if unknown:
            raise ClapboardError(
                f"backend 'lab': unknown option(s) {', '.join(sorted(unknown))}; known: {', '.join(DEFAULTS)}"
            )
        self.options = {**DEFAULTS, **(options or {})}
        if model is None:
            raise BackendUnavailable(
                self.name, "no model: set backends.image.model to a checkpoint made by `clapboard lab train`"
            )
        self.path = Path(model)
        self.mode = str(self.options["mode"])
        if self.mode not in MODES:
            raise ClapboardError(f"backend 'lab': mode {self.mode!r}; choose {' or '.join(MODES)}")
        for option in ("label", "steps"):
            value = self.options[option]
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise ClapboardError(f"backend 'lab': option {option} must be a whole number, not {value!r}")
        self.device = str(self.options["device"])

    def _model(self) -> tuple[LabModel, threading.Lock]:
        """The loaded model and its lock, loading it on first use (torch is imported only then)."""
        if not self.available():
            raise BackendUnavailable(self.name, INSTALL_HINT)
        from clapboard.lab import checkpoint

        try:
            stat = self.path.stat()
        except OSError:
            raise ClapboardError(f"backend 'lab': {self.path}: no such checkpoint") from None
        key = (str(self.path.resolve()), stat.st_ino, stat.st_mtime_ns, self.device)
        with _loading:
            if key not in _models:
                import torch

                try:
                    kind = torch.device(self.device).type
                except RuntimeError:
                    raise ClapboardError(f"backend 'lab': device {self.device!r}; use cpu, cuda or cuda:N") from None
                if kind == "cuda" and not torch.cuda.is_available():
                    raise ClapboardError(f"backend 'lab': device {self.device!r}, but torch finds no CUDA GPU here")
                model, _ = checkpoint.load(self.path, device=self.device)
                # The same checkpoint retrained since: its old weights will not be drawn from again.
                for stale in [old for old in _models if (old[0], old[3]) == (key[0], key[3])]:
                    del _models[stale], _drawing[stale]
                _models[key] = model.eval()
                _drawing[key] = threading.Lock()
            return _models[key], _drawing[key]

    def draw(self, prompt: str, *, seed: int, width: int, height: int, brief: Mapping[str, Any] | None = None) -> bytes:
        """A frame of exactly ``width`` × ``height`` as PNG bytes; ``prompt`` and ``brief`` are not read."""
        import torch

        from clapboard.lab.train import draw, uses_labels

        if width < 1 or height < 1:
            raise ClapboardError(f"backend 'lab': cannot draw a {width}×{height} frame")
        model, lock = self._model()
        seed %= 2**63
        label = self.options["label"]
        if uses_labels(model):
            label = seed % model.classes if label is None else label
        elif label is not None:
            raise ClapboardError(f"backend 'lab': {self.path} holds a {model.kind}, which draws no classes; drop label")
        tile, columns, rows = model.size, 1, 1
        if self.mode == "texture":
            tile = model.size * _tile_scale(width, height, model.size)
            columns, rows = math.ceil(width / tile), math.ceil(height / tile)
        count = columns * rows
        labels = None if label is None else torch.full((count,), label, dtype=torch.int64)
        with lock:
            samples = draw(model, count, seed=seed, labels=labels, steps=self.options["steps"])
        if self.mode == "texture":
            sheet = _tiled(samples, columns, tile)
            left, top = (sheet.width - width) // 2, (sheet.height - height) // 2
            return _png(sheet.crop((left, top, left + width, top + height)))
        return _png(_cover(_one(samples[0]), width, height))


def _tile_scale(width: int, height: int, size: int) -> int:
    """The smallest whole factor by which tiles of ``size`` cover the frame in at most :data:`TILES` samples."""
    scale = 1
    while math.ceil(width / (size * scale)) * math.ceil(height / (size * scale)) > TILES:
        scale += 1
    return scale


def _one(sample: Any) -> Image.Image:
    from clapboard.lab.grid import to_image

    return to_image(sample).convert("RGB")


def _tiled(samples: Any, columns: int, tile: int) -> Image.Image:
    """The samples laid in rows of ``columns``, each scaled to ``tile`` pixels a side."""
    from PIL import Image

    rows = math.ceil(len(samples) / columns)
    sheet = Image.new("RGB", (columns * tile, rows * tile))
    for index, sample in enumerate(samples):
        picture = _one(sample)
        if picture.size != (tile, tile):
            picture = picture.resize((tile, tile), Image.Resampling.LANCZOS)
        row, column = divmod(index, columns)
        sheet.paste(picture, (column * tile, row * tile))
    return sheet


def _cover(picture: Image.Image, width: int, height: int) -> Image.Image:
    """``picture`` scaled (LANCZOS) to cover ``width`` × ``height`` and cut to it, centred."""
    from PIL import Image, ImageOps

    return ImageOps.fit(picture, (width, height), method=Image.Resampling.LANCZOS)


def _png(picture: Image.Image) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()
