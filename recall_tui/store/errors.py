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
