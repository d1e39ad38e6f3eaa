"""Drafted paragraphs to a screenplay of the asked length, with no model involved."""

from __future__ import annotations

import pytest

from clapboard.screenplay import fountain
from clapboard.screenplay.model import Action, Dialogue
from clapboard.screenplay.pagination import paginate
from clapboard.writers.assembly import DraftScene, assemble, blocks_for, fit, page_window, scene_count, share

SPEECH = "I counted the money twice and it is still short by exactly one envelope, which means someone lied."
ACTION_TEXT = "Rain streaks the windshield. MAYA grips the wheel while JOE watches the bank across the street."


def _scenes(paragraphs: int, count: int = 3) -> list[DraftScene]:
    blocks = tuple(
        ("action", ACTION_TEXT) if i % 2 else ("MAYA" if i % 4 else "JOE", SPEECH) for i in range(paragraphs)
    )
    places = ("INT. GETAWAY CAR - NIGHT", "EXT. BANK - DAY", "INT. SAFE HOUSE - NIGHT")
    return [DraftScene(places[i % 3], blocks, 8) for i in range(count)]


@pytest.mark.parametrize(
    ("pages", "window"), [(1, (1, 1)), (3, (3, 3)), (4, (4, 4)), (5, (4, 6)), (10, (8, 12)), (90, (72, 108))]
)
def test_the_page_window_is_twenty_percent_either_way_in_whole_pages(pages: int, window: tuple[int, int]) -> None:
    assert page_window(pages) == window


def test_shares_add_up_and_follow_the_weights() -> None:
    assert share(29, [6, 6, 10]) == [8, 8, 13]
    assert sum(share(61, [3, 1, 9, 2], least=2)) == 61
    assert share(6, [0, 0, 0]) == [2, 2, 2]
    assert min(share(20, [1, 100], least=4)) == 4


def test_longer_scenes_ask_for_more_paragraphs() -> None:
    short, long = blocks_for(4), blocks_for(16)
    assert short[0] < short[1] < long[1]
    assert long[0] > short[0]
    assert scene_count(1) == 2
    assert scene_count(90) == 60


def test_an_assembled_draft_parses_back_to_the_same_screenplay_with_only_cast_speaking() -> None:
    nasty = "*Bold* _under_ [[note]] /* bone */ #section =synopsis ~lyric @force >center< (wryly)"
    scenes = [DraftScene("INT. VAULT - NIGHT", (("action", nasty), ("MAYA", nasty), ("JOE", "CUT TO:")), 6)]
    script = assemble("The Last Job", scenes)
    again = fountain.parse(fountain.format(script))
    assert again == script
    assert again.title == "The Last Job"
    assert set(again.characters) == {"MAYA", "JOE"}
    kinds = [type(el) for el in again.scenes[0].elements]
    assert kinds == [Action, Dialogue, Dialogue]
    assert "[[" not in fountain.format(again)


def test_a_long_draft_is_cut_to_the_window_and_a_fitting_one_is_left_alone() -> None:
    long = _scenes(60)
    assert paginate(assemble("T", long)).page_count > 4
    script, pages = fit("T", long, 3)
    assert pages == paginate(script).page_count == 3
    assert len(script.scenes) == 3  # every scene keeps at least a paragraph
    short = _scenes(2)
    same, pages = fit("T", short, 2)
    assert same == assemble("T", short)
    assert pages == 1  # short drafts are the room's to extend, not fit's
