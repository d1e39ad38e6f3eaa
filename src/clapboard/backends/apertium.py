"""Apertium: rule-based machine translation from the Debian ``apertium`` program and its language pairs.

Languages are named by ISO 639-1 or 639-3 code (``en``, ``es``, ``ca`` or ``eng``…);
a variant follows the code (``ca-valencia``, ``en-US``) and picks that mode of the
pair when it is installed. Each Debian package (``apertium-eng-spa``,
``apertium-eng-cat``…) brings both directions of its pair.

Many lines go through one ``apertium`` process (:meth:`Apertium.translate_many`):
they are written in Apertium's own stream format, separated by NUL characters in
its null-flush mode, so each line is translated on its own and none can bleed into
the next. Words Apertium does not know pass through without its ``*`` mark unless
``options.mark_unknown`` asks for them (a reviewer's aid).

Glossary words (character names, invented words) are swapped for stand-in first
names before translation and put back after: a stand-in is a name the pair's
dictionary knows as a proper noun and leaves alone, so the sentence around it is
still analysed as a sentence with a name in it; a name such as *Rose* or *Hope*,
also a dictionary word, never reaches the dictionary. A glossary entry that starts
with a capital is a name and protects only capitalised occurrences (RUTH protects
"Ruth" and "RUTH", and "Hope" leaves "no hope" to be translated); a lower-case
entry protects every occurrence.

Apertium has no notion of context: ``context`` is accepted for the Protocol and ignored.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from clapboard.backends.speech import listing, run_engine
from clapboard.errors import ClapboardError

#: ISO 639-1 codes of the languages Apertium pairs cover most, to the ISO 639-3 codes its modes use.
ISO_639_3: dict[str, str] = {
    "af": "afr",
    "an": "arg",
    "ar": "ara",
    "ast": "ast",
    "be": "bel",
    "bg": "bul",
    "br": "bre",
    "ca": "cat",
    "cy": "cym",
    "da": "dan",
    "de": "deu",
    "en": "eng",
    "eo": "epo",
    "es": "spa",
    "eu": "eus",
    "fr": "fra",
    "ga": "gle",
    "gl": "glg",
    "hi": "hin",
    "id": "ind",
    "is": "isl",
    "it": "ita",
    "kk": "kaz",
    "mk": "mkd",
    "ms": "msa",
    "mt": "mlt",
    "nb": "nob",
    "nl": "nld",
    "nn": "nno",
    "oc": "oci",
    "pl": "pol",
    "pt": "por",
    "ro": "ron",
    "ru": "rus",
    "sc": "srd",
    "se": "sme",
    "sl": "slv",
    "sq": "sqi",
    "sv": "swe",
    "tt": "tat",
    "uk": "ukr",
    "ur": "urd",
}

#: First names to stand in for glossary words: common enough to be proper nouns in most pairs' dictionaries.
STAND_INS = (
    "Mary",
    "John",
    "Peter",
    "Anna",
    "David",
    "Laura",
    "Paul",
    "Susan",
    "Michael",
    "Linda",
    "Robert",
    "Helen",
    "George",
    "Alice",
    "Thomas",
    "Sarah",
    "Richard",
    "Emma",
    "Martin",
    "Julia",
)

#: Characters Apertium's stream format reserves, escaped with a backslash in the text it is given.
_RESERVED = frozenset("\\[]^$/@<>{}")
#: Characters it treats as markup even when escaped (``~`` drives post-generation): sent as superblanks.
_BLANKED = frozenset("~\n")
_END = "[]"  # a closing superblank: without it the last token's final full stop is lost on flush


class Apertium:
    """Translation by the ``apertium`` program, many lines per process."""

    name: ClassVar[str] = "apertium"
    version: ClassVar[str] = "1"
    capabilities: ClassVar[frozenset[str]] = frozenset({"translate"})
    install_hint: ClassVar[str] = (
        "install apertium and a language pair (Debian and Ubuntu: apt-get install apertium apertium-eng-spa)"
    )
    known_options: ClassVar[tuple[str, ...]] = ("mark_unknown",)

    @classmethod
    def available(cls) -> bool:
        """True when the ``apertium`` program is on the PATH."""
        return shutil.which("apertium") is not None

    def __init__(self, model: Path | None = None, options: dict[str, Any] | None = None) -> None:
        given = dict(options or {})
        unknown = set(given) - set(self.known_options)
        if unknown:
            raise ClapboardError(
                f"backend 'apertium': unknown option(s) {', '.join(sorted(unknown))}; "
                f"known: {', '.join(self.known_options)}"
            )
        if model is not None:
            raise ClapboardError("backend 'apertium': its language pairs are Debian packages, not a model file")
        self.mark_unknown = bool(given.get("mark_unknown", False))

    def translate(self, text: str, *, source: str, target: str, context: str = "", glossary: Sequence[str] = ()) -> str:
        """``text`` in the target language, glossary words untouched; ``context`` is ignored (Apertium has none)."""
        return self.translate_many([text], source=source, target=target, glossary=glossary)[0]

    def translate_many(
        self, texts: Sequence[str], *, source: str, target: str, glossary: Sequence[str] = ()
    ) -> list[str]:
        """Each of ``texts`` translated on its own, all in one ``apertium`` process (far faster than one each)."""
        if not texts:
            return []
        pair = mode(source, target)
        spares = stand_ins(pair)
        words = Glossary.of(glossary)
        protected = [words.protect(text, spares) for text in texts]
        translated = run_pair(pair, [masked for masked, _ in protected], mark_unknown=self.mark_unknown)
        return [
            _restore(out, stood_for, original)
            for out, (_, stood_for), original in zip(translated, protected, texts, strict=True)
        ]


def run_pair(pair: str, texts: Sequence[str], *, mark_unknown: bool = False) -> list[str]:
    """Each of ``texts`` through the Apertium mode ``pair``, as plain text, in one process."""
    stream = "".join(_stream(text) + "\0" for text in texts)
    command = ["apertium", "-f", "none", "-z", *([] if mark_unknown else ["-u"]), pair]
    out = run_engine(Apertium.name, command, stdin=stream.encode("utf-8"), hint=Apertium.install_hint)
    # Each program of the pipe adds a NUL of its own at the end of input: the lines are the first pieces.
    pieces = out.decode("utf-8", "replace").split("\0")
    if len(pieces) < len(texts) or any(piece.strip() for piece in pieces[len(texts) :]):
        raise ClapboardError(
            f"apertium {pair} gave back {len(pieces)} pieces for {len(texts)} lines: the batch came apart"
        )
    return [_tidy(_plain(piece)) for piece in pieces[: len(texts)]]


def mode(source: str, target: str) -> str:
    """The installed Apertium mode that translates ``source`` to ``target``; ClapboardError naming what is."""
    src, _ = _language(source)
    tgt, variant = _language(target)
    installed = pairs()
    wanted = f"{src}-{tgt}"
    if variant:
        for name in installed:
            if name.lower() == f"{wanted}_{variant}".lower():
                return name
    if wanted in installed:
        return wanted
    raise ClapboardError(
        f"apertium has no {source}→{target} translation here (mode {wanted}"
        f"{'_' + variant if variant else ''}); installed: {', '.join(installed) or 'none'}. "
        f"Install the pair's package (Debian: apt-get install apertium-{src}-{tgt}, or apertium-{tgt}-{src}; "
        "apt-cache search apertium lists them)"
    )


def pairs() -> tuple[str, ...]:
    """The translation modes of the ``apertium`` on the PATH (its ``-l`` list); none when there is no apertium."""
    return tuple(listing("apertium", "-l", timeout=30).split())


def _language(code: str) -> tuple[str, str]:
    """ISO 639-3 code and variant (``ca-valencia`` → ``cat``, ``valencia``) of a language code."""
    base, _, variant = code.strip().replace("_", "-").partition("-")
    base = base.lower()
    return ISO_639_3.get(base, base), variant


@cache
def stand_ins(pair: str) -> tuple[str, ...]:
    """The stand-in names ``pair`` leaves exactly as they are, found by translating each once."""
    translated = run_pair(pair, [f"{name} is here." for name in STAND_INS])
    kept = tuple(
        name
        for name, piece in zip(STAND_INS, translated, strict=True)
        if len(re.findall(rf"(?<!\w){name}(?!\w)", piece)) == 1
    )
    if not kept:
        raise ClapboardError(f"apertium {pair} translates every stand-in name, so it cannot keep glossary words")
    return kept


@dataclass(frozen=True)
class Glossary:
    """Words to keep untranslated, and which of their occurrences in a line they cover."""

    pattern: re.Pattern[str] | None
    #: Entries that start with a capital, lower-cased: names, kept only where a line capitalises them.
    names: frozenset[str]

    @classmethod
    def of(cls, words: Sequence[str]) -> Glossary:
        """The glossary of ``words``, matched as whole words, longest entry first, in any case."""
        entries = sorted({" ".join(word.split()) for word in words if word.strip()}, key=len, reverse=True)
        names = frozenset(entry.lower() for entry in entries if entry[:1].isupper())
        if not entries:
            return cls(None, names)
        spelled = "|".join(r"\s+".join(map(re.escape, entry.split(" "))) for entry in entries)
        return cls(re.compile(rf"(?<!\w)(?:{spelled})(?!\w)", re.IGNORECASE), names)

    def keeps(self, spelled: str) -> bool:
        """Whether this occurrence of an entry stays as it is: always, unless a name is written in lower case."""
        return spelled[:1].isupper() or " ".join(spelled.split()).lower() not in self.names

    def words_in(self, text: str) -> list[str]:
        """The glossary words in ``text``, as spelled there, that must come back unchanged."""
        if self.pattern is None:
            return []
        return [found.group(0) for found in self.pattern.finditer(text) if self.keeps(found.group(0))]

    def protect(self, text: str, spares: Sequence[str]) -> tuple[str, dict[str, str]]:
        """``text`` with each kept glossary word swapped for one of ``spares`` (never one already in the
        text), and what each stand-in stands for."""
        if self.pattern is None:
            return text, {}
        free = [name for name in spares if not re.search(rf"(?<!\w){name}(?!\w)", text, re.IGNORECASE)]
        kept: dict[str, str] = {}  # stand-in → the words it stands for, as spelled

        def swap(found: re.Match[str]) -> str:
            spelled = found.group(0)
            if not self.keeps(spelled):
                return spelled
            for stand_in, original in kept.items():
                if original == spelled:
                    return stand_in
            if len(kept) == len(free):
                raise ClapboardError(f"too many different glossary words in one line for apertium: {text[:60]!r}")
            stand_in = free[len(kept)]
            kept[stand_in] = spelled
            return stand_in

        return self.pattern.sub(swap, text), kept


def _restore(translated: str, kept: dict[str, str], original: str) -> str:
    """The stand-ins in ``translated`` turned back into the glossary words they stand for."""
    for stand_in, word in kept.items():
        translated, found = re.subn(rf"(?<!\w){stand_in}(?!\w)", lambda _, w=word: w, translated, flags=re.IGNORECASE)
        if not found:
            raise ClapboardError(f"apertium lost the glossary word {word!r} translating {original[:60]!r}")
    return translated


def _stream(text: str) -> str:
    """``text`` in Apertium's stream format: reserved characters escaped, line breaks and tildes as superblanks."""
    out: list[str] = []
    for ch in text.replace("\0", ""):
        if ch in _BLANKED:
            out.append(f"[{ch}]")
        elif ch in _RESERVED:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out).strip() + _END


def _tidy(text: str) -> str:
    """Apertium's spacing made plain: it doubles spaces where it drops or moves a word and starts lines with one."""
    return re.sub(r"[ \t]*\n[ \t]*", "\n", re.sub(r"[ \t]{2,}", " ", text)).strip()


def _plain(stream: str) -> str:
    """Text out of Apertium's stream format: escapes undone, superblank brackets taken away."""
    out: list[str] = []
    escaped = False
    for ch in stream:
        if escaped:
            out.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch not in "[]":
            out.append(ch)
    return "".join(out)
