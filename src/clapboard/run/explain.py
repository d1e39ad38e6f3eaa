"""Why a step would run: the plan compared with what the store last made under each step name.

Nothing re-runs without a reason that can be printed: new, input changed,
params changed, backend changed, or a new take after a rejection.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from clapboard.plan.plan import Plan
    from clapboard.plan.step import Step
    from clapboard.store import Store, Take

#: Inputs named one by one in a reason before the rest are only counted.
_NAMED_INPUTS = 3


@dataclass(frozen=True)
class Verdict:
    """What a run would do with one step, and why."""

    step: Step
    action: Literal["run", "reuse"]
    reason: str

    def __str__(self) -> str:
        return f"{self.action:<6} {self.step.name}  ({self.reason})"


def explain(plan: Plan, store: Store, *, until: str | None = None) -> list[Verdict]:
    """A verdict for every step of ``plan`` (up to stage ``until``), in plan order; runs nothing."""
    selected = plan.until(until) if until else plan
    made = store.made(step.key for step in selected)
    latest = store.latest()
    verdicts: list[Verdict] = []
    for step in selected:
        if step.key in made:
            reason = "pinned" if step.name in plan.pinned else "up to date"
            verdicts.append(Verdict(step, "reuse", reason))
        else:
            verdicts.append(Verdict(step, "run", why(step, latest.get(step.name), plan)))
    return verdicts


def why(step: Step, previous: Take | None, plan: Plan) -> str:
    """Why ``step`` differs from ``previous``, the take last made under its name."""
    if previous is None:
        return "new"
    was = previous.provenance
    reasons: list[str] = []
    if was.kind != step.kind:
        reasons.append(f"kind changed ({was.kind} → {step.kind})")
    elif was.params != step.params_json:
        before = json.loads(was.params)
        changed = sorted(k for k in {*before, *step.params} if before.get(k) != step.params.get(k))
        reasons.append(f"params changed ({', '.join(changed)})")
    before_backend = (was.backend, was.backend_version, was.model_hash)
    now_backend = (step.backend.name, step.backend.version, step.backend.model_hash) if step.backend else (None,) * 3
    if before_backend != now_backend:
        reasons.append(f"backend changed ({_backend(*before_backend)} → {_backend(*now_backend)})")
    if was.inputs != step.inputs:
        reasons.append(_inputs_changed(step, set(was.inputs), plan))
    if was.take != step.take:
        reasons.append(f"take {step.take} after a rejection")
    return "; ".join(reasons) or "not made yet"


def _inputs_changed(step: Step, before: set[str], plan: Plan) -> str:
    names = [plan.by_key[key].name if key in plan.by_key else key[:12] for key in step.inputs if key not in before]
    if not names:
        return "inputs removed"
    shown = ", ".join(names[:_NAMED_INPUTS])
    if len(names) > _NAMED_INPUTS:
        shown += f", … {len(names)} in all"
    return f"input changed ({shown})" if len(names) == 1 else f"inputs changed ({shown})"


def _backend(name: str | None, version: str | None, model_hash: str | None) -> str:
    if name is None:
        return "none"
    label = f"{name} {version}"
    return f"{label} model {model_hash[:12]}" if model_hash else label
