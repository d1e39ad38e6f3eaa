"""The JSON format: lossless round trips, a stable header, and strict reading with file and line."""

from __future__ import annotations

import json
from dataclasses import astuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

import clapboard
from clapboard.errors import ScriptError
from clapboard.screenplay import fountain, jsonfmt
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
    TitleField,
    TitlePage,
    Transition,
)
from tests.screenplay.strategies import screenplays

# One of every element, every field set away from its default, every line distinct.
EVERYTHING = Screenplay(
    TitlePage((TitleField("Title", ("NIGHT *SHIFT*",), line=1), TitleField("Contact", ("a@b.c", "Leeds"), line=2))),
    (
        Section("Act One", 2, line=5),
        Synopsis("Ana finds the tape.", line=7),
        SceneHeading("INT. CAR - MOVING - NIGHT", "INT/EXT", "CAR - MOVING", "NIGHT", "12A", True, line=9),
        Action("  Rain. Ana *drives*.\n\nThe wipers [[squeak?]] beat.", True, line=11),
        Dialogue(
            Character("ANA", ("V.O.", "CONT'D"), True),
            (
                Parenthetical("(to herself)", line=15),
                Line("Keep going.\nJust keep going.", line=16),
                Lyric("la", line=18),
            ),
            line=14,
        ),
        DualDialogue(
            Dialogue(Character("BO"), (Line("Left.", line=21),), line=20),
            Dialogue(Character("CY"), (Line("Right.", line=24),), line=23),
            line=20,
        ),
        Transition("SMASH CUT TO:", True, line=26),
        Centered("INTERMISSION", line=28),
        Lyric("~ hum ~", line=30),
        Note("check the date", line=32),
        Boneyard("cut scene\nover two lines", line=34),
        PageBreak(line=37),
        SceneHeading("EXT. ÉTANG — DAWN", "EXT", "ÉTANG", "DAWN", line=39),
    ),
)


def test_every_element_round_trips_with_its_line_numbers() -> None:
    back = jsonfmt.read(jsonfmt.write(EVERYTHING))
    assert back == EVERYTHING
    # Equality ignores ``line``; astuple compares every field, so the lines must survive too.
    assert astuple(back) == astuple(EVERYTHING)


def test_header_names_the_format_and_version() -> None:
    doc = json.loads(jsonfmt.write(EVERYTHING))
    assert doc["format"] == "clapboard-screenplay"
    assert doc["version"] == 1
    assert doc["elements"][2] == {
        "type": "scene_heading",
        "text": "INT. CAR - MOVING - NIGHT",
        "setting": "INT/EXT",
        "location": "CAR - MOVING",
        "time": "NIGHT",
        "number": "12A",
        "forced": True,
        "line": 9,
    }
    assert doc["elements"][4]["character"]["extensions"] == ["V.O.", "CONT'D"]


def test_output_is_utf8_with_one_element_a_line() -> None:
    data = jsonfmt.write(EVERYTHING)
    assert "ÉTANG".encode() in data
    element_lines = [ln for ln in data.decode().splitlines() if ln.startswith('  {"type"')]
    assert len(element_lines) == len(EVERYTHING.title_page.fields) + len(EVERYTHING.elements)


def test_empty_script_round_trips() -> None:
    assert jsonfmt.read(jsonfmt.write(Screenplay())) == Screenplay()


@given(screenplays)
def test_any_fountain_spellable_script_round_trips(script: Screenplay) -> None:
    assert jsonfmt.read(jsonfmt.write(script)) == script


_text = st.text(max_size=30)
_lines = st.integers(0, 10**6)
_parts = st.one_of(
    st.builds(Parenthetical, _text, line=_lines),
    st.builds(Line, _text, line=_lines),
    st.builds(Lyric, _text, line=_lines),
)
_dialogue = st.builds(
    Dialogue,
    st.builds(Character, _text, st.lists(_text, max_size=2).map(tuple), st.booleans()),
    st.lists(_parts, max_size=3).map(tuple),
    line=_lines,
)
_any_element = st.one_of(
    st.builds(
        SceneHeading,
        _text,
        st.sampled_from(["INT", "EXT", "INT/EXT", ""]),
        _text,
        _text,
        st.none() | _text,
        st.booleans(),
        line=_lines,
    ),
    st.builds(Action, _text, st.booleans(), line=_lines),
    _dialogue,
    st.builds(DualDialogue, _dialogue, _dialogue, line=_lines),
    st.builds(Section, _text, st.integers(0, 6), line=_lines),
    st.builds(PageBreak, line=_lines),
)


@given(st.lists(_any_element, max_size=6).map(lambda els: Screenplay(TitlePage(), tuple(els))))
def test_any_text_and_line_numbers_round_trip(script: Screenplay) -> None:
    assert astuple(jsonfmt.read(jsonfmt.write(script))) == astuple(script)


