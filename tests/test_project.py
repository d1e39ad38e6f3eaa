"""Project folders: creating one, and reading clapboard.toml strictly."""

from __future__ import annotations

import itertools
import tomllib
from dataclasses import fields
from pathlib import Path

import pytest

from clapboard.engine import CAPABILITIES, BackendChoice
from clapboard.errors import ScriptError
from clapboard.plan.direction import Direction
from clapboard.project import CONFIG_NAME, TEMPLATE, Project, ProjectError, Settings, new_project, read_settings
from clapboard.screenplay.formats import load

SCRIPT = """\
Title: Night Shift

INT. DINER - NIGHT

MARY
Coffee?
"""


def _settings(tmp_path: Path, text: str) -> Settings:
    path = tmp_path / CONFIG_NAME
    path.write_text(text)
    return read_settings(path)


def test_a_new_project_has_settings_a_starter_script_and_a_store(tmp_path: Path) -> None:
    project = new_project(tmp_path / "my-film")
    root = tmp_path / "my-film"
    assert project.root == root
    assert (root / CONFIG_NAME).is_file()
    assert (root / ".clapboard" / "catalog.sqlite").is_file()
    assert project.script_path == root / "script.fountain"
    starter = load(project.script_path)
    assert starter.title == "my-film"
    assert len(starter.scenes) == 1
    assert project.settings == Settings()


def test_a_new_project_from_a_script_copies_it_untouched(tmp_path: Path) -> None:
    source = tmp_path / "pilot.fountain"
    source.write_text(SCRIPT)
    project = new_project(tmp_path / "film", source, title="The Pilot")
    assert project.script_path == tmp_path / "film" / "pilot.fountain"
    assert project.script_path.read_text() == SCRIPT
    assert project.settings.title == "The Pilot"
    assert project.settings.script == "pilot.fountain"


def test_a_project_cannot_be_created_twice_or_from_a_broken_script(tmp_path: Path) -> None:
    new_project(tmp_path / "film")
    with pytest.raises(ProjectError, match="already a Clapboard project"):
        new_project(tmp_path / "film")
    empty = tmp_path / "empty.fountain"
    empty.write_text("")
    with pytest.raises(ScriptError, match="empty"):
        new_project(tmp_path / "other", empty)
    assert not (tmp_path / "other").exists()


def test_the_template_documents_every_setting_with_its_default() -> None:
    doc = tomllib.loads(TEMPLATE.format(title='""', script='"script.fountain"'))
    documented = {f"{table}.{key}" for table, keys in doc.items() for key in keys}
    names = {f.name for f in fields(Settings)} - {"backends", "direction", "sign", "certificate", "key"}
    sections = {"title": "project", "script": "project", "out": "project"}
    # [cast] is shown commented out, as it has no default
    # Consent comes from the registry; preferences, approvers and human-made parts from the store's reviews.
    from_store = {"consented", "preferences", "approvers", "human_made"}
    trust = {"watermark", "disclosure_card", "credits_card"}
    direction = {f.name for f in fields(Direction)} - {"cast"} - from_store
    audits = {n for n in direction if n.startswith("audit_")}
    tables = {"loudness": "sound", "true_peak": "sound", "languages": "release", "glossary": "release"}
    assert documented == (
        {f"{sections.get(n, 'run')}.{n}" for n in names}
        | {f"backends.{c}" for c in CAPABILITIES}
        | {f"{tables.get(n, 'picture')}.{n}" for n in direction - audits - trust}
        | {f"audit.{n.removeprefix('audit_')}" for n in audits}
        | {"trust.sign", "trust.certificate", "trust.key"}
        | {f"trust.{n}" for n in trust}
    )
    lines = TEMPLATE.splitlines()
    for above, line in itertools.pairwise(lines):
        key = line.partition("=")[0].strip()
        if "=" in line and not line.startswith("#") and key not in CAPABILITIES:
            assert above.startswith("#"), f"{key} has no comment above it"


