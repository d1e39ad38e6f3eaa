"""The backend registry: backends are found through the entry-point group ``clapboard.backends``.

An entry point names a backend class. The class says, without loading any
model or heavy library, who it is (``name``, ``version``), what it can do
(``capabilities``), whether it can run here (``available()``) and how to
install what it lacks (``install_hint``). The built-in backends register the
same way, so a third-party package adds one by declaring an entry point.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any, ClassVar, Protocol

from clapboard.engine.capabilities import CAPABILITIES
from clapboard.errors import BackendUnavailable, ClapboardError
from clapboard.plan.step import BackendIdentity

GROUP = "clapboard.backends"


class Backend(Protocol):
    """What the registry asks of a backend class before it makes one."""

    name: ClassVar[str]
    version: ClassVar[str]
    capabilities: ClassVar[frozenset[str]]
    install_hint: ClassVar[str]

    @classmethod
    def available(cls) -> bool: ...

    def __init__(self, model: Path | None = None, options: dict[str, Any] | None = None) -> None: ...


@dataclass(frozen=True)
class BackendChoice:
    """The project's choice for one capability: backend name, model file and options (from clapboard.toml)."""

    capability: str
    name: str
    model: str | None = None
    options: tuple[tuple[str, Any], ...] = ()


_lock = threading.Lock()
_entry_points: dict[str, EntryPoint] | None = None
_opened: dict[str, Any] = {}
_model_hashes: dict[tuple[str, int, int], str] = {}


def installed() -> dict[str, EntryPoint]:
    """Every backend installed in this environment, by name."""
    global _entry_points
    with _lock:
        if _entry_points is None:
            _entry_points = {ep.name: ep for ep in entry_points(group=GROUP)}
        return dict(_entry_points)


def rescan() -> None:
    """Forget what was discovered and opened, so packages installed since are seen."""
    global _entry_points
    with _lock:
        _entry_points = None
        _opened.clear()


def find_backend(name: str) -> type[Backend]:
    """The backend class registered as ``name``; BackendUnavailable when none is, or it cannot load."""
    found = installed().get(name)
    if found is None:
        known = ", ".join(sorted(installed())) or "none"
        raise BackendUnavailable(
            name,
            f"no installed package registers it in the {GROUP!r} entry-point group (installed: {known}); "
            "install the package that provides it, then run again",
        )
    try:
        cls: type[Backend] = found.load()
    except ImportError as exc:
        raise BackendUnavailable(name, f"its module {found.value!r} cannot be imported ({exc})") from None
    return cls


def _usable(choice: BackendChoice) -> type[Backend]:
    if choice.capability not in CAPABILITIES:
        raise ClapboardError(f"unknown capability {choice.capability!r}; known: {', '.join(CAPABILITIES)}")
    cls = find_backend(choice.name)
    if choice.capability not in cls.capabilities:
        offers = ", ".join(sorted(cls.capabilities))
        raise BackendUnavailable(
            choice.name, f"it offers {offers}, not {choice.capability}; choose another {choice.capability} backend"
        )
    if not cls.available():
        raise BackendUnavailable(choice.name, cls.install_hint)
    if choice.model is not None and not Path(choice.model).exists():
        raise BackendUnavailable(choice.name, f"its model {choice.model} does not exist")
    return cls


def identify(choice: BackendChoice) -> BackendIdentity:
    """Who would make a step under ``choice``: name, version and model file hash, as its key needs."""
    cls = _usable(choice)
    model_hash = model_digest(Path(choice.model)) if choice.model is not None else ""
    return BackendIdentity(cls.name, cls.version, model_hash)


def open_backend(choice: BackendChoice) -> Any:
    """A ready backend for ``choice``, made once per process and shared, as models are slow to load."""
    memo = json.dumps([choice.capability, choice.name, choice.model, choice.options], sort_keys=True, default=str)
    with _lock:
        ready = _opened.get(memo)
    if ready is not None:
        return ready
    cls = _usable(choice)
    ready = cls(Path(choice.model) if choice.model else None, dict(choice.options))
    protocol = CAPABILITIES[choice.capability]
    if not isinstance(ready, protocol):
        raise ClapboardError(f"backend {choice.name!r} claims {choice.capability} but lacks {protocol.__name__}")
    with _lock:
        return _opened.setdefault(memo, ready)


def model_digest(path: Path) -> str:
    """SHA-256 of a model file, or of a model folder's files and their names (a diffusers pipeline),
    remembered per process while the file's size and modification time stay the same."""
    if path.is_dir():
        sha = hashlib.sha256()
        for item in sorted(p for p in path.rglob("*") if p.is_file()):
            sha.update(f"{item.relative_to(path).as_posix()}\0{model_digest(item)}\n".encode())
        return sha.hexdigest()
    stat = path.stat()
    memo = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    with _lock:
        known = _model_hashes.get(memo)
    if known is not None:
        return known
    sha = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            sha.update(chunk)
    with _lock:
        _model_hashes[memo] = sha.hexdigest()
    return sha.hexdigest()
