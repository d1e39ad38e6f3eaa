"""The sketch backend draws storyboard frames from the brief: repeatable, to scale, each character in one colour."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest
from PIL import Image

from clapboard.backends.sketch import ANNOTATION, Sketch, character_look
from clapboard.engine import BackendChoice, open_backend
from clapboard.engine.capabilities import ImageGenerator
from clapboard.engine.registry import find_backend
from clapboard.errors import ClapboardError

RUTH = {"name": "RUTH", "x": -0.4, "looks": "frame right", "speaking": True, "description": "woman, 60s"}
SAM = {"name": "SAM", "x": 0.4, "looks": "frame left", "description": "man, 30s"}


def shot(**changes: Any) -> dict[str, Any]:
    """A two-shot in a kitchen by day, with ``changes`` made to it."""
    brief: dict[str, Any] = {
        "kind": "shot",
        "label": "3B",
        "caption": "MS RUTH and SAM - I told you once.",
        "setting": {"location": "KITCHEN", "interior": True, "exterior": False, "time": "DAY"},
        "size": "MS",
        "angle": "eye level",
        "move": "static",
        "figures": [RUTH, SAM],
    }
    brief.update(changes)
    return brief


def draw(brief: dict[str, Any] | None, *, seed: int = 1, width: int = 640, height: int = 360) -> np.ndarray:
    png = Sketch().draw("a frame", seed=seed, width=width, height=height, brief=brief)
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def count(picture: np.ndarray, colour: tuple[int, int, int]) -> int:
    """Pixels of exactly ``colour``: a character's outfit or the annotation red."""
    return int(np.all(picture == colour, axis=-1).sum())


def test_the_same_brief_and_seed_give_the_same_bytes() -> None:
    sketch = Sketch()
    first = sketch.draw("", seed=42, width=640, height=360, brief=shot())
    assert first == sketch.draw("", seed=42, width=640, height=360, brief=shot())
    assert first.startswith(b"\x89PNG")


def test_another_seed_dresses_the_set_differently() -> None:
    room = {"kind": "location", "setting": {"location": "LIVING ROOM", "interior": True, "time": "DAY"}}
    street = {"kind": "location", "setting": {"location": "MAIN STREET", "exterior": True, "time": "DAY"}}
    for brief in (room, street):
        one, other = draw(brief, seed=1), draw(brief, seed=2)
        assert np.abs(one - other).mean() > 3


def test_a_close_up_fills_the_frame_where_a_wide_shot_shows_the_set() -> None:
    single = [{**RUTH, "x": 0.0}]
    wide = draw(shot(size="WS", figures=single))
    close = draw(shot(size="CU", figures=single))
    assert np.abs(wide - close).mean() > 25
    outfit = character_look("RUTH", RUTH["description"]).colour
    assert count(close, outfit) > 5 * count(wide, outfit) > 0


def test_each_size_frames_the_figure_tighter_than_the_last() -> None:
    outfit = character_look("SAM").colour
    areas = [count(draw(shot(size=size, figures=[{**SAM, "x": 0.0}])), outfit) for size in ("EWS", "WS", "FS", "MS")]
    assert areas == sorted(areas)
    assert areas[0] > 0


def test_a_night_interior_is_darker_than_a_day_exterior() -> None:
    night = draw(shot(setting={"location": "KITCHEN", "interior": True, "time": "NIGHT"}, figures=[]))
    day = draw(shot(setting={"location": "FARMYARD", "exterior": True, "time": "DAY"}, size="WS", figures=[]))
    assert night.mean() < day.mean() - 40


def test_two_characters_appear_in_two_colours() -> None:
    picture = draw(shot(size="WS"))
    ruth = character_look("RUTH", RUTH["description"]).colour
    sam = character_look("SAM", SAM["description"]).colour
    assert ruth != sam
    assert count(picture, ruth) > 200
    assert count(picture, sam) > 200


def test_a_character_keeps_their_colour_across_shots_seeds_and_spelling() -> None:
    assert character_look("RUTH").colour == character_look(" ruth ", "a farmer").colour
    outfit = character_look("RUTH").colour
    for size, seed in (("MS", 1), ("FS", 9), ("MCU", 30)):
        assert count(draw(shot(size=size, figures=[{"name": "RUTH"}]), seed=seed), outfit) > 500


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1280, 536), (320, 180)])
def test_the_picture_is_an_rgb_png_of_the_size_asked(width: int, height: int) -> None:
    png = Sketch().draw("", seed=3, width=width, height=height, brief=shot(move="dolly in"))
    image = Image.open(io.BytesIO(png))
    assert (image.format, image.mode, image.size) == ("PNG", "RGB", (width, height))


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"size": "HUGE"}, "'size'"),
        ({"figures": "RUTH and SAM"}, "'figures'"),
        ({"figures": [{"name": "RUTH", "x": "left"}]}, r"'figures\[0\]\.x'"),
        ({"figures": [RUTH, {"name": "SAM", "looks": "up"}]}, r"'figures\[1\]\.looks'"),
        ({"setting": {"interior": "yes"}}, r"'setting\.interior'"),
        ({"setting": "KITCHEN"}, "'setting'"),
        ({"caption": 12}, "'caption'"),
        ({"move": "crane"}, "'move'"),
    ],
)
def test_a_bad_brief_names_the_key_at_fault(changes: dict[str, Any], key: str) -> None:
    with pytest.raises(ClapboardError, match=key):
        Sketch().draw("", seed=1, width=320, height=180, brief=shot(**changes))


