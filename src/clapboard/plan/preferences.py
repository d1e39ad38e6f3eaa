"""What a project's reviews teach the planner: framing, voices and music intensity people prefer.

Every accept (or pin) and every reject (or replacement with one's own file) is a
vote on a take. :func:`learn` turns the votes since the last reset into
:class:`Preferences`, a small, explainable summary:

- **framing**: the coverage sizes (singles, reactions, close-ups, over-the-shoulders, two-shots) of the scenes
  whose frames people accepted against those they rejected; half a size or more
  between them leans retakes one size tighter or wider;
- **voices**: a voice rejected on two or more of a character's lines, more often
  than it was accepted, is never cast for that character again;
- **music**: the cues' arousal accepted against rejected; a gap of 0.1 or more
  plays retaken scenes' cues a quarter hotter or calmer.

Preferences shape only what people sent back: the scenes in which something was
rejected (framing and music), the characters whose voice was (casting). Scenes
nobody objected to keep their plan, so a verdict never sets off a rebuild of
work people were happy with. A reset forgets the lessons, not the verdicts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from statistics import fmean

from clapboard.plan.shots import SIZES

#: Shot kinds whose size is the director's choice rather than the geography's (masters and inserts are not).
COVERAGE_KINDS = frozenset({"single", "reaction", "close-up", "over-the-shoulder", "two-shot"})
#: The gap between liked and disliked mean size, in sizes, that sets a lean.
FRAMING_GAP = 0.5
#: Rejected lines in one voice, net of accepted ones, before it is dropped for that character.
VOICE_STRIKES = 2
#: The gap between liked and disliked cue arousal that sets a lean, and the factors it applies.
MUSIC_GAP = 0.1
HOTTER, CALMER = 1.25, 0.8


@dataclass(frozen=True)
class Vote:
    """One reviewed take as the planner learns from it.

    ``scene`` is the scene step the take belongs to (``scene/3``), ``sizes`` the
    coverage sizes of a scene's frames, ``character`` and ``voice`` (a label such
    as ``piper:en_US-amy``) a recorded line's, ``arousal`` a cue's.
    """

    liked: bool
    scene: str = ""
    sizes: tuple[str, ...] = ()
    character: str = ""
    voice: str = ""
    arousal: float | None = None


@dataclass(frozen=True)
class Preferences:
    """What the planner has learned; the defaults change nothing."""

    #: +1 frames retakes' coverage one size tighter, -1 one wider.
    framing: int = 0
    #: Factor on the arousal of retaken scenes' cues.
    intensity: float = 1.0
    #: (character, voice label) pairs casting must not pair again, sorted.
    avoid: tuple[tuple[str, str], ...] = ()
    #: Scene steps in which people rejected something: where framing and intensity apply.
    scenes: frozenset[str] = frozenset()
    #: What was learned and from what, one sentence each, for people.
    findings: tuple[str, ...] = field(default=(), compare=False)
    #: How many votes the lessons come from.
    votes: int = field(default=0, compare=False)

    @property
    def empty(self) -> bool:
        """True when nothing learned would change a plan."""
        return self.framing == 0 and self.intensity == 1.0 and not self.avoid

    def avoided(self, character: str) -> frozenset[str]:
        """The voice labels never to cast for ``character`` again."""
        return frozenset(voice for who, voice in self.avoid if who == character)

    def lean_for(self, scene: str) -> int:
        """The framing lean for scene step ``scene``: the learned one where people sent something back, else 0."""
        return self.framing if scene in self.scenes else 0

    def intensity_for(self, scene: str) -> float:
        """The cue intensity factor for scene step ``scene``, as :meth:`lean_for` decides where it applies."""
        return self.intensity if scene in self.scenes else 1.0


def learn(votes: Iterable[Vote]) -> Preferences:
    """The preferences the votes support, with a finding per lesson (and per near miss, so people see why not)."""
    votes = tuple(votes)
    findings: list[str] = []
    framing = _framing(votes, findings)
    intensity = _intensity(votes, findings)
    avoid = _voices(votes, findings)
    scenes = frozenset(v.scene for v in votes if not v.liked and v.scene)
    return Preferences(framing, intensity, avoid, scenes, tuple(findings), len(votes))


def _framing(votes: Sequence[Vote], findings: list[str]) -> int:
    liked = [mean for v in votes if v.liked and (mean := _mean_size(v.sizes)) is not None]
    disliked = [mean for v in votes if not v.liked and (mean := _mean_size(v.sizes)) is not None]
    if not liked or not disliked:
        return 0
    gap = fmean(liked) - fmean(disliked)
    said = (
        f"accepted scenes' coverage averages {_size_words(liked)}, rejected scenes' {_size_words(disliked)}"
        f" ({len(liked)} accepted, {len(disliked)} rejected)"
    )
    if abs(gap) < FRAMING_GAP:
        findings.append(f"framing: no lean yet: {said}")
        return 0
    lean = 1 if gap > 0 else -1
    findings.append(f"framing: retakes one size {'tighter' if lean > 0 else 'wider'}: {said}")
    return lean


def _mean_size(sizes: Sequence[str]) -> float | None:
    known = [SIZES.index(s) for s in sizes if s in SIZES]
    return fmean(known) if known else None


def _size_words(means: Sequence[float]) -> str:
    mean = fmean(means)
    return f"{SIZES[round(mean)]} ({mean:.1f})"


def _intensity(votes: Sequence[Vote], findings: list[str]) -> float:
    liked = [v.arousal for v in votes if v.liked and v.arousal is not None]
    disliked = [v.arousal for v in votes if not v.liked and v.arousal is not None]
    if not liked or not disliked:
        return 1.0
    gap = fmean(liked) - fmean(disliked)
    said = (
        f"accepted cues' arousal averages {fmean(liked):.2f}, rejected cues' {fmean(disliked):.2f}"
        f" ({len(liked)} accepted, {len(disliked)} rejected)"
    )
    if abs(gap) < MUSIC_GAP:
        findings.append(f"music: no lean yet: {said}")
        return 1.0
    factor = HOTTER if gap > 0 else CALMER
    findings.append(f"music: retaken cues {'hotter' if gap > 0 else 'calmer'} (×{factor}): {said}")
    return factor


def _voices(votes: Sequence[Vote], findings: list[str]) -> tuple[tuple[str, str], ...]:
    tally: dict[tuple[str, str], int] = {}
    for vote in votes:
        if vote.character and vote.voice:
            pair = (vote.character, vote.voice)
            tally[pair] = tally.get(pair, 0) + (1 if vote.liked else -1)
    avoid = sorted(pair for pair, net in tally.items() if net <= -VOICE_STRIKES)
    for character, voice in avoid:
        findings.append(f"voices: {character} is recast away from {voice} ({-tally[character, voice]} lines rejected)")
    for (character, voice), net in sorted(tally.items()):
        if -VOICE_STRIKES < net < 0:
            findings.append(f"voices: {voice} for {character} has {-net} rejected line(s); {VOICE_STRIKES} recast")
    return tuple(avoid)
