"""Final Draft (.fdx): read and write the XML format of Final Draft 8 and later.

An FDX document is ``<FinalDraft>`` holding a ``<Content>`` of typed
``<Paragraph>`` elements, each a run of ``<Text Style="Bold+Italic">`` pieces,
and a ``<TitlePage>`` whose paragraphs carry no keys, only their alignment.

How the model maps onto it:

- Scene headings, action, character cues, parentheticals, dialogue and
  transitions are paragraphs of those types; the scene number is the heading's
  ``Number`` attribute. A cue is written as printed (``MARY (V.O.)``) and split
  back into name and extensions.
- Emphasis markup in the model's text becomes styled ``<Text>`` runs and back.
  Markup characters are escaped on reading only where Fountain would misread
  them (``R2_D2`` stays as it is); the rendering always survives, the spelling
  not always (``***``, an italic star, comes back as ``*\\**``).
- Dual dialogue is ``<Paragraph><DualDialogue>`` holding both speeches.
- Centred text is an action paragraph with ``Alignment="Center"``.
- Lyrics are ``Lyrics`` paragraphs (the element Final Draft has for sung lines;
  the document declares its layout). A lyric standing on its own right after a
  speech is set off by an empty paragraph, as a blank line sets it off in Fountain.
- A page break sets ``StartsNewPage="Yes"`` on the paragraph after it (an
  empty paragraph when nothing follows).
- Notes, boneyard, sections and synopses have no Final Draft element. They are
  kept as ``General`` paragraphs holding their Fountain form (``[[note]]``,
  ``/*cut*/``, ``## Act Two``, ``= synopsis``), so they survive a round trip and
  read plainly in Final Draft; ``write(..., notes=False)`` leaves them out.
- Title page: Title, Credit, Author and Source are centred blocks recognised by
  position (and a credit by its words, ``Written by``); Contact is a plain block
  at the foot; other keys are written ``Key: value``. A field that could not be
  recognised by position is written ``Key: value`` too, so our own files read
  back exactly, apart from the order (Title, Credit, Author, Source, then the
  rest as given) and the spelling of the positional keys.

Reading also takes what Final Draft itself writes: ``Shot``, ``Cast List`` and
unknown types as action, ``Outline 1..n`` as sections, ``Outline Body`` as
synopses, inline ``<ScriptNote>`` as ``[[notes]]``, ``AllCaps`` styles (from the
run or the document's element settings) as capitals. Consecutive dialogue or
lyric paragraphs of one speech join into one line, as in Fountain. ``forced`` is
always false: FDX has no forcing marks.

XML is parsed with defusedxml: entity declarations and external references
(billion laughs, XXE) are refused with a ScriptError.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from clapboard.errors import ScriptError
from clapboard.screenplay.emphasis import Span, markup, spans
from clapboard.screenplay.fountain import parse_heading
from clapboard.screenplay.model import (
    Action,
    Boneyard,
    Centered,
    Character,
    Dialogue,
    DualDialogue,
    Element,
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

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

__all__ = ["read", "write"]

_SPEECH_TYPES = frozenset({"Parenthetical", "Dialogue", "Lyrics"})
_PART_TYPES: dict[type, str] = {Parenthetical: "Parenthetical", Line: "Dialogue", Lyric: "Lyrics"}
_SECTION = re.compile(r"(#+)\s?(.*)", re.S)
_OUTLINE = re.compile(r"Outline (\d+)")
# Characters XML 1.0 cannot hold at all; they are dropped on writing.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

# Title page vocabulary.
_CREDIT = re.compile(r"(?:(?:written|screenplay|teleplay|story|created|adapted)(?: and \w+)?\s+)?by:?", re.I)
_CENTERED_KEY = re.compile(r"(title|credit|authors?|source)\s*:\s?(.*)", re.I)
_ANY_KEY = re.compile(r"([A-Za-z][A-Za-z0-9 _'-]*):\s?(.*)")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DATE = re.compile(
    rf"\d{{1,4}}[/.-]\d{{1,2}}[/.-]\d{{1,4}}|{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH}\s+\d{{4}}|{_MONTH}\s+\d{{4}}",
    re.I,
)
_SLOTS = ("Title", "Author", "Source")  # centred blocks without a key take these in turn
_CANONICAL_KEY = {"title": "Title", "credit": "Credit", "author": "Author", "authors": "Author", "source": "Source"}
_CENTERED_ORDER = ("Title", "Credit", "Author", "Source")

# Layout of the elements we write, in inches and points, after the US screenplay template.
# No AllCaps: the model's text is what prints, and the reader capitalises types marked AllCaps.
# (type, font style, alignment, left indent, right indent, space before, paginate as, return key)
_ELEMENT_SETTINGS = (
    ("General", "", "Left", "1.50", "7.50", 0, "General", "General"),
    ("Scene Heading", "", "Left", "1.50", "7.50", 24, "Scene Heading", "Action"),
    ("Action", "", "Left", "1.50", "7.50", 12, "Action", "Action"),
    ("Character", "", "Left", "3.50", "7.25", 12, "Character", "Dialogue"),
    ("Parenthetical", "", "Left", "3.00", "5.50", 0, "Parenthetical", "Dialogue"),
    ("Dialogue", "", "Left", "2.50", "6.00", 0, "Dialogue", "Action"),
    ("Lyrics", "Italic", "Left", "2.50", "6.00", 0, "Dialogue", "Dialogue"),
    ("Transition", "", "Right", "5.50", "7.10", 12, "Transition", "Scene Heading"),
)


# --- reading -----------------------------------------------------------------


@dataclass
class _Node:
    """An XML element as read, with the line its start tag is on."""

    tag: str
    attrs: dict[str, str]
    line: int
    children: list[_Node] = field(default_factory=list)
    chunks: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.chunks)

    def child(self, tag: str) -> _Node | None:
        return next((c for c in self.children if c.tag == tag), None)

    def all(self, tag: str) -> Iterator[_Node]:
        return (c for c in self.children if c.tag == tag)


class _TreeBuilder:
    """Target for the XML parser that builds :class:`_Node` trees stamped with line numbers."""

    def __init__(self) -> None:
        self.expat: Any = None  # the parser's expat object, for the line each element starts on
        self.stack: list[_Node] = []
        self.root: _Node | None = None

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        node = _Node(tag, dict(attrs), self.expat.CurrentLineNumber)
        if self.stack:
            self.stack[-1].children.append(node)
        else:
            self.root = node
        self.stack.append(node)

    def end(self, tag: str) -> None:
        self.stack.pop()

    def data(self, text: str) -> None:
        if self.stack:
            self.stack[-1].chunks.append(text)

    def close(self) -> _Node:
        assert self.root is not None, "expat refuses a document without a root element before this"
        return self.root


def read(data: bytes, path: str | None = None) -> Screenplay:
    """Parse a Final Draft document; a ScriptError names the file and line when it cannot."""
    root = _parse_xml(data, path)
    if root.tag != "FinalDraft":
        raise ScriptError(f"not a Final Draft document: the root element is <{root.tag}>, not <FinalDraft>", path, 1)
    content = root.child("Content")
    body = [c for c in content.children if c.tag in ("Paragraph", "DualDialogue")] if content is not None else []
    title = root.child("TitlePage")
    title_content = title.child("Content") if title is not None else None
    title_paragraphs = list(title_content.all("Paragraph")) if title_content is not None else []
    return Screenplay(_read_title_page(title_paragraphs), tuple(_Body(_ElementSettings(root)).read(body)))


def _parse_xml(data: bytes, path: str | None) -> _Node:
    if not data.strip():
        raise ScriptError("the file is empty", path, 1)
    nul = data.find(b"\x00")
    if nul >= 0 and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        line = data.count(b"\n", 0, nul) + 1
        raise ScriptError("binary data (NUL byte): not a Final Draft document", path, line)
    builder = _TreeBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    builder.expat = parser.parser
    try:
        parser.feed(data)
        root = parser.close()
    except ParseError as exc:
        line, column = exc.position
        reason = re.sub(r": line \d+, column \d+$", "", str(exc))
        raise ScriptError(f"malformed XML ({reason}, column {column + 1})", path, line) from None
    except LookupError as exc:
        # expat hands encodings it does not know itself to Python's codecs.
        raise ScriptError(f"the XML declaration names an {exc}", path, 1) from None
    except DefusedXmlException as exc:
        line = parser.parser.CurrentLineNumber
        raise ScriptError(f"refused unsafe XML ({exc}): FDX files need no entity declarations", path, line) from None
    return root


class _ElementSettings:
    """What the document's own element settings say about capitals and centring."""

    def __init__(self, root: _Node) -> None:
        self.caps: set[str] = set()
        self.centered: set[str] = set()
        for setting in root.all("ElementSettings"):
            kind = setting.attrs.get("Type", "")
            font, paragraph = setting.child("FontSpec"), setting.child("ParagraphSpec")
            if font is not None and "allcaps" in _styles(font):
                self.caps.add(kind)
            if paragraph is not None and paragraph.attrs.get("Alignment") == "Center":
                self.centered.add(kind)


