"""The execution scheduler and the production verbs built on it.

:func:`run_plan` runs any plan against a store; :func:`make`, :func:`dry_run`,
:func:`status`, :func:`review`, :func:`replace_take`, :func:`export`,
:func:`collect_garbage` and :func:`history` do the same for a project folder.
"""

from clapboard.run.executors import Executor, LocalExecutor, Made, RayExecutor, perform
from clapboard.run.explain import Verdict, explain, why
from clapboard.run.production import (
    Status,
    collect_garbage,
    dry_run,
    export,
    history,
    make,
    plan_project,
    preferences,
    replace_take,
    reset_preferences,
    review,
    status,
    step_of,
)
from clapboard.run.scheduler import RunReport, StepFailed, default_jobs, run_plan

__all__ = [
    "Executor",
    "LocalExecutor",
    "Made",
    "RayExecutor",
    "RunReport",
    "Status",
    "StepFailed",
    "Verdict",
    "collect_garbage",
    "default_jobs",
    "dry_run",
    "explain",
    "export",
    "history",
    "make",
    "perform",
    "plan_project",
    "preferences",
    "replace_take",
    "reset_preferences",
    "review",
    "run_plan",
    "status",
    "step_of",
    "why",
]
