"""The image backend: a turbo text-to-image model (SD-Turbo, SDXL-Turbo) run by Hugging Face ``diffusers``.

Turbo models draw a frame in one to four denoising steps with no classifier-free
guidance, which makes a storyboard of hundreds of panels affordable on one GPU.
The model is a diffusers folder on disk (``model`` in ``clapboard.toml``) or a
hub id already in the local Hugging Face cache (option ``model_id``); nothing
is downloaded at run time. Frames are drawn at the model's own resolution (from
its config; SDXL-Turbo's says 1024 but it was trained at 512, so set the option
``resolution = 512`` for it) in the frame's shape, then scaled and cut to size.

The words sent to the model are built from the frame's brief (shot size and
angle, who is in it and where, the setting, the project's style) by
:func:`prompt_for`, a pure function that keeps within CLIP's 77-token window by
dropping the least important phrases first.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import threading
from collections.abc import Callable, Mapping
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path
from typing import Any, ClassVar

from clapboard.errors import BackendUnavailable, ClapboardError

INSTALL_HINT = "pip install 'clapboard[gpu]'"

#: Options a project may set in ``[backends] image = { name = "diffusers", options = {...} }``, with defaults.
DEFAULTS: dict[str, Any] = {
    "model_id": None,  # a hub id (or folder) to load instead of ``model``; read from the local cache only
    "device": None,  # "cuda", "cpu", "cuda:1"…; None: CUDA when there is one
    "steps": 1,  # denoising steps: turbo models are trained for 1, and rarely gain past 4
    "guidance": 0.0,  # classifier-free guidance; turbo models are trained without it
    "style": "storyboard frame, pencil sketch, grayscale",
    "character_seeds": {},  # character name -> seed of their sheet, to redraw one on purpose
    "resolution": None,  # the square side, in pixels, whose area the model draws best; None: from its config
}

#: Shot sizes as the brief abbreviates them, in the words image models were captioned with.
SIZES = {
    "EWS": "extreme wide shot",
    "WS": "wide shot",
    "FS": "full shot",
    "MWS": "medium wide shot",
    "MS": "medium shot",
    "MCU": "medium close-up",
    "CU": "close-up",
    "ECU": "extreme close-up",
}
ANGLES = {"eye level": "eye level", "high": "high angle", "low": "low angle", "overhead": "overhead view"}
EYELINES = {
    "camera": "looking into the lens",
    "away": "back to camera",
    "frame left": "looking left",
    "frame right": "looking right",
}
#: Scene-heading times that say nothing about the light.
_TIMELESS = {"continuous", "later", "moments later", "same", "same time"}

#: Tokens CLIP reads between its start and end tokens.
TOKEN_BUDGET = 75
# CLIP's pre-tokenizer: letters, single digits, runs of punctuation.
_PIECES = re.compile(r"[^\W\d_]+|\d|[^\w\s]+")


def estimate_tokens(text: str) -> int:
    """CLIP tokens in ``text``, estimated without its vocabulary: a long or rare word often splits in two."""
    return sum(1 + len(piece) // 9 for piece in _PIECES.findall(text))


def _installed(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "none"


def _setting(setting: Mapping[str, Any]) -> str:
    inside, outside = bool(setting.get("interior")), bool(setting.get("exterior"))
    where = {(True, False): "interior", (False, True): "exterior", (True, True): "interior and exterior"}.get(
        (inside, outside), ""
    )
    place = " ".join(part for part in (where, str(setting.get("location") or "").lower()) if part)
    time = str(setting.get("time") or "").lower()
    return ", ".join(part for part in (place, "" if time in _TIMELESS else time) if part)


def _figure(figure: Mapping[str, Any]) -> str:
    who = str(figure.get("description") or str(figure.get("name") or "a person").title())
    if figure.get("shoulder"):
        where = "seen from behind over the shoulder in the foreground"
    else:
        x = float(figure.get("x") or 0.0)  # -1 left edge … 1 right edge
        where = "on the left" if x < -1 / 3 else "on the right" if x > 1 / 3 else "in the centre"
    # From behind, the eyeline cannot be seen.
    doing = [] if figure.get("shoulder") else [EYELINES.get(str(figure.get("looks") or ""), "")]
    doing += ["talking" if figure.get("speaking") else "", "walking" if figure.get("moving") else ""]
    return ", ".join([f"{who} {where}", *(word for word in doing if word)])


def _trim(text: str, room: int, count: Callable[[str], int]) -> str:
    words = text.split()
    while words and count(" ".join(words)) > room:
        words.pop()
    return " ".join(words).rstrip(",")


def _fit(parts: list[tuple[int, str]], budget: int, count: Callable[[str], int]) -> str:
    """``parts`` (rank, phrase) joined in their order, the lowest ranks kept first within ``budget`` tokens.

    The first phrase that overflows is cut short and the rest dropped.
    """
    kept: dict[int, str] = {}
    left = budget
    for _, index in sorted((rank, i) for i, (rank, text) in enumerate(parts) if text):
        text = parts[index][1]
        comma = 1 if kept else 0
        cost = count(text) + comma
        if cost > left:
            trimmed = _trim(text, left - comma, count)
            if trimmed:
                kept[index] = trimmed
            break
        kept[index] = text
        left -= cost
    prompt = ", ".join(kept[i] for i in sorted(kept))
    # The estimate of a joined phrase may differ from its parts' sum by a token; never hand the model more.
    return _trim(prompt, budget, count)


def prompt_for(
    brief: Mapping[str, Any],
    style: str = DEFAULTS["style"],
    *,
    budget: int = TOKEN_BUDGET,
    count: Callable[[str], int] = estimate_tokens,
) -> str:
    """The words for a frame's brief, most telling first: framing, who is in it, the style, where it is, the action.

    ``count`` tells how many tokens a text takes (the model's tokenizer, or an estimate);
    phrases that do not fit in ``budget`` are dropped from the least telling up.
    """
    kind = brief.get("kind", "shot")
    figures = [f for f in brief.get("figures") or () if isinstance(f, Mapping)]
    setting = _setting(brief.get("setting") or {})
    action = str(brief.get("description") or brief.get("caption") or "").strip().rstrip(".")
    if kind == "character":
        subject = figures[0] if figures else {"name": brief.get("label")}
        who = str(subject.get("description") or str(subject.get("name") or "a person").title())
        parts = [(1, "character sheet, full body, front view"), (2, who), (5, action), (4, "plain background")]
    elif kind == "location":
        parts = [(1, "establishing shot"), (2, setting), (5, action), (4, "empty, no people")]
    else:
        size = str(brief.get("size") or "")
        angle = str(brief.get("angle") or "")
        framing = ", ".join(w for w in (SIZES.get(size, size.lower()), ANGLES.get(angle, angle)) if w)
        parts = [(1, framing)]
        parts += [(2 if i == 0 else 4, _figure(f)) for i, f in enumerate(figures)]
        parts += [(6, action), (5, setting)]
    # A still frame cannot show a camera move; the board's arrows say it instead.
    return _fit([*parts, (3, style)], budget, count)


def seed_for(brief: Mapping[str, Any] | None, seed: int, character_seeds: Mapping[str, int]) -> int:
    """The generator's seed: the step's for shots; a character's own for their sheet, so it never drifts.

    A sheet's seed is the one ``character_seeds`` names for them, or a stable hash of the name,
    so the same character looks the same from run to run whatever the shots around them do.
    """
    if brief is None or brief.get("kind") != "character":
        return seed % 2**63
    figures = brief.get("figures") or ()
    name = str((figures[0].get("name") if figures else None) or brief.get("label") or "")
    if name in character_seeds:
        return int(character_seeds[name]) % 2**63
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big") % 2**63


def canvas(width: int, height: int, resolution: int) -> tuple[int, int]:
    """The size to ask the model for: the frame's shape within the area it draws best, in multiples of 8."""
    scale = min(1.0, resolution / math.sqrt(width * height))
    return max(8, math.ceil(width * scale / 8) * 8), max(8, math.ceil(height * scale / 8) * 8)


def fit(image: Any, width: int, height: int) -> Any:
    """A PIL image scaled to cover ``width`` × ``height`` (only when smaller) and cut to it, centred."""
    from PIL import Image

    w, h = image.size
    if w < width or h < height:
        scale = max(width / w, height / h)
        w, h = max(width, round(w * scale)), max(height, round(h * scale))
        image = image.resize((w, h), Image.Resampling.LANCZOS)
    left, top = (w - width) // 2, (h - height) // 2
    return image.crop((left, top, left + width, top + height))


# Pipelines by (source, device): weights load once per process, whatever styles the backends ask for.
_pipelines: dict[tuple[str, str], Any] = {}
_loading = threading.Lock()
# A diffusers pipeline keeps its scheduler's state between calls: one frame at a time per pipeline.
_drawing: dict[tuple[str, str], threading.Lock] = {}


class Diffusers:
    """Frames from a turbo text-to-image model, drawn with ``diffusers`` on a GPU (or, slowly, the CPU)."""

    name: ClassVar[str] = "diffusers"
    # The library versions change the pixels; so does the model, which the registry hashes.
    version: ClassVar[str] = f"1+diffusers-{_installed('diffusers')}+torch-{_installed('torch')}"
    capabilities: ClassVar[frozenset[str]] = frozenset({"image"})
    install_hint: ClassVar[str] = INSTALL_HINT
    #: Read by the planner: image steps go to a worker with a GPU when the run has one.
    needs_gpu: ClassVar[bool] = True

    @classmethod
    def available(cls) -> bool:
        """True when torch, diffusers and transformers are installed; none of them is imported to tell."""
        return all(find_spec(module) is not None for module in ("torch", "diffusers", "transformers"))

    def __init__(self, model: Path | None = None, options: dict[str, Any] | None = None) -> None:
        unknown = set(options or {}) - set(DEFAULTS)
        if unknown:
            raise ClapboardError(
                f"backend 'diffusers': unknown option(s) {', '.join(sorted(unknown))}; known: {', '.join(DEFAULTS)}"
            )
        self.options = {**DEFAULTS, **(options or {})}
        if model is not None and self.options["model_id"]:
            raise ClapboardError("backend 'diffusers': give the model as a folder or as options.model_id, not both")
        source = str(model) if model is not None else self.options["model_id"]
        if not source:
            raise BackendUnavailable(
                self.name,
                "no model: set backends.image.model to a diffusers model folder (such as stabilityai/sd-turbo "
                "saved locally), or options.model_id to a hub id already in the Hugging Face cache",
            )
        self.source = str(source)
        self.steps = int(self.options["steps"])
        self.guidance = float(self.options["guidance"])
        self.style = str(self.options["style"])

    def _pipeline(self) -> tuple[Any, threading.Lock]:
        """The loaded pipeline and its lock, loading it on first use (torch is imported only then)."""
        try:
            import torch
            from diffusers import AutoPipelineForText2Image
        except ImportError:
            raise BackendUnavailable(self.name, INSTALL_HINT) from None
        device = self.options["device"] or ("cuda" if torch.cuda.is_available() else "cpu")
        key = (self.source, str(device))
        with _loading:
            if key not in _pipelines:
                # Half precision halves the memory and doubles the speed on a GPU; CPUs compute it slowly or not at all.
                dtype = torch.float16 if str(device).startswith("cuda") else torch.float32
                try:
                    pipeline = AutoPipelineForText2Image.from_pretrained(
                        self.source, dtype=dtype, local_files_only=True
                    )
                    pipeline = pipeline.to(device)
                # A folder that is not a whole diffusers model fails deep inside diffusers in many ways
                # (missing keys, bad JSON, odd tensors): each one is the model's fault, said in one line.
                except Exception as exc:
                    raise ClapboardError(f"backend 'diffusers': cannot load model {self.source}: {exc}") from None
                pipeline.set_progress_bar_config(disable=True)  # the CLI shows its own progress
                _pipelines[key] = pipeline
                _drawing[key] = threading.Lock()
            return _pipelines[key], _drawing[key]

    def prompt(self, prompt: str, brief: Mapping[str, Any] | None, tokenizer: Any = None) -> str:
        """The words the model gets: from the brief when there is one, else the step's prompt, in the style."""
        frame = {"description": prompt, **brief} if brief is not None else {"kind": "shot", "description": prompt}
        if tokenizer is None:
            return prompt_for(frame, self.style)
        budget = int(tokenizer.model_max_length) - 2  # the start and end tokens
        return prompt_for(
            frame,
            self.style,
            budget=budget,
            count=lambda text: len(tokenizer(text, add_special_tokens=False).input_ids),
        )

    def draw(self, prompt: str, *, seed: int, width: int, height: int, brief: Mapping[str, Any] | None = None) -> bytes:
        """The frame as PNG bytes of exactly ``width`` × ``height``; the same request and seed give the same bytes."""
        import torch

        pipeline, lock = self._pipeline()
        words = self.prompt(prompt, brief, getattr(pipeline, "tokenizer", None))
        character_seeds = self.options["character_seeds"] or {}
        resolution = self.options["resolution"] or _native_resolution(pipeline)
        w, h = canvas(width, height, int(resolution))
        with lock:
            # Noise from a CPU generator is the same on every device, so a frame can be redrawn anywhere.
            generator = torch.Generator("cpu").manual_seed(seed_for(brief, seed, character_seeds))
            try:
                result = pipeline(
                    prompt=words,
                    num_inference_steps=self.steps,
                    guidance_scale=self.guidance,
                    width=w,
                    height=h,
                    generator=generator,
                )
            except (RuntimeError, ValueError) as exc:
                raise ClapboardError(f"backend 'diffusers' ({self.source}): {exc}") from None
        buffer = io.BytesIO()
        fit(result.images[0].convert("RGB"), width, height).save(buffer, format="PNG")
        return buffer.getvalue()


def _native_resolution(pipeline: Any) -> int:
    """The square side the model was trained at: its denoiser's sample size in latents times the VAE's scale."""
    denoiser = getattr(pipeline, "unet", None) or getattr(pipeline, "transformer", None)
    sample = getattr(getattr(denoiser, "config", None), "sample_size", None)
    scale = getattr(pipeline, "vae_scale_factor", 8)
    return int(sample * scale) if isinstance(sample, int) else 512
