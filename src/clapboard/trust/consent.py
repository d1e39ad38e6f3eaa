"""The consent registry: which real people agreed to which use of themselves, until when, on what evidence.

A record names a person (the id a voice's ``likeness=`` uses), the scopes
they granted (their cloned voice, their likeness, their name), who recorded
it, the signed evidence (kept by its SHA-256 beside the registry) and an
optional last day. Records are never deleted: revoking stamps the time, so the
registry can still say what held when an old take was made.

:meth:`ConsentRegistry.allows` is a :data:`clapboard.sound.voice.ConsentCheck`:
hand it to a speech backend as ``options["consents"]`` and a cloned voice
without a valid record raises :class:`~clapboard.errors.ConsentRequired`.
The registry keeps no open connection, so it pickles to other processes.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeAlias

from clapboard.errors import ClapboardError, StoreError
from clapboard.store import Vault, now

if TYPE_CHECKING:
    from clapboard.store import Take

Scope: TypeAlias = Literal["voice-clone", "likeness", "name"]
SCOPES: tuple[Scope, ...] = ("voice-clone", "likeness", "name")
#: The use each caller names and the scope it needs: ``require_consent`` asks for ``"voice"``.
USES: dict[str, Scope] = {
    "voice": "voice-clone",
    "voice-clone": "voice-clone",
    "likeness": "likeness",
    "face": "likeness",
    "name": "name",
}
#: The ids a voice's ``likeness=`` takes (clapboard.sound.voice), so a record can be named from a voice spec.
_PERSON = re.compile(r"^[A-Za-z0-9_.@\-]+$")
_LIKENESS = re.compile(r"likeness=([A-Za-z0-9_.@\-]+)")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS consents (
    id            INTEGER PRIMARY KEY,
    person        TEXT NOT NULL,
    scopes        TEXT NOT NULL,
    granted_by    TEXT NOT NULL,
    evidence      TEXT,
    evidence_name TEXT,
    granted_at    TEXT NOT NULL,
    expires       TEXT,
    revoked_at    TEXT,
    note          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS consents_by_person ON consents(person);
"""
_COLUMNS = "id, person, scopes, granted_by, evidence, evidence_name, granted_at, expires, revoked_at, note"


class ConsentError(ClapboardError):
    """A consent record that cannot be made: an unknown scope, a malformed person id, evidence missing."""


@dataclass(frozen=True)
class Consent:
    """One consent record: who, for what, recorded by whom and when, on what evidence, until when."""

    id: int
    person: str
    scopes: tuple[Scope, ...]
    granted_by: str
    evidence: str | None
    evidence_name: str | None
    granted_at: str
    expires: date | None
    revoked_at: str | None
    note: str = ""

    def grants(self, scope: Scope, at: datetime) -> bool:
        """Whether this record allowed ``scope`` at the moment ``at``: granted, not yet revoked, not expired."""
        if scope not in self.scopes or _moment(self.granted_at) > at:
            return False
        if self.revoked_at is not None and _moment(self.revoked_at) <= at:
            return False
        return self.expires is None or at.date() <= self.expires

    @property
    def status(self) -> str:
        """``active``, ``revoked`` or ``expired``, as of now."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires is not None and datetime.now(UTC).date() > self.expires:
            return "expired"
        return "active"


class ConsentRegistry:
    """The consent records of a project, in ``consents.sqlite`` in ``folder``, evidence under ``evidence/``."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / "consents.sqlite"
        self.vault = Vault(self.folder / "evidence")

    def add(
        self,
        person: str,
        scopes: Iterable[str],
        *,
        evidence: bytes | None = None,
        evidence_name: str | None = None,
        expires: date | None = None,
        granted_by: str = "",
        note: str = "",
    ) -> Consent:
        """Record ``person``'s consent to ``scopes``, with the signed evidence (stored by its SHA-256)."""
        if not _PERSON.match(person):
            raise ConsentError(f"consent: {person!r} is not a person id (letters, digits and ._@- only)")
        wanted = _scopes(scopes)
        if isinstance(expires, datetime):
            expires = expires.date()
        digest = None
        if evidence is not None:
            self.vault.create()
            digest = self.vault.put(evidence)
        with self._catalog() as db:
            cursor = db.execute(
                "INSERT INTO consents (person, scopes, granted_by, evidence, evidence_name, granted_at, expires, note)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    person,
                    ",".join(wanted),
                    granted_by,
                    digest,
                    evidence_name,
                    now(),
                    expires.isoformat() if expires else None,
                    note,
                ),
            )
            row = db.execute(f"SELECT {_COLUMNS} FROM consents WHERE id = ?", (cursor.lastrowid,)).fetchone()
        return _consent(row)

    def list(self, person: str | None = None) -> list[Consent]:
        """Every record, or ``person``'s, oldest first, revoked and expired ones included."""
        if not self.path.exists():
            return []
        with self._catalog() as db:
            if person is None:
                rows = db.execute(f"SELECT {_COLUMNS} FROM consents ORDER BY id").fetchall()
            else:
                rows = db.execute(f"SELECT {_COLUMNS} FROM consents WHERE person = ? ORDER BY id", (person,)).fetchall()
        return [_consent(row) for row in rows]

    def revoke(self, person: str, scopes: Iterable[str] | None = None) -> list[Consent]:
        """Withdraw ``person``'s consent (to ``scopes``, or to everything) from now on; returns the records it
        ended. A record that also granted other scopes is ended and re-recorded for those alone."""
        ending = set(_scopes(scopes)) if scopes is not None else set(SCOPES)
        at = now()
        ended: list[Consent] = []
        with self._catalog() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM consents WHERE person = ? AND revoked_at IS NULL ORDER BY id", (person,)
            ).fetchall()
            for record in map(_consent, rows):
                if not ending & set(record.scopes):
                    continue
                db.execute("UPDATE consents SET revoked_at = ? WHERE id = ?", (at, record.id))
                ended.append(replace(record, revoked_at=at))
                kept = [scope for scope in record.scopes if scope not in ending]
                if kept:
                    db.execute(
                        "INSERT INTO consents (person, scopes, granted_by, evidence, evidence_name, granted_at,"
                        " expires, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            person,
                            ",".join(kept),
                            record.granted_by,
                            record.evidence,
                            record.evidence_name,
                            at,
                            record.expires.isoformat() if record.expires else None,
                            record.note,
                        ),
                    )
        return ended

    def check(self, person: str, scope: str, at: datetime | None = None) -> bool:
        """Whether a record grants ``person`` the ``scope`` at ``at`` (now by default)."""
        wanted = _scopes([scope])[0]
        moment = _aware(at) if at is not None else datetime.now(UTC)
        return any(record.grants(wanted, moment) for record in self.list(person))

    def allows(self, person: str, use: str) -> bool:
        """The consent check speech and image backends call (a ``ConsentCheck``): ``use`` as they name it."""
        scope = USES.get(use)
        return scope is not None and self.check(person, scope)

    def evidence(self, record: Consent) -> bytes:
        """The evidence file a record was made on."""
        if record.evidence is None:
            raise ConsentError(f"consent {record.id} of {record.person} was recorded without evidence")
        return self.vault.read(record.evidence)

    @contextmanager
    def _catalog(self) -> Iterator[sqlite3.Connection]:
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            db = sqlite3.connect(self.path, isolation_level=None, timeout=10)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open the consent registry ({exc})") from None
        try:
            db.execute("PRAGMA journal_mode = WAL")
            db.executescript(_SCHEMA)
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable consent registry ({exc})") from None
        finally:
            db.close()


