"""The scheduler: runs a plan in dependency order, skipping every step whose key is already in the store.

Independent steps run side by side, up to ``jobs`` at once. Outputs are stored
as they finish, so a run killed at any moment keeps all it finished and the
next run picks up from there. A failed step stops new work; the steps already
running are finished and kept.
"""

from __future__ import annotations

import os
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from clapboard.errors import ClapboardError, StoreError
from clapboard.run.executors import Executor, LocalExecutor, Made
from clapboard.store import Provenance, RunStatus

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from clapboard.engine.registry import BackendChoice
    from clapboard.plan.plan import Plan
    from clapboard.plan.step import Step
    from clapboard.store import Store


#: Threads writing blobs: fsync waits on the disk, not the CPU, so more than the cores pays off.
WRITERS = 8


class StepFailed(ClapboardError):
    """A step whose kind raised: names the step and says what went wrong."""

    def __init__(self, step: Step, cause: BaseException) -> None:
        self.step = step
        self.cause = cause
        detail = cause.one_line() if isinstance(cause, ClapboardError) else f"{type(cause).__name__}: {cause}"
        super().__init__(f"step {step.name!r} ({step.kind}) failed: {detail}")


@dataclass(frozen=True)
class RunReport:
    """What a run did: distinct steps planned, made and reused, how long it took, the files it exported."""

    run_id: int
    status: RunStatus
    planned: int
    ran: int
    reused: int
    seconds: float
    exported: tuple[Path, ...] = ()


def default_jobs() -> int:
    """Steps to run at once when the settings say 0: one per CPU core."""
    return os.cpu_count() or 1


def run_plan(
    plan: Plan,
    store: Store,
    *,
    jobs: int = 0,
    until: str | None = None,
    executor: Executor | None = None,
    choices: Mapping[str, BackendChoice] | None = None,
    progress: bool = False,
    console: Console | None = None,
) -> RunReport:
    """Make every step of ``plan`` (up to stage ``until``) whose output is not in ``store`` yet.

    ``choices`` are the project's backends, handed to steps that call one.
    Without an ``executor``, steps run on ``jobs`` local threads. Call it under
    the project lock (:meth:`Store.lock`).
    """
    started = time.perf_counter()
    selected = plan.until(until) if until else plan
    steps = selected.by_key
    made = store.made(steps)
    todo = {key: step for key, step in steps.items() if key not in made}
    _check_inputs(todo, made, store)
    own_executor = executor is None
    runner = executor if executor is not None else LocalExecutor(jobs or default_jobs())
    run_id = store.begin_run(runner.name, runner.jobs, until, len(steps))
    shot = _Shoot(store, runner, todo, run_id, choices or {})
    status: RunStatus = "interrupted"  # unless the run gets to say otherwise, as Ctrl-C does not
    try:
        with _Display(progress, console, len(todo), len(steps) - len(todo)) as display:
            shot.roll(display)
        status = "failed" if shot.failure else "done"
    except Exception:
        status = "failed"
        raise
    finally:
        if own_executor:
            runner.close()
        # Point each name at its current take, reused ones included, even after a failure.
        current = {s.name: s.key for s in selected if s.key in made or s.key in shot.finished}
        store.point_latest(_changed(store, current))
        error = str(shot.failure) if shot.failure else None
        store.end_run(run_id, status, ran=len(shot.finished), reused=len(made), failed=shot.failed, error=error)
    if shot.failure:
        raise shot.failure
    return RunReport(run_id, status, len(steps), len(shot.finished), len(made), time.perf_counter() - started)


def _check_inputs(todo: Mapping[str, Step], made: set[str], store: Store) -> None:
    outside = {key for step in todo.values() for key in step.inputs if key not in todo and key not in made}
    missing = outside - store.made(outside)
    if missing:
        needed_by = next(s.name for s in todo.values() if missing & set(s.inputs))
        raise StoreError(f"step {needed_by!r} reads an output that is neither planned nor stored ({min(missing)})")


def _changed(store: Store, current: Mapping[str, str]) -> dict[str, str]:
    latest = store.latest_keys()
    return {name: key for name, key in current.items() if latest.get(name) != key}


