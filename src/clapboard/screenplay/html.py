"""Screenplay as one standalone HTML5 page: a preview that reads like the printed script.

The page flows (it is for reading and review, not for layout), but it marks where
the printed pages begin, using the same pagination as the PDF, and it shows what
the PDF leaves out for the writer's eyes only: notes, sections and synopses. The
style sheet is embedded and nothing is fetched, so the file works offline and
can be mailed as it is. Every piece of script text is escaped.
"""

from __future__ import annotations

import re
from html import escape
from importlib.resources import files
from typing import TYPE_CHECKING

from clapboard.screenplay.emphasis import plain, spans
from clapboard.screenplay.model import (
    Action,
    Centered,
    Dialogue,
    DualDialogue,
    Lyric,
    Note,
    PageBreak,
    Parenthetical,
    SceneHeading,
    Screenplay,
    Section,
    Synopsis,
    TitleField,
    Transition,
)
from clapboard.screenplay.pagination import CENTRED_TITLE_KEYS, DRAFT_TITLE_KEYS, Layout, PrintLine, paginate

if TYPE_CHECKING:
    from clapboard.screenplay.model import Element

__all__ = ["write"]

_INLINE_NOTE = re.compile(r"\[\[(.*?)\]\]", re.S)
_INLINE_BONEYARD = re.compile(r"/\*.*?\*/", re.S)

# Where a printed page begins: before element ``e``, or before part ``p`` of the speech ``e``.
_Mark = tuple[int, int | None]


def write(script: Screenplay, *, scene_numbers: bool = False) -> bytes:
    """The script as a standalone HTML5 page (UTF-8) styled as a screenplay; ``scene_numbers`` shows them."""
    layout = paginate(script, scene_numbers=scene_numbers)
    title = escape(" ".join(plain(script.title or "").split()) or "Screenplay")
    css = files("clapboard.screenplay").joinpath("screenplay.css").read_text(encoding="utf-8")
    body = _body(script, layout, scene_numbers)
    page = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="Clapboard">',
        f"<title>{title}</title>",
        f"<style>\n{css}</style>",
        "</head>",
        "<body>",
        *_title_page(script),
        f'<article class="screenplay" data-pages="{layout.page_count}">',
        *body,
        "</article>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(page).encode("utf-8")


# --- text -------------------------------------------------------------------------


def _inline(text: str) -> str:
    """Fountain text as escaped HTML with its emphasis; inline notes kept, marked as notes."""
    out: list[str] = []
    for run in spans(_INLINE_BONEYARD.sub("", text), keep_notes=True):
        pieces: list[str] = []
        for i, piece in enumerate(_INLINE_NOTE.split(run.text)):
            if not piece:
                continue
            # split() puts the captured note text at the odd positions.
            pieces.append(f'<span class="note">[[{escape(piece)}]]</span>' if i % 2 else escape(piece))
        html = "".join(pieces)
        if not html:
            continue
        if run.underline:
            html = f"<u>{html}</u>"
        if run.italic:
            html = f"<em>{html}</em>"
        if run.bold:
            html = f"<strong>{html}</strong>"
        out.append(html)
    return "".join(out)


def _para(css: str, text: str) -> str:
    return f'<p class="{css}">{_inline(text)}</p>'


# --- title page -------------------------------------------------------------------


def _title_page(script: Screenplay) -> list[str]:
    fields = script.title_page.fields
    if not fields:
        return []
    centre = sorted(
        (f for f in fields if f.key.lower() in CENTRED_TITLE_KEYS),
        key=lambda f: CENTRED_TITLE_KEYS.index(f.key.lower()),
    )
    draft = [f for f in fields if f.key.lower() in DRAFT_TITLE_KEYS]
    contact = [f for f in fields if f.key.lower() not in CENTRED_TITLE_KEYS + DRAFT_TITLE_KEYS]
    out = ['<section class="title-page">', '<div class="centre">']
    for f in centre:
        tag = "h1" if f.key.lower() == "title" else "p"
        out.append(f'<{tag} class="{_css_name(f.key)}">{_field_html(f)}</{tag}>')
    out.append("</div>")
    for css, group in (("lower-left", contact), ("lower-right", draft)):
        if group:
            out.append(f'<div class="{css}">')
            out.extend(f'<p class="{_css_name(f.key)}">{_field_html(f)}</p>' for f in group)
            out.append("</div>")
    out.append("</section>")
    return out


