"""The diffusers image backend: prompts from frame briefs, and real drawing with a tiny random-weight model.

The model is built here the way diffusers builds its own test models, saved as a
diffusers folder, and loaded back by the backend's own loading code: no download.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from clapboard.backends.diffusers_image import (
    Diffusers,
    canvas,
    estimate_tokens,
    prompt_for,
    seed_for,
)
from clapboard.engine.capabilities import ImageGenerator
from clapboard.engine.registry import BackendChoice, find_backend, open_backend
from clapboard.errors import BackendUnavailable, ClapboardError

KITCHEN = {"location": "KITCHEN", "interior": True, "exterior": False, "time": "NIGHT"}
MAYA = {
    "name": "MAYA",
    "x": -0.5,
    "looks": "frame right",
    "speaking": True,
    "shoulder": False,
    "moving": False,
    "description": "a woman in her thirties with short red hair",
}
JOE = {"name": "JOE", "x": 0.7, "looks": "frame left", "speaking": False, "shoulder": True, "moving": False}
TWO_SHOT = {
    "kind": "shot",
    "label": "3A",
    "caption": "MCU Maya over Joe",
    "setting": KITCHEN,
    "size": "MCU",
    "angle": "eye level",
    "move": "static",
    "figures": [MAYA, JOE],
    "description": "Maya slams the kettle down.",
}
SHEET = {"kind": "character", "label": "MAYA", "figures": [MAYA]}
STYLE = "pencil storyboard sketch, grayscale"


def test_a_shot_reads_framing_first_then_who_then_style_place_and_action() -> None:
    words = prompt_for(TWO_SHOT, STYLE)
    assert words.startswith("medium close-up, eye level, a woman in her thirties with short red hair on the left")
    assert "looking right, talking" in words
    assert "Joe seen from behind over the shoulder in the foreground" in words
    assert "interior kitchen, night" in words
    assert words.endswith(STYLE)
    assert words.index("kettle") < words.index("interior kitchen")  # the order reads as a sentence would
    assert "static" not in words  # a still frame cannot show a camera move


def test_sizes_angles_and_settings_in_the_trade_s_words() -> None:
    wide = {**TWO_SHOT, "size": "EWS", "angle": "overhead", "figures": []}
    outside = {"location": "Docks", "interior": False, "exterior": True, "time": "CONTINUOUS"}
    assert prompt_for(wide, "").startswith("extreme wide shot, overhead view")
    assert "exterior docks" in prompt_for({**wide, "setting": outside}, "")
    assert "continuous" not in prompt_for({**wide, "setting": outside}, "")  # says nothing about the light
    both = {**KITCHEN, "exterior": True}
    assert "interior and exterior kitchen" in prompt_for({**wide, "setting": both}, "")
    assert prompt_for({**wide, "size": "CU", "angle": "low"}, "").startswith("close-up, low angle")


def test_character_sheets_and_locations_frame_their_subject_alone() -> None:
    sheet = prompt_for(SHEET, STYLE)
    assert sheet.startswith("character sheet, full body, front view, a woman in her thirties with short red hair")
    assert "plain background" in sheet
    assert "on the left" not in sheet  # a sheet has no blocking
    unnamed = prompt_for({"kind": "character", "label": "JOE"}, STYLE)
    assert "Joe" in unnamed
    place = prompt_for({"kind": "location", "setting": KITCHEN}, STYLE)
    assert place.startswith("establishing shot, interior kitchen, night")
    assert "no people" in place


def test_a_crowded_frame_keeps_framing_lead_and_style_and_drops_the_rest() -> None:
    crowd = [
        {"name": f"EXTRA {n}", "x": 0.1 * n, "description": "a tall stranger in a long dark raincoat and a hat"}
        for n in range(6)
    ]
    brief = {**TWO_SHOT, "figures": [MAYA, *crowd]}
    words = prompt_for(brief, STYLE)
    assert estimate_tokens(words) <= 75
    assert words.startswith("medium close-up, eye level, a woman in her thirties")
    assert STYLE in words
    assert "kettle" not in words  # the action ranks last
    assert "a tall stranger" in words  # the extras fill what room is left, the first of them whole


def test_the_budget_is_counted_with_the_tokenizer_it_is_given() -> None:
    letters = len  # a tokenizer that reads one token per character
    words = prompt_for(TWO_SHOT, STYLE, budget=60, count=letters)
    assert len(words) <= 60
    assert words.startswith("medium close-up, eye level, a woman")
    assert prompt_for(TWO_SHOT, STYLE, budget=6, count=letters) == "medium"


def test_token_estimates_split_long_words() -> None:
    assert estimate_tokens("a red coat") == 3
    assert estimate_tokens("medium close-up, 35mm") == 8  # medium close - up , 3 5 mm
    assert estimate_tokens("extraordinarily") == 2


def test_shots_use_the_step_seed_and_sheets_the_character_s_own() -> None:
    assert seed_for(TWO_SHOT, 42, {}) == 42
    assert seed_for(None, 7, {}) == 7
    assert seed_for(TWO_SHOT, -1, {}) >= 0  # torch takes no negative seeds
    sheet = seed_for(SHEET, 1, {})
    assert sheet == seed_for(SHEET, 2, {})  # the same face whatever the step asks
    assert sheet != seed_for({"kind": "character", "label": "JOE"}, 1, {})
    assert seed_for(SHEET, 1, {"MAYA": 1234}) == 1234  # a chosen redraw


def test_the_canvas_keeps_the_frame_s_shape_in_multiples_of_eight() -> None:
    assert canvas(100, 60, 512) == (104, 64)  # small enough: round up, crop later
    assert canvas(512, 512, 512) == (512, 512)
    width, height = canvas(1920, 1080, 512)  # too big for the model: drawn smaller, scaled up later
    assert width % 8 == 0
    assert height % 8 == 0
    assert width * height <= 1.05 * 512 * 512
    assert abs(width / height - 16 / 9) < 0.05


def test_the_class_says_what_it_is_without_loading_torch() -> None:
    code = (
        "import sys\n"
        "from clapboard.backends.diffusers_image import Diffusers\n"
        "print(Diffusers.available(), 'torch' in sys.modules, 'diffusers' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.split() == ["True", "False", "False"]
    assert find_backend("diffusers") is Diffusers
    assert Diffusers.capabilities == {"image"}
    assert Diffusers.needs_gpu
    assert Diffusers.install_hint == "pip install 'clapboard[gpu]'"
    assert "diffusers-" in Diffusers.version


def test_options_and_models_are_checked_before_anything_loads(tmp_path: Path) -> None:
    with pytest.raises(ClapboardError, match=r"unknown option.*stpes"):
        Diffusers(tmp_path, {"stpes": 2})
    with pytest.raises(BackendUnavailable, match="no model"):
        Diffusers(None, {})
    with pytest.raises(ClapboardError, match="not both"):
        Diffusers(tmp_path, {"model_id": "stabilityai/sd-turbo"})


@pytest.mark.slow
def test_a_folder_that_is_not_a_model_is_reported(tmp_path: Path) -> None:
    (tmp_path / "model_index.json").write_text("{}")
    with pytest.raises(ClapboardError, match="cannot load model"):
        Diffusers(tmp_path, {"device": "cpu"}).draw("a kitchen", seed=1, width=64, height=64)


def _byte_level_alphabet() -> list[str]:
    # CLIP's tokenizer is byte-level: every byte has a printable stand-in, the printable ones themselves.
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    others = [b for b in range(256) if b not in printable]
    return [chr(b) for b in printable] + [chr(256 + n) for n in range(len(others))]


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Stable Diffusion pipeline with random weights a few hundred kB big, saved as a diffusers folder."""
    torch = pytest.importorskip("torch")
    diffusers = pytest.importorskip("diffusers")
    transformers = pytest.importorskip("transformers")
    root = tmp_path_factory.mktemp("diffusers")
    # A vocabulary of single bytes and no merges: any text tokenizes, one token per character.
    alphabet = _byte_level_alphabet()
    vocab = {token: i for i, token in enumerate([*alphabet, *(c + "</w>" for c in alphabet)])}
    vocab |= {"<|startoftext|>": len(vocab), "<|endoftext|>": len(vocab) + 1}
    words = root / "words"
    words.mkdir()
    (words / "vocab.json").write_text(json.dumps(vocab))
    (words / "merges.txt").write_text("#version: 0.2\n")
    tokenizer = transformers.CLIPTokenizer.from_pretrained(words, model_max_length=77)
    torch.manual_seed(0)
    text_encoder = transformers.CLIPTextModel(
        transformers.CLIPTextConfig(
            vocab_size=len(vocab),
            hidden_size=32,
            intermediate_size=37,
            num_attention_heads=4,
            num_hidden_layers=2,
            max_position_embeddings=77,
            bos_token_id=vocab["<|startoftext|>"],
            eos_token_id=vocab["<|endoftext|>"],
            pad_token_id=vocab["<|endoftext|>"],
        )
    )
    unet = diffusers.UNet2DConditionModel(
        block_out_channels=(32, 64),
        layers_per_block=1,
        sample_size=32,
        in_channels=4,
        out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=32,
        attention_head_dim=8,
        norm_num_groups=32,
    )
    vae = diffusers.AutoencoderKL(
        block_out_channels=(32, 64),
        down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"),
        up_block_types=("UpDecoderBlock2D", "UpDecoderBlock2D"),
        latent_channels=4,
        norm_num_groups=32,
    )
    # Turbo models ship an ancestral Euler scheduler spaced from the last timestep, to denoise in one step.
    scheduler = diffusers.EulerAncestralDiscreteScheduler(
        beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", timestep_spacing="trailing", steps_offset=1
    )
    pipeline = diffusers.StableDiffusionPipeline(
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        unet=unet,
        scheduler=scheduler,
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    pipeline.save_pretrained(root / "tiny")
    return root / "tiny"


@pytest.fixture(scope="module")
def board(tiny_model: Path) -> Any:
    backend = find_backend("diffusers")(tiny_model, {"device": "cpu", "style": STYLE})
    assert isinstance(backend, ImageGenerator)
    return backend


def _picture(png: bytes) -> Image.Image:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return Image.open(io.BytesIO(png))


@pytest.mark.slow
def test_frames_come_back_as_png_of_exactly_the_size_asked(board: Any) -> None:
    small = _picture(board.draw("a kitchen at night", seed=1, width=100, height=60, brief=TWO_SHOT))
    assert small.size == (100, 60)  # drawn at 104 × 64, cut to size
    assert small.mode == "RGB"
    large = _picture(board.draw("a kitchen at night", seed=1, width=400, height=300, brief=TWO_SHOT))
    assert large.size == (400, 300)  # past the model's 256 × 256: drawn smaller, scaled up


@pytest.mark.slow
def test_the_same_seed_draws_the_same_bytes_and_another_seed_another_frame(board: Any) -> None:
    first = board.draw("a kitchen at night", seed=11, width=64, height=64, brief=TWO_SHOT)
    again = board.draw("a kitchen at night", seed=11, width=64, height=64, brief=TWO_SHOT)
    other = board.draw("a kitchen at night", seed=12, width=64, height=64, brief=TWO_SHOT)
    assert first == again
    assert other != first
    plain = board.draw("a kitchen at night", seed=11, width=64, height=64)  # no brief: the prompt's words
    assert plain != first


@pytest.mark.slow
def test_a_character_sheet_is_drawn_the_same_whatever_the_step_seed(board: Any) -> None:
    one = board.draw("Maya", seed=1, width=64, height=96, brief=SHEET)
    two = board.draw("Maya", seed=2, width=64, height=96, brief=SHEET)
    assert one == two
    assert _picture(one).size == (64, 96)


@pytest.mark.slow
def test_the_registry_opens_a_model_named_by_options(tiny_model: Path) -> None:
    choice = BackendChoice("image", "diffusers", None, (("device", "cpu"), ("model_id", str(tiny_model))))
    backend = open_backend(choice)
    assert open_backend(choice) is backend
    png = backend.draw("a dock at dawn", seed=3, width=48, height=32, brief={"kind": "location", "setting": KITCHEN})
    assert _picture(png).size == (48, 32)


@pytest.mark.slow
def test_the_model_s_own_tokenizer_sets_the_budget(board: Any, tiny_model: Path) -> None:
    transformers = pytest.importorskip("transformers")
    tokenizer = transformers.CLIPTokenizer.from_pretrained(tiny_model / "tokenizer")
    words = board.prompt("", TWO_SHOT, tokenizer)
    # The tiny vocabulary reads one token per character: 75 of them between start and end.
    assert len(tokenizer(words).input_ids) <= 77
    assert len(words) > 60
    assert words.startswith("medium close-up, eye level, a woman")
    assert board.prompt("", TWO_SHOT) == prompt_for(TWO_SHOT, STYLE)  # without one, the estimate
