"""On the day: check in, undo (same day, with a reason), no-show, complete, and the sweep.

Checking in visit k of a series makes order k+1 from the actual visit date plus the
series' cadence, and books it at once when the clinic says so, in the same transaction.
The sweep, run by every ``recall remind`` and the daemon, marks no-shows once a session is
over plus the grace period, closes the past days' check-ins as completed, lapses orders
whose window ended, and puts each on the call list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ..core.errors import DomainError, Refused
from ..core.lifecycle import OPEN, Action, OrderAction
from ..store import appointments as appt_repo
from ..store import orders as order_repo
from ..store import outreach
from ..store import patients as patient_repo
from . import steps
from .booking import Booked, Moved, book_suggested
from .context import Context, writing


@dataclass(frozen=True)
class CheckedIn(Moved):
    next_order_id: int | None = None
    next_target: date | None = None
    next_booked: Booked | None = None  # the series' next visit, booked by itself


def check_in(ctx: Context, *, code: str, now: datetime, within=None) -> CheckedIn:
    """The patient is here: checked in, the order fulfilled, and a series' next order made
    (and booked, where the clinic books series by itself)."""
    today = ctx.today(now)
    with writing(ctx, within) as conn:
        appt = steps.load_appointment(conn, code)
        if appt.day != today and appt.status in OPEN:
            raise Refused("checkin.not_today",
                          f"Lịch hẹn này vào ngày {appt.day:%d/%m/%Y}, không phải hôm nay.",
                          f"This appointment is on {appt.day.isoformat()}, not today.",
                          field="code", details={"day": appt.day.isoformat()})
        move = steps.move_appointment(conn, ctx, appt, Action.CHECK_IN, now=now)
        order = order_repo.get(conn, appt.order_id)
        nxt = steps.next_in_series(conn, ctx, order, visit=today, now=now)
        booked = _auto_book(conn, ctx, nxt, now=now) if nxt is not None else None
        p = patient_repo.by_id(conn, appt.patient_id)
        return CheckedIn(appt.code, move.to, move.from_, patient=steps.who(p),
                         next_order_id=nxt.id if nxt else None,
                         next_target=nxt.target_date if nxt else None, next_booked=booked)


def _auto_book(conn, ctx: Context, order, *, now: datetime) -> Booked | None:
    cc = ctx.cfg.clinic(ctx.clinic_code(order.clinic_id))
    if not (cc and cc.series_auto_book):
        return None
    sp = conn.begin_nested()  # whatever stops it leaves the order open: the check-in stands
    try:
        booked = book_suggested(ctx, order_id=order.id, now=now, source="auto", within=conn)
    except DomainError:
        sp.rollback()
        return None
    sp.commit()
    return booked


def undo(ctx: Context, *, code: str, reason: str, now: datetime, within=None) -> Moved:
    """Undo a check-in or a no-show of today, with a reason; restores the state before."""
    with writing(ctx, within) as conn:
        appt = steps.load_appointment(conn, code)
        move, note = steps.undo_appointment(conn, ctx, appt, reason=reason or "", now=now)
        p = patient_repo.by_id(conn, appt.patient_id)
        return Moved(appt.code, move.to, move.from_, note, steps.who(p))


def no_show(ctx: Context, *, code: str, now: datetime, reason: str | None = None,
            within=None) -> Moved:
    with writing(ctx, within) as conn:
        appt = steps.load_appointment(conn, code)
        if appt.day > ctx.today(now):
            raise Refused("noshow.future", "Chưa đến ngày hẹn.",
                          "The appointment has not happened yet.", field="code")
        move = _mark_no_show(conn, ctx, appt, now=now, reason=reason)
        p = patient_repo.by_id(conn, appt.patient_id)
        return Moved(appt.code, move.to, move.from_, patient=steps.who(p))


def _mark_no_show(conn, ctx: Context, appt, *, now: datetime, reason: str | None = None):
    move = steps.move_appointment(conn, ctx, appt, Action.NO_SHOW, now=now, reason=reason)
    outreach.open_task(conn, {
        "patient_id": appt.patient_id, "appointment_id": appt.id, "order_id": appt.order_id,
        "reason": "no_show", "created_at": now, "next_action_on": ctx.today(now),
        "open_key": f"no_show|{appt.id}"})
    return move


@dataclass
class SweepResult:
    no_shows: list[str] = field(default_factory=list)
    completed: int = 0
    lapsed: list[int] = field(default_factory=list)


def sweep(ctx: Context, *, now: datetime) -> SweepResult:
    """Mark what the clock has decided; safe to run at any moment, any number of times."""
    today = ctx.today(now)
    grace = timedelta(minutes=ctx.cfg.no_show_grace_minutes)
    out = SweepResult()
    with ctx.db.write() as conn:
        for r in appt_repo.open_until(conn, today):
            over = datetime.combine(r.day, r.ends, tzinfo=ctx.tz) + grace
            # a visit put back after the cut-off (a no-show undone: the patient came late)
            # is a person's decision, not the clock's: the sweep leaves it alone
            if over <= now and r.status_at < over:
                appt = appt_repo.by_id(conn, r.id, lock=True)
                if appt.status in OPEN:
                    _mark_no_show(conn, ctx, appt, now=now, reason="sweep")
                    out.no_shows.append(appt.code)
        for r in appt_repo.checked_in_before(conn, today):
            appt = appt_repo.by_id(conn, r.id, lock=True)
            steps.move_appointment(conn, ctx, appt, Action.COMPLETE, now=now,
                                   reason="session closed")
            out.completed += 1
        for o in order_repo.open_ended_before(conn, today):
            steps.move_order(conn, ctx, o, OrderAction.LAPSE, now=now)
            outreach.open_task(conn, {
                "patient_id": o.patient_id, "order_id": o.id, "reason": "lapsed",
                "created_at": now, "next_action_on": today, "open_key": f"lapsed|{o.id}"})
            out.lapsed.append(o.id)
    return out


def complete(ctx: Context, *, code: str, now: datetime, within=None) -> Moved:
    with writing(ctx, within) as conn:
        appt = steps.load_appointment(conn, code)
        move = steps.move_appointment(conn, ctx, appt, Action.COMPLETE, now=now)
        p = patient_repo.by_id(conn, appt.patient_id)
        return Moved(appt.code, move.to, move.from_, patient=steps.who(p))
