"""Small real screenplays built straight from the model, and what lies downstream of a step, for plan and run tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clapboard.screenplay import (
    Action,
    Character,
    Dialogue,
    Line,
    Parenthetical,
    SceneHeading,
    Screenplay,
    Synopsis,
    TitleField,
    TitlePage,
)

if TYPE_CHECKING:
    from clapboard.plan import Plan

Speech = tuple[str, str]


def heading(text: str) -> SceneHeading:
    """A slug line split the way the Fountain reader splits it: ``INT. DINER - NIGHT``."""
    setting, _, rest = text.partition(". ")
    location, _, time = rest.rpartition(" - ")
    return SceneHeading(text, setting, location, time)  # type: ignore[arg-type]


def scene(slug: str, *speeches: Speech, action: str = "", synopsis: str = "") -> tuple:
    """A heading followed by an optional synopsis and action, then each (character, line) speech."""
    body: list = [heading(slug)]
    if synopsis:
        body.append(Synopsis(synopsis))
    if action:
        body.append(Action(action))
    for who, said in speeches:
        body.append(Dialogue(Character(who), (Line(said),)))
    return tuple(body)


def screenplay(*scenes: tuple, title: str = "Night Shift") -> Screenplay:
    """The scenes one after another under a title page."""
    elements = tuple(el for s in scenes for el in s)
    return Screenplay(TitlePage((TitleField("Title", (title,)),)), elements)


def night_shift(last_line: str = "Then we close.") -> Screenplay:
    """Three scenes, two places, three speakers; ``last_line`` changes scene 2 only."""
    return screenplay(
        scene(
            "INT. DINER - NIGHT",
            ("MARY", "Coffee?"),
            ("JOE", "Black. Like the *night*."),
            action="Rain on the windows.",
            synopsis="Mary meets Joe.",
        ),
        scene("EXT. PARKING LOT - NIGHT", ("JOE", "Is it always this quiet?"), ("MARY", last_line)),
        scene("INT. DINER - DAY", ("SAM", "Who left the lights on?")),
    )


def with_parenthetical() -> Screenplay:
    """One scene whose speech carries a parenthetical, to check it is not counted as spoken."""
    speech = Dialogue(Character("MARY", ("V.O.",)), (Parenthetical("(softly)"), Line("Three words here.")))
    return Screenplay(elements=(heading("INT. HALL - DAY"), speech))


def downstream(plan: Plan, *names: str) -> set[str]:
    """The names of the steps that read any of the steps ``names``, directly or through other steps."""
    reached = {plan.by_name[name].key for name in names}
    found: set[str] = set()
    for step in plan:  # in dependency order, so every input is reached before the steps that read it
        if reached.intersection(step.inputs):
            reached.add(step.key)
            found.add(step.name)
    return found
