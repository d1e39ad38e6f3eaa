"""Settings for tests of the engine and the commands, not of the media: silent stand-ins, a postage-stamp picture."""

from __future__ import annotations

from pathlib import Path

from clapboard.project import CONFIG_NAME


def make_quick(root: Path) -> None:
    """Rewrite the project's ``clapboard.toml`` so a full ``make`` takes seconds: every backend the stand-in,
    except the sketch artist, on a 64x36 picture, and nothing signed."""
    config = root / CONFIG_NAME
    text = config.read_text(encoding="utf-8")
    for name in ("piper", "fluidsynth", "apertium", "pocketsphinx"):
        text = text.replace(f'"{name}"', '"stand-in"')
    text = text.replace("width = 1280", "width = 64").replace("height = 720", "height = 36")
    text = text.replace("sign = true", "sign = false")
    config.write_text(text, encoding="utf-8")
