"""On the day: check in, undo (same day, with a reason), no-show, and the sweep.

Checking in visit k of a series creates order k+1 from the actual visit date plus the
interval (booked at once when the clinic says so). The sweep, run by every ``recall remind``
and the daemon, marks no-shows once a session is over plus the grace period, closes the
past days' check-ins as completed, lapses orders whose window ended, and puts each on the
call list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ..core import lifecycle
from ..core.errors import Refused
from ..core.lifecycle import Action, OrderStatus, Status
from ..core.scheduling import Interval, Unit
from ..store import appointments as appt_repo
from ..store import events, outreach
from ..store import orders as order_repo
from .booking import Moved, active_key, apply_move, load_appointment
from .context import Context
from .orders import order_row


@dataclass(frozen=True)
class CheckedIn(Moved):
    next_order_id: int | None = None
    next_target: date | None = None


def check_in(ctx: Context, *, code: str, now: datetime) -> CheckedIn:
    today = ctx.today(now)
    with ctx.db.write() as conn:
        row = load_appointment(conn, code)
        if row.day != today and row.status in ("booked", "confirmed"):
            raise Refused("checkin.not_today",
                          f"Lịch hẹn này vào ngày {row.day:%d/%m/%Y}, không phải hôm nay.",
                          f"This appointment is on {row.day.isoformat()}, not today.",
                          field="code", details={"day": row.day.isoformat()})
        new = apply_move(conn, ctx, row, Action.CHECK_IN, now=now)
        order = order_repo.get(conn, row.order_id)
        order_repo.set_status(conn, order.id, OrderStatus.FULFILLED.value)
        next_id, next_target = _next_in_series(conn, ctx, order, visit=today, now=now)
        return CheckedIn(row.code, new.value, row.status, next_order_id=next_id,
                         next_target=next_target)


def _next_in_series(conn, ctx: Context, order, *, visit: date, now: datetime):
    if not order.series_count or order.series_index >= order.series_count or \
            not order.interval_count:
        return None, None
    if order_repo.next_in_series(conn, order.id) is not None:
        return None, None  # already made (a check-in undone and redone)
    iv = Interval(order.interval_count, Unit(order.interval_unit))
    target = iv.after(visit)
    oid = order_repo.insert(conn, order_row(
        ctx, patient_id=order.patient_id, clinic_id=order.clinic_id, doctor_id=order.doctor_id,
        target=target, interval=iv, series_count=order.series_count,
        series_index=order.series_index + 1, visit_date=visit, reason=order.reason,
        instructions=order.instructions, previous_order_id=order.id,
        series_root_id=order.series_root_id or order.id, now=now))
    events.append(conn, at=now, actor=ctx.actor, kind="order.series_next",
                  patient_id=order.patient_id, order_id=oid, to_state="open",
                  details={"index": order.series_index + 1, "of": order.series_count,
                           "target": target.isoformat(), "from_visit": visit.isoformat()})
    return oid, target


def auto_book_next(ctx: Context, checked: CheckedIn, *, now: datetime):
    """Book the next visit of a series when the clinic books them by itself."""
    if checked.next_order_id is None:
        return None
    from .booking import book_suggested
    from .orders import get

    o = get(ctx, order_id=checked.next_order_id)
    cc = ctx.cfg.clinic(ctx.clinic_code(o.clinic_id))
    if not (cc and cc.series_auto_book):
        return None
    try:
        return book_suggested(ctx, order_id=o.id, now=now, source="auto")
    except Refused:
        return None  # stays open: the desk sees it as a proposal


def undo(ctx: Context, *, code: str, reason: str, now: datetime) -> Moved:
    """Undo a check-in or a no-show of today, with a reason; restores the state before."""
    with ctx.db.write() as conn:
        row = load_appointment(conn, code)
        changed_on = row.status_at.astimezone(ctx.tz).date() if row.status_at else row.day
        check = lifecycle.check_undo(row.status, row.previous_status, changed_on=changed_on,
                                     today=ctx.today(now), reason=reason or "")
        values = {"status": check.restores.value, "previous_status": row.status,
                  "status_at": now}
        note = ""
        if row.status == Status.NO_SHOW.value:
            akey = active_key(row.patient_id, row.clinic_id, row.day)
            if appt_repo.active_for(conn, akey) is not None:
                raise Refused("undo.rebooked",
                              "Bệnh nhân đã được hẹn lại trong ngày này; không hoàn tác được.",
                              "The patient was rebooked that day; the no-show cannot be undone.")
            values["active_key"] = akey
            outreach.close_for_appointment(conn, row.id, outcome="undone", now=now)
        if not appt_repo.move(conn, row.id, row.version, values):
            raise Refused("appointment.changed", "Lịch hẹn vừa được thay đổi ở nơi khác; thử lại.",
                          "The appointment was just changed elsewhere; try again.")
        order_repo.set_status(conn, row.order_id, OrderStatus.BOOKED.value)
        if row.status == Status.CHECKED_IN.value:
            nxt = order_repo.next_in_series(conn, row.order_id)
            if nxt is not None and nxt.status == OrderStatus.OPEN.value:
                order_repo.set_status(conn, nxt.id, OrderStatus.CANCELLED.value)
                note = "next order withdrawn"
            elif nxt is not None:
                note = "next order already booked: review it"
        events.append(conn, at=now, actor=ctx.actor, kind="appointment.undo",
                      patient_id=row.patient_id, appointment_id=row.id, order_id=row.order_id,
                      from_state=row.status, to_state=check.restores.value, reason=reason.strip(),
                      details={"code": row.code, "note": note} if note else {"code": row.code})
        return Moved(row.code, check.restores.value, row.status, note)


def no_show(ctx: Context, *, code: str, now: datetime, reason: str | None = None) -> Moved:
    with ctx.db.write() as conn:
        row = load_appointment(conn, code)
        if row.day > ctx.today(now):
            raise Refused("noshow.future", "Chưa đến ngày hẹn.",
                          "The appointment has not happened yet.", field="code")
        new = _mark_no_show(conn, ctx, row, now=now, reason=reason)
        return Moved(row.code, new.value, row.status)


def _mark_no_show(conn, ctx: Context, row, *, now: datetime, reason: str | None = None) -> Status:
    new = apply_move(conn, ctx, row, Action.NO_SHOW, now=now, reason=reason)
    order_repo.set_status(conn, row.order_id, OrderStatus.OPEN.value)
    outreach.open_task(conn, {
        "patient_id": row.patient_id, "appointment_id": row.id, "order_id": row.order_id,
        "reason": "no_show", "created_at": now, "next_action_on": ctx.today(now),
        "open_key": f"no_show|{row.id}"})
    return new


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
            if over <= now:
                row = appt_repo.by_id(conn, r.id, lock=True)
                if row.status in ("booked", "confirmed"):
                    _mark_no_show(conn, ctx, row, now=now, reason="sweep")
                    out.no_shows.append(row.code)
        for r in appt_repo.checked_in_before(conn, today):
            row = appt_repo.by_id(conn, r.id, lock=True)
            apply_move(conn, ctx, row, Action.COMPLETE, now=now, reason="session closed")
            out.completed += 1
        for o in order_repo.open_ended_before(conn, today):
            order_repo.set_status(conn, o.id, OrderStatus.LAPSED.value)
            events.append(conn, at=now, actor=ctx.actor, kind="order.lapsed",
                          patient_id=o.patient_id, order_id=o.id, from_state="open",
                          to_state="lapsed")
            outreach.open_task(conn, {
                "patient_id": o.patient_id, "order_id": o.id, "reason": "lapsed",
                "created_at": now, "next_action_on": today, "open_key": f"lapsed|{o.id}"})
            out.lapsed.append(o.id)
    return out


def complete(ctx: Context, *, code: str, now: datetime) -> Moved:
    with ctx.db.write() as conn:
        row = load_appointment(conn, code)
        new = apply_move(conn, ctx, row, Action.COMPLETE, now=now)
        return Moved(row.code, new.value, row.status)

