"""Subtitles from timed dialogue: cue building, line breaks, timing, SRT / WebVTT / ASS, and the validator."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pysubs2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clapboard.errors import ClapboardError, FormatError
from clapboard.media import Format, MediaError
from clapboard.media.subtitles import (
    KEEP_WITH_NEXT,
    Cue,
    Problem,
    Rule,
    Spoken,
    StyleGuide,
    check,
    check_file,
    cues,
    format_problem,
    read,
    write,
)

GUIDE = StyleGuide()
FRAME = 1 / 24

# A kitchen scene as recorded: times in seconds from the start of the reel, read off the dialogue stems.
KITCHEN = [
    Spoken("RUTH", "You're late.", 2.0, 3.06, scene="4"),
    Spoken("JOE", "The bus broke down outside Hollis. I walked the last four miles.", 3.71, 8.56, scene="4"),
    Spoken("RUTH", "In this weather?", 9.24, 10.5, scene="4"),
    Spoken("JOE", "Yes.", 10.89, 11.44, scene="4"),
    Spoken(
        "RUTH",
        "I called the depot three times, Joe. Three times. The woman on the phone said every bus had come in on"
        " schedule, and I sat here with your dinner going cold, listening to the radio tell me about a car in the"
        " river on the Hollis road.",
        12.05,
        27.65,
        scene="4",
    ),
    Spoken("JOE", "I'm sorry.", 28.14, 29.05, scene="4"),
    Spoken("RUTH", "Don't be sorry. Be on time.", 29.95, 32.04, scene="4"),
    Spoken("MAGGIE", "She always said that, and he never *once* was.", 32.85, 36.16, off_screen=True, scene="4"),
    Spoken("JOE", "Is there any of that stew left?", 36.86, 39.4, scene="4"),
    Spoken("RUTH", "On the stove.", 40.1, 41.11, scene="4"),
    Spoken("RUTH", "Sit down.", 41.75, 42.51, side=0, scene="4"),
    Spoken("JOE", "I'm sitting.", 41.9, 43.0, side=1, scene="4"),
    Spoken(
        "JOE",
        "Ruth, listen to me. When I was walking along the river I saw a light out on the water, a small boat with"
        " nobody in it, just turning in the current, and I stood there for the longest time trying to decide"
        " whether to call someone.",
        43.77,
        59.89,
        scene="4",
    ),
    Spoken("RUTH", "Did you?", 60.41, 61.2, scene="4"),
    Spoken("JOE", "No.", 62.03, 62.48, scene="4"),
    Spoken("RUTH", "Why not?", 63.32, 64.02, scene="4"),
    Spoken(
        "JOE",
        "Because I thought it might be Dr. Abel Carter's boat, and I didn't want to be the one to tell you.",
        64.85,
        71.69,
        scene="4",
    ),
    Spoken("RUTH", "Yes.", 72.55, 73.1, scene="4"),
]


def words_of(lines: list[str] | tuple[str, ...]) -> list[str]:
    return " ".join(lines).split()


def cps(cue: Cue) -> float:
    return cue.chars / cue.duration


@pytest.fixture(scope="module")
def kitchen() -> list[Cue]:
    return cues(KITCHEN)


# ---------------------------------------------------------------------------------------------------------------------
# The scene


@pytest.mark.parametrize("fmt", ["srt", "vtt", "ass"])
def test_every_cue_of_the_scene_passes_the_validator(kitchen: list[Cue], fmt: str) -> None:
    assert check(write(kitchen, fmt), fmt) == []


def test_cues_fit_two_lines_of_42_and_stay_in_order_on_the_frame_grid(kitchen: list[Cue]) -> None:
    for cue in kitchen:
        assert 1 <= len(cue.lines) <= 2
        assert all(len(line) <= 42 for line in cue.lines)
        for t in (cue.start, cue.end):
            assert abs(t * 24 - round(t * 24)) < 1e-6
    for before, after in pairwise(kitchen):
        assert after.start - before.end >= 2 * FRAME - 1e-9


def test_every_line_is_shown_in_order_and_a_line_that_fits_is_one_cue(kitchen: list[Cue]) -> None:
    shown = [i for cue in kitchen for i in cue.sources]
    assert sorted(set(shown)) == list(range(len(KITCHEN)))
    for i, line in enumerate(KITCHEN):
        mine = [cue for cue in kitchen if i in cue.sources]
        if len(line.text) <= 84:
            assert len(mine) == 1
    dual = [cue for cue in kitchen if len(cue.sources) == 2]
    assert [cue.sources for cue in dual] == [(10, 11)]


def test_one_subtitle_per_line_when_every_line_fits() -> None:
    # The scene less its long speeches and Joe's half of the dual pair.
    short = [line for i, line in enumerate(KITCHEN) if len(line.text) <= 84 and i != 11]
    made = cues(short)
    assert len(made) == len(short)
    assert [cue.source for cue in made] == list(range(len(short)))


def test_speeches_over_two_lines_split_at_sentences_and_clauses(kitchen: list[Cue]) -> None:
    for i in (4, 12, 16):
        parts = [cue for cue in kitchen if cue.sources == (i,)]
        assert len(parts) >= 2
        assert words_of([line for cue in parts for line in cue.lines]) == KITCHEN[i].text.split()
        # Each part but the last ends where the speaker pauses: a full stop, comma or the like.
        assert all(cue.lines[-1][-1] in ".,;:?!" for cue in parts[:-1])
        # The parts share the line's audio: the first starts with it, none outlives the next line's start.
        assert parts[0].start == pytest.approx(KITCHEN[i].start, abs=FRAME / 2)
        assert parts[-1].end < KITCHEN[i + 1].start


def test_no_line_ends_on_an_article_preposition_or_inside_a_name(kitchen: list[Cue]) -> None:
    for cue in kitchen:
        for top, bottom in pairwise(cue.lines):
            last = top.split()[-1]
            assert last.lower() not in KEEP_WITH_NEXT, cue.lines
            assert not (last[0].isupper() and last[-1].isalpha() and bottom[0].isupper()), cue.lines
    carter = next(cue for cue in kitchen if "Carter's" in cue.text)
    assert any("Dr. Abel Carter's" in line for line in carter.lines)


def test_a_name_is_never_split_even_where_the_lines_would_balance_there() -> None:
    # After "Margaret" the lines would be 38 and 26 characters, the most even break; it goes before the name.
    (cue,) = cues([Spoken("JOE", "We drove all night to see old Margaret Thornbury in the hospital.", 1.0, 5.0)])
    assert cue.lines == ("We drove all night to see old", "Margaret Thornbury in the hospital.")


def test_a_line_that_only_fits_one_cue_by_breaking_a_bond_becomes_two_cues() -> None:
    # One cue would need a break after "with" or inside the name; two cues split cleanly at the comma.
    made = cues([Spoken("JOE", "I saw him yesterday with Margaret Thornbury, down at the station.", 1.0, 5.0)])
    assert [cue.lines for cue in made] == [
        ("I saw him yesterday", "with Margaret Thornbury,"),
        ("down at the station.",),
    ]


def test_two_lines_are_balanced_into_a_bottom_heavy_pyramid() -> None:
    (cue,) = cues([Spoken("JOE", "I have been waiting here for you since half past seven this morning.", 1.0, 5.5)])
    # 32 over 35 rather than 38 over 29: the shorter line on top.
    assert cue.lines == ("I have been waiting here for you", "since half past seven this morning.")


def test_reading_speed_stays_under_17_where_there_was_time(kitchen: list[Cue]) -> None:
    assert max(cps(cue) for cue in kitchen) <= 17.0 + 1e-9


def test_short_answers_stay_up_for_five_sixths_of_a_second(kitchen: list[Cue]) -> None:
    for i in (3, 14, 17):
        (cue,) = (cue for cue in kitchen if cue.sources == (i,))
        assert cue.duration >= 5 / 6 - 1e-9
        assert KITCHEN[i].end - KITCHEN[i].start < 5 / 6


def test_no_cue_leaves_the_screen_before_its_voice_stops(kitchen: list[Cue]) -> None:
    for i, line in enumerate(KITCHEN):
        last = [cue for cue in kitchen if i in cue.sources][-1]
        assert last.end >= line.end


def test_off_screen_voice_is_named_on_its_first_cue_only() -> None:
    vo = KITCHEN[7]
    (cue,) = cues([vo])
    assert cue.text.replace("\n", " ") == "[MAGGIE] She always said that, and he never once was."
    long_vo = Spoken(
        "MAGGIE",
        "That was the winter the river froze all the way to Hollis, and the buses stopped running, and nobody in"
        " the valley talked about anything but the boat.",
        1.0,
        11.0,
        off_screen=True,
    )
    parts = cues([long_vo])
    assert len(parts) >= 2
    assert parts[0].lines[0].startswith("[MAGGIE] ")
    assert not any("[MAGGIE]" in cue.text for cue in parts[1:])


def test_dual_dialogue_that_is_too_long_for_dashes_plays_in_turn() -> None:
    pair = [
        Spoken("RUTH", "You never listen to a single word I say to you, do you?", 1.0, 4.5, side=0),
        Spoken("JOE", "I listen to every word, that is exactly the problem.", 1.2, 4.4, side=1),
    ]
    made = cues(pair)
    assert [cue.source for cue in made] == [0, 1]
    assert not any(line.startswith("- ") for cue in made for line in cue.lines)
    assert made[1].start - made[0].end >= 2 * FRAME - 1e-9
    assert made[0].duration >= 5 / 6


def test_fountain_markup_is_stripped() -> None:
    (cue,) = cues([Spoken("RUTH", "I *never* said _that_.", 1.0, 2.5)])
    assert cue.lines == ("I never said that.",)


def test_a_slow_line_longer_than_seven_seconds_splits_or_is_held_at_most_seven() -> None:
    slow = cues([Spoken("JOE", "I don't... I don't know what to say to you anymore, Ruth.", 1.0, 11.0)])
    assert len(slow) == 2
    assert all(cue.duration <= 7.0 for cue in slow)
    (held,) = cues([Spoken("RUTH", "Joe!", 1.0, 10.0)])
    assert held.duration == pytest.approx(7.0)


def test_fast_talk_leaves_the_cue_short_and_the_validator_only_warns() -> None:
    rushed = [
        Spoken("JOE", "Get in the car, get in the car right now, we have to go!", 1.0, 3.0),
        Spoken("RUTH", "Where?", 3.1, 3.6),
    ]
    made = cues(rushed)
    assert cps(made[0]) > 17
    assert made[0].end == pytest.approx(made[1].start - 2 * FRAME)
    problems = check(write(made, "srt"), "srt")
    assert [(p.cue, p.rule, p.severity) for p in problems] == [(1, Rule.READING_SPEED, "warn")]


def test_a_line_with_no_words_gets_no_cue() -> None:
    made = cues([Spoken("RUTH", "[[a note to the editor]]", 1.0, 2.0), Spoken("JOE", "Morning.", 3.0, 4.0)])
    assert [cue.source for cue in made] == [1]


def test_a_line_must_end_after_it_starts() -> None:
    with pytest.raises(MediaError):
        Spoken("RUTH", "Yes.", 2.0, 2.0)


# ---------------------------------------------------------------------------------------------------------------------
# Files


@pytest.mark.parametrize("fmt", ["srt", "vtt"])
def test_srt_and_vtt_round_trip_keeps_text_and_times_to_the_millisecond(kitchen: list[Cue], fmt: str) -> None:
    back = read(write(kitchen, fmt), fmt)
    assert [cue.lines for cue in back] == [cue.lines for cue in kitchen]
    assert [(round(c.start * 1000), round(c.end * 1000)) for c in back] == [
        (round(c.start * 1000), round(c.end * 1000)) for c in kitchen
    ]


def test_ass_has_a_readable_subtitle_style(kitchen: list[Cue], tmp_path: Path) -> None:
    path = tmp_path / "kitchen.ass"
    data = write(kitchen, path, frame=Format(1280, 720))
    assert path.read_bytes() == data
    subs = pysubs2.load(str(path))
    style = subs.styles["Default"]
    assert style.fontname == "Arial"
    assert (style.primarycolor.r, style.primarycolor.g, style.primarycolor.b) == (255, 255, 255)
    assert style.outline >= 1
    assert style.alignment == pysubs2.Alignment.BOTTOM_CENTER
    assert style.marginv == 72
    assert subs.info["PlayResY"] == "720"
    assert [cue.lines for cue in read(data, "ass")] == [cue.lines for cue in kitchen]
    assert read(data, "ass")[0].speaker == "RUTH"


def test_write_rejects_a_format_it_does_not_know(kitchen: list[Cue]) -> None:
    with pytest.raises(FormatError):
        write(kitchen, "sbv")


# ---------------------------------------------------------------------------------------------------------------------
# The validator

BAD_SRT = """\
1
00:00:01,000 --> 00:00:05,000
This line is far too long to fit on one subtitle line.

