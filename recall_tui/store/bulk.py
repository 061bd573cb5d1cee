"""Bulk loads (demo data, benchmarks, imports): many rows per statement, one transaction."""

from __future__ import annotations

import operator
from collections.abc import Iterable

from sqlalchemy import Connection, Table, select

from ..core.lifecycle import History
from .errors import duplicates_named
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


def history(conn: Connection, orders: list[dict], appointments: list[dict],
            statuses: list[History]) -> list[int]:
    """Visits recorded as history, each with its order, in the statuses ``core.lifecycle``
    gives that history (``lifecycle.history``). Returns the appointments' ids in order."""
    oids = insert_returning_ids(conn, order, [
        {**o, "status": h.order.value} for o, h in zip(orders, statuses)])
    return insert_returning_ids(conn, appointment, [
        {**a, "order_id": oid, "status": h.appointment.value}
        for a, oid, h in zip(appointments, oids, statuses)])


def messages(conn: Connection, rows: list[dict]) -> None:
    from .messages import with_planned_at

    insert_many(conn, message, with_planned_at(rows))


def events(conn: Connection, rows: list[dict]) -> None:
    insert_many(conn, event, rows)


# -- plain inserts: an import's batch ---------------------------------------------------------
# The rows' values converted by each column's own type, then handed to the driver's
# executemany: no statement built per row (SQLAlchemy's executemany builds the parameters
# of every row through the compiled statement, a good part of an import's time). Columns
# a row leaves out get the table's scalar default, as SQLAlchemy would give them.

_PLAIN: dict[tuple, tuple[str, list, list]] = {}


def _plain(conn: Connection, table: Table, keys: tuple[str, ...]):
    k = (conn.dialect.name, table.name, keys)
    got = _PLAIN.get(k)
    if got is None:
        cols = list(keys) + [c.name for c in table.columns
                             if c.name not in keys and c.default is not None
                             and c.default.is_scalar]
        defaults = [None if c in keys else table.c[c].default.arg for c in cols]
        # each column's own conversion for this database, through the public API (built
        # once per table, columns and database: this cache is the one SQLAlchemy keeps)
        procs = [table.c[c].type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
                 for c in cols]
        q = conn.dialect.identifier_preparer
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        sql = (f"INSERT INTO {q.format_table(table)} ({', '.join(q.quote(c) for c in cols)}) "
               f"VALUES ({', '.join([mark] * len(cols))})")
        got = _PLAIN[k] = (sql, list(zip(cols, defaults, procs)), cols)
    return got


def insert_plain(conn: Connection, table: Table, rows: list[dict]) -> None:
    """Insert rows (all with the same keys) with one executemany; ``Duplicate`` when a
    unique constraint refuses one (``errors.duplicates_named``)."""
    if not rows:
        return
    keys = tuple(rows[0])
    sql, spec, _ = _plain(conn, table, keys)
    tail = [default for _, default, _ in spec[len(keys):]]
    converted = [(i, proc, {}) for i, (_, _, proc) in enumerate(spec) if proc is not None]
    pick = operator.itemgetter(*keys) if len(keys) > 1 else (lambda r: (r[keys[0]],))
    data = []
    for r in rows:
        vals = [*pick(r), *tail]
        for i, proc, seen in converted:  # a batch repeats its instants and dates
            v = vals[i]
            if v is not None:
                try:
                    vals[i] = seen[v]
                except KeyError:
                    vals[i] = seen[v] = proc(v)
                except TypeError:  # not hashable
                    vals[i] = proc(v)
        data.append(tuple(vals))
    with duplicates_named():
        conn.exec_driver_sql(sql, data)


def insert_plain_returning_ids(conn: Connection, table: Table, rows: list[dict]) -> list[int]:
    """``insert_plain``, and the rows' ids in order (SQLite: assigned after the largest,
    under the write lock the transaction holds; PostgreSQL: RETURNING)."""
    if not rows:
        return []
    if conn.dialect.name == "postgresql":
        # the ids taken from the table's sequence in one statement, then given explicitly
        # (a multi-row INSERT ... RETURNING is a long new statement to the driver each time)
        ids = [r[0] for r in conn.exec_driver_sql(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            (table.name, len(rows)))]
        insert_plain(conn, table, [{"id": i, **r} for i, r in zip(ids, rows)])
        return ids
    before = conn.execute(select(table.c.id).order_by(table.c.id.desc()).limit(1)).scalar() or 0
    insert_plain(conn, table, rows)
    return list(range(before + 1, before + 1 + len(rows)))
