"""The score: one algorithmic cue per scene, composed from the emotional arc, written as MIDI.

Pure: numbers in (valence -1…1, arousal 0…1, seconds, a seed), MIDI out. How
a cue follows the arc, in the ways film composers reach for first:

- **key and mode**: valence picks the mode (major when it is zero or above,
  natural minor below) and the key walks the circle of fifths with it, from
  F minor (darkest) through A minor and C major to E major (brightest), so
  neighbouring moods sit in related keys;
- **tempo**: 60 BPM at rest to 150 at full arousal;
- **dynamics**: velocity rises with arousal, from *pp* to *ff*;
- **instrumentation and texture**: calm cues are piano over held strings;
  aroused ones pulse, with tremolo strings and low brass when dark, flute and
  drums when bright; notes get shorter as arousal rises.

Harmony is a diatonic progression (I–V–vi–IV, i–VI–III–VII…) one chord a bar,
ending on the tonic; the melody is a seeded one-bar motif of steps and chord
tones, sequenced over the chords, with a cadence every four bars. The seed
changes the motif and the progression, never the key, tempo or colour.

A composer takes over from the MIDI: :meth:`Cue.midi` is one cue (a track per
part, tempo, key and time signature), :meth:`Score.midi` the whole film with
tempo changes and a marker at every cue.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

import mido
import numpy as np

from clapboard.errors import ClapboardError

Mode: TypeAlias = Literal["major", "minor"]

#: MIDI ticks per quarter note in the files written here.
TICKS_PER_BEAT = 480
BEATS_PER_BAR = 4
SCALES: dict[str, tuple[int, ...]] = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10)}
NOTE_NAMES = ("C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
#: Keys by brightness: valence moves along the circle of fifths.
MAJOR_KEYS = (0, 7, 2, 9, 4)  # C G D A E
MINOR_KEYS = (9, 2, 7, 0, 5)  # A D G C F minor, darker each step: the relatives of C F Bb Eb Ab
#: Progressions as scale degrees (0 = tonic), one chord a bar; the seed picks one.
PROGRESSIONS: dict[str, tuple[tuple[int, ...], ...]] = {
    "major": ((0, 4, 5, 3), (0, 5, 3, 4), (0, 3, 4, 0), (0, 3, 0, 4)),
    "minor": ((0, 5, 2, 6), (0, 3, 5, 4), (0, 6, 5, 6), (0, 3, 4, 0)),
}
DYNAMICS = ((50, "pp"), (62, "p"), (74, "mp"), (86, "mf"), (98, "f"), (128, "ff"))
#: General MIDI drum notes.
KICK, SNARE, CLOSED_HAT = 36, 38, 42
DRUM_CHANNEL = 9


@dataclass(frozen=True)
class Mood:
    """How a stretch of the film feels: valence -1 (grief, dread) … 1 (joy), arousal 0 (still) … 1 (frantic)."""

    valence: float
    arousal: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.valence) and math.isfinite(self.arousal)):
            raise ClapboardError(f"a mood needs finite numbers, not valence={self.valence}, arousal={self.arousal}")
        object.__setattr__(self, "valence", min(max(self.valence, -1.0), 1.0))
        object.__setattr__(self, "arousal", min(max(self.arousal, 0.0), 1.0))

    @classmethod
    def parse(cls, prompt: str) -> Mood:
        """The mood a music prompt states as ``valence=-0.4 arousal=0.3``; words other than those are ignored,
        and a missing number is neutral (valence 0, arousal 0.4)."""
        found = {"valence": 0.0, "arousal": 0.4}
        for word in prompt.replace(",", " ").split():
            key, equals, value = word.partition("=")
            if equals and key.lower() in found:
                try:
                    found[key.lower()] = float(value)
                except ValueError:
                    raise ClapboardError(f"music prompt {prompt!r}: {word!r} is not a number") from None
        return cls(found["valence"], found["arousal"])


@dataclass(frozen=True)
class Note:
    """One note of a part: when (beats from the cue's start), how long (beats), which, how hard."""

    beat: float
    length: float
    pitch: int
    velocity: int


@dataclass(frozen=True)
class Part:
    """One player of a cue: its role, General MIDI program, channel and notes."""

    role: str
    program: int
    channel: int
    notes: tuple[Note, ...]


@dataclass(frozen=True)
class Cue:
    """A composed cue: its key, tempo, dynamics and parts."""

    name: str
    mood: Mood
    tonic: int
    mode: Mode
    tempo: int
    bars: int
    dynamics: str
    parts: tuple[Part, ...]

    @property
    def key(self) -> str:
        """The key as a musician names it: ``A minor``."""
        return f"{NOTE_NAMES[self.tonic]} {self.mode}"

    @property
    def seconds(self) -> float:
        """How long the cue's bars last."""
        return self.bars * BEATS_PER_BAR * 60.0 / self.tempo

    def midi(self) -> bytes:
        """The cue as a type-1 MIDI file: a conductor track, then one track per part."""
        conductor = [(0, _meta_tempo(self.tempo)), *_meta_key(0, self)]
        tracks = [_conductor(conductor, self.name)]
        for part in self.parts:
            tracks.append(_track(part.role, [(0, part, self, self.bars * BEATS_PER_BAR)]))
        return _file(tracks)


@dataclass(frozen=True)
class Spot:
    """Where a cue goes: the scene's start and length in the film, in seconds, and its mood."""

    start: float
    seconds: float
    mood: Mood
    scene: str = ""


@dataclass(frozen=True)
class Placed:
    """A composed cue in the film: it sounds from ``start`` and fades in and out over the given seconds."""

    spot: Spot
    cue: Cue
    start: float
    fade_in: float
    fade_out: float

    @property
    def seconds(self) -> float:
        """How long the cue sounds in the film, fades included."""
        return self.spot.seconds + (self.spot.start - self.start) + self.fade_out / 2.0


@dataclass(frozen=True)
class Score:
    """The film's cues, in order; neighbours overlap by ``crossfade`` seconds around each scene change."""

    cues: tuple[Placed, ...]
    crossfade: float

    def midi(self) -> bytes:
        """The whole score as one MIDI file: each cue from its scene's start, a tempo change and a marker at
        each, one track per role, cut at the next scene so a composer sees the cues end to end."""
        ticks = 0.0
        conductor: list[tuple[int, mido.MetaMessage]] = []
        entries: dict[str, list[tuple[int, Part, Cue, float]]] = {}
        starts = [placed.spot.start for placed in self.cues]
        for i, placed in enumerate(self.cues):
            if i:
                ticks += (starts[i] - starts[i - 1]) * self.cues[i - 1].cue.tempo / 60.0 * TICKS_PER_BEAT
            else:
                ticks = starts[0] * placed.cue.tempo / 60.0 * TICKS_PER_BEAT
            at = round(ticks)
            cue = placed.cue
            conductor.append((at, _meta_tempo(cue.tempo)))
            conductor.append((at, mido.MetaMessage("marker", text=f"{cue.name} {placed.spot.scene}".strip())))
            conductor.extend(_meta_key(at, cue))
            end = starts[i + 1] if i + 1 < len(starts) else placed.spot.start + placed.spot.seconds
            beats = (end - placed.spot.start) * cue.tempo / 60.0
            for part in cue.parts:
                entries.setdefault(part.role, []).append((at, part, cue, beats))
        if not self.cues:
            conductor.append((0, _meta_tempo(120)))
        tracks = [_conductor(conductor, "score")]
        tracks += [_track(role, parts) for role, parts in entries.items()]
        return _file(tracks)

    def stems(self) -> dict[str, bytes]:
        """The MIDI files a composer takes over from, by file name: ``score.mid`` and one per cue (``1M1.mid``…)."""
        return {"score.mid": self.midi(), **{f"{placed.cue.name}.mid": placed.cue.midi() for placed in self.cues}}


def compose(mood: Mood, seconds: float, *, seed: int, name: str = "1M1") -> Cue:
    """A cue at least ``seconds`` long in the key, tempo, dynamics and colour ``mood`` calls for."""
    if not (seconds > 0 and math.isfinite(seconds)):
        raise ClapboardError(f"cue {name}: a cue lasts a positive number of seconds, not {seconds}")
    mode: Mode = "major" if mood.valence >= 0 else "minor"
    keys = MAJOR_KEYS if mode == "major" else MINOR_KEYS
    brightness = round(abs(mood.valence) * (len(keys) - 1))
    tonic = keys[brightness]
    tempo = round(60 + 90 * mood.arousal + 4 * mood.valence)
    bars = max(2, math.ceil(seconds * tempo / 60.0 / BEATS_PER_BAR))
    rng = np.random.default_rng([seed, 0x5C0E])
    options = PROGRESSIONS[mode]
    progression = options[int(rng.integers(len(options)))]
    chords = [progression[bar % len(progression)] for bar in range(bars - 1)] + [0]
    loud = round(40 + 70 * mood.arousal)
    dynamics = next(label for bound, label in DYNAMICS if loud < bound)
    base = 60 + tonic - (12 if tonic > 6 else 0)  # the tonic between F#3 and F#4
    scale = SCALES[mode]
    colour = _orchestra(mood)
    parts = [
        Part("melody", colour[0], 0, _melody(rng, chords, scale, base + 12, mood, loud)),
        Part("harmony", colour[1], 1, _harmony(chords, scale, base, mood, loud - 12)),
        Part("bass", colour[2], 2, _bass(chords, scale, base - 24, mood, loud - 4)),
    ]
    if mood.arousal >= 0.6:
        parts.append(Part("drums", 0, DRUM_CHANNEL, _drums(bars, mood, loud - 6)))
    return Cue(name, mood, tonic, mode, tempo, bars, dynamics, tuple(parts))


def score(spots: Sequence[Spot], *, seed: int = 0, crossfade: float = 2.0) -> Score:
    """One cue per spot, in film order, each long enough to overlap its neighbours by ``crossfade`` seconds."""
    ordered = sorted(spots, key=lambda spot: spot.start)
    placed: list[Placed] = []
    for i, spot in enumerate(ordered):
        if spot.seconds <= 0:
            raise ClapboardError(f"scene {spot.scene or i + 1}: a cue needs a scene longer than 0 s")
        lead = min(crossfade / 2.0, spot.start) if i else 0.0
        tail = crossfade / 2.0 if i + 1 < len(ordered) else 0.0
        cue = compose(spot.mood, spot.seconds + lead + tail, seed=seed * 1009 + i, name=f"1M{i + 1}")
        placed.append(Placed(spot, cue, spot.start - lead, fade_in=2 * lead, fade_out=2 * tail))
    return Score(tuple(placed), crossfade)


def _orchestra(mood: Mood) -> tuple[int, int, int]:
    """General MIDI programs for melody, harmony and bass."""
    bright = mood.valence >= 0
    if mood.arousal < 0.5:
        # Piano over strings: the film's quiet default. Darker moods move the bass to a cello.
        return (0, 48, 32) if bright else (0, 49, 42)
    return (73, 48, 32) if bright else (42, 44, 43)  # flute, strings, bass / cello, tremolo strings, contrabass


def _note_value(arousal: float) -> float:
    """The melody's basic note length in beats: longer when calm."""
    for bound, beats in ((0.25, 2.0), (0.5, 1.0), (0.8, 0.5)):
        if arousal < bound:
            return beats
    return 0.25


def _chord_tones(degree: int, scale: tuple[int, ...], root: int) -> list[int]:
    return [_pitch(degree + step, scale, root) for step in (0, 2, 4)]


def _pitch(degree: int, scale: tuple[int, ...], root: int) -> int:
    octave, step = divmod(degree, len(scale))
    return root + 12 * octave + scale[step]


def _rhythm(rng: np.random.Generator, unit: float) -> list[float]:
    """One bar of note lengths: the unit, some pairs merged into longer notes, the last note held longer."""
    lengths = [unit] * round(BEATS_PER_BAR / unit)
    i = 0
    while i < len(lengths) - 1:
        if rng.random() < 0.3:
            lengths[i : i + 2] = [lengths[i] + lengths[i + 1]]
        i += 1
    if len(lengths) > 1 and rng.random() < 0.5:
        lengths[-2:] = [lengths[-2] + lengths[-1]]
    return lengths


def _melody(
    rng: np.random.Generator, chords: list[int], scale: tuple[int, ...], root: int, mood: Mood, loud: int
) -> tuple[Note, ...]:
    """A one-bar motif of steps between chord tones, sequenced on each chord, with a cadence every four bars."""
    rhythm = _rhythm(rng, _note_value(mood.arousal))
    walk = [int(rng.choice((0, 2, 4)))]
    for _ in rhythm[1:]:
        walk.append(walk[-1] + int(rng.choice((-2, -1, 1, 2), p=(0.15, 0.35, 0.35, 0.15))))
    notes: list[Note] = []
    first = 1 if len(chords) >= 3 else 0  # the harmony alone for a bar, then the tune comes in
    for bar in range(first, len(chords)):
        chord = chords[bar]
        start = bar * BEATS_PER_BAR
        if bar == len(chords) - 1 or bar % 4 == 3:
            # A cadence: one long chord tone, the tonic at the very end.
            target = 0 if bar == len(chords) - 1 else chord + 2
            notes.append(Note(start, BEATS_PER_BAR, _pitch(target, scale, root), loud))
            continue
        beat = 0.0
        for length, step in zip(rhythm, walk, strict=True):
            degree = min(max(chord + step, -3), 9)
            if beat % 2 == 0:  # strong beats land on the chord
                degree = min(((chord + s) for s in (-3, 0, 2, 4, 7)), key=lambda d: abs(d - degree))
            accent = 6 if beat == 0 else 0
            notes.append(Note(start + beat, length, _pitch(degree, scale, root), min(loud + 8 + accent, 127)))
            beat += length
    return tuple(notes)


def _harmony(chords: list[int], scale: tuple[int, ...], root: int, mood: Mood, loud: int) -> tuple[Note, ...]:
    """Held chords when calm, pulsing ones as arousal rises."""
    pulse = 4.0 if mood.arousal < 0.4 else 2.0 if mood.arousal < 0.7 else 1.0
    notes: list[Note] = []
    for bar, chord in enumerate(chords):
        tones = _chord_tones(chord, scale, root)
        hold = BEATS_PER_BAR if bar == len(chords) - 1 else pulse
        beat = 0.0
        while beat < BEATS_PER_BAR:
            notes += [Note(bar * BEATS_PER_BAR + beat, hold, tone, max(loud, 20)) for tone in tones]
            beat += hold
    return tuple(notes)


def _bass(chords: list[int], scale: tuple[int, ...], root: int, mood: Mood, loud: int) -> tuple[Note, ...]:
    """The chord roots: one a bar when calm, root and fifth, then driving eighths."""
    notes: list[Note] = []
    for bar, chord in enumerate(chords):
        low = _pitch(chord, scale, root)
        start = bar * BEATS_PER_BAR
        if mood.arousal < 0.4 or bar == len(chords) - 1:
            notes.append(Note(start, BEATS_PER_BAR, low, loud))
        elif mood.arousal < 0.7:
            notes += [Note(start, 2.0, low, loud), Note(start + 2, 2.0, _pitch(chord + 4, scale, root), loud - 6)]
        else:
            notes += [Note(start + i / 2, 0.5, low, loud - (0 if i % 2 == 0 else 10)) for i in range(8)]
    return tuple(notes)


def _drums(bars: int, mood: Mood, loud: int) -> tuple[Note, ...]:
    """Kick on one and three, snare on two and four, closed hi-hat in eighths; the last bar one closing hit."""
    notes: list[Note] = []
    for bar in range(bars - 1):
        start = bar * BEATS_PER_BAR
        notes += [Note(start + beat, 0.5, KICK, loud + 6) for beat in (0, 2)]
        notes += [Note(start + beat, 0.5, SNARE, loud) for beat in (1, 3)]
        notes += [Note(start + i / 2, 0.25, CLOSED_HAT, loud - 20 + (8 if i % 2 == 0 else 0)) for i in range(8)]
    notes.append(Note((bars - 1) * BEATS_PER_BAR, 1.0, KICK, loud + 6))
    return tuple(notes)


def _meta_tempo(bpm: int) -> mido.MetaMessage:
    return mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(bpm))


