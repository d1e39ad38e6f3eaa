"""What a filmmaker does with a project: make it, ask what is stale, review, export, collect garbage, read the history.

Each function takes a :class:`~clapboard.project.Project` and returns plain
data for the CLI or the studio to show; none of them prints.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from clapboard.engine.registry import BackendChoice, identify
from clapboard.errors import BackendUnavailable, StoreError
from clapboard.plan.plan import build_plan
from clapboard.plan.preferences import COVERAGE_KINDS, Preferences, Vote, learn
from clapboard.plan.soundtrack import unbundle
from clapboard.plan.stages import find_kind
from clapboard.plan.step import BackendIdentity, Step
from clapboard.run.executors import Executor, LocalExecutor, RayExecutor
from clapboard.run.explain import Verdict, explain
from clapboard.run.scheduler import RunReport, default_jobs, provenance_of, run_plan
from clapboard.screenplay.formats import load, write_atomic
from clapboard.screenplay.model import TitleField, TitlePage
from clapboard.store import digest
from clapboard.trust.consent import ConsentRegistry
from clapboard.trust.seal import SealedIndex, seal, signatory, write_credits

if TYPE_CHECKING:
    from collections.abc import Mapping

    from rich.console import Console

    from clapboard.plan.plan import Plan
    from clapboard.project import ExecutorName, Project
    from clapboard.store import Collection, Review, ReviewVerdict, RunRecord, Store, Take


@dataclass(frozen=True)
class Status:
    """How a project stands: each step's verdict and the last run."""

    verdicts: tuple[Verdict, ...]
    last_run: RunRecord | None

    @property
    def stale(self) -> tuple[Verdict, ...]:
        """The steps the next ``make`` would run."""
        return tuple(v for v in self.verdicts if v.action == "run")

    @property
    def up_to_date(self) -> bool:
        return not self.stale


def plan_project(project: Project, store: Store) -> Plan:
    """The project's plan as of now: its script and settings, and the reviews in its store."""
    script = load(project.script_path)
    if project.settings.title:
        others = tuple(f for f in script.title_page.fields if f.key.lower() != "title")
        script = replace(script, title_page=TitlePage((TitleField("Title", (project.settings.title,)), *others)))
    identities: dict[tuple[str, str | None], BackendIdentity] = {}

    def backend_for(capability: str, name: str | None = None) -> BackendIdentity:
        if (capability, name) not in identities:
            choice = project.settings.backends.get(capability)
            if name is not None and (choice is None or choice.name != name):
                choice = BackendChoice(capability, name)
            if choice is None:
                raise BackendUnavailable(capability, f"set a {capability} backend in clapboard.toml [backends]")
            identities[capability, name] = identify(choice)
        return identities[capability, name]

    pins = {name: step_of(take) for name, take in store.pins().items()}
    registry = ConsentRegistry(store.root)
    consented = frozenset(r.person for r in registry.list() if registry.check(r.person, "voice-clone"))
    direction = replace(project.settings.direction, consented=consented, preferences=learned(store), **_people(store))
    return build_plan(script, backends=backend_for, rejections=store.rejections(), pins=pins, direction=direction)


def _people(store: Store) -> dict[str, tuple]:
    """Who approved takes, and what kinds of part people made themselves, as the credits card names them."""
    reviews = store.reviews()
    approvers = sorted({r.reviewer for r in reviews if r.verdict in ("accept", "pin", "replace")})
    made: set[tuple[str, str]] = set()
    for r in reviews:
        take = store.take(r.key) if r.verdict == "replace" else None
        if take is not None:
            made.add((take.provenance.kind, r.reviewer))
    return {"approvers": tuple(approvers), "human_made": tuple(sorted(made))}


#: Verdicts that are votes for a take, and against one (a replacement votes against the machine's take).
_LIKED, _DISLIKED = frozenset({"accept", "pin"}), frozenset({"reject", "replace"})
_SCENE = re.compile(r"^(scene/[^/]+)/")


def learned(store: Store) -> Preferences:
    """What the reviews since the last reset teach the planner: each take's last vote, read as :func:`learn` wants."""
    last: dict[str, Review] = {}
    for review in store.reviews(learned=True):
        if review.verdict in _LIKED or review.verdict in _DISLIKED:
            last[review.key] = review
    return learn(vote for review in last.values() if (vote := _vote(store, review)) is not None)


