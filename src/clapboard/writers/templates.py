"""Prompt templates: text files in ``clapboard/writers/prompts/``, filled with ``$name`` placeholders.

Prompts live in files so a writer can read and change them without reading
code; the template's name and the prompt as sent are recorded in the
provenance of every output made from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from string import Template

from clapboard.errors import ClapboardError

PACKAGE = "clapboard.writers"
FOLDER = "prompts"


@dataclass(frozen=True)
class Prompt:
    """A filled-in template: its file name and the text sent to the model."""

    template: str
    text: str

    @property
    def record(self) -> str:
        """What provenance keeps: which template, then the prompt as sent."""
        return f"template: {FOLDER}/{self.template}\n\n{self.text}"


@cache
def template(name: str) -> Template:
    """The template ``name`` (``scene.txt``) from the package's prompt folder."""
    source = resources.files(PACKAGE).joinpath(FOLDER, name)
    try:
        return Template(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ClapboardError(f"prompt template {FOLDER}/{name} is missing from the installed package") from None


def render(name: str, **values: object) -> Prompt:
    """Template ``name`` filled with ``values``; every placeholder must be given one."""
    try:
        text = template(name).substitute({key: str(value) for key, value in values.items()})
    except KeyError as exc:
        raise ClapboardError(f"prompt template {FOLDER}/{name} needs a value for ${exc.args[0]}") from None
    except ValueError as exc:
        raise ClapboardError(f"prompt template {FOLDER}/{name} is malformed: {exc}") from None
    return Prompt(name, text)
