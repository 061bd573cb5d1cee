"""The appointments a session holds (to move them when the session closes)."""

from __future__ import annotations

from sqlalchemy import Connection, select

from .rows import appointment, session


def by_key(conn: Connection, key: str, *, lock: bool = False):
    q = select(session).where(session.c.key == key)
    if lock and conn.dialect.name == "postgresql":
        q = q.with_for_update()
    return conn.execute(q).first()


def waiting_in(conn: Connection, session_id: int) -> list:
    """Appointments still to happen in a session (booked or confirmed), in queue order."""
    return list(conn.execute(select(appointment).where(
        appointment.c.session_id == session_id,
        appointment.c.status.in_(("booked", "confirmed"))).order_by(appointment.c.queue_no)))