def _styles(node: _Node) -> set[str]:
    return {s.strip().lower() for s in node.attrs.get("Style", "").split("+")}


def _runs(paragraph: _Node, caps: bool) -> list[Span]:
    """The paragraph's styled text; an inline ScriptNote becomes a ``[[note]]`` where it stands."""
    out: list[Span] = []
    after_note = False
    for node in paragraph.children:
        if node.tag == "Text":
            styles = _styles(node)
            text = node.text.upper() if caps or "allcaps" in styles else node.text
            if after_note and text[:1].strip():
                out.append(Span(" "))
            out.append(Span(text, "bold" in styles, "italic" in styles, "underline" in styles))
            after_note = after_note and not text
        elif node.tag == "ScriptNote":
            note = "\n".join("".join(t.text for t in p.all("Text")) for p in node.all("Paragraph")).strip()
            if note:
                if out and out[-1].text[-1:].strip():
                    out.append(Span(" "))
                out.append(Span(f"[[{note}]]"))
                after_note = True
    return out


def _markup(runs: Iterable[Span]) -> str:
    """Styled runs as Fountain markup, escaping markup characters only where they would be misread."""
    parts: list[Span] = []
    for run in runs:
        for k, piece in enumerate(run.text.split("\n")):
            if k:
                parts.append(Span("\n"))
            core = piece.strip()
            if not core or not run.style:
                parts.append(Span(piece))
                continue
            # Markup keeps whitespace outside the markers, so style only the words.
            lead, trail = piece[: len(piece) - len(piece.lstrip())], piece[len(piece.rstrip()) :]
            parts.extend([Span(lead), Span(core, run.bold, run.italic, run.underline), Span(trail)])
    merged: list[Span] = []
    for run in parts:
        if not run.text:
            continue
        if merged and merged[-1].style == run.style:
            merged[-1] = Span(merged[-1].text + run.text, run.bold, run.italic, run.underline)
        else:
            merged.append(run)
    light = "".join(markup([r]) if r.style else r.text for r in merged)
    return light if spans(light, keep_notes=True) == tuple(merged) else markup(merged)


