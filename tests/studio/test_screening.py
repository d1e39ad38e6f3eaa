"""The screening room finds its reels by fixed names under out/, and writes the film's chapters as WebVTT."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clapboard.media.probe import ChapterMark
from clapboard.studio.screening import chapters_vtt, dub_file, screening, subtitle_file

if TYPE_CHECKING:
    from pathlib import Path


def test_languages_are_the_files_make_wrote(tmp_path: Path) -> None:
    (tmp_path / "subtitles").mkdir()
    for name in ("en.vtt", "es.vtt", "es.srt", "notes.vtt", "x.vtt"):
        (tmp_path / "subtitles" / name).write_text("WEBVTT\n")
    (tmp_path / "dub" / "ca").mkdir(parents=True)
    (tmp_path / "dub" / "ca" / "mix.wav").write_bytes(b"RIFF")
    room = screening(tmp_path)
    assert room.subtitles == ("en", "es") and room.dubs == ("ca",) and not room.film
    assert subtitle_file(tmp_path, "es") == tmp_path / "subtitles" / "es.vtt"
    assert dub_file(tmp_path, "ca") == tmp_path / "dub" / "ca" / "mix.wav"
    for language in ("fr", "../subtitles/en", "ES", "e", "notes", ""):
        assert subtitle_file(tmp_path, language) is None
        assert dub_file(tmp_path, language) is None


def test_chapters_are_a_webvtt_track() -> None:
    chapters = (ChapterMark("Titles", 0.0, 4.0), ChapterMark("1. INT. KITCHEN --> DAY\n", 4.0, 3725.5))
    assert chapters_vtt(chapters) == (
        "WEBVTT\n\n1\n00:00:00.000 --> 00:00:04.000\nTitles\n\n"
        "2\n00:00:04.000 --> 01:02:05.500\n1. INT. KITCHEN → DAY\n"
    )
