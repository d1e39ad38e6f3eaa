"""The cut as OpenTimelineIO, and the EDL and FCP XML its adapters write."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
import pytest

from clapboard.media import (
    AudioTrack,
    Format,
    MediaError,
    Move,
    MoveKind,
    Panel,
    Transition,
    render,
    timeline,
    write_cut,
)
from clapboard.screenplay import fountain
from tests.media.frames import frame, tone

SMALL = Format(320, 180, 24)

SCRIPT = """\
INT. DINER - NIGHT

MARY waits in a booth.

MARY
Black, like the night.

JOE
Coming right up.

EXT. PARKING LOT - NIGHT

Rain. Joe runs to his car.

JOE
Keep the engine running.
"""


def panels_from_script() -> list[Panel]:
    """Two panels a scene: a wide shot of the heading, then one per speech (the way a first board is drawn)."""
    panels: list[Panel] = []
    for scene in fountain.parse(SCRIPT).scenes:
        number = str(scene.index + 1)
        panels.append(
            Panel(
                frame((40 * len(panels) % 255, 90, 150)),
                1.5,
                scene=number,
                shot=f"{number}A",
                size="WS",
                caption=scene.heading.text,
            )
        )
        for n, speech in enumerate(scene.dialogues, start=1):
            panels.append(
                Panel(
                    frame((150, 40 * len(panels) % 255, 90)),
                    1,
                    scene=number,
                    shot=f"{number}{'BCDEF'[n - 1]}",
                    size="MCU",
                    move=Move.of(MoveKind.PUSH_IN) if n == 1 else Move(),
                    transition=Transition.dissolve(6) if n == 1 else Transition(),
                    dialogue=(f"{speech.character.name}: {speech.spoken_text}",),
                )
            )
    return panels


@pytest.fixture(scope="module")
def cut(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Panel], otio.schema.Timeline, dict[str, Path]]:
    folder = tmp_path_factory.mktemp("cut")
    panels = panels_from_script()
    reel = render(panels, SMALL, folder / "segments")
    sound = AudioTrack(tone(folder / "dialogue.wav", 4, 300), "eng", "Dialogue")
    made = timeline(panels, SMALL, reel=reel, audio=[sound], name="The Diner")
    return panels, made, write_cut(made, folder)


def test_the_timeline_has_a_clip_per_panel_on_its_segment(cut: tuple[list[Panel], otio.schema.Timeline, dict]) -> None:
    panels, made, _ = cut
    (picture,) = made.video_tracks()
    clips = list(picture.find_clips())
    assert len(clips) == len(panels) == 5
    assert [c.name for c in clips] == ["1A", "1B", "1C", "2A", "2B"]
    assert all(c.media_reference.target_url.endswith(".mp4") for c in clips)
    assert clips[1].metadata["clapboard"]["transition"] == {"kind": "dissolve", "frames": 6}
    assert picture.duration() == otio.opentime.RationalTime(2 * 36 + 3 * 24, 24)


def test_times_are_exact_frames_at_the_film_rate(cut: tuple[list[Panel], otio.schema.Timeline, dict]) -> None:
    _, made, _ = cut
    starts = [made.video_tracks()[0].range_of_child_at_index(i).start_time for i in range(5)]
    assert [t.value for t in starts] == [0, 36, 60, 84, 120]
    assert {t.rate for t in starts} == {24}


def test_sound_sits_on_its_own_track_cut_to_the_picture(cut: tuple[list[Panel], otio.schema.Timeline, dict]) -> None:
    _, made, _ = cut
    (sound,) = made.audio_tracks()
    (clip,) = sound.find_clips()
    assert clip.metadata["clapboard"]["language"] == "eng"
    assert clip.source_range.duration == otio.opentime.RationalTime(96, 24)


def test_each_scene_is_marked(cut: tuple[list[Panel], otio.schema.Timeline, dict]) -> None:
    _, made, _ = cut
    marks = [(m.name, m.marked_range.start_time.value, m.marked_range.duration.value) for m in made.tracks.markers]
    assert marks == [("Scene 1", 0, 84), ("Scene 2", 84, 60)]


def test_the_otio_file_loads_back_whole(cut: tuple[list[Panel], otio.schema.Timeline, dict]) -> None:
    panels, made, files = cut
    loaded = otio.adapters.read_from_file(str(files["cut.otio"]))
    assert len(list(loaded.video_tracks()[0].find_clips())) == len(panels)
    assert loaded.is_equivalent_to(made)


def test_the_edl_parses_back_with_one_event_per_panel(cut: tuple[list[Panel], otio.schema.Timeline, dict]) -> None:
    panels, _, files = cut
    edl = otio.adapters.read_from_file(str(files["cut.edl"]), adapter_name="cmx_3600", rate=24)
    clips = list(edl.find_clips())
    assert len(clips) == len(panels)
    assert [c.metadata["cmx_3600"]["reel"] for c in clips] == ["1A", "1B", "1C", "2A", "2B"]
    assert edl.duration() == otio.opentime.RationalTime(144, 24)


def test_the_fcp_xml_reads_back_with_picture_and_sound(cut: tuple[list[Panel], otio.schema.Timeline, dict]) -> None:
    panels, _, files = cut
    xml = otio.adapters.read_from_file(str(files["cut.xml"]), adapter_name="fcp_xml")
    assert len(list(xml.video_tracks()[0].find_clips())) == len(panels)
    assert len(xml.audio_tracks()) == 1


def test_without_a_reel_clips_point_at_frames_given_as_files(tmp_path: Path) -> None:
    (tmp_path / "1A.png").write_bytes(frame((9, 9, 9)))
    made = timeline([Panel(tmp_path / "1A.png", 1), Panel(frame((9, 9, 99)), 1)], SMALL)
    first, second = made.video_tracks()[0].find_clips()
    assert first.media_reference.target_url.endswith("1A.png")
    assert isinstance(second.media_reference, otio.schema.MissingReference)


def test_a_reel_of_another_board_is_refused(tmp_path: Path) -> None:
    reel = render([Panel(frame((9, 9, 9)), 1)], SMALL, tmp_path)
    with pytest.raises(MediaError, match="1 segments for 2 panels"):
        timeline([Panel(frame((9, 9, 9)), 1)] * 2, SMALL, reel=reel)