def people_in(take: Take) -> set[str]:
    """The real people a take used: every ``likeness=`` in its parameters (the voice specs it spoke in)."""
    return set(_LIKENESS.findall(take.provenance.params))


def withdrawn(takes: Iterable[Take], allows: Callable[[str, str], bool], use: str = "voice") -> list[Take]:
    """The takes that used a person whose consent no longer grants ``use`` (``allows`` is a consent check such
    as :meth:`ConsentRegistry.allows`): stale, to be made again without them."""
    return [take for take in takes if any(not allows(person, use) for person in people_in(take))]


def describe(record: Consent) -> str:
    """One line for ``clapboard consent list``."""
    parts = [f"#{record.id} {record.person}: {', '.join(record.scopes)}", record.status]
    if record.expires is not None:
        parts.append(f"until {record.expires.isoformat()}")
    if record.evidence is not None:
        parts.append(f"evidence {record.evidence_name or 'file'} sha256 {record.evidence[:12]}…")
    parts.append(f"recorded {record.granted_at[:10]}" + (f" by {record.granted_by}" if record.granted_by else ""))
    if record.revoked_at is not None:
        parts.append(f"revoked {record.revoked_at[:10]}")
    return "; ".join(parts)


def _scopes(scopes: Iterable[str]) -> list[Scope]:
    found: list[Scope] = []
    for scope in scopes:
        if scope not in SCOPES:
            raise ConsentError(f"consent scope {scope!r} is not one of {', '.join(SCOPES)}")
        if scope not in found:
            found.append(scope)  # type: ignore[arg-type]
    if not found:
        raise ConsentError(f"a consent names at least one scope: {', '.join(SCOPES)}")
    return found


def _consent(row: Sequence[object]) -> Consent:
    id_, person, scopes, granted_by, evidence, evidence_name, granted_at, expires, revoked_at, note = row
    return Consent(
        id=int(id_),  # type: ignore[arg-type]
        person=str(person),
        scopes=tuple(str(scopes).split(",")),  # type: ignore[arg-type]
        granted_by=str(granted_by),
        evidence=evidence,  # type: ignore[arg-type]
        evidence_name=evidence_name,  # type: ignore[arg-type]
        granted_at=str(granted_at),
        expires=date.fromisoformat(str(expires)) if expires else None,
        revoked_at=revoked_at,  # type: ignore[arg-type]
        note=str(note),
    )


def _moment(stamp: str) -> datetime:
    return _aware(datetime.fromisoformat(stamp))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
