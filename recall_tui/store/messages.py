"""The outbox rows: planned with the booking, cancelled with it."""

from __future__ import annotations

from sqlalchemy import Connection, select

from ..core.reminders import MessageMove, MessageStatus, message_move
from .rows import insert_ignore, message


def with_planned_at(rows: list[dict]) -> list[dict]:
    """The rows, each with ``planned_at`` (its first ``due_at`` unless given)."""
    return [r if r.get("planned_at") else {**r, "planned_at": r["due_at"]} for r in rows]


def plan(conn: Connection, rows: list[dict]) -> None:
    if rows:
        insert_ignore(conn, message, with_planned_at(rows), ["idempotency_key"])


def cancel_pending(conn: Connection, appointment_id: int) -> int:
    res = conn.execute(message.update()
                       .where(message.c.appointment_id == appointment_id,
                              message.c.status == MessageStatus.PENDING.value)
                       .values(status=message_move(MessageMove.CANCEL)[1].value))
    return res.rowcount


def for_appointment(conn: Connection, appointment_id: int) -> list:
    return list(conn.execute(select(message).where(message.c.appointment_id == appointment_id)
                             .order_by(message.c.due_at, message.c.id)))