def _meta_key(at: int, cue: Cue) -> list[tuple[int, mido.MetaMessage]]:
    key = NOTE_NAMES[cue.tonic] + ("m" if cue.mode == "minor" else "")
    return [
        (at, mido.MetaMessage("time_signature", numerator=BEATS_PER_BAR, denominator=4)),
        (at, mido.MetaMessage("key_signature", key=key)),
    ]


def _conductor(events: list[tuple[int, mido.MetaMessage]], name: str) -> mido.MidiTrack:
    track = mido.MidiTrack([mido.MetaMessage("track_name", name=name)])
    return _timed(track, [(at, 0, message) for at, message in events])


def _track(role: str, entries: list[tuple[int, Part, Cue, float]]) -> mido.MidiTrack:
    """One role's notes across one or more cues: a program change at each cue, notes cut at ``beats``."""
    events: list[tuple[int, int, mido.Message]] = []
    for at, part, _cue, beats in entries:
        if part.channel != DRUM_CHANNEL:
            events.append((at, 0, mido.Message("program_change", channel=part.channel, program=part.program)))
        for note in part.notes:
            if note.beat >= beats:
                continue
            on = at + round(note.beat * TICKS_PER_BEAT)
            off = at + round(min(note.beat + note.length, beats) * TICKS_PER_BEAT)
            # Offs sort before ons at the same tick, so a repeated note is released before it sounds again.
            events.append(
                (on, 2, mido.Message("note_on", channel=part.channel, note=note.pitch, velocity=note.velocity))
            )
            events.append((off, 1, mido.Message("note_off", channel=part.channel, note=note.pitch, velocity=0)))
    track = mido.MidiTrack([mido.MetaMessage("track_name", name=role)])
    return _timed(track, events)


def _timed(track: mido.MidiTrack, events: list[tuple[int, int, mido.Message | mido.MetaMessage]]) -> mido.MidiTrack:
    now = 0
    for at, _order, message in sorted(events, key=lambda event: (event[0], event[1])):
        track.append(message.copy(time=at - now))
        now = at
    track.append(mido.MetaMessage("end_of_track", time=0))
    return track


def _file(tracks: list[mido.MidiTrack]) -> bytes:
    song = mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_BEAT)
    song.tracks.extend(tracks)
    buffer = io.BytesIO()
    song.save(file=buffer)
    return buffer.getvalue()
