"""The media layer: storyboard panels to an animatic film, its cut files and a printed storyboard.

Render each panel to its own H.264 segment (:func:`render`, content-addressed so
only changed panels re-encode), join the segments with sound and chapters
(:func:`assemble`), describe the cut as an OpenTimelineIO timeline and write
OTIO / EDL / FCP XML (:func:`timeline`, :func:`write_cut`), and print the
board (:func:`storyboard`). ffmpeg and ffprobe are found in :mod:`.ffmpeg`;
PyAV is used only in :mod:`.encoder`.
"""

from clapboard.media.animatic import (
    CUT,
    FULL_FRAME,
    SCOPE,
    Format,
    Framing,
    Move,
    MoveKind,
    Panel,
    Transition,
    TransitionKind,
    title_card,
)
from clapboard.media.encoder import H264, Codec
from clapboard.media.ffmpeg import MediaError
from clapboard.media.film import AudioTrack, Chapter, SubtitleTrack, assemble, scene_chapters
from clapboard.media.probe import MediaInfo, Stream, probe
from clapboard.media.render import Reel, Segment, render, render_segment, segment_key
from clapboard.media.storyboard import storyboard
from clapboard.media.timeline import timeline, write_cut

__all__ = [
    "CUT",
    "FULL_FRAME",
    "H264",
    "SCOPE",
    "AudioTrack",
    "Chapter",
    "Codec",
    "Format",
    "Framing",
    "MediaError",
    "MediaInfo",
    "Move",
    "MoveKind",
    "Panel",
    "Reel",
    "Segment",
    "Stream",
    "SubtitleTrack",
    "Transition",
    "TransitionKind",
    "assemble",
    "probe",
    "render",
    "render_segment",
    "scene_chapters",
    "segment_key",
    "storyboard",
    "timeline",
    "title_card",
    "write_cut",
]
