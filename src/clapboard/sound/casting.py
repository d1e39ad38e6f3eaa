"""Casting: a distinct voice for every speaking character, chosen from what the script says of them.

Reading the script as a casting director would, :func:`hints` looks for each
character's sex and age: the age written after their name when they are
introduced (``RUTH OKAFOR (60s)``, ``WALTER (78)``), words that describe them
(``a girl``, ``the face of a man``, ``Walter's granddaughter``, ``That woman
is JUNE``), the pronouns of sentences about them alone, titles (``Mr
Holloway``) and the cue itself (``OLD MAN``).

:func:`cast` then gives each character, most lines first, the best voice of
their sex that nobody has yet (neural Piper first, so the leads get it), at a
pitch and speed for their age. When voices run out one is shared, but never
within two semitones or a tenth of the speed of another character's, so no two
characters sound the same. The result is stable: the same script and engines
give the same casting, and every choice can be pinned or changed in
``clapboard.toml``'s ``[cast]`` table (:func:`read_cast`, :meth:`Casting.toml`).

:func:`readings` turns a speech into the lines to record: parentheticals shape
delivery (whispering, shouting, a beat as a pause) and V.O. / O.S. cues are
marked for the mix's treatment.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from clapboard.errors import BackendUnavailable, ClapboardError
from clapboard.screenplay.emphasis import plain
from clapboard.screenplay.model import Action, Dialogue, DualDialogue, Lyric, Parenthetical, Screenplay
from clapboard.sound.voice import PITCH_RANGE, Delivery, Gender, Placement, Style, Timbre, Voice

#: Records a hint: character, sex, age, weight of the evidence, and the evidence as quoted.
Vote: TypeAlias = Callable[[str, "Gender | None", "int | None", int, str], None]

#: The engines casting draws on unless told otherwise: all offline, best first.
OFFLINE_ENGINES = ("piper", "festival", "flite", "espeak-ng")
#: Closest two characters may sound on one base voice: semitones apart, or this much faster or slower.
MIN_PITCH_APART = 2.0
MIN_RATE_APART = 0.1
#: Shift that moves a voice towards the other sex when no voice of the character's own is installed.
CROSS_PITCH = {"female": 5.0, "male": -4.0}

#: Words that say who someone is: sex and, for some, an age.
NOUNS: dict[str, tuple[Gender | None, int | None]] = {
    **dict.fromkeys(("man", "gentleman", "guy", "husband", "father", "dad", "son", "brother"), ("male", None)),
    **dict.fromkeys(("uncle", "nephew", "grandson", "widower", "king", "prince", "monk"), ("male", None)),
    **dict.fromkeys(("woman", "lady", "wife", "mother", "mum", "mom", "daughter", "sister"), ("female", None)),
    **dict.fromkeys(("aunt", "niece", "granddaughter", "widow", "queen", "princess", "nun"), ("female", None)),
    **dict.fromkeys(("actress", "waitress", "girlfriend", "landlady"), ("female", None)),
    **dict.fromkeys(("actor", "waiter", "boyfriend", "landlord"), ("male", None)),
    **dict.fromkeys(("grandfather", "grandpa", "granddad", "grandad"), ("male", 75)),
    **dict.fromkeys(("grandmother", "grandma", "granny", "nan", "nana"), ("female", 75)),
    "boy": ("male", 10),
    "schoolboy": ("male", 12),
    "girl": ("female", 10),
    "schoolgirl": ("female", 12),
    **dict.fromkeys(("teenager", "teen", "adolescent"), (None, 16)),
    **dict.fromkeys(("child", "kid"), (None, 9)),
    **dict.fromkeys(("toddler", "baby"), (None, 3)),
    **dict.fromkeys(("pensioner", "retiree"), (None, 75)),
}
#: Words before a noun or name that tell an age.
AGE_WORDS = {"old": 75, "elderly": 78, "aged": 75, "young": 25, "teenage": 16, "middle-aged": 50, "little": 8}
DECADES = {w: 10 * (i + 2) for i, w in enumerate(("twenties", "thirties", "forties", "fifties", "sixties"))}
DECADES |= {"seventies": 70, "eighties": 80, "nineties": 90, "teens": 13}
PRONOUNS: dict[str, Gender] = {"he": "male", "his": "male", "himself": "male", "she": "female", "herself": "female"}
TITLES: dict[str, Gender] = {
    **dict.fromkeys(("mr", "mister", "sir", "lord"), "male"),
    **dict.fromkeys(("mrs", "ms", "miss", "madam", "lady", "dame"), "female"),
}
#: Possessives whose noun is somebody else ("his wife" is not him).
POSSESSIVES = frozenset({"his", "her", "their", "my", "your", "its", "our"})

#: Parentheticals that set how the following words are said (first match wins), and pauses.
DELIVERIES: tuple[tuple[re.Pattern[str], Style], ...] = (
    (re.compile(r"whisper|under (?:his|her|their) breath|sotto voce|hushed|barely audible"), "whisper"),
    (re.compile(r"shout|yell|scream|bellow|roar|screech|hollers?"), "shout"),
    (re.compile(r"loud|calling|calls out|raising (?:his|her|their) voice"), "loud"),
    (re.compile(r"quiet|soft|gentl|murmur|mumbl|low voice|to (?:him|her|them)self"), "quiet"),
    (re.compile(r"normal voice|aloud|recovering"), "normal"),
)
LONG_PAUSE = re.compile(r"long(?:er)? (?:beat|pause|silence)|two beats|beats")
PAUSE = re.compile(r"\bbeat\b|\bpause|a moment|silence|hesitat")
PAUSE_SECONDS, LONG_PAUSE_SECONDS = 0.8, 1.6

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")


@dataclass(frozen=True)
class Hint:
    """What the script says of a character's voice: sex, age and where it said so."""

    gender: Gender | None = None
    age: int | None = None
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Role:
    """A speaking character: how much they say and what the script tells of them."""

    name: str
    speeches: int
    words: int
    hint: Hint = field(default_factory=Hint)


