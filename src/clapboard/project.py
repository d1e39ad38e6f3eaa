"""A project: a folder holding ``clapboard.toml``, the user's script and the ``.clapboard/`` store.

``clapboard.toml`` is read strictly: an unknown key or a value of the wrong
type is an error naming the file and the key, because a typo silently ignored
would cost a night of rendering with the wrong backend.
"""

from __future__ import annotations

import json
import shutil
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, NoReturn

from clapboard.engine.capabilities import CAPABILITIES
from clapboard.engine.registry import BackendChoice
from clapboard.errors import ClapboardError
from clapboard.plan.direction import ASPECTS, Direction
from clapboard.plan.release import ISO_639_2
from clapboard.screenplay.formats import load
from clapboard.sound.casting import read_cast
from clapboard.store import Store

CONFIG_NAME = "clapboard.toml"
STORE_NAME = ".clapboard"

#: The backends a new project starts with: the embedded ones that need nothing but Clapboard and Debian packages.
DEFAULT_BACKENDS = {
    "image": "sketch",
    "speech": "piper",
    "music": "fluidsynth",
    "translate": "apertium",
    "align": "pocketsphinx",
}

ExecutorName = Literal["local", "ray"]
EXECUTORS: tuple[ExecutorName, ...] = ("local", "ray")


class ProjectError(ClapboardError):
    """A project folder or ``clapboard.toml`` that cannot be used, naming the file and key at fault."""


#: The settings file ``clapboard new`` writes: every key, its default and what it does.
TEMPLATE = """\
# clapboard.toml: the settings of one Clapboard project.
# Every key is shown with its default value; a key left out takes that default.

[project]
# The film's title. Empty: the title page of the script is used.
title = {title}
# The screenplay, relative to this file: Fountain (.fountain), Final Draft (.fdx) or Clapboard JSON (.json).
# Clapboard reads it on every run and never rewrites it.
script = {script}
# Where `clapboard make` and `clapboard export` put the latest outputs (breakdown.json, ...).
out = "out"

[run]
# Where steps run: "local" (threads on this machine) or "ray" (a Ray cluster;
# needs `pip install 'clapboard[ray]'`). `clapboard make --executor` overrides it.
executor = "local"
# How many steps run at once; 0 means one per CPU core. `clapboard make --jobs N` overrides it.
jobs = 0
# The Ray cluster to join, such as "ray://render-head:10001". Empty: start Ray on this machine.
ray_address = ""

[backends]
# The backend that serves each capability. "stand-in" is built in and needs no model:
# placeholder text, flat frames and silent audio, so the whole pipeline runs anywhere.
# A backend that loads a model file takes a table, the path relative to this file:
#   text = {{ name = "llamacpp", model = "models/llama-3.2-1b.gguf", options = {{ context = 4096 }} }}
# Changing a backend, its version or its model file remakes exactly the steps it serves.
text = "stand-in"
# Storyboard frames and concept art: "sketch" draws them (built in); "diffusers" paints them on a GPU
# (pip install 'clapboard[gpu]'; model = a local model folder).
image = "sketch"
# Dialogue: "piper" casts from every offline engine installed (piper, festival, flite, espeak-ng), each
# character to a voice of its own; "openai-speech" for an endpoint; "stand-in" for silence of the right length.
speech = "piper"
# The score, composed from the emotional arc and played by FluidSynth with a General MIDI soundfont.
music = "fluidsynth"
# Translation for subtitles and dubbing: "apertium" (Debian's rule-based pairs, offline) or "openai-translate".
translate = "apertium"
# Forced alignment of a recorded dialogue track to the script's lines.
align = "pocketsphinx"

[picture]
# The animatic's frame width and height in pixels (even numbers).
width = 1280
# Its height.
height = 720
# Frames a second.
fps = 24
# The picture's shape: "16:9" fills the frame; "1.85" and "2.39" letterbox a wider picture inside it.
aspect = "16:9"
# How frames should look, for image backends that read a prompt.
style = "storyboard sketch, pencil and marker, cinematic composition"
# A title card from the title page at the head of the film.
title_card = true
# Words a second an action paragraph holds the screen when no dialogue gives a shot its length.
reading_speed = 4.0

[sound]
# The final mix's integrated loudness in LUFS: -23 for broadcast (EBU R128), -16 for the web.
loudness = -23.0
# The mix's true-peak ceiling in dBTP.
true_peak = -1.0

[release]
# Languages to subtitle and dub into, as ISO 639-1 codes, such as ["es", "ca"]; English is the original.
# `clapboard make --languages es,ca` overrides it.
languages = []
# Words never to translate besides the characters' names: invented words, places, brands.
glossary = []

[trust]
# Sign every file in out/ with C2PA Content Credentials (model, prompt, seed, approver, ingredients).
sign = true
# The signing certificate chain (PEM) and its private key, relative to this file. Empty: a development
# certificate is made once for the project, and every credential says it is one.
certificate = ""
# The private key that goes with the certificate.
key = ""
# An invisible watermark in every generated frame, naming the take it came from (`clapboard verify`).
watermark = true
# A card before the film saying it was made with AI assistance, and by which kinds of tools.
disclosure_card = false
# An end card: who wrote and approved the film, and per department what people and which models made.
credits_card = true

[audit]
# Flag a character voiced by a voice of the other sex than the script describes them (audit.md).
voice_sex = true
# Flag a sex whose share of the dialogue words is below this fraction, such as 0.3 (0: never).
min_share = 0.0
# Flag a sex whose share of the characters the script describes, or of the speaking roles, is below this
# fraction, such as 0.3 (0: never).
min_described_share = 0.0
# Flag one sex's descriptions using words for looks (pretty, slim, handsome...) more than this many times as
# often, per character, as the other's, such as 2.0 (0: never).
appearance_gap = 0.0

# [cast]
# Pin a character's voice (the report's casting table lists who has which); the rest are cast for you:
# RUTH = {{ voice = "piper:en_US-joe-medium", rate = 0.95, pitch = 2 }}
# WALTER = "flite:rms"
"""

