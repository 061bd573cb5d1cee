"""The statistics' counting, done by the database (one GROUP BY pass per question).

Every count is additive, so the headline is the sum of a breakdown's groups and one scan
of the appointments answers both. Lead time is the appointment's date minus the booking's
clinic-local date: PostgreSQL converts with the zone itself; SQLite gets the zone's UTC
offsets as a CASE over the instants where they change (exact for any zone, one branch for
a zone without daylight saving). Reminded = the appointment's own ``reminded`` fact
(imported history), else whether a reminder message was sent.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, text

from ..core.figures import AGE_BANDS, LEAD_BANDS, UNKNOWN, Counts

DIMENSIONS = ("clinic", "doctor", "month", "weekday", "session", "lead", "age", "reminded")

_COUNT_SQL = """
SUM(CASE WHEN a.status <> 'rescheduled' THEN 1 ELSE 0 END),
SUM(CASE WHEN a.status IN ('checked_in', 'completed') THEN 1 ELSE 0 END),
SUM(CASE WHEN a.status = 'no_show' THEN 1 ELSE 0 END),
SUM(CASE WHEN a.status IN ('booked', 'confirmed') THEN 1 ELSE 0 END),
SUM(CASE WHEN a.status = 'cancelled' AND COALESCE(a.cancelled_by, '') <> 'clinic'
    THEN 1 ELSE 0 END),
SUM(CASE WHEN a.status = 'cancelled' AND COALESCE(a.cancelled_by, '') <> 'clinic'
    AND a.late_cancel THEN 1 ELSE 0 END),
SUM(CASE WHEN a.status = 'cancelled' AND a.cancelled_by = 'clinic' THEN 1 ELSE 0 END),
SUM(CASE WHEN a.status = 'cancelled' AND a.cancelled_by = 'clinic' AND a.late_cancel
    THEN 1 ELSE 0 END),