def _vote(store: Store, review: Review) -> Vote | None:
    take = store.take(review.key)
    if take is None:
        return None
    p = take.provenance
    found = _SCENE.match(p.name)
    vote = Vote(review.verdict in _LIKED, scene=found.group(1) if found else "")
    if p.kind == "scene-frames" and p.inputs:
        shots = store.take(p.inputs[0])
        if shots is not None:
            coverage = json.loads(store.output(shots.key)).get("shots", [])
            sizes = tuple(s["size"] for s in coverage if s.get("kind") in COVERAGE_KINDS)
            vote = replace(vote, sizes=sizes)
    elif p.kind == "speech":
        params = json.loads(p.params)
        readings = params.get("readings") or [["", ""]]
        vote = replace(vote, character=params.get("character", ""), voice=(readings[0][1].split() or [""])[0])
    elif p.kind == "scene-cue" and p.prompt:
        arousal = re.search(r"arousal=(-?[0-9.]+)", p.prompt)
        vote = replace(vote, arousal=float(arousal.group(1)) if arousal else None)
    return vote


def reset_preferences(project: Project, reviewer: str) -> int:
    """Forget what the reviews taught the planner; the verdicts stay. Returns how many reviews are set aside."""
    with project.open_store() as store:
        return store.reset_preferences(reviewer)


def preferences(project: Project) -> Preferences:
    """What the planner has learned from this project's reviews so far."""
    with project.open_store() as store:
        return learned(store)


def step_of(take: Take) -> Step:
    """The step a stored take was made from, rebuilt from its provenance (how a pin enters a plan)."""
    p = take.provenance
    backend = BackendIdentity(p.backend, p.backend_version or "", p.model_hash or "") if p.backend else None
    step = Step(p.kind, p.name, p.stage, json.loads(p.params), p.inputs, backend, take=p.take)
    if step.key != p.key:
        raise StoreError(f"take {p.key} of {p.name!r} does not match its own provenance")
    return step


def make(
    project: Project,
    *,
    until: str | None = None,
    jobs: int | None = None,
    executor: ExecutorName | None = None,
    progress: bool = False,
    console: Console | None = None,
) -> RunReport:
    """Make the project (up to stage ``until``), then export the latest outputs into ``out/``.

    ``jobs`` and ``executor`` override ``clapboard.toml``.
    """
    settings = project.settings
    chosen = executor or settings.executor
    count = jobs if jobs is not None else settings.jobs
    with project.open_store() as store, store.lock():
        plan = plan_project(project, store)
        runner: Executor = (
            RayExecutor(count, settings.ray_address) if chosen == "ray" else LocalExecutor(count or default_jobs())
        )
        try:
            report = run_plan(
                plan,
                store,
                until=until,
                executor=runner,
                choices=_with_consents(project, store),
                progress=progress,
                console=console,
            )
        finally:
            runner.close()
        return replace(report, exported=tuple(_export(project, plan, store)))


def _with_consents(project: Project, store: Store) -> dict[str, BackendChoice]:
    """The project's backends, the speech backend given the consent registry to check cloned voices against."""
    choices = dict(project.settings.backends)
    speech = choices.get("speech")
    if speech is not None:
        allows = ConsentRegistry(store.root).allows
        choices["speech"] = replace(speech, options=(*speech.options, ("consents", allows)))
    return choices


def dry_run(project: Project, *, until: str | None = None) -> list[Verdict]:
    """What ``make`` would run and reuse, and why; changes nothing."""
    with project.open_store() as store:
        return explain(plan_project(project, store), store, until=until)


def status(project: Project) -> Status:
    """Which steps are stale and why, and how the last run ended."""
    with project.open_store() as store:
        verdicts = explain(plan_project(project, store), store)
        runs = store.runs(limit=1)
    return Status(tuple(verdicts), runs[0] if runs else None)


def export(project: Project) -> list[Path]:
    """Copy the latest outputs into the project's ``out/`` folder; returns the files written."""
    with project.open_store() as store:
        return _export(project, plan_project(project, store), store)


