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

from ..core.figures import Counts

DIMENSIONS = ("clinic", "doctor", "month", "weekday", "session", "lead", "age", "reminded")

# Rescheduled links and entries in error are left out of the scan (counted apart). Two
# counts share one sum (low and high 32 bits): one CASE per row instead of one per count,
# which is most of the scan's cost on SQLite. Exact below 2**31 appointments per group.
_HIGH = 1 << 32
_BY_WHOM = f"(CASE WHEN a.cancelled_by = 'clinic' THEN {_HIGH} ELSE 1 END)"
_PACKED = (
    f"SUM(CASE a.status WHEN 'completed' THEN 1 WHEN 'checked_in' THEN 1 "
    f"WHEN 'no_show' THEN {_HIGH} ELSE 0 END)",
    f"SUM(CASE a.status WHEN 'cancelled' THEN {_BY_WHOM} ELSE 0 END)",
    f"SUM(CASE WHEN a.late_cancel AND a.status = 'cancelled' THEN {_BY_WHOM} ELSE 0 END)",
)


def _unpack(row) -> Counts:
    booked, shown, cancelled, late, lead_sum, lead_n = (int(v or 0) for v in row)
    low = (1 << 32) - 1
    return Counts(booked=booked, attended=shown & low, no_show=shown >> 32,
                  cancel_patient=cancelled & low, cancel_clinic=cancelled >> 32,
                  cancel_patient_late=late & low, cancel_clinic_late=late >> 32,
                  lead_sum=lead_sum, lead_n=lead_n)


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


def _fixed_offset(tz: ZoneInfo) -> int | None:
    """The zone's one UTC offset since 1990 (through 2040), or None if it has changed."""
    seen = {_offset(tz, datetime(y, m, 1, tzinfo=UTC)) for y in range(1990, 2041)
            for m in (1, 4, 7, 10)}
    if len(seen) != 1:
        return None
    start, end = datetime(1990, 1, 1, tzinfo=UTC), datetime(2041, 1, 1, tzinfo=UTC)
    return seen.pop() if len(offset_changes(tz, start, end)) == 1 else None


def _sqlite_offset_days(conn: Connection, tz: ZoneInfo) -> str:
    """The zone's UTC offset at ``a.booked_at``, in days (a CASE where it changes)."""
    fixed = _fixed_offset(tz)
    if fixed is not None:
        return repr(fixed / 86400)
    row = conn.execute(text("SELECT MIN(booked_at), MAX(booked_at) FROM appointment")).first()
    if row is None or row[0] is None:
        return "0"
    lo = datetime.fromisoformat(str(row[0])).replace(tzinfo=UTC) - timedelta(days=1)
    hi = datetime.fromisoformat(str(row[1])).replace(tzinfo=UTC) + timedelta(days=1)
    changes = offset_changes(tz, lo, hi)
    if len(changes) == 1:
        return repr(changes[0][1] / 86400)
    parts = ["CASE"]
    for (_, off), (nxt, _) in zip(changes, changes[1:]):
        parts.append(f"WHEN a.booked_at < '{nxt:%Y-%m-%d %H:%M:%S}' THEN {off / 86400!r}")
    parts.append(f"ELSE {changes[-1][1] / 86400!r} END")
    return "(" + " ".join(parts) + ")"


# -- expressions ------------------------------------------------------------------------

class _Sql:
    """The dialect's spelling of what the figures group by."""

    def __init__(self, conn: Connection, tz: ZoneInfo):
        self.conn, self.tz = conn, tz
        self.pg = conn.dialect.name == "postgresql"
        self._lead: str | None = None

    @property
    def lead(self) -> str:
        """The stored fact (``lead_days``, written at booking and import), else computed."""
        if self._lead is None:
            self._lead = f"COALESCE(a.lead_days, {self.computed_lead})"
        return self._lead

    @property
    def computed_lead(self) -> str:
        if self.pg:
            return "(a.day - CAST((a.booked_at AT TIME ZONE :tz) AS DATE))"
        # Julian day numbers: the day's, minus the local date's of the booking
        # (a tiny epsilon keeps a booking at local midnight on its own date).
        off = _sqlite_offset_days(self.conn, self.tz)
        return ("(CAST(julianday(a.day) - 0.5 AS INTEGER) - CAST(julianday("
                f"a.booked_at) + {off} - 0.5 + 1e-7 AS INTEGER))")

    def age(self) -> str:
        if self.pg:
            return ("CASE WHEN p.birth_date IS NOT NULL "
                    "THEN CAST(EXTRACT(YEAR FROM AGE(a.day, p.birth_date)) AS INTEGER) "
                    "ELSE CAST(EXTRACT(YEAR FROM a.day) AS INTEGER) - p.birth_year END")
        return ("CASE WHEN p.birth_date IS NOT NULL "
                "THEN CAST(substr(a.day, 1, 4) AS INTEGER) - CAST(substr(p.birth_date, 1, 4) "
                "AS INTEGER) - (substr(a.day, 6, 5) < substr(p.birth_date, 6, 5)) "
                "ELSE CAST(substr(a.day, 1, 4) AS INTEGER) - p.birth_year END")

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
        """What a breakdown groups by: raw values (a lead time or an age in whole
        numbers; ``core.figures`` folds them into bands)."""
        # month and weekday group by the day (the index's order: no sort), folded later
        # clinic too: (day, clinic) is an index, so SQLite groups without sorting
        return {None: [], "clinic": ["a.day", "a.clinic_id"], "doctor": ["a.doctor_id"],
                "month": ["a.day"], "weekday": ["a.day"], "session": ["a.part"],
                "lead": [self.lead], "age": [self.age()],
                "reminded": [self.lead, self.reminded()]}[by]


