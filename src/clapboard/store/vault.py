"""Content-addressed blob files: every output lives under the SHA-256 of its bytes.

A blob is written to a temporary file, flushed to disk and renamed into place, so
a file under ``blobs/`` is always complete and always hashes to its own name,
whatever moment a run is killed at. Leftover temporary files live apart, in
``tmp/``, and are swept away by the next run that holds the project lock.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from clapboard.errors import StoreError

if TYPE_CHECKING:
    from collections.abc import Iterator


def digest(data: bytes) -> str:
    """The SHA-256 of ``data`` as 64 hex digits: a blob's name."""
    return hashlib.sha256(data).hexdigest()


class Vault:
    """The folder of blobs, laid out as ``blobs/ab/cdef…`` like Git's objects."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.blobs = root / "blobs"
        self.tmp = root / "tmp"
        self._shards: set[str] = set()

    def create(self) -> None:
        """Make the folders a new store needs."""
        self.blobs.mkdir(parents=True, exist_ok=True)
        self.tmp.mkdir(parents=True, exist_ok=True)

    def path(self, blob: str) -> Path:
        """Where the blob named ``blob`` lives (whether or not it exists)."""
        return self.blobs / blob[:2] / blob[2:]

    def put(self, data: bytes) -> str:
        """Store ``data`` durably and return its name; storing the same bytes twice is free. Thread-safe."""
        blob = digest(data)
        target = self.path(blob)
        if target.exists():
            return blob
        if target.parent.name not in self._shards:
            target.parent.mkdir(exist_ok=True)
            self._shards.add(target.parent.name)
        # Unique per process and thread, so concurrent writers of the same bytes never share a file.
        tmp = self.tmp / f"{blob}.{os.getpid()}.{threading.get_ident()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        _fsync_folder(target.parent)
        return blob

    def read(self, blob: str) -> bytes:
        """The bytes of a blob; a missing blob means the catalog and the files disagree."""
        try:
            return self.path(blob).read_bytes()
        except FileNotFoundError:
            raise StoreError(f"blob {blob} is catalogued but missing from {self.blobs}") from None

    def names(self) -> Iterator[str]:
        """The name of every blob file on disk, catalogued or not."""
        if not self.blobs.is_dir():
            return
        for shard in sorted(self.blobs.iterdir()):
            if shard.is_dir() and len(shard.name) == 2:
                for file in sorted(shard.iterdir()):
                    yield shard.name + file.name

    def remove(self, blob: str) -> int:
        """Delete a blob file and return the bytes freed (0 when it was already gone)."""
        path = self.path(blob)
        try:
            size = path.stat().st_size
            path.unlink()
        except FileNotFoundError:
            return 0
        return size

    def sweep(self) -> int:
        """Delete temporary files left by killed writers; only safe under the project lock."""
        swept = 0
        if self.tmp.is_dir():
            for leftover in self.tmp.iterdir():
                leftover.unlink(missing_ok=True)
                swept += 1
        return swept


def _fsync_folder(folder: Path) -> None:
    # The rename is only durable once the folder entry itself reaches the disk.
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
