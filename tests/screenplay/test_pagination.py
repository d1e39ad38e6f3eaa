"""The shared page layout: geometry, wrapping, page-breaking conventions and scene eighths."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clapboard.screenplay.emphasis import plain
from clapboard.screenplay.fountain import parse
from clapboard.screenplay.model import (
    Action,
    Boneyard,
    Character,
    Dialogue,
    DualDialogue,
    Line,
    Note,
    PageBreak,
    Parenthetical,
    SceneHeading,
    Screenplay,
    Section,
    Synopsis,
    TitleField,
    TitlePage,
    Transition,
)
from clapboard.screenplay.pagination import (
    LINES_PER_PAGE,
    RIGHT_MARGIN,
    Layout,
    Page,
    PrintLine,
    format_eighths,
    paginate,
    typewriter,
)
from tests.screenplay import strategies

FURNITURE = ("more", "scene-number")


def one_liners(n: int, tag: str = "Beat") -> tuple[Action, ...]:
    return tuple(Action(f"{tag} {i}.") for i in range(n))


def lines_of_action(n: int) -> Action:
    return Action("\n".join(f"Line {i}." for i in range(n)))


def content(page: Page) -> list[PrintLine]:
    return [ln for ln in page.lines if ln.kind not in FURNITURE]


def speech_text(n: int) -> str:
    return " ".join(f"Sentence number {i} goes on a while." for i in range(n))


def squash(text: str) -> str:
    return "".join(text.split())


# --- geometry ---------------------------------------------------------------------


def test_one_line_paragraphs_fill_a_page_with_blank_lines_between() -> None:
    # 55 rows hold 28 one-line paragraphs: rows 0, 2, …, 54.
    assert paginate(Screenplay(elements=one_liners(28))).page_count == 1
    layout = paginate(Screenplay(elements=one_liners(29)))
    assert layout.page_count == 2
    assert [ln.row for ln in layout.pages[0].lines] == list(range(0, 55, 2))
    # A new page starts at its top row: no blank line carried over.
    assert [(ln.row, ln.text) for ln in layout.pages[1].lines] == [(0, "Beat 28.")]


@pytest.mark.parametrize("pages", [1, 2, 3])
def test_n_pages_of_action_lines_make_n_pages(pages: int) -> None:
    text = "\n".join(f"Line {i}." for i in range(LINES_PER_PAGE * pages))
    layout = paginate(Screenplay(elements=(Action(text),)))
    assert layout.page_count == pages
    for page in layout.pages:
        assert [ln.row for ln in page.lines] == list(range(LINES_PER_PAGE))


def test_one_line_more_than_the_pages_spills_two_lines_over() -> None:
    # A paragraph never leaves a single line alone at the top of a page.
    text = "\n".join(f"Line {i}." for i in range(LINES_PER_PAGE + 1))
    layout = paginate(Screenplay(elements=(Action(text),)))
    assert [len(p.lines) for p in layout.pages] == [LINES_PER_PAGE - 1, 2]


def test_indents_and_widths_follow_industry_format() -> None:
    long = "word " * 60
    script = Screenplay(
        elements=(
            SceneHeading("INT. KITCHEN - DAY"),
            Action(long),
            Dialogue(
                Character("MARY"),
                (Parenthetical("(a very long aside that needs two lines)"), Line(long)),
            ),
            Transition("CUT TO:"),
            parse(">THE END<").elements[0],
        )
    )
    lines = paginate(script).pages[0].lines
    where = {(ln.kind, ln.x) for ln in lines}
    assert ("heading", 1.5) in where
    assert ("action", 1.5) in where
    assert ("character", 3.7) in where
    assert ("parenthetical", 3.1) in where
    assert ("parenthetical", 3.2) in where  # continuation lines hang one character in
    assert ("dialogue", 2.5) in where
    widths = {kind: max(len(ln.text) for ln in lines if ln.kind == kind) for kind in ("action", "dialogue")}
    assert widths == {"action": 59, "dialogue": 34}  # "word " words fill 60 and 35 columns less the last space
    assert all(len(ln.text) <= 20 for ln in lines if ln.kind == "parenthetical")
    transition = next(ln for ln in lines if ln.kind == "transition")
    assert transition.x + len(transition.text) / 10 == pytest.approx(RIGHT_MARGIN)
    centred = next(ln for ln in lines if ln.kind == "centered")
    assert centred.x + len(centred.text) / 20 == pytest.approx(4.5, abs=0.05)


def test_long_words_are_cut_and_written_line_breaks_kept() -> None:
    script = Screenplay(elements=(Action("A" * 130 + "\n\n    Indented."),))
    assert [ln.text for ln in paginate(script).pages[0].lines] == ["A" * 60, "A" * 60, "A" * 10, "    Indented."]
    assert [ln.row for ln in paginate(script).pages[0].lines] == [0, 1, 2, 4]


def test_emphasis_spans_survive_wrapping() -> None:
    script = Screenplay(elements=(Action("plain " * 9 + "**bold words here** and *italic* _under_"),))
    spans = [s for ln in paginate(script).pages[0].lines for s in ln.spans]
    assert any(s.bold and "bold" in s.text for s in spans)
    assert any(s.italic and s.text == "italic" for s in spans)
    assert any(s.underline and s.text == "under" for s in spans)
    assert all("*" not in s.text and "_" not in s.text for s in spans)


def test_dual_dialogue_prints_side_by_side() -> None:
    dual = DualDialogue(
        Dialogue(Character("BRICK"), (Line("I am left and talk a lot more than the other one does."),)),
        Dialogue(Character("STEEL"), (Line("Right."),)),
    )
    lines = paginate(Screenplay(elements=(dual,))).pages[0].lines
    left = [ln for ln in lines if ln.x < 4.5]
    right = [ln for ln in lines if ln.x >= 4.5]
    assert left[0].text == "BRICK"
    assert [ln.text for ln in right] == ["STEEL", "Right."]
    assert {ln.row for ln in right} <= {ln.row for ln in left}
    assert all(ln.x + len(ln.text) / 10 <= 4.3 + 1e-9 for ln in left)


def test_typewriter_maps_to_latin_1() -> None:
    assert typewriter("“Don’t” — he said…") == '"Don\'t" -- he said...'
    assert typewriter("Łódź, café, Ősz") == "Lódz, café, Osz"
    assert typewriter("日本") == "??"
    typewriter("\u0151\u2014\u201c\u00e9\U0001f3ac").encode("latin-1")


# --- page-breaking conventions ----------------------------------------------------


def test_long_speech_breaks_between_sentences_with_more_and_contd() -> None:
    words = speech_text(40)
    script = Screenplay(
        elements=(*one_liners(20), Dialogue(Character("MARY", ("V.O.",)), (Line(words),)), Action("After."))
    )
    layout = paginate(script)
    first, second = layout.pages[0], layout.pages[1]
    bottom = first.lines[-1]
    assert (bottom.kind, bottom.text, bottom.x, bottom.row) == ("more", "(MORE)", 3.7, LINES_PER_PAGE - 1)
    said_first = [ln.text for ln in first.lines if ln.kind == "dialogue"]
    assert said_first[-1].endswith("while.")  # the page ends at the end of a sentence
    top = second.lines[0]
    assert (top.kind, top.text, top.row) == ("character", "MARY (V.O.) (CONT'D)", 0)
    said_second = [ln.text for ln in second.lines if ln.kind == "dialogue"]
    assert said_second[0].startswith("Sentence number")
    assert squash(" ".join(said_first + said_second)) == squash(words)
    assert len(said_first) >= 2 and len(said_second) >= 2


def test_contd_is_not_doubled_on_a_cue_that_has_it() -> None:
    script = Screenplay(elements=(*one_liners(20), Dialogue(Character("MARY", ("CONT'D",)), (Line(speech_text(40)),))))
    assert paginate(script).pages[1].lines[0].text == "MARY (CONT'D)"


def test_speech_breaks_mid_sentence_only_when_it_has_no_sentence_ends() -> None:
    run_on = " ".join(["and then"] * 200)
    script = Screenplay(elements=(*one_liners(20), Dialogue(Character("BOB"), (Line(run_on),))))
    first, second = paginate(script).pages[:2]
    assert first.lines[-1].text == "(MORE)"
    assert first.lines[-1].row == LINES_PER_PAGE - 1  # no sentence to wait for: the page is filled
    assert second.lines[0].text == "BOB (CONT'D)"


def test_speech_can_break_before_a_parenthetical_but_not_after_one() -> None:
    parts = (Line(speech_text(3)), Parenthetical("(beat)"), Line(speech_text(3)), Parenthetical("(softly)"))
    parts += (Line(speech_text(3)),)
    breaks_before_wryly = 0
    for filler in range(30, 55):  # move the speech down a row at a time across the foot of page 1
        layout = paginate(Screenplay(elements=(lines_of_action(filler), Dialogue(Character("ANN"), parts))))
        if layout.page_count < 2:
            continue
        foot = content(layout.pages[0])[-1]
        assert foot.kind not in ("parenthetical", "character")
        top = next(ln for ln in layout.pages[1].lines if ln.kind != "character")
        breaks_before_wryly += top.kind == "parenthetical"
    assert breaks_before_wryly > 0


def test_scene_heading_never_ends_a_page() -> None:
    # 26 one-line paragraphs use rows 0-50; the heading would land on row 52 with
    # only row 54 left, too little for the start of a three-line paragraph.
    three_lines = Action("First line.\nSecond line.\nThird line.")
    script = Screenplay(elements=(*one_liners(26), SceneHeading("EXT. ROOF - NIGHT"), three_lines))
    first, second = paginate(script).pages
    assert first.lines[-1].text == "Beat 25."
    assert (second.lines[0].kind, second.lines[0].row) == ("heading", 0)

    # With a one-line paragraph after it, the heading and the line both fit.
    script = Screenplay(elements=(*one_liners(26), SceneHeading("EXT. ROOF - NIGHT"), Action("Wind.")))
    layout = paginate(script)
    assert layout.page_count == 1
    assert [ln.row for ln in layout.pages[0].lines[-2:]] == [52, 54]


def test_runs_of_headings_travel_together() -> None:
    script = Screenplay(
        elements=(*one_liners(25), SceneHeading("INT. A - DAY"), SceneHeading("INT. B - DAY"), Action("1.\n2.\n3."))
    )
    first, second = paginate(script).pages
    assert content(first)[-1].kind == "action"
    assert [ln.text for ln in second.lines[:2]] == ["INT. A - DAY", "INT. B - DAY"]


def test_character_cue_never_ends_a_page() -> None:
    # 27 one-liners fill rows 0-52; a cue on row 54 would have no room for its words.
    speech = Dialogue(Character("MARY"), (Line("One line.\nTwo lines.\nThree lines."),))
    first, second = paginate(Screenplay(elements=(*one_liners(27), speech))).pages
    assert first.lines[-1].text == "Beat 26."
    assert (second.lines[0].kind, second.lines[0].text) == ("character", "MARY")


def test_page_break_starts_a_new_page_and_non_printing_elements_take_no_room() -> None:
    script = Screenplay(elements=(Action("Page one."), PageBreak(), PageBreak(), Action("Page two."), PageBreak()))
    layout = paginate(script)
    assert [[ln.text for ln in p.lines] for p in layout.pages] == [["Page one."], ["Page two."]]

    quiet = (Note("remember"), Boneyard("cut"), Section("Act one"), Synopsis("things happen"))
    noisy = Screenplay(elements=tuple(el for a in one_liners(40) for el in (a, *quiet)))
    plain_layout = paginate(Screenplay(elements=one_liners(40)))
    assert [p.text for p in paginate(noisy).pages] == [p.text for p in plain_layout.pages]


def test_inline_notes_do_not_print() -> None:
    lines = paginate(Screenplay(elements=(Action("He waits. [[Is this too slow?]] Nothing."),))).pages[0].lines
    assert [ln.text for ln in lines] == ["He waits.  Nothing."]


def test_page_labels_and_title_page_apart() -> None:
    script = Screenplay(
        TitlePage((TitleField("Title", ("THE FILM",)), TitleField("Draft date", ("May 2024",)))),
        one_liners(60),
    )
    layout = paginate(script)
    assert layout.page_count == 3
    assert [p.label for p in layout.pages] == ["", "2.", "3."]
    assert layout.title_page is not None
    title = next(ln for ln in layout.title_page.lines if ln.text == "THE FILM")
    assert 15 <= title.row <= 18  # about a third of the way down the sheet
    date = next(ln for ln in layout.title_page.lines if ln.text == "May 2024")
    assert date.row == LINES_PER_PAGE - 1
    assert date.x + len(date.text) / 10 == pytest.approx(RIGHT_MARGIN)
    assert paginate(Screenplay(elements=one_liners(2))).title_page is None


def test_scene_numbers_print_in_both_margins() -> None:
    script = parse("INT. ONE - DAY #12A#\n\nAction.\n\nINT. TWO - DAY\n\nMore.\n")
    layout = paginate(script, scene_numbers=True)
    numbers = [(ln.row, ln.x, ln.text) for ln in layout.pages[0].lines if ln.kind == "scene-number"]
    assert numbers == [(0, 0.9, "12A"), (0, 7.8, "12A"), (4, 1.1, "2"), (4, 7.8, "2")]
    assert not [ln for ln in paginate(script).pages[0].lines if ln.kind == "scene-number"]


def test_an_empty_script_has_no_pages() -> None:
    layout = paginate(Screenplay(elements=(Note("nothing yet"),)))
    assert (layout.page_count, layout.pages, layout.scenes) == (0, (), ())


# --- eighths ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("eighths", "text"), [(0, "0"), (1, "1/8"), (4, "4/8"), (8, "1"), (11, "1 3/8"), (20, "2 4/8")]
)
def test_format_eighths(eighths: int, text: str) -> None:
    assert format_eighths(eighths) == text


def test_scene_eighths_on_a_known_script() -> None:
    script = Screenplay(
        elements=(
            SceneHeading("INT. A - DAY"),  # rows 0-13 and the blank row 14: 15 rows = 2.2/8
            lines_of_action(12),
            SceneHeading("INT. B - DAY"),  # rows 15-36 and blank 37: 23 rows = 3.3/8
            lines_of_action(20),
            SceneHeading("INT. C - DAY"),  # rows 38-54, then 15 rows and a blank of page 2: 33 rows = 4.8/8
            lines_of_action(30),
            PageBreak(),  # the foot of page 2 is left blank and counts for nobody
            SceneHeading("INT. D - DAY"),  # a full page 3: 55 rows = 8/8
            lines_of_action(LINES_PER_PAGE - 2),
            SceneHeading("INT. E - DAY"),  # all of page 4 and rows 0-28 of page 5: 84 rows = 12.2/8
            lines_of_action(LINES_PER_PAGE + 26),
            SceneHeading("INT. F - DAY"),  # heading, blank, line, blank: 4 rows = 0.6/8, at least 1/8
            Action("Short."),
        )
    )
    layout = paginate(script)
    assert [(s.number, s.page, s.length) for s in layout.scenes] == [
        ("1", 1, "2/8"),
        ("2", 1, "3/8"),
        ("3", 1, "5/8"),
        ("4", 3, "1"),
        ("5", 4, "1 4/8"),
        ("6", 5, "1/8"),
    ]
    assert layout.page_count == 5


# --- properties over generated scripts --------------------------------------------


sentence = st.lists(st.text(string.ascii_lowercase, min_size=1, max_size=9), min_size=1, max_size=12).map(
    lambda ws: " ".join(ws).capitalize() + "."
)
paragraph = st.lists(sentence, min_size=1, max_size=14).map(" ".join)
long_speeches = st.builds(lambda name, said: Dialogue(Character(name), (Line(said),)), strategies.upper_name, paragraph)
# Forced page breaks are left out: a writer may end a page on a heading with one.
# Extra headings and cues make it likely that one falls near the foot of a page.
printable = st.one_of(
    strategies.elements.filter(lambda el: not isinstance(el, PageBreak)),
    long_speeches,
    st.builds(Action, paragraph),
    strategies.headings(),
    strategies.dialogues(),
)


def printed_words(script: Screenplay, layout: Layout) -> dict[int, str]:
    """Each element's printed characters without whitespace; repeated cues and furniture left out."""
    found: dict[int, list[tuple[int, PrintLine]]] = {}
    for page in layout.pages:
        for ln in content(page):
            assert ln.element is not None
            found.setdefault(ln.element, []).append((page.number, ln))
    out: dict[int, str] = {}
    for element, lines in found.items():
        if isinstance(script.elements[element], DualDialogue):
            # Read the left column down, then the right.
            lines.sort(key=lambda t: (t[1].x >= 4.5, t[0], t[1].row))
        else:
            cues = [t for t in lines if t[1].kind == "character"]
            lines = [t for t in lines if t[1].kind != "character" or t is cues[0]]
        out[element] = squash("".join(ln.text for _, ln in lines))
    return out