def _clean(text: str, *, keep_indent: bool = False) -> str:
    """Trim each line as Fountain does: action keeps its indentation, everything else is stripped."""
    lines = [ln.rstrip() if keep_indent else ln.strip() for ln in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines)


@dataclass
class _Speech:
    character: Character
    line: int
    parts: list[Parenthetical | Line | Lyric] = field(default_factory=list)

    def add(self, kind: str, text: str, line: int) -> None:
        """Add a paragraph of the speech; consecutive dialogue (or lyric) paragraphs join into one part."""
        last = self.parts[-1] if self.parts else None
        if kind == "Parenthetical":
            self.parts.append(Parenthetical(text if text.startswith("(") and text.endswith(")") else f"({text})", line))
        elif kind == "Lyrics" and isinstance(last, Lyric):
            self.parts[-1] = Lyric(f"{last.text}\n{text}", last.line)
        elif kind == "Lyrics":
            self.parts.append(Lyric(text, line))
        elif isinstance(last, Line):
            self.parts[-1] = Line(f"{last.text}\n{text}", last.line)
        else:
            self.parts.append(Line(text, line))

    def dialogue(self) -> Dialogue:
        return Dialogue(self.character, tuple(self.parts), self.line)


class _Body:
    """Turns a run of paragraphs into model elements, gathering speeches as it goes."""

    def __init__(self, settings: _ElementSettings) -> None:
        self.settings = settings
        self.out: list[Element] = []
        self.speech: _Speech | None = None

    def read(self, paragraphs: Iterable[_Node]) -> list[Element]:
        for paragraph in paragraphs:
            self._paragraph(paragraph)
        self._end_speech()
        return self.out

    def _end_speech(self) -> None:
        if self.speech is not None:
            self.out.append(self.speech.dialogue())
            self.speech = None

    def _paragraph(self, p: _Node) -> None:
        new_page = p.attrs.get("StartsNewPage", "").lower() == "yes"
        dual = p if p.tag == "DualDialogue" else p.child("DualDialogue")
        if dual is not None:
            self._end_speech()
            if new_page:
                self.out.append(PageBreak(p.line))
            self._dual(dual)
            return
        kind = p.attrs.get("Type", "General")
        runs = _runs(p, kind in self.settings.caps)
        raw = "".join(r.text for r in runs)
        if kind in _SPEECH_TYPES and self.speech is not None:
            # A page break inside a speech has nowhere to go in the model; the speech goes on.
            if raw.strip():
                self.speech.add(kind, _clean(_markup(runs)), p.line)
            return
        self._end_speech()
        if new_page:
            self.out.append(PageBreak(p.line))
        if raw.strip():
            self._element(kind, p, runs, raw)

    def _element(self, kind: str, p: _Node, runs: list[Span], raw: str) -> None:
        line = p.line
        if kind == "General" and (marked := _marked(raw.strip(), line)) is not None:
            self.out.append(marked)
            return
        text = _markup(runs)
        alignment = p.attrs.get("Alignment")
        centered = alignment == "Center" or (alignment is None and kind in self.settings.centered)
        if kind == "Scene Heading":
            self.out.append(parse_heading(_clean(text), number=p.attrs.get("Number") or None, line=line))
        elif kind == "Character":
            self.speech = _Speech(Character.from_cue(_clean(text)), line)
        elif kind == "Transition":
            self.out.append(Transition(_clean(text), line=line))
        elif kind == "Lyrics":
            self.out.append(Lyric(_clean(text), line))
        elif (outline := _OUTLINE.fullmatch(kind)) is not None:
            self.out.append(Section(_clean(text), int(outline.group(1)), line))
        elif kind == "Outline Body":
            self.out.append(Synopsis(_clean(text), line))
        elif centered:
            self.out.append(Centered(_clean(text), line))
        else:
            # Action, General, Shot, Cast List, unknown types and orphaned dialogue all read as action.
            self.out.append(Action(_clean(text, keep_indent=True), line=line))

    def _dual(self, dual: _Node) -> None:
        inner = _Body(self.settings).read(dual.all("Paragraph"))
        if len(inner) >= 2 and isinstance(inner[0], Dialogue) and isinstance(inner[1], Dialogue):
            self.out.append(DualDialogue(inner[0], inner[1], inner[0].line))
            inner = inner[2:]
        self.out.extend(inner)


