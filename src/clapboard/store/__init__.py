"""The project on disk: a SQLite catalog plus content-addressed blobs.

Every output is a blob named by its SHA-256 and catalogued in the same
transaction as its provenance row; reviews, consents and the run history live in
the same catalog. See :class:`Store`.
"""

from clapboard.store.catalog import (
    Collection,
    Provenance,
    Review,
    ReviewVerdict,
    RunRecord,
    RunStatus,
    Store,
    Take,
    now,
)
from clapboard.store.schema import SCHEMA_VERSION, migrate
from clapboard.store.vault import Vault, digest

__all__ = [
    "SCHEMA_VERSION",
    "Collection",
    "Provenance",
    "Review",
    "ReviewVerdict",
    "RunRecord",
    "RunStatus",
    "Store",
    "Take",
    "Vault",
    "digest",
    "migrate",
    "now",
]
