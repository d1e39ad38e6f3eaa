"""Voice specs: the string a speech backend is given carries the voice and the line's delivery."""

from __future__ import annotations

import pytest

from clapboard.errors import ClapboardError, ConsentRequired
from clapboard.sound.voice import Delivery, Voice, require_consent


def test_a_voice_and_delivery_survive_the_spec_string() -> None:
    voice = Voice("piper", "en_US-joe-medium", 0.88, -1.5)
    spec = voice.spec(Delivery("whisper", 0.8))
    assert spec == "piper:en_US-joe-medium rate=0.88 pitch=-1.5 style=whisper pause=0.8"
    assert Voice.parse(spec) == (voice, Delivery("whisper", 0.8))
    assert Voice.parse("espeak-ng:en-us+f3") == (Voice("espeak-ng", "en-us+f3"), Delivery())


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ("slt", "engine:voice"),
        ("flite:slt speed=2", "not one of"),
        ("flite:slt rate=2 rate=3", "each once"),
        ("flite:slt rate=fast", "numbers"),
        ("flite:slt rate=7", "outside"),
        ("flite:slt pitch=30", "outside"),
        ("flite:slt style=sarcastic", "not one of"),
        ("flite:slt pause=60", "outside"),
        ("flite:slt;rm likeness=x", "letters, digits"),
    ],
)
def test_a_bad_spec_says_what_is_wrong(spec: str, problem: str) -> None:
    with pytest.raises(ClapboardError, match=problem):
        Voice.parse(spec)


def test_deliveries_carry_their_level_speed_and_pitch() -> None:
    assert Delivery("whisper").gain_db < Delivery("quiet").gain_db < 0 < Delivery("shout").gain_db
    assert Delivery("sung").rate < 1 < Delivery("shout").rate
    assert Delivery("quiet").then(pause=0.8) == Delivery("quiet", 0.8)
    assert Delivery("quiet", 0.8).then(style="shout") == Delivery("shout", 0.8)


def test_a_cloned_voice_is_refused_without_a_consent_record() -> None:
    clone = Voice("openai-speech", "maya-ref", likeness="jane-doe")
    with pytest.raises(ConsentRequired, match="jane-doe"):
        require_consent(clone, None)
    with pytest.raises(ConsentRequired):
        require_consent(clone, lambda person, use: use == "likeness")
    require_consent(clone, lambda person, use: (person, use) == ("jane-doe", "voice"))
    require_consent(Voice("flite", "slt"), None)
