"""Shared helpers of the repositories: table handles and dialect-aware statements."""

from __future__ import annotations

from sqlalchemy import Connection, Table

from . import tables as t

clinic: Table = t.clinic
doctor: Table = t.doctor
session: Table = t.session
patient: Table = t.patient
patient_phone: Table = t.patient_phone
name_token: Table = t.name_token
counter: Table = t.counter
order: Table = t.order
appointment: Table = t.appointment
event: Table = t.event
message: Table = t.message
inbound_reply: Table = t.inbound_reply
outreach_task: Table = t.outreach_task
call_attempt: Table = t.call_attempt
his_slip: Table = t.his_slip
his_patient: Table = t.his_patient
fhir_link: Table = t.fhir_link


# Statements built once and reused: building one and its cache key each time was a good
# part of a booking's time (see bench/README.md).
_BUILT: dict[tuple, object] = {}


def insert_ignore(conn: Connection, table: Table, rows: dict | list[dict],
                  conflict: list[str]):
    """INSERT ... ON CONFLICT (conflict) DO NOTHING, on SQLite and PostgreSQL alike."""
    k = ("ignore", conn.dialect.name, table.name, tuple(conflict))
    stmt = _BUILT.get(k)
    if stmt is None:
        if conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        stmt = _BUILT[k] = insert(table).on_conflict_do_nothing(index_elements=conflict)
    return conn.execute(stmt, rows)


def insert_ignore_one(conn: Connection, table: Table, row: dict, conflict: list[str]) -> bool:
    """Insert one row unless it conflicts; True when it was inserted (both databases:
    PostgreSQL's driver reports no row count for ON CONFLICT, RETURNING says it)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(table).on_conflict_do_nothing(index_elements=conflict) \
        .returning(table.c[conflict[0]])
    return conn.execute(stmt, row).first() is not None


def upsert(conn: Connection, table: Table, row: dict, conflict: list[str], update: list[str]):
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(table).values(**row)
    stmt = stmt.on_conflict_do_update(index_elements=conflict,
                                      set_={k: stmt.excluded[k] for k in update})
    return conn.execute(stmt)


def next_value(conn: Connection, name: str, *, start: int = 1) -> int:
    """The next number of a named counter (the row lock serialises takers).

    One upsert: the first taker inserts ``start``, later ones add one."""
    k = ("next_value", conn.dialect.name)
    stmt = _BUILT.get(k)
    if stmt is None:
        if conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        stmt = _BUILT[k] = insert(counter).on_conflict_do_update(
            index_elements=["name"], set_={"value": counter.c.value + 1}
        ).returning(counter.c.value)
    return int(conn.execute(stmt, {"name": name, "value": start}).scalar_one())