@dataclass(frozen=True)
class CastMember:
    """A role and the voice cast for it; ``pinned`` when the voice came from ``clapboard.toml``."""

    role: Role
    voice: Voice
    pinned: bool = False


@dataclass(frozen=True)
class Casting:
    """Every speaking character's voice, leads first."""

    members: tuple[CastMember, ...]

    def voice(self, character: str) -> Voice:
        """The voice cast for ``character`` (as the cue names them)."""
        for member in self.members:
            if member.role.name == character:
                return member.voice
        raise ClapboardError(f"{character} has not been cast; cast: {', '.join(m.role.name for m in self.members)}")

    def table(self) -> str:
        """The casting as a Markdown table for the report: who, how much they speak, what the script says, voice."""
        rows = ["| Character | Speeches | Words | Sex | Age | From the script | Voice | Rate | Pitch |"]
        rows.append("|---|---:|---:|---|---:|---|---|---:|---:|")
        for member in self.members:
            hint, voice = member.role.hint, member.voice
            said = "; ".join(hint.evidence) or "nothing"
            label = voice.label + (" (pinned)" if member.pinned else "")
            rows.append(
                f"| {member.role.name} | {member.role.speeches} | {member.role.words} | {hint.gender or '?'} "
                f"| {hint.age if hint.age is not None else '?'} | {said} | {label} | {voice.rate:.2f} "
                f"| {voice.pitch:+.1f} |"
            )
        return "\n".join(rows)

    def toml(self) -> str:
        """The ``[cast]`` table for ``clapboard.toml``: edit a line to recast, keep it to pin the voice."""
        lines = ["[cast]", "# Each speaking character's voice: engine:voice, speed (1 = natural), pitch in semitones."]
        for member in self.members:
            voice = member.voice
            fields = [f"voice = {json.dumps(voice.label)}", f"rate = {voice.rate:g}", f"pitch = {voice.pitch:g}"]
            if voice.likeness is not None:
                fields.append(f"likeness = {json.dumps(voice.likeness)}")
            lines.append(f"{_toml_key(member.role.name)} = {{ {', '.join(fields)} }}")
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Reading:
    """One line to record: who says it, the words, the voice spec with its delivery, and where it is heard."""

    character: str
    text: str
    voice: str
    placement: Placement
    line: int = 0


def roles(script: Screenplay) -> tuple[Role, ...]:
    """Every speaking character with their speeches, words and hints, in order of first speech."""
    speeches: Counter[str] = Counter()
    words: Counter[str] = Counter()
    for dialogue in script.dialogues:
        speeches[dialogue.character.name] += 1
        words[dialogue.character.name] += len(plain(dialogue.spoken_text).split())
    found = hints(script)
    return tuple(Role(name, speeches[name], words[name], found[name]) for name in script.characters)


