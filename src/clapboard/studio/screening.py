"""The screening room's reels: the exported film, its subtitle files, its dubbed mixes and its chapters.

The film plays from ``out/film.mp4`` as ``make`` exported it. Browsers do not
reliably switch between the sound tracks inside an MP4, so a dubbed language
plays from its own mix (``out/dub/<lang>/mix.wav``) beside the muted picture.
A language code reaches a path only after it matched :data:`LANGUAGE` and was
found among the files ``make`` wrote.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from clapboard.errors import ClapboardError

if TYPE_CHECKING:
    from pathlib import Path

    from clapboard.media.probe import ChapterMark

#: What a language code looks like in a file name under ``out/``: ISO 639-1 (``es``) or 639-2 (``spa``).
LANGUAGE = re.compile(r"[a-z]{2,3}")
#: The chapter the film step gives its title card; a dubbed mix starts where it ends.
TITLES = "Titles"


@dataclass(frozen=True)
class Screening:
    """What the screening room can play: the film, subtitles and dubs by language, chapters, where dubs start."""

    film: bool
    subtitles: tuple[str, ...]
    dubs: tuple[str, ...]
    chapters: tuple[ChapterMark, ...]
    dub_offset: float


def screening(out: Path) -> Screening:
    """The screening room of the project whose exports are in ``out``."""
    film = out / "film.mp4"
    subtitles = tuple(sorted(p.stem for p in (out / "subtitles").glob("*.vtt") if LANGUAGE.fullmatch(p.stem)))
    dubs = tuple(sorted(p.parent.name for p in (out / "dub").glob("*/mix.wav") if LANGUAGE.fullmatch(p.parent.name)))
    chapters: tuple[ChapterMark, ...] = ()
    if film.is_file():
        stat = film.stat()
        chapters = _chapters(film, stat.st_mtime_ns, stat.st_size)
    offset = chapters[0].end if chapters and chapters[0].title == TITLES else 0.0
    return Screening(film.is_file(), subtitles, dubs, chapters, offset)


def subtitle_file(out: Path, language: str) -> Path | None:
    """``out/subtitles/<language>.vtt`` when ``language`` is a language code and the file exists."""
    if not LANGUAGE.fullmatch(language):
        return None
    path = out / "subtitles" / f"{language}.vtt"
    return path if path.is_file() else None


def dub_file(out: Path, language: str) -> Path | None:
    """``out/dub/<language>/mix.wav`` when ``language`` is a language code and the mix exists."""
    if not LANGUAGE.fullmatch(language):
        return None
    path = out / "dub" / language / "mix.wav"
    return path if path.is_file() else None


def chapters_vtt(chapters: tuple[ChapterMark, ...]) -> str:
    """The chapters as a WebVTT chapters track, for the player's ``<track kind="chapters">``."""
    cues = ["WEBVTT", ""]
    for number, chapter in enumerate(chapters, 1):
        # A cue's text must not hold "-->" or a blank line; a chapter title is one line of plain words.
        title = " ".join(chapter.title.replace("-->", "→").split())
        cues += [str(number), f"{_clock(chapter.start)} --> {_clock(chapter.end)}", title, ""]
    return "\n".join(cues)


@functools.lru_cache(maxsize=8)
def _chapters(film: Path, mtime_ns: int, size: int) -> tuple[ChapterMark, ...]:
    """The film's chapter marks, read once per version of the file (its time and size are the cache key)."""
    from clapboard.media.probe import probe

    try:
        return probe(film).chapters
    except ClapboardError:
        return ()


def _clock(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    return f"{hours:02d}:{minutes:02d}:{millis // 1000:02d}.{millis % 1000:03d}"
