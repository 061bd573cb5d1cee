"""One recall.toml document through the schema and the checks: the validated model, or a
ConfigError that names every wrong setting with its line (in file order)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import checks
from .locate import Lines
from .problems import Problem, from_error
from .schema import RecallToml


def document(data: dict[str, Any], text: str, path: Path | None, *, error: type) -> RecallToml:
    problems = checks.secrets(data)
    doc = None
    try:
        doc = RecallToml.model_validate(_flat_keys(data))
    except ValidationError as exc:
        problems += from_error(exc, data, RecallToml)
    if doc is not None:
        problems += checks.references(doc)
    if problems:
        raise as_error(problems, text, path, error)
    return doc


def as_error(problems: list[Problem], text: str, path: Path | None, error: type):
    """The problems as one error (the first in the file first), each with its line."""
    lines = Lines(text)
    seen: dict[tuple, Problem] = {}
    for p in problems:  # a secret's problem first: never "unknown setting" for it
        seen.setdefault(p.path, p)
    found = sorted(((lines.line_of(p.path), p) for p in seen.values()),
                   key=lambda lp: (lp[0] or 0, lp[1].key))
    errors = [error(p.en, path=path, line=line, key=p.key or None) for line, p in found]
    first = errors[0]
    return error(first.message, path=path, line=first.line, key=first.key,
                 more=tuple(errors[1:]))


def _flat_keys(data: dict[str, Any]) -> dict[str, Any]:
    """``[keys]`` with dotted ids written as tables (``today.checkin = "k"`` without quotes
    is TOML for a table ``today``) read as the ids they are."""
    table = data.get("keys")
    if not isinstance(table, Mapping):
        return data
    flat: dict[str, Any] = {}

    def walk(prefix: str, node: Mapping) -> None:
        for k, v in node.items():
            name = f"{prefix}.{k}" if prefix else str(k)
            if isinstance(v, Mapping):
                walk(name, v)
            else:
                flat[name] = v

    walk("", table)
    return {**data, "keys": flat}
