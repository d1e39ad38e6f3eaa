"""Finding and running ffmpeg and ffprobe, and reading a file back with the probe."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from clapboard.errors import BackendUnavailable
from clapboard.media import MediaError, probe
from clapboard.media.ffmpeg import ffmpeg, ffmpeg_path, ffprobe_path
from tests.media.frames import tone


@pytest.fixture
def no_programs_on_the_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.setenv("PATH", str(tmp_path))
    ffmpeg_path.cache_clear()
    ffprobe_path.cache_clear()
    yield
    ffmpeg_path.cache_clear()
    ffprobe_path.cache_clear()


def test_a_missing_ffprobe_says_how_to_install_it(no_programs_on_the_path: None) -> None:
    with pytest.raises(BackendUnavailable, match="apt-get install ffmpeg"):
        ffprobe_path()


def test_without_a_system_ffmpeg_the_bundled_one_is_used_if_installed(no_programs_on_the_path: None) -> None:
    try:
        import imageio_ffmpeg
    except ImportError:
        with pytest.raises(BackendUnavailable):
            ffmpeg_path()
    else:
        assert ffmpeg_path() == imageio_ffmpeg.get_ffmpeg_exe()


def test_a_failing_command_reports_what_ffmpeg_said(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match=r"film\.mp4: ffmpeg failed: .*nothing\.wav"):
        ffmpeg("-i", tmp_path / "nothing.wav", tmp_path / "out.mp4", concerning=tmp_path / "film.mp4")


def test_the_probe_reads_a_sound_file(tmp_path: Path) -> None:
    info = probe(tone(tmp_path / "a.wav", 1.5, 440, rate=16_000))
    (sound,) = info.streams
    assert (sound.kind, sound.codec, sound.channels, sound.sample_rate) == ("audio", "pcm_s16le", 1, 16_000)
    assert info.seconds == pytest.approx(1.5)
    assert info.of_kind("video") == ()


def test_probing_a_missing_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match=r"gone\.mp4"):
        probe(tmp_path / "gone.mp4")