def _export(project: Project, plan: Plan, store: Store) -> list[Path]:
    settings = project.settings
    made = store.made(step.key for step in plan.exports)
    latest = store.latest_keys()
    sealed = SealedIndex.load(store.root / "trust" / "sealed.json") if settings.sign else None
    out = project.out_path
    written: list[Path] = []
    fresh: dict[Path, str] = {}
    for step in plan.exports:
        # A stale output is still the latest one made; status says it is stale.
        key = step.key if step.key in made else latest.get(step.name)
        if key is None or step.export is None:
            continue
        data = store.output(key)
        files = unbundle(data) if step.export.endswith("/") else {"": data}
        for name, content in files.items():
            target = out / step.export / name if name else out / step.export
            if not target.resolve().is_relative_to(out.resolve()):
                raise StoreError(f"step {step.name!r} would write {name!r} outside {out}")
            relative = target.relative_to(out).as_posix()
            if sealed is not None and sealed.current(relative, key, target):
                continue  # the signed copy of this very take
            if sealed is None and target.is_file() and target.read_bytes() == content:
                continue
            write_atomic(target, content)
            written.append(target)
            fresh[target] = key
    if sealed is not None and fresh:
        signer = signatory(store.root / "trust", settings.title, settings.certificate, settings.key)
        takes = {path: store.take(key) for path, key in fresh.items()}
        holders = seal(out, {p: t for p, t in takes.items() if t is not None}, signer, sealed)
        written.extend(h for h in holders if h not in written)
        current = [t for t in store.latest().values() if t.key in plan.by_key]
        written.extend(write_credits(out, current, signer, title=settings.title))
    return written


def collect_garbage(project: Project) -> Collection:
    """Delete outputs the current plan no longer uses; approved, pinned and latest ones are always kept."""
    with project.open_store() as store, store.lock():
        plan = plan_project(project, store)
        return store.collect(step.key for step in plan)


def review(project: Project, name: str, verdict: ReviewVerdict, reviewer: str, note: str = "") -> Take:
    """Accept, reject, pin or unpin the take step ``name`` last produced; the next plan follows the verdict."""
    with project.open_store() as store:
        current = _latest(store, name)
        store.review(current.key, verdict, reviewer, note)
        return current


def replace_take(project: Project, name: str, data: bytes, reviewer: str, note: str = "") -> Take:
    """Put a person's own file in place of the take step ``name`` last produced: human-made, approved and pinned."""
    with project.open_store() as store, store.lock():
        current = _latest(store, name)
        made = step_of(current)
        # The replacement is keyed like any step, so a pin on it rebuilds into the plan the usual way.
        own = Step(
            made.kind,
            made.name,
            made.stage,
            {**made.params, "replaced_by": digest(data)},
            made.inputs,
            None,
            take=made.take,
        )
        provenance = provenance_of(own, human=True)
        return store.replace(current.key, provenance, data, reviewer, note)


def _latest(store: Store, name: str) -> Take:
    found = store.latest().get(name)
    if found is None:
        raise StoreError(f"no step named {name!r} has made anything yet; run `clapboard make` first")
    return found


@dataclass(frozen=True)
class Account:
    """Why an asset is as it is: its take, the steps it was made from, and the steps made from it."""

    take: Take
    inputs: tuple[str, ...]
    template: str | None
    dependents: tuple[str, ...]


def account(project: Project, name: str) -> Account:
    """The account of the asset step ``name`` last made; a shot number (``3A``) names its scene's frames."""
    with project.open_store() as store:
        plan = plan_project(project, store)
        latest = store.latest()
        wanted = name if name in latest else _shot_step(name, latest)
        take = _latest(store, wanted)
        by_key = {t.key: n for n, t in latest.items()}
        inputs = tuple(by_key.get(key, key[:12]) for key in take.provenance.inputs)
        readers = {s.name for s in plan if take.key in s.inputs}
        dependents = tuple(sorted(readers | downstream_names(plan, readers)))
    kind = find_kind(take.provenance.kind)
    template = f"{kind.make.__module__}.{kind.make.__name__}" if kind else None
    return Account(take, inputs, template, dependents)


def downstream_names(plan: Plan, names: set[str]) -> set[str]:
    """Every step of ``plan`` that reads, directly or through others, one of the steps ``names``."""
    keys = {s.key for s in plan if s.name in names}
    found: set[str] = set()
    for step in plan:  # plan order puts every input before its readers
        if keys & set(step.inputs):
            keys.add(step.key)
            found.add(step.name)
    return found


def _shot_step(name: str, latest: Mapping[str, Take]) -> str:
    scene = name.rstrip("ABCDEFGHJKLMNPQRSTUVWXYZ")
    frames = f"scene/{scene}/frames"
    if scene and scene != name and frames in latest:
        return frames
    return name


def history(project: Project, limit: int | None = 20) -> list[RunRecord]:
    """The project's runs, newest first."""
    with project.open_store() as store:
        return store.runs(limit)
