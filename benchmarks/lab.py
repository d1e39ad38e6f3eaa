"""Model lab: training steps a second of each model kind at size 64, batch 32, default widths.

Each model trains on the built-in shapes set through the lab's own training
loop (:func:`clapboard.lab.train.train`), as ``clapboard lab train`` runs it:
a warm-up step first (the first pays for allocation and kernel choice), then
about ``--seconds`` of measured steps, counted without the time spent writing
checkpoints. It runs on the CPU, and on CUDA too when torch sees a GPU. There
is no peer library to compare with, so it prints one line a model and device,
such as:

    dcgan cpu: 12.3 steps/s (batch 32, size 64, 2 threads)

and exits non-zero if any model failed to train.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import torch

from clapboard.lab import base, data
from clapboard.lab.train import train

SIZE = 64
BATCH = 32
#: Steps before the measurement starts: the first pays for allocation; at size 64 a CPU step can take seconds.
WARMUP = 1
#: Images in the training set: enough for several distinct batches, cheap to draw.
IMAGES = 512


def steps_per_second(kind: str, device: str, images: torch.Tensor, labels: torch.Tensor, seconds: float) -> float:
    """Training steps a second of a fresh ``kind`` on ``device``, measured over about ``seconds``."""
    torch.manual_seed(0)
    config: dict[str, object] = {"kind": kind, "size": SIZE, "channels": 3}
    if kind == "cgan":
        config["classes"] = len(data.CLASSES)
    model = base.build(config)
    with tempfile.TemporaryDirectory(prefix=f"clapboard-lab-{kind}-") as folder:
        out = Path(folder)
        # Each call below resumes from the checkpoint the one before wrote: the same model trains on throughout.
        warm = train(model, images, labels, steps=WARMUP, out=out, batch=BATCH, every=WARMUP, device=device, samples=0)
        step, spent, done = warm.step, 0.0, 0
        rate = warm.rate
        while spent < seconds:
            chunk = max(1, round(rate * (seconds - spent) / 2))
            part = train(
                model, images, labels, steps=step + chunk, out=out, batch=BATCH, every=chunk, device=device, samples=0
            )
            step, spent, done = part.step, spent + part.train_seconds, done + part.steps
            rate = done / spent
        return rate


def main() -> None:
    """Measure every kind on every device there is; print a line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured training time per model and device")
    parser.add_argument("--threads", type=int, default=None, help="CPU threads for torch (default: torch's choice)")
    parser.add_argument("--models", default=",".join(base.KINDS), help="comma-separated kinds to measure")
    options = parser.parse_args()
    if options.threads:
        torch.set_num_threads(options.threads)
    kinds = [kind.strip() for kind in options.models.split(",") if kind.strip()]
    unknown = [kind for kind in kinds if kind not in base.KINDS]
    if unknown:
        parser.error(f"unknown model(s) {', '.join(unknown)}; known: {', '.join(base.KINDS)}")
    devices = ["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"]
    images, labels = data.shapes(IMAGES, size=SIZE, seed=0)
    failed = []
    for device in devices:
        for kind in kinds:
            try:
                rate = steps_per_second(kind, device, images, labels, options.seconds)
            except Exception as exc:  # a benchmark reports every model's failure, then fails as a whole
                failed.append(kind)
                print(f"{kind} {device}: FAILED ({type(exc).__name__}: {exc})")
                continue
            threads = torch.get_num_threads()
            where = f"{threads} thread{'s' * (threads != 1)}" if device == "cpu" else torch.cuda.get_device_name()
            print(f"{kind} {device}: {rate:.3g} steps/s (batch {BATCH}, size {SIZE}, {where})", flush=True)
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
