"""A take's provenance as the panel shows it: who or what made it, from what, and its chain to the film."""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from clapboard.store import RunRecord, Store, Take

#: The step whose take is the film: the end of every chain.
FILM = "film"


@dataclass(frozen=True)
class Link:
    """A take another one reads or is read by: its step name and key."""

    name: str
    key: str


@dataclass(frozen=True)
class Entry:
    """Everything the provenance panel says about one take."""

    take: Take
    params: str
    inputs: tuple[Link, ...]
    used_by: tuple[Link, ...]
    chain: tuple[Link, ...]
    run: RunRecord | None
    latest: bool


def entry(store: Store, key: str) -> Entry | None:
    """The provenance panel of the take stored under ``key``; None when the store has no such take."""
    take = store.take(key)
    if take is None:
        return None
    latest = store.latest()
    users: dict[str, list[Take]] = {}
    for made in latest.values():
        for source in made.provenance.inputs:
            users.setdefault(source, []).append(made)
    inputs = []
    for source in take.provenance.inputs:
        found = store.take(source)
        inputs.append(Link(found.name if found is not None else "(no longer stored)", source))
    used_by = tuple(Link(t.name, t.key) for t in sorted(users.get(key, []), key=lambda t: t.name))
    run = next((r for r in store.runs() if r.id == take.provenance.run_id), None)
    try:
        params = json.dumps(json.loads(take.provenance.params), indent=2, ensure_ascii=False)
    except ValueError:
        params = take.provenance.params
    return Entry(
        take=take,
        params=params,
        inputs=tuple(inputs),
        used_by=used_by,
        chain=_chain(take, users),
        run=run,
        latest=latest.get(take.name) is not None and latest[take.name].key == key,
    )


def _chain(take: Take, users: dict[str, list[Take]]) -> tuple[Link, ...]:
    """The shortest path of latest takes from ``take`` to the film; empty when the film does not read it."""
    came_from: dict[str, Take | None] = {take.key: None}
    queue = deque([take])
    while queue:
        here = queue.popleft()
        if here.name == FILM:
            path = []
            step: Take | None = here
            while step is not None:
                path.append(Link(step.name, step.key))
                step = came_from[step.key]
            return tuple(reversed(path))
        for later in users.get(here.key, []):
            if later.key not in came_from:
                came_from[later.key] = here
                queue.append(later)
    return ()
