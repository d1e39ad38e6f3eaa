"""What is inside a media file, as ffprobe reports it: streams, chapters and length."""

from __future__ import annotations

import json
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from clapboard.media.ffmpeg import MediaError, ffprobe


@dataclass(frozen=True)
class Stream:
    """One stream of a file: its kind (video, audio, ...), codec, language tag and picture or sound details."""

    index: int
    kind: str
    codec: str
    language: str | None
    title: str | None
    seconds: float | None
    frames: int | None
    width: int | None = None
    height: int | None = None
    fps: Fraction | None = None
    channels: int | None = None
    sample_rate: int | None = None


@dataclass(frozen=True)
class ChapterMark:
    """A chapter as the file stores it: title, start and end in seconds."""

    title: str
    start: float
    end: float


@dataclass(frozen=True)
class MediaInfo:
    """A media file as ffprobe sees it: container name, length in seconds, streams and chapters."""

    container: str
    seconds: float
    streams: tuple[Stream, ...]
    chapters: tuple[ChapterMark, ...]

    def of_kind(self, kind: str) -> tuple[Stream, ...]:
        """The streams of one kind ("video", "audio", "subtitle", "data")."""
        return tuple(s for s in self.streams if s.kind == kind)


def probe(path: Path) -> MediaInfo:
    """Read ``path``'s container, streams and chapters with ffprobe."""
    if not path.is_file():
        raise MediaError(f"{path}: no such file to probe")
    report = json.loads(
        ffprobe("-print_format", "json", "-show_format", "-show_streams", "-show_chapters", path, concerning=path)
    )
    streams = tuple(_stream(s) for s in report.get("streams", []))
    chapters = tuple(
        ChapterMark(c.get("tags", {}).get("title", ""), float(c["start_time"]), float(c["end_time"]))
        for c in report.get("chapters", [])
    )
    found = report.get("format", {})
    return MediaInfo(found.get("format_name", ""), float(found.get("duration", 0.0)), streams, chapters)


def _stream(entry: dict[str, Any]) -> Stream:
    tags: dict[str, str] = entry.get("tags") or {}
    rate = entry.get("avg_frame_rate") or entry.get("r_frame_rate")
    fps = Fraction(str(rate)) if rate and rate != "0/0" else None
    return Stream(
        index=int(str(entry["index"])),
        kind=str(entry.get("codec_type", "")),
        codec=str(entry.get("codec_name", "")),
        language=tags.get("language"),
        title=tags.get("title"),
        seconds=_float(entry.get("duration")),
        frames=_int(entry.get("nb_frames")),
        width=_int(entry.get("width")),
        height=_int(entry.get("height")),
        fps=fps if entry.get("codec_type") == "video" else None,
        channels=_int(entry.get("channels")),
        sample_rate=_int(entry.get("sample_rate")),
    )


def _float(value: object) -> float | None:
    return None if value in (None, "", "N/A") else float(str(value))


def _int(value: object) -> int | None:
    return None if value in (None, "", "N/A") else int(str(value))
