"""The casting audit: voices against what the script says of each character, and who gets the words.

Two questions a producer should be able to answer before a screening: did the
machine give anyone a voice that contradicts the script (a woman voiced by a
male voice, a child by an old one), and how the dialogue is shared between
the sexes the script describes. ``[audit]`` in ``clapboard.toml`` says what to
flag: a voice of the other sex, and a share of the words below a floor.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

#: Ages a voice does not suit: a voice pitched low (below -2 semitones) for a child under 13, or a child's
#: (above +4) for someone over 60, is flagged.
CHILD, OLD = 13, 60


@dataclass(frozen=True)
class Finding:
    """One flagged thing: which rule, about whom, and what was seen."""

    rule: str
    character: str
    detail: str


def audit(members: list[dict[str, Any]], *, mismatch: bool = True, min_share: float = 0.0) -> list[Finding]:
    """Findings over the cast: each member is ``{name, gender, age, words, voice, voice_gender, pitch}``."""
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
    if min_share > 0:
        for gender, share in shares(members).items():
            if share < min_share:
                found.append(Finding("share", gender, f"{share:.0%} of the words, below the floor of {min_share:.0%}"))
    return found


def shares(members: list[dict[str, Any]]) -> dict[str, float]:
    """The share of dialogue words per described sex (``unknown`` where the script does not say)."""
    words: Counter[str] = Counter()
    for m in members:
        words[m["gender"] or "unknown"] += m["words"]
    total = sum(words.values()) or 1
    return {gender: count / total for gender, count in sorted(words.items())}


def report(members: list[dict[str, Any]], findings: list[Finding]) -> str:
    """``audit.md``: the cast against their voices, the share of words, and the findings."""
    rows = [
        "# Casting audit",
        "",
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
    rows += ["", "## Findings", ""]
    rows += [f"- **{f.rule}** {f.character}: {f.detail}" for f in findings] or ["None."]
    return "\n".join(rows) + "\n"
