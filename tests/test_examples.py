"""The sample screenplay in examples/: it parses, has everything later stages rely on, and converts."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

import clapboard
from clapboard import demo
from clapboard.screenplay.emphasis import spans
from clapboard.screenplay.model import Action, Centered, Character, DualDialogue, Lyric, Screenplay, Transition
from clapboard.screenplay.pagination import paginate
from clapboard.screenplay.stats import script_stats

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "concert-pitch.fountain"


@pytest.fixture(scope="module")
def script() -> Screenplay:
    return clapboard.load(SAMPLE)


def all_text(script: Screenplay) -> list[str]:
    """The text of every element, both sides of dual dialogue and every part of a speech included."""
    out: list[str] = []
    for el in script.elements:
        if hasattr(el, "text"):
            out.append(el.text)
    for d in script.dialogues:
        out.extend(p.text for p in d.parts)
    return out


def test_the_demo_uses_this_sample() -> None:
    assert demo.SAMPLE == SAMPLE


def test_title_page(script: Screenplay) -> None:
    for key in ("Title", "Credit", "Author", "Draft date", "Contact"):
        assert script.title_page.get(key), key


def test_five_to_eight_pages_and_minutes(script: Screenplay) -> None:
    assert 5 <= paginate(script).page_count <= 8
    assert 5 <= script_stats(script).runtime_minutes <= 8


def test_scenes_cast_and_locations(script: Screenplay) -> None:
    assert len(script.scenes) >= 4
    assert len(script.characters) >= 3
    assert len({s.heading.location for s in script.scenes}) >= 2
    assert {s.heading.day_night for s in script.scenes} >= {"DAY", "NIGHT"}
    assert {s.heading.setting for s in script.scenes} >= {"INT", "EXT"}


def test_dual_dialogue_voice_over_and_off_screen(script: Screenplay) -> None:
    assert any(isinstance(el, DualDialogue) for el in script.elements)
    cues: list[Character] = [d.character for d in script.dialogues]
    assert any(c.is_voice_over for c in cues)
    assert any(c.is_off_screen for c in cues)


def test_transition_lyric_and_the_end(script: Screenplay) -> None:
    assert any(isinstance(el, Transition) and el.text == "CUT TO:" for el in script.elements)
    assert any(isinstance(p, Lyric) for d in script.dialogues for p in d.parts)
    assert isinstance(script.elements[-1], Centered)
    assert script.elements[-1].text == "THE END"


def test_emphasis(script: Screenplay) -> None:
    styled = [run for text in all_text(script) for run in spans(text) if run.style]
    assert any(run.italic for run in styled)


def test_characters_are_introduced_in_caps_in_action(script: Screenplay) -> None:
    action = " ".join(el.text for el in script.elements if isinstance(el, Action))
    introduced = [name for name in script.characters if name in action]
    # Everyone who speaks is introduced in capitals, JUNE (heard only on tape) in a photograph.
    assert set(introduced) == set(script.characters)


def test_a_prop_is_handled_on_screen_in_several_scenes(script: Screenplay) -> None:
    scenes_with_fork = [
        s.number for s in script.scenes if any(isinstance(el, Action) and "tuning fork" in el.text for el in s.elements)
    ]
    assert len(scenes_with_fork) >= 3


@pytest.mark.parametrize("suffix", [".fountain", ".fdx", ".json", ".pdf", ".html"])
def test_converts_to_every_format(script: Screenplay, tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"concert-pitch{suffix}"
    clapboard.save(script, target)
    assert target.stat().st_size > 1000
    if suffix in (".fountain", ".fdx", ".json"):
        assert clapboard.load(target) == script


@pytest.mark.slow
def test_demo_writes_every_output_and_prints_the_stats(tmp_path: Path) -> None:
    screen = io.StringIO()
    written = demo.run(out=tmp_path / "demo-out", console=Console(file=screen, width=100))
    converted = [p for p in written if p.parent == tmp_path / "demo-out"]
    assert sorted(p.suffix for p in converted) == [".fdx", ".html", ".json", ".pdf"]
    assert all(p.exists() for p in written)
    film = tmp_path / "demo-out" / "film" / "out"
    assert {film / "breakdown.json", film / "film.mp4", film / "subtitles" / "ca.srt"} <= set(written)
    assert f"the film: {film / 'film.mp4'}" in screen.getvalue()
    again = io.StringIO()
    demo.run(out=tmp_path / "demo-out", console=Console(file=again, width=100))
    assert "made 0, reused" in again.getvalue()
    assert "CONCERT PITCH" in screen.getvalue()
    assert "one page a minute" in screen.getvalue()
