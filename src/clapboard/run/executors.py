"""Executors: where a step's work happens. ``local`` uses threads here; ``ray`` sends steps to a Ray cluster.

An executor only computes outputs. The scheduler loads the inputs and stores
the results itself, so the store is written by one process, whatever runs the
steps, and a Ray worker needs no access to the project folder.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from clapboard.engine.registry import BackendChoice, open_backend
from clapboard.errors import BackendUnavailable, ClapboardError
from clapboard.plan.stages import Job, Output, find_kind
from clapboard.plan.step import PlanError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from clapboard.plan.stages import Kind
    from clapboard.plan.step import Step


@dataclass(frozen=True)
class Made:
    """A step's output as its kind returned it, with the seconds the work took."""

    data: bytes
    prompt: str | None
    seconds: float


def perform(
    kind: Kind,
    step: Step,
    inputs: tuple[bytes, ...],
    choices: Mapping[str, BackendChoice],
    workshop: str | None = None,
) -> Made:
    """Make one step's output: run its kind's function on its inputs. Runs wherever the executor puts it.

    ``workshop`` is a folder the kind may keep reusable pieces in; a worker that cannot reach it goes without.
    """
    started = time.perf_counter()
    folder = Path(workshop) if workshop and Path(workshop).is_dir() else None
    result = kind.make(Job(step, inputs, partial(_open, choices), folder))
    output = result if isinstance(result, Output) else Output(result)
    if not isinstance(output.data, bytes):
        raise PlanError(f"step kind {step.kind!r} returned {type(output.data).__name__}, not bytes")
    return Made(output.data, output.prompt, time.perf_counter() - started)


def _open(choices: Mapping[str, BackendChoice], capability: str, name: str | None = None) -> Any:
    choice = choices.get(capability)
    if name is not None and (choice is None or choice.name != name):
        # Another engine of the same capability (a cast voice's) answers to the same consent registry.
        kept = tuple(item for item in (choice.options if choice else ()) if item[0] == "consents")
        choice = BackendChoice(capability, name, options=kept)
    if choice is None:
        raise BackendUnavailable(capability, f"no {capability} backend is set in clapboard.toml [backends]")
    return open_backend(choice)


class Executor(Protocol):
    """Runs steps and hands back futures of their outputs."""

    name: str
    jobs: int

    def submit(
        self, step: Step, inputs: tuple[bytes, ...], choices: Mapping[str, BackendChoice], workshop: str | None = None
    ) -> Future[Made]:
        """Start making ``step``; the future holds its output or the exception its kind raised."""
        ...

    def close(self) -> None:
        """Let go of threads, processes or cluster connections; pending work is cancelled."""
        ...


class LocalExecutor:
    """Steps on threads of this process: real work (models, ffmpeg) runs in native code outside the GIL."""

    name = "local"

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self._pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="clapboard-step")

    def submit(
        self, step: Step, inputs: tuple[bytes, ...], choices: Mapping[str, BackendChoice], workshop: str | None = None
    ) -> Future[Made]:
        """Queue the step on the thread pool."""
        return self._pool.submit(perform, find_kind(step.kind), step, inputs, choices, workshop)

    def close(self) -> None:
        """Wait for running steps and drop queued ones."""
        self._pool.shutdown(wait=True, cancel_futures=True)


class RayExecutor:
    """Steps as Ray tasks: one CPU each, and ``num_gpus=1`` for steps that declare they need a GPU.

    Joins the cluster at ``address``, or uses the Ray already started in this
    process, or starts a private one on this machine.
    """

    name = "ray"

    def __init__(self, jobs: int = 0, address: str | None = None) -> None:
        try:
            import ray
        except ImportError:
            raise ClapboardError("the ray executor needs Ray: pip install 'clapboard[ray]'") from None
        self._ray = ray
        self._owns_ray = not ray.is_initialized()
        if self._owns_ray:
            try:
                ray.init(address=address or None, include_dashboard=False, logging_level=logging.WARNING)
            except (ConnectionError, RuntimeError) as exc:
                raise ClapboardError(f"cannot reach the Ray cluster at {address or 'this machine'}: {exc}") from None
        self.jobs = jobs or max(int(ray.cluster_resources().get("CPU", 1)), 1)
        self._task = ray.remote(perform)

    def submit(
        self, step: Step, inputs: tuple[bytes, ...], choices: Mapping[str, BackendChoice], workshop: str | None = None
    ) -> Future[Made]:
        """Send the step to the cluster, asking for a GPU when it needs one."""
        task = self._task.options(num_cpus=1, num_gpus=1 if step.needs_gpu else 0, name=step.name)
        # The kind travels with the task, so a worker runs kinds registered only in this process too.
        return task.remote(find_kind(step.kind), step, inputs, dict(choices), workshop).future()

    def close(self) -> None:
        """Shut down the Ray this executor started; a Ray someone else started stays up."""
        if self._owns_ray:
            self._ray.shutdown()
