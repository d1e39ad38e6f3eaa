"""The casting audit: voices against what the script says of each character, and who gets the words.

Two questions a producer should be able to answer before a screening: did the
machine give anyone a voice that contradicts the script (a woman voiced by a
male voice, a child by an old one), and how the dialogue is shared between
the sexes the script describes. Then, in :mod:`clapboard.trust.representation`,
how the script describes its characters: who is described at all, by sex and
age, and in what words. ``[audit]`` in ``clapboard.toml`` says what to flag: a
voice of the other sex, a sex's share of the words, or of the described
characters and speaking roles, below a floor, and one sex described by their
looks more than so many times as often as the other.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from clapboard.trust import representation

#: Ages a voice does not suit: a voice pitched low (below -2 semitones) for a child under 13, or a child's
#: (above +4) for someone over 60, is flagged.
CHILD, OLD = 13, 60


@dataclass(frozen=True)
class Finding:
    """One flagged thing: which rule, about whom, and what was seen."""

    rule: str
    character: str
    detail: str


def audit(
    members: list[dict[str, Any]],
    *,
    mismatch: bool = True,
    min_share: float = 0.0,
    people: Sequence[Mapping[str, Any]] = (),
    min_described_share: float = 0.0,
    appearance_gap: float = 0.0,
) -> list[Finding]:
    """Findings over the cast: each member is ``{name, gender, age, words, voice, voice_gender, pitch}``, each
    of ``people`` a character as :func:`clapboard.plan.categories.introduced` reads them."""
    found: list[Finding] = []
    for m in members:
        if mismatch and m["gender"] and m["voice_gender"] and m["gender"] != m["voice_gender"]:
            seen = f"described {m['gender']}, voiced by a {m['voice_gender']} voice"
            found.append(Finding("voice-sex", m["name"], seen))
        age = m["age"]
        if mismatch and age is not None and age < CHILD and m["pitch"] < -2:
            found.append(Finding("voice-age", m["name"], f"aged {age}, voiced {m['pitch']:+.1f} semitones low"))
        if mismatch and age is not None and age > OLD and m["pitch"] > 4:
            found.append(Finding("voice-age", m["name"], f"aged {age}, voiced {m['pitch']:+.1f} semitones high"))
    words = Counter({m["gender"] or "unknown": 0 for m in members})
    for m in members:
        words[m["gender"] or "unknown"] += m["words"]
    found += _floor("share", words, min_share, "of the words")
    portraits = representation.read(people)
    if min_described_share > 0:
        table = representation.share_table(portraits, "sex")
        for column, what in enumerate(("of the described characters", "of the speaking roles")):
            counts = Counter({sex: row[column] for sex, row in table.items()})
            found += _floor("described-share", counts, min_described_share, what)
    if appearance_gap > 0:
        found += _appearance(representation.appearance_rates(portraits), appearance_gap)
    return found


def shares(members: list[dict[str, Any]]) -> dict[str, float]:
    """The share of dialogue words per described sex (``unknown`` where the script does not say)."""
    words: Counter[str] = Counter()
    for m in members:
        words[m["gender"] or "unknown"] += m["words"]
    total = sum(words.values()) or 1
    return {gender: count / total for gender, count in sorted(words.items())}


def report(
    members: list[dict[str, Any]], findings: list[Finding], people: Sequence[Mapping[str, Any]] | None = None
) -> str:
    """``audit.md``: the cast against their voices, the share of words, how ``people`` are described (when
    given), and the findings."""
    rows = ["# Casting audit", ""]
    if members:
        rows += [
            "Each speaking character as the script describes them, and the voice cast for them.",
            "",
            "| Character | Sex (script) | Age (script) | Words | Voice | Voice's sex | Pitch |",
            "|---|---|---:|---:|---|---|---:|",
        ]
        for m in members:
            age = m["age"] if m["age"] is not None else "?"
            rows.append(
                f"| {m['name']} | {m['gender'] or '?'} | {age} | {m['words']} | {m['voice']} | "
                f"{m['voice_gender'] or '?'} | {m['pitch']:+.1f} |"
            )
        rows += ["", "## Who speaks", "", "| Sex (script) | Share of the words |", "|---|---:|"]
        rows += [f"| {gender} | {share:.0%} |" for gender, share in shares(members).items()]
        rows.append("")
    if people is not None:
        rows += [*representation.section(representation.read(people)), ""]
    rows += ["## Findings", ""]
    rows += [f"- **{f.rule}** {f.character}: {f.detail}" for f in findings] or ["None."]
    return "\n".join(rows) + "\n"


def _floor(rule: str, counts: Counter[str], floor: float, what: str) -> list[Finding]:
    """A finding for each sex whose share of ``counts`` is below ``floor``; a sex with none has a share of 0.
    Nothing when the floor is off or the script gives nobody a sex."""
    total = sum(counts.values())
    if floor <= 0 or not total or not set(counts) - {"unknown"}:
        return []
    found = []
    for sex in ("female", "male"):
        share = counts[sex] / total
        if share < floor:
            found.append(Finding(rule, sex, f"{share:.0%} {what}, below the floor of {floor:.0%}"))
    return found


def _appearance(rates: Mapping[str, tuple[int, int]], gap: float) -> list[Finding]:
    """A finding when one sex's descriptions use appearance words more than ``gap`` times as often (per
    described character) as the other's; none of the other's using any counts as more."""
    if "female" not in rates or "male" not in rates:
        return []
    per = {sex: count / described for sex, (count, described) in rates.items() if sex != "unknown"}
    found = []
    for sex, other in (("female", "male"), ("male", "female")):
        if per[sex] > 0 and per[sex] > gap * per[other]:
            detail = (
                f"{per[sex]:.2f} appearance words per described {sex} character against {per[other]:.2f} per "
                f"{other} one, more than {gap:g} times as many"
            )
            found.append(Finding("appearance", sex, detail))
    return found