def test_fountain_to_json_and_back_to_the_same_fountain() -> None:
    text = "Title: Small\n\nINT. KITCHEN - NIGHT\n\nAna *waits*.\n\nANA (V.O.)\n(low)\nNow.\n\nBO ^\nNo.\n\nCUT TO:\n"
    script = fountain.parse(text)
    assert fountain.format(jsonfmt.read(jsonfmt.write(script))) == fountain.format(script)


def test_registry_reads_and_writes_json_by_extension(tmp_path) -> None:
    path = tmp_path / "draft.json"
    clapboard.save(EVERYTHING, path)
    assert clapboard.load(path) == EVERYTHING


# --- reading what is not ours --------------------------------------------------------------------------------------


def read_error(data: bytes | str) -> ScriptError:
    raw = data.encode() if isinstance(data, str) else data
    with pytest.raises(ScriptError) as caught:
        jsonfmt.read(raw, "draft.json")
    assert caught.value.path == "draft.json"
    return caught.value


def doc(*elements: str) -> str:
    """A valid header around hand-written elements, one a line from line 3 on."""
    return '{"format": "clapboard-screenplay", "version": 1,\n "elements": [\n' + ",\n".join(elements) + "\n]}\n"


def test_invalid_json_names_its_line() -> None:
    err = read_error('{"format": "clapboard-screenplay",\n "version": 1,\n "elements": [}\n')
    assert err.line == 3
    assert "invalid JSON" in err.problem


@pytest.mark.parametrize(
    ("data", "line", "says"),
    [
        (
            doc('{"type": "action", "text": "ok"}', '{"type": "action", "text": 5}'),
            4,
            "elements[1].text: expected a string",
        ),
        (doc('{"type": "action"}'), 3, "missing field 'text' for action"),
        (doc('{"type": "action", "text": "x", "colour": "red"}'), 3, "unknown field 'colour'"),
        (doc('{"type": "sketch", "text": "x"}'), 3, "elements[0].type: expected 'scene_heading' or"),
        (doc('{"text": "x"}'), 3, "got nothing"),
        (doc('{"type": "scene_heading", "text": "X", "setting": "OUTSIDE"}'), 3, "expected one of 'INT'"),
        (doc('{"type": "action", "text": "x", "line": -1}'), 3, "expected a whole number >= 0, got -1"),
        (doc('{"type": "action", "text": "x", "forced": 1}'), 3, "expected true or false, got a number"),
        (doc('{"type": "section", "text": "x", "depth": true}'), 3, "expected a whole number"),
        (doc('{"type": "line", "text": "x"}'), 3, "elements[0].type"),  # a spoken line outside a speech
        # A value that is not an object is placed by the object around it.
        (doc('"just text"'), 1, "elements[0]: expected an object, got a string"),
        (
            doc('{"type": "dialogue",\n "character": {"type": "character", "name": ["A"]},\n "parts": []}'),
            4,
            "elements[0].character.name: expected a string, got an array",
        ),
        (doc('{"type": "action", "text": "\\ud800"}'), 3, "unpaired UTF-16 surrogate"),
        ('{"format": "fountain", "version": 1}', 1, "this JSON is not a Clapboard screenplay"),
        ('{"format": "clapboard-screenplay", "version": 2}', 1, "written by a newer Clapboard"),
        ('{"format": "clapboard-screenplay", "version": "1"}', 1, 'version: expected 1, got "1"'),
        ('{"format": "clapboard-screenplay", "version": 1, "extra": 0}', 1, "unknown field 'extra'"),
        ('{"format": "clapboard-screenplay", "version": 1, "elements": {}}', 1, "elements: expected an array"),
        ("[1, 2]", 1, "expected a JSON object at the top, got an array"),
    ],
)
def test_wrong_shape_names_the_line_of_the_object_at_fault(data: str, line: int, says: str) -> None:
    err = read_error(data)
    assert err.line == line
    assert says in err.problem


@pytest.mark.parametrize(
    ("data", "line", "says"),
    [
        (b"", 1, "empty"),
        (b" \n\t\n", 1, "empty"),
        (b'{"format":\n"\xff"}', 2, "invalid UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", 1, "invalid UTF-8"),
        (b"[" * 100_000, None, "nested too deeply"),
    ],
)
def test_bytes_that_are_not_json_text(data: bytes, line: int | None, says: str) -> None:
    err = read_error(data)
    assert err.line == line
    assert says in err.problem


def test_a_byte_order_mark_is_accepted() -> None:
    assert jsonfmt.read(b"\xef\xbb\xbf" + jsonfmt.write(EVERYTHING)) == EVERYTHING


def test_long_lines_are_fine_in_json() -> None:
    # A minified file is one long line; that is normal for JSON, unlike for Fountain.
    minified = json.dumps(
        json.loads(jsonfmt.write(EVERYTHING)) | {"elements": [{"type": "action", "text": "x" * 60_000}]}
    )
    assert jsonfmt.read(minified.encode()).elements == (Action("x" * 60_000),)
