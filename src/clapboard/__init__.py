"""Clapboard: AI-assisted film production with the filmmaker in charge.

The public API. ``clapboard.load("script.fountain")`` reads a screenplay in any
supported format; everything else hangs off the :class:`Screenplay` it returns.
"""

from importlib.metadata import PackageNotFoundError, version

from clapboard.errors import BackendUnavailable, ClapboardError, ConsentRequired, FormatError, ScriptError, StoreError
from clapboard.screenplay import Screenplay
from clapboard.screenplay.formats import dumps, load, save

try:
    __version__ = version("clapboard")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = [
    "BackendUnavailable",
    "ClapboardError",
    "ConsentRequired",
    "FormatError",
    "Screenplay",
    "ScriptError",
    "StoreError",
    "__version__",
    "dumps",
    "load",
    "save",
]
