"""The score: cues whose key, mode, tempo and boundaries follow the arc, read back from their MIDI."""

from __future__ import annotations

import io

import mido
import numpy as np
import pytest

from clapboard.errors import ClapboardError
from clapboard.sound.score import Mood, Spot, compose, score

# Krumhansl-Kessler key profiles: how strongly each scale degree belongs to a major or minor key.
MAJOR = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
MINOR = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])
NAMES = ("C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")


def notes(midi: bytes) -> list[tuple[float, float, int, int]]:
    """(start, end, pitch, channel) of every note, in seconds, by playing the file's tempo map."""
    song = mido.MidiFile(file=io.BytesIO(midi))
    now, sounding, found = 0.0, {}, []
    for message in song:
        now += message.time
        if message.type == "note_on" and message.velocity > 0:
            sounding[(message.channel, message.note)] = now
        elif message.type in ("note_off", "note_on"):
            start = sounding.pop((message.channel, message.note))
            found.append((start, now, message.note, message.channel))
    return found


def key_of(midi: bytes) -> str:
    """The key whose profile best matches the duration-weighted pitch classes (drums left out)."""
    weights = np.zeros(12)
    for start, end, pitch, channel in notes(midi):
        if channel != 9:
            weights[pitch % 12] += end - start
    scores = {}
    for tonic in range(12):
        for mode, profile in (("major", MAJOR), ("minor", MINOR)):
            scores[f"{NAMES[tonic]} {mode}"] = np.corrcoef(weights, np.roll(profile, tonic))[0, 1]
    return max(scores, key=scores.get)


def tempi(midi: bytes) -> list[float]:
    song = mido.MidiFile(file=io.BytesIO(midi))
    return [round(mido.tempo2bpm(m.tempo), 1) for track in song.tracks for m in track if m.type == "set_tempo"]


@pytest.mark.parametrize("valence", [-0.9, -0.5, -0.2])
def test_a_scene_with_negative_valence_gets_a_minor_cue(valence: float) -> None:
    cue = compose(Mood(valence, 0.3), 30.0, seed=4)
    assert cue.mode == "minor"
    assert key_of(cue.midi()) == cue.key
    assert cue.key.endswith("minor")


@pytest.mark.parametrize("valence", [0.0, 0.4, 0.9])
def test_a_scene_with_positive_valence_gets_a_major_cue(valence: float) -> None:
    cue = compose(Mood(valence, 0.5), 30.0, seed=4)
    assert key_of(cue.midi()) == cue.key
    assert cue.key.endswith("major")


def test_darker_moods_sit_in_flatter_keys_along_the_circle_of_fifths() -> None:
    keys = [compose(Mood(v, 0.3), 10.0, seed=0).key for v in (1.0, 0.5, 0.0, -0.3, -0.6, -1.0)]
    assert keys == ["E major", "D major", "C major", "D minor", "G minor", "F minor"]


def test_tempo_rises_with_arousal_and_the_midi_says_so() -> None:
    calm, urgent = compose(Mood(0.2, 0.1), 20.0, seed=1), compose(Mood(0.2, 0.9), 20.0, seed=1)
    assert tempi(calm.midi()) == [calm.tempo]
    assert tempi(urgent.midi()) == [urgent.tempo]
    assert 60 <= calm.tempo < 80 < 130 < urgent.tempo <= 155


def test_dynamics_and_texture_follow_arousal() -> None:
    calm, urgent = compose(Mood(-0.4, 0.1), 20.0, seed=1), compose(Mood(-0.4, 0.95), 20.0, seed=1)
    assert (calm.dynamics, urgent.dynamics) == ("pp", "ff")
    loud = [n.velocity for p in urgent.parts for n in p.notes]
    soft = [n.velocity for p in calm.parts for n in p.notes]
    assert np.mean(loud) > np.mean(soft) + 30
    assert "drums" in [p.role for p in urgent.parts] and "drums" not in [p.role for p in calm.parts]
    melody = {p.role: p for p in calm.parts}["melody"]
    fast = {p.role: p for p in urgent.parts}["melody"]
    assert len(fast.notes) / urgent.bars > 3 * len(melody.notes) / calm.bars


