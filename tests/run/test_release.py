"""A project released in three languages: subtitles for each, dubbed sound tracks, tagged streams in MP4 and MKV."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pysubs2
import pytest
import soundfile
from typer.testing import CliRunner

from clapboard.cli import app
from clapboard.media.ffmpeg import ffmpeg
from clapboard.media.probe import probe
from clapboard.project import Project, new_project
from clapboard.run import make, replace_take

pytestmark = pytest.mark.slow

SCRIPT = """\
Title: The Lighthouse

INT. LIGHTHOUSE - NIGHT

HOPE (30s) climbs the stairs. GRACE, an old woman, waits at the lamp.

GRACE
You are late again.

HOPE
The boat would not start.

GRACE
Then we light the lamp together.

HOPE (V.O.)
She never asked me why.
"""

CONFIG = """
[backends]
image = "sketch"
speech = "espeak-ng"
music = "fluidsynth"
translate = "apertium"

[picture]
width = 320
height = 180
title_card = false

[release]
languages = ["es", "ca"]

[trust]
disclosure_card = true
"""

#: The disclosure card before the first scene (there is no title card here).
OPENING = 5.0


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Project:
    folder = tmp_path_factory.mktemp("release")
    script = folder / "lighthouse.fountain"
    script.write_text(SCRIPT, encoding="utf-8")
    project = new_project(folder / "film", script)
    head, _, _ = project.config_path.read_text(encoding="utf-8").partition("[backends]")
    project.config_path.write_text(head + CONFIG, encoding="utf-8")
    project = Project.open(project.root)
    make(project, jobs=2)
    return project


def test_each_language_has_subtitles_that_follow_the_style_guide(released: Project) -> None:
    folder = released.out_path / "subtitles"
    for language in ("en", "es", "ca"):
        for suffix in ("srt", "vtt"):
            assert (folder / f"{language}.{suffix}").is_file()
        subs = pysubs2.load(str(folder / f"{language}.srt"))
        assert len(subs) == 4, "one cue per line of dialogue"
    result = CliRunner().invoke(app, ["check-subs", *(str(p) for p in sorted(folder.glob("*.srt")))])
    assert result.exit_code == 0, result.output
    english = [e.plaintext for e in pysubs2.load(str(folder / "en.srt"))]
    assert english[0] == "You are late again."
    assert "[HOPE]" in english[3], "an off-screen voice is labelled"


def test_names_survive_translation(released: Project) -> None:
    spanish = (released.out_path / "subtitles" / "es.srt").read_text(encoding="utf-8")
    assert "[HOPE]" in spanish
    assert "lámpara" in spanish or "faro" in spanish, spanish
    with released.open_store() as store:
        latest = store.latest()
        lines = json.loads(store.output(latest["scene/1/translation/es"].key))
    assert len(lines) == 4 and lines[0] != "You are late again."


def test_the_film_carries_a_tagged_sound_and_subtitle_stream_per_language(released: Project) -> None:
    for name in ("film.mp4", "film.mkv"):
        info = probe(released.out_path / name)
        assert [s.language for s in info.of_kind("audio")] == ["eng", "spa", "cat"], name
        assert [s.language for s in info.of_kind("subtitle")] == ["eng", "spa", "cat"], name


def test_the_film_opens_on_the_ai_disclosure_and_ends_on_the_credits(released: Project, tmp_path: Path) -> None:
    info = probe(released.out_path / "film.mp4")
    names = [c.title for c in info.chapters]
    assert names[0] == "Disclosure" and names[1].startswith("1. ") and names[-1] == "Credits"
    assert abs(info.chapters[0].end - OPENING) <= 1 / 24 + 1e-6
    with released.open_store() as store:
        latest = store.latest()
        disclosure = latest["disclosure/reel"].provenance.prompt or ""
        credits = latest["credits/reel"].provenance.prompt or ""
    assert disclosure.startswith("This film was made with AI assistance.")
    assert "pocketsphinx (localization)" in disclosure  # a trained acoustic model times the subtitles
    for backend in ("sketch", "espeak-ng", "fluidsynth", "apertium", "pocketsphinx"):
        assert backend in credits, backend
    assert "Art: sketch (program" in credits
    # Every sound track waits out the card: silence, then the film's sound.
    audio = tmp_path / "opening.wav"
    ffmpeg("-i", released.out_path / "film.mp4", "-map", "0:a:1", "-t", "9", audio, concerning=audio)
    samples, rate = soundfile.read(audio, always_2d=True)
    assert np.abs(samples[: int((OPENING - 0.2) * rate)]).max() < 1e-3
    assert np.abs(samples[int(OPENING * rate) :]).max() > 1e-2
    cue = pysubs2.load(str(released.out_path / "subtitles" / "es.srt"))[0]
    assert cue.start / 1000 >= OPENING


def test_the_dubbing_report_lists_every_line_and_its_fit(released: Project) -> None:
    report = (released.out_path / "dub" / "es" / "dubbing.md").read_text(encoding="utf-8")
    rows = [row for row in report.splitlines() if row.startswith("| ") and row[2].isdigit()]
    assert len(rows) == 4
    assert (released.out_path / "dub" / "ca" / "mix.wav").stat().st_size > 10_000


def test_languages_on_the_command_line_are_checked(tmp_path: Path) -> None:
    project = new_project(tmp_path / "film")
    result = CliRunner().invoke(app, ["make", str(project.root), "--languages", "xx", "--dry-run"])
    assert result.exit_code != 0
    assert "xx" in result.output


def test_a_recording_a_person_replaced_is_aligned_to_its_words(released: Project) -> None:
    with released.open_store() as store:
        latest = store.latest()
        take = store.output(latest["scene/1/speech/1"].key)
        start = json.loads(store.output(latest["scene/1/timing"].key))["lines"][0]["start"]
    samples, rate = soundfile.read(io.BytesIO(take))
    late = 1.2  # the actor breathes, the room hums, then the line
    padded = np.concatenate([np.random.default_rng(3).normal(0, 1e-4, round(late * rate)), samples])
    buffer = io.BytesIO()
    soundfile.write(buffer, padded, rate, format="WAV")
    replace_take(released, "scene/1/speech/1", buffer.getvalue(), "director")
    make(released, jobs=2)
    cue = pysubs2.load(str(released.out_path / "subtitles" / "en.srt"))[0]
    assert cue.plaintext == "You are late again."
    # The word itself begins where the original take's sound does, after its own short lead-in.
    onset = np.argmax(np.abs(samples) > 0.05 * np.abs(samples).max()) / rate
    assert abs(cue.start / 1000 - (OPENING + start + late + onset)) <= 0.15