STARTER_SCRIPT = """\
Title: {title}

INT. A ROOM - DAY

Describe what we see. Names of characters appear in CAPITALS the first time.

SOMEONE
A first line of dialogue.
"""


@dataclass(frozen=True)
class Settings:
    """A project's settings as read from ``clapboard.toml``, defaults filled in."""

    title: str = ""
    script: str = "script.fountain"
    out: str = "out"
    executor: ExecutorName = "local"
    jobs: int = 0
    ray_address: str = ""
    backends: dict[str, BackendChoice] = field(
        default_factory=lambda: {cap: BackendChoice(cap, DEFAULT_BACKENDS.get(cap, "stand-in")) for cap in CAPABILITIES}
    )
    direction: Direction = field(default_factory=Direction)
    #: Whether exports are signed, and with which certificate and key ("": a development certificate).
    sign: bool = True
    certificate: str = ""
    key: str = ""


@dataclass(frozen=True)
class Project:
    """A project folder and its settings."""

    root: Path
    settings: Settings

    @classmethod
    def open(cls, folder: str | Path = ".") -> Project:
        """The project in ``folder`` or the nearest folder above it that holds ``clapboard.toml``."""
        start = Path(folder).resolve()
        for candidate in (start, *start.parents):
            config = candidate / CONFIG_NAME
            if config.is_file():
                return cls(candidate, read_settings(config))
        raise ProjectError(
            f"{start}: not inside a Clapboard project (no {CONFIG_NAME}); create one with `clapboard new`"
        )

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def script_path(self) -> Path:
        return self.root / self.settings.script

    @property
    def store_path(self) -> Path:
        return self.root / STORE_NAME

    @property
    def out_path(self) -> Path:
        return self.root / self.settings.out

    def open_store(self) -> Store:
        """The project's store, created on first use (a fresh clone has none)."""
        return Store.open(self.store_path)


def new_project(folder: str | Path, script: str | Path | None = None, *, title: str | None = None) -> Project:
    """Create a project in ``folder``: settings, the script (copied from ``script`` or a starter) and the store."""
    root = Path(folder).resolve()
    if (root / CONFIG_NAME).exists() or (root / STORE_NAME).exists():
        raise ProjectError(f"{root}: already a Clapboard project")
    if root.exists() and not root.is_dir():
        raise ProjectError(f"{root}: exists and is not a folder")
    source = Path(script).resolve() if script is not None else None
    # Read the script before touching the disk: an unreadable one must leave nothing behind.
    screenplay = load(source) if source is not None else None
    name = title or (screenplay.title if screenplay and screenplay.title else "") or root.name
    root.mkdir(parents=True, exist_ok=True)
    if source is not None:
        script_name = source.name
        if source != root / script_name:
            shutil.copyfile(source, root / script_name)
    else:
        script_name = "script.fountain"
        (root / script_name).write_text(STARTER_SCRIPT.format(title=" ".join(name.split())), encoding="utf-8")
    config = TEMPLATE.format(title=_toml_string(title or ""), script=_toml_string(script_name))
    (root / CONFIG_NAME).write_text(config, encoding="utf-8")
    Store.open(root / STORE_NAME).close()
    return Project.open(root)


