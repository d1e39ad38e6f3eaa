"""From drafted paragraphs to a screenplay of the asked length: pure functions, no model.

The screenplay is built as model objects (headings, action, dialogue under the
cast's names) and written by the Fountain writer, so it always parses back to
what was built. Length is measured the way the PDF prints it
(:func:`~clapboard.screenplay.pagination.paginate`): a draft that runs long is
cut a paragraph at a time from the scene that overruns its share the most; one
that runs short is the writers' room's to extend (see :mod:`clapboard.writers.room`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from clapboard.screenplay.fountain import parse_heading
from clapboard.screenplay.model import (
    Action,
    Character,
    Dialogue,
    Element,
    Line,
    Screenplay,
    TitleField,
    TitlePage,
)
from clapboard.screenplay.pagination import paginate
from clapboard.writers.documents import ACTION, clean

if TYPE_CHECKING:
    from collections.abc import Sequence

#: How far the page count may stray from the one asked for.
TOLERANCE = 0.2
#: Lines a page of screenplay holds; with the average paragraph's lines, this turns eighths into paragraphs.
LINES_PER_PAGE = 55
#: Printed lines an average drafted paragraph takes, its blank line included.
LINES_PER_BLOCK = 4.5


@dataclass(frozen=True)
class DraftScene:
    """A scene as drafted: its heading, its paragraphs as ``(who, text)`` pairs, and its share of the pages."""

    heading: str
    blocks: tuple[tuple[str, str], ...]
    eighths: int


def page_window(pages: int) -> tuple[int, int]:
    """The fewest and most pages a script asked to run ``pages`` may have (20% either way, whole pages)."""
    if pages < 1:
        raise ValueError(f"a screenplay runs at least one page, not {pages}")
    fewest = math.ceil(pages * (1 - TOLERANCE) - 1e-9)
    most = math.floor(pages * (1 + TOLERANCE) + 1e-9)
    return fewest, most


def target_eighths(pages: int) -> int:
    """The eighths of page the scenes aim to fill: just short of the last page, so the count lands on ``pages``."""
    return max(pages * 8 - 3, 4)


def scene_count(pages: int) -> int:
    """How many scenes a script of ``pages`` gets: about one and a half pages each, at least two."""
    return max(2, round(pages / 1.5))


def share(total: int, weights: Sequence[int], least: int = 1) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainders), each part at least ``least``."""
    count = len(weights)
    if not count:
        return []
    floor = min(least, total // count)
    spare = total - floor * count
    positive = [max(w, 0) for w in weights]
    if not any(positive):
        positive = [1] * count
    exact = [spare * w / sum(positive) for w in positive]
    parts = [math.floor(x) for x in exact]
    largest_remainders = sorted(range(count), key=lambda i: (parts[i] - exact[i], i))
    for i in largest_remainders[: spare - sum(parts)]:
        parts[i] += 1
    return [floor + part for part in parts]


def blocks_for(eighths: int) -> tuple[int, int]:
    """The fewest and most paragraphs to ask for to fill ``eighths`` of a page."""
    expected = eighths * LINES_PER_PAGE / 8 / LINES_PER_BLOCK
    return max(1, round(expected * 0.85)), max(2, round(expected * 1.25) + 1)


def scene_elements(heading: str, blocks: Sequence[tuple[str, str]]) -> list[Element]:
    """The model elements of a drafted scene: its heading, then action or a speech per paragraph."""
    elements: list[Element] = [parse_heading(heading)]
    for who, text in blocks:
        words = clean(text)
        if not words:
            continue
        if who == ACTION:
            elements.append(Action(words))
        else:
            elements.append(Dialogue(Character(who), (Line(words),)))
    return elements


def title_page(title: str) -> TitlePage:
    """The title page of a drafted screenplay."""
    return TitlePage(
        (
            TitleField("Title", (clean(title) or "Untitled",)),
            TitleField("Credit", ("Written by",)),
            TitleField("Author", ("Clapboard",)),
        )
    )


def assemble(title: str, scenes: Sequence[DraftScene]) -> Screenplay:
    """The screenplay of ``scenes`` in order, under a title page."""
    elements: list[Element] = []
    for scene in scenes:
        elements.extend(scene_elements(scene.heading, scene.blocks))
    return Screenplay(title_page(title), tuple(elements))


def fit(title: str, scenes: Sequence[DraftScene], pages: int) -> tuple[Screenplay, int]:
    """The screenplay cut to at most the window's pages for ``pages``, and its page count.

    Cuts last paragraphs from the scenes that run furthest over their share of
    the pages, never a scene's only paragraph. Pagination is the slow part, so
    each pass cuts what the overrun measures, a little less, then measures again.
    """
    most = page_window(pages)[1]
    drafts = list(scenes)
    script = assemble(title, drafts)
    layout = paginate(script)
    while layout.page_count > most:
        lengths = [float(length.eighths) for length in layout.scenes]
        per_block = sum(lengths) / max(sum(len(d.blocks) for d in drafts), 1)
        # Aim two eighths inside the last page allowed; cut 80% of the estimate, as pages break unevenly.
        overrun = sum(lengths) - (most * 8 - 2)
        if not _cut(drafts, lengths, per_block, max(1, math.floor(overrun / per_block * 0.8)), most * 8):
            break  # every scene is down to one paragraph: nothing left to cut
        script = assemble(title, drafts)
        layout = paginate(script)
    return script, layout.page_count


def _cut(drafts: list[DraftScene], lengths: list[float], per_block: float, cuts: int, budget: int) -> int:
    """Drop up to ``cuts`` last paragraphs, each from the scene furthest over its share of ``budget``."""
    planned = sum(d.eighths for d in drafts) or 1
    done = 0
    for _ in range(cuts):
        over = [
            (lengths[i] - draft.eighths * budget / planned, -i)
            for i, draft in enumerate(drafts)
            if len(draft.blocks) > 1
        ]
        if not over:
            break
        index = -max(over)[1]
        drafts[index] = replace(drafts[index], blocks=drafts[index].blocks[:-1])
        lengths[index] -= per_block
        done += 1
    return done
