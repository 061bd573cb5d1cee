"""The steps the appointment use cases are made of, each inside an open write transaction.

Public on purpose: ``booking``, ``attendance``, ``orders`` and ``sessions_admin`` build
their use cases from these, so a rule (what a check-in does to its order, which tasks close
when an order is booked, what a booking plans) lives once. Entry points never call a step:
they call a use case, which opens the transaction (or joins the caller's, ``within=``).

Every status written here is a ``core.lifecycle.Move``; the store writes exactly that move,
guarded against a change made meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ..core import codes, contact, lifecycle, reminders, scheduling
from ..core.calendar import SessionSpec
from ..core.errors import BadInput, NotFound, Refused
from ..core.lifecycle import Action, Move, OrderAction, OrderStatus, Status
from ..core.parse import Interval, Series
from ..core.reminders import MessageStatus
from ..core.text import excerpt
from ..store import appointments as appt_repo
from ..store import events, messages, outreach
from ..store import orders as order_repo
from ..store import patients as patient_repo
from ..store import sessions as session_repo
from ..store.errors import Duplicate
from ..store.models import Appointment, FollowUpOrder, Patient
from .context import Context


@dataclass(frozen=True)
class Who:
    """Who an action was for, as every confirmation line names them."""

    mrn: str
    name: str
    born: int | None

    def line(self) -> str:
        return f"{self.name}{f' ({self.born})' if self.born else ''} – {self.mrn}"


def who(patient) -> Who:
    born = patient.birth_date.year if patient.birth_date else patient.birth_year
    return Who(patient.mrn, patient.full_name, born)


def active_key(patient_id: int, clinic_id: int, day: date) -> str:
    return f"{patient_id}|{clinic_id}|{day.isoformat()}"


# -- reading inside the transaction -------------------------------------------------------

def load_appointment(conn, code: str, *, lock: bool = True) -> Appointment:
    canonical = codes.parse_code(code)
    row = appt_repo.by_code(conn, canonical, lock=lock)
    if row is None:
        raise NotFound("appointment.unknown", f"Không có lịch hẹn mã {excerpt(code)}.",
                       f"No appointment with code {excerpt(code)}.", field="code")
    return row


def load_order(conn, order_id: int, *, lock: bool = False) -> FollowUpOrder:
    o = order_repo.get(conn, order_id, lock=lock)
    if o is None:
        raise NotFound("order.unknown", f"Không có chỉ định số {order_id}.",
                       f"No order number {order_id}.", field="order")
    return o


def load_patient(conn, mrn: str) -> Patient:
    raw = (mrn or "").strip()
    row = patient_repo.by_mrn(conn, raw.upper()) or patient_repo.by_mrn(conn, raw)
    if row is None:
        raise NotFound("patient.unknown", f"Không có bệnh nhân mã {excerpt(mrn)}.",
                       f"No patient with MRN {excerpt(mrn)}.", field="patient")
    return row


def changed_elsewhere() -> Refused:
    return Refused("appointment.changed", "Lịch hẹn vừa được thay đổi ở nơi khác; thử lại.",
                   "The appointment was just changed elsewhere; try again.")


# -- orders ---------------------------------------------------------------------------------

# What closes an order's call-list tasks: it is booked, attended, or withdrawn.
_TASK_OUTCOME = {OrderStatus.BOOKED: "booked", OrderStatus.FULFILLED: "fulfilled",
                 OrderStatus.CANCELLED: "order_cancelled"}


def move_order(conn, ctx: Context, order: FollowUpOrder | int, action: OrderAction, *,
               now: datetime, reason: str | None = None, strict: bool = True) -> Move | None:
    """Move an order by the lifecycle, log it, and close its call-list tasks when it no
    longer needs a call. ``strict=False`` (an order moved as a consequence of its visit's
    move) leaves an order that is not in a state the action applies to as it is."""
    o = order if isinstance(order, FollowUpOrder) else load_order(conn, order, lock=True)
    try:
        move = lifecycle.order_move(o.status, action)
    except Refused:
        if strict:
            raise
        return None
    if not order_repo.write_move(conn, o.id, move):
        raise Refused("order.changed", "Chỉ định vừa được thay đổi ở nơi khác; thử lại.",
                      "The order was just changed elsewhere; try again.", field="order")
    events.append(conn, at=now, actor=ctx.actor, kind=f"order.{move.action}",
                  patient_id=o.patient_id, order_id=o.id, from_state=move.from_,
                  to_state=move.to, reason=reason)
    outcome = _TASK_OUTCOME.get(OrderStatus(move.to))
    if outcome:
        outreach.close_for_order(conn, o.id, outcome=outcome)
    return move


def order_row(ctx: Context, *, patient_id: int, clinic_id: int, doctor_id: int | None,
              plan: scheduling.OrderPlan, series_index: int = 1,
              visit_date: date | None = None, reason: str = "", instructions: str = "",
              previous_order_id: int | None = None, series_root_id: int | None = None,
              now: datetime) -> dict:
    """The row of a new order from its plan (its status is the store's: new, or booked)."""
    from ..core import text

    return {
        "patient_id": patient_id, "clinic_id": clinic_id, "doctor_id": doctor_id,
        "ordered_at": now, "visit_date": visit_date, "target_date": plan.target,
        "earliest": plan.window.earliest, "latest": plan.window.latest,
        "interval_count": plan.interval.count if plan.interval else None,
        "interval_unit": plan.interval.unit.value if plan.interval else None,
        "series_count": plan.series.count if plan.series else None,
        "series_every_count": plan.series.every.count if plan.series else None,
        "series_every_unit": plan.series.every.unit.value if plan.series else None,
        "series_index": series_index, "series_root_id": series_root_id,
        "previous_order_id": previous_order_id, "reason": text.clean(reason, "reason"),
        "instructions": text.clean(instructions, "instructions"), "created_by": ctx.actor,
    }


def window_for(ctx: Context, clinic_code: str):
    """The clinic's default window of a target date (its working-day validity)."""
    cc = ctx.cfg.clinic(clinic_code)
    days = cc.window_working_days if cc else 10

    def window(target: date) -> scheduling.Window:
        return scheduling.default_window(target, ctx.calendar, working_days=days,
                                         clinic=clinic_code)
    return window


def check_doctor_works_in(ctx: Context, doctor: str | None, clinic: str) -> None:
    """A doctor must work in the clinic of the order or session (recall.toml's doctors)."""
    if not doctor:
        return
    d = next((x for x in ctx.cfg.doctors if x.code == doctor), None)
    if d is not None and d.clinics and clinic not in d.clinics:
        raise BadInput("doctor.clinic",
                       f"Bác sĩ {doctor} không làm việc ở {clinic} (chỉ ở: "
                       f"{', '.join(d.clinics)}).",
                       f"Doctor {doctor} does not work in {clinic} (only in: "
                       f"{', '.join(d.clinics)}).", field="doctor")


def next_in_series(conn, ctx: Context, order: FollowUpOrder, *, visit: date,
                   now: datetime) -> FollowUpOrder | None:
    """Visit k of a series was attended: order k+1, from the actual visit date plus the
    series' own cadence (made once: a check-in undone and redone makes no second)."""
    if not order.series_count or order.series_index >= order.series_count:
        return None
    every_count = order.series_every_count or order.interval_count
    every_unit = order.series_every_unit or order.interval_unit
    if not every_count or not every_unit:
        return None
    nxt = order_repo.next_in_series(conn, order.id)
    if nxt is not None and nxt.status != OrderStatus.CANCELLED.value:
        return None  # made already (a check-in undone then redone keeps it)
    every = Interval(every_count, scheduling.Unit(every_unit))
    clinic_code = ctx.clinic_code(order.clinic_id)
    target = every.after(visit)
    default = window_for(ctx, clinic_code)(target)
    plan = scheduling.OrderPlan(target=target, window=default, interval=None,
                                series=Series(every, order.series_count))
    oid = order_repo.insert(conn, order_row(
        ctx, patient_id=order.patient_id, clinic_id=order.clinic_id,
        doctor_id=order.doctor_id, plan=plan, series_index=order.series_index + 1,
        visit_date=visit, reason=order.reason, instructions=order.instructions,
        previous_order_id=order.id, series_root_id=order.series_root_id or order.id, now=now))
    events.append(conn, at=now, actor=ctx.actor, kind="order.series_next",
                  patient_id=order.patient_id, order_id=oid,
                  to_state=lifecycle.NEW_ORDER.value,
                  details={"index": order.series_index + 1, "of": order.series_count,
                           "target": target.isoformat(), "from_visit": visit.isoformat()})
    return order_repo.get(conn, oid)


# -- appointments -----------------------------------------------------------------------------

def move_appointment(conn, ctx: Context, appt: Appointment, action: Action, *, now: datetime,
                     reason: str | None = None, values: dict | None = None,
                     event_details: dict | None = None) -> Move:
    """Move one appointment by the lifecycle, log it, and move its order to match."""
    move = lifecycle.appointment_move(appt.status, action)
    vals = dict(values or {})
    if not Status(move.to).active:  # no longer holds its place (frees the day to rebook)
        vals.update(active_key=None, slot_key=None)
    if not appt_repo.write_move(conn, appt, move, at=now, values=vals):
        raise changed_elsewhere()
    events.append(conn, at=now, actor=ctx.actor, kind=f"appointment.{action.value}",
                  patient_id=appt.patient_id, appointment_id=appt.id, order_id=appt.order_id,
                  from_state=move.from_, to_state=move.to, reason=reason,
                  details={"code": appt.code, **(event_details or {})})
    effect = lifecycle.order_after(action)
    if effect is not None:
        move_order(conn, ctx, appt.order_id, effect, now=now, reason=reason, strict=False)
    return move


def undo_appointment(conn, ctx: Context, appt: Appointment, *, reason: str,
                     now: datetime) -> tuple[Move, str]:
    """Undo today's check-in or no-show (with a reason); returns the move and a note."""
    changed_on = appt.status_at.astimezone(ctx.tz).date() if appt.status_at else appt.day
    move = lifecycle.undo_move(appt.status, appt.previous_status, changed_on=changed_on,
                               today=ctx.today(now), reason=reason or "")
    values: dict = {}
    note = ""
    if appt.status == Status.NO_SHOW.value:
        akey = active_key(appt.patient_id, appt.clinic_id, appt.day)
        if appt_repo.active_for(conn, akey) is not None:
            raise Refused("undo.rebooked",
                          "Bệnh nhân đã được hẹn lại trong ngày này; không hoàn tác được.",
                          "The patient was rebooked that day; the no-show cannot be undone.")
        values["active_key"] = akey
        outreach.close_for_appointment(conn, appt.id, outcome="undone", now=now)
    if not appt_repo.write_move(conn, appt, move, at=now, values=values):
        raise changed_elsewhere()
    if appt.status == Status.CHECKED_IN.value:
        move_order(conn, ctx, appt.order_id, OrderAction.UNFULFIL, now=now, reason=reason,
                   strict=False)
        nxt = order_repo.next_in_series(conn, appt.order_id)
        if nxt is not None and nxt.status == OrderStatus.OPEN.value:
            move_order(conn, ctx, nxt, OrderAction.CANCEL, now=now,
                       reason="check-in of the previous visit undone")
            note = "next order withdrawn"
        elif nxt is not None:
            note = "next order already booked: review it"
    else:
        move_order(conn, ctx, appt.order_id, OrderAction.BOOK, now=now, reason=reason,
                   strict=False)
    events.append(conn, at=now, actor=ctx.actor, kind="appointment.undo",
                  patient_id=appt.patient_id, appointment_id=appt.id, order_id=appt.order_id,
                  from_state=move.from_, to_state=move.to, reason=reason.strip(),
                  details={"code": appt.code, "note": note} if note else {"code": appt.code})
    return move, note


def session_row(ctx: Context, spec: SessionSpec) -> dict:
    return {"key": spec.key, "clinic_id": ctx.clinic_id(spec.clinic),
            "doctor_id": ctx.doctor_id(spec.doctor), "day": spec.day, "part": spec.part.value,
            "starts": spec.start, "ends": spec.end, "capacity": spec.capacity,
            "overbook_limit": spec.overbook_limit, "slot_minutes": spec.slot_minutes}


def check_time(spec: SessionSpec, at_time: time | None) -> None:
    """A time inside the session; on the slot grid for a session that books by time."""
    if spec.slot_minutes is None:
        if at_time is not None and not spec.start <= at_time < spec.end:
            raise BadInput("time.outside",
                           f"Giờ hẹn phải trong {spec.start:%H:%M}–{spec.end:%H:%M}.",
                           f"The time must be within {spec.start:%H:%M}-{spec.end:%H:%M}.",
                           field="time")
        return
    if at_time is None:
        raise BadInput("time.missing",
                       f"Buổi này hẹn theo giờ: chọn giờ (lượt {spec.slot_minutes} phút từ "
                       f"{spec.start:%H:%M}).",
                       f"This session books by time: choose a time ({spec.slot_minutes}-minute "
                       f"slots from {spec.start:%H:%M}).", field="time")
    minutes = (at_time.hour * 60 + at_time.minute) - (spec.start.hour * 60 + spec.start.minute)
    end = (spec.end.hour * 60 + spec.end.minute) - (spec.start.hour * 60 + spec.start.minute)
    if minutes < 0 or minutes >= end or minutes % spec.slot_minutes or at_time.second:
        raise BadInput("time.slot",
                       f"Giờ hẹn phải theo lượt {spec.slot_minutes} phút từ {spec.start:%H:%M}.",
                       f"The time must be on the {spec.slot_minutes}-minute grid from "
                       f"{spec.start:%H:%M}.", field="time")


def free_times(conn, ctx: Context, spec: SessionSpec, now: datetime) -> list[time]:
    """The slots of a session that books by time still free (and not past), in order;
    [] for a session that books by head count."""
    if not spec.slot_minutes:
        return []
    taken = appt_repo.taken_times(conn, spec.key)
    local = now.astimezone(ctx.tz)
    out = []
    t = datetime.combine(spec.day, spec.start)
    end = datetime.combine(spec.day, spec.end)
    while t < end:
        slot = t.time()
        if slot not in taken and not (spec.day == local.date() and slot < local.time()):
            out.append(slot)
        t += timedelta(minutes=spec.slot_minutes)
    return out


def check_bookable(ctx: Context, spec: SessionSpec, at_time: time | None,
                   now: datetime) -> None:
    """Not into a session that has started or ended (walk-ins where the clinic allows), nor
    one further ahead than the booking horizon."""
    scheduling.check_horizon(spec.day, ctx.today(now))
    cc = ctx.cfg.clinic(spec.clinic)
    scheduling.check_bookable(day=spec.day, starts=spec.start, ends=spec.end,
                              now_local=now.astimezone(ctx.tz),
                              walk_ins=bool(getattr(cc, "walk_ins", False)), at_time=at_time)


@dataclass(frozen=True)
class Placed:
    """What a booking wrote."""

    appointment_id: int
    code: str
    queue_no: int
    order_id: int
    messages_planned: int
    overbooked: bool


def enabled_channels(ctx: Context) -> list[str]:
    """Channels configured in recall.toml; with none configured, every channel is planned
    (the messages wait in the outbox until a channel is set up)."""
    configured = [k for k, v in ctx.cfg.channels.items()
                  if isinstance(v, dict) and v.get("enabled", True)]
    return configured or [c.value for c in contact.DEFAULT_ORDER]


def plan_messages(conn, ctx: Context, *, appt_id: int, code: str, patient: Patient, day: date,
                  starts: time, now: datetime) -> int:
    """The confirmation and reminders of a new appointment, into the outbox."""
    from ..store.records import decode_consent

    phone_rows = patient_repo.phones(conn, patient.id)
    routes = contact.routes(
        phones=[contact.Phone(p.e164, p.label, p.name) for p in phone_rows], email=patient.email,
        preferred=[c for c in (patient.preferred_channels or "").split(",") if c],
        consent=decode_consent(patient.consent), enabled=enabled_channels(ctx))
    if not routes:
        return 0
    planned = reminders.plan(booked_at=now, day=day, starts=starts, tz=ctx.tz,
                             policy=ctx.cfg.reminders)
    messages.plan(conn, [{
        "idempotency_key": f"{code}:{p.key_suffix}", "appointment_id": appt_id,
        "kind": p.kind.value, "channel": routes[0].channel.value,
        "recipient": routes[0].recipient, "language": patient.language or "vi",
        "due_at": p.due_at, "expires_at": p.expires_at, "created_at": now} for p in planned])
    return len(planned)


def place(conn, ctx: Context, *, patient: Patient, spec: SessionSpec, at_time: time | None,
          order_id: int | None, overbook: bool, overbook_reason: str | None, source: str,
          instructions: str, now: datetime, previous: Appointment | None = None,
          book_order: bool = True) -> Placed:
    """Take a place and write the appointment, its order (made when none is given), its
    event and its planned messages. The session must be bookable now. A move keeps its
    order booked (``book_order=False``)."""
    check_bookable(ctx, spec, at_time, now)
    clinic_id = ctx.clinic_id(spec.clinic)
    doctor_id = ctx.doctor_id(spec.doctor)
    if overbook:
        ctx.require("manager", "đặt quá chỉ tiêu", "overbook a session")
        if not (overbook_reason or "").strip():
            raise BadInput("overbook.reason", "Đặt quá chỉ tiêu cần lý do.",
                           "Overbooking needs a reason.", field="reason")
    akey = active_key(patient.id, clinic_id, spec.day)
    overbooked = False
    # The common case in one statement: a place taken in an open session that has room.
    taken = session_repo.take_place_by_key(conn, spec.key, overbook=False)
    if taken is None:  # no row yet, closed, or full: find out which, and say so
        srow = session_repo.ensure_one(conn, session_row(ctx, spec))
        if srow.closed_reason:
            raise Refused("session.closed", f"Buổi khám đã đóng: {srow.closed_reason}.",
                          f"The session is closed: {srow.closed_reason}.", field="session",
                          details={"reason": srow.closed_reason})
        refuse_duplicate(conn, akey, spec, patient)
        taken = session_repo.take_place_by_key(conn, spec.key, overbook=False)
        if taken is None and overbook:
            taken = session_repo.take_place_by_key(conn, spec.key, overbook=True)
            overbooked = taken is not None
        if taken is None:
            limit = srow.capacity + (srow.overbook_limit if overbook else 0)
            raise Refused("session.full",
                          f"Buổi {spec.part.vi.lower()} {spec.day:%d/%m/%Y} tại {spec.clinic} "
                          f"đã đủ ({limit}/{limit}).",
                          f"The {spec.part.value} session of {spec.day.isoformat()} at "
                          f"{spec.clinic} is full ({limit}/{limit}).",
                          field="session", details={"capacity": srow.capacity,
                                                    "overbook_limit": srow.overbook_limit})
    else:  # the place is rolled back with the transaction if this refuses
        refuse_duplicate(conn, akey, spec, patient)
    sid, queue = taken
    if order_id is None:  # a booking without an order makes one, booked at once
        plan = scheduling.OrderPlan(target=spec.day,
                                    window=window_for(ctx, spec.clinic)(spec.day),
                                    interval=None, series=None)
        order_id = order_repo.insert(conn, order_row(
            ctx, patient_id=patient.id, clinic_id=clinic_id, doctor_id=doctor_id, plan=plan,
            instructions=instructions, now=now), booked=True)
    elif book_order:
        move_order(conn, ctx, order_id, OrderAction.BOOK, now=now)
    code = codes.make_code(appt_repo.next_code_number(conn))
    row = {
        "code": code, "order_id": order_id, "patient_id": patient.id, "clinic_id": clinic_id,
        "doctor_id": doctor_id, "session_id": sid, "day": spec.day, "part": spec.part.value,
        "at_time": at_time, "queue_no": queue, "source": source,
        "previous_id": previous.id if previous is not None else None, "booked_at": now,
        "booked_by": ctx.actor, "status_at": now, "overbooked": overbooked,
        "lead_days": scheduling.lead_days(spec.day, now, ctx.tz),
        "overbook_reason": overbook_reason if overbooked else None, "active_key": akey,
        "slot_key": f"{sid}|{at_time:%H:%M}" if (spec.slot_minutes and at_time and
                                                 not overbooked) else None,
    }
    try:
        aid = appt_repo.insert(conn, row)
    except Duplicate as dup:
        if "slot_key" in dup.constraint:
            raise Refused("slot.taken", f"Giờ {at_time:%H:%M} đã có người hẹn.",
                          f"The {at_time:%H:%M} slot is taken.", field="time") from None
        raise Refused("appointment.duplicate",
                      f"{patient.full_name} ({patient.mrn}) đã có lịch hẹn trong ngày này.",
                      f"{patient.full_name} ({patient.mrn}) already has an appointment that "
                      "day.") from None
    events.append(conn, at=now, actor=ctx.actor, kind="appointment.booked",
                  patient_id=patient.id, appointment_id=aid, order_id=order_id,
                  to_state=lifecycle.NEW_APPOINTMENT.value,
                  reason=overbook_reason if overbooked else None,
                  details={"code": code, "session": spec.key, "queue": queue,
                           "overbooked": overbooked, "source": source,
                           "previous": previous.code if previous is not None else None})
    n = plan_messages(conn, ctx, appt_id=aid, code=code, patient=patient, day=spec.day,
                      starts=at_time or spec.start, now=now)
    return Placed(aid, code, queue, order_id, n, overbooked)


def refuse_duplicate(conn, akey: str, spec: SessionSpec, patient: Patient) -> None:
    dup = appt_repo.active_for(conn, akey)
    if dup is not None:
        raise Refused("appointment.duplicate",
                      f"{patient.full_name} ({patient.mrn}) đã có lịch hẹn "
                      f"{codes.display_code(dup.code)} tại {spec.clinic} ngày "
                      f"{spec.day:%d/%m/%Y}.",
                      f"{patient.full_name} ({patient.mrn}) already has appointment "
                      f"{codes.display_code(dup.code)} at {spec.clinic} on "
                      f"{spec.day.isoformat()}.",
                      details={"code": dup.code, "mrn": patient.mrn})


# A patient was told of a visit by a message that went (or may have gone: a run died
# mid-send): they are told of its cancellation too.
TOLD = (MessageStatus.SENT.value, MessageStatus.MAYBE_SENT.value)


def starts_at(conn, ctx: Context, appt: Appointment) -> datetime:
    srow = session_repo.get(conn, appt.session_id)
    return datetime.combine(appt.day, appt.at_time or srow.starts, tzinfo=ctx.tz)


def leave_place(conn, ctx: Context, appt: Appointment, action: Action, *, by: str | None,
                reason: str, now: datetime,
                notice: reminders.Kind | None) -> tuple[Move, bool]:
    """Cancel, reschedule away or mark in error: the place is given back, pending messages
    go, and a notice is planned for a patient who was told before. Returns (move, late)."""
    hours = (starts_at(conn, ctx, appt) - now).total_seconds() / 3600
    late = action is Action.CANCEL and lifecycle.is_late_cancellation(
        hours_before_start=hours, late_hours=ctx.cfg.late_cancel_hours)
    values = {"cancel_reason": reason}
    if action is Action.CANCEL:
        values.update(cancelled_by=by, late_cancel=late)
    move = move_appointment(conn, ctx, appt, action, now=now, reason=reason, values=values,
                            event_details={"by": by, "late": late}
                            if action is Action.CANCEL else None)
    session_repo.release_place(conn, appt.session_id)
    messages.cancel_pending(conn, appt.id)
    if notice is not None:
        planned = reminders.plan_notice(notice, now=now, tz=ctx.tz, policy=ctx.cfg.reminders,
                                        expires_at=starts_at(conn, ctx, appt))
        sent_before = [m for m in messages.for_appointment(conn, appt.id)
                       if m.status in TOLD]
        if planned and sent_before:  # tell the patient only what they were told before
            first = sent_before[0]
            messages.plan(conn, [{
                "idempotency_key": f"{appt.code}:{planned.key_suffix}",
                "appointment_id": appt.id, "kind": planned.kind.value, "channel": first.channel,
                "recipient": first.recipient, "language": first.language,
                "due_at": planned.due_at, "expires_at": planned.expires_at,
                "created_at": now}])
    return move, late
