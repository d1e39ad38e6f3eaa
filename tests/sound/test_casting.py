"""Casting: hints read from the script, a distinct voice per character, stable and editable; directions."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from clapboard.errors import BackendUnavailable, ClapboardError
from clapboard.screenplay.fountain import parse
from clapboard.sound.casting import MIN_PITCH_APART, MIN_RATE_APART, cast, hints, read_cast, readings, repertoire
from clapboard.sound.voice import Delivery, Timbre, Voice

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "concert-pitch.fountain"

SCRIPT = """\
INT. KITCHEN - NIGHT

GRACE WU (in her 40s) stirs a pot. Her son TOMMY, a boy of nine, kicks the table leg.

TOMMY
Is it ready?

GRACE
(quietly)
Nearly.
(a beat)
Sit down.

An OLD MAN shuffles in. He wears a dressing gown. Behind him, KIM, a girl in pyjamas.

KIM
Can I have some?

OLD MAN
WHERE ARE MY GLASSES!

GRACE
(whispering)
On your head, Dad.

DOCTOR (O.S.)
Mrs Wu? I'm at the door.

NARRATOR (V.O.)
~Hush now, the kettle sings.
"""


def sample_voices() -> list[Timbre]:
    return [
        Timbre("piper", "en_US-joe-medium", "male", 0),
        Timbre("festival", "cmu_us_slt_arctic_hts", "female", 1, speaker="cmu-slt"),
        Timbre("flite", "slt", "female", 2, speaker="cmu-slt"),
        Timbre("flite", "rms", "male", 2),
        *[Timbre("espeak-ng", f"en-us+{v}", "female", 4) for v in ("f1", "f2")],
        *[Timbre("espeak-ng", f"en-us+{v}", "male", 4) for v in ("m1", "m2")],
    ]


def test_the_script_tells_sex_and_age_from_introductions_words_pronouns_and_titles() -> None:
    found = hints(parse(SCRIPT))
    assert (found["GRACE"].gender, found["GRACE"].age) == ("female", 45)
    assert (found["TOMMY"].gender, found["TOMMY"].age) == ("male", 10)
    assert (found["OLD MAN"].gender, found["OLD MAN"].age) == ("male", 75)
    assert (found["KIM"].gender, found["KIM"].age) == ("female", 10)
    assert found["DOCTOR"].gender is None
    assert any("in her 40s" in e for e in found["GRACE"].evidence)


def test_the_sample_films_characters_are_read_as_written() -> None:
    found = hints(parse(SAMPLE.read_text(encoding="utf-8")))
    summary = {name: (hint.gender, hint.age) for name, hint in found.items()}
    assert summary == {
        "RUTH": ("female", 65),
        "WALTER": ("male", 78),
        "MAYA": ("female", 16),
        "JUNE": ("female", None),
    }


def test_two_characters_never_share_a_voice() -> None:
    casting = cast(parse(SAMPLE.read_text(encoding="utf-8")), voices=sample_voices())
    voices = [m.voice for m in casting.members]
    assert len({(v.engine, v.name, v.rate, v.pitch) for v in voices}) == len(voices)
    labels = {m.role.name: m.voice.label for m in casting.members}
    assert labels["WALTER"] == "piper:en_US-joe-medium", "the male lead gets the neural voice"
    assert labels["RUTH"] == "festival:cmu_us_slt_arctic_hts", "the female lead gets the best female voice"
    assert all(labels[n].split(":")[0] != "piper" for n in ("RUTH", "MAYA", "JUNE"))


def test_a_crowd_on_few_voices_is_still_kept_apart() -> None:
    crowd = "\n".join(f"INT. HALL - DAY\n\nSPEAKER {i}\nLine {i}.\n" for i in range(24))
    voices = [Timbre("espeak-ng", "en-us+m1", "male", 4), Timbre("espeak-ng", "en-us+f1", "female", 4)]
    members = cast(parse(crowd), voices=voices).members
    assert len(members) == 24
    for i, one in enumerate(members):
        for other in members[i + 1 :]:
            if one.voice.label == other.voice.label:
                apart_pitch = abs(one.voice.pitch - other.voice.pitch) >= MIN_PITCH_APART
                apart_rate = abs(one.voice.rate - other.voice.rate) >= MIN_RATE_APART
                assert apart_pitch or apart_rate, (one.voice, other.voice)


def test_voices_of_one_recorded_speaker_on_two_engines_are_kept_apart() -> None:
    script = "INT. ROOM - DAY\n\nANNA (30) and BETH (30) sit. She waits.\n\nANNA\nHello.\n\nBETH\nHello.\n"
    voices = [
        Timbre("festival", "slt_hts", "female", 1, speaker="slt"),
        Timbre("flite", "slt", "female", 2, speaker="slt"),
    ]
    anna, beth = (m.voice for m in cast(parse(script), voices=voices).members)
    assert anna.label != beth.label
    assert abs(anna.pitch - beth.pitch) >= MIN_PITCH_APART or abs(anna.rate - beth.rate) >= MIN_RATE_APART


def test_age_shapes_the_voice_children_higher_and_quicker_the_old_lower_and_slower() -> None:
    casting = cast(parse(SCRIPT), voices=sample_voices())
    tommy, grandad = casting.voice("TOMMY"), casting.voice("OLD MAN")
    assert tommy.pitch > 0 and tommy.rate > 1
    assert grandad.pitch < 0 and grandad.rate < 1


def test_casting_is_stable_and_pinned_voices_are_kept() -> None:
    script = parse(SAMPLE.read_text(encoding="utf-8"))
    first = cast(script, voices=sample_voices())
    assert cast(script, voices=sample_voices()) == first
    pinned = {"MAYA": Voice("espeak-ng", "en-us+f2", 1.1, 3.0)}
    recast = cast(script, voices=sample_voices(), pinned=pinned)
    assert recast.voice("MAYA") == pinned["MAYA"]
    assert next(m for m in recast.members if m.role.name == "MAYA").pinned
    assert all(m.voice != pinned["MAYA"] for m in recast.members if m.role.name != "MAYA")


def test_the_cast_table_round_trips_through_clapboard_toml() -> None:
    casting = cast(parse(SCRIPT), voices=sample_voices())
    table = tomllib.loads(casting.toml())["cast"]
    assert set(table) == {"GRACE", "TOMMY", "OLD MAN", "KIM", "DOCTOR", "NARRATOR"}
    assert read_cast(table) == {m.role.name: m.voice for m in casting.members}
    assert read_cast({"MAYA": "flite:slt rate=1.1 pitch=2"}) == {"MAYA": Voice("flite", "slt", 1.1, 2.0)}


def test_a_bad_cast_entry_names_the_key() -> None:
    with pytest.raises(ClapboardError, match=r"cast\.MAYA: .*engine:voice"):
        read_cast({"MAYA": "slt"})
    with pytest.raises(ClapboardError, match=r'cast\."OLD MAN": .*rate 9'):
        read_cast({"OLD MAN": {"voice": "flite:rms", "rate": 9}})
    with pytest.raises(ClapboardError, match="style= or pause="):
        read_cast({"MAYA": "flite:slt style=whisper"})


def test_the_casting_table_for_the_report_names_voice_and_evidence() -> None:
    table = cast(parse(SAMPLE.read_text(encoding="utf-8")), voices=sample_voices()).table()
    walter = next(line for line in table.splitlines() if line.startswith("| WALTER"))
    assert "| male | 78 |" in walter and "(78)" in walter and "piper:en_US-joe-medium" in walter


def test_no_engine_to_cast_from_says_what_to_install() -> None:
    with pytest.raises(BackendUnavailable, match="espeak-ng"):
        cast(parse(SCRIPT), voices=[])


def test_the_installed_engines_offer_voices_best_first() -> None:
    found = repertoire()
    assert found[0].label == "piper:en_US-joe-medium"
    assert {t.engine for t in found} == {"piper", "festival", "flite", "espeak-ng"}


def test_parentheticals_direct_the_delivery_and_cues_place_the_voice() -> None:
    script = parse(SCRIPT)
    casting = cast(script, voices=sample_voices())
    said = [r for d in script.dialogues for r in readings(d, casting)]
    by_text = {r.text: r for r in said}
    grace = casting.voice("GRACE")
    assert by_text["Nearly."].voice == grace.spec(Delivery("quiet"))
    assert by_text["Sit down."].voice == grace.spec(Delivery("quiet", 0.8)), "a beat is a pause; the manner holds"
    assert by_text["On your head, Dad."].voice.endswith("style=whisper")
    assert by_text["WHERE ARE MY GLASSES!"].voice.endswith("style=shout")
    assert by_text["Mrs Wu? I'm at the door."].placement == "os"
    assert by_text["Hush now, the kettle sings."].placement == "vo"
    assert by_text["Hush now, the kettle sings."].voice.endswith("style=sung")
    assert by_text["Is it ready?"].placement == "on"
    assert Voice.parse(by_text["Nearly."].voice) == (grace, Delivery("quiet"))
