"""The emotional arc: valence and arousal per beat, per scene and per character, and where it peaks.

Valence is VADER's compound score averaged over sentences, weighted by their
length (-1 bleak … 1 warm). The eight basic emotions are counted with the NRC
lexicon. Arousal (0 calm … 1 charged) has no lexicon here, so it is estimated
from what the text carries: how many of its words are emotional and how
energetic those emotions are (anger and fear more than sadness and trust), how
strong the valence is either way, and the marks of heat on the page
(exclamations, interruptions, emphasis, capitals). Intensity mixes arousal and
the strength of valence; the peaks of intensity are where a director goes in
close, and later where the trailer cuts and the score swells.

A beat is a run of action followed by the speeches that answer it: a new beat
starts at each action paragraph that comes after dialogue, and every two
paragraphs in a long stretch of action.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from clapboard.plan import reader
from clapboard.plan.categories import SECONDS_PER_EIGHTH, scene_length
from clapboard.screenplay.emphasis import plain
from clapboard.screenplay.model import Action, Centered, Dialogue, DualDialogue, Lyric, sides

if TYPE_CHECKING:
    from collections.abc import Sequence

    from clapboard.screenplay.model import Scene

EMOTIONS = reader.EMOTIONS
#: How much each emotion stirs: anger and fear run hot, sadness and trust run quiet.
_ENERGY = {
    "anger": 0.9,
    "anticipation": 0.6,
    "disgust": 0.6,
    "fear": 0.85,
    "joy": 0.7,
    "sadness": 0.3,
    "surprise": 0.85,
    "trust": 0.35,
}
#: A beat at least this intense, and the most intense of its scene, is a peak of the scene.
BEAT_PEAK = 0.4
#: A long stretch of action is cut into beats of this many paragraphs.
_ACTION_PER_BEAT = 2
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
_INTERRUPTION = re.compile(r"--|—|…|\.\.\.")
_EMPHASIS = re.compile(r"\*[^*\n]+\*|_[^_\n]+_|\b[A-Z]{3,}\b")
# How screenplays mark a charged moment in action and wrylies: a held beat, stillness, tears, laughter.
_CHARGED = re.compile(
    r"\b(?:a beat|long moment|very still|silence|closes? (?:his|her|their) eyes|tears?|cr(?:y|ies)|sob\w*|laugh\w*"
    r"|smil\w*|trembl\w*|shak\w*|swallow\w*|gasp\w*|scream\w*|whisper\w*|together)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Feeling:
    """How a stretch of text feels: valence (-1…1), arousal (0…1), the eight emotions' shares, and its length."""

    valence: float = 0.0
    arousal: float = 0.0
    emotions: tuple[float, ...] = (0.0,) * len(EMOTIONS)
    words: int = 0

    @property
    def intensity(self) -> float:
        """How strongly it is felt, whichever way: mostly arousal, partly the strength of valence."""
        return 0.65 * self.arousal + 0.35 * abs(self.valence)

    @property
    def dominant(self) -> str | None:
        """The emotion with the largest share, or None when the text names none."""
        best = max(range(len(EMOTIONS)), key=lambda i: self.emotions[i])
        return EMOTIONS[best] if self.emotions[best] > 0 else None


@dataclass(frozen=True)
class CharacterFeeling:
    """How one character's own lines feel."""

    name: str
    feeling: Feeling


@dataclass(frozen=True)
class Beat:
    """A beat of a scene: elements ``first``…``last`` of the scene, when it starts and how long it runs.

    ``start`` and ``seconds`` are in seconds from the start of the scene,
    shared out by the beat's words. ``peak`` marks the scene's most intense beat
    when it is intense enough to call for a close-up.
    """

    index: int
    first: int
    last: int
    speakers: tuple[str, ...]
    feeling: Feeling
    start: float
    seconds: float
    peak: bool = False


