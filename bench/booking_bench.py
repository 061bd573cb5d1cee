"""Booking throughput: services.booking.book in a loop vs the floor.

The floor is the raw driver (sqlite3 / psycopg) doing the writes one booking does, one
durable transaction each (SQLite: WAL, synchronous=FULL, BEGIN IMMEDIATE; PostgreSQL:
synchronous_commit on): the session row ensured, its count taken, the order (made booked),
the code number (SQLite: a counter row; PostgreSQL: a sequence), the appointment, the event
and the three planned messages (confirmation, reminders 3 days and 1 day before); on
PostgreSQL also the change marker every write transaction advances. It reads nothing, checks nothing and
plans nothing: what a booking costs beyond it is the service's own work.

Both book distinct patients into empty future sessions (from 30 days on, past the
generated ones), on a throw-away copy of the big database.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import psycopg
from benchlib import NOW, TZ, context, libpq

from recall_tui.core import codes
from recall_tui.services import booking
from recall_tui.store.appointments import code_for


@dataclass(frozen=True)
class Slot:
    clinic: str
    clinic_id: int
    day: date
    part: str
    key: str
    starts: str
    ends: str
    capacity: int
    overbook: int


def _slots(ctx, first: date, count: int) -> list[Slot]:
    """``count`` places in open sessions from ``first`` on (each session filled in turn)."""
    out: list[Slot] = []
    day = first
    while len(out) < count:
        for s in ctx.calendar.sessions_between(day, day, [c.code for c in ctx.cfg.clinics]):
            if not s.is_open:
                continue
            slot = Slot(s.clinic, ctx.clinic_id(s.clinic), s.day, s.part.value, s.key,
                        f"{s.start:%H:%M:%S}.000000", f"{s.end:%H:%M:%S}.000000", s.capacity,
                        s.overbook_limit)
            out.extend([slot] * s.capacity)
        day += timedelta(days=1)
    return out[:count]


def _patients(url: str, first: int, count: int) -> list[tuple[int, str]]:
    """``count`` patients from the ``first``-th (0 the first, -1 the last, -2 ...)."""
    order, skip = ("DESC", -first - 1) if first < 0 else ("", first)
    ctx = context(url)
    try:
        with ctx.db.read() as conn:
            return [tuple(r) for r in conn.exec_driver_sql(
                f"SELECT id, mrn FROM patient ORDER BY id {order} LIMIT {count} OFFSET {skip}")]
    finally:
        ctx.db.dispose()


def service(url: str, count: int, warmup: int = 50, round_: int = 0) -> dict:
    n = count + warmup
    ctx = context(url)
    try:  # each round its own patients and places
        pats = _patients(url, round_ * n, n)
        slots = _slots(ctx, ctx.today(NOW) + timedelta(days=30), (round_ + 1) * n)[-n:]
        for (_, mrn), s in zip(pats[:warmup], slots[:warmup]):
            booking.book(ctx, patient=mrn, clinic=s.clinic, day=s.day, part=s.part, now=NOW)
        t0, c0 = time.perf_counter(), time.process_time()
        for (_, mrn), s in zip(pats[warmup:], slots[warmup:]):
            booking.book(ctx, patient=mrn, clinic=s.clinic, day=s.day, part=s.part, now=NOW)
        secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    finally:
        ctx.db.dispose()
    return _result(count, secs, cpu)


def _result(count: int, secs: float, cpu: float) -> dict:
    """Throughput, and this process's CPU per booking (what the code costs, fsync waits
    and neighbours aside; on PostgreSQL the server's share is not in it)."""
    return {"count": count, "seconds": secs, "per_s": count / secs,
            "cpu_ms": cpu / count * 1000}


# -- the floor ---------------------------------------------------------------------------

def _iso(dt: datetime) -> str:
    return dt.astimezone(TZ).astimezone(tz=None).replace(tzinfo=None).isoformat(" ")


