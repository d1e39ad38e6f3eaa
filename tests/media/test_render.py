"""Panels to segments: the pictures each segment holds, and which segments a change re-encodes."""

from __future__ import annotations

import io
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from clapboard.media import (
    H264,
    SCOPE,
    Codec,
    Format,
    MediaError,
    Move,
    MoveKind,
    Panel,
    Transition,
    assemble,
    probe,
    render,
    render_segment,
    segment_key,
)
from clapboard.media.ffmpeg import ffmpeg
from tests.media.frames import frame, luma, png

SMALL = Format(320, 180, 24)


def grey(level: int) -> bytes:
    """A flat grey frame: its decoded brightness is easy to predict."""
    return png(Image.new("RGB", (320, 180), (level, level, level)))


def board() -> list[Panel]:
    """Four panels: a still, a dissolve into a still, a push-in, and a still with a caption."""
    return [
        Panel(frame((200, 60, 60), label="1A"), 1, shot="1A", scene="1"),
        Panel(frame((60, 200, 60), label="1B"), 1, shot="1B", scene="1", transition=Transition.dissolve(6)),
        Panel(frame((60, 60, 200), label="2A"), 1, shot="2A", scene="2", move=Move.of(MoveKind.PUSH_IN)),
        Panel(frame((200, 200, 60), label="2B"), 1, shot="2B", scene="2", caption="MARY: Black, like the night."),
    ]


def test_each_panel_becomes_a_segment_of_its_own_length(tmp_path: Path) -> None:
    panels = board()
    reel = render(panels, SMALL, tmp_path)
    assert reel.rendered == (0, 1, 2, 3)
    assert reel.reused == ()
    for segment in reel.segments:
        assert segment.path.name == f"{segment.key}.mp4"
        info = probe(segment.path)
        (video,) = info.of_kind("video")
        assert (video.codec, video.width, video.height, video.fps, video.frames) == ("h264", 320, 180, 24, 24)
    assert reel.frames == 96
    assert reel.seconds == 4


def test_a_second_render_reuses_every_segment(tmp_path: Path) -> None:
    render(board(), SMALL, tmp_path)
    again = render(board(), SMALL, tmp_path)
    assert again.rendered == ()
    assert again.reused == (0, 1, 2, 3)


def test_changing_one_panel_re_encodes_only_its_segment(tmp_path: Path) -> None:
    panels = board()
    first = render(panels, SMALL, tmp_path)
    panels[2] = replace(panels[2], caption="A new caption")
    second = render(panels, SMALL, tmp_path)
    assert second.rendered == (2,)
    assert [s.key for s in second.segments if s.index != 2] == [s.key for s in first.segments if s.index != 2]


def test_changing_the_panel_before_a_dissolve_re_encodes_the_dissolve_too(tmp_path: Path) -> None:
    panels = board()
    render(panels, SMALL, tmp_path)
    panels[0] = replace(panels[0], image=frame((10, 10, 10), label="new 1A"))
    assert render(panels, SMALL, tmp_path).rendered == (0, 1)


def test_a_new_length_before_a_dissolve_leaves_the_dissolve_alone(tmp_path: Path) -> None:
    panels = board()
    render(panels, SMALL, tmp_path)
    panels[0] = replace(panels[0], seconds=2)
    assert render(panels, SMALL, tmp_path).rendered == (0,)


def test_names_and_dialogue_never_reach_a_pixel_so_they_do_not_change_the_key() -> None:
    panel = board()[0]
    renamed = replace(panel, shot="9Z", scene="9", size="ECU", dialogue=("MARY: Hi.",))
    assert segment_key(renamed, None, SMALL) == segment_key(panel, None, SMALL)
    assert segment_key(replace(panel, caption="x"), None, SMALL) != segment_key(panel, None, SMALL)
    assert segment_key(panel, None, Format(640, 360)) != segment_key(panel, None, SMALL)


def test_one_segment_alone_is_rendered_then_reused(tmp_path: Path) -> None:
    panel = board()[2]
    made = render_segment(panel, SMALL, tmp_path)
    assert made.rendered
    assert made.frames == 24
    assert not render_segment(panel, SMALL, tmp_path).rendered


