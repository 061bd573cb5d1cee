"""Bulk loads (demo data, benchmarks, imports): many rows per statement, one transaction."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, Table, select

from .rows import appointment, event, message, name_token, order, patient, patient_phone, session

CHUNK = 5000


def _chunks(rows: list[dict], n: int = CHUNK) -> Iterable[list[dict]]:
    for i in range(0, len(rows), n):
        yield rows[i:i + n]


def insert_many(conn: Connection, table: Table, rows: list[dict]) -> None:
    for chunk in _chunks(rows):
        conn.execute(table.insert(), chunk)


def insert_returning_ids(conn: Connection, table: Table, rows: list[dict]) -> list[int]:
    """Insert rows and return their ids in order (ids are assigned in insertion order)."""
    ids: list[int] = []
    for chunk in _chunks(rows, 2000):
        if conn.dialect.name == "postgresql":
            res = conn.execute(table.insert().returning(table.c.id, sort_by_parameter_order=True),
                               chunk)
            ids.extend(r[0] for r in res)
        else:
            before = conn.execute(select(table.c.id).order_by(table.c.id.desc()).limit(1)) \
                .scalar() or 0
            conn.execute(table.insert(), chunk)
            ids.extend(range(before + 1, before + 1 + len(chunk)))
    return ids


def patients(conn: Connection, rows: list[dict], phones: list[list[dict]],
             tokens: list[list[str]]) -> list[int]:
    ids = insert_returning_ids(conn, patient, rows)
    insert_many(conn, patient_phone, [{"patient_id": pid, "position": i, **p}
                                      for pid, ps in zip(ids, phones) for i, p in enumerate(ps)])
    insert_many(conn, name_token, [{"patient_id": pid, "position": i, "token": t[:64]}
                                   for pid, ts in zip(ids, tokens) for i, t in enumerate(ts)])
    return ids


def sessions(conn: Connection, rows: list[dict]) -> dict[str, int]:
    ids = insert_returning_ids(conn, session, rows)
    return {r["key"]: i for r, i in zip(rows, ids)}


def orders(conn: Connection, rows: list[dict]) -> list[int]:
    return insert_returning_ids(conn, order, rows)


def appointments(conn: Connection, rows: list[dict]) -> list[int]:
    return insert_returning_ids(conn, appointment, rows)


def messages(conn: Connection, rows: list[dict]) -> None:
    from .messages import with_planned_at

    insert_many(conn, message, with_planned_at(rows))


def events(conn: Connection, rows: list[dict]) -> None:
    insert_many(conn, event, rows)
