"""Sound: real-time factor of each speech engine and of the whole sound mix of the sample film.

RTF is processing time over the length of the audio made (lower is faster;
under 1 is faster than real time). Each engine says the same five lines of
*Concert Pitch* once to warm up (Piper loads its model), then again timed. The
film's mix casts the sample script, records every line with the delivery its
parentheticals ask for, composes and renders a cue per scene, lays the lines
out scene by scene (action read at three words a second until the shot plan
times it), mixes with ducking and room tone, normalises to the target loudness
and writes the mix and stems. Prints lines such as:

    speech piper        RTF 0.051  (14.2 s of audio in 0.72 s)
    film mix            RTF 0.094  (412.0 s of audio in 38.9 s)

The scene moods are written out here for the sample film until the emotional
arc (``clapboard.plan.arc``) feeds the score.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from pathlib import Path

import soundfile

from clapboard.backends.fluidsynth import SAMPLE_RATE as MUSIC_RATE
from clapboard.backends.fluidsynth import FluidSynth
from clapboard.engine import BackendChoice, find_backend, open_backend
from clapboard.errors import BackendUnavailable
from clapboard.screenplay import Screenplay
from clapboard.screenplay.emphasis import plain
from clapboard.screenplay.model import Action, Dialogue, DualDialogue
from clapboard.sound.casting import OFFLINE_ENGINES, cast, readings
from clapboard.sound.mix import Clip, CueClip, MixSettings, Room, mix
from clapboard.sound.score import Mood, Spot, score
from clapboard.sound.voice import Voice

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "concert-pitch.fountain"
LINES = (
    "Mr Holloway? Ruth Okafor. I'm here about the piano.",
    "That's a year of central heating. Wood moves. Strings stretch.",
    "She played every night. Forty-one years.",
    "Since Nan. Every Sunday. You were always in the garden.",
    "Middle C is the one in the middle, you old goat.",
)
#: A voice of each engine for the timing.
ENGINE_VOICES = {
    "piper": "piper:en_US-joe-medium",
    "festival": "festival:cmu_us_slt_arctic_hts",
    "flite": "flite:slt",
    "espeak-ng": "espeak-ng:en-us+f3",
}
#: Valence and arousal of the sample film's eight scenes, as a reader feels them.
MOODS = (
    (0.1, 0.5),  # the doorstep: comic friction
    (-0.1, 0.35),  # the tuning, the tape found
    (-0.45, 0.3),  # the kitchen: grief
    (0.35, 0.3),  # in tune; the fork given
    (-0.1, 0.15),  # Ruth waits in the car
    (-0.3, 0.25),  # June's tape, then playing together
    (0.5, 0.2),  # Ruth drives past the music
    (0.7, 0.35),  # Sunday morning
)
WORDS_PER_SECOND = 3.0
GAP = 0.35


def seconds_of(wav: bytes) -> float:
    """Length of a WAV file in seconds."""
    info = soundfile.info(io.BytesIO(wav))
    return info.frames / info.samplerate


def engine_rtf() -> None:
    """Each installed engine's RTF over the five lines."""
    for engine, voice in ENGINE_VOICES.items():
        try:
            backend = open_backend(BackendChoice("speech", engine))
        except BackendUnavailable as exc:
            print(f"speech {engine:<11} skipped: {exc.one_line()}")
            continue
        backend.speak(LINES[0], voice=voice, seed=0)
        started = time.perf_counter()
        audio = sum(seconds_of(backend.speak(line, voice=voice, seed=0)) for line in LINES)
        spent = time.perf_counter() - started
        print(f"speech {engine:<11} RTF {spent / audio:.3f}  ({audio:.1f} s of audio in {spent:.2f} s)")
    if FluidSynth.available():
        music = FluidSynth()
        started = time.perf_counter()
        wav = music.compose("valence=-0.3 arousal=0.4", seconds=30.0, seed=1)
        spent = time.perf_counter() - started
        print(
            f"music  fluidsynth  RTF {spent / seconds_of(wav):.3f}  ({seconds_of(wav):.1f} s of audio in {spent:.2f} s)"
        )


