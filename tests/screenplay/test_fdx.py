"""Final Draft (.fdx) reading and writing."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clapboard.errors import ScriptError
from clapboard.screenplay import fdx, fountain
from clapboard.screenplay.emphasis import Span, markup, spans
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
    SceneHeading,
    Screenplay,
    Section,
    Synopsis,
    TitleField,
    TitlePage,
    Transition,
)
from tests.screenplay import strategies


def round_trip(script: Screenplay, **options: bool) -> Screenplay:
    return fdx.read(fdx.write(script, **options), "test.fdx")


def fdx_doc(body: str, title_page: str = "", extra: str = "") -> bytes:
    """A Final Draft document around the given <Content> paragraphs, the way Final Draft lays it out."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n'
        '<FinalDraft DocumentType="Script" Template="No" Version="5">\n'
        f"<Content>\n{body}\n</Content>\n{extra}"
        f"<TitlePage><Content>{title_page}</Content></TitlePage>\n"
        "</FinalDraft>\n"
    ).encode()


def heading(text: str, number: str | None = None) -> SceneHeading:
    return fountain.parse_heading(text, number=number)


EVERY_KIND = Screenplay(
    TitlePage((TitleField("Title", ("The Long Night",)), TitleField("Author", ("Ada Reyes",)))),
    (
        Section("Act One", 1),
        Synopsis("Mara finds the lighthouse dark."),
        heading("INT. LIGHTHOUSE - NIGHT", "1"),
        Action("Rain on the glass.\n    The lamp turns, slowly."),
        Note("check the tide table"),
        Dialogue(
            Character("MARA", ("V.O.", "CONT'D")),
            (Parenthetical("(quietly)"), Line("It found us.\nIt always does."), Lyric("Oh the sea, the sea")),
        ),
        Lyric("A song with no singer"),
        DualDialogue(
            Dialogue(Character("BRICK"), (Line("Screw retirement."),)),
            Dialogue(Character("STEEL"), (Parenthetical("(agreeing)"), Line("Screw it."))),
        ),
        Transition("CUT TO:"),
        PageBreak(),
        heading("EXT. CLIFF - DAWN - CONTINUOUS", "2A"),
        Boneyard(" an old scene\nwe cut "),
        Section("The cliff", 2),
        Centered("THE END"),
        Transition("FADE OUT."),
        PageBreak(),
        PageBreak(),
        Action("After two blank pages."),
        PageBreak(),
    ),
)


# --- the model survives a round trip -------------------------------------------


def test_every_element_kind_survives_write_and_read() -> None:
    assert round_trip(EVERY_KIND) == EVERY_KIND


def test_output_is_a_final_draft_document() -> None:
    data = fdx.write(EVERY_KIND)
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n')
    root = ET.fromstring(data)
    assert root.tag == "FinalDraft"
    assert root.attrib == {"DocumentType": "Script", "Template": "No", "Version": "5"}
    assert [c.tag for c in root if c.tag != "ElementSettings"] == ["Content", "TitlePage"]
    assert root.find("TitlePage/Content") is not None
    types = {p.get("Type") for p in root.iter("Paragraph")}
    assert {"Scene Heading", "Action", "Character", "Parenthetical", "Dialogue", "Lyrics", "Transition"} <= types
    # Every paragraph type used has its layout declared, Lyrics included.
    declared = {s.get("Type") for s in root.iter("ElementSettings")}
    assert types - {None} <= declared
    headings = root.findall("Content/Paragraph[@Type='Scene Heading']")
    assert [(h.get("Number"), h.findtext("Text")) for h in headings] == [
        ("1", "INT. LIGHTHOUSE - NIGHT"),
        ("2A", "EXT. CLIFF - DAWN - CONTINUOUS"),
    ]
    assert root.find("Content/Paragraph/DualDialogue") is not None
    centered = root.find("Content/Paragraph[@Alignment='Center']")
    assert (centered.get("Type"), centered.findtext("Text")) == ("Action", "THE END")
    assert root.find("Content/Paragraph[@Type='Character']").findtext("Text") == "MARA (V.O.) (CONT'D)"