def _values(pid: int, s: Slot, n: int) -> dict:
    """The values a booking writes (as the service would write them)."""
    day_start = datetime.combine(s.day, datetime.min.time(), tzinfo=TZ)
    begins = day_start.replace(hour=int(s.starts[:2]), minute=int(s.starts[3:5]))
    code = codes.make_code(code_for(n))  # numbers far past the counter's: never taken
    msgs = [("confirmation", NOW), ("reminder-3d", day_start - timedelta(days=3, hours=-9)),
            ("reminder-1d", day_start - timedelta(days=1, hours=-9))]
    return {"pid": pid, "code": code, "akey": f"{pid}|{s.clinic_id}|{s.day.isoformat()}",
            "details": json.dumps({"code": code, "session": s.key, "queue": 0,
                                   "overbooked": False, "source": "desk", "previous": None}),
            "messages": [(f"{code}:{k}", k.split("-")[0], due, begins) for k, due in msgs]}


SQLITE_BOOK = [
    ("INSERT INTO session (key, clinic_id, doctor_id, day, part, starts, ends, capacity, "
     "overbook_limit, slot_minutes, booked, next_queue) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, "
     "NULL, 0, 1) ON CONFLICT (key) DO NOTHING"),
    ("UPDATE session SET booked = booked + 1, next_queue = next_queue + 1 WHERE key = ? AND "
     "closed_reason IS NULL AND booked < capacity RETURNING id, next_queue"),
    ("INSERT INTO follow_up_order (patient_id, clinic_id, doctor_id, ordered_at, visit_date, "
     "target_date, earliest, latest, series_index, reason, instructions, status, created_by) "
     "VALUES (?, ?, NULL, ?, NULL, ?, ?, ?, 1, '', '', 'booked', 'bench') RETURNING id"),
    ("INSERT INTO counter (name, value) VALUES ('appointment_code', 1) ON CONFLICT (name) "
     "DO UPDATE SET value = counter.value + 1 RETURNING value"),
    ("INSERT INTO appointment (code, order_id, patient_id, clinic_id, doctor_id, session_id, day, "
     "part, at_time, queue_no, status, source, previous_id, version, booked_at, booked_by, "
     "status_at, late_cancel, overbooked, overbook_reason, active_key, slot_key) VALUES (?, ?, ?, "
     "?, NULL, ?, ?, ?, NULL, ?, 'booked', 'desk', NULL, 1, ?, 'bench', ?, 0, 0, NULL, ?, NULL) "
     "RETURNING id"),
    ("INSERT INTO event (at, actor, kind, patient_id, appointment_id, order_id, from_state, "
     "to_state, reason, details) VALUES (?, 'bench', 'appointment.booked', ?, ?, ?, NULL, "
     "'booked', NULL, ?)"),
    ("INSERT INTO message (idempotency_key, appointment_id, kind, channel, recipient, language, "
     "due_at, expires_at, status, attempts, created_at) VALUES (?, ?, ?, 'sms', '+84912345678', "
     "'vi', ?, ?, 'pending', 0, ?) ON CONFLICT (idempotency_key) DO NOTHING"),
]


def _floor_sqlite_one(cur, pid: int, s: Slot, n: int, now: str, new: bool) -> None:
    v = _values(pid, s, n)
    cur.execute("BEGIN IMMEDIATE")
    if new:  # the session row is written by the first booking into it
        cur.execute(SQLITE_BOOK[0], (s.key, s.clinic_id, s.day.isoformat(), s.part, s.starts,
                                     s.ends, s.capacity, s.overbook))
    sid, nxt = cur.execute(SQLITE_BOOK[1], (s.key,)).fetchone()
    oid = cur.execute(SQLITE_BOOK[2], (pid, s.clinic_id, now, s.day.isoformat(),
                                       s.day.isoformat(), s.day.isoformat())).fetchone()[0]
    cur.execute(SQLITE_BOOK[3]).fetchone()
    aid = cur.execute(SQLITE_BOOK[4], (v["code"], oid, pid, s.clinic_id, sid, s.day.isoformat(),
                                       s.part, nxt - 1, now, now, v["akey"])).fetchone()[0]
    cur.execute(SQLITE_BOOK[5], (now, pid, aid, oid, v["details"]))
    cur.executemany(SQLITE_BOOK[6], [(k, aid, kind, _iso(due), _iso(exp), now)
                                     for k, kind, due, exp in v["messages"]])
    cur.execute("COMMIT")