def hints(script: Screenplay) -> dict[str, Hint]:
    """Sex and age of each speaking character as the script tells them, with the evidence."""
    return _hints(script, script.characters)


def introductions(script: Screenplay, names: Iterable[str] = ()) -> dict[str, tuple[Hint, str]]:
    """Each speaking character's hint, and those of ``names`` (characters who never speak), with the sentence of
    the action that introduces them ("" where none does): the first that names them in capitals, as a screenplay
    introduces a character, or follows their name with an age in brackets or a description after a comma."""
    everyone = tuple(dict.fromkeys((*script.characters, *names)))
    found = _hints(script, everyone)
    texts = (" ".join(plain(el.text).split()) for el in script.elements if isinstance(el, Action))
    sentences = [sentence for text in texts for sentence in _SENTENCE.split(text)]
    introduced: dict[str, tuple[Hint, str]] = {}
    for name in everyone:
        pattern = _mention(name)
        first = (s for s in sentences for m in pattern.finditer(s) if _introduced(m, s[m.end() :]))
        introduced[name] = (found[name], next(first, ""))
    return introduced


def _introduced(match: re.Match[str], after: str) -> bool:
    named = match.group(0)
    return named[0].isupper() and (named.isupper() or re.match(r"\s*(?:\(|,\s*[a-z])", after) is not None)


def _hints(script: Screenplay, names: Sequence[str]) -> dict[str, Hint]:
    votes: dict[str, Counter[str]] = {name: Counter() for name in names}
    ages: dict[str, list[tuple[int, str]]] = {name: [] for name in names}
    evidence: dict[str, list[str]] = {name: [] for name in names}
    patterns = {name: _mention(name) for name in names}

    def vote(name: str, gender: Gender | None, age: int | None, weight: int, why: str) -> None:
        if gender is not None:
            votes[name][gender] += weight
        if age is not None:
            ages[name].append((age, why))
        if why not in evidence[name]:
            evidence[name].append(why)

    for name in names:
        _read_cue(name, vote)
    surnames: dict[str, str] = {}
    for element in script.elements:
        if isinstance(element, Action):
            _read_action(element.text, patterns, surnames, vote)
    _read_titles(script, surnames, vote)
    result: dict[str, Hint] = {}
    for name in names:
        ranked = votes[name].most_common()
        gender: Gender | None = None
        if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
            gender = ranked[0][0]  # type: ignore[assignment]
        age = ages[name][0][0] if ages[name] else None
        result[name] = Hint(gender, age, tuple(evidence[name][:4]))
    return result


def repertoire(engines: Iterable[str] = OFFLINE_ENGINES) -> tuple[Timbre, ...]:
    """The voices of those ``engines`` that are installed here, in the engines' order."""
    from clapboard.engine.registry import find_backend

    found: list[Timbre] = []
    for engine in engines:
        try:
            backend = find_backend(engine)
        except BackendUnavailable:
            continue
        if backend.available():
            found.extend(backend.repertoire())  # type: ignore[attr-defined]
    return tuple(found)


def cast(
    script: Screenplay,
    *,
    voices: Sequence[Timbre] | None = None,
    pinned: Mapping[str, Voice] | None = None,
    avoid: Mapping[str, Collection[str]] | None = None,
) -> Casting:
    """A distinct voice for every speaking character, leads first; ``pinned`` voices (from ``[cast]``) are kept.

    ``avoid`` maps a character to voice labels (``engine:name``) people rejected for them: casting passes those
    over while any other voice is left.
    """
    available = tuple(voices) if voices is not None else repertoire()
    pinned = dict(pinned or {})
    speaking = roles(script)
    if not available and any(role.name not in pinned for role in speaking):
        raise BackendUnavailable(
            "speech", "no speech engine is installed to cast from (Debian and Ubuntu: apt-get install espeak-ng)"
        )
    taken: list[Voice] = list(pinned.values())
    members: dict[str, CastMember] = {}
    for role in speaking:
        if role.name in pinned:
            members[role.name] = CastMember(role, pinned[role.name], pinned=True)
    order = {role.name: i for i, role in enumerate(speaking)}
    for role in sorted(speaking, key=lambda r: (-r.words, order[r.name])):
        if role.name in members:
            continue
        voice = _audition(role, available, taken)
        taken.append(voice)
        members[role.name] = CastMember(role, voice)
    # Recast afterwards, not during, so that sending one character's voice back changes no one else's.
    for name, refused in (avoid or {}).items():
        member = members.get(name)
        if member is None or member.pinned or member.voice.label not in refused:
            continue
        others = [m.voice for m in members.values() if m.role.name != name]
        allowed = [t for t in available if t.label not in refused]
        if allowed:
            members[name] = CastMember(member.role, _audition(member.role, allowed, others))
    leads = sorted(members.values(), key=lambda m: (-m.role.words, order[m.role.name]))
    return Casting(tuple(leads))


