"""The training loop: checkpoints, sample sheets and the loss log on disk, and runs that resume to the same bits."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import torch
from PIL import Image

from clapboard.errors import ClapboardError
from clapboard.lab import base, checkpoint, data
from clapboard.lab.train import Training, contact_sheet, train

#: Tiny models: 16 pixels a side, narrow nets, so a step takes milliseconds on one core.
TINY = {"size": 16, "channels": 3, "width": 8}


def tiny(kind: str, seed: int = 0) -> base.LabModel:
    """A fresh tiny model of ``kind`` whose first weights come from ``seed``."""
    torch.manual_seed(seed)
    config = {"kind": kind, **TINY}
    if kind == "cgan":
        config["classes"] = len(data.CLASSES)
    return base.build(config)


@pytest.fixture(scope="module")
def shapes() -> tuple[torch.Tensor, torch.Tensor]:
    return data.shapes(96, size=16, seed=0)


def losses(out: Path) -> list[list[str]]:
    with (out / "losses.csv").open(newline="") as fh:
        return list(csv.reader(fh))


def same_weights(one: base.LabModel, other: base.LabModel) -> bool:
    mine, theirs = one.state_dict(), other.state_dict()
    return mine.keys() == theirs.keys() and all(torch.equal(mine[key], theirs[key]) for key in mine)


def test_a_run_writes_its_checkpoint_sample_sheets_and_losses(tmp_path: Path, shapes) -> None:
    images, labels = shapes
    model = tiny("dcgan")
    generator = torch.get_rng_state()
    done = train(model, images, labels, steps=6, out=tmp_path, batch=16, every=3, samples=4)
    assert torch.equal(torch.get_rng_state(), generator)  # reseeded every step inside, handed back as it was

    assert isinstance(done, Training)
    assert (done.kind, done.first, done.step, done.steps) == ("dcgan", 0, 6, 6)
    assert done.rate > 0 and done.seconds >= done.train_seconds > 0
    assert set(done.losses) == {"discriminator", "generator", "real", "fake"}
    saved, step = checkpoint.load(tmp_path / "dcgan.safetensors")
    assert step == 6 and saved.config == model.config and same_weights(saved, model)
    sheets = sorted(path.name for path in (tmp_path / "samples").iterdir())
    assert sheets == ["step-000003.png", "step-000006.png"]
    with Image.open(tmp_path / "samples" / "step-000006.png") as sheet:
        assert sheet.format == "PNG" and sheet.size == (2 * 18 + 2, 2 * 18 + 2)  # 2 x 2 tiles of 16 with 2-pixel gaps
    rows = losses(tmp_path)
    assert rows[0] == ["step", "discriminator", "generator", "real", "fake"]
    assert [int(row[0]) for row in rows[1:]] == [1, 2, 3, 4, 5, 6]
    assert all(float(value) >= 0 for row in rows[1:] for value in row[1:])


def test_sheets_are_drawn_from_the_same_noise_each_time(tmp_path: Path, shapes) -> None:
    images, labels = shapes
    model = tiny("dcgan")
    train(model, images, labels, steps=2, out=tmp_path, batch=16, every=1, samples=4)
    # The last sheet is what the model draws now from the training seed; the first, from the same noise, differs
    # only by the step of training between them.
    with Image.open(tmp_path / "samples" / "step-000002.png") as sheet:
        assert sheet.tobytes() == contact_sheet(model, 4, seed=0).tobytes()
    with Image.open(tmp_path / "samples" / "step-000001.png") as earlier:
        assert earlier.tobytes() != contact_sheet(model, 4, seed=0).tobytes()


def test_a_conditional_model_samples_a_row_per_class(tmp_path: Path, shapes) -> None:
    images, labels = shapes
    model = tiny("cgan")
    train(model, images, labels, steps=1, out=tmp_path, batch=16, every=1, samples=6)
    with Image.open(tmp_path / "samples" / "step-000001.png") as sheet:
        assert sheet.size == (2 * 18 + 2, 3 * 18 + 2)  # three classes, two samples each
        tiles = [sheet.crop((2, 2 + row * 18, 18, 18 + row * 18)).tobytes() for row in range(3)]
    assert len(set(tiles)) == 3
    only_squares = contact_sheet(model, 2, seed=0, label=1)
    assert only_squares.size == (2 * 18 + 2, 18 + 2)
    with pytest.raises(ClapboardError, match="labelled"):
        train(tiny("cgan"), images, None, steps=1, out=tmp_path / "unlabelled", every=1)
    with pytest.raises(ClapboardError, match="classes 0 to 2"):
        contact_sheet(model, 2, seed=0, label=3)


@pytest.mark.parametrize("kind", list(base.KINDS))
def test_a_run_resumed_from_its_checkpoint_ends_where_an_uninterrupted_one_does(
    tmp_path: Path, shapes, kind: str
) -> None:
    images, labels = shapes
    whole = tiny(kind)
    train(whole, images, labels, steps=10, out=tmp_path / "whole", batch=16, every=4, samples=0)

    # Stopped at 6, between two checkpoints of the 10-step run, then asked for more: a fresh model picks it up.
    train(tiny(kind), images, labels, steps=6, out=tmp_path / "split", batch=16, every=4, samples=0)
    resumed = tiny(kind, seed=99)  # its own first weights are replaced by the checkpoint's
    done = train(resumed, images, labels, steps=10, out=tmp_path / "split", batch=16, every=4, samples=0)

    assert (done.first, done.step) == (6, 10)
    assert same_weights(resumed, whole)
    assert losses(tmp_path / "split") == losses(tmp_path / "whole")
    for mine, theirs in zip(resumed.optimizers().values(), whole.optimizers().values(), strict=True):
        state, other = mine.state_dict()["state"], theirs.state_dict()["state"]
        assert state.keys() == other.keys()
        assert all(torch.equal(state[i][key], other[i][key]) for i in state for key in state[i])


def test_a_run_at_its_target_does_nothing(tmp_path: Path, shapes) -> None:
    images, labels = shapes
    train(tiny("vae"), images, labels, steps=2, out=tmp_path, batch=16, every=2, samples=1)
    before = (tmp_path / "vae.safetensors").read_bytes()
    done = train(tiny("vae"), images, labels, steps=1, out=tmp_path, batch=16, every=2, samples=1)
    assert (done.first, done.step, done.steps, done.rate) == (2, 2, 0, 0.0)
    assert (tmp_path / "vae.safetensors").read_bytes() == before
    assert [row[0] for row in losses(tmp_path)] == ["step", "1", "2"]


def test_losses_logged_after_the_checkpoint_are_dropped_on_resume(tmp_path: Path, shapes) -> None:
    images, labels = shapes
    train(tiny("vae"), images, labels, steps=4, out=tmp_path / "whole", batch=16, every=2, samples=0)
    train(tiny("vae"), images, labels, steps=2, out=tmp_path / "crashed", batch=16, every=2, samples=0)
    # What a kill leaves when the log reached the disk past the checkpoint: a later row, and one cut short.
    with (tmp_path / "crashed" / "losses.csv").open("a") as log:
        log.write("3,1.5,1.25,0.25\n4,1.")
    train(tiny("vae"), images, labels, steps=4, out=tmp_path / "crashed", batch=16, every=2, samples=0)
    assert losses(tmp_path / "crashed") == losses(tmp_path / "whole")


def test_a_folder_keeps_one_model_and_its_settings(tmp_path: Path, shapes) -> None:
    images, labels = shapes
    train(tiny("vae"), images, labels, steps=1, out=tmp_path, batch=16, every=1, samples=0)
    torch.manual_seed(0)
    wider = base.build({"kind": "vae", **TINY, "width": 16})
    with pytest.raises(ClapboardError, match=r"width 8 \(asked: 16\)"):
        train(wider, images, labels, steps=2, out=tmp_path, batch=16, every=1, samples=0)
    with pytest.raises(ClapboardError, match="holds a vae run"):
        train(tiny("aae"), images, labels, steps=2, out=tmp_path, batch=16, every=1, samples=0)


KILLED_RUN = """
import sys
from pathlib import Path
import torch
torch.set_num_threads(1)
from clapboard.lab import base, data
from clapboard.lab.train import train
images, labels = data.shapes(96, size=16, seed=0)
torch.manual_seed(0)
model = base.build({"kind": "dcgan", "size": 16, "channels": 3, "width": 8})
train(model, images, labels, steps=100_000, out=Path(sys.argv[1]), batch=16, every=5, samples=0)
"""


@pytest.mark.slow
def test_a_killed_run_loses_only_the_steps_since_its_checkpoint(tmp_path: Path, shapes) -> None:
    images, labels = shapes
    out = tmp_path / "killed"
    run = subprocess.Popen([sys.executable, "-c", textwrap.dedent(KILLED_RUN), str(out)])
    try:
        deadline = time.monotonic() + 60
        while not (out / "dcgan.safetensors").exists():
            assert run.poll() is None and time.monotonic() < deadline, "the run never wrote a checkpoint"
            time.sleep(0.01)
        time.sleep(0.15)  # let it get part way into the next interval
    finally:
        os.kill(run.pid, signal.SIGKILL)
        run.wait()
    _, step = checkpoint.load(out / "dcgan.safetensors")
    assert step > 0 and step % 5 == 0

    target = step + 7
    resumed = tiny("dcgan", seed=1)
    done = train(resumed, images, labels, steps=target, out=out, batch=16, every=5, samples=0)
    whole = tiny("dcgan")
    train(whole, images, labels, steps=target, out=tmp_path / "whole", batch=16, every=5, samples=0)
    assert (done.first, done.step) == (step, target)
    assert same_weights(resumed, whole)
    # Rows logged after the checkpoint, by steps the kill undid, are gone: each step appears once.
    assert losses(out) == losses(tmp_path / "whole")
