"""Disclosure credits from a real store: every department, every model and its licence, every approval."""

from __future__ import annotations

from pathlib import Path

import pytest

from clapboard.store import Provenance, Store, Take
from clapboard.trust.credits import credits_markdown, department, disclosure


def provenance(key: str, name: str, kind: str, backend: str | None, **more: object) -> Provenance:
    return Provenance(
        key, name, "stage", kind, f"slate-{key}", 1, 7, "{}", (), backend, "1" if backend else None, **more
    )


@pytest.fixture
def takes(tmp_path: Path) -> list[Take]:
    """A small film's takes: frames, lines, a cue, a mix, a breakdown, a dub and the cut, two of them approved
    and one frame replaced by a person."""
    with Store.open(tmp_path / ".clapboard") as store:
        rows = [
            provenance("f1", "scene/1/frames/1A", "scene-frames", "sketch"),
            provenance("f2", "scene/2/frames/2A", "scene-frames", "diffusers", model_hash="e3" * 32),
            provenance("s1", "scene/1/speech/1", "speech", "piper"),
            provenance("s2", "scene/1/speech/2", "speech", "espeak-ng"),
            provenance("c1", "scene/1/cue", "scene-cue", "fluidsynth"),
            provenance("m1", "mix", "mix", None),
            provenance("b1", "breakdown", "breakdown", None),
            provenance("r1", "scene/1/shots", "scene-shots-refined", "llamacpp"),
            provenance("t1", "dub/es/scene/1", "scene-translation", "apertium"),
            provenance("d1", "dub/es/mix", "dub-mix", None),
            provenance("x1", "film", "film", None),
            provenance("o1", "scene/3/frames/3A", "scene-frames", "my-gan"),
        ]
        for row in rows:
            store.record(row, row.key.encode())
        store.review("s1", "accept", "ana")
        store.review("x1", "accept", "ben")
        store.replace(
            "f1", provenance("h1", "scene/1/frames/1A", "scene-frames", None, made_by="human"), b"mine", "ana"
        )
        return [store.take(key) for key in ("h1", "f2", "s1", "s2", "c1", "m1", "b1", "r1", "t1", "d1", "x1", "o1")]


def test_kinds_fall_in_their_departments() -> None:
    assert department("scene-frames") == department("concept-frame") == department("storyboard") == "Art"
    assert department("speech") == department("casting") == "Voice"
    assert department("scene-cue") == department("mix") == department("score-midi") == "Music & Sound"
    assert department("shots") == department("breakdown") == department("scene-timing") == "Direction & Prep"
    assert department("scene-translation") == department("dub-speech") == department("dub-mix") == "Localization"
    assert department("film") == department("scene-reel") == department("cut") == "Editorial"
    assert department("writers-scene") == "Writing"
    assert department("something-new") == "Other"


def test_credits_list_every_model_with_its_licence(takes: list[Take]) -> None:
    text = credits_markdown(takes, title="The Kitchen")
    assert text.startswith("# Credits: The Kitchen\n")
    for backend in ("diffusers", "piper", "espeak-ng", "fluidsynth", "llamacpp", "apertium", "my-gan"):
        assert f"| {backend} " in text, backend
    assert "en_US-joe-medium" in text
    assert "CC0" in text
    assert "SmolLM2-135M-Instruct" in text
    assert "Apache-2.0" in text
    assert "GPL-3.0-or-later" in text
    assert "TimGM6mb" in text
    assert "a model the project named, sha256 " + "e3" * 8 in text
    assert "| my-gan 1 | Art (1) | a third-party backend |" in text


def test_credits_count_who_made_what_per_department(takes: list[Take]) -> None:
    text = credits_markdown(takes)
    # By people / by trained models / by programs / approved.
    assert "| Art | 1 | 2 | 0 | 1 |" in text
    assert "| Voice | 0 | 1 | 1 | 1 |" in text
    assert "| Music & Sound | 0 | 0 | 2 | 0 |" in text
    assert "| Direction & Prep | 0 | 1 | 1 | 0 |" in text
    assert "| Localization | 0 | 0 | 2 | 0 |" in text
    assert "| Editorial | 0 | 0 | 1 | 1 |" in text
    assert "Of its 12 parts, 4 came from trained models, 7 from programs" in text
    assert "and 1 from people. A person approved 3 of them." in text
    assert "- Art, made by people: `scene/1/frames/1A`" in text


def test_credits_name_the_people_who_approved(takes: list[Take]) -> None:
    text = credits_markdown(takes)
    assert "| ana | 2 | 1 |" in text
    assert "| ben | 1 | 0 |" in text


def test_credits_with_no_approvals_say_so(takes: list[Take]) -> None:
    unapproved = [t for t in takes if t.approved_by is None]
    assert "No part of this film has been approved by a person yet." in credits_markdown(unapproved)
    assert "No backend made any part of this film." in credits_markdown([])


def test_the_disclosure_card_says_the_same_as_the_credits(takes: list[Take]) -> None:
    card = disclosure(takes)
    assert card.startswith("This film was made with AI assistance. Of its 12 parts, 4 came from trained models")
    assert card in credits_markdown(takes)