def test_missing_keys_take_their_defaults() -> None:
    picture = draw({"figures": [{"name": "ANNA"}]})
    assert count(picture, character_look("ANNA").colour) > 500


def test_a_pan_is_a_long_arrow_pointing_the_way_it_goes() -> None:
    assert count(draw(shot()), ANNOTATION) == 0
    for direction in ("left", "right"):
        picture = draw(shot(move="pan", move_direction=direction))
        columns = np.nonzero(np.all(picture == ANNOTATION, axis=-1).sum(axis=0))[0]
        assert columns.max() - columns.min() > picture.shape[1] * 0.5
        # The head is the arrow's widest part, at the end it points to.
        heights = np.all(picture == ANNOTATION, axis=-1).sum(axis=0)
        head = int(np.argmax(heights))
        assert (head > picture.shape[1] / 2) == (direction == "right")


def test_a_tilt_runs_up_the_frame_and_a_dolly_in_converges() -> None:
    tilt = np.all(draw(shot(move="tilt", move_direction="up")) == ANNOTATION, axis=-1)
    rows, columns = np.nonzero(tilt)
    assert rows.max() - rows.min() > 3 * (columns.max() - columns.min())
    dolly = np.all(draw(shot(move="dolly in")) == ANNOTATION, axis=-1)
    height, width = dolly.shape
    for rows in (slice(0, height // 2), slice(height // 2, height)):
        for columns in (slice(0, width // 2), slice(width // 2, width)):
            assert dolly[rows, columns].sum() > 100  # an arrow in every quarter


def test_a_walking_character_gets_an_arrow() -> None:
    walking = draw(shot(size="WS", figures=[{**SAM, "moving": "left"}]))
    assert count(walking, ANNOTATION) > 50


def test_the_angle_moves_the_horizon() -> None:
    outside = {"location": "MEADOW", "exterior": True, "time": "DAY"}
    skies = []
    for angle in ("high", "eye level", "low"):
        picture = draw(shot(setting=outside, size="WS", angle=angle, figures=[]))
        sky = (picture[..., 2] > picture[..., 0] + 40) & (picture[..., 2] > picture[..., 1] + 10)
        skies.append(sky.sum())
    assert skies[0] < skies[1] < skies[2]


def test_an_over_the_shoulder_figure_darkens_its_side_of_the_frame() -> None:
    ots = draw(shot(size="MCU", figures=[{**SAM, "x": 0.9, "shoulder": True}, {**RUTH, "x": -0.2}]))
    dark = ots.mean(axis=-1) < 60
    third = dark.shape[1] // 3
    assert dark[:, -third:].sum() > 4 * dark[:, :third].sum()


def test_a_pencil_frame_is_drawn_in_greys() -> None:
    picture = draw(shot(palette="pencil"))
    spread = picture.max(axis=-1) - picture.min(axis=-1)
    assert np.percentile(spread, 99) < 16
    assert count(picture, character_look("RUTH").colour) == 0


def test_a_character_sheet_shows_front_and_side_in_the_characters_colour() -> None:
    sheet = {"kind": "character", "label": "RUTH", "figures": [RUTH], "description": "A woman in her sixties."}
    picture = draw(sheet, width=1280, height=720)
    outfit = np.all(picture == character_look("RUTH", "A woman in her sixties.").colour, axis=-1)
    front, side = outfit[:, : int(1280 * 0.3)].sum(), outfit[:, int(1280 * 0.3) : int(1280 * 0.56)].sum()
    assert front > side > 1000


def test_a_location_card_and_a_frame_without_a_brief_are_drawn() -> None:
    card = draw({"kind": "location", "setting": {"location": "BAR", "interior": True, "time": "NIGHT"}})
    assert card.shape == (360, 640, 3)
    titled = draw(None)
    assert titled.shape == (360, 640, 3)
    assert titled.std() > 1  # the title and the frame lines are on it


def test_the_registry_finds_the_sketch_backend() -> None:
    assert find_backend("sketch") is Sketch
    assert Sketch.available()
    backend = open_backend(BackendChoice("image", "sketch"))
    assert isinstance(backend, ImageGenerator)
