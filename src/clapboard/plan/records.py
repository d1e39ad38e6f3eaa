"""Frozen dataclasses to plain JSON data and back, for the records steps hand to one another.

Steps exchange bytes; the analysis works on typed records (a scene's
breakdown, its arc, its shots). :func:`to_data` and :func:`from_data` convert
between the two using the dataclass fields and their type hints, so a record
type needs no hand-written codec and the JSON stays readable by other programs.
"""

from __future__ import annotations

import functools
import json
import types
import typing
from dataclasses import fields, is_dataclass
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

from clapboard.plan.step import PlanError

T = TypeVar("T")


def to_data(value: Any) -> Any:
    """``value`` as JSON-ready data: dataclasses become objects, tuples lists; floats are rounded to 4 places."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name)) for f in fields(value) if f.init}
    if isinstance(value, tuple | list):
        return [to_data(item) for item in value]
    if isinstance(value, dict):
        return {str(k): to_data(v) for k, v in value.items()}
    if isinstance(value, float):
        # Rounded so the same analysis always prints the same JSON across platforms.
        return round(value, 4)
    return value


def from_data(cls: type[T], data: Any) -> T:
    """The record of type ``cls`` that :func:`to_data` made ``data`` from."""
    try:
        return _decode(cls, data)  # type: ignore[no-any-return]
    except (TypeError, KeyError, ValueError) as exc:
        raise PlanError(f"cannot read a {cls.__name__} from step data ({exc})") from None


def dumps(value: Any) -> bytes:
    """``value`` as indented UTF-8 JSON with a final newline: how records are stored and exported."""
    return (json.dumps(to_data(value), indent=2, ensure_ascii=False) + "\n").encode()


def loads(cls: type[T], data: bytes) -> T:
    """The record of type ``cls`` stored by :func:`dumps`."""
    return from_data(cls, json.loads(data))


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def _decode(kind: Any, data: Any) -> Any:
    if kind is Any:
        return data
    origin = get_origin(kind)
    if origin in (Union, types.UnionType):
        options = get_args(kind)
        if data is None and type(None) in options:
            return None
        for option in options:
            if option is type(None):
                continue
            try:
                return _decode(option, data)
            except (TypeError, KeyError, ValueError):
                continue
        raise ValueError(f"{data!r} fits none of {kind}")
    if origin is typing.Literal:
        if data not in get_args(kind):
            raise ValueError(f"{data!r} is not one of {get_args(kind)}")
        return data
    if origin is tuple:
        args = get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], item) for item in data)
        return tuple(_decode(arg, item) for arg, item in zip(args, data, strict=True))
    if origin is dict:
        key, item = get_args(kind)
        return {_decode(key, k): _decode(item, v) for k, v in data.items()}
    if isinstance(kind, type) and is_dataclass(kind):
        if not isinstance(data, dict):
            raise TypeError(f"{kind.__name__} needs an object, not {type(data).__name__}")
        hints = _hints(kind)
        return kind(**{f.name: _decode(hints[f.name], data[f.name]) for f in fields(kind) if f.init and f.name in data})
    if kind is float:
        if isinstance(data, bool) or not isinstance(data, int | float):
            raise TypeError(f"{data!r} is not a number")
        return float(data)
    if kind in (int, str, bool):
        if not isinstance(data, kind) or (kind is int and isinstance(data, bool)):
            raise TypeError(f"{data!r} is not a {kind.__name__}")
        return data
    raise TypeError(f"no reader for {kind!r}")