def test_a_held_frame_decodes_as_the_same_picture_throughout(tmp_path: Path) -> None:
    # 62 frames: two whole one-second GOPs (the second copied from the first) and a partial one.
    panel = Panel(frame((200, 60, 60)), Fraction(62, 24))
    segment = render_segment(panel, SMALL, tmp_path)
    frames = luma(segment.path, 320, 180).astype(int)
    assert len(frames) == 62
    assert np.array_equal(frames[24:48], frames[:24])
    assert np.array_equal(frames[48:], frames[:14])
    rgb = np.asarray(Image.open(io.BytesIO(panel.png)).convert("RGB"), dtype=float)
    source = rgb @ [0.2126, 0.7152, 0.0722]  # BT.709 luma, as the segments are encoded
    assert all(np.abs(f - source).mean() < 3 for f in frames)


def test_a_held_frame_repeats_its_first_picture_exactly(tmp_path: Path) -> None:
    # Every frame after a GOP's IDR frame is a copy of the one before it, so nothing drifts within a GOP either.
    frames = luma(render_segment(Panel(frame((60, 120, 200)), 2), SMALL, tmp_path).path, 320, 180)
    assert all(np.array_equal(f, frames[0]) for f in frames)


def test_the_still_after_a_dissolve_holds_its_first_drawing(tmp_path: Path) -> None:
    panels = [Panel(grey(40), 1), Panel(frame((200, 60, 60)), 2, transition=Transition.dissolve(7))]
    segment = render(panels, SMALL, tmp_path).segments[1]
    frames = luma(segment.path, 320, 180).astype(int)
    assert all(np.diff(frames[:8].mean(axis=(1, 2))) > 0)  # the dissolve itself moves every frame
    assert all(np.array_equal(f, frames[7]) for f in frames[8:24])  # then the rest of its GOP holds
    assert all(np.array_equal(f, frames[24]) for f in frames[25:])
    assert np.abs(frames[23] - frames[24]).mean() < 1  # the next GOP's IDR frame draws the same picture


def test_every_kind_of_segment_decodes_without_an_error(tmp_path: Path) -> None:
    # Held GOPs splice one encoder's repeated frames after another's IDR frame: a strict decoder must accept them.
    panels = board()
    panels[3] = replace(panels[3], seconds=Fraction(62, 24), ending=Transition.fade_out(5))
    film = assemble(render(panels, SMALL, tmp_path / "segments"), tmp_path / "film.mp4")
    ffmpeg("-xerror", "-err_detect", "explode", "-i", film, "-f", "null", "-", concerning=film)


def test_constant_quality_is_keyed_apart_and_holds_as_exactly(tmp_path: Path) -> None:
    panel = Panel(frame((60, 120, 200)), 2, transition=Transition.fade_in(5))
    quality = Codec(crf=20)
    assert segment_key(panel, None, SMALL, quality) != segment_key(panel, None, SMALL, H264)
    frames = luma(render_segment(panel, SMALL, tmp_path, codec=quality).path, 320, 180)
    assert len(frames) == 48
    assert all(np.array_equal(f, frames[5]) for f in frames[6:24])
    assert all(np.array_equal(f, frames[24]) for f in frames[25:])


def test_fades_start_and_end_on_black(tmp_path: Path) -> None:
    panel = Panel(grey(200), 2, transition=Transition.fade_in(8), ending=Transition.fade_out(8))
    frames = luma(render_segment(panel, SMALL, tmp_path).path, 320, 180).mean(axis=(1, 2))
    assert frames[0] < 3
    assert frames[-1] < 3
    assert all(np.diff(frames[:9]) > 0)
    assert all(np.diff(frames[-9:]) < 0)
    assert abs(frames[24] - 200) < 6


def test_a_dissolve_blends_the_previous_last_frame_into_the_panel(tmp_path: Path) -> None:
    panels = [Panel(grey(40), 1), Panel(grey(220), 1, transition=Transition.dissolve(7))]
    film = assemble(render(panels, SMALL, tmp_path / "segments"), tmp_path / "film.mp4")
    brightness = luma(film, 320, 180).mean(axis=(1, 2))
    assert abs(brightness[23] - 40) < 6
    dissolve = brightness[24:31]
    assert all(np.diff(dissolve) > 0)
    assert dissolve[0] > 40 + 10 and dissolve[-1] < 220 - 10  # neither picture whole during the dissolve
    assert abs(brightness[35] - 220) < 6


