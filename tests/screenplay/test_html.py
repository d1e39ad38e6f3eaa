"""The HTML preview: standalone, escaped, shaped like a screenplay, page starts marked."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import clapboard
from clapboard.screenplay import html
from clapboard.screenplay.fountain import parse
from clapboard.screenplay.model import (
    Action,
    Character,
    Dialogue,
    Line,
    Note,
    Parenthetical,
    SceneHeading,
    Screenplay,
    TitleField,
    TitlePage,
)
from clapboard.screenplay.pagination import paginate

SCRIPT = """\
Title: *Night* Shift
Credit: written by
Author: Jane Doe
Draft date: 1 May 2024
Contact: jane@example.com

INT. DINER - NIGHT #7#

Rain **hammers** the _windows_. [[make it louder]]

/* an old joke we cut */

# Act One

= Mary waits.

MARY
(quietly)
Lights out, please.
~Happy birthday to you

BOB ^
No.

[[Check the timing here.]]

> CUT TO:

>THE END<
"""

VOID = {"meta", "br", "hr", "link", "img", "input"}


class Tags(HTMLParser):
    """Checks every tag closes in order and records the classes seen."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.classes: list[str] = []
        self.balanced = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.classes.extend((dict(attrs).get("class") or "").split())
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.balanced = False


def page(script: Screenplay, **options: bool) -> str:
    return html.write(script, **options).decode("utf-8")


def test_a_standalone_well_formed_page() -> None:
    out = page(parse(SCRIPT))
    assert out.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in out
    assert "<style>" in out and "Courier" in out
    for fetch in ("http://", "https://", "<link", "src=", "@import", "url("):
        assert fetch not in out
    tags = Tags()
    tags.feed(out)
    assert tags.balanced and not tags.open


def test_screenplay_elements_and_emphasis() -> None:
    out = page(parse(SCRIPT))
    tags = Tags()
    tags.feed(out)
    for css in ("title-page", "scene-heading", "action", "dialogue", "character", "parenthetical", "lyric"):
        assert css in tags.classes
    for css in ("dual-dialogue", "transition", "centered", "note", "section", "synopsis"):
        assert css in tags.classes
    assert '<h2 class="scene-heading" id="scene-1">INT. DINER - NIGHT</h2>' in out
    assert "Rain <strong>hammers</strong> the <u>windows</u>." in out
    assert '<h1 class="title"><em>Night</em> Shift</h1>' in out
    # Notes show, set apart; the boneyard does not.
    assert '<span class="note">[[make it louder]]</span>' in out
    assert '<aside class="note">[[Check the timing here.]]</aside>' in out
    assert "old joke" not in out
    dual = out[out.index('<div class="dual-dialogue">') :]
    assert dual.index(">MARY<") < dual.index(">BOB<") < dual.index("</div>\n</div>")


def test_everything_is_escaped() -> None:
    evil = "<script>alert('x')</script>"
    script = Screenplay(
        TitlePage((TitleField("Title", (evil,)), TitleField("Contact", ("a & b <c@d>",)))),
        (
            SceneHeading(f"INT. {evil} - DAY", number='1"><b>'),
            Action(f"He types {evil} & leaves."),
            Dialogue(Character(evil, (evil,)), (Parenthetical(f"({evil})"), Line(evil))),
            Note(evil),
        ),
    )
    out = page(script, scene_numbers=True)
    assert "<script" not in out.lower()
    assert "<b>" not in out
    assert out.count("&lt;script&gt;") >= 7
    assert "<title>&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;</title>" in out
    assert "a &amp; b &lt;c@d&gt;" in out
    tags = Tags()
    tags.feed(out)
    assert tags.balanced


def test_scene_numbers_on_request() -> None:
    assert '<span class="scene-number' not in page(parse(SCRIPT))
    numbered = page(parse(SCRIPT), scene_numbers=True)
    assert '<span class="scene-number left">7</span>INT. DINER - NIGHT<span class="scene-number right">7</span>' in (
        numbered
    )


def marks(out: str) -> list[tuple[str, str]]:
    return re.findall(r'<div class="(page-mark(?: forced)?)" role="separator" aria-label="page \d+">(\d+)\.</div>', out)


def test_printed_page_starts_are_marked() -> None:
    beats = tuple(Action(f"Beat {i}.") for i in range(60))  # 28 to a page
    script = Screenplay(elements=(*beats, parse("===").elements[0], Action("After the break.")))
    out = page(script)
    assert paginate(script).page_count == 4
    assert marks(out) == [("page-mark", "2"), ("page-mark", "3"), ("page-mark forced", "4")]
    assert out.index(">2.</div>") < out.index("Beat 28.") < out.index(">3.</div>") < out.index("Beat 56.")
    assert out.index("Beat 55.") < out.index(">3.</div>")
    assert out.index(">4.</div>") < out.index("After the break.")


def test_page_marks_inside_a_speech_fall_between_its_parts() -> None:
    said = " ".join(f"Sentence {i} runs on." for i in range(12))
    speech = Dialogue(Character("ANN"), (Line(said), Parenthetical("(beat)"), Line(said)))
    seen = set()
    for filler in range(1, 55):  # slide the speech down across the foot of page 1 a row at a time
        script = Screenplay(elements=(Action("\n".join(f"Line {i}." for i in range(filler))), speech))
        layout = paginate(script)
        if layout.page_count < 2:
            continue
        top = next(ln for ln in layout.pages[1].lines if ln.kind != "character")
        if top.element != 1:
            continue
        out = page(script)
        mark, wryly = out.index(">2.</div>"), out.index("(beat)")
        if layout.pages[1].lines[0].text == "ANN":
            # The whole speech went over: marked before it.
            assert mark < out.index(">ANN<")
            seen.add("whole")
        elif top.part in (0, 1):
            # Page 2 starts inside the first line of speech or at the wryly: marked before the wryly.
            assert out.index("Sentence 11 runs on.") < mark < wryly
        else:
            # It starts inside the last line of speech: marked after the speech.
            assert mark > out.rindex("Sentence 11 runs on.")
        seen.add(top.part)
    assert seen == {"whole", 0, 1, 2}


def test_written_through_the_format_registry() -> None:
    script = parse(SCRIPT)
    assert clapboard.dumps(script, "html") == html.write(script)