class _Shoot:
    """One pass over the steps to make: hands ready steps to the executor and stores what comes back."""

    def __init__(
        self,
        store: Store,
        executor: Executor,
        todo: Mapping[str, Step],
        run_id: int,
        choices: Mapping[str, BackendChoice],
    ) -> None:
        self.store = store
        self.executor = executor
        self.todo = todo
        self.run_id = run_id
        self.choices = choices
        workshop = store.root / "workshop"
        workshop.mkdir(exist_ok=True)
        self.workshop = str(workshop)
        self.finished: set[str] = set()
        self.failure: StepFailed | None = None
        self.failed = 0
        self.waiting = {key: {i for i in step.inputs if i in todo} for key, step in todo.items()}
        self.dependents: dict[str, list[str]] = {}
        for key, needs in self.waiting.items():
            for need in needs:
                self.dependents.setdefault(need, []).append(key)

    def roll(self, display: _Display) -> None:
        ready = deque(key for key, needs in self.waiting.items() if not needs)
        making: dict[Future[Made], Step] = {}
        writing: dict[Future[str], tuple[Step, Made]] = {}
        # Blobs are written (and fsynced) on threads of their own, so slow disks overlap with the work.
        with ThreadPoolExecutor(max_workers=WRITERS, thread_name_prefix="clapboard-write") as writers:
            while ready or making or writing:
                while ready and len(making) < self.executor.jobs and self.failure is None:
                    step = self.todo[ready.popleft()]
                    inputs = tuple(self.store.output(key) for key in step.inputs)
                    making[self.executor.submit(step, inputs, self.choices, self.workshop)] = step
                    display.starting(step)
                if not making and not writing:
                    break
                pending: list[Future[Any]] = [*making, *writing]
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    if future in making:
                        step = making.pop(future)
                        try:
                            made = future.result()
                        except Exception as exc:
                            # Ray wraps the step's exception; report the one the kind raised.
                            self.fail(step, getattr(exc, "cause", None) or exc)
                            continue
                        writing[writers.submit(self.store.vault.put, made.data)] = (step, made)
                    else:
                        step, made = writing.pop(future)
                        try:
                            blob = future.result()
                        except OSError as exc:
                            self.fail(step, StoreError(f"cannot write its output to {self.store.root}: {exc}"))
                            continue
                        self.store.catalog_take(
                            provenance_of(step, made=made, run_id=self.run_id), blob, len(made.data)
                        )
                        self.finished.add(step.key)
                        display.finished()
                        for later in self.dependents.get(step.key, ()):
                            self.waiting[later].discard(step.key)
                            if not self.waiting[later]:
                                ready.append(later)

    def fail(self, step: Step, cause: BaseException) -> None:
        """Note a failed step: the first failure is the one reported, and no new steps start."""
        self.failure = self.failure or StepFailed(step, cause)
        self.failed += 1


def provenance_of(
    step: Step, *, made: Made | None = None, run_id: int | None = None, human: bool = False
) -> Provenance:
    """The ledger row for an output of ``step``: made by a backend (``made``) or by a person (``human``)."""
    backend = None if human else step.backend
    return Provenance(
        key=step.key,
        name=step.name,
        stage=step.stage,
        kind=step.kind,
        slate=step.slate,
        take=step.take,
        seed=step.seed,
        params=step.params_json,
        inputs=step.inputs,
        backend=backend.name if backend else None,
        backend_version=backend.version if backend else None,
        model_hash=backend.model_hash if backend else None,
        prompt=made.prompt if made else None,
        made_by="human" if human else "machine",
        seconds=made.seconds if made else 0.0,
        run_id=run_id,
    )


class _Display:
    """Rich progress on the console: steps made out of those to make, reused ones, time left."""

    def __init__(self, enabled: bool, console: Console | None, total: int, reused: int) -> None:
        self.progress: Progress | None = None
        if enabled:
            self.progress = Progress(
                SpinnerColumn(),
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("made, {task.fields[reused]} reused"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=console or Console(stderr=True),
            )
            self.task = self.progress.add_task("making", total=total, reused=reused)

    def __enter__(self) -> _Display:
        if self.progress is not None:
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.update(self.task, description="made")
            self.progress.stop()

    def starting(self, step: Step) -> None:
        if self.progress is not None:
            self.progress.update(self.task, description=step.name)

    def finished(self) -> None:
        if self.progress is not None:
            self.progress.advance(self.task)