def read_cast(table: Mapping[str, Any], *, where: str = "clapboard.toml") -> dict[str, Voice]:
    """The voices a ``[cast]`` table pins: each a voice spec string or ``{ voice, rate, pitch, likeness }``."""
    pinned: dict[str, Voice] = {}
    for character, value in table.items():
        key = f"{where}: cast.{_toml_key(character)}"
        if isinstance(value, str):
            voice, delivery = _parse(value, key)
            if delivery != Delivery():
                raise ClapboardError(f"{key}: a cast voice takes no style= or pause= (those belong to a line)")
        elif isinstance(value, Mapping):
            unknown = set(value) - {"voice", "rate", "pitch", "likeness"}
            if unknown or not isinstance(value.get("voice"), str):
                raise ClapboardError(f'{key}: needs voice = "engine:voice" and may have rate, pitch and likeness')
            base, _ = _parse(value["voice"], key)
            try:
                voice = Voice(
                    base.engine,
                    base.name,
                    float(value.get("rate", base.rate)),
                    float(value.get("pitch", base.pitch)),
                    value.get("likeness", base.likeness),
                )
            except (TypeError, ValueError, ClapboardError) as exc:
                raise ClapboardError(f"{key}: {exc}") from None
        else:
            raise ClapboardError(f"{key}: must be a voice string or a table, not {type(value).__name__}")
        pinned[character] = voice
    return pinned


def readings(dialogue: Dialogue | DualDialogue, casting: Casting) -> tuple[Reading, ...]:
    """The lines of a speech to record, each with the delivery its parentheticals call for."""
    if isinstance(dialogue, DualDialogue):
        return readings(dialogue.left, casting) + readings(dialogue.right, casting)
    character = dialogue.character
    voice = casting.voice(character.name)
    placement: Placement = "vo" if character.is_voice_over else "os" if character.is_off_screen else "on"
    delivery = Delivery()
    out: list[Reading] = []
    for part in dialogue.parts:
        if isinstance(part, Parenthetical):
            delivery = direct(part.text, delivery)
            continue
        text = " ".join(plain(part.text).split())
        if not text:
            continue
        said = delivery
        if isinstance(part, Lyric):
            said = delivery.then(style="sung")
        elif said.style == "normal" and _shouted(text):
            said = delivery.then(style="shout")
        out.append(Reading(character.name, text, voice.spec(said), placement, dialogue.line))
        delivery = Delivery(delivery.style)  # a pause is spent once; the manner lasts the speech
    return tuple(out)


def direct(parenthetical: str, current: Delivery) -> Delivery:
    """The delivery after a parenthetical: a new manner if it names one, a pause for a beat; other
    wrylies (``(playing the piano)``) leave the voice as it was."""
    said = parenthetical.strip().strip("()").lower()
    style = next((style for pattern, style in DELIVERIES if pattern.search(said)), None)
    pause = LONG_PAUSE_SECONDS if LONG_PAUSE.search(said) else PAUSE_SECONDS if PAUSE.search(said) else 0.0
    return current.then(style=style, pause=pause)


def age_shape(age: int | None) -> tuple[float, float]:
    """Pitch (semitones) and speed for an age: children high and quick, the old lower and slower."""
    if age is None:
        return 0.0, 1.0
    for bound, pitch, rate in ((13, 4.0, 1.06), (20, 2.0, 1.05), (40, 0.0, 1.0), (60, -0.5, 0.96), (70, -1.0, 0.93)):
        if age < bound:
            return pitch, rate
    return -1.5, 0.88


