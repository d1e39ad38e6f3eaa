"""The sound stages as planned: voices cast into each speech's step, pinned voices kept, shots timed to lines."""

from __future__ import annotations

from clapboard.plan import BackendIdentity, build_plan
from clapboard.plan.direction import Direction
from clapboard.plan.shots import Covered, SceneShots
from clapboard.plan.soundtrack import EMPTY_SHOT, LEAD, TAIL, time_scene
from clapboard.screenplay import fountain
from clapboard.sound.voice import Voice
from tests.plan.test_shots import _cover  # the real heuristic coverage of a script

SCRIPT = """\
INT. KITCHEN - NIGHT

RUTH (60s) pours tea. WALTER, an old man, waits.

RUTH
(whispering)
He's asleep.

WALTER
Then we talk.

RUTH
Not here.
"""


def _identity(capability: str, name: str | None = None) -> BackendIdentity:
    return BackendIdentity(name or "stand-in", "1")


def test_each_speech_is_a_step_with_its_voice_and_delivery() -> None:
    plan = build_plan(fountain.parse(SCRIPT), backends=_identity)
    speeches = {s.name: s for s in plan if s.kind == "speech"}
    assert sorted(speeches) == ["scene/1/speech/1", "scene/1/speech/2", "scene/1/speech/3"]
    ruth = speeches["scene/1/speech/1"].params
    assert ruth["character"] == "RUTH"
    assert ruth["readings"][0][0] == "He's asleep."
    assert "style=whisper" in ruth["readings"][0][1]
    voices = {s.params["readings"][0][1].split()[0] for s in speeches.values()}
    assert len(voices) == 2, "two characters, two voices"


def test_a_voice_pinned_in_the_cast_table_is_used_and_marked() -> None:
    pinned = Voice("stand-in", "voice9", 0.9, 3.0)
    direction = Direction(cast={"WALTER": pinned})
    plan = build_plan(fountain.parse(SCRIPT), backends=_identity, direction=direction)
    walter = plan.by_name["scene/1/speech/2"].params["readings"][0][1]
    assert walter == pinned.spec()
    assert "stand-in:voice9 (pinned)" in plan.by_name["casting"].params["table"]


def test_editing_a_line_changes_only_its_own_speech_step() -> None:
    before = build_plan(fountain.parse(SCRIPT), backends=_identity)
    after = build_plan(fountain.parse(SCRIPT.replace("Then we talk.", "Then we talk, quietly.")), backends=_identity)
    changed = {s.name for s in after if s.kind == "speech" and before.by_name[s.name].key != s.key}
    assert changed == {"scene/1/speech/2"}


def test_without_media_backends_no_sound_or_picture_steps_are_planned() -> None:
    plan = build_plan(fountain.parse(SCRIPT))
    assert not {"speech", "scene-timing", "scene-frames", "film"} & {s.kind for s in plan}


def test_shots_hold_their_lines_on_whole_frames() -> None:
    coverage: SceneShots = _cover(SCRIPT)[0]
    lengths = {(1, 0): 1.3, (2, 0): 0.9, (3, 0): 0.7}
    lines = {key: {"element": key[0], "part": 0} for key in lengths}
    timed = time_scene(coverage, lengths, lines, fps=24, reading_speed=4.0)
    assert [round(s["seconds"] * 24, 6) % 1 for s in timed["shots"]] == [0.0] * len(timed["shots"])
    assert sum(round(s["seconds"] * 24) for s in timed["shots"]) == timed["frames"]
    heard = {line["element"]: line for line in timed["lines"]}
    assert set(heard) == {1, 2, 3}
    for element, seconds in ((1, 1.3), (2, 0.9), (3, 0.7)):
        assert abs(heard[element]["end"] - heard[element]["start"] - seconds) < 1e-3
    assert heard[1]["end"] + TAIL + LEAD <= heard[2]["start"] + 1 / 24
    covered = {c.element for s in coverage.shots for c in s.covers if isinstance(c, Covered)}
    assert covered >= {1, 2, 3}
    assert timed["seconds"] >= heard[3]["end"]
    assert EMPTY_SHOT > 0
