"""The statistics' counting, done by the database.

Every count is additive, so the headline is the sum of a breakdown's groups and one scan
of the appointments answers both. Each scan reads one covering index (migration 0005) and
groups in that index's order, so SQLite neither reads the table nor sorts: by day, clinic,
part and doctor (then folded to clinic, month, weekday, session or doctor), or by lead
time and reminded (the headline, lead, reminded); only age, which no index orders, sorts.
Lead time is the stored fact ``lead_days``; the few rows without it (found through the
lead index) get it computed: the appointment's date minus the booking's clinic-local date
(PostgreSQL converts with the zone itself; SQLite gets the zone's UTC offsets as a CASE
over the instants where they change). Reminded = the appointment's own ``reminded`` fact
(imported history), else whether a reminder message was sent.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, text

from ..core.figures import Counts, counts_of

DIMENSIONS = ("clinic", "doctor", "month", "weekday", "session", "lead", "age", "reminded")

# Every scan groups by the raw (status, cancelled_by, late_cancel) as well: a handful of
# extra groups per key instead of a CASE per row (``core.figures.counts_of`` says what
# each combination counts as). Entries in error are left out; reschedule links counted.
_OUTCOME = ("a.status", "a.cancelled_by", "a.late_cancel")
_KEPT = "a.status <> 'entered_in_error'"

# By age the rows must be sorted anyway (an age is no index's order): there a CASE per
# row and one short sort key beat a long key. Two counts share one sum (low and high 32
# bits); exact below 2**31 appointments per group. Reschedule links counted apart.
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
    low = _HIGH - 1
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


def _range(alias: str, start: date | None, end: date | None, col: str = "day") -> str:
    out = []
    if start is not None:
        out.append(f"{alias}.{col} >= :start")
    if end is not None:
        out.append(f"{alias}.{col} <= :end")
    return " AND ".join(out) or "1 = 1"


def _key_sets(q: _Sql, by: str | None, lead: str, ranged: bool) -> list[str]:
    """What one scan groups by (then projected to ``by``'s key): each order is one of the
    statistics indexes' (migration 0005), so SQLite aggregates in index order, no sort."""
    if by is None and ranged:
        by = "clinic"  # a date range: a seek in the day index instead of a full scan
    if by in (None, "lead"):
        # ix_appointment_stats_lead's order (headline: ~400 groups, folded)
        return [lead, "a.reminded"]
    if by in ("clinic", "month", "weekday", "session", "doctor"):
        # ix_appointment_stats_day: ~one group per session and outcome
        return ["a.day", "a.clinic_id", "a.part", "a.doctor_id"]
    if by == "reminded":
        return [lead, q.reminded()]
    return [q.age()]  # age: ix_appointment_stats_patient, then sorted


def _project(by: str | None, key: tuple) -> tuple:
    if by is None:
        return ()
    if by == "lead":
        return key[:1]
    if by == "clinic":
        return (key[1],)
    if by == "session":
        return (key[2],)
    if by == "doctor":
        return (key[3],)
    if by in ("month", "weekday"):
        return (key[0],)
    return key


def appointment_counts(conn: Connection, *, tz: ZoneInfo, by: str | None,
                       start: date | None, end: date | None) -> dict[tuple, Counts]:
    """Counts of appointments dated in [start, end], grouped by the raw values of ``by``
    (None: one group, key ``()``). Month and weekday: by day (``core.figures``/the service
    fold days, lead times and ages into months, weekdays and bands)."""
    q = _Sql(conn, tz)
    if by == "age":
        return _age_counts(conn, q, start, end)
    sent = ("EXISTS (SELECT 1 FROM message m WHERE m.appointment_id = a.id "
            "AND m.kind = 'reminder' AND m.status = 'sent')")
    rng = _range("a", start, end)
    # (key expressions, filter, lead expression): the stored lead fact, and apart the few
    # rows without it (found by the lead index: lead_days IS NULL) with the lead computed.
    # "+a.lead_days" keeps SQLite from choosing the lead index for the main scan.
    ranged = start is not None or end is not None
    parts = [(_key_sets(q, by, "a.lead_days", ranged), "+a.lead_days IS NOT NULL",
              "a.lead_days")]
    if by == "reminded":  # the reminded fact, else whether a reminder went (few rows)
        parts = [(["a.lead_days", "a.reminded"],
                  "+a.lead_days IS NOT NULL AND a.reminded IS NOT NULL", "a.lead_days"),
                 (["a.lead_days", f"CASE WHEN {sent} THEN 1 ELSE 0 END"],
                  "+a.lead_days IS NOT NULL AND a.reminded IS NULL", "a.lead_days")]
    computed = q.computed_lead
    parts.append((_key_sets(q, by, computed, ranged), "a.lead_days IS NULL", computed))
    join = "JOIN patient p ON p.id = a.patient_id" if by == "age" else ""
    acc: dict[tuple, list[int]] = {}
    params = {"start": start, "end": end, "tz": str(tz.key)}
    for keys, cond, lead in parts:
        cols = ", ".join([*keys, *_OUTCOME])
        sql = (f"SELECT {cols}, COUNT(*), SUM({lead}), COUNT({lead}) FROM appointment a "
               f"{join} WHERE {_KEPT} AND {cond} AND {rng} GROUP BY {cols}")
        n = len(keys)
        for row in conn.execute(text(sql), params):
            k = (_project(by, tuple(row[:n])), *row[n:n + 3])
            got = acc.get(k)
            if got is None:
                acc[k] = [int(row[-3]), int(row[-2] or 0), int(row[-1])]
            else:
                got[0] += int(row[-3])
                got[1] += int(row[-2] or 0)
                got[2] += int(row[-1])
    out: dict[tuple, Counts] = {}
    for (key, status, cancelled_by, late), (n, lead_sum, lead_n) in acc.items():
        c = counts_of(status, cancelled_by, late, n, lead_sum, lead_n)
        out[key] = out[key] + c if key in out else c
    return out


def _age_counts(conn: Connection, q: _Sql, start: date | None,
                end: date | None) -> dict[tuple, Counts]:
    """By age on the appointment's day (patients read in key order: the patient index)."""
    age, rng = q.age(), _range("a", start, end)
    join = "JOIN patient p ON p.id = a.patient_id"
    out: dict[tuple, Counts] = {}
    params = {"start": start, "end": end, "tz": str(q.tz.key)}
    for cond, lead in (("+a.lead_days IS NOT NULL", "a.lead_days"),
                       ("a.lead_days IS NULL", q.computed_lead)):
        aggs = ", ".join(["COUNT(*)", *_PACKED, f"SUM({lead})", f"COUNT({lead})"])
        sql = (f"SELECT {age} AS k0, {aggs} FROM appointment a {join} "
               f"WHERE a.status NOT IN ('entered_in_error', 'rescheduled') AND {cond} "
               f"AND {rng} GROUP BY k0")
        for row in conn.execute(text(sql), params):
            c = _unpack(row[1:])
            out[(row[0],)] = out[(row[0],)] + c if (row[0],) in out else c
    links = (f"SELECT {age} AS k0, COUNT(*) FROM appointment a {join} "
             f"WHERE a.status = 'rescheduled' AND {rng} GROUP BY k0")
    for row in conn.execute(text(links), params):
        out.setdefault((row[0],), Counts()).rescheduled += int(row[1])
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


def _order_key(by: str | None, latest, clinic_id, doctor_id) -> tuple:
    if by == "month":
        return (str(latest)[:7],)
    return {None: (), "clinic": (clinic_id,), "doctor": (doctor_id,)}[by]


def order_adherence(conn: Connection, *, by: str | None, start: date | None,
                    end: date | None, today: date) -> dict[tuple, tuple[int, int]] | None:
    """(kept, ended): orders whose window ended in [start, end] before today, and those
    of them with an attended appointment inside the window (cancelled orders left out)."""
    if by not in (None, "clinic", "doctor", "month"):
        return None
    where = (f"o.status <> 'cancelled' AND o.latest < :today "
             f"AND {_range('o', start, end, 'latest')}")
    params = {"start": start, "end": end, "today": today}
    # Ended: grouped in the order of ix_follow_up_order_stats (latest, clinic, doctor),
    # which covers the query (no sort, no table read); folded to ``by`` here.
    cols = "o.latest, o.clinic_id, o.doctor_id" if by else ""
    ended: dict[tuple, int] = {}
    for r in conn.execute(text(
            f"SELECT {cols + ', ' if cols else ''}COUNT(*) FROM follow_up_order o "
            f"WHERE {where} {'GROUP BY ' + cols if cols else ''}"), params):
        k = _order_key(by, *r[:-1]) if by else ()
        ended[k] = ended.get(k, 0) + int(r[-1])
    # Kept: the attended visits inside their order's window (one visit fulfils an order),
    # found from the appointments' side (ix_appointment_stats_order: by status, then
    # order key, so the orders are read in key order).
    col = {None: "", "clinic": "o.clinic_id", "doctor": "o.doctor_id",
           "month": "o.latest"}[by]
    kept: dict[tuple, int] = {}
    for r in conn.execute(text(
            f"SELECT {col + ', ' if col else ''}COUNT(*) FROM appointment x "
            f"JOIN follow_up_order o ON o.id = x.order_id "
            f"WHERE x.status IN ('checked_in', 'completed') "
            f"AND x.day >= o.earliest AND x.day <= o.latest AND {where} "
            f"{'GROUP BY ' + col if col else ''}"), params):
        k = (str(r[0])[:7],) if by == "month" else tuple(r[:-1])
        kept[k] = kept.get(k, 0) + int(r[-1])
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
