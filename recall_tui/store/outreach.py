"""The call list."""

from __future__ import annotations

from sqlalchemy import Connection, select

from .rows import insert_ignore_one, outreach_task


def open_task(conn: Connection, row: dict) -> bool:
    """Open a task unless one is already open for the same reason and subject."""
    return insert_ignore_one(conn, outreach_task, row, ["open_key"])


def open_tasks(conn: Connection, limit: int = 500) -> list:
    return list(conn.execute(select(outreach_task).where(outreach_task.c.status == "open")
                             .order_by(outreach_task.c.created_at).limit(limit)))


def close_for_appointment(conn: Connection, appointment_id: int, *, outcome: str,
                          now) -> None:
    conn.execute(outreach_task.update()
                 .where(outreach_task.c.appointment_id == appointment_id,
                        outreach_task.c.status == "open")
                 .values(status="closed", outcome=outcome, open_key=None))


def close_for_order(conn: Connection, order_id: int, *, outcome: str) -> int:
    """Close every open task of an order (it was booked, fulfilled or withdrawn)."""
    res = conn.execute(outreach_task.update()
                       .where(outreach_task.c.order_id == order_id,
                              outreach_task.c.status == "open")
                       .values(status="closed", outcome=outcome, open_key=None))
    return res.rowcount
