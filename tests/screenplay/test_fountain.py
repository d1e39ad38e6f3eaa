"""Fountain 1.1 reading and writing: every element, every forced form, round trips."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import HealthCheck, given, settings

from clapboard.errors import ScriptError
from clapboard.screenplay import fountain
from clapboard.screenplay.emphasis import Span, plain, spans
from clapboard.screenplay.model import (
    Action,
    Boneyard,
    Centered,
    Character,
    Dialogue,
    DualDialogue,
    Line,
    Lyric,
    Note,
    PageBreak,
    Parenthetical,
    SceneHeading,
    Screenplay,
    Section,
    Synopsis,
    Transition,
)
from tests.screenplay.strategies import fountain_texts, screenplays


def body(text: str) -> tuple:
    """The elements of a Fountain snippet; triple-quoted blocks are dedented to read naturally."""
    if text.startswith("\n"):
        text = textwrap.dedent(text).strip("\n")
    return fountain.parse(text + "\n").elements


def only(text: str):
    elements = body(text)
    assert len(elements) == 1, elements
    return elements[0]


# --- scene headings ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "setting", "location", "time"),
    [
        ("INT. KITCHEN - NIGHT", "INT", "KITCHEN", "NIGHT"),
        ("EXT. ROOFTOP - DAY", "EXT", "ROOFTOP", "DAY"),
        ("INT./EXT. CAR - MOVING - NIGHT", "INT/EXT", "CAR - MOVING", "NIGHT"),
        ("INT/EXT CAR - DAY", "INT/EXT", "CAR", "DAY"),
        ("I/E PORCH - DUSK", "INT/EXT", "PORCH", "DUSK"),
        ("EST. CITY SKYLINE - DAWN", "EXT", "CITY SKYLINE", "DAWN"),
        ("int. lowercase house - day", "INT", "lowercase house", "day"),
        ("INT. HALLWAY", "INT", "HALLWAY", ""),
    ],
)
def test_scene_heading_split(line: str, setting: str, location: str, time: str) -> None:
    h = only(line)
    assert isinstance(h, SceneHeading)
    assert (h.text, h.setting, h.location, h.time, h.forced) == (line, setting, location, time, False)


def test_scene_heading_needs_blank_line_after() -> None:
    els = body("""
        INT. KITCHEN - NIGHT
        This is action because no blank line follows the heading.
    """)
    assert [type(e) for e in els] == [Action]


def test_forced_scene_heading_and_dots() -> None:
    h = only(".FLASHBACK - THE WAR")
    assert isinstance(h, SceneHeading)
    assert (h.forced, h.setting, h.location, h.time) == (True, "", "FLASHBACK", "THE WAR")
    assert isinstance(only("...and then nothing."), Action)


def test_scene_numbers() -> None:
    h = only("INT. HOUSE - DAY #12A#")
    assert (h.number, h.text) == ("12A", "INT. HOUSE - DAY")
    script = fountain.parse("INT. A - DAY\n\nEXT. B - NIGHT #7#\n\nINT. C - DAY\n")
    assert [s.number for s in script.scenes] == ["1", "7", "3"]


def test_day_night_classes() -> None:
    assert only("EXT. FIELD - DUSK").is_night
    assert only("EXT. FIELD - MORNING").is_day
    assert only("INT. LAB - CONTINUOUS").day_night == "CONTINUOUS"


# --- characters and dialogue ------------------------------------------------------------


def test_dialogue_with_parentheticals_and_extensions() -> None:
    d = only("""
        MARY (V.O.) (CONT'D)
        I never wanted this.
        (beat)
        Never.
    """)
    assert isinstance(d, Dialogue)
    assert d.character == Character("MARY", ("V.O.", "CONT'D"))
    assert d.character.is_voice_over and d.character.is_continued and not d.character.is_off_screen
    assert d.parts == (Line("I never wanted this."), Parenthetical("(beat)"), Line("Never."))
    assert d.character.cue == "MARY (V.O.) (CONT'D)"


def test_off_screen_and_lowercase_extension() -> None:
    d = only("JOHN (o.s.)\nMary?")
    assert d.character.name == "JOHN" and d.character.is_off_screen


def test_contd_is_the_same_character() -> None:
    script = fountain.parse("MARY\nOne.\n\nShe sips.\n\nMARY (CONT'D)\nTwo.\n\nMARY (CONT’D)\nThree.\n")
    assert script.characters == ("MARY",)


def test_character_needs_blank_line_before_and_text_after() -> None:
    assert isinstance(only("STEEL"), Action)
    els = body("""
        He stops.
        BOOM
        Nothing follows.
    """)
    assert [type(e) for e in els] == [Action]


def test_character_names_with_numbers_need_a_letter() -> None:
    d = only("R2D2\nBeep.")
    assert isinstance(d, Dialogue) and d.character.name == "R2D2"
    assert isinstance(only("1984\nA year."), Action)


def test_forced_character() -> None:
    d = only("@McCLANE\nYippee ki-yay.")
    assert isinstance(d, Dialogue)
    assert d.character.name == "McCLANE" and d.character.forced


def test_dual_dialogue() -> None:
    dd = only("""
        BRICK
        Screw retirement.

        STEEL ^
        Screw retirement.
    """)
    assert isinstance(dd, DualDialogue)
    assert (dd.left.character.name, dd.right.character.name) == ("BRICK", "STEEL")
    assert dd.right.parts == (Line("Screw retirement."),)


def test_dual_caret_without_partner_is_plain_dialogue() -> None:
    assert isinstance(only("STEEL ^\nAlone."), Dialogue)


def test_dialogue_keeps_line_breaks_and_two_space_blank_lines() -> None:
    d = only("DEALER\nTen.\nTwenty.\n  \nThirty.")
    assert d.parts == (Line("Ten.\nTwenty.\n\nThirty."),)


def test_indented_dialogue_is_unindented() -> None:
    d = only("\t\tHANS\n\t\tNow it begins.")
    assert d == Dialogue(Character("HANS"), (Line("Now it begins."),))


def test_lyrics_inside_dialogue() -> None:
    d = only("MARY\n~Row, row, row your boat\n~gently down the stream\n(laughs)")
    assert d.parts == (Lyric("Row, row, row your boat\ngently down the stream"), Parenthetical("(laughs)"))


# --- other elements ---------------------------------------------------------------------


def test_action_keeps_indentation_and_converts_tabs() -> None:
    a = only("He reads:\n\tDear John,\n    I am leaving.")
    assert a.text == "He reads:\n    Dear John,\n    I am leaving."


def test_forced_action() -> None:
    a = only("!SCANNING THE AISLES...\nNothing.")
    assert isinstance(a, Action) and a.forced
    assert a.text == "SCANNING THE AISLES...\nNothing."


def test_transitions() -> None:
    t = only("CUT TO:")
    assert t == Transition("CUT TO:") and not t.forced
    forced = only("> FADE TO BLACK.")
    assert isinstance(forced, Transition) and forced.forced and forced.text == "FADE TO BLACK."
    assert isinstance(only("Walks to:"), Action)


def test_centered() -> None:
    assert only(">THE END<") == Centered("THE END")
    assert only("> INTERMISSION <\n> TEN MINUTES <") == Centered("INTERMISSION\nTEN MINUTES")


def test_lyric_standalone() -> None:
    assert only("~Willy Wonka! Willy Wonka!") == Lyric("Willy Wonka! Willy Wonka!")


def test_notes_standalone_and_inline() -> None:
    assert only("[[This scene runs long.]]") == Note("This scene runs long.")
    assert only("[[Two lines\n  \nwith a gap]]") == Note("Two lines\n\nwith a gap")
    a = only("He smiles [[too much?]] and leaves.")
    assert isinstance(a, Action) and plain(a.text) == "He smiles  and leaves."


def test_boneyard_multiline_with_blank_lines() -> None:
    els = body("""
        Before.

        /*
        INT. CUT SCENE - DAY

        Gone.
        */

        After.
    """)
    assert els == (Action("Before."), Boneyard("\nINT. CUT SCENE - DAY\n\nGone.\n"), Action("After."))


def test_boneyard_line_numbers() -> None:
    els = fountain.parse("One.\n\n/* x\ny */\n\nTwo.\n").elements
    assert [e.line for e in els] == [1, 3, 6]


def test_sections_and_synopses() -> None:
    els = body("# Act One\n\n## Sequence 1\n\n= The hero wakes.")
    assert els == (Section("Act One", 1), Section("Sequence 1", 2), Synopsis("The hero wakes."))


def test_page_break() -> None:
    assert body("One.\n\n===\n\nTwo.") == (Action("One."), PageBreak(), Action("Two."))
    assert body("One.\n\n=====\n\nTwo.")[1] == PageBreak()


def test_title_page() -> None:
    script = fountain.parse(
        "Title:\n    _**BRICK & STEEL**_\n    _**FULL RETIRED**_\nCredit: Written by\nAuthor: Stu Maschwitz\n"
        "Draft date: 1/20/2012\nContact:\n    Next Level Productions\n    1588 Mission Dr.\n\n"
        "EXT. BRICK'S PATIO - DAY\n"
    )
    tp = script.title_page
    assert [f.key for f in tp.fields] == ["Title", "Credit", "Author", "Draft date", "Contact"]
    assert tp.title == "_**BRICK & STEEL**_\n_**FULL RETIRED**_"
    assert tp.get("author") == "Stu Maschwitz"
    assert tp.get("contact") == "Next Level Productions\n1588 Mission Dr."
    assert isinstance(script.elements[0], SceneHeading)


def test_fade_in_is_not_a_title_page() -> None:
    script = fountain.parse("FADE IN:\n\nINT. HOUSE - DAY\n")
    assert not script.title_page
    assert script.elements[0] == Action("FADE IN:")


def test_emphasis() -> None:
    a = only("*italic* **bold** ***both*** _under_ _**bold under**_ \\*literal\\*")
    assert spans(a.text) == (
        Span("italic", italic=True),
        Span(" "),
        Span("bold", bold=True),
        Span(" "),
        Span("both", bold=True, italic=True),
        Span(" "),
        Span("under", underline=True),
        Span(" "),
        Span("bold under", bold=True, underline=True),
        Span(" *literal*"),
    )


def test_emphasis_does_not_cross_lines() -> None:
    assert spans("*not\nitalic*") == (Span("*not\nitalic*"),)


def test_line_numbers_and_crlf() -> None:
    script = fountain.parse("Title: X\r\n\r\nINT. A - DAY\r\n\r\nMARY\r\nHi.\r\n")
    heading, dialogue = script.elements
    assert (heading.line, dialogue.line, dialogue.parts[0].line) == (3, 5, 6)


def test_scenes_group_elements() -> None:
    script = fountain.parse("Opening.\n\nINT. A - DAY\n\nMARY\nHi.\n\nEXT. B - NIGHT\n\nBOB\nYo.\n\nMARY ^\nYo.\n")
    scenes = script.scenes
    assert [s.heading.location for s in scenes] == ["A", "B"]
    assert scenes[1].speaking_characters == ("BOB", "MARY")
    assert script.characters == ("MARY", "BOB")


# --- bad input ---------------------------------------------------------------------------


def test_unclosed_boneyard_names_its_line() -> None:
    with pytest.raises(ScriptError) as err:
        fountain.parse("Hello.\n\n/* never closed\n\nMore.\n", "film.fountain")
    assert err.value.line == 3
    assert str(err.value) == "film.fountain:3: boneyard '/*' is never closed with '*/'"


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [
        (b"", 1, "empty"),
        (b"  \n\n \n", 1, "empty"),
        (b"INT. A - DAY\n\nHi\x00there\n", 3, "binary"),
        (b"INT. A - DAY\n\nCaf\xe9\n", 3, "UTF-8"),
        (b"x" * 10_000_000, 1, "characters long"),
    ],
)
def test_bad_bytes(data: bytes, line: int, words: str) -> None:
    with pytest.raises(ScriptError) as err:
        fountain.read(data, "bad.fountain")
    assert err.value.path == "bad.fountain" and err.value.line == line
    assert words in str(err.value)
    assert "\n" not in str(err.value)


def test_bom_and_utf16_are_read() -> None:
    assert fountain.read(b"\xef\xbb\xbfINT. A - DAY\n").elements[0].location == "A"
    assert fountain.read("INT. Ä - DAY\n".encode("utf-16")).elements[0].location == "Ä"


# --- round trips --------------------------------------------------------------------------


def test_canonical_text_round_trips_exactly() -> None:
    text = textwrap.dedent("""\
        Title: The Film
        Author: Someone

        INT. KITCHEN - NIGHT #1#

        MARY (V.O.)
        I never wanted this.
        (beat)
        Never.

        CUT TO:

        > FADE OUT.

        > THE END <
        """)
    assert fountain.format(fountain.parse(text)) == text


def test_writer_forces_what_would_be_misread() -> None:
    script = Screenplay(
        elements=(
            Action("INT. NOT A HEADING"),
            Action("BOOM\nThe wall falls."),
            Action("Note: this is action"),
            Transition("FADE OUT."),
            Dialogue(Character("McCoy"), (Line("Lowercase name."),)),
            SceneHeading("FLASHBACK", location="FLASHBACK"),
        )
    )
    text = fountain.format(script)
    assert "!INT. NOT A HEADING" in text and "!BOOM" in text and "> FADE OUT." in text
    assert "@McCoy" in text and ".FLASHBACK" in text
    assert fountain.parse(text) == script


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(screenplays)
def test_model_round_trips_through_fountain(script: Screenplay) -> None:
    assert fountain.parse(fountain.format(script)) == script


@settings(max_examples=300, deadline=None)
@given(fountain_texts)
def test_format_of_parse_reparses_to_the_same_model(text: str) -> None:
    try:
        first = fountain.parse(text)
    except ScriptError:
        return
    assert fountain.parse(fountain.format(first)) == first


def test_two_space_lines_keep_a_paragraph_together() -> None:
    assert only("One.\n  \nTwo.") == Action("One.\n\nTwo.")
    held = Screenplay(elements=(Action("INT. HOUSE - DAY\n\nnot a heading"),))
    assert fountain.parse(fountain.format(held)) == held
