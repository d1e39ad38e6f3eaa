"""Content keys: every part of a step's recipe is in its key, and nothing else is."""

from __future__ import annotations

import hashlib
import json
import pickle
from dataclasses import replace

import pytest

from clapboard.plan import BackendIdentity, PlanError, Step, derive_seed

BASE = Step(
    "scene-breakdown",
    "scene/1/breakdown",
    "breakdown",
    {"style": "noir", "size": [1920, 1080]},
    ("a" * 64,),
    BackendIdentity("stand-in", "1", "f" * 64),
)


def test_the_key_is_the_documented_hash_of_the_recipe_and_never_drifts() -> None:
    recipe = {
        "backend": ["stand-in", "1", "f" * 64],
        "inputs": ["a" * 64],
        "kind": "scene-breakdown",
        "params": {"size": [1920, 1080], "style": "noir"},
    }
    slate = hashlib.sha256(json.dumps(recipe, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    seed = int.from_bytes(hashlib.sha256(f"{slate}:take1".encode()).digest()[:4], "big")
    assert (BASE.slate, BASE.seed) == (slate, seed)
    assert BASE.key == hashlib.sha256(f"{slate}:{seed}".encode()).hexdigest()
    # Keys name every output ever stored: a change to how they are computed orphans every project's store.
    assert BASE.key == "98a377fc462caf49ff31fa004b1272494f3175269ae0eb7d073c12dbac0714f2"


@pytest.mark.parametrize(
    "changed",
    [
        {"kind": "breakdown"},
        {"params": {"style": "noir", "size": [1280, 720]}},
        {"params": {"style": "noir", "size": [1920, 1080], "extra": None}},
        {"inputs": ("b" * 64,)},
        {"inputs": ("a" * 64, "b" * 64)},
        {"backend": BackendIdentity("piper", "1", "f" * 64)},
        {"backend": BackendIdentity("stand-in", "2", "f" * 64)},
        {"backend": BackendIdentity("stand-in", "1", "e" * 64)},
        {"backend": None},
        {"take": 2},
    ],
)
def test_every_part_of_the_recipe_changes_the_key(changed: dict) -> None:
    assert replace(BASE, **changed).key != BASE.key


@pytest.mark.parametrize(
    "changed",
    [{"name": "scene/9/breakdown"}, {"stage": "later"}, {"export": "b.json"}, {"needs_gpu": True}],
)
def test_where_a_step_sits_is_not_part_of_its_key(changed: dict) -> None:
    assert replace(BASE, **changed).key == BASE.key


def test_the_order_params_are_written_in_does_not_matter() -> None:
    assert replace(BASE, params={"size": [1920, 1080], "style": "noir"}).key == BASE.key


def test_a_new_take_has_a_new_seed_and_the_same_slate() -> None:
    second = replace(BASE, take=2)
    assert second.slate == BASE.slate
    assert second.seed != BASE.seed
    assert BASE.seed == derive_seed(BASE.slate, 1)
    assert 0 <= second.seed < 2**32


def test_params_must_be_plain_json() -> None:
    with pytest.raises(PlanError, match="plain JSON"):
        Step("scene", "scene/1", "script", {"when": object()})
    with pytest.raises(PlanError, match="plain JSON"):
        Step("scene", "scene/1", "script", {"ratio": float("nan")})
    with pytest.raises(PlanError, match="take numbers start at 1"):
        Step("scene", "scene/1", "script", take=0)


def test_a_step_survives_pickling_with_its_key() -> None:
    again = pickle.loads(pickle.dumps(BASE))
    assert again == BASE
    assert again.key == BASE.key
    assert hash(again) == hash(BASE)
