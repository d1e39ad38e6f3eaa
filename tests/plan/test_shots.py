"""Coverage rules a director would recognise, pinned on small scripts written for them."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from clapboard.plan.arc import read_scene
from clapboard.plan.categories import break_down, cast_roster
from clapboard.plan.shots import SceneShots, Shot, cover, field_of_view, slate
from clapboard.screenplay.fountain import parse

SAMPLE = Path(__file__).parents[2] / "examples" / "concert-pitch.fountain"

TWO_HANDER = """\
INT. KITCHEN - NIGHT

Ann and Ben sit across the table.

ANN
Did you call him?

BEN
Not yet.

ANN
You promised.

BEN
I know what I promised.

INT. KITCHEN - NIGHT

ANN
Then call him now.

EXT. GARDEN - NIGHT

Ben takes a phone from his pocket and dials.

BEN
It's me.
"""


def _cover(text: str) -> list[SceneShots]:
    script = parse(text)
    roster = cast_roster(script)
    coverage, previous = [], None
    for scene in script.scenes:
        breakdown = break_down(scene, roster)
        coverage.append(cover(scene, breakdown, read_scene(scene), previous_location=previous))
        previous = breakdown.location
    return coverage


@pytest.fixture(scope="module")
def two_hander() -> list[SceneShots]:
    return _cover(TWO_HANDER)


def _kinds(coverage: SceneShots) -> list[str]:
    return [s.kind for s in coverage.shots]


def test_a_two_hander_gets_matching_over_the_shoulder_shots_from_either_end_of_the_line(
    two_hander: list[SceneShots],
) -> None:
    kitchen = two_hander[0]
    pairs = [s for s in kitchen.shots if s.kind == "over-the-shoulder"]
    ann = next(s for s in pairs if s.subject == "ANN")
    ben = next(s for s in pairs if s.subject == "BEN")
    # A matching pair: same size, lens, angle and height; cameras mirrored across the middle of the line.
    assert (ann.size, ann.lens_mm, ann.angle) == (ben.size, ben.lens_mm, ben.angle)
    assert ann.camera.x == pytest.approx(-ben.camera.x)
    assert ann.camera.y == pytest.approx(ben.camera.y)
    # Both on the same side of the 180° line, so screen direction holds: eyelines point opposite ways.
    assert ann.side == ben.side
    ann_look = {f.name: f.looks for f in ann.framing}["ANN"]
    ben_look = {f.name: f.looks for f in ben.framing}["BEN"]
    assert {ann_look, ben_look} == {"frame left", "frame right"}
    assert len({s.setup for s in pairs}) == 2
    # After the master opens the scene, the pair alternates with the speakers.
    subjects = [s.subject for s in pairs]
    assert len(subjects) >= 3
    assert all(a != b for a, b in pairwise(subjects))


def test_every_camera_in_a_scene_stays_on_one_side_of_the_line(two_hander: list[SceneShots]) -> None:
    for coverage in _cover(SAMPLE.read_text()):
        assert len({s.side for s in coverage.shots}) == 1


def test_a_new_location_gets_an_establishing_shot_and_the_same_one_does_not(two_hander: list[SceneShots]) -> None:
    kitchen, kitchen_again, garden = two_hander
    assert _kinds(kitchen)[0] == "establishing"
    assert "establishing" not in _kinds(kitchen_again)
    assert _kinds(garden)[0] == "establishing"
    assert garden.shots[0].size in ("EWS", "WS")


def test_a_handled_prop_gets_an_insert(two_hander: list[SceneShots]) -> None:
    garden = two_hander[2]
    (insert,) = [s for s in garden.shots if s.kind == "insert"]
    assert insert.subject == "phone"
    assert insert.characters == ("BEN",)
    assert insert.size == "ECU"
    assert insert.covers[0].text.startswith("Ben takes a phone")


def test_every_line_and_paragraph_is_covered_once_and_the_times_add_up() -> None:
    script = parse(TWO_HANDER)
    roster = cast_roster(script)
    scene = script.scenes[0]
    breakdown = break_down(scene, roster)
    coverage = cover(scene, breakdown, read_scene(scene), previous_location=None)
    covered = [c.element for s in coverage.shots for c in s.covers]
    assert covered == list(range(len(scene.elements)))
    assert sum(s.seconds for s in coverage.shots if s.covers) == pytest.approx(breakdown.seconds, abs=0.5)


def test_an_unseen_voice_is_covered_on_the_listener() -> None:
    sample = _cover(SAMPLE.read_text())
    tape = sample[5]
    june = [s for s in tape.shots if any(c.character == "JUNE" for c in s.covers)]
    assert june
    assert all(s.kind == "reaction" and s.subject == "WALTER" for s in june)


def test_the_emotional_peak_gets_a_close_up_pushed_in() -> None:
    kitchen = _cover(SAMPLE.read_text())[2]
    (close,) = [s for s in kitchen.shots if s.kind == "close-up"]
    assert (close.subject, close.size, close.move) == ("WALTER", "CU", "dolly in")
    assert close.lens_mm > 50


def test_the_sample_is_covered_with_the_usual_grammar() -> None:
    sample = _cover(SAMPLE.read_text())
    shots: list[Shot] = [s for c in sample for s in c.shots]
    kinds = {s.kind for s in shots}
    assert {"establishing", "master", "over-the-shoulder", "insert", "reaction", "close-up"} <= kinds
    inserts = {s.subject for s in shots if s.kind == "insert"}
    assert {"tuning fork", "cassette tape"} <= inserts
    assert all(s.made_by == "heuristic" for s in shots)


def test_slate_letters_skip_i_and_o() -> None:
    assert [slate(i) for i in (0, 1, 7, 8, 12, 23, 24)] == ["A", "B", "H", "J", "N", "Z", "AA"]


def test_a_longer_lens_sees_a_narrower_field() -> None:
    assert field_of_view(18) > field_of_view(50) > field_of_view(100)
    assert field_of_view(50) == pytest.approx(28.0, abs=0.5)
