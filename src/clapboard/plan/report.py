"""The director's-assistant report as two self-contained HTML pages: the breakdown and the shot list.

``breakdown.html`` holds the stripboard (strips in the conventional colours,
shooting days marked), the day-out-of-days, a breakdown sheet per scene with
the category colour code, each character's scenes, the emotional arc chart
and the continuity report. ``shots.html`` holds, per scene, the floor plan and
the shot list. Pictures are PNGs embedded as data URIs, so each page is one
file that opens anywhere and never shows a broken image.
"""

from __future__ import annotations

import base64
from html import escape
from typing import TYPE_CHECKING, Any

from clapboard.plan.arc import EMOTIONS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from clapboard.plan.arc import Arc
    from clapboard.plan.continuity import ContinuityReport
    from clapboard.plan.shots import ShotList

_STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#222;margin:0;background:#fafafa}
main{max-width:1180px;margin:0 auto;padding:24px 32px 64px;background:#fff}
h1{font-size:28px;margin:0 0 4px}h2{margin-top:40px;border-bottom:2px solid #222;padding-bottom:4px}
h3{margin:24px 0 6px}nav a{margin-right:16px}.lede{color:#555;margin:0 0 16px}
table{border-collapse:collapse;width:100%;margin:8px 0 16px;font-size:13px}
th,td{border:1px solid #ccc;padding:4px 6px;text-align:left;vertical-align:top}th{background:#eee}
.strip td{border-color:#999}.dayend td{background:#222;color:#fff;font-weight:bold;text-align:center}
.sheet{border:1px solid #bbb;border-radius:6px;padding:10px 14px;margin:14px 0}
.sheet header{display:flex;justify-content:space-between;gap:12px;font-weight:bold}
.cats{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:8px;margin-top:8px}
.cat{border-left:6px solid;padding:2px 8px;font-size:13px}.cat b{display:block}
.mark-circle{border-left-style:double}.mark-asterisk b::after{content:" *"}.mark-box{border-left-style:dashed}
.flag{background:#fff3e0;border-left:4px solid #ef6c00;padding:6px 10px;margin:6px 0}
.ok{color:#2e7d32}.small{font-size:12px;color:#666}img{max-width:100%;height:auto}
.plan{display:grid;grid-template-columns:minmax(300px,420px) 1fr;gap:16px;align-items:start}
.made{font-size:11px;color:#666}.swatch{display:inline-block;width:12px;height:12px;border:1px solid #999;
vertical-align:middle;margin-right:4px}
"""


def data_uri(png: bytes) -> str:
    """A PNG as a ``data:`` URI to put in an ``<img src>``."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _page(title: str, body: str) -> bytes:
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{escape(title)}</title>"
        f"<style>{_STYLE}</style></head><body><main>{body}</main></body></html>\n"
    ).encode()


def _minutes(seconds: float) -> str:
    whole, rest = divmod(round(seconds), 60)
    return f"{whole} min {rest:02d} s" if whole else f"{rest} s"


def breakdown_page(document: dict[str, Any], continuity: ContinuityReport, arc: Arc, chart: bytes) -> bytes:
    """``breakdown.html`` from the film's breakdown document, the continuity report, the arc and its chart."""
    title = document["title"] or "Untitled"
    scenes = document["scenes"]
    parts = [
        f"<h1>{escape(title)}: breakdown</h1>",
        f"<p class='lede'>{len(scenes)} scenes · {len(document['characters'])} characters · "
        f"estimated screen time {_minutes(document['runtime_seconds'])} (a page a minute)</p>",
        "<nav><a href='#stripboard'>Stripboard</a><a href='#dood'>Day out of days</a><a href='#sheets'>Breakdown "
        "sheets</a><a href='#cast'>Characters</a><a href='#arc'>Emotional arc</a><a href='#continuity'>Continuity"
        "</a><a href='shots.html'>Shot list →</a></nav>",
        _stripboard(document),
        _dood(document),
        _sheets(document),
        _characters(document, continuity),
        _arc(arc, chart),
        _continuity(continuity),
    ]
    return _page(f"{title}: breakdown", "".join(parts))


def _stripboard(document: dict[str, Any]) -> str:
    plan = document["schedule"]
    cast_ids = {c["name"]: i + 1 for i, c in enumerate(document["characters"])}
    strips = {s["number"]: s for s in plan["strips"]}
    rows = []
    for day in plan["days"]:
        for number in day["scenes"]:
            strip = strips[number]
            ids = ", ".join(str(cast_ids[n]) for n in strip["cast"] if n in cast_ids)
            rows.append(
                f"<tr class='strip' style='background:{strip['colour']}'><td>{escape(number)}</td>"
                f"<td>{escape(strip['setting'])}</td><td>{escape(strip['location'])}</td>"
                f"<td>{escape(strip['day_night'])}</td><td>{_eighths(strip['eighths'])}</td><td>{ids}</td></tr>"
            )
        rows.append(
            f"<tr class='dayend'><td colspan='6'>End of day {day['day']}: {_eighths(day['eighths'])} pages</td></tr>"
        )
    legend = " ".join(
        f"<span class='swatch' style='background:{colour}'></span>{label}"
        for label, colour in (
            ("INT day", "#ffffff"),
            ("EXT day", "#fff59d"),
            ("INT night", "#90caf9"),
            ("EXT night", "#a5d6a7"),
        )
    )
    key = " · ".join(f"{i}&nbsp;{escape(name)}" for name, i in cast_ids.items())
    return (
        "<h2 id='stripboard'>Stripboard</h2><p class='small'>Scenes grouped by set, day before night, about five "
        f"pages a day. {legend}. Cast: {key}.</p><table><tr><th>Scene</th><th>I/E</th><th>Set</th><th>D/N</th>"
        f"<th>Pages</th><th>Cast</th></tr>{''.join(rows)}</table>"
    )


def _eighths(eighths: int) -> str:
    whole, rest = divmod(eighths, 8)
    if not whole:
        return f"{rest}/8"
    return f"{whole} {rest}/8" if rest else str(whole)


def _dood(document: dict[str, Any]) -> str:
    plan = document["schedule"]
    head = "".join(f"<th>Day {d['day']}</th>" for d in plan["days"])
    rows = "".join(
        f"<tr><td>{escape(c['name'])}</td>{''.join(f'<td>{code}</td>' for code in c['codes'])}"
        f"<td>{c['work']}</td><td>{c['hold']}</td></tr>"
        for c in plan["cast"]
    )
    return (
        "<h2 id='dood'>Day out of days</h2><p class='small'>SW start work · W work · H hold · WF work finish · "
        "SWF start and finish the same day. Voices heard only are recorded apart.</p>"
        f"<table><tr><th>Cast</th>{head}<th>Work</th><th>Hold</th></tr>{rows}</table>"
    )


def _sheets(document: dict[str, Any]) -> str:
    categories = document["categories"]
    sheets = []
    for scene in document["scenes"]:
        cats = []
        for category in categories:
            names = scene["elements"][category["key"]]
            if not names:
                continue
            if category["key"] == "cast":
                names = [n + (" (V.O./O.S.)" if n in scene["voices"] else "") for n in names]
                names = [n + (" (no lines)" if n in scene["silent"] else "") for n in names]
            cats.append(
                f"<div class='cat mark-{category['mark']}' style='border-color:{category['colour']}'>"
                f"<b>{escape(category['title'])}</b>{escape(', '.join(names))}</div>"
            )
        synopsis = f"<p class='small'>{escape(scene['synopsis'])}</p>" if scene["synopsis"] else ""
        pages = "page" if scene["length"] == "1" else "pages"
        sheets.append(
            f"<section class='sheet'><header><span>{escape(scene['number'])}. {escape(scene['heading'])}</span>"
            f"<span>{escape(scene['length'])} {pages} · about {_minutes(scene['seconds'])}</span></header>"
            f"{synopsis}<div class='cats'>{''.join(cats) or '<i>nothing to break down</i>'}</div></section>"
        )
    legend = " ".join(
        f"<span class='swatch' style='background:{c['colour']}'></span>{escape(c['title'])}" for c in categories
    )
    return f"<h2 id='sheets'>Breakdown sheets</h2><p class='small'>{legend}</p>{''.join(sheets)}"


def _characters(document: dict[str, Any], continuity: ContinuityReport) -> str:
    wardrobe: dict[str, list[str]] = {}
    for tracked in continuity.wardrobe:
        wardrobe.setdefault(tracked.character, []).append(f"{tracked.name} ({', '.join(tracked.scenes)})")
    rows = "".join(
        f"<tr><td>{escape(c['name'])}</td><td>{escape(', '.join(c['scenes']) or '—')}</td>"
        f"<td>{escape(', '.join(c['appears']))}</td><td>{c['speeches']}</td><td>{c['words']}</td>"
        f"<td>{escape('; '.join(wardrobe.get(c['name'], [])) or '—')}</td></tr>"
        for c in document["characters"]
    )
    return (
        "<h2 id='cast'>Characters and their scenes</h2><table><tr><th>Character</th><th>Speaks in</th>"
        f"<th>Appears in</th><th>Speeches</th><th>Words</th><th>Wardrobe (scenes)</th></tr>{rows}</table>"
    )


def _arc(arc: Arc, chart: bytes) -> str:
    rows = "".join(
        f"<tr><td>{escape(s.number)}{' ★' if s.peak else ''}</td><td>{escape(s.heading)}</td>"
        f"<td>{s.arc.feeling.valence:+.2f}</td><td>{s.arc.feeling.arousal:.2f}</td>"
        f"<td>{escape(s.arc.feeling.dominant or '—')}</td><td>{_minutes(s.start)}</td></tr>"
        for s in arc.scenes
    )
    people = "".join(
        f"<tr><td>{escape(c.name)}</td><td>{c.feeling.valence:+.2f}</td><td>{c.feeling.arousal:.2f}</td>"
        f"<td>{escape(c.feeling.dominant or '—')}</td></tr>"
        for c in arc.characters
    )
    peaks = ", ".join(arc.peaks) or "none"
    return (
        "<h2 id='arc'>Emotional arc</h2><p class='small'>Valence from VADER, the eight emotions "
        f"({', '.join(EMOTIONS)}) from the NRC lexicon, arousal estimated from both and from the marks of heat on "
        f"the page. Peak scenes: {escape(peaks)}.</p>"
        f"<img src='{data_uri(chart)}' alt='Emotional arc of the film: valence and arousal over screen time'>"
        "<table><tr><th>Scene</th><th>Heading</th><th>Valence</th><th>Arousal</th><th>Dominant emotion</th>"
        f"<th>Starts at</th></tr>{rows}</table><h3>Characters</h3><table><tr><th>Character</th><th>Valence</th>"
        f"<th>Arousal</th><th>Dominant emotion</th></tr>{people}</table>"
    )


def _continuity(report: ContinuityReport) -> str:
    flags = "".join(
        f"<div class='flag'><b>{escape(f.kind)}</b> · scene {escape(f.scene)}"
        f"{f' · line {f.line}' if f.line else ''}: {escape(f.message)}</div>"
        for f in report.flags
    )
    if not flags:
        flags = "<p class='ok'>No continuity flags: props appear before use, nobody speaks after leaving, the time "
        flags += "of day runs forward in each sequence, and every name is spelled one way.</p>"
    props = "".join(
        f"<tr><td>{escape(t.character)}</td><td>{escape(t.name)}</td><td>{escape(', '.join(t.scenes))}</td></tr>"
        for t in report.props
    )
    return (
        f"<h2 id='continuity'>Continuity</h2>{flags}<h3>Props handled, by character</h3><table><tr><th>Character"
        f"</th><th>Prop</th><th>Scenes</th></tr>{props}</table>"
    )


def shots_page(shot_list: ShotList, plans: Sequence[bytes]) -> bytes:
    """``shots.html``: per scene, the floor plan (``plans`` in scene order) and the shot list."""
    title = shot_list.title or "Untitled"
    shots = shot_list.shots
    by_model = sorted({s.made_by for s in shots})
    sections = []
    for scene, plan in zip(shot_list.scenes, plans, strict=True):
        rows = "".join(_shot_row(shot) for shot in scene.shots)
        notes = "".join(f"<p class='small'>{escape(n)}</p>" for n in scene.notes)
        seconds = sum(s.seconds for s in scene.shots)
        sections.append(
            f"<h2 id='scene-{escape(scene.number)}'>{escape(scene.number)}. {escape(scene.heading)}</h2>"
            f"<p class='small'>{len(scene.shots)} shots, {len({s.setup for s in scene.shots})} setups, "
            f"about {_minutes(seconds)}</p>{notes}<div class='plan'><img src='{data_uri(plan)}' "
            f"alt='Floor plan of scene {escape(scene.number)}'><table><tr><th>Shot</th><th>Setup</th><th>Shot</th>"
            f"<th>Size</th><th>Angle</th><th>Lens</th><th>Move</th><th>Frame (left → right)</th><th>Covers</th>"
            f"<th>Secs</th></tr>{rows}</table></div>"
        )
    body = (
        f"<h1>{escape(title)}: shot list</h1><p class='lede'>{len(shots)} shots in "
        f"{len(shot_list.scenes)} scenes, about {_minutes(sum(s.seconds for s in shots))}; chosen by "
        f"{escape(', '.join(by_model))}.</p><nav><a href='breakdown.html'>← Breakdown</a></nav>"
        "<p class='small'>Cameras stay on one side of the 180° line (dashed red on each floor plan); a setup's "
        "number is shown at its camera with the shots that use it.</p>" + "".join(sections)
    )
    return _page(f"{title}: shot list", body)


def _shot_row(shot: Any) -> str:
    framing = ", ".join(f"{f.name.title()} looks {f.looks}" for f in sorted(shot.framing, key=lambda f: f.frame_x))
    covered = "<br>".join(
        escape(f"{c.character.title() + ': ' if c.character else ''}{_clip(c.text)}")
        + (f" <span class='small'>l.{c.line}</span>" if c.line else "")
        for c in shot.covers
    )
    subject = f"<br><span class='small'>{escape(shot.subject)}</span>" if shot.subject else ""
    return (
        f"<tr><td><b>{escape(shot.number)}</b></td><td>{shot.setup}</td><td>{escape(shot.kind)}{subject}"
        f"<div class='made'>{escape(shot.reason)} · {escape(shot.made_by)}</div></td><td>{shot.size}</td>"
        f"<td>{escape(shot.angle)}</td><td>{shot.lens_mm}&nbsp;mm</td><td>{escape(shot.move)}</td>"
        f"<td>{escape(framing) or '—'}</td><td>{covered or '—'}</td><td>{shot.seconds:.1f}</td></tr>"
    )


def _clip(text: str, limit: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
