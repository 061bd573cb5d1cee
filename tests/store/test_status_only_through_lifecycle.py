"""Order and appointment status change only through core.lifecycle (issue 9).

``tests/status_guard.py`` watches every statement of the suite; these tests prove it can
fail, and that the store's writers themselves refuse a move that is no longer true."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from recall_tui.core import lifecycle
from recall_tui.services import booking, patients
from recall_tui.services.patients import PhoneIn
from recall_tui.store import appointments as appt_repo
from recall_tui.store import orders as order_repo
from tests.status_guard import StatusWrittenOutsideLifecycle, writes_status

pytestmark = pytest.mark.storage


def _booked(ctx, now):
    p = patients.add(ctx, name="Lê Văn Tám", phones_in=[PhoneIn("0912345678")], now=now)
    return booking.book(ctx, patient=p.mrn, clinic="NOI", day=date(2026, 11, 26),
                        part="morning", now=now)


def test_a_status_written_by_hand_fails_the_test_that_does_it(ctx, now):
    b = _booked(ctx, now)
    with pytest.raises(StatusWrittenOutsideLifecycle), ctx.db.write() as conn:
        conn.execute(text("UPDATE appointment SET status = 'checked_in' WHERE code = :c"),
                     {"c": b.code})
    with pytest.raises(StatusWrittenOutsideLifecycle), ctx.db.write() as conn:
        conn.execute(order_repo.order.update().values(status="fulfilled"))


def test_the_writers_write_only_a_move_that_is_still_true(ctx, now):
    b = _booked(ctx, now)
    with ctx.db.write() as conn:
        appt = appt_repo.by_code(conn, b.code)
        move = lifecycle.appointment_move(appt.status, lifecycle.Action.CONFIRM)
        assert appt_repo.write_move(conn, appt, move, at=now)
        assert not appt_repo.write_move(conn, appt, move, at=now)  # the version moved on
        assert not order_repo.write_move(conn, appt.order_id,
                                         lifecycle.order_move("open", "book"))  # it is booked


@pytest.mark.parametrize(("sql", "table"), [
    ("UPDATE appointment SET status=?, version=? WHERE id=?", "appointment"),
    ('UPDATE "follow_up_order" SET status=%(s)s WHERE id=%(i)s', "follow_up_order"),
    ("UPDATE appointment SET previous_status=? WHERE status=?", None),
    ("UPDATE follow_up_order SET instructions=? WHERE status='open'", None),
    ("INSERT INTO appointment (code, status) VALUES (?, ?)", "appointment"),
    ("INSERT INTO message (status) VALUES (?)", "message"),
    ("INSERT INTO message_x (status) VALUES (?)", None),
    ("SELECT status FROM appointment", None),
])
def test_what_counts_as_writing_a_status(sql, table):
    assert writes_status(sql) == table
