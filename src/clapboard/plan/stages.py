"""The one place step kinds and pipeline stages are registered.

A **kind** is the function that makes a step's output from its inputs (pure
apart from the backend it may call). A **stage** grows the plan: it reads the
script and the steps of the stages it declares it consumes, and adds its own
steps. The order stages run in follows from what they consume.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from clapboard.plan.step import PlanError, Step

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from clapboard.plan.plan import Planner
    from clapboard.screenplay import Screenplay


@dataclass(frozen=True)
class Output:
    """What a kind returns when it has more to say than the bytes: the prompt it sent."""

    data: bytes
    prompt: str | None = None


@dataclass(frozen=True)
class Job:
    """A step with its inputs loaded, handed to its kind's function to make the output."""

    step: Step
    inputs: tuple[bytes, ...]
    open_backend: Callable[[str, str | None], Any]
    #: A folder where a kind may keep content-addressed pieces between runs (rendered segments), or None.
    workshop: Path | None = None

    @property
    def params(self) -> dict[str, Any]:
        return self.step.params

    @property
    def seed(self) -> int:
        return self.step.seed

    def input_json(self, index: int) -> Any:
        """Input number ``index`` decoded as JSON."""
        return json.loads(self.inputs[index])

    def backend(self) -> Any:
        """The backend serving this step's capability, as the project's settings chose it."""
        capability = find_kind(self.step.kind).capability
        if capability is None:
            raise PlanError(f"step kind {self.step.kind!r} declares no capability, so it has no backend")
        # A step keyed to a backend other than the capability's choice (a cast voice's engine) opens that one.
        return self.open_backend(capability, self.step.backend.name if self.step.backend else None)


@dataclass(frozen=True)
class Kind:
    """A step kind: its function, the engine capability it calls (if any) and whether it needs a GPU."""

    name: str
    make: Callable[[Job], bytes | Output]
    capability: str | None = None
    needs_gpu: bool = False


@dataclass(frozen=True)
class Stage:
    """A pipeline stage: its name, the earlier stages it consumes and the function that adds its steps."""

    name: str
    build: Callable[[Planner, Screenplay], None]
    consumes: tuple[str, ...] = ()


_KINDS: dict[str, Kind] = {}
_STAGES: dict[str, Stage] = {}


def kind(
    name: str, *, capability: str | None = None, needs_gpu: bool = False
) -> Callable[[Callable[[Job], bytes | Output]], Callable[[Job], bytes | Output]]:
    """Register the decorated function as the maker of steps of kind ``name``."""

    def register(make: Callable[[Job], bytes | Output]) -> Callable[[Job], bytes | Output]:
        known = _KINDS.get(name)
        if known is not None and _origin(known.make) != _origin(make):
            raise PlanError(f"step kind {name!r} is already registered by {_origin(known.make)}")
        _KINDS[name] = Kind(name, make, capability, needs_gpu)
        return make

    return register


def stage(name: str, *, consumes: tuple[str, ...] = ()) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register the decorated function as the builder of pipeline stage ``name``."""

    def register(build: Callable[[Planner, Screenplay], None]) -> Callable[[Planner, Screenplay], None]:
        known = _STAGES.get(name)
        if known is not None and _origin(known.build) != _origin(build):
            raise PlanError(f"stage {name!r} is already registered by {_origin(known.build)}")
        _STAGES[name] = Stage(name, build, consumes)
        return build

    return register


def find_kind(name: str) -> Kind:
    """The registered kind called ``name``."""
    try:
        return _KINDS[name]
    except KeyError:
        raise PlanError(f"unknown step kind {name!r}; known: {', '.join(sorted(_KINDS)) or 'none'}") from None


def pipeline() -> tuple[Stage, ...]:
    """The registered stages in the order they run: each after every stage it consumes."""
    return order_stages(tuple(_STAGES.values()))


def order_stages(stages: tuple[Stage, ...]) -> tuple[Stage, ...]:
    """``stages`` sorted so each comes after the stages it consumes, keeping the given order otherwise."""
    by_name = {s.name: s for s in stages}
    ordered: list[Stage] = []
    placed: set[str] = set()
    visiting: set[str] = set()

    def place(current: Stage) -> None:
        if current.name in placed:
            return
        if current.name in visiting:
            raise PlanError(f"stage {current.name!r} consumes itself through a cycle")
        visiting.add(current.name)
        for earlier in current.consumes:
            if earlier not in by_name:
                raise PlanError(f"stage {current.name!r} consumes unknown stage {earlier!r}")
            place(by_name[earlier])
        visiting.discard(current.name)
        placed.add(current.name)
        ordered.append(current)

    for each in stages:
        place(each)
    return tuple(ordered)


def _origin(function: Callable[..., Any]) -> str:
    return f"{function.__module__}.{function.__qualname__}"
