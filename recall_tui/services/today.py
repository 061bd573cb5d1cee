"""The day list a desk works from, and its counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from ..core import codes, phones
from ..store import appointments as appt_repo
from .context import Context


@dataclass(frozen=True)
class Row:
    code: str
    clinic: str
    part: str
    starts: time
    at_time: time | None
    queue_no: int
    mrn: str
    patient: str
    born: str
    phone: str
    status: str
    reminder: str  # sent | pending | failed | none | imported

    @property
    def display_code(self) -> str:
        return codes.display_code(self.code)


@dataclass(frozen=True)
class Day:
    day: date
    rows: list[Row]
    counts: dict[str, int]


def counts_of(rows: list[Row]) -> dict[str, int]:
    expected = sum(r.status in ("booked", "confirmed", "checked_in", "completed", "no_show")
                   for r in rows)
    arrived = sum(r.status in ("checked_in", "completed") for r in rows)
    no_show = sum(r.status == "no_show" for r in rows)
    return {"expected": expected, "arrived": arrived, "no_show": no_show,
            "not_yet": expected - arrived - no_show,
            "cancelled": sum(r.status in ("cancelled", "rescheduled") for r in rows)}


def _reminder(r) -> str:
    if r.sent:
        return "sent"
    if r.failed:
        return "failed"
    if r.pending:
        return "pending"
    if r.reminded is not None:
        return "sent" if r.reminded else "none"
    return "none"


def day_list(ctx: Context, *, day: date, clinic: str | None = None, part: str | None = None,
             status: str | None = None) -> Day:
    cid = ctx.clinic_id(clinic) if clinic else None
    with ctx.db.read() as conn:
        raw = appt_repo.day_list(conn, day, cid, part, status)
    rows = [Row(code=r.code, clinic=r.clinic_code, part=r.part, starts=r.starts,
                at_time=r.at_time, queue_no=r.queue_no, mrn=r.mrn, patient=r.full_name,
                born=r.birth_date.strftime("%d/%m/%Y") if r.birth_date else (
                    str(r.birth_year) if r.birth_year else ""),
                phone=phones.display_phone(r.phone) if r.phone else "", status=r.status,
                reminder=_reminder(r)) for r in raw]
    return Day(day=day, rows=rows, counts=counts_of(rows))