2
00:00:06,000 --> 00:00:10,000
One
Two
Three

3
00:00:11,000 --> 00:00:13,000
I never said she stole the money,
I said she borrowed it from him.

4
00:00:15,000 --> 00:00:15,500
Hi.

5
00:00:17,000 --> 00:00:26,000
Nine seconds is a long time.

6
00:00:27,000 --> 00:00:29,000
Too close to the next one.

7
00:00:29,040 --> 00:00:31,500
This one runs into the next.

8
00:00:31,000 --> 00:00:34,000
I want to go back to the
house on the hill.

9
00:00:35,000 --> 00:00:36,000


10
00:00:37,000 --> 00:00:39,000
- Sit down.
- I'm sitting.
"""


def test_the_validator_finds_each_broken_rule_on_its_own_cue() -> None:
    problems = check(BAD_SRT.encode(), "srt")
    assert [(p.cue, p.rule) for p in problems] == [
        (1, Rule.LINE_LENGTH),
        (2, Rule.LINE_COUNT),
        (3, Rule.READING_SPEED),
        (4, Rule.MIN_DURATION),
        (5, Rule.MAX_DURATION),
        (6, Rule.GAP),
        (7, Rule.OVERLAP),
        (8, Rule.LINE_BREAK),
        (9, Rule.EMPTY),
    ]
    # There was room to hold cues 3 and 4 longer, so these are errors rather than warnings.
    assert all(p.severity == "error" for p in problems)
    assert problems[2].message.startswith("32.5 characters/s")


def test_the_validator_reads_the_format_from_the_contents() -> None:
    assert [p.rule for p in check(BAD_SRT.encode(), None)] == [p.rule for p in check(BAD_SRT.encode(), "srt")]


def test_the_gap_rule_follows_the_frame_rate() -> None:
    two_cues = b"1\n00:00:01,000 --> 00:00:02,000\nFirst.\n\n2\n00:00:02,070 --> 00:00:03,000\nSecond.\n"
    assert [p.rule for p in check(two_cues, "srt", fps=24)] == [Rule.GAP]
    assert check(two_cues, "srt", fps=30) == []


def test_problem_as_one_cli_line() -> None:
    line = format_problem(Problem(3, 62.5, Rule.READING_SPEED, "19.2 characters/s, over 17"), "reel1.srt")
    assert line == "reel1.srt:cue 3 (00:01:02,500): reading speed: 19.2 characters/s, over 17"
    warn = format_problem(Problem(12, 3725.04, Rule.MIN_DURATION, "short", "warn"), Path("a.vtt"))
    assert warn == "a.vtt:cue 12 (01:02:05,040): min duration (warning): short"


def test_check_file_reads_by_extension(tmp_path: Path, kitchen: list[Cue]) -> None:
    good = tmp_path / "kitchen.vtt"
    write(kitchen, good)
    assert check_file(good, GUIDE) == []
    bad = tmp_path / "bad.srt"
    bad.write_text(BAD_SRT)
    lines = check_file(bad, GUIDE)
    assert len(lines) == 9
    assert lines[0] == f"{bad}:cue 1 (00:00:01,000): line length: line 1 has 54 characters, over 42"


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("garbled.srt", b"\xff\xfe\x00\x81 not text", MediaError),
        ("notes.srt", b"Call the lab about the rushes.\n", MediaError),
        ("kitchen.txt", b"1\n00:00:01,000 --> 00:00:02,000\nHi.\n", FormatError),
    ],
)
def test_check_file_names_the_file_it_cannot_read(
    tmp_path: Path, name: str, content: bytes, error: type[ClapboardError]
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(error, match=re.escape(name)):
        check_file(path, GUIDE)
    missing = tmp_path / "missing.srt"
    with pytest.raises(MediaError, match=r"missing\.srt"):
        check_file(missing, GUIDE)


# ---------------------------------------------------------------------------------------------------------------------
# Any dialogue at all

VOCABULARY = [
    *("the", "a", "of", "to", "my", "and", "I", "Ruth", "Hallam", "Dr.", "said", "river", "boat", "never"),
    *("yes.", "no,", "--", "walked", "Extraordinarily", "why?", "understand;", "x" * 50, "café", "[[note]]"),
]


@st.composite
def dialogue(draw: st.DrawFn) -> list[Spoken]:
    count = draw(st.integers(1, 8))
    lines = []
    for _ in range(count):
        words = draw(st.lists(st.sampled_from(VOCABULARY), min_size=0, max_size=45))
        start = draw(st.floats(0, 60, allow_nan=False))
        length = draw(st.floats(0.05, 15, allow_nan=False))
        lines.append(
            Spoken(
                draw(st.sampled_from(["RUTH", "JOE", "MRS DALLOWAY"])),
                " ".join(words),
                start,
                start + length,
                off_screen=draw(st.booleans()),
                side=draw(st.integers(0, 1)),
            )
        )
    return lines


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dialogue())
def test_any_dialogue_gives_cues_within_two_lines_of_42_that_never_overlap(lines: list[Spoken]) -> None:
    made = cues(lines)
    for cue in made:
        assert 1 <= len(cue.lines) <= 2
        assert all(0 < len(line) <= 42 for line in cue.lines)
        assert cue.end > cue.start
    for before, after in pairwise(made):
        assert after.start - before.end >= 2 * FRAME - 1e-9