def test_the_written_settings_read_back_as_the_defaults(tmp_path: Path) -> None:
    assert new_project(tmp_path / "film").settings == Settings()


def test_a_project_is_found_from_a_folder_inside_it(tmp_path: Path) -> None:
    new_project(tmp_path / "film")
    inside = tmp_path / "film" / "out" / "stills"
    inside.mkdir(parents=True)
    assert Project.open(inside).root == tmp_path / "film"
    with pytest.raises(ProjectError, match="not inside a Clapboard project"):
        Project.open(tmp_path)


def test_backends_take_a_name_or_a_table_with_a_model_file(tmp_path: Path) -> None:
    settings = _settings(
        tmp_path,
        '[backends]\nspeech = "piper"\ntext = { name = "llama-cpp", model = "models/tiny.gguf", '
        "options = { context = 4096 } }\n",
    )
    assert settings.backends["speech"] == BackendChoice("speech", "piper")
    assert settings.backends["text"] == BackendChoice(
        "text", "llama-cpp", str(tmp_path / "models" / "tiny.gguf"), (("context", 4096),)
    )
    assert settings.backends["image"] == BackendChoice("image", "sketch")


def test_run_settings_are_read(tmp_path: Path) -> None:
    settings = _settings(tmp_path, '[run]\nexecutor = "ray"\njobs = 6\nray_address = "ray://head:10001"\n')
    assert (settings.executor, settings.jobs, settings.ray_address) == ("ray", 6, "ray://head:10001")


def test_the_audit_rules_are_read(tmp_path: Path) -> None:
    text = "[audit]\nvoice_sex = false\nmin_share = 0.3\nmin_described_share = 0.25\nappearance_gap = 2\n"
    direction = _settings(tmp_path, text).direction
    assert (direction.audit_voice_sex, direction.audit_min_share) == (False, 0.3)
    assert (direction.audit_min_described_share, direction.audit_appearance_gap) == (0.25, 2.0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[audit]\nmin_described_share = 1.5\n", "audit.min_described_share must be a number from 0 to 1, not 1.5"),
        ('[audit]\nmin_described_share = "half"\n', "audit.min_described_share must be a number"),
        ("[audit]\nappearance_gap = 0.5\n", r"audit.appearance_gap must be 0 \(off\) or a ratio of 1 or more"),
        ("[audit]\nappearance_gap = true\n", "audit.appearance_gap must be a number from 0 to 100"),
        ("[audit]\nappearance = 2\n", "audit.appearance is not a setting"),
    ],
)
def test_a_wrong_audit_rule_is_one_line_naming_the_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ProjectError, match=message) as caught:
        _settings(tmp_path, text)
    assert "\n" not in str(caught.value)
    assert str(caught.value).startswith(str(tmp_path / CONFIG_NAME))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[run]\njobz = 2\n", "run.jobz is not a setting"),
        ("[render]\n", "render is not a setting"),
        ("[run]\njobs = -1\n", "run.jobs must be a whole number"),
        ("[run]\njobs = true\n", "run.jobs must be a whole number"),
        ('[run]\nexecutor = "slurm"\n', "run.executor must be one of 'local', 'ray'"),
        ("[project]\ntitle = 3\n", "project.title must be a string"),
        ('[project]\nscript = ""\n', "project.script must name the screenplay file"),
        ("run = 3\n", "run must be a table"),
        ('[backends]\nvideo = "x"\n', "backends.video is not a setting"),
        ("[backends]\ntext = 3\n", "backends.text must be a backend name"),
        ("[backends]\ntext = { model = 'm.gguf' }\n", "backends.text.name must name a backend"),
        ("[backends]\ntext = { name = 'x', size = 3 }\n", "backends.text.size is not a setting"),
        ("[project\n", "not valid TOML"),
    ],
)
def test_a_wrong_setting_names_the_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ProjectError, match=message) as caught:
        _settings(tmp_path, text)
    assert str(tmp_path / CONFIG_NAME) in str(caught.value)
