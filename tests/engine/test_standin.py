"""The stand-in backend: real, well-formed media that depend only on the request and the seed."""

from __future__ import annotations

import io
import itertools
import json
import wave

from PIL import Image

from clapboard.engine.standin import SAMPLE_RATE, SECONDS_PER_WORD, StandIn

stand_in = StandIn()


def _seconds(wav: bytes) -> float:
    with wave.open(io.BytesIO(wav)) as audio:
        assert (audio.getnchannels(), audio.getframerate()) == (1, SAMPLE_RATE)
        return audio.getnframes() / audio.getframerate()


def test_a_frame_is_a_valid_png_of_the_asked_size_in_one_colour() -> None:
    png = stand_in.draw("a diner at night", seed=3, width=64, height=36)
    image = Image.open(io.BytesIO(png))
    assert (image.format, image.size, image.mode) == ("PNG", (64, 36), "RGB")
    colours = image.getcolors()
    assert colours is not None
    assert len(colours) == 1


def test_frames_follow_the_seed() -> None:
    first = stand_in.draw("a diner at night", seed=3, width=8, height=8)
    assert stand_in.draw("a diner at night", seed=3, width=8, height=8) == first
    assert stand_in.draw("a diner at night", seed=4, width=8, height=8) != first


def test_speech_lasts_as_long_as_the_line_takes_to_say() -> None:
    assert _seconds(stand_in.speak("Black, like the night.", voice="joe", seed=1)) == 4 * SECONDS_PER_WORD
    assert _seconds(stand_in.compose("rain, saxophone", seconds=2.5, seed=1)) == 2.5


def test_alignment_spreads_the_words_over_the_recording() -> None:
    line = "Black like the night"
    timings = stand_in.align(stand_in.speak(line, voice="joe", seed=1), line, language="en")
    assert [t.word for t in timings] == line.split()
    assert timings[0].start == 0
    assert timings[-1].end == 4 * SECONDS_PER_WORD
    assert all(a.end == b.start for a, b in itertools.pairwise(timings))


def test_text_and_translation_keep_the_words() -> None:
    assert stand_in.generate("one two three", seed=255, max_tokens=3) == "[stand-in 000000ff] one"
    assert stand_in.translate("Coffee?", source="en", target="fr") == "Coffee?"


def test_with_a_schema_the_text_is_the_least_json_the_schema_allows() -> None:
    shot = {
        "type": "object",
        "required": ["index", "size", "lens_mm", "subject"],
        "properties": {
            "index": {"type": "integer", "exclusiveMinimum": 0},
            "size": {"enum": ["WS", "MS", "CU"]},
            "lens_mm": {"type": "integer", "minimum": 10, "maximum": 300},
            "subject": {"type": "string", "pattern": "^[A-Z][A-Z' -]{1,29}$"},
            "note": {"type": "string"},
        },
    }
    schema = {
        "type": "object",
        "required": ["scene", "shots", "day"],
        "properties": {
            "scene": {"anyOf": [{"type": "string", "minLength": 1}, {"type": "null"}]},
            "shots": {"type": "array", "items": {"$ref": "#/$defs/Shot"}, "minItems": 2},
            "day": {"type": "boolean"},
            "notes": {"type": "array", "items": {"type": "string"}},
        },
        "$defs": {"Shot": shot},
    }
    least = {"index": 1, "size": "WS", "lens_mm": 10, "subject": "XX"}
    answer = stand_in.generate("a shot list, please", seed=1, schema=schema)
    assert json.loads(answer) == {"scene": "x", "shots": [least, least], "day": False}
