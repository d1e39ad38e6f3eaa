"""Reviews steer the next run: a voice rejected twice is recast, a rejected scene is reframed, a reset forgets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clapboard.project import Project, new_project
from clapboard.run import dry_run, make, plan_project, preferences, reset_preferences, review
from clapboard.store import Store
from tests.quick import make_quick

SCRIPT = """\
Title: Night Shift

INT. DINER - NIGHT

Rain on the windows. MARY wipes the counter.

MARY
Coffee?

JOE
Black.

MARY
Like the night.

JOE
Like the night.

EXT. PARKING LOT - NIGHT

JOE
Is it always this quiet?

MARY
Then we close.
"""


@pytest.fixture
def project(tmp_path: Path) -> Project:
    source = tmp_path / "night-shift.fountain"
    source.write_text(SCRIPT)
    made = new_project(tmp_path / "film", source)
    make_quick(made.root)
    project = Project.open(made.root)
    make(project)
    return project


def _speeches(project: Project, character: str) -> dict[str, str]:
    with project.open_store() as store:
        plan = plan_project(project, store)
    return {s.name: s.key for s in plan if s.kind == "speech" and s.params["character"] == character}


def _voice(project: Project, character: str) -> str:
    with project.open_store() as store:
        plan = plan_project(project, store)
    step = next(s for s in plan if s.kind == "speech" and s.params["character"] == character)
    return step.params["readings"][0][1].split()[0]


@pytest.mark.slow
def test_two_rejected_lines_recast_the_character_and_a_reset_casts_them_back(project: Project) -> None:
    joe_before, mary_before = _speeches(project, "JOE"), _speeches(project, "MARY")
    voice = _voice(project, "JOE")
    first, second = sorted(joe_before)[:2]
    review(project, first, "reject", "ana", "too flat")
    assert preferences(project).avoid == ()  # one bad reading may be the line's fault
    review(project, second, "reject", "ana")
    learned = preferences(project)
    assert learned.avoid == (("JOE", voice),)
    assert any("JOE is recast away from" in f for f in learned.findings)

    report = make(project)
    assert report.status == "done"
    assert _voice(project, "JOE") != voice
    assert _speeches(project, "MARY") == mary_before  # nobody else is recast
    assert not set(_speeches(project, "JOE").values()) & set(joe_before.values())
    casting = (project.root / "out" / "casting.md").read_text()
    assert _voice(project, "JOE") in casting

    assert reset_preferences(project, "ana") == 2
    assert preferences(project).empty
    # Forgetting the lesson brings back the first casting, whose takes are still in the store.
    assert _voice(project, "JOE") == voice
    stale = {v.step.name for v in dry_run(project) if v.action == "run"}
    assert not {n for n in stale if "/speech/" in n and n not in (first, second)}


@pytest.mark.slow
def test_frames_votes_read_the_coverage_and_a_rejected_scene_is_open_to_taste(project: Project) -> None:
    review(project, "scene/1/frames", "accept", "ana")
    review(project, "scene/2/frames", "reject", "ana", "too wide")
    learned = preferences(project)
    assert learned.scenes == {"scene/2"}
    with Store.open(project.root / ".clapboard") as store:
        latest = store.latest()
        coverage = {
            name: [s["size"] for s in json.loads(store.output(latest[f"{name}/shots"].key))["shots"]]
            for name in ("scene/1", "scene/2")
        }
    # The finding names each side's mean coverage size, so people can see why it leans or not.
    (framing,) = [f for f in learned.findings if f.startswith("framing")]
    assert "1 accepted, 1 rejected" in framing
    assert coverage["scene/1"] and coverage["scene/2"]
    # The note stays with the verdict.
    with Store.open(project.root / ".clapboard") as store:
        notes = [r.note for r in store.reviews() if r.name == "scene/2/frames"]
    assert notes == ["too wide"]