def test_page_breaks_start_the_next_paragraph_on_a_new_page() -> None:
    root = ET.fromstring(fdx.write(EVERY_KIND))
    starts = [(p.get("Type"), p.findtext("Text") or "") for p in root.iter("Paragraph") if p.get("StartsNewPage")]
    # After CUT TO: the heading takes the break; two breaks in a row need one empty paragraph
    # to carry the first; a break at the very end rides on an empty paragraph.
    assert starts == [
        ("Scene Heading", "EXT. CLIFF - DAWN - CONTINUOUS"),
        ("Action", ""),
        ("Action", "After two blank pages."),
        ("Action", ""),
    ]


def test_emphasis_becomes_text_styles_and_comes_back() -> None:
    text = "**bold** *italic* _under_ ***both*** _**loud**_ _***all three***_ plain"
    root = ET.fromstring(fdx.write(Screenplay(elements=(Action(text),))))
    runs = [(t.get("Style"), t.text) for t in root.find("Content/Paragraph").iter("Text")]
    assert runs == [
        ("Bold", "bold"),
        (None, " "),
        ("Italic", "italic"),
        (None, " "),
        ("Underline", "under"),
        (None, " "),
        ("Bold+Italic", "both"),
        (None, " "),
        ("Bold+Underline", "loud"),
        (None, " "),
        ("Bold+Italic+Underline", "all three"),
        (None, " plain"),
    ]
    assert fdx.read(fdx.write(Screenplay(elements=(Action(text),)))).elements == (Action(text),)


def test_markup_characters_are_escaped_only_where_fountain_would_misread_them() -> None:
    literal = Screenplay(elements=(Action("R2_D2 beeps: 5 * 3 = 15."),))
    assert round_trip(literal) == literal
    styled = fdx_doc(
        '<Paragraph Type="Action"><Text>a *starred* word and </Text><Text Style="Bold">x*y</Text></Paragraph>'
    )
    (action,) = fdx.read(styled).elements
    assert action.text == r"a \*starred\* word and **x\*y**"
    assert spans(action.text) == (Span("a *starred* word and "), Span("x*y", bold=True))


def test_xml_special_characters_are_escaped() -> None:
    script = Screenplay(
        TitlePage((TitleField("Title", ('Tom & Jerry <3 "live"',)),)),
        (heading("INT. R&D LAB <B> - DAY", '7"'), Action("if a < b && c > d: 'quote' \"double\"")),
    )
    assert round_trip(script) == script


def test_characters_xml_cannot_hold_are_dropped() -> None:
    script = Screenplay(elements=(Action("bell\x07 and form\x0cfeed"),))
    assert round_trip(script).elements == (Action("bell and formfeed"),)


def test_dual_dialogue_sits_in_one_paragraph_and_reads_back() -> None:
    dual = DualDialogue(
        Dialogue(Character("MAYA"), (Line("You said it was fine."),)),
        Dialogue(Character("TOM", ("O.S.",)), (Parenthetical("(off)"), Line("It *is* fine."))),
    )
    root = ET.fromstring(fdx.write(Screenplay(elements=(dual,))))
    inner = root.find("Content/Paragraph/DualDialogue")
    assert [p.get("Type") for p in inner] == ["Character", "Dialogue", "Character", "Parenthetical", "Dialogue"]
    assert round_trip(Screenplay(elements=(dual,))).elements == (dual,)


def test_dual_dialogue_directly_under_content_is_read_too() -> None:
    data = fdx_doc(
        "<DualDialogue>"
        '<Paragraph Type="Character"><Text>MARY</Text></Paragraph>'
        '<Paragraph Type="Dialogue"><Text>Told you.</Text></Paragraph>'
        '<Paragraph Type="Character"><Text>JOHN</Text></Paragraph>'
        '<Paragraph Type="Dialogue"><Text>You did.</Text></Paragraph>'
        "</DualDialogue>"
    )
    assert fdx.read(data).elements == (
        DualDialogue(
            Dialogue(Character("MARY"), (Line("Told you."),)), Dialogue(Character("JOHN"), (Line("You did."),))
        ),
    )


def test_scene_numbers_and_heading_parts() -> None:
    data = fdx_doc(
        '<Paragraph Type="Scene Heading" Number="12A"><Text>INT./EXT. CAR - MOVING - NIGHT</Text></Paragraph>'
        '<Paragraph Type="Scene Heading"><Text>EXT. BEACH - DAY</Text></Paragraph>'
    )
    first, second = fdx.read(data).elements
    assert (first.text, first.setting, first.location, first.time, first.number) == (
        "INT./EXT. CAR - MOVING - NIGHT",
        "INT/EXT",
        "CAR - MOVING",
        "NIGHT",
        "12A",
    )
    assert first == fountain.parse_heading("INT./EXT. CAR - MOVING - NIGHT #12A#")
    assert second.number is None
    assert [s.number for s in fdx.read(data).scenes] == ["12A", "2"]


