"""Segments to a film: joined without re-encoding, with sound tracks in their languages and a chapter per scene.

The picture is never encoded twice: the concat demuxer copies the segments'
packets (their codec settings are identical by construction). Sound that is not
AAC already is encoded to AAC once and kept beside the segments under the hash
of its bytes, so re-assembling after a picture change copies it too. MP4 and
Matroska come from the same call; the file name's extension decides.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from clapboard.media.animatic import Format, Panel
from clapboard.media.ffmpeg import MediaError, ffmpeg
from clapboard.media.probe import probe
from clapboard.media.render import Reel

#: Containers a film can be written to, by extension, with the options each needs.
CONTAINERS = {".mp4": ("-movflags", "+faststart"), ".mkv": ()}
#: How sound is encoded to AAC: 192 kb/s is transparent for dialogue and temp music in stereo. ffmpeg's default
#: coder, not "fast": on tonal music (a held score) the fast coder measured 2.3 times slower.
AAC_OPTIONS = ("-c:a", "aac", "-b:a", "192k")


def _require_iso_639_2(path: Path, language: str) -> None:
    # MP4 stores three-letter ISO 639-2 codes only; a two-letter code would silently become "und".
    if len(language) != 3 or not language.isascii() or not language.isalpha():
        raise MediaError(f"{path}: language {language!r} must be a three-letter ISO 639-2 code, like 'eng'")


@dataclass(frozen=True)
class AudioTrack:
    """A sound track to carry in the film: the file (WAV, AAC, anything ffmpeg reads) and its ISO 639-2 language."""

    path: Path
    language: str = "und"
    title: str = ""

    def __post_init__(self) -> None:
        _require_iso_639_2(self.path, self.language)


@dataclass(frozen=True)
class SubtitleTrack:
    """A subtitle file (SRT, WebVTT or ASS) to carry as a stream in its ISO 639-2 language."""

    path: Path
    language: str = "und"
    title: str = ""

    def __post_init__(self) -> None:
        _require_iso_639_2(self.path, self.language)


#: The subtitle codec each container takes: MP4 players read timed text, Matroska keeps SubRip.
SUBTITLE_CODECS = {".mp4": "mov_text", ".mkv": "srt"}


@dataclass(frozen=True)
class Chapter:
    """A chapter mark: its title and the frames it spans (start inclusive, end exclusive)."""

    title: str
    start: int
    end: int


def scene_chapters(panels: Sequence[Panel], fmt: Format) -> tuple[Chapter, ...]:
    """One chapter per run of panels of the same scene, titled "Scene N" (or "Opening" for panels with no scene)."""
    chapters: list[Chapter] = []
    at = 0
    for panel in panels:
        length = fmt.frames(panel.seconds)
        title = f"Scene {panel.scene}" if panel.scene else "Opening"
        if chapters and chapters[-1].title == title and chapters[-1].end == at:
            chapters[-1] = Chapter(title, chapters[-1].start, at + length)
        else:
            chapters.append(Chapter(title, at, at + length))
        at += length
    return tuple(chapters)


def assemble(
    reel: Reel,
    out: Path,
    *,
    audio: Sequence[AudioTrack] = (),
    chapters: Sequence[Chapter] = (),
    subtitles: Sequence[SubtitleTrack] = (),
) -> Path:
    """The film at ``out`` (.mp4 or .mkv): the reel's picture copied, ``audio`` as AAC tracks, ``subtitles`` as
    text streams, ``chapters`` marked; every sound and subtitle stream tagged with its language.

    Sound longer than the picture is cut at the picture's end; the first track is the default one. Sound
    encoded to AAC is kept in the reel's segment folder, named by its hash, for the next assembly.
    """
    options = CONTAINERS.get(out.suffix.lower())
    if options is None:
        raise MediaError(f"{out}: a film is written as {' or '.join(CONTAINERS)}, not {out.suffix or 'no extension'}")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="clapboard-film-") as scratch:
        listing = Path(scratch) / "segments.txt"
        listing.write_text("".join(f"file {_quoted(s.path.resolve())}\n" for s in reel.segments), encoding="utf-8")
        inputs: list[str | Path] = ["-f", "concat", "-safe", "0", "-i", listing]
        maps: list[str | Path] = ["-map", "0:v:0"]
        codecs: list[str | Path] = ["-c:v", "copy"]
        for n, track in enumerate(audio):
            inputs += ["-i", _aac(track.path, reel.segments[0].path.parent)]
            maps += ["-map", f"{n + 1}:a:0"]
            codecs += [f"-c:a:{n}", "copy", f"-metadata:s:a:{n}", f"language={track.language}"]
            codecs += [f"-metadata:s:a:{n}", f"title={track.title}"] if track.title else []
            codecs += [f"-disposition:a:{n}", "default" if n == 0 else "0"]
        for n, track in enumerate(subtitles):
            if not track.path.is_file():
                raise MediaError(f"{track.path}: no such subtitle file")
            inputs += ["-i", track.path]
            maps += ["-map", f"{len(audio) + n + 1}:s:0"]
            codecs += [
                f"-c:s:{n}",
                SUBTITLE_CODECS[out.suffix.lower()],
                f"-metadata:s:s:{n}",
                f"language={track.language}",
            ]
            codecs += [f"-metadata:s:s:{n}", f"title={track.title}"] if track.title else []
        if chapters:
            metadata = Path(scratch) / "chapters.txt"
            metadata.write_text(_ffmetadata(chapters, reel.fmt.rate), encoding="utf-8")
            inputs += ["-f", "ffmetadata", "-i", metadata]
            maps += ["-map_chapters", str(len(audio) + len(subtitles) + 1)]
        else:
            maps += ["-map_chapters", "-1"]
        temporary = out.with_name(f".{out.stem}.{os.getpid()}.partial{out.suffix}")
        try:
            ffmpeg(
                *inputs,
                *maps,
                *codecs,
                "-t",
                _seconds(reel.seconds),
                *options,
                temporary,
                concerning=out,
            )
            os.replace(temporary, out)
        finally:
            temporary.unlink(missing_ok=True)
    return out


def _aac(sound: Path, folder: Path) -> Path:
    """``sound`` as AAC: itself if it already is, else encoded once into ``folder``, named by its content's hash."""
    if not sound.is_file():
        raise MediaError(f"{sound}: no such sound file")
    if any(s.codec == "aac" for s in probe(sound).of_kind("audio")):
        return sound
    digest = hashlib.sha256(" ".join(AAC_OPTIONS).encode())
    with sound.open("rb") as recording:
        for chunk in iter(lambda: recording.read(1 << 20), b""):
            digest.update(chunk)
    encoded = folder / f"{digest.hexdigest()}.m4a"
    if not encoded.is_file():
        temporary = encoded.with_name(f".{encoded.stem}.{os.getpid()}.partial.m4a")
        try:
            ffmpeg("-i", sound, "-map", "0:a:0", *AAC_OPTIONS, temporary, concerning=sound)
            os.replace(temporary, encoded)
        finally:
            temporary.unlink(missing_ok=True)
    return encoded


def _ffmetadata(chapters: Sequence[Chapter], rate: Fraction) -> str:
    """Chapters in ffmpeg's metadata file format, timed in exact frames."""
    frame = 1 / rate
    lines = [";FFMETADATA1"]
    for chapter in chapters:
        title = "".join(f"\\{c}" if c in "=;#\\\n" else c for c in chapter.title)
        lines += [
            "[CHAPTER]",
            f"TIMEBASE={frame.numerator}/{frame.denominator}",
            f"START={chapter.start}",
            f"END={chapter.end}",
            f"title={title}",
        ]
    return "\n".join(lines) + "\n"


def _quoted(path: Path) -> str:
    """A path quoted for the concat demuxer's list file."""
    return "'" + str(path).replace("'", "'\\''") + "'"


def _seconds(value: Fraction) -> str:
    return f"{float(value):.6f}"
