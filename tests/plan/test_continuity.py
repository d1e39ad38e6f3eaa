"""The continuity report: each flag on a script written to raise it, and none on the sample."""

from __future__ import annotations

import json
from pathlib import Path

from clapboard.plan import Job, build_plan, find_kind
from clapboard.plan.continuity import ContinuityReport
from clapboard.plan.records import loads
from clapboard.screenplay import Screenplay
from clapboard.screenplay.fountain import parse

SAMPLE = Path(__file__).parents[2] / "examples" / "concert-pitch.fountain"

SLIPS = """\
# ONE

INT. OFFICE - DAY

NICK loads the revolver and slips it into his coat.

NICK
Nobody moves.

Nick walks out.

NICK
I said nobody.

EXT. CAR PARK - NIGHT

NICKY
Cold out here.

INT. OFFICE - AFTERNOON

Nicky opens the drawer. Inside, a revolver, wrapped in a cloth.

MOLLY
So that's where it went.
"""


def _report(text: str) -> ContinuityReport:
    return loads(ContinuityReport, _continuity(parse(text)))


def _continuity(script: Screenplay) -> bytes:
    plan = build_plan(script).until("breakdown")
    made: dict[str, bytes] = {}
    for step in plan:
        inputs = tuple(made[plan.by_key[key].name] for key in step.inputs)
        made[step.name] = find_kind(step.kind).make(Job(step, inputs, lambda capability, name=None: None))  # type: ignore[assignment]
    return made["continuity"]


def test_a_prop_used_before_it_is_introduced_is_flagged() -> None:
    (flag,) = _report(SLIPS).of("prop-before-introduction")
    assert flag.scene == "1"
    assert "revolver" in flag.message
    assert flag.line == 5


def test_a_character_who_speaks_after_leaving_is_flagged() -> None:
    (flag,) = _report(SLIPS).of("speaks-after-exit")
    assert (flag.scene, flag.line) == ("1", 12)
    assert "NICK" in flag.message


def test_time_running_backwards_within_a_sequence_is_flagged() -> None:
    (flag,) = _report(SLIPS).of("time-of-day")
    assert flag.scene == "3"
    assert "AFTERNOON" in flag.message and "NIGHT" in flag.message


def test_a_new_morning_after_night_is_no_slip() -> None:
    text = "INT. HALL - NIGHT\n\nANN\nLate.\n\nEXT. HALL - MORNING\n\nANN\nEarly.\n"
    assert _report(text).of("time-of-day") == ()
    continuous = "INT. HALL - NIGHT\n\nANN\nLate.\n\nEXT. YARD - DAY (CONTINUOUS)\n\nANN\nBright.\n"
    assert len(_report(continuous).of("time-of-day")) == 1


def test_a_name_spelled_two_ways_is_flagged() -> None:
    flags = _report(SLIPS).of("two-spellings")
    assert any("NICK and NICKY" in f.message for f in flags)


def test_wardrobe_and_props_are_tracked_per_character() -> None:
    report = _report(Path(SAMPLE).read_text())
    assert report.flags == ()
    walter = {t.name: t.scenes for t in report.props if t.character == "WALTER"}
    assert walter["tuning fork"] == ("6", "8")
    wardrobe = {(t.character, t.name) for t in report.wardrobe}
    assert ("MAYA", "pyjamas") in wardrobe
    assert ("RUTH", "cardigan") in wardrobe


def test_the_report_is_plain_json() -> None:
    data = json.loads(_continuity(parse(SLIPS)))
    assert set(data) == {"wardrobe", "props", "flags"}
    assert {f["kind"] for f in data["flags"]} == {
        "prop-before-introduction",
        "speaks-after-exit",
        "time-of-day",
        "two-spellings",
    }
