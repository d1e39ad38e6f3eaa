"""The ffmpeg and ffprobe programs: found in one place, run in one place.

Clapboard prefers the system's programs (Debian's ``ffmpeg`` package); when
ffmpeg is not on the PATH it falls back to the static binary inside the
``imageio-ffmpeg`` wheel, if that is installed. ffprobe has no such fallback.
Every call goes through :func:`ffmpeg` or :func:`ffprobe`, so a failure always
reads the same way: the command's last lines of error output, in one
:class:`MediaError`.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

from clapboard.errors import BackendUnavailable, ClapboardError

INSTALL_HINT = "install ffmpeg (Debian: apt-get install ffmpeg), which provides both ffmpeg and ffprobe"


class MediaError(ClapboardError):
    """A media file that could not be made or read, with what ffmpeg said about it."""


@functools.cache
def ffmpeg_path() -> str:
    """Where the ffmpeg program is; BackendUnavailable when there is none."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg
    except ImportError:
        raise BackendUnavailable("ffmpeg", INSTALL_HINT) from None
    try:
        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except RuntimeError:
        raise BackendUnavailable("ffmpeg", INSTALL_HINT) from None


@functools.cache
def ffprobe_path() -> str:
    """Where the ffprobe program is; BackendUnavailable when there is none."""
    found = shutil.which("ffprobe")
    if found is None:
        raise BackendUnavailable("ffprobe", INSTALL_HINT)
    return found


def ffmpeg(*args: str | Path, concerning: Path | None = None) -> None:
    """Run ffmpeg with ``args`` (quietly, never asking), raising MediaError about ``concerning`` if it fails."""
    _run([ffmpeg_path(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *map(str, args)], concerning)


def ffprobe(*args: str | Path, concerning: Path | None = None) -> str:
    """Run ffprobe with ``args`` and return what it printed; MediaError about ``concerning`` if it fails."""
    return _run([ffprobe_path(), "-hide_banner", "-loglevel", "error", *map(str, args)], concerning)


def _run(command: list[str], concerning: Path | None) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        program = Path(command[0]).name
        said = " / ".join(done.stderr.strip().splitlines()[-3:]) or f"exit status {done.returncode}"
        where = f"{concerning}: " if concerning is not None else ""
        raise MediaError(f"{where}{program} failed: {said}")
    return done.stdout
