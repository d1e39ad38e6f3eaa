"""The director's standing instructions: what ``clapboard.toml`` says about the picture, the sound and the cast.

Stages read a :class:`Direction` while they plan; every value that changes an
output goes into the params of the steps it affects, so changing a setting
remakes exactly those steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

from clapboard.plan.preferences import Preferences

if TYPE_CHECKING:
    from clapboard.sound.voice import Voice

#: Aspect ratios a project may name, as the picture's width over its height.
ASPECTS: dict[str, Fraction | None] = {"16:9": None, "1.85": Fraction(185, 100), "2.39": Fraction(239, 100)}


@dataclass(frozen=True)
class Direction:
    """Settings the planner follows, with the defaults a new project gets."""

    #: Frame size and rate of the animatic; ``aspect`` letterboxes a wider picture inside the frame.
    width: int = 1280
    height: int = 720
    fps: int = 24
    aspect: str = "16:9"
    #: How frames should look, in words, for image backends that read a prompt.
    style: str = "storyboard sketch, pencil and marker, cinematic composition"
    #: A title card from the title page at the head of the film.
    title_card: bool = True
    #: Words a second an action paragraph takes on screen when no sound gives its length.
    reading_speed: float = 4.0
    #: Integrated loudness of the final mix in LUFS, and its true-peak ceiling in dBTP.
    loudness: float = -23.0
    true_peak: float = -1.0
    #: Voices pinned in the ``[cast]`` table, by character name.
    cast: dict[str, Voice] = field(default_factory=dict)
    #: Languages to subtitle and dub into, as ISO 639-1 codes.
    languages: tuple[str, ...] = ()
    #: Words never translated, besides the characters' names (invented words, places, brands).
    glossary: tuple[str, ...] = ()
    #: An invisible watermark in every generated frame, naming the take it came from.
    watermark: bool = True
    #: What the casting audit flags: a voice of the other sex than the script describes, and a sex's share
    #: of the dialogue words below this floor (0: never).
    audit_voice_sex: bool = True
    audit_min_share: float = 0.0
    #: And in how the script describes its characters: a sex's share of the described characters or of the
    #: speaking roles below this floor, and one sex's descriptions using appearance words more than this many
    #: times as often as the other's (0: never, for both).
    audit_min_described_share: float = 0.0
    audit_appearance_gap: float = 0.0
    #: The people whose consent to a voice clone holds now (from the consent registry, not clapboard.toml):
    #: a pinned voice with another person's likeness is recast, so revoking consent remakes their lines.
    consented: frozenset[str] = frozenset()
    #: Cards the film opens and ends with: AI disclosure (before the title) and credits.
    disclosure_card: bool = False
    credits_card: bool = True
    #: People who approved takes, and (step kind, person) for each kind of part a person made themselves
    #: (from the store's reviews, not clapboard.toml): the credits card names them.
    approvers: tuple[str, ...] = ()
    human_made: tuple[tuple[str, str], ...] = ()
    #: What the project's reviews taught the planner (from the store, not clapboard.toml).
    preferences: Preferences = field(default_factory=Preferences)

    @property
    def picture(self) -> dict[str, object]:
        """The picture format as step params: what every frame and segment is made to."""
        return {"width": self.width, "height": self.height, "fps": self.fps, "aspect": self.aspect}
