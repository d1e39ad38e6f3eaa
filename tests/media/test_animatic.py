"""The animatic's input values: formats, framings, moves, transitions and panels."""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path

import pytest
from PIL import Image

from clapboard.media import (
    FULL_FRAME,
    SCOPE,
    Format,
    Framing,
    MediaError,
    Move,
    MoveKind,
    Panel,
    Transition,
    TransitionKind,
    title_card,
)
from tests.media.frames import frame


def test_the_default_format_is_720p_at_24_frames_a_second() -> None:
    fmt = Format()
    assert (fmt.width, fmt.height, fmt.rate) == (1280, 720, 24)
    assert fmt.picture == (0, 0, 1280, 720)
    assert fmt.frames(2.5) == 60


def test_scope_is_letterboxed_inside_the_frame() -> None:
    left, top, width, height = Format(aspect=SCOPE).picture
    assert (left, width) == (0, 1280)
    assert height == 536  # 1280 / 2.39, to an even row
    assert top == (720 - 536) // 2


def test_a_narrower_picture_is_pillarboxed() -> None:
    left, top, width, height = Format(aspect=Fraction(4, 3)).picture
    assert (top, height, width) == (0, 720, 960)
    assert left == 160


def test_ntsc_rates_count_frames_exactly() -> None:
    fmt = Format(fps=Fraction(24000, 1001))
    assert fmt.frames(Fraction(1001, 24000) * 100) == 100


@pytest.mark.parametrize(("width", "height", "fps"), [(1281, 720, 24), (1280, 0, 24), (1280, 720, 0)])
def test_impossible_formats_are_refused(width: int, height: int, fps: int) -> None:
    with pytest.raises(MediaError):
        Format(width, height, fps)


def test_moves_go_where_their_names_say() -> None:
    push = Move.of(MoveKind.PUSH_IN, 0.5)
    assert push.start == FULL_FRAME
    assert push.end == Framing(0.25, 0.25, 0.5, 0.5)
    pan = Move.of("pan left")
    assert pan.end.left < pan.start.left
    assert pan.start.width == pan.end.width
    tilt = Move.of(MoveKind.TILT_UP)
    assert tilt.end.top < tilt.start.top
    pull = Move.of(MoveKind.PULL_OUT)
    assert pull.end == FULL_FRAME
    assert pull.start.width < 1


def test_a_static_camera_keeps_one_framing() -> None:
    with pytest.raises(MediaError, match="static"):
        Move(MoveKind.STATIC, FULL_FRAME, Framing.centred(0.5))


def test_a_framing_must_lie_inside_the_frame() -> None:
    with pytest.raises(MediaError):
        Framing(0.6, 0, 0.5, 0.5)
    assert Framing.centred(0.5, x=0.9) == Framing(0.5, 0.25, 0.5, 0.5)


def test_transitions_say_how_long_they_take() -> None:
    assert Transition.dissolve(12) == Transition(TransitionKind.DISSOLVE, 12)
    with pytest.raises(MediaError):
        Transition(TransitionKind.DISSOLVE, 0)
    with pytest.raises(MediaError):
        Transition(TransitionKind.CUT, 3)


def test_a_panel_begins_and_ends_only_in_ways_that_make_sense() -> None:
    with pytest.raises(MediaError, match="begin"):
        Panel(frame((9, 9, 9)), 1, transition=Transition.fade_out(6))
    with pytest.raises(MediaError, match="end"):
        Panel(frame((9, 9, 9)), 1, ending=Transition.dissolve(6))
    with pytest.raises(MediaError, match="last"):
        Panel(frame((9, 9, 9)), 0)


def test_a_frame_given_by_path_is_read_and_hashed_by_its_content(tmp_path: Path) -> None:
    data = frame((200, 10, 10))
    (tmp_path / "1A.png").write_bytes(data)
    from_file = Panel(tmp_path / "1A.png", 2)
    assert from_file.digest == Panel(data, 3).digest
    assert from_file.frame().size == (320, 180)
    with pytest.raises(MediaError, match="cannot read"):
        Panel(tmp_path / "missing.png", 2).digest


def test_a_title_card_is_a_panel_at_the_picture_size() -> None:
    card = title_card("THE DINER", Format(aspect=SCOPE), 2.5, scene="0")
    image = Image.open(io.BytesIO(card.png))
    assert image.size == (1280, 536)
    assert (card.seconds, card.shot, card.scene) == (2.5, "title", "0")
    assert image.getextrema()[0][1] > 200  # white letters on black
