"""The trust commands: verify a signed file, and record, list and revoke consent."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from clapboard.cli import app
from clapboard.errors import ConsentRequired
from clapboard.project import new_project
from clapboard.sound.voice import Voice, require_consent
from clapboard.trust.consent import ConsentRegistry
from clapboard.trust.credentials import ManifestSpec, Origin, ensure_dev_certificate, sign_file
from tests.quick import make_quick


def cli(*args: object) -> object:
    return CliRunner().invoke(app, [str(a) for a in args])


def test_verify_reads_the_chain_and_fails_a_tampered_file(tmp_path: Path) -> None:
    project = new_project(tmp_path / "film")
    still = project.out_path / "still.png"
    still.parent.mkdir(parents=True)
    Image.new("RGB", (64, 36), "steelblue").save(still)
    signer = ensure_dev_certificate(project.store_path / "trust", "film")
    origin = Origin("scene/1/frames", "scene-frames", backend="sketch", backend_version="1", seed=7)
    sign_file(still, ManifestSpec.generated("still.png", origin), signer)
    good = cli("verify", still)
    assert good.exit_code == 0, good.output
    assert "sketch" in good.output
    data = bytearray(still.read_bytes())
    data[-40] ^= 0xFF  # inside the image data, past the manifest
    still.write_bytes(bytes(data))
    assert cli("verify", still).exit_code == 1


def test_consent_is_recorded_listed_and_revoked(tmp_path: Path) -> None:
    project = new_project(tmp_path / "film")
    release = tmp_path / "release.pdf"
    release.write_bytes(b"%PDF-1.4 signed release")
    added = cli("consent", "add", "ada", "--scope", "voice-clone", "--evidence", release, "--project", project.root)
    assert added.exit_code == 0, added.output
    registry = ConsentRegistry(project.store_path)
    voice = Voice("openai-speech", "alloy", likeness="ada")
    require_consent(voice, registry.allows)
    assert "ada" in cli("consent", "list", "--project", project.root).output
    assert cli("consent", "revoke", "ada", "--project", project.root).exit_code == 0
    with pytest.raises(ConsentRequired):
        require_consent(voice, ConsentRegistry(project.store_path).allows)


def test_explain_tells_what_made_an_asset_and_what_uses_it(tmp_path: Path) -> None:
    source = tmp_path / "diner.fountain"
    source.write_text("INT. DINER - NIGHT\n\nMARY wipes the counter.\n\nMARY\nCoffee?\n", encoding="utf-8")
    project = new_project(tmp_path / "film", source)
    make_quick(project.root)
    assert cli("make", project.root).exit_code == 0
    shot = cli("explain", "1A", "--project", project.root)
    assert shot.exit_code == 0, shot.output
    assert "scene/1/frames" in shot.output and "sketch 1" in shot.output
    assert "inputs:      scene/1/shots" in shot.output
    assert "film" in shot.output.split("used by:")[1]
    line = cli("explain", "scene/1/speech/1", "--project", project.root)
    assert "stand-in" in line.output and "Coffee?" in line.output
    assert "error" in cli("explain", "nothing/here", "--project", project.root).output
