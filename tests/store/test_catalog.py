"""The store: blobs named by their hash, takes catalogued with provenance, reviews, runs, garbage collection."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from clapboard.errors import StoreError
from clapboard.store import SCHEMA_VERSION, Provenance, Store, migrate
from clapboard.store.schema import MIGRATIONS


def provenance(key: str, name: str = "scene/1", slate: str | None = None, **extra: object) -> Provenance:
    fields: dict = {
        "key": key,
        "name": name,
        "stage": "script",
        "kind": "scene",
        "slate": slate or f"slate-{key}",
        "take": 1,
        "seed": 7,
        "params": json.dumps({"n": key}),
        "inputs": (),
    }
    fields.update(extra)
    return Provenance(**fields)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / ".clapboard") as opened:
        yield opened


def test_a_blob_is_named_by_its_sha256_and_laid_out_in_shards(store: Store) -> None:
    name = store.vault.put(b"INT. DINER - NIGHT")
    assert name == hashlib.sha256(b"INT. DINER - NIGHT").hexdigest()
    assert store.vault.path(name) == store.root / "blobs" / name[:2] / name[2:]
    assert store.vault.read(name) == b"INT. DINER - NIGHT"
    assert store.vault.put(b"INT. DINER - NIGHT") == name
    assert list(store.vault.names()) == [name]
    assert list(store.vault.tmp.iterdir()) == []


def test_a_recorded_take_keeps_its_provenance_and_output(store: Store) -> None:
    p = provenance(
        "k1", backend="stand-in", backend_version="1", model_hash="ab" * 32, prompt="a diner", inputs=("k0",)
    )
    take = store.record(p, b"output")
    assert store.made(["k1", "k2"]) == {"k1"}
    assert store.output("k1") == b"output"
    stored = store.take("k1")
    assert stored is not None
    assert stored.provenance == p
    assert stored.blob == take.blob == hashlib.sha256(b"output").hexdigest()
    assert stored.approved_by is None
    assert store.latest_keys() == {"scene/1": "k1"}
    with pytest.raises(StoreError, match="nothing has been made"):
        store.output("k2")


def test_the_catalog_is_sqlite_in_wal_mode_at_the_current_schema(tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    conn = sqlite3.connect(tmp_path / "catalog.sqlite")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"blobs", "takes", "latest", "reviews", "consents", "runs"} <= tables


def test_a_store_reopens_with_everything_it_held(tmp_path: Path) -> None:
    with Store.open(tmp_path) as first:
        first.record(provenance("k1"), b"one")
    with Store.open(tmp_path) as again:
        assert again.output("k1") == b"one"
        assert again.verify() == []


def test_a_migration_runs_whole_or_not_at_all(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "c.sqlite", isolation_level=None)
    assert migrate(conn) == 0
    broken = (*MIGRATIONS, "CREATE TABLE shots (id INTEGER);\nINSERT INTO nowhere VALUES (1);")
    with pytest.raises(sqlite3.OperationalError):
        migrate(conn, broken)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'shots'").fetchone()[0] == 0
    fixed = (*MIGRATIONS, "CREATE TABLE shots (id INTEGER);")
    assert migrate(conn, fixed) == SCHEMA_VERSION
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1


def test_a_catalog_from_a_newer_clapboard_is_refused(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "catalog.sqlite")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this Clapboard"):
        Store.open(tmp_path)


def test_reviews_count_rejections_per_slate_and_decide_pins(store: Store) -> None:
    store.record(provenance("a1", name="shot/1", slate="s1"), b"first")
    store.record(provenance("a2", name="shot/1", slate="s1", take=2), b"second")
    store.record(provenance("b1", name="shot/2", slate="s2"), b"other")
    store.review("a1", "reject", "mia", "too dark")
    store.review("a2", "reject", "mia")
    assert store.rejections() == {"s1": 2}

    store.review("b1", "pin", "joe")
    assert set(store.pins()) == {"shot/2"}
    store.review("b1", "accept", "ana", "lovely")
    assert store.pins()["shot/2"].approved_by == "ana"
    store.review("b1", "unpin", "joe")
    assert store.pins() == {}
    store.review("b1", "pin", "joe")
    store.review("b1", "reject", "joe")
    assert store.pins() == {}
    with pytest.raises(StoreError, match="no take"):
        store.review("nope", "accept", "joe")


def test_a_replacement_is_a_pinned_approved_human_take(store: Store) -> None:
    store.record(provenance("a1", name="shot/1", slate="s1"), b"machine frame")
    human = provenance("h1", name="shot/1", slate="s1", made_by="human")
    store.replace("a1", human, b"my own frame", "ana", "drew it myself")
    take = store.take("h1")
    assert take is not None
    assert take.provenance.made_by == "human"
    assert take.approved_by == "ana"
    assert store.pins()["shot/1"].key == "h1"
    assert store.latest_keys()["shot/1"] == "h1"
    assert store.output("h1") == b"my own frame"


def test_collect_drops_unused_takes_and_files_and_keeps_protected_ones(store: Store) -> None:
    for key in ("old", "approved", "pinned", "current"):
        store.record(provenance(key, name=f"n/{key}"), key.encode())
    store.record(provenance("newer", name="n/old"), b"newer")  # the latest of n/old from now on
    store.review("approved", "accept", "ana")
    store.review("pinned", "pin", "ana")
    orphan = store.vault.put(b"written, then the run was killed")
    # Only n/old's first take is neither kept, latest, approved nor pinned.
    report = store.collect(keep={"current"})
    assert report.takes_dropped == 1
    assert report.blobs_removed == 2
    assert report.bytes_freed == len(b"old") + len(b"written, then the run was killed")
    assert store.made(["old", "approved", "pinned", "current", "newer"]) == {"approved", "pinned", "current", "newer"}
    assert not store.vault.path(orphan).exists()
    assert store.verify() == []


def test_verify_finds_a_tampered_and_a_missing_blob(store: Store) -> None:
    a = store.record(provenance("k1"), b"one").blob
    b = store.record(provenance("k2", name="n2"), b"two").blob
    store.vault.path(a).write_bytes(b"tampered")
    store.vault.path(b).unlink()
    problems = store.verify()
    assert f"blob {a}: contents do not match its name" in problems
    assert f"blob {b}: catalogued but missing" in problems


def test_only_one_run_holds_the_project_lock(store: Store) -> None:
    with store.lock(), pytest.raises(StoreError, match="busy"), store.lock():
        pass
    with store.lock():
        pass


def test_the_lock_sweeps_temporary_files_of_killed_writers(store: Store) -> None:
    leftover = store.vault.tmp / "abc.123.tmp"
    leftover.write_bytes(b"half a frame")
    with store.lock():
        assert not leftover.exists()


def test_runs_are_recorded_and_a_run_left_running_reads_interrupted(store: Store) -> None:
    killed = store.begin_run("local", 4, None, 10)
    second = store.begin_run("ray", 2, "breakdown", 5)
    store.end_run(second, "done", ran=3, reused=2)
    newest, oldest = store.runs()
    assert (oldest.id, oldest.status) == (killed, "interrupted")
    assert (newest.status, newest.executor, newest.until_stage, newest.ran, newest.reused) == (
        "done",
        "ray",
        "breakdown",
        3,
        2,
    )
    assert newest.finished_at is not None
    assert store.runs(limit=1) == [newest]


def test_threads_may_record_into_one_store_at_once(store: Store) -> None:
    def record(worker: int) -> None:
        for i in range(25):
            store.record(provenance(f"k{worker}-{i}", name=f"n{worker}-{i}"), f"{worker}:{i}".encode())

    threads = [threading.Thread(target=record, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(store.made(f"k{w}-{i}" for w in range(8) for i in range(25))) == 200
    assert store.verify() == []


def test_a_take_is_only_catalogued_once_its_blob_is_in_the_vault(store: Store) -> None:
    unwritten = hashlib.sha256(b"never written").hexdigest()
    with pytest.raises(StoreError, match="not in the vault"):
        store.catalog_take(provenance("k1"), unwritten, 13)
    assert store.made(["k1"]) == set()
    blob = store.vault.put(b"written")
    assert store.catalog_take(provenance("k1"), blob, 7).blob == blob
    assert store.output("k1") == b"written"
