"""Representation in the character descriptions: whom the script describes, in what words, and who gets to speak.

The casting audit's second half (the first, :mod:`clapboard.trust.audit`, checks the voices). A character's
description is the sentence of the action that introduces them
(:func:`clapboard.sound.casting.introductions`): in a screenplay, the first time their name is in capitals,
``MARY (30s), a tired waitress, pours the coffee``. Of that sentence the part about them counts, from their
name to the next character it names (``MAYA (16), Walter's granddaughter`` is all Maya's); the name itself
does not.

What the words say is counted with three short word lists, not a model: :data:`APPEARANCE` (looks and body),
:data:`ROLE` (a job or a skill) and :data:`RELATION` (somebody's wife, son or girlfriend). They are short so that
every count can be checked against them by eye; a word they lack goes uncounted, so a zero means "none of
these words", not "no such description". Everything is reported by the sex and the age the script gives
(``unknown`` where it says nothing), so a producer can see, say, that the women are described by their looks
and the men by their jobs, and ``[audit]`` in ``clapboard.toml`` can flag it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from clapboard.sound import casting

#: Words for how someone looks: their face, body, hair and how attractive the writer finds them. Men's stock
#: words (handsome, rugged, muscular) are here as much as women's, so the two counts are comparable; words
#: that as often mean something else (hot, striking) are left out.
APPEARANCE: tuple[str, ...] = (
    *("attractive", "beautiful", "pretty", "gorgeous", "stunning", "lovely", "handsome", "cute", "sexy"),
    *("glamorous", "elegant", "good-looking", "unattractive", "ugly", "homely", "beauty"),
    *("slim", "slender", "skinny", "thin", "petite", "curvy", "voluptuous", "busty", "buxom", "leggy", "lithe"),
    *("willowy", "plump", "chubby", "fat", "overweight", "stocky", "muscular", "burly", "brawny", "toned", "tall"),
    *("rugged", "chiselled", "chiseled", "blonde", "blond", "brunette", "redhead", "bearded", "balding", "bald"),
)
#: Words for what someone does or can do: common jobs and ranks, and words for skill ("sharp" is left out: as
#: often a suit as a mind). Jobs are endless, so this list undercounts them, for everyone alike.
ROLE: tuple[str, ...] = (
    *("capable", "competent", "skilled", "expert", "experienced", "seasoned", "veteran", "professional"),
    *("brilliant", "clever", "smart", "shrewd", "talented", "gifted", "accomplished", "respected"),
    *("successful", "ambitious", "determined", "confident", "resourceful", "meticulous", "methodical"),
    *("boss", "chief", "captain", "officer", "detective", "inspector", "sergeant", "agent", "soldier", "pilot"),
    *("doctor", "surgeon", "nurse", "lawyer", "judge", "scientist", "engineer", "professor", "teacher"),
    *("mechanic", "chef", "cook", "waiter", "waitress", "bartender", "driver", "farmer", "journalist", "writer"),
    *("artist", "musician", "pianist", "manager", "owner", "clerk", "executive", "director", "student"),
)
#: Words that describe someone by whom they belong to. Counted because "Walter's granddaughter" or "his wife"
#: introduces a character through another one.
RELATION: tuple[str, ...] = (
    *("wife", "husband", "girlfriend", "boyfriend", "fiancee", "fiance", "partner", "widow", "widower"),
    *("mother", "father", "mum", "mom", "dad", "daughter", "son", "sister", "brother", "aunt", "uncle"),
    *("niece", "nephew", "granddaughter", "grandson", "grandmother", "grandfather", "grandma", "grandpa"),
)
#: Age bands the shares are counted in, youngest first, with the youngest age each begins at.
BANDS: tuple[tuple[str, int], ...] = (("child", 0), ("teen", 13), ("20s-30s", 20), ("40s-50s", 40), ("60+", 60))
#: The lists in the order the words table shows them, by the :class:`Portrait` field that holds each one's words.
LISTS = ("appearance", "role", "relation")
#: Words that show a sentence says who someone is, beyond naming them: the lists above and casting's nouns
#: for people (``a man``, ``the girl``).
_DESCRIBING = frozenset((*APPEARANCE, *ROLE, *RELATION, *casting.NOUNS))
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")
#: After the name (and a surname in capitals): an age note in brackets, or words set off by a comma
#: (``MARY JONES (30s), a tired waitress,``).
_NOTE = re.compile(r"(?:\s+[A-Z][A-Z'\-]+)*\s*\([^)]*\)")
_APPOSITION = re.compile(r"(?:\s+[A-Z][A-Z'\-]+)*\s*(?:\([^)]*\))?\s*,\s*[^,.;:]*[A-Za-z]")


@dataclass(frozen=True)
class Portrait:
    """A character as the script introduces them: sex and age, how much they say, and the words that describe
    them, sorted by the lists above."""

    name: str
    gender: str | None
    age: int | None
    speaks: bool
    words: int
    introduction: str
    described: bool
    appearance: tuple[str, ...]
    role: tuple[str, ...]
    relation: tuple[str, ...]

    @property
    def sex(self) -> str:
        return self.gender or "unknown"

    @property
    def band(self) -> str:
        return band(self.age)


def band(age: int | None) -> str:
    """The age band of ``age``: child under 13, teen to 19, 20s-30s, 40s-50s, 60+ (``unknown`` for none)."""
    if age is None:
        return "unknown"
    return [name for name, start in BANDS if age >= start][-1]


def read(people: Sequence[Mapping[str, Any]]) -> list[Portrait]:
    """The characters of :func:`characters` with their descriptions read: the part about each, and its words."""
    names = [p["name"] for p in people]
    found: list[Portrait] = []
    for person in people:
        sentence, name = person["description"], person["name"]
        before, after = _part_about(sentence, name, [n for n in names if n != name])
        words = [w.lower() for w in _WORD.findall(f"{before} {after}")]
        described = bool(_NOTE.match(after) or _APPOSITION.match(after) or _DESCRIBING.intersection(words))
        found.append(
            Portrait(
                name,
                person["gender"],
                person["age"],
                person["speaks"],
                person["words"],
                sentence,
                described,
                tuple(w for w in words if w in APPEARANCE),
                tuple(w for w in words if w in ROLE),
                tuple(w for w in words if w in RELATION),
            )
        )
    return found


def share_table(portraits: Sequence[Portrait], group: str) -> dict[str, tuple[int, int, int]]:
    """Described characters, speaking roles and dialogue words per ``group`` (``sex`` or ``band``)."""
    table: dict[str, tuple[int, int, int]] = {}
    for p in portraits:
        described, speaking, words = table.get(getattr(p, group), (0, 0, 0))
        table[getattr(p, group)] = (described + p.described, speaking + p.speaks, words + p.words)
    order = [*(name for name, _ in BANDS), "unknown"] if group == "band" else sorted(table)
    return {key: table[key] for key in order if key in table}


def appearance_rates(portraits: Sequence[Portrait]) -> dict[str, tuple[int, int]]:
    """Appearance words and described characters per sex, for the rate at which each sex is described by looks."""
    rates: dict[str, tuple[int, int]] = {}
    for p in portraits:
        if p.described:
            count, described = rates.get(p.sex, (0, 0))
            rates[p.sex] = (count + len(p.appearance), described + 1)
    return dict(sorted(rates.items()))


def section(portraits: Sequence[Portrait]) -> list[str]:
    """The representation section of ``audit.md``, as Markdown lines."""
    rows = [
        "## Representation in the character descriptions",
        "",
        "Every character the script introduces, with the sentence that introduces them. Words are counted with the "
        "short lists in `clapboard.trust.representation` (appearance, role or skill, relation), not a model.",
        "",
        "| Character | Sex | Age | Age band | Speaks | Words | Described | Introduced as |",
        "|---|---|---:|---|---|---:|---|---|",
    ]
    for p in portraits:
        age = p.age if p.age is not None else "?"
        said = _cell(p.introduction) or "(never introduced)"
        rows.append(
            f"| {p.name} | {p.gender or '?'} | {age} | {p.band} | {'yes' if p.speaks else 'no'} | {p.words} | "
            f"{'yes' if p.described else 'no'} | {said} |"
        )
    for title, group, label in (("sex", "sex", "Sex"), ("age band", "band", "Age band")):
        rows += ["", f"### Shares by {title}", ""]
        rows += [f"| {label} | Described characters | Speaking roles | Dialogue words |", "|---|---:|---:|---:|"]
        table = share_table(portraits, group)
        totals = [sum(column) or 1 for column in zip(*table.values(), strict=True)]
        for key, counts in table.items():
            cells = " | ".join(f"{n} ({n / total:.0%})" for n, total in zip(counts, totals, strict=True))
            rows.append(f"| {key} | {cells} |")
    rows += ["", "### Who gets described", ""]
    rows += ["| Sex | Characters | Described | Not described |", "|---|---:|---:|---:|"]
    by_sex: dict[str, list[Portrait]] = {}
    for p in portraits:
        by_sex.setdefault(p.sex, []).append(p)
    for sex, group in sorted(by_sex.items()):
        described = sum(p.described for p in group)
        rows.append(f"| {sex} | {len(group)} | {described} | {len(group) - described} |")
    missing = [f"{p.name} ({p.sex})" for p in portraits if not p.described]
    rows += ["", f"Not described: {', '.join(missing)}." if missing else "Every character is described."]
    rows += [
        "",
        "### Words that describe them",
        "",
        "Per sex: how many of each list's words their descriptions use, the rate per described character, "
        "and the words.",
        "",
        "| Sex | Described | Appearance | Role or skill | Relation |",
        "|---|---:|---|---|---|",
    ]
    for sex, group in sorted(by_sex.items()):
        seen = [p for p in group if p.described]
        cells = [_words([w for p in seen for w in getattr(p, kind)], len(seen)) for kind in LISTS]
        rows.append(f"| {sex} | {len(seen)} | {' | '.join(cells)} |")
    return rows


def _part_about(sentence: str, name: str, others: Sequence[str]) -> tuple[str, str]:
    """The part of ``sentence`` about ``name``, before and after the name: from the name (or the sentence's start,
    when no one is named before) to the next other character named. A possessive (``Walter's``) describes them."""
    own = next((m for m in _named(name, sentence)), None)
    if own is None:
        return sentence, ""
    stops = [m.start() for other in others for m in _named(other, sentence)]
    end = min((s for s in stops if s >= own.end()), default=len(sentence))
    start = own.start() if any(s < own.start() for s in stops) else 0
    return sentence[start : own.start()], sentence[own.end() : end]


def _named(name: str, sentence: str) -> Iterable[re.Match[str]]:
    pattern = r"(?<![\w'])" + r"\s+".join(re.escape(w) for w in name.split()) + r"(?![\w'’])"
    return (m for m in re.finditer(pattern, sentence, re.I) if m.group(0)[0].isupper())


def _words(words: Sequence[str], described: int) -> str:
    if not words:
        return "0"
    listed = ", ".join(w if n == 1 else f"{w} ×{n}" for w, n in Counter(words).most_common())
    return f"{len(words)} ({len(words) / max(described, 1):.2f} each): {listed}"


def _cell(text: str, longest: int = 160) -> str:
    text = text if len(text) <= longest else text[: longest - 1].rstrip() + "…"
    return text.replace("|", "\\|")
