"""The casting audit: voices against the script's descriptions, and the share of the words."""

from __future__ import annotations

from clapboard.plan import BackendIdentity, build_plan
from clapboard.plan.direction import Direction
from clapboard.screenplay import fountain
from clapboard.sound.voice import Voice
from clapboard.trust.audit import audit, report, shares

SCRIPT = """\
INT. KITCHEN - NIGHT

RUTH (60s) pours tea. She looks at the door.

WALTER, an old man, waits by the stove.

RUTH
He's asleep. He sleeps all day now, and the house is quiet, and I sit here and listen to it.

WALTER
Then we talk.
"""


def _members(script: str, direction: Direction) -> list[dict]:
    plan = build_plan(
        fountain.parse(script), backends=lambda c, n=None: BackendIdentity(n or "stand-in", "1"), direction=direction
    )
    return plan.by_name["audit"].params["members"]


def test_a_voice_of_the_other_sex_is_flagged() -> None:
    # The stand-in's numbered voices alternate male, female: pin RUTH to a male one.
    members = _members(SCRIPT, Direction(cast={"RUTH": Voice("stand-in", "voice1")}))
    ruth = next(m for m in members if m["name"] == "RUTH")
    assert (ruth["gender"], ruth["voice_gender"]) == ("female", "male")
    findings = audit(members)
    assert [(f.rule, f.character) for f in findings] == [("voice-sex", "RUTH")]
    assert audit(members, mismatch=False) == []
    assert "**voice-sex** RUTH" in report(members, findings)


def test_a_share_of_the_words_below_the_floor_is_flagged() -> None:
    members = _members(SCRIPT, Direction())
    share = shares(members)
    assert share["female"] > 0.8 > share["male"]
    flagged = audit(members, min_share=0.3)
    assert [(f.rule, f.character) for f in flagged if f.rule == "share"] == [("share", "male")]
