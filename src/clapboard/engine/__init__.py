"""The creative engine: one Protocol per capability and one registry of backends.

Backends are discovered through the ``clapboard.backends`` entry-point group;
which one serves each capability is the project's configuration, never code.
"""

from clapboard.engine.capabilities import (
    CAPABILITIES,
    Aligner,
    ImageGenerator,
    MusicGenerator,
    SpeechSynthesizer,
    TextGenerator,
    Translator,
    WordTiming,
)
from clapboard.engine.registry import (
    GROUP,
    Backend,
    BackendChoice,
    find_backend,
    identify,
    installed,
    model_digest,
    open_backend,
    rescan,
)

__all__ = [
    "CAPABILITIES",
    "GROUP",
    "Aligner",
    "Backend",
    "BackendChoice",
    "ImageGenerator",
    "MusicGenerator",
    "SpeechSynthesizer",
    "TextGenerator",
    "Translator",
    "WordTiming",
    "find_backend",
    "identify",
    "installed",
    "model_digest",
    "open_backend",
    "rescan",
]
