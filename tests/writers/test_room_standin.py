"""The writers' room with the stand-in text backend: no model, so every page count and every path runs fast.

The stand-in answers a schema with the least document it allows (the fewest,
shortest paragraphs), the stingiest writer there is: the length controller
must still bring every draft within 20% of the pages asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from clapboard.engine.registry import BackendChoice
from clapboard.project import new_project
from clapboard.run.scheduler import StepFailed
from clapboard.screenplay import fountain
from clapboard.screenplay.pagination import paginate
from clapboard.store import Store
from clapboard.writers import Variants, variants_folder, write
from clapboard.writers.assembly import page_window

if TYPE_CHECKING:
    from pathlib import Path

STAND_IN = BackendChoice("text", "stand-in")
LOGLINE = "A retired safecracker is pulled back for one last job to save her brother."


@pytest.mark.parametrize("pages", [1, 3, 8, 30])
def test_every_length_lands_within_twenty_percent(tmp_path: Path, pages: int) -> None:
    script = tmp_path / "script.fountain"
    draft = write(LOGLINE, script, pages=pages, text=STAND_IN)
    fewest, most = page_window(pages)
    assert fewest <= paginate(fountain.parse(script.read_text(encoding="utf-8"))).page_count == draft.pages <= most
    assert draft.backend.startswith("stand-in")


def test_a_short_draft_gets_more_written_in_steps_of_its_own(tmp_path: Path) -> None:
    script = tmp_path / "script.fountain"
    draft = write(LOGLINE, script, pages=3, text=STAND_IN)
    assert draft.rounds > 1
    with Store.open(variants_folder(script) / ".clapboard") as store:
        names = set(store.latest())
    assert any(name.startswith("writers/scene/") and "/more/" in name for name in names)
    assert {"writers/premise", "writers/cast", "writers/beats", "writers/outline/1", "writers/screenplay"} <= names


def test_a_second_run_reuses_every_step_and_keeps_the_writers_edit(tmp_path: Path) -> None:
    script = tmp_path / "script.fountain"
    write(LOGLINE, script, pages=3, text=STAND_IN)
    text = script.read_text(encoding="utf-8")
    heading = fountain.parse(text).scenes[0].heading.text
    edited = text.replace(heading, f"{heading}\n\nMAYA lights a cigarette in the dark.", 1)
    script.write_text(edited, encoding="utf-8")

    again = write(LOGLINE, script, pages=3, text=STAND_IN)
    assert again.made == 0
    assert again.kept == ("1",)
    assert again.variants == ()  # the draft brought nothing new, so there is no new take to offer
    assert script.read_text(encoding="utf-8") == edited

    longer = write(LOGLINE, script, pages=5, text=STAND_IN)
    assert longer.kept == ("1",)
    assert "MAYA lights a cigarette in the dark." in script.read_text(encoding="utf-8")
    assert longer.variants == (variants_folder(script) / "scene-1.take2.fountain",)


def test_alternatives_are_written_beside_the_script(tmp_path: Path) -> None:
    script = tmp_path / "script.fountain"
    draft = write(LOGLINE, script, pages=2, text=STAND_IN, variants=Variants(after_beat=2, takes=2, endings=1))
    # The stand-in's two takes are the same document, and identical takes are kept once.
    assert sorted(path.name for path in draft.variants) == ["beats-after-2.take1.fountain", "ending.take1.fountain"]
    beats = fountain.parse((variants_folder(script) / "beats-after-2.take1.fountain").read_text(encoding="utf-8"))
    assert beats.title == draft.title
    ending = fountain.parse((variants_folder(script) / "ending.take1.fountain").read_text(encoding="utf-8"))
    assert len(ending.scenes) == 1


def test_a_scene_without_dialogue_cannot_be_punched_up(tmp_path: Path) -> None:
    script = tmp_path / "script.fountain"
    with pytest.raises(StepFailed, match="scene 1 has no dialogue to punch up"):
        write(LOGLINE, script, pages=1, text=STAND_IN, variants=Variants(punch_up=("1",), takes=1))
    with pytest.raises(Exception, match="no scene 9 to punch up"):
        write(LOGLINE, script, pages=1, text=STAND_IN, variants=Variants(punch_up=("9",), takes=1))


def test_inside_a_project_the_room_uses_the_project_store(tmp_path: Path) -> None:
    project = new_project(tmp_path / "film")
    draft = write(LOGLINE, project.script_path, pages=2, text=STAND_IN)
    assert draft.script == project.script_path
    with Store.open(project.store_path) as store:
        assert "writers/screenplay" in store.latest()
    assert not (variants_folder(project.script_path) / ".clapboard").exists()
