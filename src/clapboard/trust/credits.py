"""Disclosure credits: per department, what people made and what models made, with which models, under which
licences, and who approved it.

:func:`credits_markdown` turns the takes behind a film (their provenance and
approvals, as the store keeps them) into ``out/credits.md``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from clapboard.trust.licences import licence_of, trained

if TYPE_CHECKING:
    from clapboard.store import Take

DEPARTMENTS = ("Writing", "Direction & Prep", "Art", "Voice", "Music & Sound", "Localization", "Editorial", "Other")
#: Words in a step kind and the department they put it in; the first match wins, so ``dub-mix`` is Localization
#: and ``scene-frames`` is Art.
_DEPARTMENT_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("writers",), "Writing"),
    (("dub", "translation", "subtitle", "alignment"), "Localization"),
    (("speech", "casting", "voice"), "Voice"),
    (("cue", "score", "mix", "music"), "Music & Sound"),
    (("frame", "concept", "storyboard", "floor-plan", "image"), "Art"),
    (("film", "reel", "cut"), "Editorial"),
    (("shot", "breakdown", "arc", "scene", "continuity", "timing"), "Direction & Prep"),
)
#: Human-made names listed per department before the rest are counted.
_NAMED = 10


def department(kind: str) -> str:
    """The department a step kind belongs to: ``scene-frames`` → Art, ``speech`` → Voice, ``film`` → Editorial."""
    for words, name in _DEPARTMENT_WORDS:
        if any(word in kind for word in words):
            return name
    return "Other"


def disclosure_card(makers: Iterable[tuple[str, str]]) -> str:
    """The words of the card before the film: which parts trained models made and which programs made.

    ``makers`` are (step kind, backend) pairs, as the film's plan has them.
    """
    models, programs = _makers_by_kind(makers)
    if models:
        lines = ["This film was made with AI assistance.", "", "Trained models: " + _listed(models)]
    else:
        lines = ["This film was made with generative programs;", "no trained AI model made any part of it.", ""]
    if programs:
        lines.append("Programs: " + _listed(programs))
    lines += ["", "Each file's Content Credentials tell which part came from where."]
    return "\n".join(lines)


def credits_card(
    title: str,
    authors: Sequence[str],
    approvers: Sequence[str],
    human_made: Iterable[tuple[str, str]],
    makers: Iterable[tuple[str, str]],
) -> str:
    """The words of the end card: writers and approvers, then per department who or what made its parts.

    ``human_made`` are (step kind, person) pairs for parts people made themselves; ``makers`` (step kind,
    backend) pairs, each backend named with its engine and licence.
    """
    lines = [title.upper() if title else "CREDITS", ""]
    if authors:
        lines.append("Written by " + ", ".join(authors))
    if approvers:
        lines.append("Reviewed and approved by " + ", ".join(approvers))
    people: dict[str, set[str]] = {}
    for kind, person in human_made:
        people.setdefault(department(kind), set()).add(person)
    tools: dict[str, set[str]] = {}
    for kind, backend in makers:
        tools.setdefault(department(kind), set()).add(backend)
    if len(lines) > 2:
        lines.append("")
    for name in DEPARTMENTS:
        if name not in people and name not in tools:
            continue
        parts = []
        if name in people:
            parts.append("by " + ", ".join(sorted(people[name])))
        for backend in sorted(tools.get(name, ())):
            known = licence_of(backend)
            kind = "model" if trained(backend) else "program"
            parts.append(f"{backend} ({kind}: {known.engine})" if known else f"{backend} ({kind})")
        lines.append(f"{name}: " + "; ".join(parts))
    lines += ["", "Made with Clapboard"]
    return "\n".join(lines)


def _makers_by_kind(makers: Iterable[tuple[str, str]]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Backends split into trained models and programs, each with the departments it worked in."""
    models: dict[str, set[str]] = {}
    programs: dict[str, set[str]] = {}
    for kind, backend in makers:
        (models if trained(backend) else programs).setdefault(backend, set()).add(department(kind).lower())
    return models, programs


def _listed(found: dict[str, set[str]]) -> str:
    return ", ".join(f"{backend} ({' & '.join(sorted(work))})" for backend, work in sorted(found.items()))


@dataclass
class _Tally:
    people: list[str] = field(default_factory=list)
    models: int = 0
    programs: int = 0
    approved: int = 0
    backends: Counter[str] = field(default_factory=Counter)


