"""The task parser: script and settings in, a Plan (a DAG of keyed Steps) out, with no side effects.

Importing this package registers the built-in stages and step kinds.
"""

from clapboard.plan import breakdown, prep, previs, release, soundtrack
from clapboard.plan.plan import Plan, Planner, build_plan
from clapboard.plan.stages import Job, Kind, Output, Stage, find_kind, kind, order_stages, pipeline, stage
from clapboard.plan.step import BackendIdentity, PlanError, Step, canonical_json, derive_seed

__all__ = [
    "BackendIdentity",
    "Job",
    "Kind",
    "Output",
    "Plan",
    "PlanError",
    "Planner",
    "Stage",
    "Step",
    "breakdown",
    "build_plan",
    "canonical_json",
    "derive_seed",
    "find_kind",
    "kind",
    "order_stages",
    "pipeline",
    "prep",
    "previs",
    "release",
    "soundtrack",
    "stage",
]