def expected_words(el: object) -> str | None:
    if isinstance(el, Dialogue):
        return squash(typewriter(plain(el.character.cue) + "".join(plain(p.text) for p in el.parts)))
    if isinstance(el, DualDialogue):
        return (expected_words(el.left) or "") + (expected_words(el.right) or "")
    if isinstance(el, Note | Boneyard | Section | Synopsis):
        return None
    return squash(typewriter(plain(el.text)))  # type: ignore[attr-defined]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.lists(printable, min_size=3, max_size=20), st.integers(1, 54))
def test_generated_scripts_keep_the_conventions(drawn: list, filler: int) -> None:
    # Repeated after a paragraph of varying length, every element meets the foot of a page somewhere.
    elements = [lines_of_action(filler), *drawn, *drawn, *drawn, *drawn]
    script = Screenplay(elements=tuple(elements))
    layout = paginate(script, scene_numbers=True)
    for page in layout.pages:
        assert all(0 <= ln.row < LINES_PER_PAGE for ln in page.lines)
        for ln in page.lines:
            if ln.kind != "scene-number":
                assert ln.x >= 1.5
                assert ln.x + len(ln.text) / 10 <= RIGHT_MARGIN + 1e-9, ln
        if page.number < layout.page_count:
            # No heading at the foot of a page; no cue or wryly parted from the words that follow it.
            foot = content(page)[-1]
            assert foot.kind != "heading"
            if foot.kind in ("character", "parenthetical"):
                assert all(ln.element != foot.element for ln in layout.pages[page.number].lines)
        # (MORE) only ever closes a page.
        assert all(ln is page.lines[-1] for ln in page.lines if ln.kind == "more")
    # Nothing is lost or repeated on the way to paper.
    printed = printed_words(script, layout)
    for index, el in enumerate(elements):
        want = expected_words(el)
        if want:
            assert printed.get(index, "") == want, (index, el)
    # Every scene is measured, at least an eighth.
    assert len(layout.scenes) == len(script.scenes)
    assert all(s.eighths >= 1 for s in layout.scenes)
