"""One registry of screenplay formats, keyed by name and file extension.

Each format is a module of its own exposing ``read(data, path)`` and/or
``write(script, **options)``; the registry imports it only when it is used, so
reading Fountain never pays for the PDF library.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from clapboard.errors import ClapboardError, FormatError, ScriptError

if TYPE_CHECKING:
    from collections.abc import Callable

    from clapboard.screenplay.model import Screenplay

#: Longest line a script may have; anything longer is not a screenplay.
MAX_LINE_CHARS = 50_000


@dataclass(frozen=True)
class Format:
    """A screenplay format: its name, extensions and the module that reads/writes it."""

    name: str
    extensions: tuple[str, ...]
    module: str
    readable: bool
    writable: bool

    def reader(self) -> Callable[[bytes, str | None], Screenplay]:
        return import_module(self.module).read

    def writer(self) -> Callable[..., bytes]:
        return import_module(self.module).write


FORMATS: tuple[Format, ...] = (
    Format("fountain", (".fountain", ".spmd", ".txt"), "clapboard.screenplay.fountain", True, True),
    Format("fdx", (".fdx",), "clapboard.screenplay.fdx", True, True),
    Format("pdf", (".pdf",), "clapboard.screenplay.pdf", False, True),
    Format("html", (".html", ".htm"), "clapboard.screenplay.html", False, True),
    Format("json", (".json",), "clapboard.screenplay.jsonfmt", True, True),
)


def find_format(path: str | Path | None = None, name: str | None = None) -> Format:
    """The format called ``name``, or else the one that owns ``path``'s extension."""
    if name is not None:
        for fmt in FORMATS:
            if fmt.name == name.lower().lstrip("."):
                return fmt
        raise FormatError(f"unknown format {name!r}; known: {', '.join(f.name for f in FORMATS)}")
    suffix = Path(path or "").suffix.lower()
    for fmt in FORMATS:
        if suffix in fmt.extensions:
            return fmt
    known = ", ".join(ext for f in FORMATS for ext in f.extensions)
    raise FormatError(f"{path}: unknown extension {suffix or '(none)'!r}; known: {known}")


def load(path: str | Path, format: str | None = None) -> Screenplay:
    """Read the script at ``path``; errors name the file and line."""
    fmt = find_format(path, format)
    if not fmt.readable:
        raise FormatError(f"{path}: {fmt.name} files can be written but not read")
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise ScriptError("no such file", path) from None
    except IsADirectoryError:
        raise ScriptError("is a folder, not a script file", path) from None
    except OSError as exc:
        raise ScriptError(f"cannot be read ({exc.strerror})", path) from None
    try:
        return fmt.reader()(data, str(path))
    except ScriptError as exc:
        raise exc.at(path) from None


def dumps(script: Screenplay, format: str, **options: object) -> bytes:
    """The script encoded in ``format``, as bytes."""
    fmt = find_format(name=format)
    if not fmt.writable:
        raise FormatError(f"{fmt.name} files can be read but not written")
    return fmt.writer()(script, **options)


def save(script: Screenplay, path: str | Path, format: str | None = None, **options: object) -> None:
    """Write ``script`` to ``path`` atomically: a failed write leaves the old file as it was."""
    fmt = find_format(path, format)
    data = dumps(script, fmt.name, **options)
    try:
        write_atomic(Path(path), data)
    except OSError as exc:
        raise ClapboardError(f"{path}: cannot be written ({exc.strerror or exc})") from None


def write_atomic(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder, then rename over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file private; give it the permissions any new file would get.
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def decode_text(data: bytes, path: str | None = None) -> str:
    """Bytes of a text script as a string, or a ScriptError naming the bad line.

    Accepts UTF-8 (with or without BOM) and UTF-16 with a BOM. Rejects empty
    files, binary files (NUL bytes), invalid UTF-8 and absurdly long lines.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise ScriptError("invalid UTF-16 text", path) from None
    else:
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        nul = data.find(b"\x00")
        if nul >= 0:
            line = data.count(b"\n", 0, nul) + 1
            raise ScriptError("binary data (NUL byte): not a text screenplay", path, line)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise ScriptError(
                f"invalid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); save the file as UTF-8",
                path,
                line,
            ) from None
    if not text.strip():
        raise ScriptError("the file is empty", path, 1)
    if len(text) > MAX_LINE_CHARS:
        for number, line_text in enumerate(text.split("\n"), 1):
            if len(line_text) > MAX_LINE_CHARS:
                raise ScriptError(
                    f"line is {len(line_text):,} characters long (at most {MAX_LINE_CHARS:,}): not a screenplay",
                    path,
                    number,
                )
    return text
