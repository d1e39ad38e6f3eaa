"""The writers' room's documents as pydantic forms: premise, cast list, beat sheet, outline, scene draft.

Each form is both the JSON schema a structured step sends to the text backend
(a grammar on llama.cpp, ``response_format`` on an endpoint) and the validator of
its reply. Forms that depend on earlier documents (speakers limited to the cast,
a fixed number of scenes) are built per request.

Prose fields bound their length only: LLGuidance cannot combine a long length
range with a character pattern, and silently drops a grammar it cannot build.
:func:`clean` takes markup and line breaks out of prose instead, so whatever
the model writes lands in the screenplay as the element it was meant to be.
"""

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

#: A character's name as a cue prints it: one or two words in capitals.
NAME = r"^[A-Z][A-Z'-]{1,13}( [A-Z][A-Z'-]{1,13})?$"
#: A location in a scene heading, in capitals.
LOCATION = r"^[A-Z][A-Z0-9 '-]{2,29}$"

#: What narrates in a scene draft, beside the cast's names (lower case, so no name can be it).
ACTION = "action"


#: Characters Fountain reads as markup (emphasis, notes, boneyard, sections, forcing) or as a parenthetical.
_MARKUP = str.maketrans(dict.fromkeys("*_[]{}<>#~@=^|\\/()", " "))


def prose(shortest: int, longest: int) -> Any:
    """A prose string type of ``shortest`` to ``longest`` characters."""
    return Annotated[str, Field(min_length=shortest, max_length=longest)]


def clean(text: str) -> str:
    """``text`` as one line of plain prose: markup characters and runs of whitespace become single spaces."""
    return " ".join(text.translate(_MARKUP).split())


class _Form(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Premise(_Form):
    """The film in brief: a title, the premise (what if…) and a synopsis of the whole story."""

    title: prose(3, 40)
    premise: prose(40, 240)
    synopsis: prose(100, 480)


class Character(_Form):
    """One of the cast: name, role in the story, what they want, what stands in their way inside, how they talk."""

    name: Annotated[str, Field(pattern=NAME)]
    role: prose(8, 60)
    want: prose(12, 100)
    flaw: prose(12, 100)
    voice: prose(12, 100)


class Cast(_Form):
    """The cast of characters."""

    characters: list[Character]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.characters)


def cast_form(fewest: int, most: int) -> type[Cast]:
    """The cast form with between ``fewest`` and ``most`` characters."""
    return create_model(
        "CastList",
        __base__=Cast,
        characters=(Annotated[list[Character], Field(min_length=fewest, max_length=most)], ...),
    )


@dataclass(frozen=True)
class Beat:
    """A beat of a structure: its key in the form, its name, its act and what it asks of the story."""

    key: str
    name: str
    act: int
    purpose: str


#: The beat sheets the writers' room knows, by the name ``--structure`` takes.
STRUCTURES: dict[str, tuple[Beat, ...]] = {
    "three-act": (
        Beat("setup", "Setup", 1, "the hero's world and what is missing in it"),
        Beat("inciting_incident", "Inciting incident", 1, "the event that upsets that world"),
        Beat("first_turn", "End of act one", 1, "the hero commits to a goal and there is no way back"),
        Beat("rising_action", "Rising action", 2, "attempts, obstacles and allies as the stakes grow"),
        Beat("midpoint", "Midpoint", 2, "a false victory or defeat that changes the game"),
        Beat("crisis", "Crisis", 2, "everything falls apart; the hero must choose"),
        Beat("climax", "Climax", 3, "the final confrontation with what stands in the way"),
        Beat("resolution", "Resolution", 3, "the new world after the struggle"),
    ),
    "fifteen-beat": (
        Beat("opening_image", "Opening image", 1, "a snapshot of the hero's life before"),
        Beat("theme_stated", "Theme stated", 1, "someone states what the story is about"),
        Beat("set_up", "Set-up", 1, "the hero's world, flaws and what they lack"),
        Beat("catalyst", "Catalyst", 1, "the event that changes everything"),
        Beat("debate", "Debate", 1, "the hero hesitates before the journey"),
        Beat("break_into_two", "Break into two", 2, "the hero chooses to act and enters a new world"),
        Beat("b_story", "B story", 2, "a relationship that carries the theme"),
        Beat("fun_and_games", "Fun and games", 2, "the promise of the premise, played out"),
        Beat("midpoint", "Midpoint", 2, "a false victory or defeat; the stakes rise"),
        Beat("bad_guys_close_in", "Bad guys close in", 2, "pressure from outside and doubt from inside"),
        Beat("all_is_lost", "All is lost", 2, "the lowest point"),
        Beat("dark_night", "Dark night of the soul", 2, "the hero faces the flaw"),
        Beat("break_into_three", "Break into three", 3, "the answer, found"),
        Beat("finale", "Finale", 3, "the hero acts on what they learned"),
        Beat("final_image", "Final image", 3, "a snapshot of the hero's life after"),
    ),
}


