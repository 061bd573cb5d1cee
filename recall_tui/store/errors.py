"""Typed errors of the store, raised in place of driver errors.

The environment failures (``Unavailable``, ``NotSetUp``, ``Busy``) live in ``core.errors``
so that entry points can name them without importing the store; ``Duplicate`` is the
store's own: a unique constraint refused a row, and the service above turns it into the
rule that was broken.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy.exc import IntegrityError

from ..core.errors import Busy, NotSetUp, Unavailable

__all__ = ["Busy", "Duplicate", "NotSetUp", "Unavailable"]


class Duplicate(Exception):
    """A unique constraint refused a row; ``constraint`` names which (a column or index)."""

    def __init__(self, constraint: str):
        super().__init__(f"duplicate: {constraint}")
        self.constraint = constraint


def duplicate_from(exc: Exception) -> Duplicate | None:
    """The ``Duplicate`` a driver's integrity error stands for (None when it is another
    kind): the constraint's column or name, read from the driver here and nowhere else."""
    orig = getattr(exc, "orig", exc)
    diag = getattr(orig, "diag", None)
    name = getattr(diag, "constraint_name", None) if diag is not None else None
    if name:  # PostgreSQL: "appointment_slot_key_key", "uq_appointment_queue"
        kind = getattr(diag, "sqlstate", None)
        if kind and kind != "23505":
            return None
        return Duplicate(name)
    text = str(orig)
    if "UNIQUE constraint failed:" in text:  # SQLite: "... failed: appointment.slot_key"
        cols = text.split("failed:", 1)[1].strip()
        return Duplicate(cols)
    return None


@contextlib.contextmanager
def duplicates_named() -> Iterator[None]:
    """Inside: a unique constraint that refuses a row raises ``Duplicate``; any other
    integrity failure (a foreign key, a check) goes on as the driver's error (a bug, not a
    row written by someone else). The transaction is lost either way: a caller that goes on
    after it must have opened a savepoint (``conn.begin_nested``)."""
    try:
        yield
    except IntegrityError as exc:
        dup = duplicate_from(exc)
        if dup is None:
            raise
        raise dup from None