def test_a_lyric_after_a_speech_stays_on_its_own() -> None:
    speech = Dialogue(Character("NORA"), (Line("Listen."),))
    alone = Screenplay(elements=(speech, Lyric("La la la")))
    sung = Screenplay(elements=(Dialogue(Character("NORA"), (Line("Listen."), Lyric("La la la"))),))
    assert round_trip(alone) == alone
    assert round_trip(sung) == sung
    assert round_trip(alone) != round_trip(sung)


def test_notes_option_leaves_non_printing_material_out() -> None:
    script = Screenplay(
        elements=(
            Section("Act One"),
            Synopsis("The setup."),
            Note("fix later"),
            Boneyard("cut"),
            Action("Rain falls. [[make it heavier]]"),
            PageBreak(),
            Note("after the break"),
            Action("Dawn."),
        )
    )
    assert round_trip(script, notes=False).elements == (Action("Rain falls."), PageBreak(), Action("Dawn."))
    assert round_trip(script) == script


# --- title page ---------------------------------------------------------------


FULL_TITLE_PAGE = TitlePage(
    (
        TitleField("Title", ("_**BRICK & STEEL**_", "_**FULL RETIRED**_")),
        TitleField("Credit", ("Written by",)),
        TitleField("Author", ("Stu Maschwitz",)),
        TitleField("Source", ("Story by KTM",)),
        TitleField("Draft date", ("1/20/2012",)),
        TitleField("Contact", ("Next Level Productions", "1588 Mission Dr.", "Solvang, CA 93463")),
        TitleField("Copyright", ("(c) 2012 Stu Maschwitz",)),
        TitleField("Notes", ("Second draft.", "For the table read.")),
    )
)


def test_title_page_fields_survive() -> None:
    script = Screenplay(FULL_TITLE_PAGE, (Action("Body."),))
    assert round_trip(script) == script


def test_title_page_is_laid_out_like_final_draft_does() -> None:
    root = ET.fromstring(fdx.write(Screenplay(FULL_TITLE_PAGE)))
    paragraphs = [
        (p.get("Alignment"), "".join(t.text or "" for t in p.iter("Text"))) for p in root.find("TitlePage/Content")
    ]
    printed = [(align, text) for align, text in paragraphs if text]
    assert printed == [
        ("Center", "BRICK & STEEL"),
        ("Center", "FULL RETIRED"),
        ("Center", "Written by"),
        ("Center", "Stu Maschwitz"),
        ("Center", "Story by KTM"),
        ("Left", "Draft date: 1/20/2012"),
        ("Left", "Next Level Productions"),
        ("Left", "1588 Mission Dr."),
        ("Left", "Solvang, CA 93463"),
        ("Left", "Copyright: (c) 2012 Stu Maschwitz"),
        ("Left", "Notes:"),
        ("Left", "Second draft."),
        ("Left", "For the table read."),
    ]
    # Blank paragraphs put the title about a third of the way down.
    assert paragraphs[0] == ("Center", "")


@pytest.mark.parametrize(
    "fields",
    [
        # Nothing to hold the first centred place: the author must say who it is.
        (TitleField("Author", ("Ada Reyes",)), TitleField("Source", ("Based on the novel",))),
        # A title that looks like "Key: value", a credit that is not a credit line.
        (TitleField("Title", ("Star Wars: A New Hope",)), TitleField("Credit", ("A film by",))),
        (TitleField("Title", ("Source: the Musical",)),),
        # Contact whose first line looks like a key, or like a date.
        (TitleField("Contact", ("Email: ada@example.com", "555-0100")),),
        (TitleField("Contact", ("12/05/2024",)),),
        (TitleField("Draft date", ("Blue revision",)), TitleField("Revision", ("3",))),
        (TitleField("Title", ()), TitleField("Author", ("Ada Reyes",))),
        (TitleField("Contact", ("Email: ada@example.com",)), TitleField("Contact", ("Agent: Sam Ortiz",))),
        (TitleField("Contact", ("Ada Reyes",)), TitleField("Contact", ("Sam Ortiz",))),
    ],
)
def test_title_fields_that_position_cannot_tell_apart_carry_their_key(fields: tuple[TitleField, ...]) -> None:
    script = Screenplay(TitlePage(fields))
    assert round_trip(script) == script


