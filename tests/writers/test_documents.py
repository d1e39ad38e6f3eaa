"""The writers' forms: what a reply must be to count, and what the schema tells the backend."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from clapboard.writers.documents import (
    STRUCTURES,
    beats_form,
    cast_form,
    clean,
    lines_form,
    outline_form,
    scene_form,
    schema_of,
)


def test_a_scene_may_only_give_lines_to_its_characters() -> None:
    form = scene_form(("MAYA", "JOE"), 1, 3)
    good = '{"blocks":[{"who":"action","text":"Rain on the glass."},{"who":"JOE","text":"We go at dawn, Maya."}]}'
    assert [b.who for b in form.model_validate_json(good).blocks] == ["action", "JOE"]
    with pytest.raises(ValidationError):
        form.model_validate_json('{"blocks":[{"who":"STRANGER","text":"Who are you people?"}]}')
    schema = schema_of(form)
    assert schema["properties"]["blocks"]["minItems"] == 1
    assert schema["properties"]["blocks"]["maxItems"] == 3
    who = next(iter(schema["$defs"].values()))["properties"]["who"]
    assert who["enum"] == ["action", "MAYA", "JOE"]


def test_an_outline_has_exactly_the_scenes_asked_for() -> None:
    form = outline_form(("MAYA",), 2)
    scene = '{"setting":"INT","location":"BANK VAULT","time":"NIGHT","characters":["MAYA"],'
    scene += '"summary":"Maya opens the vault and finds it empty.","eighths":6}'
    assert len(form.model_validate_json(f'{{"scenes":[{scene},{scene}]}}').scenes) == 2
    with pytest.raises(ValidationError):
        form.model_validate_json(f'{{"scenes":[{scene}]}}')
    assert form.model_validate_json(f'{{"scenes":[{scene},{scene}]}}').scenes[0].heading == "INT. BANK VAULT - NIGHT"


def test_cast_names_are_capitals_and_the_count_is_bounded() -> None:
    form = cast_form(1, 2)
    person = '{"name":"%s","role":"a safecracker","want":"to free her brother","flaw":"trusts no one",'
    person += '"voice":"dry and short"}'
    assert form.model_validate_json(f'{{"characters":[{person % "MAYA"}]}}').names == ("MAYA",)
    with pytest.raises(ValidationError):
        form.model_validate_json(f'{{"characters":[{person % "maya"}]}}')
    with pytest.raises(ValidationError):
        form.model_validate_json(f'{{"characters":[{person % "A"},{person % "B"},{person % "C"}]}}')


def test_beat_sheets_keep_the_structure_order_and_lines_their_count() -> None:
    beats = STRUCTURES["fifteen-beat"]
    assert len(beats) == 15
    assert list(schema_of(beats_form(beats))["properties"]) == [b.key for b in beats]
    assert len(STRUCTURES["three-act"]) == 8
    with pytest.raises(ValidationError):
        lines_form(2).model_validate_json('{"lines":["Only one line here."]}')


def test_prose_is_cleaned_of_markup_and_line_breaks() -> None:
    assert clean("  *Go*  [[now]]\n(quietly) /* or */ never_ever  ") == "Go now quietly or never ever"
