"""Shared set-up for the model lab's tests: skipped whole without the ``lab`` extra, one CPU thread each."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

try:
    import torch
except ImportError:  # no lab extra: every module here skips itself, see pytest_pycollect_makemodule
    torch = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from clapboard.lab.base import LabModel

#: Runs a model for a number of steps on the shapes set and returns what every step reported.
Rehearsal = Callable[["LabModel", int], list[dict[str, float]]]

#: Why every test here is skipped when torch is missing.
NEEDS_LAB = "the model lab needs the 'lab' extra: pip install 'clapboard[lab]'"


class _LabModule(pytest.Module):
    """A test module of the lab, skipped whole at collection when torch is not installed."""

    def collect(self) -> Iterator[pytest.Item | pytest.Collector]:  # type: ignore[override]
        """Skip before the module is imported, since it imports torch at its top."""
        pytest.importorskip("torch", reason=NEEDS_LAB)
        yield from super().collect()


def pytest_pycollect_makemodule(module_path: Path, parent: pytest.Collector) -> pytest.Module | None:
    """Collect this folder's test modules as skippable ones when torch is missing (else the usual way).

    A skip raised in this conftest itself would do for a whole-suite run, but is an error when the folder or one of
    its files is named on the command line; a module that skips itself works either way.
    """
    if torch is None and module_path.name.startswith("test_"):
        return _LabModule.from_parent(parent, path=module_path)
    return None


@pytest.fixture(scope="module", autouse=True)
def one_thread() -> Iterator[None]:
    """Train on one core: the tests run beside others on a small machine, and one thread keeps timings steady.

    Module-wide, and autouse fixtures come first in their scope, so it is in force for a module's trained-model
    fixtures too; torch gets its threads back after each module."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="session")
def shape_set() -> tuple[torch.Tensor, torch.Tensor]:
    """512 shapes at 16x16 from seed 0, with their labels: the training set of the models' tests."""
    from clapboard.lab import data

    return data.shapes(512, size=16, seed=0)


@pytest.fixture(scope="session")
def rehearse(shape_set: tuple[torch.Tensor, torch.Tensor]) -> Rehearsal:
    """Train a model on :func:`shape_set` in batches of 32 shuffled from a fixed seed, each model its own stream,
    going on where its last call stopped. The noise a model draws comes from torch's global generator: seed it when
    building the model."""
    from clapboard.lab import data

    images, labels = shape_set
    streams: weakref.WeakKeyDictionary[LabModel, Iterator[tuple[torch.Tensor, torch.Tensor | None]]]
    streams = weakref.WeakKeyDictionary()

    def run(model: LabModel, steps: int) -> list[dict[str, float]]:
        if model not in streams:
            streams[model] = data.batches(images, labels, batch=32, generator=torch.Generator().manual_seed(1))
        reports = []
        for _ in range(steps):
            batch, classes = next(streams[model])
            reports.append(model.train_step(batch, classes if model.conditional else None))
        return reports

    return run