SUM(CASE WHEN a.status = 'rescheduled' THEN 1 ELSE 0 END),
SUM(CASE WHEN a.status <> 'rescheduled' THEN {lead} END),
COUNT(CASE WHEN a.status <> 'rescheduled' THEN {lead} END)
"""
_COUNT_FIELDS = ("booked", "attended", "no_show", "open", "cancel_patient",
                 "cancel_patient_late", "cancel_clinic", "cancel_clinic_late", "rescheduled",
                 "lead_sum", "lead_n")


# -- time zones on SQLite --------------------------------------------------------------------

def _offset(tz: ZoneInfo, at: datetime) -> int:
    return int(at.astimezone(tz).utcoffset().total_seconds())


def offset_changes(tz: ZoneInfo, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """[(from this UTC instant, the zone's offset in seconds)], first from ``start``."""
    out = [(start, _offset(tz, start))]
    step = timedelta(days=7)
    t = start
    while t < end:
        nxt = min(t + step, end)
        if _offset(tz, nxt) != out[-1][1]:
            lo, hi = t, nxt  # the change is in (lo, hi]: bisect to the second
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                if _offset(tz, mid) == out[-1][1]:
                    lo = mid
                else:
                    hi = mid
            out.append((hi.replace(microsecond=0), _offset(tz, hi)))
        t = nxt
    return out


def _sqlite_local_date(conn: Connection, tz: ZoneInfo) -> str:
    row = conn.execute(text("SELECT MIN(booked_at), MAX(booked_at) FROM appointment")).first()
    if row is None or row[0] is None:
        return "date(a.booked_at)"
    lo = datetime.fromisoformat(str(row[0])).replace(tzinfo=UTC) - timedelta(days=1)
    hi = datetime.fromisoformat(str(row[1])).replace(tzinfo=UTC) + timedelta(days=1)
    changes = offset_changes(tz, lo, hi)
    if len(changes) == 1:
        return f"date(a.booked_at, '{changes[0][1]:+d} seconds')"
    parts = ["CASE"]
    for (_, off), (nxt, _) in zip(changes, changes[1:]):
        parts.append(f"WHEN a.booked_at < '{nxt:%Y-%m-%d %H:%M:%S}' THEN '{off:+d} seconds'")
    parts.append(f"ELSE '{changes[-1][1]:+d} seconds' END")
    return f"date(a.booked_at, {' '.join(parts)})"


# -- expressions ------------------------------------------------------------------------

class _Sql:
    """The dialect's spelling of what the figures group by."""

    def __init__(self, conn: Connection, tz: ZoneInfo):
        self.conn, self.tz = conn, tz
        self.pg = conn.dialect.name == "postgresql"
        self._lead: str | None = None

    @property
    def lead(self) -> str:
        if self._lead is None:
            if self.pg:
                self._lead = "(a.day - CAST((a.booked_at AT TIME ZONE :tz) AS DATE))"
            else:
                self._lead = (f"CAST(julianday(a.day) - julianday("
                              f"{_sqlite_local_date(self.conn, self.tz)}) AS INTEGER)")
        return self._lead

    def lead_band(self) -> str:
        whens = []
        for label, lo, hi in LEAD_BANDS:
            if lo is None:
                whens.append(f"WHEN {self.lead} <= {hi} THEN '{label}'")
            elif hi is None:
                whens.append(f"WHEN {self.lead} >= {lo} THEN '{label}'")
            else:
                whens.append(f"WHEN {self.lead} <= {hi} THEN '{label}'")
        return f"CASE WHEN a.booked_at IS NULL THEN '{UNKNOWN}' {' '.join(whens)} END"

    def age(self) -> str:
        if self.pg:
            return ("CASE WHEN p.birth_date IS NOT NULL "
                    "THEN CAST(EXTRACT(YEAR FROM AGE(a.day, p.birth_date)) AS INTEGER) "
                    "ELSE CAST(EXTRACT(YEAR FROM a.day) AS INTEGER) - p.birth_year END")
        return ("CASE WHEN p.birth_date IS NOT NULL "
                "THEN CAST(substr(a.day, 1, 4) AS INTEGER) - CAST(substr(p.birth_date, 1, 4) "
                "AS INTEGER) - (substr(a.day, 6, 5) < substr(p.birth_date, 6, 5)) "
                "ELSE CAST(substr(a.day, 1, 4) AS INTEGER) - p.birth_year END")

    def age_band(self) -> str:
        age = self.age()
        whens = " ".join(f"WHEN ({age}) < {10 * (i + 1)} THEN '{b}'"
                         for i, b in enumerate(AGE_BANDS[:-1]))
        return (f"CASE WHEN ({age}) IS NULL OR ({age}) < 0 THEN '{UNKNOWN}' {whens} "
                f"ELSE '{AGE_BANDS[-1]}' END")

    def reminded(self) -> str:
        sent = ("EXISTS (SELECT 1 FROM message m WHERE m.appointment_id = a.id "
                "AND m.kind = 'reminder' AND m.status = 'sent')")
        return f"CASE WHEN COALESCE(a.reminded, {sent}) THEN 1 ELSE 0 END"

    def month(self, col: str = "a.day") -> str:
        return f"to_char({col}, 'YYYY-MM')" if self.pg else f"substr({col}, 1, 7)"

    def weekday(self, col: str = "a.day") -> str:  # 0 = Monday
        if self.pg:
            return f"CAST(EXTRACT(ISODOW FROM {col}) AS INTEGER) - 1"
        return f"(CAST(strftime('%w', {col}) AS INTEGER) + 6) % 7"

    def keys(self, by: str | None) -> list[str]:
        return {None: [], "clinic": ["a.clinic_id"], "doctor": ["a.doctor_id"],
                "month": [self.month()], "weekday": [self.weekday()], "session": ["a.part"],
                "lead": [self.lead_band()], "age": [self.age_band()],
                "reminded": [self.lead_band(), self.reminded()]}[by]


def _range(alias: str, start: date | None, end: date | None, col: str = "day") -> str:
    out = []
    if start is not None:
        out.append(f"{alias}.{col} >= :start")
    if end is not None:
        out.append(f"{alias}.{col} <= :end")
    return " AND ".join(out) or "1 = 1"


def appointment_counts(conn: Connection, *, tz: ZoneInfo, by: str | None,
                       start: date | None, end: date | None) -> dict[tuple, Counts]:
    """Counts of appointments dated in [start, end], grouped by ``by`` (None: one group)."""
    q = _Sql(conn, tz)
    keys = q.keys(by)
    counts = _COUNT_SQL.format(lead=q.lead)
    join = "JOIN patient p ON p.id = a.patient_id" if by == "age" else ""
    cols = ", ".join(f"{k} AS k{i}" for i, k in enumerate(keys))
    group = f"GROUP BY {', '.join(f'k{i}' for i in range(len(keys)))}" if keys else ""
    sql = (f"SELECT {cols + ',' if cols else ''} {counts} FROM appointment a {join} "
           f"WHERE a.status <> 'entered_in_error' AND {_range('a', start, end)} {group}")
    params = {"start": start, "end": end, "tz": str(tz.key)}
    out: dict[tuple, Counts] = {}
    for row in conn.execute(text(sql), params):
        key = tuple(row[:len(keys)])
        vals = [int(v or 0) for v in row[len(keys):]]
        if vals[0] == 0 and vals[8] == 0:
            continue
        out[key] = Counts(**dict(zip(_COUNT_FIELDS, vals)))
    return out


def session_places(conn: Connection, *, by: str | None, start: date | None,
                   end: date | None) -> dict[tuple, tuple[int, int]] | None:
    """(places booked, capacity) of open sessions, grouped like the appointments."""
    q = _Sql(conn, ZoneInfo("UTC"))
    keys = {None: [], "clinic": ["s.clinic_id"], "doctor": ["s.doctor_id"],
            "month": [q.month("s.day")], "weekday": [q.weekday("s.day")],
            "session": ["s.part"]}.get(by)
    if keys is None:
        return None
    cols = ", ".join(keys)
    sql = (f"SELECT {cols + ',' if cols else ''} SUM(s.booked), SUM(s.capacity) FROM session s "
           f"WHERE s.closed_reason IS NULL AND {_range('s', start, end)} "
           f"{'GROUP BY ' + cols if cols else ''}")
    out = {}
    for row in conn.execute(text(sql), {"start": start, "end": end}):
        booked, cap = int(row[-2] or 0), int(row[-1] or 0)
        if cap:
            out[tuple(row[:-2])] = (booked, cap)
    return out


def order_adherence(conn: Connection, *, by: str | None, start: date | None,
                    end: date | None, today: date) -> dict[tuple, tuple[int, int]] | None:
    """(kept, ended): orders whose window ended in [start, end] before today, and those
    of them with an attended appointment inside the window (cancelled orders left out)."""
    q = _Sql(conn, ZoneInfo("UTC"))
    keys = {None: [], "clinic": ["o.clinic_id"], "doctor": ["o.doctor_id"],
            "month": [q.month("o.latest")], "weekday": None}.get(by)
    if keys is None:
        return None
    cols = ", ".join(keys)
    kept = ("EXISTS (SELECT 1 FROM appointment x WHERE x.order_id = o.id "
            "AND x.status IN ('checked_in', 'completed') "
            "AND x.day >= o.earliest AND x.day <= o.latest)")
    sql = (f"SELECT {cols + ',' if cols else ''} SUM(CASE WHEN {kept} THEN 1 ELSE 0 END), "
           f"COUNT(*) FROM follow_up_order o WHERE o.status <> 'cancelled' "
           f"AND o.latest < :today AND {_range('o', start, end, 'latest')} "
           f"{'GROUP BY ' + cols if cols else ''}")
    out = {}
    for row in conn.execute(text(sql), {"start": start, "end": end, "today": today}):
        if row[-1]:
            out[tuple(row[:-2])] = (int(row[-2] or 0), int(row[-1]))
    return out


def names(conn: Connection) -> tuple[dict[int, str], dict[int, str]]:
    """(clinic id -> code, doctor id -> code)."""
    cl = {r[0]: r[1] for r in conn.execute(text("SELECT id, code FROM clinic"))}
    dr = {r[0]: r[1] for r in conn.execute(text("SELECT id, code FROM doctor"))}
    return cl, dr
