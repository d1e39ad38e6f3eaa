"""Paperwork from a bare script: the files land in the folder, every picture resolves, and the pages render."""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from clapboard.run.paperwork import write_breakdown, write_shots

# The whole sample is analysed and drawn once for the module, in about ten seconds.
pytestmark = pytest.mark.slow

SAMPLE = Path(__file__).parents[2] / "examples" / "concert-pitch.fountain"
#: Screenshots are kept here (git ignores it) for a person to look at.
SCREENSHOTS = Path(__file__).parents[2] / "test-output"


@pytest.fixture(scope="module")
def paperwork(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("paperwork")
    write_breakdown(SAMPLE, folder)
    write_shots(SAMPLE, folder)
    return folder


def test_the_breakdown_and_the_shot_list_land_in_the_folder(paperwork: Path) -> None:
    names = sorted(p.name for p in paperwork.iterdir())
    assert names == [
        "arc.json",
        "breakdown.csv",
        "breakdown.html",
        "breakdown.json",
        "continuity.json",
        "shots.csv",
        "shots.html",
        "shots.json",
    ]
    shots = json.loads((paperwork / "shots.json").read_text())
    first = shots["scenes"][0]["shots"][0]
    assert (first["number"], first["kind"], first["covers"][0]["line"]) == ("1A", "establishing", 18)
    rows = list(csv.DictReader(io.StringIO((paperwork / "shots.csv").read_text())))
    assert len(rows) == sum(len(s["shots"]) for s in shots["scenes"])
    assert {r["made_by"] for r in rows} == {"heuristic"}
    arc = json.loads((paperwork / "arc.json").read_text())
    assert arc["peaks"] == ["3", "7"]


@pytest.mark.parametrize("page", ["breakdown.html", "shots.html"])
def test_every_image_in_the_report_resolves_to_a_picture(paperwork: Path, page: str) -> None:
    html = (paperwork / page).read_text()
    sources = re.findall(r"<img [^>]*src='([^']+)'", html)
    assert sources
    for source in sources:
        if source.startswith("data:image/png;base64,"):
            picture = Image.open(io.BytesIO(base64.b64decode(source.split(",", 1)[1])))
        else:
            picture = Image.open(paperwork / source)
        assert picture.size[0] > 300


@pytest.mark.parametrize("page", ["breakdown.html", "shots.html"])
def test_the_report_renders_in_headless_chromium(paperwork: Path, page: str, tmp_path: Path) -> None:
    browser = shutil.which("chromium")
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; scripts/apt-packages.txt lists it")
        pytest.skip("chromium is not installed here")
    SCREENSHOTS.mkdir(exist_ok=True)
    shot = SCREENSHOTS / page.replace(".html", ".png")
    shot.unlink(missing_ok=True)
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--screenshot={shot}",
        "--window-size=1280,2000",
    ]
    subprocess.run([browser, *flags, (paperwork / page).as_uri()], check=True, capture_output=True, timeout=120)
    picture = Image.open(shot).convert("RGB")
    assert picture.size == (1280, 2000)
    # A page that rendered has text, tables and pictures: many colours, not one blank sheet.
    assert len(picture.getcolors(maxcolors=1 << 20) or []) > 200
