"""What is wrong with a TOML settings file, said per setting: from pydantic's errors to
problems that name the key path, in English and Vietnamese.

Shared by recall.toml (``config``) and the import mapping files (``services``). A problem's
path is the path of the data as written (list indices and table keys), never pydantic's own
location parts (union tags), so that ``locate.Lines`` finds its line.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

Path = tuple[str | int, ...]
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
SHOWN = 40  # at most this many characters of a bad value are repeated in a message


class Bad(ValueError):
    """A value that a validator refuses, said in English and Vietnamese."""

    def __init__(self, en: str, vi: str | None = None):
        super().__init__(en)
        self.en, self.vi = en, vi or en


@dataclass(frozen=True)
class Problem:
    path: Path
    en: str
    vi: str = ""

    @property
    def key(self) -> str:
        return key_name(self.path)


def key_name(path: Iterable[str | int]) -> str:
    """``templates[3].capacity``; a key that is not bare is quoted: ``keys."today.undo"``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = part if _BARE_KEY.fullmatch(part) else '"' + part.replace('"', '\\"') + '"'
            out += f".{name}" if out else name
    return out


def shown(value: Any) -> str:
    """A bad value as repeated in a message: its repr, cut short."""
    text = repr(value)
    return text if len(text) <= SHOWN else text[:SHOWN - 1] + "…"


def from_error(exc: ValidationError, data: Mapping, model: type[BaseModel]) -> list[Problem]:
    """One problem per wrong setting (the first pydantic says about it)."""
    out: dict[Path, Problem] = {}
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        kind = err["type"]
        ctx = err.get("ctx") or {}
        path = data_path(data, loc)
        if kind in ("union_tag_invalid", "union_tag_not_found"):
            path += (str(ctx.get("discriminator", "")).strip("'"),)
        if path not in out:
            en, vi = describe(err, model, loc)
            out[path] = Problem(path, en, vi)
    return list(out.values())


def data_path(data: Any, loc: tuple) -> Path:
    """pydantic's location as a path through the data as written: union tags and other
    location parts that are not keys of the data are left out; a key that is not there (a
    missing one) ends the path."""
    node, path = data, []
    for n, part in enumerate(loc):
        last = n == len(loc) - 1
        if isinstance(node, Mapping) and isinstance(part, str):
            if part in node:
                node = node[part]
                path.append(part)
                continue
            if "." in part and _walk(node, part.split(".")) is not None:  # a flattened key
                for p in part.split("."):
                    node = node[p]
                    path.append(p)
                continue
            if last:
                path.append(part)
            continue
        if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            path.append(part)
    return tuple(path)


def _walk(node: Any, parts: list[str]) -> Any:
    for p in parts:
        if not isinstance(node, Mapping) or p not in node:
            return None
        node = node[p]
    return node


# -- the words -----------------------------------------------------------------------------