def _marked(text: str, line: int) -> Element | None:
    """A General paragraph holding a note, boneyard, section or synopsis in its Fountain form."""
    if text.startswith("[[") and text.endswith("]]") and "]]" not in text[2:-2]:
        return Note(text[2:-2], line)
    if text.startswith("/*") and text.endswith("*/") and len(text) >= 4:
        return Boneyard(text[2:-2], line)
    if (m := _SECTION.fullmatch(text)) is not None:
        return Section(m.group(2).strip(), len(m.group(1)), line)
    if text.startswith("=") and not text.startswith("=="):
        return Synopsis(text[1:].strip(), line)
    return None


# --- the title page, read ----------------------------------------------------


@dataclass
class _Block:
    centered: bool
    lines: list[str]
    line: int


def _title_blocks(paragraphs: list[_Node]) -> list[_Block]:
    """Paragraphs grouped into blocks: an empty paragraph or a change of alignment ends one."""
    blocks: list[_Block] = []
    current: _Block | None = None
    for p in paragraphs:
        text = _markup(_runs(p, caps=False)).strip()
        centered = p.attrs.get("Alignment", "") == "Center"
        if not text:
            current = None
            continue
        if current is None or current.centered != centered:
            current = _Block(centered, [], p.line)
            blocks.append(current)
        current.lines.append(text)
    return blocks


