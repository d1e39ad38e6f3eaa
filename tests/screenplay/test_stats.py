"""Script statistics, checked against numbers worked out by hand."""

from __future__ import annotations

import json
import textwrap

from clapboard.screenplay import fountain
from clapboard.screenplay.model import Action, Character, Dialogue, Line, Screenplay
from clapboard.screenplay.stats import UNSPECIFIED, CharacterStats, SceneStats, script_stats

SMALL_HOURS = textwrap.dedent(
    """\
    Title: _Small_ **Hours**

    INT. KITCHEN - NIGHT

    Anna pours tea.

    ANNA
    (whispering)
    Is he *asleep*?
    Finally.

    BEN (O.S.)
    I heard that. [[ad-lib if it plays]]

    EXT. GARDEN - DAY

    BEN
    Morning.

    ANNA ^
    Morning, love.

    .FLASHBACK - CONTINUOUS

    ~Row, row, row

    ANNA
    ~Row your boat
    Gently.
    """
)


def test_small_script_by_hand() -> None:
    stats = script_stats(fountain.parse(SMALL_HOURS))

    assert stats.title == "Small Hours"  # emphasis markup is not part of the title
    assert stats.pages == 1
    # Rows from each heading to the next (one blank row between elements, 55 rows a page),
    # in eighths rounded to the nearest, at least one:
    #   kitchen: heading, gap, action, gap, cue, wryly, 2 lines, gap, cue, line, gap = 12 rows -> 12*8/55 = 1.7 -> 2
    #   garden: heading, gap, the dual block (cue + line), gap = 5 rows -> 0.7 -> 1
    #   flashback: heading, gap, lyric, gap, cue, lyric, line, blank = 8 rows -> 1.2 -> 1
    assert stats.scenes == (
        SceneStats("1", "INT. KITCHEN - NIGHT", "INT", "NIGHT", 2, ("ANNA", "BEN")),
        SceneStats("2", "EXT. GARDEN - DAY", "EXT", "DAY", 1, ("BEN", "ANNA")),
        SceneStats("3", "FLASHBACK - CONTINUOUS", UNSPECIFIED, "CONTINUOUS", 1, ("ANNA",)),
    )
    assert stats.eighths == 4
    assert stats.runtime_minutes == 0.5

    # ANNA: "Is he asleep? / Finally." (2 lines, 4 words), "Morning, love." (1, 2), "Row your boat / Gently." (2, 4).
    # BEN: "I heard that." (the inline note does not count) and "Morning.". The wryly is not dialogue.
    assert stats.characters == (
        CharacterStats("ANNA", speeches=3, lines=5, words=10, scenes=("1", "2", "3")),
        CharacterStats("BEN", speeches=2, lines=2, words=4, scenes=("1", "2")),
    )
    assert dict(stats.settings) == {"INT": 1, "EXT": 1, UNSPECIFIED: 1}
    assert dict(stats.times) == {"NIGHT": 1, "DAY": 1, "CONTINUOUS": 1}


def test_characters_are_ordered_by_speeches_then_first_appearance() -> None:
    script = fountain.parse("INT. HALL - DAY\n\nCY\nOne.\n\nBO\nTwo.\n\nAL\nThree.\n\nBO\nFour.\n")
    assert [c.name for c in script_stats(script).characters] == ["BO", "CY", "AL"]


def test_a_forced_page_break_adds_a_page_but_no_length() -> None:
    action = "\n".join(f"Line {n}." for n in range(30))
    script = fountain.parse(f"INT. ONE - DAY\n\n{action}\n\n===\n\nEXT. TWO - NIGHT\n\nShort.\n")
    stats = script_stats(script)
    assert stats.pages == 2
    # The blank foot of page one belongs to no scene. Scene one: heading, gap, 30 lines and the
    # blank after them = 33 rows -> 33*8/55 = 4.8 -> 5/8. Scene two: heading, gap, action, blank
    # = 4 rows -> 0.58 -> 1/8.
    assert [s.eighths for s in stats.scenes] == [5, 1]
    assert [s.length for s in stats.scenes] == ["5/8", "1/8"]
    assert stats.runtime_minutes == 0.75


def test_dialogue_before_the_first_scene_counts_but_has_no_scene() -> None:
    script = Screenplay(elements=(Action("Black screen."), Dialogue(Character("NARRATOR"), (Line("Once."),))))
    stats = script_stats(script)
    assert stats.scenes == ()
    assert stats.characters == (CharacterStats("NARRATOR", 1, 1, 1, ()),)
    assert stats.runtime_minutes == 0


def test_as_dict_is_plain_json_with_the_runtime() -> None:
    data = json.loads(json.dumps(script_stats(fountain.parse(SMALL_HOURS)).as_dict()))
    assert data["runtime_minutes"] == 0.5
    assert data["characters"][0] == {
        "name": "ANNA",
        "speeches": 3,
        "lines": 5,
        "words": 10,
        "scenes": ["1", "2", "3"],
    }
    assert data["scenes"][2]["setting"] == UNSPECIFIED