def describe(err: Mapping, model: type[BaseModel], loc: tuple) -> tuple[str, str]:
    """(English, Vietnamese) for one pydantic error."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    if kind == "value_error":
        error = ctx.get("error")
        if isinstance(error, Bad):
            return error.en, error.vi
        return str(error), str(error)
    if kind == "extra_forbidden":
        known = ", ".join(known_keys(model, loc[:-1])) or "none"
        return (f"unknown setting (known: {known})",
                f"không có thiết lập này (có: {known})")
    if kind == "missing":
        hint, hint_vi = field_hint(model, loc)
        return (f"missing: {hint}" if hint else "missing (required)",
                f"thiếu: {hint_vi}" if hint_vi else "thiếu (bắt buộc)")
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return (f"expected a whole number, got {shown(value)}",
                f"cần một số nguyên, không phải {shown(value)}")
    if kind in ("float_type", "float_parsing"):
        return f"expected a number, got {shown(value)}", f"cần một số, không phải {shown(value)}"
    if kind in ("bool_type", "bool_parsing"):
        return (f"expected true or false, got {shown(value)}",
                f"cần true hoặc false, không phải {shown(value)}")
    if kind == "string_type":
        return (f"expected text in quotes, got {shown(value)}",
                f"cần chữ trong dấu ngoặc kép, không phải {shown(value)}")
    if kind in ("list_type", "tuple_type", "set_type"):
        return (f"expected a list [...], got {shown(value)}",
                f"cần một danh sách [...], không phải {shown(value)}")
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return (f"expected a table, got {shown(value)}",
                f"cần một bảng, không phải {shown(value)}")
    if kind in ("literal_error", "enum"):
        expected = ctx.get("expected", "")
        return (f"expected {expected}, got {shown(value)}",
                f"cần {expected}, không phải {shown(value)}")
    if kind == "union_tag_invalid":
        return (f"expected {ctx.get('expected_tags')}, got {shown(ctx.get('tag'))}",
                f"cần {ctx.get('expected_tags')}, không phải {shown(ctx.get('tag'))}")
    if kind == "union_tag_not_found":
        return "missing (required)", "thiếu (bắt buộc)"
    if kind in ("too_short", "string_too_short"):
        return "may not be empty", "không được để trống"
    if kind == "too_long":
        return (f"at most {ctx.get('max_length')} items",
                f"tối đa {ctx.get('max_length')} mục")
    if kind == "string_too_long":
        return (f"longer than {ctx.get('max_length')} characters",
                f"dài quá {ctx.get('max_length')} ký tự")
    return str(err.get("msg", kind)), str(err.get("msg", kind))


# -- the models, walked along a location -------------------------------------------------------

def known_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """The keys the table at ``loc`` takes, as written in the file (aliases)."""
    found = type_at(model, loc)
    if isinstance(found, type) and issubclass(found, BaseModel):
        return sorted(f.alias or name for name, f in found.model_fields.items())
    return []


def field_hint(model: type[BaseModel], loc: tuple) -> tuple[str, str]:
    """What a missing key should hold: its field's description, and the Vietnamese one
    (``json_schema_extra={"vi": ...}``; else the English)."""
    parent = type_at(model, loc[:-1])
    if isinstance(parent, type) and issubclass(parent, BaseModel):
        for name, f in parent.model_fields.items():
            if loc[-1] in (name, f.alias):
                extra = f.json_schema_extra if isinstance(f.json_schema_extra, dict) else {}
                return f.description or "", str(extra.get("vi") or f.description or "")
    return "", ""


def type_at(model: Any, loc: tuple) -> Any:
    """The declared type at a pydantic location (a model, list or dict on the way down)."""
    t = model
    for part in loc:
        t = _plain(t)
        if isinstance(t, type) and issubclass(t, BaseModel):
            field = next((f for name, f in t.model_fields.items()
                          if part in (name, f.alias)), None)
            if field is None:
                return None
            t = field.annotation
            continue
        origin, args = typing.get_origin(t), typing.get_args(t)
        if origin in (list, tuple, set, frozenset) and args:
            t = args[0]
        elif origin is dict and len(args) == 2:
            t = args[1]
        elif origin in (typing.Union, types.UnionType):
            t = _union_member(args, part)
            if t is None:
                return None
        else:
            return None
    return _plain(t)


def _plain(t: Any) -> Any:
    """``Annotated[X, ...]`` -> X; ``X | None`` -> X."""
    while True:
        origin = typing.get_origin(t)
        if origin is typing.Annotated:
            t = typing.get_args(t)[0]
            continue
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(t) if a is not type(None)]
            if len(args) == 1:
                t = args[0]
                continue
        return t


def _union_member(args: tuple, tag: Any) -> Any:
    """The member of a tagged union whose ``Literal`` tag is ``tag``."""
    for member in args:
        member = _plain(member)
        if isinstance(member, type) and issubclass(member, BaseModel):
            for f in member.model_fields.values():
                if typing.get_origin(f.annotation) is typing.Literal and \
                        tag in typing.get_args(f.annotation):
                    return member
    return None