def test_title_page_keys_come_back_in_final_draft_order() -> None:
    page = TitlePage(
        (
            TitleField("Contact", ("ada@example.com",)),
            TitleField("Authors", ("Ada Reyes",)),
            TitleField("title", ("The Long Night",)),
        )
    )
    assert round_trip(Screenplay(page)).title_page == TitlePage(
        (
            TitleField("Title", ("The Long Night",)),
            TitleField("Author", ("Ada Reyes",)),
            TitleField("Contact", ("ada@example.com",)),
        )
    )


def test_an_empty_title_page_still_writes_the_element() -> None:
    root = ET.fromstring(fdx.write(Screenplay(elements=(Action("x"),))))
    assert root.find("TitlePage/Content") is not None
    assert fdx.read(fdx.write(Screenplay(elements=(Action("x"),)))).title_page == TitlePage()


# --- what Final Draft itself writes ---------------------------------------------


FINAL_DRAFT_FILE = fdx_doc(
    body="""
    <Paragraph Type="Scene Heading" Number="1">
      <SceneProperties Length="1 1/8" Page="1" Title=""/>
      <Text AdornmentStyle="0" Font="Courier Final Draft" RevisionID="0" Size="12" Style=""
        >int. the piano shop - day</Text>
    </Paragraph>
    <Paragraph Type="Action" StartsNewPage="No">
      <ScriptNote ID="1" Name="Note">
        <Paragraph Type="Action"><Text>Confirm the tide table.</Text></Paragraph>
      </ScriptNote>
      <Text Font="Courier Final Draft" Size="12" Style="">Rain on the window. </Text>
      <Text Font="Courier Final Draft" Size="12" Style="Italic">Maya</Text>
      <Text Font="Courier Final Draft" Size="12" Style=""> lifts the lid. </Text>
    </Paragraph>
    <Paragraph Type="Action"><Text></Text></Paragraph>
    <Paragraph Type="Character"><Text>maya (cont'd)</Text></Paragraph>
    <Paragraph Type="Parenthetical"><Text>(reading)</Text></Paragraph>
    <Paragraph Type="Dialogue">
      <Text>Tom? It&apos;s your </Text><Text Style="Bold+Underline">writing</Text><Text>.</Text>
    </Paragraph>
    <Paragraph Type="Dialogue"><Text>All of it.</Text></Paragraph>
    <Paragraph Type="Parenthetical"><Text>beat</Text></Paragraph>
    <Paragraph Type="Dialogue"><Text>Every page.</Text></Paragraph>
    <Paragraph>
      <DualDialogue>
        <Paragraph Type="Character"><Text>MAYA</Text></Paragraph>
        <Paragraph Type="Dialogue"><Text>You said it was fine.</Text></Paragraph>
        <Paragraph Type="Character"><Text>TOM</Text></Paragraph>
        <Paragraph Type="Dialogue"><Text>It is fine.</Text></Paragraph>
      </DualDialogue>
    </Paragraph>
    <Paragraph Type="Shot"><Text>CLOSE ON THE KEYS</Text></Paragraph>
    <Paragraph Type="New Act"><Text>Act Two</Text></Paragraph>
    <Paragraph Type="Outline 1"><Text>The Reckoning</Text></Paragraph>
    <Paragraph Type="Outline Body"><Text>Tom comes clean.</Text></Paragraph>
    <Paragraph Type="General"><Text>A general paragraph.</Text></Paragraph>
    <Paragraph Type="Dialogue"><Text>Words with no speaker.</Text></Paragraph>
    <Paragraph Type="Transition"><Text>CUT TO:</Text></Paragraph>
    <Paragraph Type="Scene Heading" Number="2" StartsNewPage="Yes"><Text>EXT. THE FLAT - NIGHT</Text></Paragraph>
    <Paragraph Type="Action" Alignment="Center"><Text>THE END</Text></Paragraph>
    """,
    extra="""
  <ElementSettings Type="Scene Heading">
    <FontSpec Font="Courier Final Draft" Size="12" Style="AllCaps"/>
    <ParagraphSpec Alignment="Left" LeftIndent="1.50" RightIndent="7.50" SpaceBefore="24"/>
  </ElementSettings>
  <ElementSettings Type="Character">
    <FontSpec Style="AllCaps"/>
    <ParagraphSpec Alignment="Left"/>
  </ElementSettings>
  <ElementSettings Type="New Act">
    <FontSpec Style="Bold+Underline+AllCaps"/>
    <ParagraphSpec Alignment="Center"/>
  </ElementSettings>
""",
    title_page="""
      <Paragraph Alignment="Center"><Text Style="Bold+Underline+AllCaps">The Piano Shop</Text></Paragraph>
      <Paragraph Alignment="Center"><Text Style="">Written by</Text></Paragraph>
      <Paragraph Alignment="Center"><Text Style=""/></Paragraph>
      <Paragraph Alignment="Center"><Text>Jane Doe</Text></Paragraph>
      <Paragraph Alignment="Center"><Text/></Paragraph>
      <Paragraph Alignment="Center"><Text>Story by </Text><Text AdornmentStyle="-1">JD</Text></Paragraph>
      <Paragraph Alignment="Full"><Text>1/1/2018</Text></Paragraph>
      <Paragraph Alignment="Full"><Text/></Paragraph>
      <Paragraph Alignment="Full"><Text>ACME Productions</Text></Paragraph>
      <Paragraph Alignment="Full"><Text>Anytown</Text><Text>, SOMESTATE 012345</Text></Paragraph>
    """,
)