def _audition(role: Role, available: Sequence[Timbre], taken: Sequence[Voice]) -> Voice:
    """The best unused voice of the role's sex at the role's age, kept apart from every voice already cast."""
    sex = role.hint.gender
    matching = [t for t in available if sex is None or t.gender in (None, sex)] or list(available)
    uses = Counter(voice.label for voice in taken)
    rank = {t.label: i for i, t in enumerate(available)}
    timbre = min(matching, key=lambda t: (uses[t.label], t.tier, rank[t.label]))
    pitch, rate = age_shape(role.hint.age)
    if sex is not None and timbre.gender not in (None, sex):
        pitch += CROSS_PITCH[sex]
    # Voices recorded from one speaker, on whatever engine, count as one voice for keeping characters apart.
    speaker = {t.label: t.recorded for t in available}
    siblings = [v for v in taken if speaker.get(v.label, v.label) == timbre.recorded]
    for stretch in (0.0, 0.12, -0.12, 0.24):
        for shift in (0.0, 2.0, -2.0, 4.0, -4.0, 6.0, -6.0, 8.0, -8.0):
            candidate = Voice(timbre.engine, timbre.name, round(rate + stretch, 2), _clamp_pitch(pitch + shift))
            if all(_apart(candidate, other) for other in siblings):
                return candidate
    raise ClapboardError(f"cannot cast {role.name}: every setting of every installed voice is taken")


def _apart(one: Voice, other: Voice) -> bool:
    return abs(one.pitch - other.pitch) >= MIN_PITCH_APART or abs(one.rate - other.rate) >= MIN_RATE_APART


def _clamp_pitch(pitch: float) -> float:
    return round(min(max(pitch, PITCH_RANGE[0]), PITCH_RANGE[1]), 1)


def _mention(name: str) -> re.Pattern[str]:
    """A character's name as it appears in action: the cue's name in any case, as a whole word."""
    return re.compile(r"(?<![\w'])" + r"\s+".join(re.escape(w) for w in name.split()) + r"(?![\w])", re.I)


def _read_cue(name: str, vote: Vote) -> None:
    """Hints in the cue itself: ``OLD MAN``, ``GIRL``, ``MRS HUDSON``."""
    words = name.lower().replace(".", " ").split()
    for i, word in enumerate(words):
        if word in NOUNS:
            gender, age = NOUNS[word]
            if i and words[i - 1] in AGE_WORDS:
                age = AGE_WORDS[words[i - 1]]
            vote(name, gender, age, 4, f"cue {name!r}")
        elif word in TITLES and i == 0:
            vote(name, TITLES[word], None, 4, f"cue {name!r}")


def _read_action(text: str, patterns: Mapping[str, re.Pattern[str]], surnames: dict[str, str], vote: Vote) -> None:
    sentences = _SENTENCE.split(" ".join(text.split()))
    mentions = [[name for name, pattern in patterns.items() if _named(pattern, s)] for s in sentences]
    for i, sentence in enumerate(sentences):
        for name in mentions[i]:
            for match in patterns[name].finditer(sentence):
                if not match.group(0)[0].isupper():
                    continue
                _read_introduction(name, sentence, match, surnames, vote)
                _read_description(name, sentence, match, alone=len(mentions[i]) == 1, vote=vote)
        # "She checks the order." after a sentence about Ruth alone is about Ruth, unless that sentence
        # has a he or she of its own ("He hums June's tune. He stops.").
        own_pronoun = any(w.lower() in ("he", "she") for w in _WORD.findall(sentence))
        if len(mentions[i]) == 1 and not own_pronoun and i + 1 < len(sentences) and not mentions[i + 1]:
            first = sentences[i + 1].split(" ", 1)[0].lower()
            if first in ("he", "she"):
                vote(mentions[i][0], PRONOUNS[first], None, 2, f"{sentences[i + 1][:30]!r}…")


def _named(pattern: re.Pattern[str], sentence: str) -> bool:
    return any(match.group(0)[0].isupper() for match in pattern.finditer(sentence))


