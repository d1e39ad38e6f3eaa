"""Lab checkpoints: one ``.safetensors`` file holding a model, its optimizers and the step it reached.

Weights sit under ``model.<name>``; each optimizer's per-parameter state
(Adam's moments and step counts) under ``optim.<optimizer>.<parameter>.<key>``.
The metadata carries the model's config, the step, and as JSON the parts of
the optimizer state that are not tensors (parameter groups with their
hyper-parameters), and a SHA-256 digest of every tensor, since safetensors
itself would load flipped bits without a word. Restoring all of it is what
makes a run resumed from a checkpoint produce the same numbers as one never
stopped. Safetensors holds no pickled code, so a checkpoint from elsewhere
cannot run anything on load.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import save_file

from clapboard.errors import ClapboardError
from clapboard.lab.base import LabModel, build

#: Metadata keys every lab checkpoint has; a safetensors file without them came from somewhere else.
_METADATA = ("config", "step", "optimizers")


def save(path: Path, model: LabModel, *, step: int) -> None:
    """Write ``model`` with its optimizer state and ``step`` to ``path`` atomically, so a crash never leaves half."""
    path = Path(path)
    tensors = {f"model.{name}": tensor for name, tensor in model.state_dict().items()}
    optimizers: dict[str, Any] = {}
    for name, optimizer in model.optimizers().items():
        state = optimizer.state_dict()
        plain: dict[str, dict[str, Any]] = {}
        for index, values in state["state"].items():
            for key, value in values.items():
                if isinstance(value, torch.Tensor):
                    tensors[f"optim.{name}.{index}.{key}"] = value
                else:
                    plain.setdefault(str(index), {})[key] = value
        optimizers[name] = {"param_groups": state["param_groups"], "state": plain}
    # Safetensors wants each tensor contiguous, on the CPU and owning its memory.
    tensors = {name: tensor.detach().to("cpu", copy=True).contiguous() for name, tensor in tensors.items()}
    metadata = {
        "config": json.dumps(model.config),
        "step": str(step),
        "optimizers": json.dumps(optimizers),
        "digest": _digest(tensors),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    os.close(handle)
    try:
        save_file(tensors, temporary, metadata=metadata)
        descriptor = os.open(temporary, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; a no-op where folders cannot be opened (Windows)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def load(path: Path, *, device: str = "cpu") -> tuple[LabModel, int]:
    """The model saved at ``path``, on ``device``, with its optimizer state restored, and the step it had reached.

    Raises ClapboardError naming the file when it is missing, damaged, or not a lab checkpoint.
    """
    path = Path(path)
    if not path.is_file():
        raise ClapboardError(f"{path}: no such checkpoint")
    try:
        with safe_open(str(path), framework="pt", device="cpu") as stored:
            metadata = stored.metadata() or {}
            if not all(key in metadata for key in _METADATA):
                raise ClapboardError(f"{path}: not a Clapboard lab checkpoint (no model config in its metadata)")
            tensors = {name: stored.get_tensor(name) for name in stored.keys()}  # noqa: SIM118 (not a dict)
        if "digest" in metadata and metadata["digest"] != _digest(tensors):
            raise ClapboardError(f"{path}: damaged lab checkpoint (its tensors do not match their digest)")
        model = build(json.loads(metadata["config"])).to(device)
        weights = {name.removeprefix("model."): t for name, t in tensors.items() if name.startswith("model.")}
        model.load_state_dict(weights, strict=True)
        optimizers = json.loads(metadata["optimizers"])
        for name, optimizer in model.optimizers().items():
            optimizer.load_state_dict(_optimizer_state(name, optimizers[name], tensors))
        step = int(metadata["step"])
    except ClapboardError:
        raise
    except (SafetensorError, OSError, ValueError, KeyError, TypeError, RuntimeError) as error:
        raise ClapboardError(f"{path}: damaged or foreign lab checkpoint ({error})") from error
    return model, step


def _digest(tensors: dict[str, torch.Tensor]) -> str:
    """SHA-256 over every tensor's name, dtype, shape and bytes, in name order."""
    digest = hashlib.sha256()
    for name in sorted(tensors):
        tensor = tensors[name]
        digest.update(f"{name}:{tensor.dtype}:{tuple(tensor.shape)};".encode())
        digest.update(tensor.reshape(-1).view(torch.uint8).numpy().tobytes())
    return digest.hexdigest()


def _optimizer_state(name: str, saved: dict[str, Any], tensors: dict[str, torch.Tensor]) -> dict[str, Any]:
    """One optimizer's ``state_dict`` put back together from its JSON part and its ``optim.<name>.*`` tensors."""
    state: dict[int, dict[str, Any]] = {int(index): dict(values) for index, values in saved["state"].items()}
    prefix = f"optim.{name}."
    for key, tensor in tensors.items():
        if key.startswith(prefix):
            index, _, field = key.removeprefix(prefix).partition(".")
            state.setdefault(int(index), {})[field] = tensor
    groups = saved["param_groups"]
    for group in groups:
        # JSON turns tuples such as Adam's betas into lists; give them back their saved shape.
        for key, value in group.items():
            if isinstance(value, list) and key != "params":
                group[key] = tuple(value)
    return {"state": state, "param_groups": groups}
