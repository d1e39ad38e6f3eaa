"""The apertium backend with the Debian program and its English–Spanish and English–Catalan pairs."""

from __future__ import annotations

import pytest

from clapboard.backends.apertium import Apertium, Glossary, mode, pairs
from clapboard.engine import BackendChoice, open_backend
from clapboard.engine.capabilities import Translator
from clapboard.errors import ClapboardError

pytestmark = pytest.mark.skipif(
    not Apertium.available() or "eng-spa" not in pairs(),
    reason="apertium or its eng-spa pair is not installed: apt-get install apertium apertium-eng-spa",
)


@pytest.fixture(scope="module")
def apertium() -> Apertium:
    return Apertium()


def test_the_registry_opens_it_as_a_translator() -> None:
    backend = open_backend(BackendChoice("translate", "apertium"))
    assert isinstance(backend, Translator)
    assert backend.translate("The red car.", source="en", target="es") == "El coche rojo."


def test_names_that_are_also_words_come_back_unchanged(apertium: Apertium) -> None:
    line = "I gave Rose the book, and Grace told Hope."
    bare = apertium.translate(line, source="en", target="es")
    assert "Rose" not in bare  # "Rose" read as the past of "rise": the dictionary gets it wrong unprotected
    kept = apertium.translate(line, source="en", target="es", glossary=["Rose", "Grace", "Hope"])
    assert kept.startswith("Di Rose el libro")
    assert all(name in kept.split(" ") or f"{name}." in kept for name in ("Rose", "Grace", "Hope"))


def test_a_name_protects_only_where_it_is_capitalised(apertium: Apertium) -> None:
    out = apertium.translate("Hope, I have no hope.", source="en", target="es", glossary=["HOPE"])
    assert out.startswith("Hope,")
    assert "esperanza" in out  # the common noun is still translated
    invented = apertium.translate("The flurbish is red.", source="en", target="es", glossary=["flurbish"])
    assert "flurbish" in invented
    assert "*" not in invented  # unknown-word marks are off unless asked for


def test_a_cue_name_protects_its_possessive_and_its_shout(apertium: Apertium) -> None:
    out = apertium.translate("RUTH! Ruth's dog is sleeping.", source="en", target="es", glossary=["RUTH"])
    assert out == "RUTH! El perro de Ruth está durmiendo."


def test_a_stand_in_name_already_in_the_line_is_never_borrowed(apertium: Apertium) -> None:
    out = apertium.translate("Mary gave Rose the red car.", source="en", target="es", glossary=["Rose"])
    assert out.count("Mary") == 1
    assert out.count("Rose") == 1


def test_a_glossary_entry_of_several_words_stays_whole(apertium: Apertium) -> None:
    out = apertium.translate("We play at the Rose Garden tonight.", source="en", target="es", glossary=["Rose Garden"])
    assert "Rose Garden" in out


def test_a_batch_translates_each_line_on_its_own_in_one_process(apertium: Apertium) -> None:
    lines = [
        "Wait",  # no final stop: must not run on into the next line
        "The red car.",
        "It costs $5 ~ or [so] <b> a\\b / c^d {e} @f",
        "Where is it?\nIt is in the kitchen.",
        "",
    ]
    out = apertium.translate_many(lines, source="en", target="es", glossary=["Walter"])
    assert len(out) == len(lines)
    assert out[0] == "Espera"
    assert out[1] == "El coche rojo."
    assert all(mark in out[2] for mark in ("$5", "~", "[", "]", "<b>", "\\", "/", "^", "{e}", "@f"))
    assert out[3].split("\n")[1] == "Es en la cocina."
    assert out[4] == ""
    assert out[1:2] == [apertium.translate(lines[1], source="en", target="es")]


def test_languages_are_iso_codes_and_a_variant_picks_its_mode() -> None:
    assert mode("en", "es") == "eng-spa"
    assert mode("eng", "ES") == "eng-spa"
    if "eng-cat_valencia" in pairs():
        assert mode("en", "ca-valencia") == "eng-cat_valencia"
    with pytest.raises(ClapboardError, match=r"no en→xx translation.*apt-get install apertium-eng-xx"):
        mode("en", "xx")


def test_catalan_keeps_the_names_too(apertium: Apertium) -> None:
    if "eng-cat" not in pairs():
        pytest.skip("apertium-eng-cat is not installed")
    out = apertium.translate("I gave Rose the book.", source="en", target="ca", glossary=["Rose"])
    assert out == "Vaig donar Rose el llibre."


def test_options_are_checked() -> None:
    with pytest.raises(ClapboardError, match="unknown option"):
        Apertium(None, {"pair": "eng-spa"})
    marked = Apertium(None, {"mark_unknown": True}).translate("The flurbish.", source="en", target="es")
    assert "*flurbish" in marked


def test_the_glossary_finds_what_another_backend_must_keep() -> None:
    glossary = Glossary.of(["RUTH", "Rose Garden", "flurbish", " "])
    assert glossary.words_in("Ruth, the rose garden and the Rose  Garden; a Flurbish.") == [
        "Ruth",
        "Rose  Garden",
        "Flurbish",
    ]
    assert Glossary.of([]).words_in("Ruth") == []