def _split_credits(block: _Block) -> list[_Block]:
    """A credit line (``Written by``) is a field of its own even when it touches its neighbours."""
    if not block.centered or _CENTERED_KEY.fullmatch(block.lines[0]) or len(block.lines) == 1:
        return [block]
    out: list[_Block] = []
    for k, text in enumerate(block.lines):
        if _CREDIT.fullmatch(text) or not out or _CREDIT.fullmatch(out[-1].lines[-1]):
            out.append(_Block(True, [text], block.line + k))
        else:
            out[-1].lines.append(text)
    return out


def _read_title_page(paragraphs: list[_Node]) -> TitlePage:
    fields: list[TitleField] = []
    filled: set[str] = set()
    for block in (b for raw in _title_blocks(paragraphs) for b in _split_credits(raw)):
        explicit = (_CENTERED_KEY if block.centered else _ANY_KEY).fullmatch(block.lines[0])
        if explicit is not None:
            key, first = explicit.group(1).strip(), explicit.group(2).strip()
            filled.add(_CANONICAL_KEY.get(key.lower(), key))
            values = ([first] if first else []) + block.lines[1:]
        elif block.centered and len(block.lines) == 1 and _CREDIT.fullmatch(block.lines[0]):
            key, values = "Credit", block.lines
        elif block.centered:
            key = next((s for s in _SLOTS if s not in filled), "Source")
            filled.add(key)
            values = block.lines
        elif len(block.lines) == 1 and _DATE.fullmatch(block.lines[0]):
            key, values = "Draft date", block.lines
        else:
            contact = next((k for k, f in enumerate(fields) if f.key == "Contact"), None)
            if contact is not None:
                fields[contact] = TitleField("Contact", (*fields[contact].values, *block.lines), fields[contact].line)
                continue
            key, values = "Contact", block.lines
        fields.append(TitleField(key, tuple(values), block.line))
    return TitlePage(tuple(fields))


# --- writing -----------------------------------------------------------------


def write(script: Screenplay, *, notes: bool = True) -> bytes:
    """The script as a Final Draft document (UTF-8).

    ``notes=False`` leaves out notes, boneyard, sections and synopses, which
    Final Draft would otherwise print as General paragraphs.
    """
    out = [
        '<?xml version="1.0" encoding="UTF-8" standalone="no" ?>',
        '<FinalDraft DocumentType="Script" Template="No" Version="5">',
        "  <Content>",
    ]
    out.extend(_Writer(notes).body(script.elements))
    out.append("  </Content>")
    out.extend(_element_settings())
    out.extend(["  <TitlePage>", "    <Content>"])
    for centered, runs in _title_paragraphs(script.title_page):
        out.extend(_paragraph(runs, indent=6, alignment="Center" if centered else "Left"))
    out.extend(["    </Content>", "  </TitlePage>", "</FinalDraft>", ""])
    return "\n".join(out).encode("utf-8")