def test_reads_a_file_as_final_draft_writes_it() -> None:
    script = fdx.read(FINAL_DRAFT_FILE, "piano.fdx")
    assert script.elements == (
        heading("INT. THE PIANO SHOP - DAY", "1"),
        Action("[[Confirm the tide table.]] Rain on the window. *Maya* lifts the lid."),
        Dialogue(
            Character("MAYA", ("CONT'D",)),
            (
                Parenthetical("(reading)"),
                Line("Tom? It's your _**writing**_.\nAll of it."),
                Parenthetical("(beat)"),
                Line("Every page."),
            ),
        ),
        DualDialogue(
            Dialogue(Character("MAYA"), (Line("You said it was fine."),)),
            Dialogue(Character("TOM"), (Line("It is fine."),)),
        ),
        Action("CLOSE ON THE KEYS"),
        Centered("ACT TWO"),
        Section("The Reckoning", 1),
        Synopsis("Tom comes clean."),
        Action("A general paragraph."),
        Action("Words with no speaker."),
        Transition("CUT TO:"),
        PageBreak(),
        heading("EXT. THE FLAT - NIGHT", "2"),
        Centered("THE END"),
    )
    assert script.title_page == TitlePage(
        (
            TitleField("Title", ("_**THE PIANO SHOP**_",)),
            TitleField("Credit", ("Written by",)),
            TitleField("Author", ("Jane Doe",)),
            TitleField("Source", ("Story by JD",)),
            TitleField("Draft date", ("1/1/2018",)),
            TitleField("Contact", ("ACME Productions", "Anytown, SOMESTATE 012345")),
        )
    )
    # Elements remember the line of the file they came from.
    assert [el.line for el in script.elements[:3]] == [5, 10, 19]


def test_credit_line_touching_the_title_is_still_a_credit() -> None:
    page = (
        '<Paragraph Alignment="Center"><Text>Night Shift</Text></Paragraph>'
        '<Paragraph Alignment="Center"><Text>by</Text></Paragraph>'
        '<Paragraph Alignment="Center"><Text>Sam Ortiz</Text></Paragraph>'
    )
    assert fdx.read(fdx_doc("", title_page=page)).title_page == TitlePage(
        (TitleField("Title", ("Night Shift",)), TitleField("Credit", ("by",)), TitleField("Author", ("Sam Ortiz",)))
    )


# --- Fountain -> FDX -> Fountain ------------------------------------------------


