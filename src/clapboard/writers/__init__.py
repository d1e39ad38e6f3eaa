"""The writers' room: a logline becomes a Fountain screenplay through cached, reviewable steps.

``write("LOGLINE", "script.fountain", pages=5)`` runs logline → premise →
cast → beat sheet → outline → scenes → screenplay through the text backend,
and never overwrites a scene the writer has edited. Importing this package
registers its step kinds.
"""

from clapboard.writers import steps
from clapboard.writers.room import (
    DEFAULT_TEXT,
    Brief,
    Draft,
    Variants,
    default_text,
    new_from_logline,
    variants_folder,
    write,
)
from clapboard.writers.steps import WritersError

__all__ = [
    "DEFAULT_TEXT",
    "Brief",
    "Draft",
    "Variants",
    "WritersError",
    "default_text",
    "new_from_logline",
    "steps",
    "variants_folder",
    "write",
]
