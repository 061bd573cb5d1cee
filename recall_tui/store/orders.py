"""Follow-up orders: insert, read as ``FollowUpOrder`` records, and write decided moves."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, select

from ..core.lifecycle import NEW_ORDER, Move, OrderAction, order_move
from .models import FollowUpOrder
from .records import record, record_or_none
from .rows import order

_INSERT = order.insert().returning(order.c.id)  # built once: the booking path
_BOOKED_AT_ONCE = order_move(NEW_ORDER, OrderAction.BOOK).to


def insert(conn: Connection, row: dict, *, booked: bool = False) -> int:
    """A new order, open; or ``booked`` at once when it is made by the booking that books it
    (one statement instead of an insert and a move)."""
    status = _BOOKED_AT_ONCE if booked else NEW_ORDER.value
    return int(conn.execute(_INSERT, {**row, "status": status}).scalar_one())


def insert_many(conn: Connection, rows: list[dict]) -> list[int]:
    """New orders, open, in one statement (an import's batch); their ids in order."""
    from .bulk import insert_plain_returning_ids

    return insert_plain_returning_ids(conn, order, [{**r, "status": NEW_ORDER.value}
                                                   for r in rows])


def get(conn: Connection, oid: int, *, lock: bool = False) -> FollowUpOrder | None:
    q = select(order).where(order.c.id == oid)
    if lock and conn.dialect.name == "postgresql":
        q = q.with_for_update()
    return record_or_none(FollowUpOrder, conn.execute(q).first())


def write_move(conn: Connection, oid: int, move: Move) -> bool:
    """Write a move ``core.lifecycle`` decided; False when the order is no longer in
    ``move.from_`` (changed meanwhile)."""
    res = conn.execute(order.update().where(order.c.id == oid, order.c.status == move.from_)
                       .values(status=move.to))
    return res.rowcount == 1


def set_instructions(conn: Connection, oid: int, instructions: str) -> None:
    conn.execute(order.update().where(order.c.id == oid).values(instructions=instructions))


def next_in_series(conn: Connection, oid: int) -> FollowUpOrder | None:
    return record_or_none(FollowUpOrder, conn.execute(
        select(order).where(order.c.previous_order_id == oid)
        .order_by(order.c.id.desc())).first())


def for_patient(conn: Connection, pid: int) -> list[FollowUpOrder]:
    return [record(FollowUpOrder, r) for r in conn.execute(
        select(order).where(order.c.patient_id == pid)
        .order_by(order.c.target_date.desc(), order.c.id.desc()))]


def open_for(conn: Connection, pid: int, clinic_id: int) -> list[FollowUpOrder]:
    """The patient's orders in a clinic that still await a booking, soonest first."""
    return [record(FollowUpOrder, r) for r in conn.execute(
        select(order).where(order.c.patient_id == pid, order.c.clinic_id == clinic_id,
                            order.c.status.in_(("open", "lapsed")))
        .order_by(order.c.target_date, order.c.id))]


def open_ended_before(conn: Connection, day: date, limit: int = 5000) -> list[FollowUpOrder]:
    """Open orders whose window has ended (to be lapsed)."""
    return [record(FollowUpOrder, r) for r in conn.execute(
        select(order).where(order.c.status == "open", order.c.latest < day).limit(limit))]


def set_series_root(conn: Connection, oid: int, root_id: int) -> None:
    conn.execute(order.update().where(order.c.id == oid).values(series_root_id=root_id))