FOUNTAIN_SCRIPT = """\
Title: The Long Night
Credit: Written by
Author: Ada Reyes
Draft date: 3 March 2025
Contact:
    Ada Reyes
    ada@example.com

# Act One

= Mara finds the lighthouse dark.

INT. LIGHTHOUSE - NIGHT #1#

Rain **hammers** the glass. The lamp is _dead_.

MARA (V.O.)
(quietly)
It found us.
It always finds us.
~Oh the sea, the cruel sea

[[Should the song be longer?]]

BRICK
Screw retirement.

STEEL ^
(agreeing)
Screw it.

CUT TO:

EXT. CLIFF - DAWN #2#

.SNIPER SCOPE POV

Waves. *Nothing* else.

@McCLANE
Yippee ki-yay.

> SMASH CUT:

===

INT. KITCHEN - DAY - LATER

!BOB
reads the paper.

~Happy birthday to you

>THE END<

/* The old ending,
   cut for time. */
"""


def test_fountain_to_fdx_to_fountain_loses_nothing() -> None:
    script = fountain.parse(FOUNTAIN_SCRIPT)
    via_fdx = fdx.read(fdx.write(script), "long-night.fdx")
    assert via_fdx == script
    again = fountain.parse(fountain.format(via_fdx))
    assert again == script
    assert [s.heading.text for s in again.scenes] == [
        "INT. LIGHTHOUSE - NIGHT",
        "EXT. CLIFF - DAWN",
        "SNIPER SCOPE POV",
        "INT. KITCHEN - DAY - LATER",
    ]
    assert [(d.character.cue, d.spoken_text) for d in again.dialogues] == [
        ("MARA (V.O.)", "It found us.\nIt always finds us. Oh the sea, the cruel sea"),
        ("BRICK", "Screw retirement."),
        ("STEEL", "Screw it."),
        ("McCLANE", "Yippee ki-yay."),
    ]
    assert sum(isinstance(el, DualDialogue) for el in again.elements) == 1
    assert [el.text for el in again.elements if isinstance(el, Transition)] == ["CUT TO:", "SMASH CUT:"]
    parentheticals = [p.text for d in again.dialogues for p in d.parts if isinstance(p, Parenthetical)]
    assert parentheticals == ["(quietly)", "(agreeing)"]


def test_registry_saves_and_loads_fdx(tmp_path) -> None:
    path = tmp_path / "night.fdx"
    EVERY_KIND.save(path)
    assert Screenplay.load(path) == EVERY_KIND


# --- bad input ----------------------------------------------------------------


def read_error(data: bytes) -> ScriptError:
    with pytest.raises(ScriptError) as caught:
        fdx.read(data, "bad.fdx")
    return caught.value


def test_malformed_xml_names_the_file_and_line() -> None:
    data = fdx_doc('<Paragraph Type="Action">\n<Text>Rain.</Txet>\n</Paragraph>')
    err = read_error(data)
    assert (err.path, err.line) == ("bad.fdx", 5)
    assert "malformed XML (mismatched tag" in str(err)
    assert str(err).startswith("bad.fdx:5: ")


def test_billion_laughs_is_refused() -> None:
    lol = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">\n' for i in range(1, 10))
    data = (
        '<?xml version="1.0"?>\n<!DOCTYPE FinalDraft [\n<!ENTITY lol0 "lol">\n' + lol + "]>\n"
        '<FinalDraft DocumentType="Script"><Content><Paragraph Type="Action"><Text>&lol9;</Text></Paragraph>'
        "</Content></FinalDraft>"
    ).encode()
    err = read_error(data)
    assert "refused unsafe XML" in str(err)
    assert err.line == 3


def test_external_entities_are_refused() -> None:
    data = (
        b'<?xml version="1.0"?>\n<!DOCTYPE FinalDraft [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
        b"<FinalDraft><Content><Paragraph><Text>&secret;</Text></Paragraph></Content></FinalDraft>"
    )
    assert "refused unsafe XML" in str(read_error(data))


def test_a_different_xml_document_is_not_a_script() -> None:
    err = read_error(b'<?xml version="1.0"?>\n<html><body>Hello</body></html>')
    assert "root element is <html>, not <FinalDraft>" in str(err)


@pytest.mark.parametrize(("data", "problem", "line"), [(b"", "empty", 1), (b"  \n\n ", "empty", 1)])
def test_an_empty_file_is_refused(data: bytes, problem: str, line: int) -> None:
    err = read_error(data)
    assert problem in err.problem
    assert err.line == line


