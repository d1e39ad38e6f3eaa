"""A writer's edits to the Fountain file are never overwritten by a new draft."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clapboard.screenplay import fountain
from clapboard.writers.room import deliver, keep_variant, variants_folder

if TYPE_CHECKING:
    from pathlib import Path

FIRST = """\
Title: The Last Job

INT. GETAWAY CAR - NIGHT

Rain on the windshield.

MAYA
We go at dawn.

EXT. BANK - DAY

JOE waits by the door.

JOE
She is late.
"""

# The same screenplay with both scenes written anew.
SECOND = """\
Title: The Last Job

INT. GETAWAY CAR - NIGHT

The wipers beat. MAYA checks her watch.

MAYA
Dawn. Not a minute later.

EXT. BANK - DAY

JOE paces by the door.

JOE
Where is she?
"""


def _setup(tmp_path: Path, text: str) -> Path:
    script = tmp_path / "script.fountain"
    script.write_text(text, encoding="utf-8")
    return script


def test_a_new_file_is_written_whole(tmp_path: Path) -> None:
    script = tmp_path / "script.fountain"
    kept, files = deliver(script, fountain.parse(FIRST), None, None, fresh=False)
    assert (kept, files) == ([], [])
    assert fountain.parse(script.read_text()) == fountain.parse(FIRST)


def test_scenes_the_writer_left_alone_take_the_new_draft(tmp_path: Path) -> None:
    script = _setup(tmp_path, FIRST)
    kept, files = deliver(script, fountain.parse(SECOND), fountain.parse(FIRST), None, fresh=False)
    assert (kept, files) == ([], [])
    assert fountain.parse(script.read_text()) == fountain.parse(SECOND)


def test_an_edited_scene_is_kept_as_typed_and_the_new_take_goes_beside_it(tmp_path: Path) -> None:
    edited = FIRST.replace("She is late.", "She is   late. Again.\n(checks his phone)\nTypical.")
    script = _setup(tmp_path, edited)
    kept, files = deliver(script, fountain.parse(SECOND), fountain.parse(FIRST), None, fresh=False)
    assert kept == ["2"]
    text = script.read_text()
    assert text.endswith(edited[edited.index("EXT. BANK") :])  # the writer's scene, byte for byte
    assert "The wipers beat." in text  # the untouched scene 1 took the new draft
    assert files == [variants_folder(script) / "scene-2.take2.fountain"]
    assert "Where is she?" in files[0].read_text()
    # Asking again with the same draft writes nothing new.
    again = deliver(script, fountain.parse(SECOND), fountain.parse(FIRST), None, fresh=False)
    assert again == (["2"], files)
    assert script.read_text() == text
    assert sorted(p.name for p in variants_folder(script).iterdir()) == ["scene-2.take2.fountain"]


def test_the_writer_may_say_yes_to_replacing_an_edited_scene(tmp_path: Path) -> None:
    script = _setup(tmp_path, FIRST.replace("She is late.", "Late again."))
    asked: list[str] = []

    def replace(number: str) -> bool:
        asked.append(number)
        return True

    kept, files = deliver(script, fountain.parse(SECOND), fountain.parse(FIRST), replace, fresh=False)
    assert (asked, kept, files) == (["2"], [], [])
    assert fountain.parse(script.read_text()) == fountain.parse(SECOND)


def test_an_edit_survives_a_draft_that_brings_nothing_new(tmp_path: Path) -> None:
    edited = FIRST.replace("Rain on the windshield.", "Snow on the windshield.")
    script = _setup(tmp_path, edited)
    kept, files = deliver(script, fountain.parse(FIRST), fountain.parse(FIRST), None, fresh=False)
    assert (kept, files) == (["1"], [])
    assert script.read_text() == edited


def test_without_a_record_of_the_last_draft_every_existing_scene_counts_as_the_writers(tmp_path: Path) -> None:
    script = _setup(tmp_path, FIRST)
    kept, files = deliver(script, fountain.parse(SECOND), None, None, fresh=False)
    assert kept == ["1", "2"]
    assert len(files) == 2
    assert script.read_text() == FIRST


def test_takes_are_numbered_and_never_duplicated(tmp_path: Path) -> None:
    folder = tmp_path / "script.variants"
    assert keep_variant(folder, "ending", "A\n").name == "ending.take1.fountain"
    assert keep_variant(folder, "ending", "B\n").name == "ending.take2.fountain"
    assert keep_variant(folder, "ending", "A\n").name == "ending.take1.fountain"
