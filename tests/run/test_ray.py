"""The Ray executor on a Ray started here: same outputs as the local executor, GPUs for the steps that ask."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from clapboard.plan import Job, Planner, Stage, build_plan, kind
from clapboard.run import RayExecutor, run_plan
from clapboard.screenplay import Screenplay
from clapboard.store import Store
from tests.plan.scripts import night_shift

ray = pytest.importorskip("ray", reason="the 'ray' extra is not installed (pip install 'clapboard[ray]')")

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


@kind("test-render", needs_gpu=True)
def _render(job: Job) -> bytes:
    """What a GPU step sees of its worker: the GPU Ray gave it."""
    return json.dumps({"gpus": [str(g) for g in ray.get_gpu_ids()]}).encode()


@kind("test-edit")
def _edit(job: Job) -> bytes:
    return json.dumps({"gpus": [str(g) for g in ray.get_gpu_ids()], "inputs": len(job.inputs)}).encode()


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    # One logical GPU is enough for Ray to schedule num_gpus=1 tasks; workers import the tests from ROOT.
    ray.init(
        num_cpus=2,
        num_gpus=1,
        include_dashboard=False,
        logging_level="WARNING",
        runtime_env={"env_vars": {"PYTHONPATH": str(ROOT)}},
    )
    yield
    ray.shutdown()


def test_ray_makes_the_same_outputs_as_local_threads(local_ray: None, tmp_path: Path) -> None:
    plan = build_plan(night_shift())
    with Store.open(tmp_path / "ray") as on_ray, Store.open(tmp_path / "local") as on_threads:
        executor = RayExecutor()
        assert executor.jobs == 2
        report = run_plan(plan, on_ray, executor=executor)
        run_plan(plan, on_threads, jobs=2)
        assert (report.ran, on_ray.runs()[0].executor) == (len(plan.by_key), "ray")
        assert {s.name: on_ray.output(s.key) for s in plan} == {s.name: on_threads.output(s.key) for s in plan}
        assert run_plan(plan, on_ray, executor=executor).reused == len(plan.by_key)


def test_steps_that_need_a_gpu_are_given_one(local_ray: None, tmp_path: Path) -> None:
    def build(plan: Planner, script: Screenplay) -> None:
        frames = [plan.add("test-render", f"frame/{i}", params={"frame": i}) for i in range(3)]
        plan.add("test-edit", "cut", inputs=frames)

    plan = build_plan(Screenplay(), stages=[Stage("render", build)])
    with Store.open(tmp_path) as store:
        run_plan(plan, store, executor=RayExecutor())
        seen = {s.name: json.loads(store.output(s.key)) for s in plan}
    assert all(seen[f"frame/{i}"]["gpus"] == ["0"] for i in range(3))
    assert seen["cut"] == {"gpus": [], "inputs": 3}
