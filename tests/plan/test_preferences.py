"""Learning from reviews: what votes teach, and how a lesson reframes, recasts and rescores only what was sent back."""

from __future__ import annotations

from pathlib import Path

from clapboard.plan import build_plan
from clapboard.plan.arc import read_scene
from clapboard.plan.categories import break_down, cast_roster
from clapboard.plan.direction import Direction
from clapboard.plan.preferences import CALMER, COVERAGE_KINDS, HOTTER, Preferences, Vote, learn
from clapboard.plan.shots import SIZES, cover
from clapboard.plan.step import BackendIdentity
from clapboard.screenplay.fountain import parse
from clapboard.sound import casting
from clapboard.sound.voice import Timbre

SAMPLE = Path(__file__).parents[2] / "examples" / "concert-pitch.fountain"


def test_no_votes_teach_nothing() -> None:
    learned = learn([])
    assert learned.empty and learned == Preferences() and learned.findings == ()


def test_tighter_accepted_coverage_leans_retakes_tighter() -> None:
    votes = [
        Vote(True, "scene/1", sizes=("CU", "MCU", "CU")),
        Vote(True, "scene/3", sizes=("MCU",)),
        Vote(False, "scene/2", sizes=("MS", "MS", "MCU")),
    ]
    learned = learn(votes)
    assert learned.framing == 1
    assert learned.scenes == {"scene/2"}
    assert learned.lean_for("scene/2") == 1 and learned.lean_for("scene/1") == 0
    assert any("tighter" in f and "1 rejected" in f for f in learned.findings)


def test_wider_taste_leans_wider_and_a_small_gap_leans_nowhere() -> None:
    assert learn([Vote(True, "scene/1", sizes=("MS",)), Vote(False, "scene/2", sizes=("CU",))]).framing == -1
    near = learn([Vote(True, "scene/1", sizes=("MS", "MCU", "MCU")), Vote(False, "scene/2", sizes=("MCU",))])
    assert near.framing == 0
    assert any(f.startswith("framing: no lean yet") for f in near.findings)
    # Rejections alone say "not this", not "which way".
    assert learn([Vote(False, "scene/2", sizes=("CU",)), Vote(False, "scene/4", sizes=("MS",))]).framing == 0


def test_a_voice_is_dropped_after_two_net_rejections() -> None:
    once = [Vote(False, "scene/1", character="ANN", voice="piper:amy")]
    assert learn(once).avoid == ()
    twice = [*once, Vote(False, "scene/2", character="ANN", voice="piper:amy")]
    assert learn(twice).avoid == (("ANN", "piper:amy"),)
    assert learn(twice).avoided("ANN") == {"piper:amy"} and learn(twice).avoided("BEN") == set()
    forgiven = [*twice, Vote(True, "scene/3", character="ANN", voice="piper:amy")]
    assert learn(forgiven).avoid == ()


def test_music_intensity_follows_the_accepted_cues() -> None:
    hotter = learn([Vote(True, "scene/1", arousal=0.8), Vote(False, "scene/2", arousal=0.3)])
    assert hotter.intensity == HOTTER and hotter.intensity_for("scene/2") == HOTTER
    assert hotter.intensity_for("scene/1") == 1.0
    calmer = learn([Vote(True, "scene/1", arousal=0.2), Vote(False, "scene/2", arousal=0.6)])
    assert calmer.intensity == CALMER
    assert learn([Vote(True, "scene/1", arousal=0.45), Vote(False, "scene/2", arousal=0.4)]).intensity == 1.0


def _coverage(lean: int) -> list[tuple[str, str]]:
    script = parse(SAMPLE.read_text(encoding="utf-8"))
    roster = cast_roster(script)
    shots, previous = [], None
    for scene in script.scenes:
        breakdown = break_down(scene, roster)
        made = cover(scene, breakdown, read_scene(scene), previous_location=previous, lean=lean)
        shots.extend((s.kind, s.size) for s in made.shots)
        previous = breakdown.location
    return shots


def test_a_lean_moves_singles_and_close_ups_only_within_bounds() -> None:
    plain, tighter, wider = _coverage(0), _coverage(1), _coverage(-1)
    assert [k for k, _ in plain] == [k for k, _ in tighter] == [k for k, _ in wider]
    moved = 0
    for (kind, size), (_, tight), (_, wide) in zip(plain, tighter, wider, strict=True):
        if kind in COVERAGE_KINDS:
            assert SIZES.index(tight) == min(SIZES.index(size) + 1, SIZES.index("ECU"))
            assert SIZES.index(wide) == max(SIZES.index(size) - 1, SIZES.index("MWS"))
            moved += tight != size
        else:
            assert tight == wide == size  # masters and establishing shots keep the geography
    assert moved >= 5


def test_casting_passes_over_a_rejected_voice() -> None:
    script = parse(SAMPLE.read_text(encoding="utf-8"))
    voices = tuple(Timbre("test", f"v{i}", "female" if i % 2 else "male", tier=0) for i in range(8))
    first = casting.cast(script, voices=voices)
    lead = first.members[0]
    again = casting.cast(script, voices=voices, avoid={lead.role.name: {lead.voice.label}})
    assert again.voice(lead.role.name).label != lead.voice.label
    # Nobody else's voice is chosen differently on account of it, unless they were given the freed one.
    freed = {m.role.name for m in again.members if m.voice.label == lead.voice.label}
    for member in first.members[1:]:
        if member.role.name not in freed:
            assert again.voice(member.role.name).label in {m.voice.label for m in first.members}


def _identity(capability: str, name: str | None = None) -> BackendIdentity:
    return BackendIdentity(name or {"speech": "stand-in", "music": "stand-in"}.get(capability, "stand-in"), "1", "")


def test_only_the_scenes_sent_back_are_replanned() -> None:
    script = parse(SAMPLE.read_text(encoding="utf-8"))
    before = {s.name: s.key for s in build_plan(script, backends=_identity)}
    taught = Preferences(framing=1, intensity=HOTTER, scenes=frozenset({"scene/2"}))
    after = {s.name: s.key for s in build_plan(script, backends=_identity, direction=Direction(preferences=taught))}
    changed = {name for name in before if before[name] != after[name]}
    assert "scene/2/shots" in changed and "scene/2/cue" in changed
    assert not {n for n in changed if n.startswith("scene/") and not n.startswith("scene/2/")}
    assert "scene/1/shots" not in changed and "scene/3/cue" not in changed
