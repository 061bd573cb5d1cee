"""Typed errors of the store, raised in place of driver errors.

The environment failures (``Unavailable``, ``NotSetUp``, ``Busy``) live in ``core.errors``
so that entry points can name them without importing the store; ``Duplicate`` is the
store's own: a unique constraint refused a row, and the service above turns it into the
rule that was broken.
"""

from __future__ import annotations

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
