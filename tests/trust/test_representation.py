"""Representation in the character descriptions: who is described, by sex and age, and in what words."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clapboard.engine.registry import BackendChoice
from clapboard.plan.categories import introduced
from clapboard.plan.direction import Direction
from clapboard.project import new_project
from clapboard.screenplay import fountain
from clapboard.sound.casting import introductions, roles
from clapboard.trust.audit import audit, report
from clapboard.trust.representation import appearance_rates, band, read, share_table
from clapboard.writers import write
from clapboard.writers.documents import Cast, Character
from clapboard.writers.room import audit_cast

if TYPE_CHECKING:
    from pathlib import Path

STAND_IN = BackendChoice("text", "stand-in")

DINER = """\
INT. DINER - NIGHT

MARY (30s), a tired waitress, wipes the counter.

JOAN (60s), the owner, counts the till. She hums.

SUE (15), Joan's granddaughter, does homework in a booth.

FRANK (40s), a trucker, waits for his coffee.

Tom reads his paper.

MARY
More coffee?

FRANK
Please. And the pie.

JOAN
Last slice.

TOM
Check, please.
"""

OFFICE = """\
INT. OFFICE - DAY

ANNA (20s), a pretty blonde woman, files papers.

BETH (30s), a slim, beautiful woman, answers the phone.

CARL (40s), a brilliant engineer and a quiet man, fixes the server.

DAVE (50s), the chief detective, a man in a grey suit, reads a report.

ANNA
Your coffee.