def credits_markdown(takes: Iterable[Take], *, title: str = "") -> str:
    """``credits.md`` for the takes behind a film: disclosure, departments, models and licences, approvals."""
    tallies, models, approvals = _tally(list(takes))
    lines = [f"# Credits{': ' + title if title else ''}", "", "## Disclosure", "", _disclosure_text(tallies), ""]
    lines += _departments(tallies)
    lines += _models(models)
    lines += _approvals(approvals)
    return "\n".join(lines).rstrip() + "\n"


_Models = dict[tuple[str, str, str], Counter[str]]


def _tally(takes: list[Take]) -> tuple[dict[str, _Tally], _Models, dict[str, Counter[str]]]:
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    models: _Models = defaultdict(Counter)
    approvals: dict[str, Counter[str]] = defaultdict(Counter)
    for take in takes:
        p = take.provenance
        tally = tallies[department(p.kind)]
        if p.made_by == "human":
            tally.people.append(p.name)
            approvals[take.approved_by or "an unnamed person"]["made"] += 1
        elif p.backend is None or not trained(p.backend):
            tally.programs += 1
        else:
            tally.models += 1
        if p.made_by != "human" and p.backend is not None:
            label = f"{p.backend} {p.backend_version or ''}".strip()
            tally.backends[label] += 1
            models[(p.backend, p.backend_version or "", p.model_hash or "")][department(p.kind)] += 1
        if take.approved_by:
            tally.approved += 1
            approvals[take.approved_by]["approved"] += 1
    return tallies, models, approvals


def disclosure(takes: Iterable[Take]) -> str:
    """The disclosure paragraph: how many parts came from trained models, from programs and from people, and
    how many a person approved; also the text of a disclosure card at the start of the film."""
    return _disclosure_text(_tally(list(takes))[0])


def _disclosure_text(tallies: dict[str, _Tally]) -> str:
    people = sum(len(t.people) for t in tallies.values())
    models = sum(t.models for t in tallies.values())
    programs = sum(t.programs for t in tallies.values())
    approved = sum(t.approved for t in tallies.values())
    return (
        f"This film was made with AI assistance. Of its {people + models + programs} parts, {models} came from "
        f"trained models, {programs} from programs without a trained model (drawing, rule-based speech and "
        f"translation, assembly) and {people} from people. A person approved {approved} of them."
    )


def _departments(tallies: dict[str, _Tally]) -> list[str]:
    lines = [
        "## Departments",
        "",
        "| Department | By people | By trained models | By programs | Approved by a person | Made with |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for name in DEPARTMENTS:
        tally = tallies.get(name)
        if tally is None:
            continue
        tools = ", ".join(f"{label} ({count})" for label, count in sorted(tally.backends.items())) or "-"
        lines.append(
            f"| {name} | {len(tally.people)} | {tally.models} | {tally.programs} | {tally.approved} | {_cell(tools)} |"
        )
    lines.append("")
    for name in DEPARTMENTS:
        tally = tallies.get(name)
        if tally is None or not tally.people:
            continue
        named = ", ".join(f"`{step}`" for step in sorted(tally.people)[:_NAMED])
        more = len(tally.people) - _NAMED
        lines.append(f"- {name}, made by people: {named}" + (f" and {more} more" if more > 0 else ""))
    if lines[-1]:
        lines.append("")
    return lines


def _models(models: _Models) -> list[str]:
    lines = ["## Models and licences", ""]
    if not models:
        return [*lines, "No backend made any part of this film.", ""]
    lines += [
        "| Backend | Used by | Engine and its licence | Model | Model licence |",
        "| --- | --- | --- | --- | --- |",
    ]
    for (backend, version, model_hash), uses in sorted(models.items()):
        known = licence_of(backend)
        engine = known.engine if known else "a third-party backend"
        if model_hash:
            model, licence = f"a model the project named, sha256 {model_hash[:16]}…", "see its model card"
        elif known:
            model, licence = known.model, known.model_licence
        else:
            model, licence = "its default model", "not known to Clapboard; see the backend's documentation"
        used = ", ".join(f"{name} ({count})" for name, count in sorted(uses.items()))
        cells = (f"{backend} {version}".strip(), used, engine, model, licence)
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return [*lines, ""]


def _approvals(approvals: dict[str, Counter[str]]) -> list[str]:
    lines = ["## Human approvals", ""]
    if not approvals:
        return [*lines, "No part of this film has been approved by a person yet.", ""]
    lines += ["| Person | Parts approved | Parts they made or replaced |", "| --- | ---: | ---: |"]
    for person, counts in sorted(approvals.items()):
        lines.append(f"| {_cell(person)} | {counts['approved']} | {counts['made']} |")
    return [*lines, ""]


def _cell(text: str) -> str:
    # A pipe would end the cell; a newline would end the table.
    return " ".join(text.split()).replace("|", "\\|")