class _Writer:
    """Writes body elements, carrying page breaks over to the paragraph that follows them."""

    def __init__(self, notes: bool) -> None:
        self.notes = notes
        self.breaks = 0
        self.after_speech = False

    def body(self, elements: Iterable[Element]) -> Iterator[str]:
        for el in elements:
            if isinstance(el, PageBreak):
                self.breaks += 1
                continue
            if not self.notes and isinstance(el, (Note, Boneyard, Section, Synopsis)):
                continue
            if isinstance(el, Lyric) and self.after_speech:
                # Without a gap the lyric would read back as the end of the speech.
                yield from self._empty(at_least=1)
            yield from self._element(el)
            self.after_speech = isinstance(el, Dialogue)
        yield from self._empty(at_least=0)

    def _empty(self, at_least: int, keep: int = 0) -> Iterator[str]:
        """Empty paragraphs carrying the pending page breaks, all but ``keep`` of them."""
        for _ in range(max(self.breaks - keep, at_least)):
            yield from _paragraph([], kind="Action", new_page=self.breaks > 0)
            self.breaks = max(self.breaks - 1, 0)

    def _extra_breaks(self) -> Iterator[str]:
        """Host all but one pending break on empty paragraphs; the caller's paragraph takes the last."""
        yield from self._empty(at_least=0, keep=1)

    def _take_break(self) -> bool:
        taken, self.breaks = self.breaks, 0
        return taken == 1

    def _para(self, kind: str | None, text: str, *, raw: bool = False, indent: int = 4, **attrs: str) -> Iterator[str]:
        yield from self._extra_breaks()
        runs = [Span(text)] if raw else list(spans(text, keep_notes=self.notes))
        yield from _paragraph(runs, kind=kind, indent=indent, new_page=self._take_break(), **attrs)

    def _element(self, el: Element) -> Iterator[str]:
        if isinstance(el, SceneHeading):
            yield from self._para("Scene Heading", el.text, **({"number": el.number} if el.number else {}))
        elif isinstance(el, Action):
            yield from self._para("Action", el.text)
        elif isinstance(el, Centered):
            yield from self._para("Action", el.text, alignment="Center")
        elif isinstance(el, Transition):
            yield from self._para("Transition", el.text)
        elif isinstance(el, Lyric):
            yield from self._para("Lyrics", el.text)
        elif isinstance(el, Dialogue):
            yield from self._speech(el, indent=4)
        elif isinstance(el, DualDialogue):
            yield from self._extra_breaks()
            yield "    <Paragraph" + (' StartsNewPage="Yes"' if self._take_break() else "") + ">"
            yield "      <DualDialogue>"
            yield from self._speech(el.left, indent=8)
            yield from self._speech(el.right, indent=8)
            yield "      </DualDialogue>"
            yield "    </Paragraph>"
        elif isinstance(el, Note):
            yield from self._para("General", f"[[{el.text}]]", raw=True)
        elif isinstance(el, Boneyard):
            yield from self._para("General", f"/*{el.text}*/", raw=True)
        elif isinstance(el, Section):
            yield from self._para("General", "#" * el.depth + " " + el.text, raw=True)
        elif isinstance(el, Synopsis):
            yield from self._para("General", "= " + el.text, raw=True)
        else:
            raise TypeError(f"not a screenplay element: {el!r}")

    def _speech(self, d: Dialogue, indent: int) -> Iterator[str]:
        yield from self._para("Character", d.character.cue, indent=indent)
        for part in d.parts:
            yield from self._para(_PART_TYPES[type(part)], part.text, indent=indent)


def _paragraph(
    runs: list[Span],
    *,
    kind: str | None = None,
    indent: int = 4,
    new_page: bool = False,
    number: str | None = None,
    alignment: str | None = None,
) -> list[str]:
    attrs = ""
    if kind is not None:
        attrs += f' Type="{_attr(kind)}"'
    if number is not None:
        attrs += f' Number="{_attr(number)}"'
    if alignment is not None:
        attrs += f' Alignment="{alignment}"'
    if new_page:
        attrs += ' StartsNewPage="Yes"'
    pad = " " * indent
    texts = [f"{pad}  <Text{_style(r)}>{_text(r.text)}</Text>" for r in runs if r.text] or [f"{pad}  <Text></Text>"]
    return [f"{pad}<Paragraph{attrs}>", *texts, f"{pad}</Paragraph>"]


def _style(run: Span) -> str:
    names = [name for name, on in (("Bold", run.bold), ("Italic", run.italic), ("Underline", run.underline)) if on]
    return f' Style="{"+".join(names)}"' if names else ""