def _range(alias: str, start: date | None, end: date | None, col: str = "day") -> str:
    out = []
    if start is not None:
        out.append(f"{alias}.{col} >= :start")
    if end is not None:
        out.append(f"{alias}.{col} <= :end")
    return " AND ".join(out) or "1 = 1"


def appointment_counts(conn: Connection, *, tz: ZoneInfo, by: str | None,
                       start: date | None, end: date | None) -> dict[tuple, Counts]:
    """Counts of appointments dated in [start, end], grouped by the raw values of ``by``
    (None: one group, key ``()``)."""
    q = _Sql(conn, tz)
    keys = q.keys(by)
    join = "JOIN patient p ON p.id = a.patient_id" if by == "age" else ""
    cols = "".join(f"{k} AS k{i}, " for i, k in enumerate(keys))
    group = f"GROUP BY {', '.join(f'k{i}' for i in range(len(keys)))}" if keys else ""
    aggs = ", ".join(["COUNT(*)", *_PACKED, f"SUM({q.lead})", "COUNT(a.booked_at)"])
    where = f"{join} WHERE {{status}} AND {_range('a', start, end)} {group}"
    main = (f"SELECT {cols}{aggs} FROM appointment a "
            + where.format(status="a.status NOT IN ('entered_in_error', 'rescheduled')"))
    links = (f"SELECT {cols}COUNT(*) FROM appointment a "
             + where.format(status="a.status = 'rescheduled'"))
    params = {"start": start, "end": end, "tz": str(tz.key)}
    out: dict[tuple, Counts] = {}
    n = len(keys)
    for row in conn.execute(text(main), params):
        if row[n]:
            out[tuple(row[:n])] = _unpack(row[n:])
    for row in conn.execute(text(links), params):
        if row[n]:
            out.setdefault(tuple(row[:n]), Counts()).rescheduled = int(row[n])
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
    cols_ = cols + ", " if cols else ""
    group = f"GROUP BY {cols}" if cols else ""
    where = (f"o.status <> 'cancelled' AND o.latest < :today "
             f"AND {_range('o', start, end, 'latest')}")
    params = {"start": start, "end": end, "today": today}
    ended = {tuple(r[:-1]): int(r[-1]) for r in conn.execute(text(
        f"SELECT {cols_}COUNT(*) FROM follow_up_order o WHERE {where} {group}"), params)}
    # Kept: the attended visits inside their order's window (one visit fulfils an order),
    # found from the appointments' side: an index on status, then the order by its key.
    kept = {tuple(r[:-1]): int(r[-1]) for r in conn.execute(text(
        f"SELECT {cols_}COUNT(*) FROM appointment x JOIN follow_up_order o "
        f"ON o.id = x.order_id WHERE x.status IN ('checked_in', 'completed') "
        f"AND x.day >= o.earliest AND x.day <= o.latest AND {where} {group}"), params)}
    return {k: (min(kept.get(k, 0), n), n) for k, n in ended.items() if n}


def names(conn: Connection) -> tuple[dict[int, str], dict[int, str]]:
    """(clinic id -> code, doctor id -> code)."""
    cl = {r[0]: r[1] for r in conn.execute(text("SELECT id, code FROM clinic"))}
    dr = {r[0]: r[1] for r in conn.execute(text("SELECT id, code FROM doctor"))}
    return cl, dr


def visits(conn: Connection, *, tz: ZoneInfo) -> list:
    """Every appointment that happened or will (no cancellations, links or errors), with
    what the no-show risk may know: (patient, day, lead, age, part, reminded, status)."""
    q = _Sql(conn, tz)
    sql = (f"SELECT a.patient_id, a.day, {q.lead} AS lead, {q.age()} AS age, a.part, "
           f"{q.reminded()} AS reminded, a.status FROM appointment a "
           f"JOIN patient p ON p.id = a.patient_id "
           f"WHERE a.status IN ('booked', 'confirmed', 'checked_in', 'completed', 'no_show')")
    return list(conn.execute(text(sql), {"tz": str(tz.key)}))


def backfill_lead_days(conn: Connection, *, tz: ZoneInfo) -> int:
    """Write the lead-time fact on appointments made before it was stored (``recall init``)."""
    q = _Sql(conn, tz)
    res = conn.execute(text(f"UPDATE appointment AS a SET lead_days = {q.computed_lead}"
                            " WHERE a.lead_days IS NULL AND a.booked_at IS NOT NULL"),
                       {"tz": tz.key} if q.pg else {})
    return res.rowcount or 0
