"""Status changes only through ``core.lifecycle``: a guard on every statement the tests run.

Installed for the whole suite (tests/conftest.py). Any INSERT into, or UPDATE that sets the
status of, ``appointment`` or ``follow_up_order`` must be executed by one of the store's
writers below, which write only what a ``core.lifecycle`` move (or the status a new row
starts in, or a history row read through ``lifecycle.history``) decided. Code anywhere else
that writes a status, by SQLAlchemy or by hand-written SQL, fails the test that runs it.
"""

from __future__ import annotations

import contextlib
import re
import sys
import threading

from sqlalchemy import event
from sqlalchemy.engine import Engine

# An outbox row's status is written only by the store's outbox (claims and records, each the
# target of a move of core.reminders.MESSAGE_TRANSITIONS) and where messages are planned.
MESSAGE_WRITERS = {"recall_tui/store/outbox.py", "recall_tui/store/messages.py",
                   "recall_tui/store/bulk.py"}

WRITERS = {
    ("recall_tui/store/appointments.py", "insert"),
    ("recall_tui/store/appointments.py", "write_move"),
    ("recall_tui/store/orders.py", "insert"),
    ("recall_tui/store/orders.py", "insert_many"),
    ("recall_tui/store/orders.py", "write_move"),
    ("recall_tui/store/bulk.py", "history"),
}

_STATEMENT = re.compile(
    r'^\s*(?:(?P<ins>INSERT\s+INTO)|(?P<upd>UPDATE))\s+"?(?P<table>appointment|follow_up_order|message)"?'
    r'\b(?P<rest>.*)$', re.IGNORECASE | re.DOTALL)


class StatusWrittenOutsideLifecycle(AssertionError):
    pass


_off = threading.local()


@contextlib.contextmanager
def off():
    """For a test that writes raw rows on purpose (to prove a database constraint)."""
    _off.on = True
    try:
        yield
    finally:
        _off.on = False


def writes_status(statement: str) -> str | None:
    """The table whose status the statement writes, or None."""
    m = _STATEMENT.match(statement)
    if not m:
        return None
    rest = m.group("rest")
    if m.group("ins"):
        cols = rest.split(")", 1)[0]
        return m.group("table") if re.search(r'\bstatus\b', cols) else None
    sets = re.split(r"\bWHERE\b", rest, maxsplit=1, flags=re.IGNORECASE)[0]
    return m.group("table") if re.search(r'(?<!previous_)\bstatus\s*=', sets) else None


def _writer_on_stack(table: str) -> bool:
    frame = sys._getframe(2)
    while frame is not None:
        path = frame.f_code.co_filename.replace("\\", "/")
        i = path.rfind("recall_tui/store/")
        if i >= 0:
            where = path[i:]
            if (where in MESSAGE_WRITERS) if table == "message" else (
                    (where, frame.f_code.co_name) in WRITERS):
                return True
        frame = frame.f_back
    return False


def _guard(conn, cursor, statement, parameters, context, executemany):
    table = writes_status(statement)
    if table and not getattr(_off, "on", False) and not _writer_on_stack(table):
        raise StatusWrittenOutsideLifecycle(
            f"a status of {table} was written outside the store's lifecycle writers: "
            f"{statement[:120]}")


def install() -> None:
    if not event.contains(Engine, "before_cursor_execute", _guard):
        event.listen(Engine, "before_cursor_execute", _guard)
