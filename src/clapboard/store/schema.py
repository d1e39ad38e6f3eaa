"""The catalog's tables and the migrations that bring an older catalog up to date.

The schema version lives in SQLite's ``user_version``. Each migration is a script
run in one transaction with the version bump, so a catalog is always at exactly
one version. Append new migrations; never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3

from clapboard.errors import StoreError

#: One script per version; MIGRATIONS[0] takes an empty catalog to version 1.
MIGRATIONS: tuple[str, ...] = (
    """
    -- Every output file, named by the SHA-256 of its bytes.
    CREATE TABLE blobs (
        hash      TEXT PRIMARY KEY,
        size      INTEGER NOT NULL,
        stored_at TEXT NOT NULL
    );

    -- The provenance ledger: one row per made output (a take), keyed by the step's content key.
    CREATE TABLE takes (
        key             TEXT PRIMARY KEY,
        blob            TEXT NOT NULL REFERENCES blobs(hash),
        name            TEXT NOT NULL,
        stage           TEXT NOT NULL,
        kind            TEXT NOT NULL,
        slate           TEXT NOT NULL,
        take            INTEGER NOT NULL,
        seed            INTEGER NOT NULL,
        params          TEXT NOT NULL,
        inputs          TEXT NOT NULL,
        backend         TEXT,
        backend_version TEXT,
        model_hash      TEXT,
        prompt          TEXT,
        made_by         TEXT NOT NULL CHECK (made_by IN ('machine', 'human')),
        made_at         TEXT NOT NULL,
        seconds         REAL NOT NULL,
        run_id          INTEGER REFERENCES runs(id),
        approved_by     TEXT,
        approved_at     TEXT
    );
    CREATE INDEX takes_by_name ON takes(name);
    CREATE INDEX takes_by_blob ON takes(blob);

    -- The take each named step last produced: what `export` copies and `status` compares against.
    CREATE TABLE latest (
        name TEXT PRIMARY KEY,
        key  TEXT NOT NULL REFERENCES takes(key),
        at   TEXT NOT NULL
    );

    -- Human verdicts on takes. Name and slate are copied in so the verdict outlives a collected take.
    CREATE TABLE reviews (
        id          INTEGER PRIMARY KEY,
        key         TEXT NOT NULL,
        name        TEXT NOT NULL,
        slate       TEXT NOT NULL,
        verdict     TEXT NOT NULL CHECK (verdict IN ('accept', 'reject', 'pin', 'unpin', 'replace')),
        note        TEXT NOT NULL DEFAULT '',
        reviewer    TEXT NOT NULL,
        at          TEXT NOT NULL,
        replacement TEXT REFERENCES blobs(hash)
    );
    CREATE INDEX reviews_by_name ON reviews(name);
    CREATE INDEX reviews_by_slate ON reviews(slate);

    -- Consent of real people to the use of their voice or likeness.
    CREATE TABLE consents (
        id         INTEGER PRIMARY KEY,
        person     TEXT NOT NULL,
        scope      TEXT NOT NULL CHECK (scope IN ('voice', 'likeness')),
        granted_by TEXT NOT NULL,
        document   TEXT REFERENCES blobs(hash),
        granted_at TEXT NOT NULL,
        expires_at TEXT,
        revoked_at TEXT,
        note       TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX consents_by_person ON consents(person);

    -- One row per `make`: what was asked, what happened.
    CREATE TABLE runs (
        id          INTEGER PRIMARY KEY,
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        status      TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'interrupted')),
        executor    TEXT NOT NULL,
        jobs        INTEGER NOT NULL,
        until_stage TEXT,
        planned     INTEGER NOT NULL,
        ran         INTEGER NOT NULL DEFAULT 0,
        reused      INTEGER NOT NULL DEFAULT 0,
        failed      INTEGER NOT NULL DEFAULT 0,
        error       TEXT
    );
    """,
    """
    -- "Forget what you learned": preferences read only the reviews after the last reset.
    CREATE TABLE preference_resets (
        id        INTEGER PRIMARY KEY,
        after     INTEGER NOT NULL,
        reviewer  TEXT NOT NULL,
        at        TEXT NOT NULL
    );
    """,
)

#: The version a catalog has after every migration here has run.
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection, migrations: tuple[str, ...] = MIGRATIONS) -> int:
    """Bring the catalog on ``conn`` up to the latest version; return the version it was at.

    ``conn`` must be in autocommit mode (``isolation_level=None``) so each
    migration and its version bump commit together or not at all.
    """
    found = conn.execute("PRAGMA user_version").fetchone()[0]
    if found > len(migrations):
        raise StoreError(
            f"the catalog is at schema version {found}, newer than this Clapboard knows ({len(migrations)}); "
            "upgrade Clapboard"
        )
    for version in range(found, len(migrations)):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(migrations[version]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return found


def _statements(script: str) -> list[str]:
    # executescript() would commit on its own; split so the migration stays one transaction.
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--"):
            continue
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        statements.append(pending.strip())
    return statements
