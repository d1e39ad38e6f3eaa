"""Inline markup: styled runs out of Fountain text and back."""

from __future__ import annotations

import pytest

from clapboard.screenplay.emphasis import Span, markup, plain, spans


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        ("plain words", (Span("plain words"),)),
        ("*it*", (Span("it", italic=True),)),
        ("**bold**", (Span("bold", bold=True),)),
        ("***both***", (Span("both", bold=True, italic=True),)),
        ("_under_", (Span("under", underline=True),)),
        ("_**bold under**_", (Span("bold under", bold=True, underline=True),)),
        (
            "**bold *and it* end**",
            (Span("bold ", bold=True), Span("and it", bold=True, italic=True), Span(" end", bold=True)),
        ),
        ("a * b * c", (Span("a * b * c"),)),
        (r"\*not\* it", (Span("*not* it"),)),
        (r"**ends in a backslash\\**", (Span("ends in a backslash\\", bold=True),)),
        (r"\\*still italic*", (Span("\\"), Span("still italic", italic=True))),
    ],
)
def test_spans(text: str, runs: tuple[Span, ...]) -> None:
    assert spans(text) == runs


def test_notes_and_boneyard_are_not_words() -> None:
    assert plain("He [[maybe]] runs /* fast */ away.") == "He  runs  away."
    assert spans("x [[note]] y", keep_notes=True) == (Span("x [[note]] y"),)


def test_markup_is_the_inverse_of_spans() -> None:
    runs = (Span("Say "), Span("it", italic=True), Span(" "), Span("now", bold=True, underline=True), Span("*"))
    assert spans(markup(runs)) == runs
