"""Sealing ``out/``: every exported file signed with Content Credentials, and ``credits.md`` beside them.

Signing changes a file's bytes, so the export cannot tell a signed copy from a
stale one by comparing it with the take. :class:`SealedIndex` remembers, per
file, which take it was exported from and the signed file's hash: a file still
matching both is left alone, and anything else is exported and signed again.
The film is signed last, with the frames and the mix it was made from as its
ingredients, so its chain reaches back to every frame's backend and seed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from clapboard.screenplay.formats import write_atomic
from clapboard.trust.credentials import (
    Ingredient,
    ManifestSpec,
    Origin,
    Signatory,
    embeds,
    ensure_dev_certificate,
    load_signatory,
    sidecar_path,
    sign_output,
)
from clapboard.trust.credits import credits_markdown

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from clapboard.store import Take

#: Outputs assembled from others: signed last, their parts as ingredients.
ASSEMBLED = {"film.mp4", "film.mkv"}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class SealedIndex:
    """Which take each signed file in ``out/`` came from, and the signed file's SHA-256."""

    path: Path
    entries: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> SealedIndex:
        try:
            return cls(path, json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return cls(path)

    def current(self, name: str, key: str, target: Path) -> bool:
        """Whether ``target`` is the signed export of take ``key`` and unchanged since."""
        entry = self.entries.get(name)
        return entry is not None and entry[0] == key and target.is_file() and _sha(target) == entry[1]

    def note(self, name: str, key: str, target: Path) -> None:
        self.entries[name] = [key, _sha(target)]

    def save(self) -> None:
        write_atomic(self.path, json.dumps(self.entries, sort_keys=True, indent=1).encode())


def signatory(folder: Path, title: str, certificate: str = "", key: str = "") -> Signatory:
    """The project's signer: its own certificate when ``clapboard.toml`` names one, else a development one."""
    if certificate and key:
        return load_signatory(certificate, key)
    return ensure_dev_certificate(folder, title or "Clapboard project")


def seal(
    out: Path, exported: Mapping[Path, Take], signer: Signatory, index: SealedIndex, *, title: str = ""
) -> list[Path]:
    """Sign each of ``exported`` (a file in ``out`` and the take it holds), assembled outputs last; returns the
    files that now hold a manifest (the file itself, or its ``.c2pa`` sidecar)."""
    signed: list[Path] = []
    parts = sorted((p for p in exported if p.name not in ASSEMBLED), key=lambda p: p.as_posix())
    for path in [*parts, *(p for p in exported if p.name in ASSEMBLED)]:
        take = exported[path]
        name = path.relative_to(out).as_posix()
        if path.name in ASSEMBLED:
            spec = ManifestSpec.composite(name, _ingredients(out), Origin.from_take(take), replaced=_replaced(exported))
        else:
            spec = ManifestSpec.for_take(name, take)
        signed.append(sign_output(path, spec, signer))
        index.note(name, take.key, path)
    index.save()
    return signed


def _ingredients(out: Path) -> list[Ingredient]:
    """What the film is made of, as signed files in ``out``: every frame and the mix."""
    found = sorted((out / "frames").glob("*/*.png")) + [p for p in [out / "stems" / "mix.wav"] if p.is_file()]
    return [Ingredient.file(p) for p in found if embeds(p)]


def _replaced(exported: Mapping[Path, Take]) -> list[str]:
    return sorted({t.provenance.name for t in exported.values() if t.provenance.made_by == "human"})


def write_credits(out: Path, takes: Iterable[Take], signer: Signatory, *, title: str = "") -> list[Path]:
    """``credits.md``: who and what made the film, per department, with a signed sidecar."""
    target = out / "credits.md"
    text = credits_markdown(list(takes), title=title).encode()
    if target.is_file() and target.read_bytes() == text and sidecar_path(target).is_file():
        return []
    write_atomic(target, text)
    return [target, sign_output(target, ManifestSpec.composite("credits.md", []), signer)]
