"""Imports: what is already there (patients by MRN, appointments by external id, sessions
by key), and the places an import takes in existing sessions."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, select

from .rows import appointment, patient, session

_IN = 900  # ids per IN (...) list (SQLite's parameter limit is generous, PostgreSQL too)


def _chunks(values: list, n: int = _IN) -> Iterable[list]:
    for i in range(0, len(values), n):
        yield values[i:i + n]


def patients_by_mrn(conn: Connection, mrns: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for part in _chunks(sorted(set(mrns))):
        for r in conn.execute(select(patient.c.mrn, patient.c.id).where(patient.c.mrn.in_(part))):
            out[r.mrn] = r.id
    return out


def existing_external_ids(conn: Connection, ids: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for part in _chunks(sorted(set(ids))):
        out.update(r[0] for r in conn.execute(
            select(appointment.c.external_id).where(appointment.c.external_id.in_(part))))
    return out


def sessions_by_key(conn: Connection, keys: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for part in _chunks(sorted(set(keys))):
        for r in conn.execute(select(session.c.key, session.c.id).where(session.c.key.in_(part))):
            out[r.key] = r.id
    return out


def take_places(conn: Connection, sid: int, *, count: int, held: int) -> int:
    """Take ``count`` queue numbers (``held`` of them holding a place) in an existing
    session, raising its capacity to what was booked (history is a fact); the first
    queue number. One UPDATE: safe beside desks booking at the same time."""
    bigger = "GREATEST" if conn.dialect.name == "postgresql" else "MAX"
    from sqlalchemy import func

    row = conn.execute(
        session.update().where(session.c.id == sid)
        .values(next_queue=session.c.next_queue + count, booked=session.c.booked + held,
                capacity=getattr(func, bigger.lower())(session.c.capacity,
                                                       session.c.booked + held))
        .returning(session.c.next_queue)).first()
    return int(row[0]) - count
