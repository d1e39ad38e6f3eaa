"""End to end: Debian's Chromium, headless, driven by Playwright against a studio the test serves on loopback.

Open the board, reject a frame with its key, run, see the new frame; replace a
frame by upload; switch subtitle language in the player. Screenshots go to the
test's own folder under pytest's temporary tree.
"""

from __future__ import annotations

import io
import shutil
from typing import TYPE_CHECKING

import pytest
from PIL import Image

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    playwright = pytest.importorskip("playwright.sync_api")
    if shutil.which(CHROMIUM) is None:
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with playwright.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    try:
        yield opened
    finally:
        context.close()


def _frame_src(page: Page, scene: str = "scene-1") -> str:
    return page.locator(f"#{scene} .card img").first.get_attribute("src") or ""


def test_reject_a_frame_run_and_see_the_new_frame(page: Page, live: str, tmp_path: Path) -> None:
    page.goto(f"{live}/board")
    page.screenshot(path=tmp_path / "1-board.png", full_page=True)
    before = _frame_src(page)
    assert before.startswith("/frame/")
    assert page.locator("#scene-1 .card img").first.evaluate("img => img.complete && img.naturalWidth > 0")

    page.locator("#scene-1 .card").first.focus()
    page.keyboard.press("r")
    page.wait_for_url("**/board?said=reject*")
    assert page.locator("#scene-1 .badge.rejected").count() == 1
    page.screenshot(path=tmp_path / "2-rejected.png", full_page=True)

    page.goto(f"{live}/run")
    assert "scene/1/frames" in page.locator(".stale").inner_text()
    page.select_option("select[name=until]", "frames")
    page.click("#start-run")
    page.wait_for_url("**/run")
    assert page.locator("#run-state").inner_text() != ""  # planning, rolling, or already done
    page.goto(f"{live}/board")
    # The board follows the run through its event stream and swaps in the new cards when it ends.
    page.wait_for_function(
        "before => { const img = document.querySelector('#scene-1 .card img');"
        " return img && img.getAttribute('src') !== before; }",
        arg=before,
        timeout=240_000,
    )
    after = _frame_src(page)
    assert after != before and page.locator("#scene-1 .badge.rejected").count() == 0
    page.wait_for_function(
        "() => { const img = document.querySelector('#scene-1 .card img');"
        " return img.complete && img.naturalWidth > 0; }"
    )
    page.screenshot(path=tmp_path / "3-new-frame.png", full_page=True)


def test_replace_a_frame_by_upload(page: Page, live: str, tmp_path: Path) -> None:
    picture = io.BytesIO()
    Image.new("RGB", (64, 36), (200, 20, 20)).save(picture, format="PNG")
    upload = tmp_path / "my-frame.png"
    upload.write_bytes(picture.getvalue())

    page.goto(f"{live}/board")
    before = _frame_src(page, "scene-2")
    card = page.locator("#scene-2 .card").first
    card.locator("input[type=file]").set_input_files(upload)
    card.locator("button[type=submit]").click()
    page.wait_for_url("**/board?said=replace*")
    assert page.locator("#scene-2 .badge.human-made").count() == 1
    after = _frame_src(page, "scene-2")
    assert after != before
    served = page.request.get(f"{live}{after}")
    assert served.body() == picture.getvalue()
    page.screenshot(path=tmp_path / "replaced.png", full_page=True)

    page.locator("#scene-2 a.provenance").first.click()
    page.wait_for_selector("#panel:not([hidden]) .ledger")
    assert "human" in page.locator("#panel").inner_text()
    page.screenshot(path=tmp_path / "provenance.png", full_page=True)


def test_switch_subtitle_language_in_the_player(page: Page, live: str, tmp_path: Path) -> None:
    page.goto(f"{live}/screening")
    page.wait_for_function("() => document.getElementById('film').readyState >= 1", timeout=30_000)
    modes = (
        "() => Object.fromEntries(Array.from(document.getElementById('film').textTracks)"
        ".filter(t => t.kind === 'subtitles').map(t => [t.language, t.mode]))"
    )
    page.select_option("#subtitle-language", "es")
    assert page.evaluate(modes) == {"en": "disabled", "es": "showing"}
    page.select_option("#subtitle-language", "en")
    assert page.evaluate(modes) == {"en": "showing", "es": "disabled"}
    page.select_option("#sound-language", "es")
    assert page.evaluate("() => document.getElementById('film').muted") is True
    assert page.evaluate("() => document.getElementById('dub').src").endswith("/dub/es.wav")
    chapters = page.locator("button.chapter")
    assert chapters.count() >= 2
    chapters.nth(2).click()
    page.wait_for_function(
        "() => { const v = document.getElementById('film'); return v.currentTime > 0 && v.readyState >= 2; }"
    )
    # The picture really decodes: the sketched set is no black frame.
    brightness = page.evaluate(
        "() => { const v = document.getElementById('film'); const c = document.createElement('canvas');"
        " c.width = v.videoWidth; c.height = v.videoHeight; const g = c.getContext('2d'); g.drawImage(v, 0, 0);"
        " const d = g.getImageData(0, 0, c.width, c.height).data; let sum = 0;"
        " for (let i = 0; i < d.length; i += 4) sum += d[i] + d[i + 1] + d[i + 2]; return sum / (d.length / 4); }"
    )
    assert brightness > 30
    page.screenshot(path=tmp_path / "screening.png")
