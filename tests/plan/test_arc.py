"""The emotional arc: valence and arousal from the text, the eight emotions, and the peaks."""

from __future__ import annotations

from pathlib import Path

import pytest

from clapboard.plan.arc import EMOTIONS, film_arc, read_scene
from clapboard.screenplay import Screenplay
from clapboard.screenplay.fountain import parse

SAMPLE = Path(__file__).parents[2] / "examples" / "concert-pitch.fountain"

WARM = """\
INT. PARK - DAY

Sun on the grass. Children laugh and play.

ANA
I love this place. It's wonderful, isn't it?

LEO
The best day. I'm so happy you came.
"""

GRIM = """\
INT. CELLAR - NIGHT

Darkness. Something screams. BLOOD on the floor.

ANA
Get out! Get out now! He'll kill us!

LEO
I'm terrified -- I can't --
"""


def test_warm_and_grim_scenes_feel_as_they_read() -> None:
    warm = read_scene(parse(WARM).scenes[0])
    grim = read_scene(parse(GRIM).scenes[0])
    assert warm.feeling.valence > 0.3
    assert grim.feeling.valence < -0.2
    assert grim.feeling.arousal > warm.feeling.arousal
    assert grim.feeling.dominant == "fear"
    assert warm.feeling.dominant in ("joy", "trust", "anticipation")
    assert len(warm.feeling.emotions) == len(EMOTIONS) == 8
    assert sum(warm.feeling.emotions) == pytest.approx(1.0)


def test_each_speaking_character_gets_a_feeling() -> None:
    grim = read_scene(parse(GRIM).scenes[0])
    assert [c.name for c in grim.characters] == ["ANA", "LEO"]
    assert all(c.feeling.valence < 0 for c in grim.characters)


def test_beats_cover_the_scene_and_share_its_time() -> None:
    scene = parse(WARM).scenes[0]
    arc = read_scene(scene)
    assert arc.beats[0].first == 0
    assert arc.beats[-1].last == len(scene.elements) - 1
    assert sum(b.seconds for b in arc.beats) == pytest.approx(arc.seconds, abs=0.05)


def test_the_most_intense_scene_is_a_peak() -> None:
    scenes = [*parse(WARM).scenes, *parse(GRIM).scenes, *parse(WARM).scenes]
    arcs = [read_scene(s) for s in scenes]
    film = film_arc("Test", ["1", "2", "3"], [s.heading.text for s in scenes], arcs)
    strongest = max(film.scenes, key=lambda s: s.arc.intensity)
    assert strongest.peak
    assert strongest.number in film.peaks
    assert [s.start for s in film.scenes] == [0.0, arcs[0].seconds, arcs[0].seconds + arcs[1].seconds]


def test_the_sample_arc_peaks_towards_the_end() -> None:
    script = Screenplay.load(SAMPLE)
    scenes = script.scenes
    arcs = [read_scene(s) for s in scenes]
    film = film_arc("Concert Pitch", [s.number for s in scenes], [s.heading.text for s in scenes], arcs)
    # The laugh that escapes Walter in the kitchen, and the payoff near the end: two people heard playing together.
    assert film.peaks == ("3", "7")
    assert [b.peak for b in film.scenes[2].arc.beats][-1]
    assert {c.name for c in film.characters} == {"RUTH", "WALTER", "MAYA", "JUNE"}
