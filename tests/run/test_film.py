"""A project made into a film: frames, recorded lines, score, mix, animatic, cut files and board.

One small project is made once per module (real backends: the sketch artist,
the offline speech engines, FluidSynth) at a small frame size, then edited
and made again; the tests read what each run left in ``out/`` and the store.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

import mido
import numpy as np
import opentimelineio as otio
import pyloudnorm
import pytest
import soundfile
from PIL import Image

from clapboard.media.probe import probe
from clapboard.project import Project, new_project
from clapboard.run import make
from clapboard.sound.mix import true_peak

pytestmark = pytest.mark.slow

SCRIPT = """\
Title: Night Shift
Author: Ada Lovelace

FADE IN:

INT. DINER - NIGHT

Rain runs down the windows. MARY (50s) wipes the counter. JOE, a young man, sits at the end.

MARY
Coffee?

JOE
(whispering)
Black. Like the night outside, and twice as long.

MARY
You always say that.

DISSOLVE TO:

EXT. PARKING LOT - NIGHT

Joe walks to his truck. Mary watches from the door.

JOE
Is it always this quiet?

MARY (O.S.)
Only when you leave.
"""

CONFIG = """
[backends]
image = "sketch"
speech = "piper"
music = "fluidsynth"

[picture]
width = 320
height = 180
fps = 24
"""


@dataclass
class Made:
    project: Project
    first_run: int
    second_run: int
    segments_before: set[str]
    segments_after: set[str]
    out_before: dict[str, bytes]


def _project(folder: Path) -> Project:
    script = folder / "night-shift.fountain"
    folder.mkdir(parents=True, exist_ok=True)
    script.write_text(SCRIPT, encoding="utf-8")
    project = new_project(folder / "film", script)
    text = project.config_path.read_text(encoding="utf-8")
    head, _, _ = text.partition("[backends]")
    project.config_path.write_text(head + CONFIG, encoding="utf-8")
    return Project.open(project.root)


def _segments(project: Project) -> set[str]:
    return {p.name for p in (project.store_path / "workshop" / "segments").glob("*.mp4")}


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Made:
    project = _project(tmp_path_factory.mktemp("film"))
    first = make(project, jobs=2)
    before = _segments(project)
    out_before = {p.name: p.read_bytes() for p in project.out_path.glob("*.*")}
    edited = project.script_path.read_text(encoding="utf-8").replace(
        "Is it always this quiet?", "Is it always this quiet after midnight, when the rain stops?"
    )
    project.script_path.write_text(edited, encoding="utf-8")
    second = make(project, jobs=2)
    return Made(project, first.run_id, second.run_id, before, _segments(project), out_before)


def _shots(project: Project) -> list[dict]:
    data = json.loads((project.out_path / "shots.json").read_text())
    return [shot for scene in data["scenes"] for shot in scene["shots"]]


def _ran(project: Project, run_id: int) -> set[str]:
    with project.open_store() as store:
        return {t.provenance.name for t in store.takes() if t.provenance.run_id == run_id}


def test_every_shot_has_its_frame_and_sizes_look_different(made: Made) -> None:
    shots = _shots(made.project)
    frames = {}
    for shot in shots:
        path = made.project.out_path / "frames" / shot["scene"] / f"{shot['number']}.png"
        assert path.is_file(), path
        with Image.open(path) as image:
            assert image.size == (320, 180)
            frames[shot["number"]] = (shot["size"], np.asarray(image.convert("L"), dtype=float))
    by_size: dict[str, np.ndarray] = {}
    for size, pixels in frames.values():
        by_size.setdefault(size, pixels)
    assert len(by_size) >= 2, "the little film should be covered in more than one shot size"
    sizes = list(by_size.values())
    assert np.abs(sizes[0] - sizes[1]).mean() > 5.0


def test_concept_art_covers_the_cast_and_locations(made: Made) -> None:
    concept = made.project.out_path / "concept"
    assert {p.stem for p in (concept / "characters").glob("*.png")} == {"mary", "joe"}
    assert {p.stem for p in (concept / "locations").glob("*.png")} == {"diner", "parking-lot"}


def test_editing_one_line_re_encodes_only_the_shots_it_lengthens(made: Made) -> None:
    ran = _ran(made.project, made.second_run)
    assert "scene/2/reel" in ran
    assert "scene/1/reel" not in ran, "scene 1 did not change, so its reel must be reused"
    assert "scene/1/frames" not in ran
    assert {n for n in ran if "/speech/" in n} == {"scene/2/speech/1"}
    new_segments = made.segments_after - made.segments_before
    scene_two = [s for s in _shots(made.project) if s["scene"] == "2"]
    assert 1 <= len(new_segments) < len(scene_two), (len(new_segments), len(scene_two))


def test_the_film_matches_its_timeline_to_the_frame(made: Made) -> None:
    film = made.project.out_path / "film.mp4"
    info = probe(film)
    (video,) = info.of_kind("video")
    (audio,) = info.of_kind("audio")
    assert (video.codec, audio.codec, audio.language) == ("h264", "aac", "eng")
    cut = otio.adapters.read_from_file(str(made.project.out_path / "cut.otio"))
    expected = cut.video_tracks()[0].duration().to_seconds()
    assert abs(video.seconds - expected) <= 1 / 24 + 1e-6
    # The title card and the credits stand in the cut as gaps of their length; scene 1 starts after the title.
    gaps = [item for item in cut.video_tracks()[0] if isinstance(item, otio.schema.Gap)]
    assert [(g.name, g.duration().to_seconds()) for g in gaps] == [("Titles", 4.0), ("Credits", 8.0)]
    assert cut.tracks.markers[0].marked_range.start_time.to_seconds() == 4.0
    names = [c.title for c in info.chapters]
    assert names[:2] == ["Titles", "1. INT. DINER - NIGHT"] and names[-1] == "Credits"
    credits = info.chapters[-1]
    assert abs((credits.end - credits.start) - 8.0) <= 1 / 24 + 1e-6


def test_the_cut_has_a_clip_per_shot_and_the_edl_reads_back(made: Made) -> None:
    out = made.project.out_path
    cut = otio.adapters.read_from_file(str(out / "cut.otio"))
    clips = list(cut.video_tracks()[0].find_clips())
    assert len(clips) == len(_shots(made.project))
    assert [m.name for m in cut.tracks.markers] == ["Scene 1", "Scene 2"]
    edl = otio.adapters.read_from_file(str(out / "cut.edl"), adapter_name="cmx_3600", rate=24)
    assert len(list(edl.find_clips())) == len(clips)
    assert (out / "cut.xml").read_text().lstrip().startswith("<?xml")
    assert (out / "storyboard.pdf").read_bytes().startswith(b"%PDF")


def test_shots_hold_as_long_as_their_recorded_lines(made: Made) -> None:
    with made.project.open_store() as store:
        latest = store.latest()
        timing = json.loads(store.output(latest["scene/1/timing"].key))
        recording = store.output(latest["scene/1/speech/3"].key)
    samples, rate = soundfile.read(io.BytesIO(recording))
    line = next(line for line in timing["lines"] if line["element"] == 3)
    assert line["end"] - line["start"] == pytest.approx(len(samples) / rate, abs=1e-3)
    starts = [shot["start"] for shot in timing["shots"]]
    assert starts == sorted(starts)
    assert timing["seconds"] >= line["end"]


def test_the_mix_meets_broadcast_loudness_and_stems_are_exported(made: Made) -> None:
    stems = made.project.out_path / "stems"
    mix, rate = soundfile.read(stems / "mix.wav")
    assert pyloudnorm.Meter(rate).integrated_loudness(mix) == pytest.approx(-23.0, abs=1.0)
    assert true_peak(mix) < -1.0 + 0.05
    for name in ("dialogue.wav", "music.wav"):
        assert soundfile.info(stems / name).duration == pytest.approx(len(mix) / rate, abs=0.01)
    score = mido.MidiFile(stems / "score" / "score.mid")
    assert sum(1 for track in score.tracks for m in track if m.type == "note_on") > 20
    assert {p.name for p in (stems / "score").glob("1M*.mid")} == {"1M1.mid", "1M2.mid"}
    casting = (made.project.out_path / "casting.md").read_text()
    assert "| MARY |" in casting and "| JOE |" in casting


def test_every_output_is_signed_and_the_film_chains_to_its_frames(made: Made) -> None:
    from clapboard.trust.credentials import development_roots, read_manifest

    out = made.project.out_path
    roots = development_roots(made.project.store_path / "trust")
    film = read_manifest(out / "film.mp4", roots)
    assert film is not None and film.valid
    assert len(film.ingredients) == len(_shots(made.project)) + 1  # every frame and the mix
    frame = read_manifest(next((out / "frames" / "1").glob("*.png")), roots)
    assert frame is not None and frame.origin is not None and frame.origin.backend == "sketch"
    assert (out / "cut.otio.c2pa").is_file() and (out / "subtitles" / "en.srt.c2pa").is_file()
    credits = (out / "credits.md").read_text(encoding="utf-8")
    for model in ("sketch", "piper", "fluidsynth"):
        assert model in credits


def test_frames_carry_a_watermark_that_survives_jpeg(made: Made) -> None:
    from clapboard.trust.watermark import detect

    path = next((made.project.out_path / "frames" / "2").glob("*.png"))
    with Image.open(path) as image:
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, "JPEG", quality=80)
    mark = detect(path.read_bytes())
    assert mark is not None
    assert detect(buffer.getvalue()) == mark
