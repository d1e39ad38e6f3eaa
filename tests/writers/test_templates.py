"""Prompt templates are files, filled in by name and recorded with the prompt they made."""

from __future__ import annotations

from importlib import resources
from string import Template

import pytest

from clapboard.errors import ClapboardError
from clapboard.writers.templates import render


def _templates() -> list[str]:
    folder = resources.files("clapboard.writers").joinpath("prompts")
    return sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".txt"))


@pytest.mark.parametrize("name", _templates())
def test_every_template_renders_with_its_own_placeholders(name: str) -> None:
    text = resources.files("clapboard.writers").joinpath("prompts", name).read_text(encoding="utf-8")
    names = Template(text).get_identifiers()
    prompt = render(name, **{key: f"<{key}>" for key in names})
    assert "$" not in prompt.text
    assert all(f"<{key}>" in prompt.text for key in names)
    assert prompt.record.startswith(f"template: prompts/{name}\n\n")
    assert prompt.record.endswith(prompt.text)


def test_a_missing_value_names_the_template_and_the_placeholder() -> None:
    with pytest.raises(ClapboardError, match=r"prompts/premise\.txt needs a value for \$logline"):
        render("premise.txt")


def test_the_writers_room_has_a_template_for_each_step() -> None:
    expected = {"premise", "cast", "beats", "beats-continue", "outline", "scene", "scene-more", "ending", "punch-up"}
    assert {name.removesuffix(".txt") for name in _templates()} == expected