def test_binary_data_is_refused() -> None:
    err = read_error(b"<FinalDraft>\n\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert "binary data" in err.problem
    assert err.line == 4


def test_plain_text_is_not_xml() -> None:
    err = read_error(b"INT. HOUSE - DAY\n\nThis is Fountain, not FDX.\n")
    assert "malformed XML" in err.problem
    assert err.line == 1


def test_an_unknown_encoding_is_refused() -> None:
    err = read_error(b'<?xml version="1.0" encoding="klingon"?>\n<FinalDraft/>')
    assert (err.problem, err.line) == ("the XML declaration names an unknown encoding: klingon", 1)


def test_older_final_draft_encodings_are_read() -> None:
    doc = '<?xml version="1.0" encoding="windows-1252"?>\n<FinalDraft><Content>'
    doc += '<Paragraph Type="Action"><Text>Café – “quoted”</Text></Paragraph></Content></FinalDraft>'
    assert fdx.read(doc.encode("windows-1252")).elements == (Action("Café – “quoted”"),)


def test_load_names_the_file(tmp_path) -> None:
    path = tmp_path / "broken.fdx"
    path.write_bytes(b"<FinalDraft><Content>\n<Paragraph>\n</Content></FinalDraft>")
    with pytest.raises(ScriptError, match=r"broken\.fdx:3: malformed XML"):
        Screenplay.load(path)


# --- properties ---------------------------------------------------------------

# Words without Fountain markup characters, so the text written is the text read.
_WORD = st.sampled_from(
    ["rain", "Mara", "the", "lamp", "R2", "café", "it's", "No.", "&", "<b>", '"so"', "3:10"]
) | st.text("abcdefXYZÉñ0123'.,!?&<>\"-;:", min_size=1, max_size=6)
_CAPS_WORD = _WORD.map(str.upper).filter(lambda w: any(c.isalpha() for c in w) and w == w.upper())


@st.composite
def _styled_line(draw: st.DrawFn, words: st.SearchStrategy[str] = _WORD) -> str:
    """One line of words, some bold, italic or underlined, as Fountain markup."""
    runs = []
    for k, word in enumerate(draw(st.lists(words, min_size=1, max_size=6))):
        if k:
            runs.append(Span(" "))
        bold, italic, underline = draw(st.tuples(st.booleans(), st.booleans(), st.booleans()))
        runs.append(Span(word, bold, italic, underline))
    return markup(runs)


def _styled_text(max_lines: int = 3) -> st.SearchStrategy[str]:
    return st.lists(_styled_line(), min_size=1, max_size=max_lines).map("\n".join)


_plain_line = st.lists(_WORD, min_size=1, max_size=5).map(" ".join)


@st.composite
def _speech(draw: st.DrawFn) -> Dialogue:
    name = " ".join(draw(st.lists(_CAPS_WORD, min_size=1, max_size=2)))
    extensions = tuple(draw(st.lists(st.sampled_from(["V.O.", "O.S.", "CONT'D", "on phone"]), max_size=2)))
    parts: list[Parenthetical | Line | Lyric] = []
    for kind in draw(st.lists(st.sampled_from(["paren", "line", "lyric"]), max_size=4)):
        if kind == "paren":
            parts.append(Parenthetical(f"({draw(_plain_line)})"))
        # Fountain joins consecutive spoken (or sung) lines into one part, and so does the reader.
        elif kind == "line" and not isinstance(parts[-1:] and parts[-1], Line):
            parts.append(Line(draw(_styled_text())))
        elif kind == "lyric" and not isinstance(parts[-1:] and parts[-1], Lyric):
            parts.append(Lyric(draw(_styled_text(2))))
    return Dialogue(Character(name, extensions), tuple(parts))


@st.composite
def _heading(draw: st.DrawFn) -> SceneHeading:
    prefix = draw(st.sampled_from(["INT. ", "EXT. ", "INT./EXT. ", "I/E ", "EST. ", ""]))
    place = draw(_plain_line).upper()
    time = draw(st.sampled_from(["", " - DAY", " - NIGHT", " - MOMENTS LATER"]))
    number = draw(st.none() | st.from_regex(r"[1-9][0-9]{0,2}[A-C]?", fullmatch=True))
    return fountain.parse_heading(prefix + place + time, number=number)


_note_text = st.lists(_plain_line, min_size=1, max_size=2).map("\n".join)

_element = st.one_of(
    _heading(),
    _styled_text().map(Action),
    st.tuples(st.sampled_from(["", "    "]), _styled_text()).map(lambda p: Action(p[0] + p[1])),
    _speech(),
    st.tuples(_speech(), _speech()).map(lambda pair: DualDialogue(*pair)),
    _plain_line.map(lambda t: Transition(t.upper() + " TO:")),
    _styled_text(2).map(Centered),
    _styled_text(2).map(Lyric),
    _note_text.map(Note),
    _note_text.map(Boneyard),
    st.tuples(_plain_line, st.integers(1, 4)).map(lambda p: Section(*p)),
    _plain_line.map(Synopsis),
    st.just(PageBreak()),
)

_CREDITS = st.sampled_from(["Written by", "by", "Screenplay by", "Teleplay by"])


@st.composite
def _title_page(draw: st.DrawFn) -> TitlePage:
    values = st.lists(_styled_line(), min_size=1, max_size=3).map(tuple)
    fields = []
    for key in ("Title", "Credit", "Author", "Source"):
        if draw(st.booleans()):
            fields.append(TitleField(key, (draw(_CREDITS),) if key == "Credit" else draw(values)))
    for key in draw(
        st.lists(st.sampled_from(["Draft date", "Contact", "Copyright", "Notes", "Revision"]), unique=True)
    ):
        fields.append(TitleField(key, draw(values)))
    return TitlePage(tuple(fields))


_screenplay = st.builds(Screenplay, _title_page(), st.lists(_element, max_size=10).map(tuple))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_screenplay)
def test_any_script_survives_write_and_read(script: Screenplay) -> None:
    assert round_trip(script) == script