CARL
Thanks.
"""


def _people(text: str) -> list[dict[str, Any]]:
    script = fountain.parse(text)
    return introduced(script, {role.name: role.words for role in roles(script)})


def test_shares_of_the_described_the_speaking_and_the_words_by_sex_and_age() -> None:
    people = _people(DINER)
    portraits = {p.name: p for p in read(people)}
    assert [(p.name, p.sex, p.band, p.speaks, p.described) for p in portraits.values()] == [
        ("MARY", "female", "20s-30s", True, True),
        ("FRANK", "male", "40s-50s", True, True),
        ("JOAN", "female", "60+", True, True),
        ("TOM", "male", "unknown", True, False),
        ("SUE", "female", "teen", False, True),
    ]
    # Three women and one man described; two of each speak; words as said (2 + 4 + 2 + 2).
    assert share_table(list(portraits.values()), "sex") == {"female": (3, 2, 4), "male": (1, 2, 6)}
    assert share_table(list(portraits.values()), "band") == {
        "teen": (1, 0, 0),
        "20s-30s": (1, 1, 2),
        "40s-50s": (1, 1, 4),
        "60+": (1, 1, 2),
        "unknown": (0, 1, 2),
    }
    written = report([], [], people)
    assert "| female | 3 (75%) | 2 (50%) | 4 (40%) |" in written
    assert "| male | 1 (25%) | 2 (50%) | 6 (60%) |" in written
    assert "Not described: TOM (male)." in written
    assert "| female | 3 | 0 | 2 (0.67 each): waitress, owner | 1 (0.33 each): granddaughter |" in written


def test_the_age_bands() -> None:
    assert [band(age) for age in (None, 4, 12, 13, 19, 20, 39, 40, 59, 60, 90)] == [
        "unknown",
        *("child", "child", "teen", "teen", "20s-30s", "20s-30s", "40s-50s", "40s-50s", "60+", "60+"),
    ]


def test_the_description_is_the_part_of_the_introduction_about_the_character() -> None:
    script = fountain.parse(
        "INT. BAR - NIGHT\n\nJOE (40s), a handsome trucker, watches MARY (30s), a tired waitress.\n\n"
        "JOE\nHi.\n\nMARY\nHello.\n"
    )
    assert introductions(script)["MARY"][1] == "JOE (40s), a handsome trucker, watches MARY (30s), a tired waitress."
    portraits = {p.name: p for p in read(introduced(script, {"JOE": 1, "MARY": 1}))}
    assert (portraits["JOE"].appearance, portraits["JOE"].role) == (("handsome",), ())
    assert (portraits["MARY"].appearance, portraits["MARY"].role) == ((), ("waitress",))


def test_women_described_by_looks_and_men_by_their_jobs_is_flagged_when_asked() -> None:
    people = _people(OFFICE)
    portraits = read(people)
    assert appearance_rates(portraits) == {"female": (4, 2), "male": (0, 2)}
    assert {p.name: p.role for p in portraits if p.sex == "male"} == {
        "CARL": ("brilliant", "engineer"),
        "DAVE": ("chief", "detective"),
    }
    flagged = audit([], people=people, appearance_gap=2.0)
    assert [(f.rule, f.character) for f in flagged] == [("appearance", "female")]
    assert "2.00 appearance words per described female character against 0.00" in flagged[0].detail
    assert audit([], people=people, appearance_gap=0.0) == []
    assert "| female | 2 | 4 (2.00 each): pretty, blonde, slim, beautiful |" in report([], flagged, people)
    # A handsome man brings the men to 0.5 a character: four times fewer, flagged at 2 but not at 5.
    fairer = _people(OFFICE.replace("a man in a grey suit", "a handsome man in a grey suit"))
    assert [f.rule for f in audit([], people=fairer, appearance_gap=2.0)] == ["appearance"]
    assert audit([], people=fairer, appearance_gap=5.0) == []


def test_a_sex_below_the_floor_of_described_characters_is_flagged() -> None:
    people = _people(DINER)
    flagged = audit([], people=people, min_described_share=0.3)
    assert [(f.rule, f.character, f.detail) for f in flagged] == [
        ("described-share", "male", "25% of the described characters, below the floor of 30%")
    ]
    # Of the speaking roles, two of the four are women: a floor above a half flags both ways.
    over = audit([], people=people, min_described_share=0.6)
    assert {(f.character, f.detail.split(",")[0]) for f in over} == {
        ("male", "25% of the described characters"),
        ("female", "50% of the speaking roles"),
        ("male", "50% of the speaking roles"),
    }
    assert audit([], people=people, min_described_share=0.2) == []


def test_a_floor_flags_a_sex_with_no_words_at_all() -> None:
    ed = {"name": "ED", "gender": "male", "age": 40, "words": 9, "voice": "v", "voice_gender": "male", "pitch": 0}
    members = [ed]
    assert [(f.rule, f.character) for f in audit(members, min_share=0.3)] == [("share", "female")]
    nobody = [{**ed, "gender": None, "voice_gender": None}]
    assert audit(nobody, min_share=0.3) == []  # the script gives no one a sex: nothing to weigh


def test_the_writers_room_audits_the_cast_it_described(tmp_path: Path) -> None:
    cast = Cast(
        characters=[
            Character(name=name, role=role, want="to be left alone", flaw="too proud to ask", voice="short and dry")
            for name, role in (
                ("ANNA", "a pretty young woman who serves tea"),
                ("CARL", "a skilled engineer, a quiet man"),
            )
        ]
    )
    script = fountain.parse("INT. CAFE - DAY\n\nANNA\nTea?\n\nCARL\nPlease, thank you.\n")
    path, flagged = audit_cast(tmp_path / "draft.fountain", script, cast, Direction(audit_appearance_gap=2.0))
    assert (path, flagged) == (tmp_path / "draft.audit.md", 1)
    written = path.read_text(encoding="utf-8")
    assert "| ANNA | female | 25 | 20s-30s | yes | 1 | yes | ANNA, a pretty young woman who serves tea. |" in written
    assert "| male | 1 | 0 | 2 (2.00 each): skilled, engineer | 0 |" in written
    assert "- **appearance** female:" in written


def test_clapboard_write_leaves_the_audit_beside_the_script(tmp_path: Path) -> None:
    project = new_project(tmp_path / "film")
    draft = write("A lighthouse keeper finds a message in a bottle.", project.script_path, text=STAND_IN, pages=1)
    assert draft.audit == project.root / "script.audit.md"
    written = draft.audit.read_text(encoding="utf-8")
    assert "## Representation in the character descriptions" in written
    assert all(f"| {name} |" in written for name in draft.cast)