def film_mix(target: float, out: Path) -> None:
    """Cast, record, score and mix the sample film; print the casting, the timings and the measurements."""
    script = Screenplay.load(SAMPLE)
    started = time.perf_counter()
    casting = cast(script)
    print(casting.table())
    voices: dict[str, object] = {}
    lines: list[Clip] = []
    spots: list[Spot] = []
    rooms: list[Room] = []
    at = 0.0
    recording = 0.0
    for scene, (valence, arousal) in zip(script.scenes, MOODS, strict=True):
        begin = at
        for element in scene.elements:
            if isinstance(element, Action):
                at += min(len(plain(element.text).split()) / WORDS_PER_SECOND, 8.0)
            elif isinstance(element, Dialogue | DualDialogue):
                tick = time.perf_counter()
                for reading in readings(element, casting):
                    engine = Voice.parse(reading.voice)[0].engine
                    if engine not in voices:
                        voices[engine] = open_backend(BackendChoice("speech", engine))
                    wav = voices[engine].speak(reading.text, voice=reading.voice, seed=0)  # type: ignore[attr-defined]
                    lines.append(Clip(at, wav, reading.placement))
                    at += seconds_of(wav) + GAP
                recording += time.perf_counter() - tick
        at = max(at, begin + 4.0)
        spots.append(Spot(begin, at - begin, Mood(valence, arousal), scene.heading.text))
        rooms.append(Room(begin, at, interior=scene.heading.setting != "EXT"))
    tick = time.perf_counter()
    music = FluidSynth()
    film_score = score(spots, seed=0)
    cues = []
    for placed in film_score.cues:
        samples = music.perform(placed.cue, placed.seconds)
        buffer = io.BytesIO()
        soundfile.write(buffer, samples, MUSIC_RATE, format="WAV", subtype="FLOAT")
        cues.append(CueClip(placed.start, buffer.getvalue(), placed.fade_in, placed.fade_out))
    scoring = time.perf_counter() - tick
    tick = time.perf_counter()
    finished = mix(lines, cues, rooms=rooms, duration=at, settings=MixSettings(loudness=target))
    mixing = time.perf_counter() - tick
    finished.write(out)
    for name, midi in film_score.stems().items():
        (out / "stems" / name).write_bytes(midi)
    total = time.perf_counter() - started
    for placed in film_score.cues:
        cue = placed.cue
        shape = f"{cue.key}, {cue.tempo} BPM, {cue.dynamics}"
        print(f"  cue {cue.name}: {shape}, {placed.seconds:.1f} s ({placed.spot.scene})")
    print(
        f"  {len(lines)} lines recorded in {recording:.2f} s; {len(cues)} cues scored in {scoring:.2f} s; "
        f"mixed in {mixing:.2f} s"
    )
    print(f"  loudness {finished.loudness:.2f} LUFS (target {target}), true peak {finished.true_peak:.2f} dBTP")
    print(
        f"film mix            RTF {total / finished.seconds:.3f}  ({finished.seconds:.1f} s of audio in {total:.2f} s)"
    )


def main() -> None:
    """Run both measurements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loudness", type=float, default=-23.0, help="target LUFS of the film mix (-16 for web)")
    parser.add_argument(
        "--out", type=Path, default=None, help="where to write mix.wav and stems/ (default: a temp dir)"
    )
    options = parser.parse_args()
    for engine in OFFLINE_ENGINES:
        find_backend(engine)
    engine_rtf()
    if options.out is not None:
        film_mix(options.loudness, options.out)
    else:
        with tempfile.TemporaryDirectory(prefix="clapboard-sound-") as folder:
            film_mix(options.loudness, Path(folder))


if __name__ == "__main__":
    main()
