"""The project store: a SQLite catalog (WAL) over a vault of content-addressed blobs.

Crash safety comes from ordering: a blob is complete on disk before the
transaction that catalogues it (blob row, provenance row, latest pointer)
commits, so a kill at any moment leaves either nothing or an uncatalogued blob
that the next ``gc`` sweeps. Deletion runs the other way: rows go first, files
after.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from clapboard.errors import StoreError
from clapboard.store.schema import migrate
from clapboard.store.vault import Vault, digest

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

ReviewVerdict = Literal["accept", "reject", "pin", "unpin", "replace"]
RunStatus = Literal["running", "done", "failed", "interrupted"]

#: Keys per ``IN (…)`` query: well under SQLite's limit on bound parameters.
_CHUNK = 500

_TAKE_COLUMNS = (
    "key, blob, name, stage, kind, slate, take, seed, params, inputs, backend, backend_version, model_hash, "
    "prompt, made_by, made_at, seconds, run_id, approved_by, approved_at"
)


@dataclass(frozen=True)
class Provenance:
    """Where a take came from: everything needed to make it again, or to audit it."""

    key: str
    name: str
    stage: str
    kind: str
    slate: str
    take: int
    seed: int
    params: str
    inputs: tuple[str, ...]
    backend: str | None = None
    backend_version: str | None = None
    model_hash: str | None = None
    prompt: str | None = None
    made_by: Literal["machine", "human"] = "machine"
    seconds: float = 0.0
    run_id: int | None = None


@dataclass(frozen=True)
class Take:
    """A catalogued output: its provenance, its blob, when it was made and who approved it."""

    provenance: Provenance
    blob: str
    made_at: str
    approved_by: str | None = None
    approved_at: str | None = None

    @property
    def key(self) -> str:
        return self.provenance.key

    @property
    def name(self) -> str:
        return self.provenance.name


@dataclass(frozen=True)
class Review:
    """One person's verdict on a take, with their note; ``replacement`` is the blob of their own file."""

    id: int
    key: str
    name: str
    slate: str
    verdict: ReviewVerdict
    note: str
    reviewer: str
    at: str
    replacement: str | None = None


@dataclass(frozen=True)
class RunRecord:
    """One ``make`` as the history shows it."""

    id: int
    started_at: str
    finished_at: str | None
    status: RunStatus
    executor: str
    jobs: int
    until_stage: str | None
    planned: int
    ran: int
    reused: int
    failed: int
    error: str | None


@dataclass(frozen=True)
class Collection:
    """What a garbage collection removed and kept."""

    blobs_removed: int
    bytes_freed: int
    takes_dropped: int
    blobs_kept: int