def test_a_cue_lasts_at_least_its_scene_and_ends_on_the_tonic() -> None:
    cue = compose(Mood(-0.5, 0.4), 17.0, seed=2)
    assert 17.0 <= cue.seconds < 17.0 + 4 * 60 / cue.tempo
    played = notes(cue.midi())
    assert max(end for _, end, _, _ in played) == pytest.approx(cue.seconds, abs=0.01)
    last_melody = max((n for n in played if n[3] == 0), key=lambda n: n[0])
    assert NAMES[last_melody[2] % 12] == cue.key.split()[0]


def test_the_seed_changes_the_tune_not_the_key_or_tempo() -> None:
    one, two = compose(Mood(0.3, 0.5), 20.0, seed=1), compose(Mood(0.3, 0.5), 20.0, seed=2)
    assert (one.key, one.tempo) == (two.key, two.tempo)
    assert one.parts[0].notes != two.parts[0].notes
    assert compose(Mood(0.3, 0.5), 20.0, seed=1).midi() == one.midi()


def test_the_film_score_changes_tempo_and_marks_each_cue_at_its_scene() -> None:
    spots = [
        Spot(0.0, 30.0, Mood(0.4, 0.4), "EXT. PORCH - DAY"),
        Spot(30.0, 25.0, Mood(-0.6, 0.2), "INT. KITCHEN - DAY"),
        Spot(55.0, 20.0, Mood(0.7, 0.8), "EXT. STREET - NIGHT"),
    ]
    film = score(spots, seed=3, crossfade=2.0)
    song = mido.MidiFile(file=io.BytesIO(film.midi()))
    now, markers, changes = 0.0, [], []
    for message in song:
        now += message.time
        if message.type == "marker":
            markers.append((round(now, 2), message.text))
        elif message.type == "set_tempo":
            changes.append((round(now, 2), round(mido.tempo2bpm(message.tempo))))
    assert markers == [
        (0.0, "1M1 EXT. PORCH - DAY"),
        (30.0, "1M2 INT. KITCHEN - DAY"),
        (55.0, "1M3 EXT. STREET - NIGHT"),
    ]
    assert changes == [(0.0, film.cues[0].cue.tempo), (30.0, film.cues[1].cue.tempo), (55.0, film.cues[2].cue.tempo)]
    # Each cue's notes stay inside its scene in the film's MIDI; the audio cues overlap for the cross-fade.
    for start, end, _, _ in notes(film.midi()):
        assert not (start < 30.0 < end - 0.01) and not (start < 55.0 < end - 0.01)
    first, second, third = film.cues
    assert (first.start, first.fade_in, first.fade_out) == (0.0, 0.0, 2.0)
    assert (second.start, second.fade_in, second.fade_out) == (29.0, 2.0, 2.0)
    assert (third.start, third.fade_out) == (54.0, 0.0)
    assert first.start + first.seconds == pytest.approx(31.0)
    assert second.cue.seconds >= second.seconds


def test_the_midi_stems_are_the_score_and_each_cue() -> None:
    film = score([Spot(0.0, 10.0, Mood(0.1, 0.3)), Spot(10.0, 10.0, Mood(-0.5, 0.3))])
    stems = film.stems()
    assert list(stems) == ["score.mid", "1M1.mid", "1M2.mid"]
    assert key_of(stems["1M2.mid"]) == film.cues[1].cue.key
    tracks = [t.name for t in mido.MidiFile(file=io.BytesIO(stems["score.mid"])).tracks]
    assert tracks == ["score", "melody", "harmony", "bass"]


def test_a_music_prompt_states_its_mood() -> None:
    assert Mood.parse("valence=-0.4 arousal=0.7, strings") == Mood(-0.4, 0.7)
    assert Mood.parse("rain on a window") == Mood(0.0, 0.4)
    assert Mood(5.0, -1.0) == Mood(1.0, 0.0)
    with pytest.raises(ClapboardError, match="not a number"):
        Mood.parse("valence=sad")
    with pytest.raises(ClapboardError, match="positive"):
        compose(Mood(0, 0), 0.0, seed=0)
