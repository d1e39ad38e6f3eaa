"""The screenplay model as versioned JSON: lossless, so ``read(write(s)) == s``.

The document is ``{"format": "clapboard-screenplay", "version": 1, "title_page": [...],
"elements": [...]}``. Every element is an object tagged with its ``type`` (the model class
in snake case: ``scene_heading``, ``dual_dialogue``…) carrying each field of the class,
``line`` included, so tools outside Python can read a script without a Fountain parser.
Reading is strict: a wrong shape is a ScriptError naming the JSON line of the object at fault.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
import re
from dataclasses import MISSING, fields
from typing import TYPE_CHECKING, Any, NamedTuple, TypeAlias

from clapboard.errors import ScriptError
from clapboard.screenplay.model import (
    ELEMENT_TYPES,
    Action,
    Boneyard,
    Centered,
    Character,
    Dialogue,
    DualDialogue,
    Line,
    Lyric,
    Note,
    PageBreak,
    Parenthetical,
    SceneHeading,
    Screenplay,
    Section,
    Synopsis,
    TitleField,
    TitlePage,
    Transition,
)

if TYPE_CHECKING:
    from collections.abc import Callable

FORMAT = "clapboard-screenplay"
VERSION = 1

_SURROGATE = re.compile("[\ud800-\udfff]")
_SETTINGS = ("INT", "EXT", "INT/EXT", "")


def write(script: Screenplay) -> bytes:
    """The script as UTF-8 JSON, one element a line so that diffs of two drafts stay readable."""
    parts = [f'{{"format": "{FORMAT}", "version": {VERSION},\n "title_page": [']
    parts.append(",".join(f"\n  {_dump(f)}" for f in script.title_page.fields))
    parts.append('\n ],\n "elements": [')
    parts.append(",".join(f"\n  {_dump(el)}" for el in script.elements))
    parts.append("\n ]\n}\n")
    return "".join(parts).encode("utf-8")


def _dump(obj: Any) -> str:
    return json.dumps(_encode(obj), ensure_ascii=False)


def read(data: bytes, path: str | None = None) -> Screenplay:
    """A script from JSON bytes written by :func:`write` (or by hand to the same schema)."""
    text = _decode(data, path)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScriptError(f"invalid JSON: {exc.msg} (column {exc.colno})", path, exc.lineno) from None
    except RecursionError:
        raise ScriptError("invalid JSON: nested too deeply", path) from None
    try:
        return _screenplay(doc, _Place(None, "", 0, {}))
    except _Invalid as exc:
        raise _located(exc, text, path) from None


def _located(exc: _Invalid, text: str, path: str | None) -> ScriptError:
    """The schema error as a ScriptError naming the JSON line of the object at fault."""
    # The fast parse keeps no positions; parse again, slowly, keeping them, and fail the same way.
    offsets: dict[int, int] = {}
    line = None
    try:
        _screenplay(_parse(text, offsets), _Place(None, "", 0, offsets))
    except _Invalid as again:
        exc, line = again, text.count("\n", 0, again.at.offset) + 1
    except RecursionError:  # the slow parser nests deeper per level than json.loads does
        pass
    where = f"{exc.at.path}: " if exc.at.path else ""
    return ScriptError(f"not a valid Clapboard screenplay: {where}{exc.problem}", path, line)


def _decode(data: bytes, path: str | None) -> str:
    # JSON is UTF-8 by RFC 8259; long lines are normal here, so formats.decode_text's line limit does not apply.
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        problem = f"invalid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); JSON must be UTF-8"
        raise ScriptError(problem, path, line) from None
    if not text.strip():
        raise ScriptError("the file is empty", path, 1)
    return text


def _parse(text: str, offsets: dict[int, int]) -> Any:
    """``json.loads`` that also records where each object starts, for errors that name a line."""

    def parse_object(s_and_end: tuple[str, int], *args: Any) -> tuple[dict[str, Any], int]:
        obj, end = json.decoder.JSONObject(s_and_end, *args)
        offsets[id(obj)] = s_and_end[1] - 1
        return obj, end

    decoder = json.JSONDecoder()
    # Only the pure-Python scanner calls back into parse_object; the C one would skip our hook.
    decoder.parse_object = parse_object  # type: ignore[assignment]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    return decoder.decode(text)


# --- encoding ----------------------------------------------------------------------------------------------------


def _kind(cls: type) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()


def _encode(obj: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"type": _KINDS[type(obj)]}
    for f in fields(obj):
        out[f.name] = _encode_value(getattr(obj, f.name))
    return out


def _encode_value(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_encode_value(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return _encode(value)
    return value


# --- decoding ----------------------------------------------------------------------------------------------------


class _Invalid(Exception):
    """A schema violation: what is wrong, and where."""

    def __init__(self, at: _Place, problem: str) -> None:
        super().__init__(problem)
        self.at = at
        self.problem = problem


class _Place(NamedTuple):
    """Where a value sits in the JSON document, and the offset of the object holding it."""

    parent: _Place | None
    key: str | int
    offset: int
    offsets: dict[int, int]  # id() of each parsed object -> offset of its opening brace

    @property
    def path(self) -> str:
        if self.parent is None:
            return str(self.key)
        above = self.parent.path
        if isinstance(self.key, int):
            return f"{above}[{self.key}]"
        return f"{above}.{self.key}" if above else self.key

    def field(self, name: str | int) -> _Place:
        return _Place(self, name, self.offset, self.offsets)

    def inside(self, obj: dict[str, Any]) -> _Place:
        return self._replace(offset=self.offsets.get(id(obj), self.offset))

    def invalid(self, problem: str) -> _Invalid:
        return _Invalid(self, problem)


# A field decoder checks one JSON value and returns the model's value for it.
_Field: TypeAlias = "Callable[[Any, _Place], Any]"


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _string(value: Any, at: _Place) -> str:
    if not isinstance(value, str):
        raise at.invalid(f"expected a string, got {_json_type(value)}")
    if _SURROGATE.search(value):
        raise at.invalid("the text holds an unpaired UTF-16 surrogate")
    return value


def _optional_string(value: Any, at: _Place) -> str | None:
    return None if value is None else _string(value, at)


def _boolean(value: Any, at: _Place) -> bool:
    if not isinstance(value, bool):
        raise at.invalid(f"expected true or false, got {_json_type(value)}")
    return value


def _count(value: Any, at: _Place) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise at.invalid(f"expected a whole number >= 0, got {json.dumps(value)[:40]}")
    return value


def _setting(value: Any, at: _Place) -> str:
    text = _string(value, at)
    if text not in _SETTINGS:
        raise at.invalid(f"expected one of {', '.join(map(repr, _SETTINGS))}, got {text!r}")
    return text


def _strings(value: Any, at: _Place) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise at.invalid(f"expected an array of strings, got {_json_type(value)}")
    return tuple(_string(v, at.field(i)) for i, v in enumerate(value))


def _one(*classes: type) -> _Field:
    return lambda value, at: _object(value, classes, at)


def _many(*classes: type) -> _Field:
    def decode(value: Any, at: _Place) -> tuple[Any, ...]:
        if not isinstance(value, list):
            raise at.invalid(f"expected an array, got {_json_type(value)}")
        return tuple(_object(v, classes, at.field(i)) for i, v in enumerate(value))

    return decode


# Every field of every model class but ``line``, which they all share.
_FIELDS: dict[type, dict[str, _Field]] = {
    TitleField: {"key": _string, "values": _strings},
    SceneHeading: {
        "text": _string,
        "setting": _setting,
        "location": _string,
        "time": _string,
        "number": _optional_string,
        "forced": _boolean,
    },
    Action: {"text": _string, "forced": _boolean},
    Character: {"name": _string, "extensions": _strings, "forced": _boolean},
    Parenthetical: {"text": _string},
    Line: {"text": _string},
    Lyric: {"text": _string},
    Dialogue: {"character": _one(Character), "parts": _many(Parenthetical, Line, Lyric)},
    DualDialogue: {"left": _one(Dialogue), "right": _one(Dialogue)},
    Transition: {"text": _string, "forced": _boolean},
    Centered: {"text": _string},
    Note: {"text": _string},
    Boneyard: {"text": _string},
    Section: {"text": _string, "depth": _count},
    Synopsis: {"text": _string},
    PageBreak: {},
}
_SCHEMA = {cls: {**spec, "line": _count} for cls, spec in _FIELDS.items()}
_KINDS = {cls: _kind(cls) for cls in _SCHEMA}
_CLASSES = {kind: cls for cls, kind in _KINDS.items()}
_KEYS = {cls: frozenset({"type", *spec}) for cls, spec in _SCHEMA.items()}
_REQUIRED = {cls: frozenset(f.name for f in fields(cls) if f.default is MISSING) for cls in _SCHEMA}


def _object(value: Any, classes: tuple[type, ...], at: _Place) -> Any:
    if not isinstance(value, dict):
        raise at.invalid(f"expected an object, got {_json_type(value)}")
    at = at.inside(value)
    kind = value.get("type")
    cls = _CLASSES.get(kind) if isinstance(kind, str) else None
    if cls not in classes:
        expected = " or ".join(repr(_KINDS[c]) for c in classes)
        got = repr(kind) if isinstance(kind, str) else "nothing" if kind is None else _json_type(kind)
        raise at.field("type").invalid(f"expected {expected}, got {got}")
    schema = _SCHEMA[cls]
    unknown = sorted(value.keys() - _KEYS[cls])
    if unknown:
        raise at.invalid(f"unknown field {unknown[0]!r} for {kind}")
    args: dict[str, Any] = {}
    for name, decode in schema.items():
        if name in value:
            args[name] = decode(value[name], at.field(name))
        elif name in _REQUIRED[cls]:
            raise at.invalid(f"missing field {name!r} for {kind}")
    return cls(**args)


def _screenplay(doc: Any, at: _Place) -> Screenplay:
    if not isinstance(doc, dict):
        raise at.invalid(f"expected a JSON object at the top, got {_json_type(doc)}")
    at = at.inside(doc)
    if doc.get("format") != FORMAT:
        raise at.field("format").invalid(f'expected "{FORMAT}"; this JSON is not a Clapboard screenplay')
    version = doc.get("version")
    if version != VERSION:
        if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
            problem = f"{version} was written by a newer Clapboard; this one reads version {VERSION}"
        else:
            problem = f"expected {VERSION}, got {json.dumps(version)[:40]}"
        raise at.field("version").invalid(problem)
    unknown = sorted(set(doc) - {"format", "version", "title_page", "elements"})
    if unknown:
        raise at.invalid(f"unknown field {unknown[0]!r}")
    title = _many(TitleField)(doc.get("title_page", []), at.field("title_page"))
    elements = _many(*ELEMENT_TYPES)(doc.get("elements", []), at.field("elements"))
    return Screenplay(TitlePage(title), elements)
