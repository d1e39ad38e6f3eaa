"""Pictures for the report, drawn with matplotlib's Agg renderer into PNG bytes (no window, no files).

Two drawings: the film's emotional arc (valence and arousal over screen time,
the eight emotions scene by scene, peaks starred) and a scene's floor plan seen
from above (the set, each character's mark and facing, the line of action,
and every camera setup with its field of view). matplotlib is imported on first
use, as it takes a moment to load.
"""

from __future__ import annotations

import io
import math
import threading
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from clapboard.plan.arc import EMOTIONS
from clapboard.plan.shots import field_of_view

if TYPE_CHECKING:
    from clapboard.plan.arc import Arc
    from clapboard.plan.shots import SceneShots

#: One colour per emotion, after Plutchik's wheel.
EMOTION_COLOURS = {
    "anger": "#e53935",
    "anticipation": "#fb8c00",
    "disgust": "#8e24aa",
    "fear": "#2e7d32",
    "joy": "#fdd835",
    "sadness": "#1e88e5",
    "surprise": "#00acc1",
    "trust": "#7cb342",
}
_CHARACTER_COLOURS = ("#c62828", "#1565c0", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#4e342e", "#ad1457")
# pyplot keeps global state; figures are made one at a time.
_lock = threading.Lock()


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    # No timestamp or software tag, so the same drawing gives the same bytes.
    figure.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    _pyplot().close(figure)
    return buffer.getvalue()


def arc_chart(arc: Arc) -> bytes:
    """The film's arc as a PNG: valence and arousal per beat over screen time, emotions per scene, peaks starred."""
    with _lock:
        plt = _pyplot()
        figure, (top, bottom) = plt.subplots(
            2, 1, figsize=(10, 6.2), sharex=True, gridspec_kw={"height_ratios": [3, 2]}, layout="constrained"
        )
        times, valence, arousal = [], [], []
        for scene in arc.scenes:
            for beat in scene.arc.beats:
                times.append((scene.start + beat.start + beat.seconds / 2) / 60)
                valence.append(beat.feeling.valence)
                arousal.append(beat.feeling.arousal)
        top.axhline(0, color="#999999", linewidth=0.8)
        top.plot(times, valence, color="#1e88e5", marker="o", markersize=3, label="valence (−1 bleak … 1 warm)")
        top.plot(times, arousal, color="#e53935", marker="o", markersize=3, label="arousal (0 calm … 1 charged)")
        for scene in arc.scenes:
            start = scene.start / 60
            top.axvline(start, color="#dddddd", linewidth=0.8, zorder=0)
            top.text(start + 0.03, 1.02, scene.number, fontsize=8, color="#666666", va="bottom")
            if scene.peak:
                middle = (scene.start + scene.arc.seconds / 2) / 60
                top.plot([middle], [0.92], marker="*", markersize=16, color="#ffb300", markeredgecolor="#6d4c00")
            for beat in scene.arc.beats:
                if beat.peak:
                    when = (scene.start + beat.start + beat.seconds / 2) / 60
                    top.plot([when], [beat.feeling.arousal], marker="o", markersize=9, fillstyle="none", color="#000")
        top.set_ylim(-1.05, 1.12)
        top.set_ylabel("feeling")
        top.set_title(f"{arc.title or 'The film'}: emotional arc (★ peak scene, ○ peak beat)", loc="left")
        top.legend(loc="lower left", fontsize=8, frameon=False)
        lefts = [s.start / 60 for s in arc.scenes]
        widths = [s.arc.seconds / 60 for s in arc.scenes]
        base = [0.0] * len(arc.scenes)
        for index, emotion in enumerate(EMOTIONS):
            shares = [s.arc.feeling.emotions[index] for s in arc.scenes]
            bottom.bar(
                lefts,
                shares,
                widths,
                bottom=base,
                align="edge",
                color=EMOTION_COLOURS[emotion],
                edgecolor="white",
                linewidth=0.5,
                label=emotion,
            )
            base = [b + v for b, v in zip(base, shares, strict=True)]
        bottom.set_ylim(0, 1)
        bottom.set_ylabel("emotions")
        bottom.set_xlabel("screen time (minutes)")
        bottom.legend(loc="upper center", bbox_to_anchor=(0.5, -0.32), ncol=8, fontsize=8, frameon=False)
        return _png(figure)


def floor_plan(coverage: SceneShots, title: str) -> bytes:
    """A scene's floor plan as a PNG: the set, the marks, the line of action and each camera setup."""
    with _lock:
        plt = _pyplot()
        plan = coverage.plan
        figure, axes = plt.subplots(figsize=(6.4, 5.2), layout="constrained")
        half_w, half_d = plan.width / 2, plan.depth / 2
        axes.add_patch(
            plt.Rectangle((-half_w, -half_d), plan.width, plan.depth, fill=True, color="#f5f1e8", ec="#8d6e63")
        )
        marks = {m.name: m for m in plan.marks}
        if len(plan.line) == 2:
            a, b = marks[plan.line[0]], marks[plan.line[1]]
            dx, dy = b.x - a.x, b.y - a.y
            axes.plot(
                [a.x - 1.5 * dx, b.x + 1.5 * dx], [a.y - 1.5 * dy, b.y + 1.5 * dy], ls="--", color="#d32f2f", lw=1
            )
            axes.text(b.x + 1.5 * dx, b.y + 1.5 * dy + 0.15, "180° line", color="#d32f2f", fontsize=7, ha="right")
        setups: dict[int, Any] = {}
        for shot in coverage.shots:
            setups.setdefault(shot.setup, shot)
        limit = max(half_w, half_d) + 1.5
        for setup, shot in setups.items():
            cam = shot.camera
            far = max(abs(cam.x), abs(cam.y))
            if far > limit:  # a wide lens far back: drawn at the edge of the plan, its distance written out
                scale = limit / far
                cam = replace(cam, x=cam.x * scale, y=cam.y * scale)
                axes.annotate(
                    f"{far:.0f} m back", (cam.x, cam.y), xytext=(4, 4), textcoords="offset points", fontsize=6
                )
            spread = math.radians(field_of_view(shot.lens_mm) / 2)
            length = 1.2
            heading = math.radians(cam.facing)
            wedge = [
                (cam.x, cam.y),
                (cam.x + length * math.cos(heading - spread), cam.y + length * math.sin(heading - spread)),
                (cam.x + length * math.cos(heading + spread), cam.y + length * math.sin(heading + spread)),
            ]
            axes.add_patch(plt.Polygon(wedge, closed=True, color="#90a4ae", alpha=0.35, lw=0))
            axes.plot([cam.x], [cam.y], marker="s", color="#37474f", markersize=6)
            label = ",".join(s.number for s in coverage.shots if s.setup == setup)
            axes.annotate(
                f"{setup}: {label}", (cam.x, cam.y), xytext=(4, -10), textcoords="offset points", fontsize=6.5
            )
        for index, mark in enumerate(plan.marks):
            colour = _CHARACTER_COLOURS[index % len(_CHARACTER_COLOURS)]
            axes.add_patch(plt.Circle((mark.x, mark.y), 0.28, color=colour))
            heading = math.radians(mark.facing)
            axes.arrow(
                mark.x,
                mark.y,
                0.45 * math.cos(heading),
                0.45 * math.sin(heading),
                head_width=0.14,
                color=colour,
                length_includes_head=True,
            )
            axes.text(mark.x, mark.y + 0.38, mark.name, ha="center", fontsize=8, color=colour, weight="bold")
        axes.set_xlim(-limit - 0.5, limit + 0.5)
        axes.set_ylim(-limit - 0.5, max(half_d, 2.5) + 0.8)
        axes.set_aspect("equal")
        axes.set_title(title, fontsize=9, loc="left")
        axes.set_xlabel("metres (camera side at the bottom)", fontsize=7)
        axes.tick_params(labelsize=7)
        return _png(figure)
