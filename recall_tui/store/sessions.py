"""Session rows: made on demand from the calendar, and the places bookings take."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, bindparam, select

from .rows import insert_ignore, session


def ensure(conn: Connection, specs: Iterable[dict]) -> dict[str, int]:
    """Rows for these sessions (created when missing, concurrency-safe): key -> id."""
    specs = list(specs)
    if not specs:
        return {}
    insert_ignore(conn, session, specs, ["key"])
    keys = [s["key"] for s in specs]
    return {r.key: r.id for r in conn.execute(
        select(session.c.key, session.c.id).where(session.c.key.in_(keys)))}


def get(conn: Connection, sid: int):
    return conn.execute(select(session).where(session.c.id == sid)).first()


def by_keys(conn: Connection, keys: list[str]) -> dict[str, object]:
    if not keys:
        return {}
    out = {}
    for i in range(0, len(keys), 500):
        for r in conn.execute(select(session).where(session.c.key.in_(keys[i:i + 500]))):
            out[r.key] = r
    return out


def _take_by_key(overbook: bool):
    """Take one place if the session is open and not full. One conditional UPDATE: under
    any number of concurrent writers only as many win as there are places (SQLite
    serialises writers; PostgreSQL re-checks the row it locks)."""
    limit = session.c.capacity + (session.c.overbook_limit if overbook else 0)
    return (session.update()
            .where(session.c.key == bindparam("session_key"), session.c.closed_reason.is_(None),
                   session.c.booked < limit)
            .values(booked=session.c.booked + 1, next_queue=session.c.next_queue + 1)
            .returning(session.c.id, session.c.next_queue))


_TAKE_BY_KEY = {False: _take_by_key(False), True: _take_by_key(True)}


def take_place_by_key(conn: Connection, key: str, *, overbook: bool) -> tuple[int, int] | None:
    """Take a place in the session named by its key: (session id, queue number), or None
    when it is full, closed, or has no row yet (the caller then makes it with ``ensure_one``).
    """
    row = conn.execute(_TAKE_BY_KEY[overbook], {"session_key": key}).first()
    return None if row is None else (int(row[0]), int(row[1]) - 1)


def release_place(conn: Connection, sid: int) -> None:
    conn.execute(session.update().where(session.c.id == sid, session.c.booked > 0)
                 .values(booked=session.c.booked - 1))


def close(conn: Connection, sid: int, *, reason: str, actor: str) -> None:
    conn.execute(session.update().where(session.c.id == sid)
                 .values(closed_reason=reason, closed_by=actor))



_BY_KEY = select(session).where(session.c.key == bindparam("session_key"))


def ensure_one(conn: Connection, spec: dict):
    """The row of one session, created when missing (concurrency-safe): what ``ensure`` and
    ``get`` do, in one statement when the row is there (the booking path)."""
    row = conn.execute(_BY_KEY, {"session_key": spec["key"]}).first()
    if row is None:
        insert_ignore(conn, session, spec, ["key"])
        row = conn.execute(_BY_KEY, {"session_key": spec["key"]}).first()
    return row
