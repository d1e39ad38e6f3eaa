"""``clapboard lab``: train, sample and restore from the command line, with real files and one-line errors."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw
from typer.testing import CliRunner

from clapboard.cli import app

TINY = ["--size", "16", "--width", "8", "--batch", "8"]


def lab(*args: str | Path) -> tuple[int, str, str]:
    """Run ``clapboard lab ARGS`` through the root command, which prints errors in one line: exit code, out, err."""
    result = CliRunner().invoke(app, ["lab", *map(str, args)])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def picture(path: Path, size: tuple[int, int], colour: tuple[int, int, int]) -> Path:
    """A frame with a gradient and a box, so each pixel has its own value to keep or change."""
    ramp = np.linspace(30, 220, size[0], dtype=np.float32)[None, :].repeat(size[1], 0)
    pixels = np.stack([ramp, ramp[:, ::-1], np.full_like(ramp, colour[2])], axis=2).astype(np.uint8)
    frame = Image.fromarray(pixels)
    ImageDraw.Draw(frame).rectangle((10, 10, size[0] // 2, size[1] // 2), fill=colour)
    frame.save(path)
    return path


def test_train_then_sample_write_a_checkpoint_and_sheets(tmp_path: Path) -> None:
    out = tmp_path / "run"
    code, said, _ = lab("train", "dcgan", "--data", "shapes", "--steps", "4", "--every", "2", "--out", out, *TINY)
    assert code == 0, said
    assert "trained dcgan from scratch to step 4" in said
    assert (out / "dcgan.safetensors").is_file()
    assert sorted(p.name for p in (out / "samples").iterdir()) == ["step-000002.png", "step-000004.png"]
    assert (out / "losses.csv").read_text().splitlines()[0] == "step,discriminator,generator,real,fake"

    code, said, _ = lab("train", "dcgan", "--data", "shapes", "--steps", "4", "--out", out, *TINY)
    assert code == 0 and "already at step 4" in said

    grid = tmp_path / "grid.png"
    code, said, _ = lab("sample", out / "dcgan.safetensors", "--count", "6", "--seed", "3", "--out", grid)
    assert code == 0, said
    with Image.open(grid) as sheet:
        assert sheet.format == "PNG" and sheet.size == (3 * 18 + 2, 2 * 18 + 2)
    again = tmp_path / "again.png"
    lab("sample", out / "dcgan.safetensors", "--count", "6", "--seed", "3", "--out", again)
    assert again.read_bytes() == grid.read_bytes()

    code, _, told = lab("sample", out / "dcgan.safetensors", "--label", "1")
    assert code == 1 and told.count("\n") == 1 and "not conditional" in told


def test_a_cgan_learns_the_classes_of_its_sub_folders(tmp_path: Path) -> None:
    frames = tmp_path / "frames"
    for name, colour in (("day", (240, 220, 120)), ("night", (20, 30, 90))):
        (frames / name).mkdir(parents=True)
        for number in range(3):
            picture(frames / name / f"{number}.png", (24, 20), colour)
    out = tmp_path / "run"
    code, said, told = lab("train", "cgan", "--data", frames, "--steps", "2", "--every", "2", "--out", out, *TINY)
    assert code == 0, told
    assert "classes: 0 day, 1 night" in said
    code, said, _ = lab("sample", out / "cgan.safetensors", "--label", "1", "--count", "2", "--out", tmp_path / "n.png")
    assert code == 0 and (tmp_path / "n.png").is_file()
    code, _, told = lab("sample", out / "cgan.safetensors", "--label", "2")
    assert code == 1 and "classes 0 to 1" in told

    picture(frames / "loose.png", (24, 20), (0, 0, 0))
    code, _, told = lab("train", "cgan", "--data", frames, "--steps", "2", "--out", tmp_path / "other", *TINY)
    assert code == 1 and "loose.png lies directly in it" in told


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["train", "dcgan", "--data", "{tmp}/nowhere", "--steps", "1"], "--data {tmp}/nowhere: no such folder"),
        (["train", "dcgan", "--data", "{tmp}", "--steps", "1"], "{tmp}: no PNG, JPEG or WebP images"),
        (["train", "gan", "--data", "shapes", "--steps", "1"], "unknown model 'gan'; choose one of dcgan, cgan"),
        (["train", "dcgan", "--data", "shapes", "--steps", "1", "--size", "24"], "power of two"),
        (["train", "vae", "--data", "shapes", "--steps", "1", "--classes-from-folders"], "a vae learns no classes"),
        (["train", "dcgan", "--data", "shapes", "--steps", "1", "--device", "tpu"], "--device tpu"),
        (["sample", "{tmp}/missing.safetensors"], "{tmp}/missing.safetensors: no such checkpoint"),
    ],
)
def test_mistakes_are_told_in_one_line(tmp_path: Path, args: list[str], complaint: str) -> None:
    code, _, told = lab(*(arg.format(tmp=tmp_path) for arg in args))
    assert code == 1
    assert told.startswith("error: ") and told.count("\n") == 1
    assert complaint.format(tmp=tmp_path) in told
    assert not list(tmp_path.rglob("*.safetensors"))


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """The checkpoint of a model of a kind trained two steps on the shapes, as the CLI trains it; made once a kind."""
    folder = tmp_path_factory.mktemp("checkpoints")
    made: dict[str, Path] = {}

    def checkpoint(kind: str) -> Path:
        if kind not in made:
            code, _, told = lab("train", kind, "--data", "shapes", "--steps", "2", "--out", folder / kind, *TINY)
            assert code == 0, told
            made[kind] = folder / kind / f"{kind}.safetensors"
        return made[kind]

    return checkpoint


@pytest.mark.slow  # a diffusion model's first training step pays seconds of one-off set-up in torch
def test_restore_fills_only_the_masked_pixels(tmp_path: Path, trained: Callable[[str], Path]) -> None:
    frame = picture(tmp_path / "frame.png", (96, 64), (200, 40, 40))
    mask = Image.new("L", (96, 64))
    mask.paste(255, (40, 20, 60, 36))
    mask.save(tmp_path / "mask.png")
    code, said, told = lab(
        "restore", frame, "--mask", tmp_path / "mask.png", "--model", trained("ddpm"), "--steps", "3"
    )
    assert code == 0, told
    restored = tmp_path / "frame-restored.png"
    assert said.strip() == f"wrote {restored}"
    before, after = np.asarray(Image.open(frame)), np.asarray(Image.open(restored))
    assert after.shape == before.shape
    outside = np.asarray(mask) == 0
    assert np.array_equal(after[outside], before[outside])
    assert not np.array_equal(after[~outside], before[~outside])

    small = tmp_path / "small.png"
    mask.resize((48, 32)).save(small)
    code, _, told = lab("restore", frame, "--mask", small, "--model", trained("ddpm"))
    assert code == 1 and told.count("\n") == 1 and "48×32 but" in told and "must match the frame" in told
    code, _, told = lab("restore", frame, "--model", trained("ddpm"))
    assert code == 1 and "give --mask" in told


def test_restore_draws_in_betweens_with_a_vae(tmp_path: Path, trained: Callable[[str], Path]) -> None:
    first = picture(tmp_path / "a.png", (80, 45), (250, 250, 250))
    last = picture(tmp_path / "b.png", (80, 45), (10, 10, 10))
    code, _, told = lab(
        "restore", first, "--to", last, "--count", "2", "--model", trained("vae"), "--out", tmp_path / "tween.png"
    )
    assert code == 0, told
    for number in ("01", "02"):
        with Image.open(tmp_path / f"tween-{number}.png") as tween:
            assert tween.size == (80, 45)
    assert not (tmp_path / "tween-03.png").exists()


def test_restore_needs_a_ddpm_or_a_vae(tmp_path: Path, trained: Callable[[str], Path]) -> None:
    frame = picture(tmp_path / "frame.png", (32, 32), (0, 200, 0))
    code, _, told = lab("restore", frame, "--mask", frame, "--model", trained("dcgan"))
    assert code == 1 and "is a dcgan, which cannot restore frames" in told
    code, _, told = lab("restore", frame, "--model", trained("vae"))
    assert code == 1 and "give --to FRAME2" in told


def test_without_torch_the_lab_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # what find_spec and import see when torch is not installed
    code, _, told = lab("train", "dcgan", "--data", "shapes", "--steps", "1")
    assert code == 1
    assert told == "error: backend 'lab' is not available: pip install 'clapboard[lab]'\n"


def test_the_lab_commands_load_without_torch() -> None:
    check = "import sys, clapboard.lab.cli, clapboard.backends.lab_image; sys.exit('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", check], check=False).returncode == 0
