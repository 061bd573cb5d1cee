"""What the store promises the services above it, on SQLite and PostgreSQL: events
written many at a time are stored as one at a time; a unique key that refuses a row is a
``Duplicate`` naming it, any other integrity failure is not; a bulk insert converts values
as SQLAlchemy's own insert does; no SQLAlchemy internals are reached into."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from recall_tui.services import orders, patients
from recall_tui.store import bulk, events
from recall_tui.store import his as his_repo
from recall_tui.store.errors import Duplicate
from recall_tui.store.rows import event

pytestmark = pytest.mark.storage


def test_events_appended_many_at_once_are_stored_as_one_at_a_time(ctx, now):
    details = {"tệp": "Giấy hẹn Nguyễn Văn Ân.xml", "ngày": date(2026, 12, 10),
               "series": None, "count": 3}
    one = dict(at=now, actor="lan", kind="test.one", reason="lý do", details=details)
    with ctx.db.write() as conn:
        events.append(conn, **one)
        events.append_many(conn, [{**one, "kind": "test.many"},
                                  {"at": now, "actor": "lan", "kind": "test.bare"}])
        events.append(conn, at=now, actor="lan", kind="test.bare1")
    with ctx.db.read() as conn:
        rows = {r.kind: r for r in conn.execute(select(event))}
    cols = ("at", "actor", "patient_id", "appointment_id", "order_id", "from_state",
            "to_state", "reason", "details")
    assert [getattr(rows["test.one"], c) for c in cols] == \
        [getattr(rows["test.many"], c) for c in cols]
    assert '"tệp": "Giấy hẹn Nguyễn Văn Ân.xml"' in rows["test.many"].details  # as typed
    assert [getattr(rows["test.bare"], c) for c in cols] == \
        [getattr(rows["test.bare1"], c) for c in cols]


def slip_row(now, n: int, **over) -> dict:
    return {"ma_cskcb": "79024", "ma_lk": f"LK{n}", "so_giayhen_kl": f"GH{n}",
            "origin": "his", "created_at": now, "updated_at": now, **over}


def test_a_taken_key_is_a_duplicate_naming_it(ctx, now):
    p = patients.add(ctx, name="Nguyễn Văn An", now=now)
    o = orders.add(ctx, patient=p.mrn, clinic="NOI", target=date(2026, 12, 10), now=now)
    mine = {"patient_id": p.id, "order_id": o.id}
    with ctx.db.write() as conn:
        his_repo.insert_slips(conn, [slip_row(now, 1, **mine)])
    for write in (lambda c: his_repo.insert_slips(c, [slip_row(now, 1, **mine)]),
                  lambda c: his_repo.insert_slip(c, slip_row(now, 1, **mine))):
        with pytest.raises(Duplicate) as got, ctx.db.write() as conn:
            write(conn)
        assert "ma_lk" in got.value.constraint or "his_slip" in got.value.constraint


def test_an_integrity_failure_that_is_no_taken_key_is_not_a_duplicate(ctx, now):
    """A slip of a patient who does not exist breaks a foreign key: not someone else's row."""
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), ctx.db.write() as conn:
        his_repo.insert_slips(conn, [slip_row(now, 2, patient_id=999_999, order_id=999_999)])


def test_a_bulk_insert_converts_values_as_sqlalchemy_does(ctx):
    """Instants (stored in UTC, read back aware), dates and text, through the columns' own
    types: the same rows by ``bulk.insert_plain`` as by SQLAlchemy's insert."""
    at = datetime(2026, 12, 10, 7, 30, tzinfo=timezone(timedelta(hours=7)))
    row = {"at": at, "actor": "lan", "kind": "x", "reason": "Ngày 10/12"}
    with ctx.db.write() as conn:
        conn.execute(event.insert(), {**row, "kind": "core"})
        bulk.insert_plain(conn, event, [{**row, "kind": "plain"}])
    with ctx.db.read() as conn:
        got = {r.kind: r for r in conn.execute(select(event))}
    assert got["plain"].at == got["core"].at == at
    assert got["plain"].reason == got["core"].reason


def test_recall_reaches_into_no_sqlalchemy_internals():
    """A private name of SQLAlchemy's (``_cached_bind_processor``, ...) may change in any
    release: recall uses the public API only."""
    import sqlalchemy
    from sqlalchemy.engine import Connection, Dialect, Engine
    from sqlalchemy.sql.type_api import TypeEngine

    private = {n for cls in (TypeEngine, sqlalchemy.Table, sqlalchemy.Column, Connection,
                             Engine, Dialect, sqlalchemy.types.TypeDecorator)
               for n in dir(cls) if n.startswith("_") and not n.startswith("__")}
    root = Path(__file__).resolve().parents[2] / "recall_tui"
    found = []
    for path in root.rglob("*.py"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for name in re.findall(r"\.(_[A-Za-z]\w*)", line):
                if name in private:
                    found.append(f"{path.relative_to(root)}:{n}: {name}")
    assert found == []