@dataclass(frozen=True)
class SceneArc:
    """The arc of one scene: its feeling, its beats and each speaking character's feeling."""

    seconds: float
    feeling: Feeling
    beats: tuple[Beat, ...]
    characters: tuple[CharacterFeeling, ...]

    @property
    def intensity(self) -> float:
        """The scene's intensity for finding peaks: its whole text's, raised by its most intense beat."""
        top = max((b.feeling.intensity for b in self.beats), default=0.0)
        return 0.5 * self.feeling.intensity + 0.5 * top

    def beat_of(self, element: int) -> Beat | None:
        """The beat holding scene element number ``element``."""
        return next((b for b in self.beats if b.first <= element <= b.last), None)


@dataclass(frozen=True)
class ArcScene:
    """One scene on the film's arc: where it starts in the film (seconds), its arc, and whether it is a peak."""

    number: str
    heading: str
    start: float
    arc: SceneArc
    peak: bool = False


@dataclass(frozen=True)
class Arc:
    """The film's emotional arc: every scene in order, each character across the film, and the peak scenes."""

    title: str
    scenes: tuple[ArcScene, ...]
    characters: tuple[CharacterFeeling, ...]
    peaks: tuple[str, ...]

    @property
    def seconds(self) -> float:
        return sum(s.arc.seconds for s in self.scenes)


class _Tally:
    """Sums what feelings are made of, so a scene's feeling is its text's, not an average of averages."""

    def __init__(self) -> None:
        self.words = 0
        self.valence = 0.0
        self.charged = 0
        self.marks = 0.0
        self.sentences = 0
        self.counts = dict.fromkeys(EMOTIONS, 0)

    def add_text(self, text: str) -> None:
        for sentence in _SENTENCE.findall(text):
            words = reader.words(sentence)
            if not words:
                continue
            self.sentences += 1
            self.words += len(words)
            self.valence += reader.valence(sentence) * len(words)
            self.marks += sentence.count("!") + 0.3 * sentence.count("?")
            self.marks += 0.7 * len(_INTERRUPTION.findall(sentence)) + 0.5 * len(_EMPHASIS.findall(sentence))
            self.marks += 0.8 * len(_CHARGED.findall(sentence))
            counts, charged = reader.emotion_counts(words)
            self.charged += charged
            for emotion, count in counts.items():
                self.counts[emotion] += count

    def add(self, other: _Tally) -> None:
        self.words += other.words
        self.valence += other.valence
        self.charged += other.charged
        self.marks += other.marks
        self.sentences += other.sentences
        for emotion, count in other.counts.items():
            self.counts[emotion] += count

    def feeling(self) -> Feeling:
        if not self.words:
            return Feeling()
        valence = self.valence / self.words
        total = sum(self.counts.values())
        shares = tuple(self.counts[e] / total if total else 0.0 for e in EMOTIONS)
        energy = sum(share * _ENERGY[e] for share, e in zip(shares, EMOTIONS, strict=True)) if total else 0.4
        charge = min(1.0, 4 * self.charged / self.words)
        heat = min(1.0, self.marks / self.sentences)
        arousal = 0.1 + 0.45 * charge * energy / 0.7 + 0.25 * abs(valence) + 0.2 * heat
        return Feeling(round(valence, 4), round(min(1.0, max(0.0, arousal)), 4), shares, self.words)