def beats_form(beats: tuple[Beat, ...]) -> type[_Form]:
    """A beat sheet form with one field per beat, in story order, each what happens in it."""
    fields: dict[str, Any] = {beat.key: (prose(30, 220), ...) for beat in beats}
    return create_model("BeatSheet", __base__=_Form, **fields)


class OutlineScene(_Form):
    """A scene of the outline: where and when, who is in it, what happens, and how long it should run."""

    setting: Literal["INT", "EXT"]
    location: Annotated[str, Field(pattern=LOCATION)]
    time: Literal["DAY", "NIGHT"]
    characters: list[str]
    summary: prose(30, 200)
    eighths: Annotated[int, Field(ge=2, le=24)]

    @property
    def heading(self) -> str:
        """The scene heading as printed: ``INT. DINER - NIGHT``."""
        return f"{self.setting}. {self.location} - {self.time}"


class Outline(_Form):
    """Scenes in order."""

    scenes: list[OutlineScene]


def outline_form(names: tuple[str, ...], count: int) -> type[Outline]:
    """The outline form for exactly ``count`` scenes whose characters come from ``names``."""
    scene = create_model(
        "OutlineSceneOfCast",
        __base__=OutlineScene,
        characters=(Annotated[list[Literal[names]], Field(min_length=1, max_length=min(3, len(names)))], ...),
    )
    return create_model(
        "OutlineOfCast",
        __base__=Outline,
        scenes=(Annotated[list[scene], Field(min_length=count, max_length=count)], ...),
    )


class Block(_Form):
    """One paragraph of a scene: action (``who`` is ``"action"``) or a line spoken by a cast member."""

    who: str
    text: prose(10, 200)


class SceneDraft(_Form):
    """A scene's paragraphs, in order."""

    blocks: list[Block]


def scene_form(names: tuple[str, ...], fewest: int, most: int) -> type[SceneDraft]:
    """The scene form: ``fewest`` to ``most`` paragraphs, each action or a line of someone in ``names``."""
    block = create_model("BlockOfCast", __base__=Block, who=(Literal[(ACTION, *names)], ...))
    return create_model(
        "SceneDraftOfCast",
        __base__=SceneDraft,
        blocks=(Annotated[list[block], Field(min_length=fewest, max_length=most)], ...),
    )


class Lines(_Form):
    """New words for a scene's speeches, one per speech, in order."""

    lines: list[Any]


def lines_form(count: int) -> type[Lines]:
    """The punch-up form: exactly ``count`` lines of dialogue."""
    return create_model(
        "PunchedLines",
        __base__=Lines,
        lines=(Annotated[list[prose(4, 220)], Field(min_length=count, max_length=count)], ...),
    )


def schema_of(form: type[BaseModel]) -> dict[str, Any]:
    """The JSON schema a backend is held to for ``form``."""
    return form.model_json_schema()


class StoryBeat(_Form):
    """A beat as the beat sheet keeps it: its key and name, its act, and what happens."""

    key: str
    name: str
    act: int
    text: str


class BeatSheet(_Form):
    """The story beat by beat, in the structure it was written to."""

    structure: str
    beats: list[StoryBeat]
