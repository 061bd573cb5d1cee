"""`recall today` for a 2,500-appointment day: services.today.day_list vs the bare SQL.

The day is the generated day whose appointment count is closest to 2,500 (at least
2,500 when one has). The floor is the same list (appointment, patient, clinic, doctor,
session times, first phone, reminder counts; in clinic, session, queue order) as one
hand-written SQL statement through the raw driver, all rows fetched.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import date

import psycopg
from benchlib import context, libpq, summary_ms

from recall_tui.services import today

FLOOR_SQL = """
SELECT a.id, a.code, a.day, a.part, a.at_time, a.queue_no, a.status, a.reminded, a.patient_id,
       p.mrn, p.full_name, p.birth_date, p.birth_year, c.code, c.name, d.name, s.starts, s.ends,
       (SELECT ph.e164 FROM patient_phone ph WHERE ph.patient_id = a.patient_id
        ORDER BY ph.position LIMIT 1),
       m.sent, m.pending, m.failed
FROM appointment a
JOIN patient p ON p.id = a.patient_id
JOIN clinic c ON c.id = a.clinic_id
JOIN session s ON s.id = a.session_id
LEFT JOIN doctor d ON d.id = a.doctor_id
LEFT JOIN (SELECT m.appointment_id,
                  sum(CASE WHEN m.status = 'sent' THEN 1 ELSE 0 END) AS sent,
                  sum(CASE WHEN m.status = 'pending' THEN 1 ELSE 0 END) AS pending,
                  sum(CASE WHEN m.status = 'failed' THEN 1 ELSE 0 END) AS failed
           FROM message m JOIN appointment a2 ON a2.id = m.appointment_id
           WHERE a2.day = {ph} AND m.kind = 'reminder' GROUP BY m.appointment_id) m
       ON m.appointment_id = a.id
WHERE a.day = {ph}
ORDER BY c.code, s.starts, a.queue_no
"""


def busy_day(url: str, want: int = 2500) -> tuple[date, int]:
    ctx = context(url)
    try:
        with ctx.db.read() as conn:
            counts = conn.exec_driver_sql(
                "SELECT day, count(*) FROM appointment GROUP BY day").all()
    finally:
        ctx.db.dispose()
    counts = [(date.fromisoformat(str(d)), n) for d, n in counts]
    big = [c for c in counts if c[1] >= want]
    day, n = min(big, key=lambda c: (c[1], c[0])) if big else max(counts, key=lambda c: c[1])
    return day, n


def service(url: str, day: date, runs: int = 20) -> dict:
    ctx = context(url)
    try:
        for _ in range(2):
            rows = len(today.day_list(ctx, day=day).rows)
        out = _timed_runs(lambda: today.day_list(ctx, day=day), runs)
    finally:
        ctx.db.dispose()
    return {**out, "rows": rows}


def _timed_runs(fn, runs: int) -> dict:
    """Wall times, and this process's CPU times (on SQLite all the work is in-process: its
    CPU time is the code's cost whatever the neighbours on a shared machine do)."""
    times, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return {**summary_ms(times), "cpu": summary_ms(cpu)}


def _floor_run(fetch, runs: int) -> dict:
    for _ in range(2):
        rows = len(fetch())
    return {**_timed_runs(fetch, runs), "rows": rows}


def floor_sqlite(path: str, day: date, runs: int = 20) -> dict:
    con = sqlite3.connect(path, isolation_level=None)
    sql, args = FLOOR_SQL.format(ph="?"), (day.isoformat(), day.isoformat())
    try:
        return _floor_run(lambda: con.execute(sql, args).fetchall(), runs)
    finally:
        con.close()


def floor_pg(url: str, day: date, runs: int = 20) -> dict:
    sql = FLOOR_SQL.format(ph="%s")
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        return _floor_run(lambda: conn.execute(sql, (day, day)).fetchall(), runs)