def _read_introduction(name: str, sentence: str, match: re.Match[str], surnames: dict[str, str], vote: Vote) -> None:
    """The name in capitals, a surname, an age in brackets: ``RUTH OKAFOR (60s)``."""
    after = sentence[match.end() :]
    intro = re.match(r"((?:\s+[A-Z][A-Z'\-]+)*)\s*\(([^)]*)\)", after)
    if match.group(0).isupper():
        surname = re.match(r"\s+([A-Z][A-Z'\-]+)\b", after)
        if surname and surname.group(1).lower() not in NOUNS:
            surnames.setdefault(name, surname.group(1))
    if intro:
        age = _age(intro.group(2))
        if age is not None:
            vote(name, _pronoun_in(intro.group(2)), age, 3, f"({intro.group(2).strip()})")


def _read_description(name: str, sentence: str, match: re.Match[str], *, alone: bool, vote: Vote) -> None:
    """Nouns and pronouns about the character: in apposition, ``That woman is X``, or in a sentence about
    them alone."""
    after = sentence[match.end() :]
    before = sentence[: match.start()]
    apposition = re.match(r"(?:\s*[A-Z][A-Z'\-]+)*\s*(?:\([^)]*\))?\s*,\s*([^,.;:]*)", after)
    if apposition:
        words = apposition.group(1).split()[:4]
        noun = next((i for i, w in enumerate(words) if w.lower().strip("'") in NOUNS), None)
        if noun is not None:
            _vote_noun(name, " ".join(words[:noun]), words[noun], 3, vote)
    identity = re.search(r"((?:[\w'\-]+\s+){0,2}?)(\w+)\s+(?:is|was)\s*$", before)
    if identity and identity.group(2).lower() in NOUNS:
        _vote_noun(name, identity.group(1), identity.group(2), 3, vote)
    if not alone:
        return
    words = [w.lower() for w in _WORD.findall(after)]
    own = f"{name.split()[0].lower()}'s"
    for i, word in enumerate(words[:12]):
        previous = words[i - 1] if i else ""
        if word in NOUNS and previous not in POSSESSIVES and previous != own:
            _vote_noun(name, previous, word, 2, vote)
        elif word in PRONOUNS:
            vote(name, PRONOUNS[word], None, 1, f"'{word}'")


def _vote_noun(name: str, before: str, noun: str, weight: int, vote: Vote) -> None:
    gender, age = NOUNS[noun.lower()]
    adjectives = [w.lower() for w in before.split()]
    for adjective in adjectives:
        if adjective in AGE_WORDS:
            age = AGE_WORDS[adjective]
    phrase = " ".join([*before.split()[-1:], noun]).strip()
    vote(name, gender, age, weight, f"'{phrase}'")


def _read_titles(script: Screenplay, surnames: Mapping[str, str], vote: Vote) -> None:
    """``Mr Holloway`` anywhere in the script tells Holloway's sex."""
    texts = [el.text for el in script.elements if isinstance(el, Action)]
    texts += [part.text for d in script.dialogues for part in d.parts]
    everything = "\n".join(texts)
    for name, surname in surnames.items():
        pattern = rf"\b({'|'.join(TITLES)})\.?\s+{re.escape(surname)}\b"
        found = re.search(pattern, everything, re.I)
        if found:
            vote(name, TITLES[found.group(1).lower()], None, 2, f"'{found.group(0)}'")


def _age(text: str) -> int | None:
    """An age as scripts write it: ``78``, ``60s``, ``mid-40s``, ``late twenties``, ``in her teens``."""
    said = text.lower()
    nudge = 2 if "early" in said else 8 if "late" in said else 5
    number = re.search(r"\b(\d{1,3})(s)?\b", said)
    if number:
        value = int(number.group(1))
        return value + nudge if number.group(2) else value
    for word, decade in DECADES.items():
        if word in said:
            return decade + (nudge if decade >= 20 else 3)
    return None


def _pronoun_in(text: str) -> Gender | None:
    """``(in her 60s)``: the pronoun of an age note."""
    for word in text.lower().split():
        if word in ("his", "her"):
            return "male" if word == "his" else "female"
    return None


def _shouted(text: str) -> bool:
    """A line in capitals that ends with an exclamation: ``GET OUT!``."""
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 2 and text.rstrip().endswith("!") and all(ch.isupper() for ch in letters)


def _parse(spec: str, where: str) -> tuple[Voice, Delivery]:
    try:
        return Voice.parse(spec)
    except ClapboardError as exc:
        raise ClapboardError(f"{where}: {exc}") from None


def _toml_key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_\-]+", name) else json.dumps(name)