def _rendered(obj: object) -> object:
    """A model object with each text replaced by the styled runs it prints as.

    Fountain can spell one rendering several ways (``***`` and ``*\\**`` are both an
    italic star); FDX keeps the rendering, not the spelling.
    """
    if dataclasses.is_dataclass(obj):
        fields = (getattr(obj, f.name) for f in dataclasses.fields(obj) if f.compare)
        return (type(obj).__name__, *(_rendered(value) for value in fields))
    if isinstance(obj, tuple):
        return tuple(_rendered(o) for o in obj)
    if isinstance(obj, str):
        return spans(obj, keep_notes=True)
    return obj


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategies.screenplays)
def test_scripts_with_tricky_characters_print_the_same_after_a_round_trip(script: Screenplay) -> None:
    back = round_trip(script)
    assert _rendered(back.elements) == _rendered(script.elements)
    # Title fields come back in Final Draft's order: Title, Credit, Author, Source, then the rest.
    fields_back, fields = (sorted(map(repr, _rendered(s.title_page.fields))) for s in (back, script))
    assert fields_back == fields


# Any printable text but the backslash: emphasis.spans cannot close a styled run that
# ends in an escaped backslash (``**a\\**``), a limitation of emphasis.py, not of FDX.
_ANY_RUN_TEXT = st.text(
    alphabet=st.characters(categories=("L", "N", "P", "S"), include_characters=" ", exclude_characters="\\"),
    min_size=1,
    max_size=12,
).filter(str.strip)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(_ANY_RUN_TEXT, st.booleans(), st.booleans(), st.booleans()), min_size=1, max_size=5))
def test_final_draft_styled_runs_read_as_markup_that_renders_the_same(
    runs: list[tuple[str, bool, bool, bool]],
) -> None:
    # Runs are separated by a plain space: Fountain cannot mark up two differently
    # styled runs that touch (see emphasis.markup), so Final Draft files rarely do it either.
    texts = " ".join(
        f'<Text Style="{"+".join(n for n, on in zip(("Bold", "Italic", "Underline"), flags, strict=True) if on)}">'
        f"{text.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}</Text><Text> </Text>"
        for text, *flags in runs
    )
    (action,) = fdx.read(fdx_doc(f'<Paragraph Type="Action">{texts}</Paragraph>')).elements
    written = [
        (ch, frozenset(n for n, on in zip(("bold", "italic", "underline"), flags, strict=True) if on))
        for text, *flags in runs
        for ch in text
        if not ch.isspace()
    ]
    read_back = [(ch, s.style) for s in spans(action.text, keep_notes=True) for ch in s.text if not ch.isspace()]
    assert read_back == written