def _text(s: str) -> str:
    s = _NOT_XML.sub("", s)
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _attr(s: str) -> str:
    return _text(s).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def _element_settings() -> list[str]:
    out: list[str] = []
    for kind, style, align, left, right, before, paginate, return_key in _ELEMENT_SETTINGS:
        out += [
            f'  <ElementSettings Type="{kind}">',
            f'    <FontSpec AdornmentStyle="0" Background="#FFFFFFFFFFFF" Color="#000000000000" '
            f'Font="Courier Final Draft" RevisionID="0" Size="12" Style="{style}"/>',
            f'    <ParagraphSpec Alignment="{align}" FirstIndent="0.00" Leading="Regular" LeftIndent="{left}" '
            f'RightIndent="{right}" SpaceBefore="{before}" Spacing="1" StartsNewPage="No"/>',
            f'    <Behavior PaginateAs="{paginate}" ReturnKey="{return_key}" Shortcut="0"/>',
            "  </ElementSettings>",
        ]
    return out


# --- the title page, written -------------------------------------------------

# Empty lines above the title and (at most) above the foot block: Final Draft lays
# a title page out with blank paragraphs, roughly a third and then most of the way down.
_TITLE_TOP = 14
_PAGE_LINES = 50


def _title_paragraphs(page: TitlePage) -> list[tuple[bool, list[Span]]]:
    """(centred, runs) for each paragraph of the title page, empty ones included."""
    centered = sorted(
        (f for f in page.fields if f.key.lower() in _CANONICAL_KEY),
        key=lambda f: _CENTERED_ORDER.index(_CANONICAL_KEY[f.key.lower()]),
    )
    foot = [f for f in page.fields if f.key.lower() not in _CANONICAL_KEY]
    head_blocks: list[list[str]] = []
    filled: set[str] = set()
    for f in centered:
        slot = _CANONICAL_KEY[f.key.lower()]
        head_blocks.append(list(f.values) if _plain_centered(f, slot, filled) else _keyed(f))
        filled.add(slot)
    foot_blocks: list[list[str]] = []
    contacts = 0
    for f in foot:
        # Keyless foot blocks all read back as one Contact, so only the first contact may go without its key.
        contacts += f.key.lower() == "contact"
        plain = contacts == 1 and f.key.lower() == "contact" and _plain_contact(f)
        foot_blocks.append(list(f.values) if plain else _keyed(f))
    out: list[tuple[bool, list[Span]]] = []
    if not head_blocks and not foot_blocks:
        return out
    out += [(True, [])] * _TITLE_TOP
    for k, block in enumerate(head_blocks):
        if k:
            out.append((True, []))
        out += [(True, list(spans(v, keep_notes=True))) for v in block]
    head_lines = sum(len(b) + 1 for b in head_blocks)
    foot_lines = sum(len(b) + 1 for b in foot_blocks)
    gap = max(2, _PAGE_LINES - _TITLE_TOP - head_lines - foot_lines)
    for k, block in enumerate(foot_blocks):
        out += [(False, [])] * (gap if k == 0 else 1)
        out += [(False, list(spans(v, keep_notes=True))) for v in block]
    return out


def _plain_centered(f: TitleField, slot: str, filled: set[str]) -> bool:
    """Whether ``f`` written without its key reads back as the same field."""
    values = f.values
    if not values or not all(v.strip() == v and v for v in values):
        return False
    if slot == "Credit":
        return len(values) == 1 and _CREDIT.fullmatch(values[0]) is not None
    if any(_CREDIT.fullmatch(v) for v in values) or _CENTERED_KEY.fullmatch(values[0]):
        return False
    return next((s for s in _SLOTS if s not in filled), None) == slot


def _plain_contact(f: TitleField) -> bool:
    values = f.values
    if not values or not all(v.strip() == v and v for v in values) or _ANY_KEY.fullmatch(values[0]):
        return False
    return not (len(values) == 1 and _DATE.fullmatch(values[0]))


def _keyed(f: TitleField) -> list[str]:
    if len(f.values) == 1:
        return [f"{f.key}: {f.values[0]}"]
    return [f"{f.key}:", *f.values]
