"""The scene breakdown: the cast from cues and capitals, and each category read from the action."""

from __future__ import annotations

from pathlib import Path

import pytest

from clapboard.plan.categories import CATEGORIES, SceneBreakdown, break_down, cast_roster, similar_names
from clapboard.screenplay import Screenplay
from clapboard.screenplay.fountain import parse

SAMPLE = Path(__file__).parents[2] / "examples" / "concert-pitch.fountain"

DINER = """\
INT. ROADSIDE DINER - NIGHT

Rain lashes the windows. A crowd of truckers hunch over their plates.
NORA BELL (40s), waitress, blood on her apron, pours coffee.

A police car pulls into the lot. The door bell RINGS.

A DRIFTER (60s) sits alone in a booth. He never speaks.

Nora takes a revolver from under the counter and lays it by the till. The jukebox crackles.

NORA
We're closed.

SHERIFF DALE (O.S.)
Not to me you're not.
"""


def _breakdown(text: str) -> list[SceneBreakdown]:
    script = parse(text)
    roster = cast_roster(script)
    return [break_down(scene, roster) for scene in script.scenes]


@pytest.fixture(scope="module")
def diner() -> SceneBreakdown:
    return _breakdown(DINER)[0]


def test_the_cast_is_who_speaks_and_who_the_action_introduces_in_capitals(diner: SceneBreakdown) -> None:
    assert diner.cast == ("NORA", "SHERIFF DALE")
    assert diner.silent == ("DRIFTER",)
    # Heard from off screen and never seen: a voice, not someone on set.
    assert diner.voices == ("SHERIFF DALE",)


def test_the_roster_joins_an_introduction_to_its_cue_and_learns_pronouns() -> None:
    roster = cast_roster(Screenplay.load(SAMPLE))
    ruth = roster.find("Ruth Okafor")
    assert ruth is not None
    assert (ruth.name, ruth.pronoun) == ("RUTH", "she")
    assert roster.find("WALTER") is not None
    assert roster.find("Walter's") == roster.find("WALTER")


def test_every_category_is_read_from_the_action(diner: SceneBreakdown) -> None:
    names = {c.key: set(diner.names(c.key)) for c in CATEGORIES}
    assert "rain" in names["effects"]
    assert "truckers" in names["extras"] or "crowd" in names["extras"]
    assert "police car" in names["vehicles"] or "car" in names["vehicles"]
    assert "revolver" in names["props"]
    assert "apron" in names["wardrobe"]
    assert "blood" in names["makeup"]
    assert "rings" in names["sound"]


def test_a_handled_prop_names_who_handles_it_and_a_garment_its_wearer(diner: SceneBreakdown) -> None:
    (revolver,) = [i for i in diner.of("props") if i.name == "revolver"]
    assert revolver.handled
    assert revolver.owner == "NORA"
    assert revolver.introduced
    (apron,) = diner.of("wardrobe")
    assert apron.owner == "NORA"


def test_lengths_and_screen_time_come_from_page_eighths(diner: SceneBreakdown) -> None:
    assert diner.eighths >= 2
    assert diner.seconds == diner.eighths * 7.5


def test_the_sample_breaks_down_as_a_first_ad_would() -> None:
    scenes = _breakdown(SAMPLE.read_text())
    front_room, kitchen = scenes[1], scenes[2]
    assert set(front_room.cast) == {"RUTH", "WALTER", "MAYA"}
    props = {i.name: i for i in front_room.of("props")}
    assert props["tuning fork"].owner == "RUTH"
    assert props["tuning fork"].handled
    assert props["cassette tape"].introduced
    assert "cassette player" in kitchen.names("props")
    # Walter walks out of the front room; Maya walks into the kitchen.
    assert [(m.character, m.kind) for m in front_room.movements] == [("WALTER", "exit")]
    assert [(m.character, m.kind) for m in kitchen.movements] == [("MAYA", "enter")]
    street = scenes[4]
    assert (street.cast, street.silent) == ((), ("RUTH",))
    assert "hatchback" in street.names("vehicles")
    tape = scenes[5]
    assert tape.voices == ("JUNE",)
    assert "pyjamas" in tape.names("wardrobe")


def test_names_spelled_two_ways_look_alike() -> None:
    assert similar_names("NICK", "NICKY")
    assert similar_names("SARAH", "SARA")
    assert not similar_names("RUTH", "WALTER")
    assert not similar_names("JO", "JOE")
