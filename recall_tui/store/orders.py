"""Follow-up orders."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, select

from .rows import order

_INSERT = order.insert().returning(order.c.id)  # built once: the booking path


def insert(conn: Connection, row: dict) -> int:
    return int(conn.execute(_INSERT, row).scalar_one())


def get(conn: Connection, oid: int):
    return conn.execute(select(order).where(order.c.id == oid)).first()


def set_status(conn: Connection, oid: int, status: str) -> None:
    conn.execute(order.update().where(order.c.id == oid).values(status=status))


def next_in_series(conn: Connection, oid: int):
    return conn.execute(select(order).where(order.c.previous_order_id == oid)
                        .order_by(order.c.id.desc())).first()


def for_patient(conn: Connection, pid: int) -> list:
    return list(conn.execute(select(order).where(order.c.patient_id == pid)
                             .order_by(order.c.target_date.desc(), order.c.id.desc())))


def open_ended_before(conn: Connection, day: date, limit: int = 5000) -> list:
    """Open orders whose window has ended (to be lapsed)."""
    return list(conn.execute(select(order).where(order.c.status == "open",
                                                 order.c.latest < day).limit(limit)))


def set_series_root(conn: Connection, oid: int, root_id: int) -> None:
    conn.execute(order.update().where(order.c.id == oid).values(series_root_id=root_id))