def _field_html(f: TitleField) -> str:
    return "<br>".join(_inline(v.strip()) for v in f.values)


def _css_name(key: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-") or "field"


# --- body -------------------------------------------------------------------------


def _body(script: Screenplay, layout: Layout, scene_numbers: bool) -> list[str]:
    marks = _page_marks(script, layout)
    out: list[str] = []
    scene = 0
    forced = False
    for index, el in enumerate(script.elements):
        for number in marks.pop((index, None), ()):
            out.append(_page_mark(number, forced))
            forced = False
        if isinstance(el, PageBreak):
            forced = True
            continue
        if isinstance(el, SceneHeading):
            scene += 1
            out.append(_heading(el, scene, scene_numbers))
            continue
        out.extend(_element(el, index, marks))
    # Marks left over fall after the last element (a page that starts in the script's last paragraph).
    out.extend(_page_mark(n, forced) for _, numbers in sorted(marks.items()) for n in numbers)
    return out


def _heading(el: SceneHeading, scene: int, scene_numbers: bool) -> str:
    text = _inline(el.text)
    if scene_numbers:
        number = escape(el.number or str(scene))
        text = f'<span class="scene-number left">{number}</span>{text}<span class="scene-number right">{number}</span>'
    return f'<h2 class="scene-heading" id="scene-{scene}">{text}</h2>'


def _element(el: Element, index: int, marks: dict[_Mark, list[int]]) -> list[str]:
    if isinstance(el, Action):
        return [_para("action", el.text)]
    if isinstance(el, Dialogue):
        return _dialogue(el, index, marks)
    if isinstance(el, DualDialogue):
        return ['<div class="dual-dialogue">', *_dialogue(el.left), *_dialogue(el.right), "</div>"]
    if isinstance(el, Transition):
        return [_para("transition", el.text)]
    if isinstance(el, Centered):
        return [_para("centered", el.text)]
    if isinstance(el, Lyric):
        return [_para("lyric", el.text)]
    if isinstance(el, Note):
        return [f'<aside class="note">[[{escape(el.text)}]]</aside>']
    if isinstance(el, Section):
        return [f'<p class="section depth-{el.depth}">{"#" * el.depth} {escape(el.text)}</p>']
    if isinstance(el, Synopsis):
        return [f'<p class="synopsis">= {escape(el.text)}</p>']
    return []  # boneyard: struck out by the writer, kept in the file, shown nowhere


def _dialogue(d: Dialogue, index: int | None = None, marks: dict[_Mark, list[int]] | None = None) -> list[str]:
    out = ['<div class="dialogue">', _para("character", d.character.cue)]
    for i, part in enumerate(d.parts):
        if marks is not None:
            out.extend(_page_mark(n, False) for n in marks.pop((index, i), ()))
        if isinstance(part, Parenthetical):
            out.append(_para("parenthetical", part.text))
        elif isinstance(part, Lyric):
            out.append(_para("lyric", part.text))
        else:
            out.append(_para("line", part.text))
    out.append("</div>")
    return out


def _page_mark(number: int, forced: bool) -> str:
    css = "page-mark forced" if forced else "page-mark"
    return f'<div class="{css}" role="separator" aria-label="page {number}">{number}.</div>'


def _page_marks(script: Screenplay, layout: Layout) -> dict[_Mark, list[int]]:
    """Where each printed page after the first begins, as a place in the model.

    A page that starts inside a paragraph is marked after that paragraph: the
    preview flows, so it can only put a mark between paragraphs.
    """
    marks: dict[_Mark, list[int]] = {}
    last: PrintLine | None = None
    for page in layout.pages:
        content = [ln for ln in page.lines if ln.kind not in ("more", "scene-number")]
        if not content:
            continue
        first = content[0]
        if last is not None and first.element is not None:
            if first.element != last.element:
                at: _Mark = (first.element, None)
            else:
                at = _resume(script, first.element, content, last)
            marks.setdefault(at, []).append(page.number)
        last = content[-1]
    return marks


def _resume(script: Screenplay, element: int, content: list[PrintLine], last: PrintLine) -> _Mark:
    """The mark for a page that carries on element ``element`` from the page before."""
    el = script.elements[element]
    if not isinstance(el, Dialogue):
        return (element + 1, None)
    part = next((ln.part for ln in content if ln.element == element and ln.part is not None), None)
    if part is not None and part != last.part:
        return (element, part)
    if last.part is not None and last.part + 1 < len(el.parts):
        return (element, last.part + 1)
    return (element + 1, None)
