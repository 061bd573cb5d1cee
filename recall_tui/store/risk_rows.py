"""The rows the no-show risk scores: upcoming appointments and their patients' history."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, text

from .stats import _Sql

_KEPT = "('booked', 'confirmed', 'checked_in', 'completed', 'no_show')"


def _upcoming_patients() -> str:
    return ("SELECT u.patient_id FROM appointment u WHERE u.status IN ('booked', 'confirmed') "
            "AND u.day >= :start AND u.day <= :end")


def upcoming(conn: Connection, *, tz: ZoneInfo, start: date, end: date) -> list:
    """The booked or confirmed appointments dated in [start, end], with what the risk may
    know and what the desk shows."""
    q = _Sql(conn, tz)
    sql = (f"SELECT a.id, a.code, a.patient_id, a.day, {q.lead} AS lead, {q.age()} AS age, "
           f"a.part, {q.reminded()} AS reminded, a.status, a.queue_no, c.code AS clinic, "
           f"p.mrn, p.full_name, p.birth_date, p.birth_year "
           f"FROM appointment a JOIN patient p ON p.id = a.patient_id "
           f"JOIN clinic c ON c.id = a.clinic_id "
           f"WHERE a.status IN ('booked', 'confirmed') AND a.day >= :start AND a.day <= :end")
    params = {"start": start, "end": end}
    if q.pg:
        params["tz"] = str(tz.key)
    return list(conn.execute(text(sql), params))


def past_counts_of_upcoming(conn: Connection, *, start: date, end: date,
                            before: date) -> dict[int, tuple[int, int]]:
    """{patient_id: (outcomes, no-shows)} dated before ``before``, of the patients booked
    or confirmed for a day in [start, end]: their history."""
    sql = ("SELECT a.patient_id, COUNT(*), "
           "SUM(CASE WHEN a.status = 'no_show' THEN 1 ELSE 0 END) FROM appointment a "
           "WHERE a.status IN ('checked_in', 'completed', 'no_show') AND a.day < :before "
           f"AND a.patient_id IN ({_upcoming_patients()}) GROUP BY a.patient_id")
    return {int(p): (int(n), int(ns or 0)) for p, n, ns in
            conn.execute(text(sql), {"start": start, "end": end, "before": before})}


def history_of_patients(conn: Connection, *, tz: ZoneInfo, patient_ids: list[int]) -> list:
    """Every appointment (that happened or will) of these patients, as the risk sees it."""
    if not patient_ids:
        return []
    q = _Sql(conn, tz)
    ids = ", ".join(str(int(i)) for i in patient_ids)
    sql = (f"SELECT a.patient_id, a.day, {q.lead} AS lead, {q.age()} AS age, a.part, "
           f"{q.reminded()} AS reminded, a.status FROM appointment a "
           f"JOIN patient p ON p.id = a.patient_id "
           f"WHERE a.status IN {_KEPT} AND a.patient_id IN ({ids})")
    return list(conn.execute(text(sql), {"tz": str(tz.key)} if q.pg else {}))