def now() -> str:
    """The current time as the catalog writes it: ISO 8601, UTC, milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Store:
    """A project's store folder (``.clapboard/``): catalog, blobs and the run lock.

    One instance may be shared by threads: every catalog call holds a lock, and
    blob files are written and read without it.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.vault = Vault(self.root)
        self.vault.create()
        self._guard = threading.RLock()
        self._conn = sqlite3.connect(self.root / "catalog.sqlite", isolation_level=None, check_same_thread=False)
        try:
            self._conn.execute("PRAGMA journal_mode = WAL")
            # In WAL mode NORMAL is still corruption-safe; only a power cut can lose the last commits.
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._conn.execute("PRAGMA busy_timeout = 10000")
            migrate(self._conn)
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise StoreError(f"{self.root / 'catalog.sqlite'}: not a usable catalog ({exc})") from None
        self._lock_fd: int | None = None

    @classmethod
    def open(cls, root: str | Path) -> Store:
        """Open the store in ``root``, creating it when it does not exist yet."""
        return cls(Path(root))

    def close(self) -> None:
        """Close the catalog; the store must not be used afterwards."""
        with self._guard:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the project's run lock: one ``make`` or ``gc`` at a time per project.

        The kernel drops the lock when the holder dies, so a killed run never
        leaves a project locked.
        """
        path = self.root / "lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "another process"
            os.close(fd)
            raise StoreError(f"{self.root}: the project is busy (locked by pid {holder})") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        try:
            self.vault.sweep()
            yield
        finally:
            os.close(fd)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._guard:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _query(self, sql: str, params: Iterable[object] = ()) -> list[tuple]:
        with self._guard:
            return self._conn.execute(sql, tuple(params)).fetchall()

    # Takes ---------------------------------------------------------------------------------------------

    def record(self, provenance: Provenance, data: bytes) -> Take:
        """Store an output and its provenance; the take is catalogued only once its blob is on disk."""
        return self.catalog_take(provenance, self.vault.put(data), len(data))

    def catalog_take(self, provenance: Provenance, blob: str, size: int) -> Take:
        """Catalogue a take whose blob is already in the vault, written by :meth:`Vault.put` on any thread."""
        if not self.vault.path(blob).is_file():
            raise StoreError(f"take {provenance.key}: blob {blob} is not in the vault; write it first")
        made_at = now()
        with self._transaction() as db:
            db.execute("INSERT OR IGNORE INTO blobs (hash, size, stored_at) VALUES (?, ?, ?)", (blob, size, made_at))
            _insert_take(db, "INSERT OR IGNORE", provenance, blob, made_at)
            db.execute(
                "INSERT OR REPLACE INTO latest (name, key, at) VALUES (?, ?, ?)",
                (provenance.name, provenance.key, made_at),
            )
        return Take(provenance, blob, made_at)

    def made(self, keys: Iterable[str]) -> set[str]:
        """Which of ``keys`` already have a take in the store."""
        wanted = list(dict.fromkeys(keys))
        found: set[str] = set()
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            rows = self._query(f"SELECT key FROM takes WHERE key IN ({', '.join('?' * len(chunk))})", chunk)
            found.update(row[0] for row in rows)
        return found

    def take(self, key: str) -> Take | None:
        """The take catalogued under ``key``, if any."""
        rows = self._query(f"SELECT {_TAKE_COLUMNS} FROM takes WHERE key = ?", (key,))
        return _take(rows[0]) if rows else None

    def output(self, key: str) -> bytes:
        """The bytes made for ``key``; a StoreError when nothing was made for it."""
        rows = self._query("SELECT blob FROM takes WHERE key = ?", (key,))
        if not rows:
            raise StoreError(f"nothing has been made for step key {key}")
        return self.vault.read(rows[0][0])

    def takes(self) -> list[Take]:
        """Every take in the catalog, oldest first."""
        rows = self._query(f"SELECT {_TAKE_COLUMNS} FROM takes ORDER BY made_at, key")
        return [_take(row) for row in rows]

    # Latest takes per step name ---------------------------------------------------------------------

    def latest(self) -> dict[str, Take]:
        """The take each step name last produced."""
        cols = ", ".join(f"t.{c.strip()}" for c in _TAKE_COLUMNS.split(","))
        rows = self._query(f"SELECT l.name, {cols} FROM latest l JOIN takes t ON t.key = l.key")
        return {row[0]: _take(row[1:]) for row in rows}

    def latest_keys(self) -> dict[str, str]:
        """The key each step name last produced; cheaper than :meth:`latest` when provenance is not needed."""
        return dict(self._query("SELECT name, key FROM latest"))

    def point_latest(self, pointers: Mapping[str, str]) -> None:
        """Make each step name in ``pointers`` point at the given (already made) key."""
        if not pointers:
            return
        at = now()
        with self._transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO latest (name, key, at) VALUES (?, ?, ?)",
                [(name, key, at) for name, key in pointers.items()],
            )

    # Reviews ----------------------------------------------------------------------------------------

    def review(self, key: str, verdict: ReviewVerdict, reviewer: str, note: str = "") -> None:
        """Record a person's verdict on a take; an accept also stamps the take as approved by them."""
        if verdict == "replace":
            raise StoreError("a replacement carries a file: use Store.replace")
        with self._transaction() as db:
            name, slate = _name_and_slate(db, key)
            at = now()
            db.execute(
                "INSERT INTO reviews (key, name, slate, verdict, note, reviewer, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (key, name, slate, verdict, note, reviewer, at),
            )
            if verdict == "accept":
                db.execute("UPDATE takes SET approved_by = ?, approved_at = ? WHERE key = ?", (reviewer, at, key))

    def replace(self, key: str, provenance: Provenance, data: bytes, reviewer: str, note: str = "") -> Take:
        """Swap the take at ``key`` for a person's own file: a human-made take, pinned and approved."""
        if provenance.made_by != "human":
            raise StoreError("a replacement take must say it is human-made")
        blob = self.vault.put(data)
        at = now()
        p = provenance
        with self._transaction() as db:
            name, slate = _name_and_slate(db, key)
            db.execute("INSERT OR IGNORE INTO blobs (hash, size, stored_at) VALUES (?, ?, ?)", (blob, len(data), at))
            _insert_take(db, "INSERT OR REPLACE", provenance, blob, at, approved_by=reviewer)
            db.execute(
                "INSERT INTO reviews (key, name, slate, verdict, note, reviewer, at, replacement)"
                " VALUES (?, ?, ?, 'replace', ?, ?, ?, ?)",
                (p.key, name, slate, note, reviewer, at, blob),
            )
            db.execute("INSERT OR REPLACE INTO latest (name, key, at) VALUES (?, ?, ?)", (name, p.key, at))
        return Take(p, blob, at, reviewer, at)

    def rejections(self) -> dict[str, int]:
        """How many takes of each slate people have rejected: the planner turns this into new seeds."""
        rows = self._query("SELECT slate, COUNT(*) FROM reviews WHERE verdict = 'reject' GROUP BY slate")
        return dict(rows)

    def pins(self) -> dict[str, Take]:
        """The take each pinned step name is frozen to.

        The last pin, replace, unpin or reject on a name decides: the first two
        pin it, the others free it. Accepting a take leaves the pin as it was.
        """
        rows = self._query(
            "SELECT r.name, r.key, r.verdict FROM reviews r"
            " WHERE r.verdict IN ('pin', 'replace', 'unpin', 'reject')"
            " AND r.id = (SELECT MAX(id) FROM reviews r2 WHERE r2.name = r.name"
            " AND r2.verdict IN ('pin', 'replace', 'unpin', 'reject'))"
        )
        pinned: dict[str, Take] = {}
        for name, key, verdict in rows:
            if verdict in ("pin", "replace"):
                found = self.take(key)
                if found is not None:
                    pinned[name] = found
        return pinned

    def reviews(self, *, key: str | None = None, learned: bool = False) -> list[Review]:
        """Every verdict in the order given, or those on take ``key``; ``learned``: only those since the last reset
        of preferences (what the planner may still learn from)."""
        sql = "SELECT id, key, name, slate, verdict, note, reviewer, at, replacement FROM reviews WHERE 1 = 1"
        params: list[object] = []
        if key is not None:
            sql += " AND key = ?"
            params.append(key)
        if learned:
            sql += " AND id > (SELECT COALESCE(MAX(after), 0) FROM preference_resets)"
        return [Review(*row) for row in self._query(sql + " ORDER BY id", params)]

    def reset_preferences(self, reviewer: str) -> int:
        """Forget what the reviews so far taught the planner (the verdicts, pins and notes themselves stay);
        returns how many reviews are set aside."""
        with self._transaction() as db:
            last = db.execute("SELECT COALESCE(MAX(id), 0) FROM reviews").fetchone()[0]
            before = db.execute("SELECT COALESCE(MAX(after), 0) FROM preference_resets").fetchone()[0]
            aside = db.execute("SELECT COUNT(*) FROM reviews WHERE id > ? AND id <= ?", (before, last)).fetchone()[0]
            db.execute("INSERT INTO preference_resets (after, reviewer, at) VALUES (?, ?, ?)", (last, reviewer, now()))
        return int(aside)

    # Runs -------------------------------------------------------------------------------------------

    def begin_run(self, executor: str, jobs: int, until_stage: str | None, planned: int) -> int:
        """Open a history row for a run and return its id; call under the project lock."""
        with self._transaction() as db:
            # Only one run holds the lock, so any run still marked running was killed.
            db.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
            cur = db.execute(
                "INSERT INTO runs (started_at, status, executor, jobs, until_stage, planned)"
                " VALUES (?, 'running', ?, ?, ?, ?)",
                (now(), executor, jobs, until_stage, planned),
            )
            return int(cur.lastrowid or 0)

    def end_run(
        self, run_id: int, status: RunStatus, *, ran: int, reused: int, failed: int = 0, error: str | None = None
    ) -> None:
        """Close a run's history row with what it did."""
        with self._transaction() as db:
            db.execute(
                "UPDATE runs SET finished_at = ?, status = ?, ran = ?, reused = ?, failed = ?, error = ? WHERE id = ?",
                (now(), status, ran, reused, failed, error, run_id),
            )

    def runs(self, limit: int | None = None) -> list[RunRecord]:
        """The run history, newest first; a run killed mid-way reads as running until the next one starts."""
        sql = (
            "SELECT id, started_at, finished_at, status, executor, jobs, until_stage, planned, ran, reused, failed,"
            " error FROM runs ORDER BY id DESC"
        )
        rows = self._query(sql + (" LIMIT ?" if limit is not None else ""), (limit,) if limit is not None else ())
        return [RunRecord(*row) for row in rows]

    # Housekeeping -----------------------------------------------------------------------------------

    def collect(self, keep: Iterable[str]) -> Collection:
        """Drop takes outside ``keep`` and delete blobs nothing refers to; call under the project lock.

        Approved, pinned and replaced takes, every name's latest take, and
        files that reviews or consents point at are always kept.
        """
        keep_keys = set(keep)
        keep_keys.update(take.key for take in self.pins().values())
        with self._transaction() as db:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS keep (key TEXT PRIMARY KEY)")
            db.execute("DELETE FROM keep")
            db.executemany("INSERT OR IGNORE INTO keep (key) VALUES (?)", [(k,) for k in keep_keys])
            dropped = db.execute(
                "DELETE FROM takes WHERE key NOT IN (SELECT key FROM keep)"
                " AND key NOT IN (SELECT key FROM latest) AND approved_by IS NULL"
            ).rowcount
            db.execute(
                "DELETE FROM blobs WHERE hash NOT IN (SELECT blob FROM takes)"
                " AND hash NOT IN (SELECT replacement FROM reviews WHERE replacement IS NOT NULL)"
                " AND hash NOT IN (SELECT document FROM consents WHERE document IS NOT NULL)"
            )
            kept = {row[0] for row in db.execute("SELECT hash FROM blobs")}
            db.execute("DROP TABLE keep")
        removed = freed = 0
        for blob in list(self.vault.names()):
            if blob not in kept:
                freed += self.vault.remove(blob)
                removed += 1
        return Collection(removed, freed, dropped, len(kept))

    def verify(self) -> list[str]:
        """Problems found by checking the catalog and every blob against its name; empty when sound."""
        problems: list[str] = []
        integrity = self._query("PRAGMA integrity_check")
        if [row[0] for row in integrity] != ["ok"]:
            problems.extend(f"catalog: {row[0]}" for row in integrity)
        catalogued = {row[0]: row[1] for row in self._query("SELECT hash, size FROM blobs")}
        on_disk = set(self.vault.names())
        for blob in sorted(on_disk):
            data = self.vault.path(blob).read_bytes()
            if digest(data) != blob:
                problems.append(f"blob {blob}: contents do not match its name")
            elif blob in catalogued and catalogued[blob] != len(data):
                problems.append(f"blob {blob}: catalogued as {catalogued[blob]} bytes, is {len(data)}")
        problems.extend(f"blob {blob}: catalogued but missing" for blob in sorted(set(catalogued) - on_disk))
        for key, blob in self._query("SELECT key, blob FROM takes"):
            if blob not in catalogued:
                problems.append(f"take {key}: its blob {blob} is not catalogued")
        return problems