@pytest.mark.parametrize("kind", [MoveKind.PAN_RIGHT, MoveKind.PAN_LEFT])
def test_a_pan_moves_smoothly_along_its_eased_path(tmp_path: Path, kind: MoveKind) -> None:
    image = Image.new("RGB", (320, 180), "white")
    ImageDraw.Draw(image).rectangle([158, 0, 161, 179], fill="black")  # a post at x = 160
    move = Move.of(kind, 0.25)
    frames = 48
    pictures = luma(render_segment(Panel(png(image), 2, move=move), SMALL, tmp_path).path, 320, 180)
    darkness = 255 - pictures[:, 90, :].astype(float)
    # Pixel i spans [i, i + 1), so its centre, where the path is measured, is at i + 0.5.
    seen = (darkness * (np.arange(320) + 0.5)).sum(axis=1) / darkness.sum(axis=1)
    ease = (1 - np.cos(np.pi * np.arange(frames) / (frames - 1))) / 2
    left = (move.start.left + (move.end.left - move.start.left) * ease) * 320
    expected = (160 - left) / move.start.width
    assert np.abs(seen - expected).max() < 1.0
    steps = np.diff(seen) if kind is MoveKind.PAN_LEFT else -np.diff(seen)
    assert (steps > -0.25).all()  # never jerks backwards


def test_a_push_in_ends_on_its_end_framing(tmp_path: Path) -> None:
    image = Image.new("RGB", (320, 180), "white")
    ImageDraw.Draw(image).rectangle([80, 45, 239, 134], outline="black", width=2)  # the middle half
    panel = Panel(png(image), 1, move=Move.of(MoveKind.PUSH_IN, 0.5))
    pictures = luma(render_segment(panel, SMALL, tmp_path).path, 320, 180)
    first, last = pictures[0, 90].astype(int), pictures[-1, 90].astype(int)
    assert first[80:82].min() < 100 and first[5:60].min() > 200
    assert last[:4].min() < 100  # the box now fills the frame
    assert last[8:312].min() > 200


def test_scope_pictures_sit_between_black_bars(tmp_path: Path) -> None:
    fmt = Format(320, 180, 24, aspect=SCOPE)
    _, top, _, height = fmt.picture
    picture = luma(render_segment(Panel(grey(200), 1), fmt, tmp_path).path, 320, 180)[0]
    assert picture[: top - 1].max() < 3
    assert picture[top + height + 1 :].max() < 3
    assert picture[top + 2 : top + height - 2].min() > 150


def test_a_move_in_scope_stays_inside_the_picture_area(tmp_path: Path) -> None:
    fmt = Format(320, 180, 24, aspect=SCOPE)
    _, top, _, height = fmt.picture
    panel = Panel(grey(200), 1, move=Move.of(MoveKind.PULL_OUT, 0.3))
    pictures = luma(render_segment(panel, fmt, tmp_path).path, 320, 180)
    assert len(pictures) == 24
    assert pictures[:, : top - 1].max() < 3
    assert pictures[:, top + height + 1 :].max() < 3
    assert pictures[:, top + 2 : top + height - 2].min() > 150


def test_a_caption_is_burned_into_the_bottom_of_the_frame(tmp_path: Path) -> None:
    plain = luma(render_segment(Panel(grey(220), 1), SMALL, tmp_path).path, 320, 180)[0]
    captioned = Panel(grey(220), 1, caption="INT. DINER - NIGHT")
    picture = luma(render_segment(captioned, SMALL, tmp_path).path, 320, 180)[0]
    assert np.array_equal(picture[:120], plain[:120])
    assert picture[150:175].mean() < plain[150:175].mean() - 40


def test_a_caption_over_a_move_is_the_band_a_still_gets(tmp_path: Path) -> None:
    caption = "MARY: Black, like the night."
    still = luma(render_segment(Panel(grey(120), 1, caption=caption), SMALL, tmp_path).path, 320, 180)[0]
    moving = Panel(grey(120), 1, caption=caption, move=Move.of(MoveKind.PAN_LEFT, 0.2))
    pictures = luma(render_segment(moving, SMALL, tmp_path).path, 320, 180).astype(int)
    foot = slice(140, 180)
    assert still[foot].min() < still[:100].min() - 50  # the band is there
    assert all(np.abs(p[foot] - still[foot]).mean() < 2 for p in pictures)


def test_a_transition_longer_than_its_panel_is_refused(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="1A"):
        render_segment(Panel(grey(9), 0.5, shot="1A", transition=Transition.fade_in(13)), SMALL, tmp_path)


def test_an_empty_board_is_refused(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="at least one"):
        render([], SMALL, tmp_path)
