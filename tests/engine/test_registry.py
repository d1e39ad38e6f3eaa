"""The backend registry: built-in and third-party backends found through the same entry-point group."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from clapboard.engine import (
    CAPABILITIES,
    GROUP,
    BackendChoice,
    TextGenerator,
    find_backend,
    identify,
    installed,
    open_backend,
    rescan,
)
from clapboard.engine.registry import model_digest
from clapboard.engine.standin import StandIn
from clapboard.errors import BackendUnavailable
from clapboard.plan import BackendIdentity

ACME = """
from pathlib import Path


class Writer:
    name = "acme-writer"
    version = "3.1"
    capabilities = frozenset({"text"})
    install_hint = "pip install acme-writer"

    @classmethod
    def available(cls):
        return True

    def __init__(self, model=None, options=None):
        self.voice = Path(model).read_text().strip()
        self.options = options or {}

    def generate(self, prompt, *, seed, max_tokens=512):
        return f"{self.voice}{self.options.get('mark', '')}: {prompt}"


class Speaker:
    name = "acme-tts"
    version = "0.9"
    capabilities = frozenset({"speech"})
    install_hint = "apt-get install acme-tts"

    @classmethod
    def available(cls):
        return False
"""


@pytest.fixture
def acme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A third-party package installed on sys.path: a module and the dist-info that registers it."""
    (tmp_path / "acme_backends.py").write_text(ACME)
    info = tmp_path / "acme_backends-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-backends\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        textwrap.dedent(f"""\
        [{GROUP}]
        acme-writer = acme_backends:Writer
        acme-tts = acme_backends:Speaker
        acme-broken = acme_not_installed:Thing
        """)
    )
    model = tmp_path / "voice.model"
    model.write_text("NOIR")
    monkeypatch.syspath_prepend(str(tmp_path))
    rescan()
    yield model
    rescan()


def test_the_built_in_stand_in_is_registered_like_any_other() -> None:
    assert installed()["stand-in"].group == GROUP
    assert find_backend("stand-in") is StandIn
    assert StandIn.capabilities == set(CAPABILITIES)


def test_the_stand_in_opens_for_every_capability_and_meets_its_protocol() -> None:
    for capability, protocol in CAPABILITIES.items():
        backend = open_backend(BackendChoice(capability, "stand-in"))
        assert isinstance(backend, protocol)
        assert identify(BackendChoice(capability, "stand-in")) == BackendIdentity("stand-in", "1", "")


def test_a_backend_is_opened_once_per_process() -> None:
    choice = BackendChoice("text", "stand-in")
    assert open_backend(choice) is open_backend(choice)


def test_a_backend_nobody_installed_is_unavailable_with_a_hint() -> None:
    with pytest.raises(BackendUnavailable, match="no installed package registers it") as caught:
        identify(BackendChoice("text", "llama-cpp"))
    assert caught.value.backend == "llama-cpp"
    assert "stand-in" in caught.value.hint


def test_third_party_backends_come_in_through_the_entry_point_group(acme: Path) -> None:
    assert {"stand-in", "acme-writer", "acme-tts", "acme-broken"} <= set(installed())
    choice = BackendChoice("text", "acme-writer", str(acme), (("mark", "!"),))
    writer = open_backend(choice)
    assert isinstance(writer, TextGenerator)
    assert writer.generate("a diner at night", seed=1) == "NOIR!: a diner at night"
    identity = identify(choice)
    assert (identity.name, identity.version) == ("acme-writer", "3.1")
    assert len(identity.model_hash) == 64


def test_a_new_model_file_is_a_new_identity(acme: Path) -> None:
    choice = BackendChoice("text", "acme-writer", str(acme))
    before = identify(choice)
    acme.write_text("NOIR, retrained")
    assert identify(choice).model_hash != before.model_hash


def test_a_registered_backend_that_cannot_run_here_gives_its_own_install_hint(acme: Path) -> None:
    with pytest.raises(BackendUnavailable) as caught:
        open_backend(BackendChoice("speech", "acme-tts"))
    assert caught.value.hint == "apt-get install acme-tts"
    assert "apt-get install acme-tts" in caught.value.one_line()


def test_a_backend_whose_module_is_missing_is_unavailable(acme: Path) -> None:
    with pytest.raises(BackendUnavailable, match="cannot be imported"):
        find_backend("acme-broken")


def test_a_backend_asked_for_a_capability_it_lacks_is_refused(acme: Path) -> None:
    with pytest.raises(BackendUnavailable, match="offers text, not image"):
        identify(BackendChoice("image", "acme-writer", str(acme)))
    with pytest.raises(BackendUnavailable, match=r"model .* does not exist"):
        identify(BackendChoice("text", "acme-writer", str(acme) + ".gone"))


def test_a_model_folder_is_hashed_by_its_files_and_their_names(tmp_path: Path) -> None:
    folder = tmp_path / "pipeline"
    (folder / "unet").mkdir(parents=True)
    (folder / "unet" / "weights.bin").write_bytes(b"\x01" * 64)
    (folder / "model_index.json").write_text("{}")
    first = model_digest(folder)
    (folder / "unet" / "weights.bin").write_bytes(b"\x02" * 64)
    changed = model_digest(folder)
    (folder / "unet" / "weights.bin").rename(folder / "unet" / "other.bin")
    assert len({first, changed, model_digest(folder)}) == 3
