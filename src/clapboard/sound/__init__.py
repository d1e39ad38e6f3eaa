"""Sound for the film: casting voices, reading lines, scoring scenes and mixing to broadcast loudness.

``voice`` holds what a speech backend is asked for (a cast :class:`~clapboard.sound.voice.Voice`
and a line's :class:`~clapboard.sound.voice.Delivery`), ``casting`` reads the script to
cast and direct, ``score`` composes cues from the emotional arc as MIDI, and ``mix`` lays
lines, room tone and music on the timeline and masters them. The engines themselves are
backends (``clapboard.backends``).
"""
