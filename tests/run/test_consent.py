"""Consent in a run: a cloned voice is used while consent holds; revoking it recasts and re-records the lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from clapboard.errors import ConsentRequired
from clapboard.project import Project, new_project
from clapboard.run import make, status
from clapboard.sound.voice import Voice
from clapboard.trust.consent import ConsentRegistry
from tests.quick import make_quick

SCRIPT = """\
INT. KITCHEN - NIGHT

WALTER, an old man, waits by the stove. RUTH (60s) pours tea.

WALTER
Then we talk.

RUTH
Not here.
"""


@pytest.fixture
def project(tmp_path: Path) -> Project:
    source = tmp_path / "kitchen.fountain"
    source.write_text(SCRIPT, encoding="utf-8")
    made = new_project(tmp_path / "film", source)
    make_quick(made.root)
    config = made.config_path.read_text(encoding="utf-8").replace('speech = "stand-in"', 'speech = "espeak-ng"')
    config = config.replace("# [cast]", '[cast]\nWALTER = "espeak-ng:en-us+m3 likeness=walter-actor"\n# cast')
    made.config_path.write_text(config, encoding="utf-8")
    return Project.open(made.root)


def _walter(project: Project) -> str:
    with project.open_store() as store:
        return store.latest()["scene/1/speech/1"].provenance.params


def test_revoking_consent_recasts_the_voice_and_remakes_only_its_lines(project: Project) -> None:
    registry = ConsentRegistry(project.store_path)
    registry.add("walter-actor", ["voice-clone"], evidence=b"signed release", granted_by="producer")
    make(project, jobs=2)
    assert "likeness=walter-actor" in _walter(project)

    registry.revoke("walter-actor")
    stale = {v.step.name for v in status(project).stale}
    assert {"casting", "scene/1/speech/1"} <= stale
    assert not {n for n in stale if n.startswith("scene/1/") and "/speech/" not in n} - {
        "scene/1/timing",
        "scene/1/cue",
        "scene/1/reel",
    }, "only the sound and what is timed by it move; the script, breakdown and frames stay"
    make(project, jobs=2)
    assert "likeness" not in _walter(project)
    casting = (project.out_path / "casting.md").read_text(encoding="utf-8")
    assert "WALTER (walter-actor)" in casting


def test_an_engine_asked_to_clone_without_consent_refuses() -> None:
    from clapboard.engine.registry import BackendChoice, open_backend

    espeak = open_backend(BackendChoice("speech", "espeak-ng", options=(("consents", lambda person, use: False),)))
    with pytest.raises(ConsentRequired):
        espeak.speak("Then we talk.", voice=Voice("espeak-ng", "en-us+m3", likeness="walter-actor").spec(), seed=1)
