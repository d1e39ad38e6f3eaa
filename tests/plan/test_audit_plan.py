"""The audit step as planned: the characters' descriptions and the project's rules are in its params."""

from __future__ import annotations

from clapboard.plan import BackendIdentity, build_plan
from clapboard.plan.direction import Direction
from clapboard.plan.soundtrack import make_audit
from clapboard.plan.stages import Job
from clapboard.screenplay import fountain

SCRIPT = """\
INT. DINER - NIGHT

MARY (30s), a tired waitress, wipes the counter.

FRANK (40s), a trucker, waits for his coffee.

MARY
More coffee?

FRANK
Please. And the pie.
"""


def _voices(script: str, direction: Direction | None = None) -> dict[str, str]:
    plan = build_plan(
        fountain.parse(script),
        backends=lambda cap, name=None: BackendIdentity(name or "stand-in", "1"),
        direction=direction or Direction(),
    )
    return {step.name: step.key for step in plan if step.stage == "voices"}


def test_rewording_a_description_remakes_the_audit_and_nothing_else_in_the_voices() -> None:
    before = _voices(SCRIPT)
    after = _voices(SCRIPT.replace("a tired waitress,", "a tired waitress with pretty eyes,"))
    assert sorted(before) == sorted(after) and "audit" in before and "casting" in before
    assert [name for name in before if before[name] != after[name]] == ["audit"]


def test_the_rules_change_the_audit_step_only_and_flag_what_it_finds() -> None:
    strict = Direction(audit_min_described_share=0.5, audit_appearance_gap=2.0)
    before, after = _voices(SCRIPT), _voices(SCRIPT, strict)
    assert [name for name in before if before[name] != after[name]] == ["audit"]
    plan = build_plan(
        fountain.parse(SCRIPT.replace("a tired waitress", "a pretty waitress")),
        backends=lambda cap, name=None: BackendIdentity(name or "stand-in", "1"),
        direction=strict,
    )
    step = plan.by_name["audit"]
    assert [p["name"] for p in step.params["descriptions"]] == ["MARY", "FRANK"]
    made = make_audit(Job(step, (), lambda capability, name: None))
    assert made.prompt == "1 findings"  # one woman and one man described: half each is not below a half
    text = made.data.decode()
    assert "- **appearance** female: 1.00 appearance words per described female character" in text
    assert text.index("## Who speaks") < text.index("## Representation in the character descriptions")
