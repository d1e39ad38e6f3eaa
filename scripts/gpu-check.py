"""Draw a few storyboard frames through the diffusers backend on a GPU and print the seconds each took.

Usage: python scripts/gpu-check.py MODEL [--frames 4] [--width 1024] [--height 576] [--steps 1] [--out DIR]

MODEL is a diffusers model folder (stabilityai/sd-turbo saved locally) or a hub id
already in the Hugging Face cache; nothing is downloaded. The first frame pays for
CUDA's warm-up and is reported apart from the rest.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from clapboard.engine.registry import find_backend

KITCHEN = {"location": "KITCHEN", "interior": True, "exterior": False, "time": "NIGHT"}
MAYA = {"name": "MAYA", "x": -0.4, "looks": "frame right", "speaking": True, "description": "a woman, short red hair"}
JOE = {"name": "JOE", "x": 0.5, "looks": "frame left", "shoulder": True, "description": "a bearded man, grey coat"}
#: Four frames of one scene: a master, a single, its reverse over the shoulder, and a character sheet.
BRIEFS = [
    {"kind": "shot", "size": "WS", "angle": "eye level", "setting": KITCHEN, "figures": [MAYA, JOE]},
    {"kind": "shot", "size": "MCU", "angle": "eye level", "setting": KITCHEN, "figures": [MAYA]},
    {"kind": "shot", "size": "MS", "angle": "high", "setting": KITCHEN, "figures": [{**JOE, "shoulder": False}, MAYA]},
    {"kind": "character", "label": "MAYA", "figures": [MAYA]},
]


def main() -> int:
    """Render the frames, print load time and seconds per frame; exit 1 when the device cannot be used."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="diffusers model folder, or hub id in the local cache")
    parser.add_argument("--frames", type=int, default=4)
    parser.add_argument("--width", type=int, default=1024)
    parser.add_argument("--height", type=int, default=576)
    parser.add_argument("--steps", type=int, default=1)
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--out", type=Path, help="folder to write the frames to, as PNG")
    args = parser.parse_args()

    import torch

    if args.device.startswith("cuda") and not torch.cuda.is_available():
        print(f"gpu-check: torch {torch.__version__} sees no CUDA device", file=sys.stderr)
        return 1
    folder = Path(args.model)
    model, options = (folder, {}) if folder.is_dir() else (None, {"model_id": args.model})
    board = find_backend("diffusers")(model, {**options, "device": args.device, "steps": args.steps})
    where = torch.cuda.get_device_name() if args.device.startswith("cuda") else args.device
    size = f"{args.width}x{args.height}"
    print(f"gpu-check: {args.model} on {where}, {size}, {args.steps} step(s), torch {torch.__version__}")

    started = time.perf_counter()
    board.draw("warm-up", seed=0, width=64, height=64)  # loads the weights
    print(f"load and first small frame: {time.perf_counter() - started:.2f} s")
    seconds = []
    for n in range(args.frames):
        brief = BRIEFS[n % len(BRIEFS)]
        started = time.perf_counter()
        png = board.draw("", seed=n + 1, width=args.width, height=args.height, brief=brief)
        seconds.append(time.perf_counter() - started)
        print(f"frame {n + 1} ({brief['kind']}): {seconds[-1]:.3f} s  {board.prompt('', brief)!r}")
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"frame-{n + 1}.png").write_bytes(png)
    later = seconds[1:] or seconds
    print(f"seconds per frame: first {seconds[0]:.3f}, then mean {statistics.mean(later):.3f}")
    if args.device.startswith("cuda"):
        print(f"peak GPU memory: {torch.cuda.max_memory_allocated() / 2**30:.2f} GiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