def read_scene(scene: Scene) -> SceneArc:
    """The arc of one scene from its action and dialogue."""
    seconds = scene_length(scene) * SECONDS_PER_EIGHTH
    runs: list[tuple[int, int, list[str], _Tally]] = []
    people: dict[str, _Tally] = {}
    spoke_last = False
    paragraphs = 0  # action paragraphs in a row
    for index, element in enumerate(scene.elements):
        texts: list[tuple[str | None, str]] = []
        if isinstance(element, Action | Centered | Lyric):
            texts.append((None, plain(element.text)))
        elif isinstance(element, Dialogue | DualDialogue):
            speeches = sides(element)
            texts.extend((s.character.name, " ".join(plain(p.text) for p in s.lines)) for s in speeches)
        if not texts:
            continue
        action = texts[0][0] is None
        paragraphs = paragraphs + 1 if action else 0
        if not runs or (action and (spoke_last or paragraphs > _ACTION_PER_BEAT)):
            runs.append((index, index, [], _Tally()))
            paragraphs = 1 if action else 0
        first, _, speakers, tally = runs[-1]
        runs[-1] = (first, index, speakers, tally)
        for who, text in texts:
            tally.add_text(text)
            if who is not None:
                if who not in speakers:
                    speakers.append(who)
                people.setdefault(who, _Tally()).add_text(text)
        spoke_last = not action
    whole = _Tally()
    for *_, tally in runs:
        whole.add(tally)
    total_words = max(whole.words, 1)
    beats: list[Beat] = []
    clock = 0.0
    for number, (first, last, speakers, tally) in enumerate(runs):
        length = seconds * tally.words / total_words if whole.words else seconds / max(len(runs), 1)
        beats.append(Beat(number, first, last, tuple(speakers), tally.feeling(), round(clock, 2), round(length, 2)))
        clock += length
    beats = _mark_beat_peak(beats)
    characters = tuple(CharacterFeeling(name, tally.feeling()) for name, tally in people.items())
    return SceneArc(seconds, whole.feeling(), tuple(beats), characters)


def _mark_beat_peak(beats: list[Beat]) -> list[Beat]:
    if not beats:
        return beats
    top = max(beats, key=lambda b: b.feeling.intensity)
    if top.feeling.intensity < BEAT_PEAK:
        return beats
    return [Beat(**{**b.__dict__, "peak": b is top}) for b in beats]


def film_arc(title: str, numbers: Sequence[str], headings: Sequence[str], scenes: Sequence[SceneArc]) -> Arc:
    """The film's arc from its scenes' arcs, in order, with the peak scenes marked.

    A peak is a scene more intense than the scenes either side of it (the first
    and last scenes count against their one neighbour), among the most intense
    quarter of the film; the most intense scene is always a peak.
    """
    intensities = [s.intensity for s in scenes]
    peaks = _peaks(intensities)
    placed: list[ArcScene] = []
    clock = 0.0
    for i, (number, heading, arc) in enumerate(zip(numbers, headings, scenes, strict=True)):
        placed.append(ArcScene(number, heading, round(clock, 2), arc, i in peaks))
        clock += arc.seconds
    people: dict[str, list[tuple[Feeling, int]]] = {}
    for arc in scenes:
        for person in arc.characters:
            people.setdefault(person.name, []).append((person.feeling, person.feeling.words))
    characters = tuple(CharacterFeeling(name, _blend(feelings)) for name, feelings in people.items())
    return Arc(title, tuple(placed), characters, tuple(numbers[i] for i in sorted(peaks)))


def _peaks(values: list[float]) -> set[int]:
    if not values:
        return set()
    local = [
        i
        for i, v in enumerate(values)
        if (i == 0 or v > values[i - 1]) and (i == len(values) - 1 or v >= values[i + 1])
    ]
    keep = max(1, math.ceil(len(values) / 4))
    ranked = sorted(local, key=lambda i: -values[i])[:keep]
    return {*ranked, max(range(len(values)), key=lambda i: values[i])}


def _blend(feelings: list[tuple[Feeling, int]]) -> Feeling:
    total = sum(words for _, words in feelings)
    if not total:
        return Feeling()
    valence = sum(f.valence * w for f, w in feelings) / total
    arousal = sum(f.arousal * w for f, w in feelings) / total
    shares = [sum(f.emotions[i] * w for f, w in feelings) for i in range(len(EMOTIONS))]
    norm = sum(shares)
    return Feeling(round(valence, 4), round(arousal, 4), tuple(s / norm if norm else 0.0 for s in shares), total)
