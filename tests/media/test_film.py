"""Segments to a film: picture copied, sound in its languages, a chapter per scene, in MP4 and Matroska."""

from __future__ import annotations

from pathlib import Path

import pytest

from clapboard.media import (
    AudioTrack,
    Chapter,
    Format,
    MediaError,
    Move,
    MoveKind,
    Panel,
    Transition,
    assemble,
    probe,
    render,
    scene_chapters,
    title_card,
)
from clapboard.media.ffmpeg import ffmpeg
from tests.media.frames import frame, tone

SMALL = Format(320, 180, 24)


def test_the_film_is_h264_and_aac_at_720p_24fps_and_as_long_as_its_panels(tmp_path: Path) -> None:
    fmt = Format()
    panels = [
        title_card("THE DINER", fmt, 1, transition=Transition.fade_in(6)),
        Panel(frame((200, 60, 60), (1280, 720)), 0.75, scene="1", shot="1A"),
        Panel(frame((60, 200, 60), (1280, 720)), 1.25, scene="1", shot="1B", move=Move.of(MoveKind.PUSH_IN)),
    ]
    reel = render(panels, fmt, tmp_path / "segments")
    film = assemble(reel, tmp_path / "film.mp4", audio=[AudioTrack(tone(tmp_path / "en.wav", 3, 440), "eng")])
    info = probe(film)
    (video,) = info.of_kind("video")
    (sound,) = info.of_kind("audio")
    assert (video.codec, video.width, video.height, video.fps) == ("h264", 1280, 720, 24)
    assert sound.codec == "aac"
    assert video.frames == 72
    assert abs(info.seconds - 3) <= 1 / 24


def test_sound_tracks_carry_their_languages_in_mp4_and_mkv(tmp_path: Path) -> None:
    panels = [Panel(frame((200, 60, 60)), 1, scene="1"), Panel(frame((60, 60, 200)), 1, scene="2")]
    reel = render(panels, SMALL, tmp_path / "segments")
    english = tone(tmp_path / "en.wav", 2, 440)
    spanish = tmp_path / "es.m4a"
    ffmpeg("-i", tone(tmp_path / "es.wav", 2, 330), "-c:a", "aac", spanish)
    tracks = [AudioTrack(english, "eng", "English"), AudioTrack(spanish, "spa", "Español")]
    for name in ("film.mp4", "film.mkv"):
        info = probe(assemble(reel, tmp_path / name, audio=tracks, chapters=scene_chapters(panels, SMALL)))
        assert [(s.codec, s.language) for s in info.of_kind("audio")] == [("aac", "eng"), ("aac", "spa")]
        assert [(c.title, c.start, c.end) for c in info.chapters] == [("Scene 1", 0, 1), ("Scene 2", 1, 2)]
        assert abs(info.seconds - 2) <= 1 / 24


def test_sound_longer_than_the_picture_is_cut_at_its_end(tmp_path: Path) -> None:
    reel = render([Panel(frame((9, 99, 9)), 1)], SMALL, tmp_path / "segments")
    film = assemble(reel, tmp_path / "film.mp4", audio=[AudioTrack(tone(tmp_path / "long.wav", 5, 220))])
    assert abs(probe(film).seconds - 1) <= 1 / 24


def test_chapters_follow_runs_of_the_same_scene() -> None:
    panels = [
        Panel(frame((1, 1, 1)), 1, scene=""),
        Panel(frame((2, 2, 2)), 1, scene="1"),
        Panel(frame((3, 3, 3)), 0.5, scene="1"),
        Panel(frame((4, 4, 4)), 2, scene="2"),
    ]
    assert scene_chapters(panels, SMALL) == (
        Chapter("Opening", 0, 24),
        Chapter("Scene 1", 24, 60),
        Chapter("Scene 2", 60, 108),
    )


def test_a_film_without_sound_or_chapters_is_just_the_joined_picture(tmp_path: Path) -> None:
    panels = [Panel(frame((200, 60, 60)), 1), Panel(frame((60, 60, 200)), 1.5)]
    info = probe(assemble(render(panels, SMALL, tmp_path / "segments"), tmp_path / "film.mp4"))
    assert [s.kind for s in info.streams] == ["video"]
    assert info.streams[0].frames == 60
    assert info.chapters == ()


def test_languages_must_be_three_letter_codes(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="ISO 639-2"):
        AudioTrack(tmp_path / "en.wav", "en")


def test_only_mp4_and_mkv_are_written(tmp_path: Path) -> None:
    reel = render([Panel(frame((9, 99, 9)), 1)], SMALL, tmp_path / "segments")
    with pytest.raises(MediaError, match=r"\.mp4 or \.mkv"):
        assemble(reel, tmp_path / "film.avi")


def test_missing_sound_is_named(tmp_path: Path) -> None:
    reel = render([Panel(frame((9, 99, 9)), 1)], SMALL, tmp_path / "segments")
    with pytest.raises(MediaError, match=r"nothing\.wav"):
        assemble(reel, tmp_path / "film.mp4", audio=[AudioTrack(tmp_path / "nothing.wav")])
