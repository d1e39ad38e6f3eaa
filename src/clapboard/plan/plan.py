"""The plan: a DAG of steps built from the screenplay and the settings, with no side effects.

Reviews reach the planner as plain data: how often each slate was rejected
(a new take, so a new seed and key) and which step names are pinned (the pinned
take stands in for the step, so nothing downstream of it moves).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

from clapboard.plan.direction import Direction
from clapboard.plan.stages import Stage, find_kind, order_stages, pipeline
from clapboard.plan.step import BackendIdentity, PlanError, Step

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence

    from clapboard.screenplay import Screenplay


@dataclass(frozen=True)
class Plan:
    """Steps in dependency order (every input before the step that reads it), grouped by stage."""

    steps: tuple[Step, ...]
    stages: tuple[str, ...]
    pinned: frozenset[str] = field(default_factory=frozenset)

    def __len__(self) -> int:
        return len(self.steps)

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)

    @cached_property
    def by_name(self) -> dict[str, Step]:
        """Each step under its name."""
        return {s.name: s for s in self.steps}

    @cached_property
    def by_key(self) -> dict[str, Step]:
        """Each distinct content key with the first step that has it (identical steps share a key)."""
        found: dict[str, Step] = {}
        for s in self.steps:
            found.setdefault(s.key, s)
        return found

    @property
    def exports(self) -> tuple[Step, ...]:
        """The steps whose outputs are copied into ``out/``."""
        return tuple(s for s in self.steps if s.export)

    def until(self, stage: str) -> Plan:
        """The part of the plan that stops after ``stage``: its steps and those of every earlier stage."""
        if stage not in self.stages:
            raise PlanError(f"unknown stage {stage!r}; stages: {', '.join(self.stages)}")
        allowed = set(self.stages[: self.stages.index(stage) + 1])
        return Plan(tuple(s for s in self.steps if s.stage in allowed), self.stages, self.pinned)


class Planner:
    """Collects steps as stages add them, turning each into its final, keyed form."""

    def __init__(
        self,
        *,
        backends: Callable[[str], BackendIdentity | None] | None = None,
        rejections: Mapping[str, int] | None = None,
        pins: Mapping[str, Step] | None = None,
        direction: Direction | None = None,
    ) -> None:
        #: The project's settings the stages follow.
        self.direction = direction or Direction()
        self._backends = backends
        self._rejections = rejections or {}
        self._pins = pins or {}
        self._steps: list[Step] = []
        self._by_name: dict[str, Step] = {}
        self._by_stage: dict[str, list[Step]] = {}
        self._pinned: set[str] = set()
        self._stage = ""
        self._readable: frozenset[str] = frozenset()

    def begin(self, stage: Stage) -> None:
        """Start adding the steps of ``stage``; it may read only the stages it consumes."""
        self._stage = stage.name
        self._readable = frozenset({*stage.consumes, stage.name})
        self._by_stage.setdefault(stage.name, [])

    def steps_of(self, stage: str) -> tuple[Step, ...]:
        """The steps an earlier stage added; a stage may only read what it declared it consumes."""
        if stage not in self._readable:
            raise PlanError(f"stage {self._stage!r} reads stage {stage!r} without declaring that it consumes it")
        return tuple(self._by_stage.get(stage, ()))

    def can_serve(self, capability: str) -> bool:
        """Whether the settings chose a backend for ``capability``: only then does a stage plan optional steps using it.

        A chosen backend that cannot be used is no quiet "no": the lookup's error comes out.
        """
        return self._backends is not None and self._backends(capability) is not None

    def backend_name(self, capability: str) -> str | None:
        """The name of the backend the settings chose for ``capability``, or None."""
        chosen = self._backends(capability) if self._backends is not None else None
        return chosen.name if chosen is not None else None

    def add(
        self,
        kind: str,
        name: str,
        *,
        params: Mapping[str, Any] | None = None,
        inputs: Sequence[Step] = (),
        export: str | None = None,
        backend: str | None = None,
    ) -> Step:
        """Add a step of ``kind`` that reads ``inputs`` (steps added before it) and return it, keyed.

        ``backend`` names the backend to serve this one step in place of the
        capability's chosen one (each cast voice is spoken by its own engine).
        """
        if not self._stage:
            raise PlanError(f"step {name!r} added outside any stage")
        if name in self._by_name:
            raise PlanError(f"two steps are named {name!r}")
        for source in inputs:
            if self._by_name.get(source.name) is not source:
                raise PlanError(f"step {name!r} reads {source.name!r}, which is not an earlier step of this plan")
        made_by = find_kind(kind)
        identity = None
        if made_by.capability is not None:
            if self._backends is not None:
                identity = self._backends(made_by.capability)
                if backend is not None and (identity is None or identity.name != backend):
                    identity = self._backends(made_by.capability, backend)  # type: ignore[call-arg]
            if identity is None:
                raise PlanError(f"step {name!r} needs a {made_by.capability} backend and none was configured")
        step = Step(
            kind,
            name,
            self._stage,
            dict(params or {}),
            tuple(s.key for s in inputs),
            identity,
            needs_gpu=made_by.needs_gpu,
            export=export,
        )
        rejected = self._rejections.get(step.slate, 0)
        if rejected:
            step = replace(step, take=rejected + 1)
        pinned = self._pins.get(name)
        if pinned is not None:
            # The pinned take stands in, whatever its recipe was; only where it lands in the plan is current.
            step = replace(pinned, stage=self._stage, export=export)
            self._pinned.add(name)
        self._steps.append(step)
        self._by_name[name] = step
        self._by_stage[self._stage].append(step)
        return step

    def plan(self, stages: Sequence[str]) -> Plan:
        """The finished plan."""
        return Plan(tuple(self._steps), tuple(stages), frozenset(self._pinned))


def build_plan(
    script: Screenplay,
    *,
    backends: Callable[[str], BackendIdentity | None] | None = None,
    rejections: Mapping[str, int] | None = None,
    pins: Mapping[str, Step] | None = None,
    stages: Sequence[Stage] | None = None,
    direction: Direction | None = None,
) -> Plan:
    """The plan for ``script``: every stage (the registered pipeline by default) adds its steps in order.

    ``backends`` maps a capability to the identity of the backend the settings
    chose for it, or to None when they chose none (as for every capability
    when ``backends`` is None); ``rejections`` counts rejected takes per slate;
    ``pins`` maps a step name to the step of its pinned take; ``direction``
    holds the settings the stages follow.
    """
    ordered = order_stages(tuple(stages)) if stages is not None else pipeline()
    planner = Planner(backends=backends, rejections=rejections, pins=pins, direction=direction)
    for each in ordered:
        planner.begin(each)
        each.build(planner, script)
    return planner.plan([s.name for s in ordered])
