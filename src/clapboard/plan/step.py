"""A step is data: what to do, with which parameters, from which inputs, by which backend.

Its **content key** hashes all of that, so the same key means the same output
and a step whose key is already in the store never runs again. The key is built
in two layers: the *slate* hashes the recipe (kind, params, input keys, backend
identity); the key adds the take number, whose seed changes each time a person
rejects what the slate produced.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from clapboard.errors import ClapboardError


class PlanError(ClapboardError):
    """A plan that cannot be built: an unknown stage or kind, a name used twice, a stray input."""


@dataclass(frozen=True)
class BackendIdentity:
    """Who makes a step's output: backend name, its version and the hash of its model file."""

    name: str
    version: str
    model_hash: str = ""

    def __str__(self) -> str:
        label = f"{self.name} {self.version}"
        return f"{label} (model {self.model_hash[:12]})" if self.model_hash else label


# One encoder for all: json.dumps() with options builds a new one per call, which shows in a 5,000-step plan.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def canonical_json(value: Any) -> str:
    """``value`` as JSON with sorted keys and no spacing: the same data always gives the same text."""
    return _CANONICAL.encode(value)


def derive_seed(slate: str, take: int) -> int:
    """The random seed of take ``take`` of a slate: stable across runs, new after each rejection."""
    return int.from_bytes(hashlib.sha256(f"{slate}:take{take}".encode()).digest()[:4], "big")


@dataclass(frozen=True)
class Step:
    """One unit of work in a plan, as plain data.

    ``name`` says where the step sits in the film (``scene/12/breakdown``) and
    ``stage`` which pipeline stage made it; neither is part of the key, so moving
    a scene does not remake it. ``export`` is the path under ``out/`` its output
    is copied to, if any.
    """

    kind: str
    name: str
    stage: str
    params: dict[str, Any] = field(default_factory=dict)
    inputs: tuple[str, ...] = ()
    backend: BackendIdentity | None = None
    take: int = 1
    needs_gpu: bool = False
    export: str | None = None
    params_json: str = field(init=False, repr=False)
    slate: str = field(init=False, repr=False)
    seed: int = field(init=False, repr=False)
    key: str = field(init=False)

    def __post_init__(self) -> None:
        if self.take < 1:
            raise PlanError(f"step {self.name!r}: take numbers start at 1, not {self.take}")
        try:
            params_json = canonical_json(self.params)
        except (TypeError, ValueError) as exc:
            raise PlanError(f"step {self.name!r}: parameters must be plain JSON data ({exc})") from None
        backend = None if self.backend is None else [self.backend.name, self.backend.version, self.backend.model_hash]
        recipe = f'{{"backend":{canonical_json(backend)},"inputs":{canonical_json(list(self.inputs))},'
        recipe += f'"kind":{canonical_json(self.kind)},"params":{params_json}}}'
        slate = hashlib.sha256(recipe.encode()).hexdigest()
        seed = derive_seed(slate, self.take)
        object.__setattr__(self, "params_json", params_json)
        object.__setattr__(self, "slate", slate)
        object.__setattr__(self, "seed", seed)
        object.__setattr__(self, "key", hashlib.sha256(f"{slate}:{seed}".encode()).hexdigest())

    def __hash__(self) -> int:
        return hash((self.key, self.name))