def read_settings(path: Path) -> Settings:
    """Read and check a ``clapboard.toml``; every problem names the file and the key."""
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ProjectError(f"{path}: not valid TOML ({exc})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProjectError(f"{path}: cannot be read ({exc})") from None
    check = _Checker(path)
    check.keys(doc, "", {"project", "run", "backends", "picture", "sound", "release", "trust", "audit", "cast"})
    audit = check.table(doc, "audit", {"voice_sex", "min_share", "min_described_share", "appearance_gap"})
    if not isinstance(audit.get("voice_sex", True), bool):
        check.fail("audit.voice_sex", f"must be true or false, not {audit['voice_sex']!r}")
    floor = check.number(audit, "audit.min_share", 0.0, low=0.0, high=1.0)
    described_floor = check.number(audit, "audit.min_described_share", 0.0, low=0.0, high=1.0)
    gap = check.number(audit, "audit.appearance_gap", 0.0, low=0.0, high=100.0)
    if 0 < gap < 1:
        check.fail("audit.appearance_gap", f"must be 0 (off) or a ratio of 1 or more, such as 2.0, not {gap:g}")
    trust = check.table(doc, "trust", {"sign", "certificate", "key", "watermark", "disclosure_card", "credits_card"})
    for switch in ("sign", "watermark", "disclosure_card", "credits_card"):
        if not isinstance(trust.get(switch, True), bool):
            check.fail(f"trust.{switch}", f"must be true or false, not {trust[switch]!r}")
    files = {}
    for name in ("certificate", "key"):
        value = check.string(trust, f"trust.{name}", "")
        files[name] = str((path.parent / value).resolve()) if value else ""
    if bool(files["certificate"]) != bool(files["key"]):
        check.fail("trust", "needs both certificate and key, or neither (for a development certificate)")
    project = check.table(doc, "project", {"title", "script", "out"})
    run = check.table(doc, "run", {"executor", "jobs", "ray_address"})
    backends = check.table(doc, "backends", set(CAPABILITIES))
    defaults = Settings()
    executor = check.string(run, "run.executor", defaults.executor)
    if executor not in EXECUTORS:
        check.fail("run.executor", f"must be one of {', '.join(map(repr, EXECUTORS))}, not {executor!r}")
    jobs = run.get("jobs", defaults.jobs)
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 0:
        check.fail("run.jobs", f"must be a whole number, 0 or more, not {jobs!r}")
    script = check.string(project, "project.script", defaults.script)
    if not script:
        check.fail("project.script", "must name the screenplay file")
    chosen = dict(defaults.backends)
    for capability, value in backends.items():
        chosen[capability] = check.backend(capability, value, path.parent)
    return Settings(
        direction=replace(
            _direction(check, doc, path),
            watermark=trust.get("watermark", True),
            disclosure_card=trust.get("disclosure_card", Direction.disclosure_card),
            credits_card=trust.get("credits_card", Direction.credits_card),
            audit_voice_sex=audit.get("voice_sex", True),
            audit_min_share=floor,
            audit_min_described_share=described_floor,
            audit_appearance_gap=gap,
        ),
        sign=trust.get("sign", True),
        certificate=files["certificate"],
        key=files["key"],
        title=check.string(project, "project.title", defaults.title),
        script=script,
        out=check.string(project, "project.out", defaults.out) or defaults.out,
        executor=executor,  # type: ignore[arg-type]
        jobs=jobs,
        ray_address=check.string(run, "run.ray_address", defaults.ray_address),
        backends=chosen,
    )


def _direction(check: _Checker, doc: dict[str, Any], path: Path) -> Direction:
    """The [picture], [sound] and [cast] tables as the planner's :class:`Direction`."""
    picture = check.table(doc, "picture", {"width", "height", "fps", "aspect", "style", "title_card", "reading_speed"})
    sound = check.table(doc, "sound", {"loudness", "true_peak"})
    release = check.table(doc, "release", {"languages", "glossary"})
    lists = {}
    for key in ("languages", "glossary"):
        value = release.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            check.fail(f"release.{key}", f'must be a list of words, such as ["es", "ca"], not {value!r}')
        lists[key] = tuple(v.strip() for v in value)
    for code in lists["languages"]:
        if code not in ISO_639_2:
            check.fail(
                "release.languages", f"{code!r} is not a language Clapboard knows; known: {', '.join(ISO_639_2)}"
            )
    cast_table = doc.get("cast", {})
    if not isinstance(cast_table, dict):
        check.fail("cast", "must be a table ([cast]) of character = voice")
    default = Direction()
    width = check.number(picture, "picture.width", default.width, whole=True, low=16, high=7680)
    height = check.number(picture, "picture.height", default.height, whole=True, low=16, high=4320)
    if int(width) % 2 or int(height) % 2:
        check.fail("picture", f"width and height must be even numbers, not {width}x{height}")
    aspect = check.string(picture, "picture.aspect", default.aspect)
    if aspect not in ASPECTS:
        check.fail("picture.aspect", f"must be one of {', '.join(map(repr, ASPECTS))}, not {aspect!r}")
    title_card = picture.get("title_card", default.title_card)
    if not isinstance(title_card, bool):
        check.fail("picture.title_card", f"must be true or false, not {title_card!r}")
    try:
        cast = read_cast(cast_table, where=str(path))
    except ClapboardError as exc:
        raise ProjectError(str(exc)) from None
    return Direction(
        width=int(width),
        height=int(height),
        fps=int(check.number(picture, "picture.fps", default.fps, whole=True, low=1, high=120)),
        aspect=aspect,
        style=check.string(picture, "picture.style", default.style),
        title_card=title_card,
        reading_speed=check.number(picture, "picture.reading_speed", default.reading_speed, low=0.5, high=10),
        loudness=check.number(sound, "sound.loudness", default.loudness, low=-40, high=-5),
        true_peak=check.number(sound, "sound.true_peak", default.true_peak, low=-12, high=0),
        cast=cast,
        languages=lists["languages"],
        glossary=lists["glossary"],
    )


class _Checker:
    """Checks parts of a parsed settings file, raising ProjectError at the first problem."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, problem: str) -> NoReturn:
        raise ProjectError(f"{self.path}: {key} {problem}")

    def keys(self, table: dict[str, Any], prefix: str, allowed: set[str]) -> None:
        for key in table:
            if key not in allowed:
                where = f"{prefix}.{key}" if prefix else key
                self.fail(where, f"is not a setting; known here: {', '.join(sorted(allowed))}")

    def table(self, doc: dict[str, Any], key: str, allowed: set[str]) -> dict[str, Any]:
        value = doc.get(key, {})
        if not isinstance(value, dict):
            self.fail(key, "must be a table ([" + key + "])")
        self.keys(value, key, allowed)
        return value

    def string(self, table: dict[str, Any], key: str, default: str) -> str:
        value = table.get(key.rpartition(".")[2], default)
        if not isinstance(value, str):
            self.fail(key, f"must be a string, not {value!r}")
        return value

    def number(
        self, table: dict[str, Any], key: str, default: float, *, low: float, high: float, whole: bool = False
    ) -> float:
        value = table.get(key.rpartition(".")[2], default)
        kinds = (int,) if whole else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds) or not low <= value <= high:
            what = "a whole number" if whole else "a number"
            self.fail(key, f"must be {what} from {low:g} to {high:g}, not {value!r}")
        return float(value)

    def backend(self, capability: str, value: Any, base: Path) -> BackendChoice:
        key = f"backends.{capability}"
        if isinstance(value, str):
            value = {"name": value}
        if not isinstance(value, dict):
            self.fail(key, f"must be a backend name or a table with name, model and options, not {value!r}")
        self.keys(value, key, {"name", "model", "options"})
        name = value.get("name")
        if not isinstance(name, str) or not name:
            self.fail(f"{key}.name", "must name a backend")
        model = value.get("model")
        if model is not None and not isinstance(model, str):
            self.fail(f"{key}.model", f"must be a file path, not {model!r}")
        options = value.get("options", {})
        if not isinstance(options, dict):
            self.fail(f"{key}.options", "must be a table")
        resolved = str((base / model).resolve()) if model else None
        return BackendChoice(capability, name, resolved, tuple(sorted(options.items())))


def _toml_string(text: str) -> str:
    # A JSON string is a valid TOML basic string: same quotes, same escapes.
    return json.dumps(text, ensure_ascii=False)
