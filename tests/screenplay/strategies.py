"""Hypothesis strategies that build screenplay models and Fountain-like text.

The model strategy only builds what Fountain can spell: text stripped the way
the reader strips it, no adjacent spoken lines (the reader merges them into one
``Line``). Tricky characters (forcing marks, emphasis, brackets) are included on
purpose so the writer's escaping is exercised.
"""

from __future__ import annotations

import string

from hypothesis import strategies as st

from clapboard.screenplay.fountain import parse_heading
from clapboard.screenplay.model import (
    Action,
    Boneyard,
    Centered,
    Character,
    Dialogue,
    DualDialogue,
    Line,
    Lyric,
    Note,
    PageBreak,
    Parenthetical,
    Screenplay,
    Section,
    Synopsis,
    TitleField,
    TitlePage,
    Transition,
)

_TRICKY = " .,!?'-:*_#~>=<@^/()[]"
_ALPHABET = string.ascii_letters + string.digits + _TRICKY + "éÑ"


def _one_line(alphabet: str = _ALPHABET, max_size: int = 24) -> st.SearchStrategy[str]:
    return st.text(alphabet, min_size=1, max_size=max_size).map(str.strip).filter(bool)


def _lines(max_lines: int = 3, **kw: object) -> st.SearchStrategy[str]:
    return st.lists(_one_line(**kw), min_size=1, max_size=max_lines).map("\n".join)


words = _one_line()
upper_name = (
    st.text(string.ascii_uppercase + " .'-" + string.digits, min_size=1, max_size=12)
    .map(str.strip)
    .filter(lambda s: any(c.isalpha() for c in s) and not s.startswith(("@", ".", "#", "=", "~", ">", "!")))
)
mixed_name = st.text(string.ascii_letters + " ", min_size=1, max_size=12).map(str.strip).filter(bool)


@st.composite
def actions(draw: st.DrawFn) -> Action:
    text = draw(_lines(4))
    indent = draw(st.sampled_from(["", "", "    "]))
    return Action(indent + text, draw(st.booleans()))


@st.composite
def headings(draw: st.DrawFn):
    setting = draw(st.sampled_from(["INT. ", "EXT. ", "INT./EXT. ", "I/E ", "EST. ", ""]))
    location = draw(_one_line(string.ascii_uppercase + " '", 16))
    time = draw(st.sampled_from(["", " - DAY", " - NIGHT", " - CONTINUOUS", " - LATER"]))
    text = (setting + location + time).strip()
    number = draw(st.sampled_from([None, "1", "12A", "I-1-A"]))
    return parse_heading(text, number=number, forced=not setting)


@st.composite
def dialogues(draw: st.DrawFn) -> Dialogue:
    forced = draw(st.booleans())
    name = draw(mixed_name if forced else upper_name)
    extensions = tuple(draw(st.lists(st.sampled_from(["V.O.", "O.S.", "CONT'D", "O.C."]), max_size=2, unique=True)))
    kinds = draw(st.lists(st.sampled_from(["line", "paren", "lyric"]), min_size=1, max_size=5))
    parts: list[Parenthetical | Line | Lyric] = []
    for kind in kinds:
        if kind == "paren":
            parts.append(Parenthetical("(" + draw(_one_line(string.ascii_lowercase + " ,.")) + ")"))
        elif kind == "lyric":
            if parts and isinstance(parts[-1], Lyric):
                continue
            parts.append(Lyric(draw(_lines(2))))
        else:
            if parts and isinstance(parts[-1], Line):
                continue
            text = draw(_lines(3).filter(lambda t: not any(ln.startswith(("(", "~")) for ln in t.split("\n"))))
            parts.append(Line(text))
    return Dialogue(Character(name, extensions, forced), tuple(parts))


elements = st.one_of(
    actions(),
    headings(),
    dialogues(),
    st.builds(DualDialogue, dialogues(), dialogues()),
    st.builds(Transition, words.filter(lambda t: not t.endswith("<")), st.booleans()),
    st.builds(Centered, _lines(2)),
    st.builds(Lyric, _lines(2)),
    st.builds(Note, _lines(2, alphabet=string.ascii_letters + " .,!?")),
    st.builds(Boneyard, _lines(3, alphabet=string.ascii_letters + " .,!?\n")),
    st.builds(Section, words.filter(lambda t: not t.startswith("#")), st.integers(1, 4)),
    st.builds(Synopsis, words),
    st.just(PageBreak()),
)

title_pages = st.one_of(
    st.just(TitlePage()),
    st.lists(
        st.builds(
            TitleField,
            st.sampled_from(["Title", "Credit", "Author", "Source", "Draft date", "Contact", "Copyright"]),
            st.lists(_one_line(), min_size=1, max_size=3).map(tuple),
        ),
        min_size=1,
        max_size=5,
    ).map(lambda fs: TitlePage(tuple(fs))),
)

screenplays = st.builds(Screenplay, title_pages, st.lists(elements, max_size=12).map(tuple))

# Raw text: lines drawn from Fountain's vocabulary, joined with and without blank lines.
fountain_lines = st.one_of(
    words,
    upper_name,
    st.sampled_from(
        [
            "",
            "",
            "",
            "  ",
            "INT. HOUSE - DAY",
            "EXT. ROAD - NIGHT #4#",
            ".FLASHBACK",
            "CUT TO:",
            "> FADE OUT.",
            ">THE END<",
            "~la la la",
            "(beat)",
            "MARY (V.O.)",
            "BOB ^",
            "@McCOY",
            "!LOUD ACTION",
            "[[a note]]",
            "= a synopsis",
            "## Act Two",
            "===",
            "Title: The Film",
            "\tindented action",
            "*italic* and **bold** and _under_",
        ]
    ),
)
fountain_texts = st.lists(fountain_lines, max_size=40).map("\n".join)