def _insert_take(
    db: sqlite3.Connection, verb: str, p: Provenance, blob: str, at: str, approved_by: str | None = None
) -> None:
    db.execute(
        f"{verb} INTO takes ({_TAKE_COLUMNS}) VALUES ({', '.join('?' * 20)})",
        (
            p.key,
            blob,
            p.name,
            p.stage,
            p.kind,
            p.slate,
            p.take,
            p.seed,
            p.params,
            json.dumps(list(p.inputs)),
            p.backend,
            p.backend_version,
            p.model_hash,
            p.prompt,
            p.made_by,
            at,
            p.seconds,
            p.run_id,
            approved_by,
            at if approved_by else None,
        ),
    )


def _name_and_slate(db: sqlite3.Connection, key: str) -> tuple[str, str]:
    row = db.execute("SELECT name, slate FROM takes WHERE key = ?", (key,)).fetchone()
    if row is None:
        raise StoreError(f"no take with key {key} to review")
    return row[0], row[1]


def _take(row: tuple) -> Take:
    (
        key,
        blob,
        name,
        stage,
        kind,
        slate,
        take,
        seed,
        params,
        inputs,
        backend,
        backend_version,
        model_hash,
        prompt,
        made_by,
        made_at,
        seconds,
        run_id,
        approved_by,
        approved_at,
    ) = row
    provenance = Provenance(
        key=key,
        name=name,
        stage=stage,
        kind=kind,
        slate=slate,
        take=take,
        seed=seed,
        params=params,
        inputs=tuple(json.loads(inputs)),
        backend=backend,
        backend_version=backend_version,
        model_hash=model_hash,
        prompt=prompt,
        made_by=made_by,
        seconds=seconds,
        run_id=run_id,
    )
    return Take(provenance, blob, made_at, approved_by, approved_at)