def _first(seen: set, s: Slot) -> bool:
    """Whether this is the first booking into the session (which writes its row)."""
    new = s.key not in seen
    seen.add(s.key)
    return new


def _floor_plan(url: str, count: int, warmup: int, round_: int):
    """Patients the service runs do not use (from the last), sessions after theirs."""
    n = count + warmup
    ctx = context(url)
    try:
        pats = _patients(url, -1 - round_ * n, n)
        slots = _slots(ctx, ctx.today(NOW) + timedelta(days=200), (round_ + 1) * n)[-n:]
    finally:
        ctx.db.dispose()
    return pats, slots


def floor_sqlite(path: str, count: int, warmup: int = 50, round_: int = 0) -> dict:
    pats, slots = _floor_plan(f"sqlite:///{path}", count, warmup, round_)
    base, seen = 50_000_000 + round_ * 1_000_000, set()
    con = sqlite3.connect(path, isolation_level=None, timeout=30)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("PRAGMA foreign_keys=ON")
    cur = con.cursor()
    now = _iso(NOW)
    try:
        for i, ((pid, _), s) in enumerate(zip(pats[:warmup], slots[:warmup])):
            _floor_sqlite_one(cur, pid, s, base + i, now, _first(seen, s))
        t0, c0 = time.perf_counter(), time.process_time()
        for i, ((pid, _), s) in enumerate(zip(pats[warmup:], slots[warmup:])):
            _floor_sqlite_one(cur, pid, s, base + 100_000 + i, now, _first(seen, s))
        secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    finally:
        con.close()
    return _result(count, secs, cpu)


PG_BOOK = [q.replace("?", "%s") for q in SQLITE_BOOK]
PG_BOOK[4] = PG_BOOK[4].replace("0, 0, NULL, %s, NULL)", "false, false, NULL, %s, NULL)")


def _floor_pg_one(conn, pid: int, s: Slot, n: int, new: bool) -> None:
    v = _values(pid, s, n)
    with conn.transaction():
        if new:
            conn.execute(PG_BOOK[0], (s.key, s.clinic_id, s.day, s.part, s.starts[:8],
                                      s.ends[:8], s.capacity, s.overbook))
        sid, nxt = conn.execute(PG_BOOK[1], (s.key,)).fetchone()
        oid = conn.execute(PG_BOOK[2], (pid, s.clinic_id, NOW, s.day, s.day, s.day)).fetchone()[0]
        conn.execute("SELECT nextval('appointment_code_seq')").fetchone()  # the code
        aid = conn.execute(PG_BOOK[4], (v["code"], oid, pid, s.clinic_id, sid, s.day, s.part,
                                        nxt - 1, NOW, NOW, v["akey"])).fetchone()[0]
        conn.execute(PG_BOOK[5], (NOW, pid, aid, oid, v["details"]))
        with conn.cursor() as cur:
            cur.executemany(PG_BOOK[6], [(k, aid, kind, due, exp, NOW)
                                         for k, kind, due, exp in v["messages"]])
        conn.execute("SELECT nextval('recall_change')").fetchone()


def floor_pg(url: str, count: int, warmup: int = 50, round_: int = 0) -> dict:
    pats, slots = _floor_plan(url, count, warmup, round_)
    base, seen = 50_000_000 + round_ * 1_000_000, set()
    with psycopg.connect(libpq(url)) as conn:
        conn.execute("CREATE SEQUENCE IF NOT EXISTS appointment_code_seq")
        conn.commit()
        for i, ((pid, _), s) in enumerate(zip(pats[:warmup], slots[:warmup])):
            _floor_pg_one(conn, pid, s, base + i, _first(seen, s))
        t0, c0 = time.perf_counter(), time.process_time()
        for i, ((pid, _), s) in enumerate(zip(pats[warmup:], slots[warmup:])):
            _floor_pg_one(conn, pid, s, base + 100_000 + i, _first(seen, s))
        secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    return _result(count, secs, cpu)
