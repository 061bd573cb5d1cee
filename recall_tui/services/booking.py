"""Booking: book (or the suggested session), confirm, cancel, reschedule.

Each is one write transaction. Capacity is kept by the conditional UPDATE in
``store.sessions.take_place_by_key``; one active appointment per patient, clinic and day by the
unique ``active_key``; queue numbers by the session's counter and a unique constraint.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy.exc import IntegrityError

from ..core import codes, contact, lifecycle, reminders, scheduling
from ..core.calendar import Part, SessionSpec
from ..core.errors import BadInput, NotFound, Refused
from ..core.lifecycle import Action, OrderStatus, Status
from ..store import appointments as appt_repo
from ..store import events, messages
from ..store import orders as order_repo
from ..store import patients as patient_repo
from ..store import sessions as session_repo
from .context import Context
from .orders import order_row
from .patients import resolve


@dataclass(frozen=True)
class Booked:
    code: str
    patient_mrn: str
    patient_name: str
    clinic: str
    doctor: str | None
    day: date
    part: str
    starts: time
    ends: time
    at_time: time | None
    queue_no: int
    status: str
    order_id: int
    overbooked: bool
    messages_planned: int
    previous_code: str | None = None

    @property
    def display_code(self) -> str:
        return codes.display_code(self.code)


def active_key(patient_id: int, clinic_id: int, day: date) -> str:
    return f"{patient_id}|{clinic_id}|{day.isoformat()}"


# -- choosing the session ------------------------------------------------------------------

def find_session(ctx: Context, *, clinic: str, day: date, part: Part,
                 doctor: str | None = None) -> SessionSpec:
    """The one calendar session meant; BadInput listing them when several match."""
    code = ctx.clinic_code(ctx.clinic_id(clinic))
    if doctor:
        ctx.doctor_id(doctor)
    specs = [s for s in ctx.calendar.sessions_on(day, code) if s.part == part]
    if doctor:
        specs = [s for s in specs if s.doctor == doctor.strip().upper() or s.doctor == doctor]
    if not specs:
        raise Refused("session.none",
                      f"{code} không có buổi {part.vi.lower()} ngày {day:%d/%m/%Y}.",
                      f"{code} has no {part.value} session on {day.isoformat()}.",
                      field="session")
    if len(specs) > 1:
        names = ", ".join(s.doctor or "-" for s in specs)
        raise BadInput("session.ambiguous",
                       f"Có nhiều buổi phù hợp, chọn bác sĩ (--doctor): {names}.",
                       f"More than one session matches; choose a doctor (--doctor): {names}.",
                       field="doctor", details={"doctors": [s.doctor for s in specs]})
    spec = specs[0]
    if not spec.is_open:
        raise Refused("session.closed",
                      f"Buổi khám ngày {day:%d/%m/%Y} nghỉ: {spec.closed_reason}.",
                      f"The session on {day.isoformat()} is closed: {spec.closed_reason}.",
                      field="date", details={"reason": spec.closed_reason})
    return spec


def _check_time(spec: SessionSpec, at_time: time | None) -> None:
    if spec.slot_minutes is None:
        if at_time is not None and not spec.start <= at_time < spec.end:
            raise BadInput("time.outside", f"Giờ hẹn phải trong {spec.start:%H:%M}–{spec.end:%H:%M}.",
                           f"The time must be within {spec.start:%H:%M}-{spec.end:%H:%M}.",
                           field="time")
        return
    if at_time is None:
        raise BadInput("time.missing", "Buổi này hẹn theo giờ: cần --time.",
                       "This session books by time: give --time.", field="time")
    minutes = (at_time.hour * 60 + at_time.minute) - (spec.start.hour * 60 + spec.start.minute)
    end = (spec.end.hour * 60 + spec.end.minute) - (spec.start.hour * 60 + spec.start.minute)
    if minutes < 0 or minutes >= end or minutes % spec.slot_minutes or at_time.second:
        raise BadInput("time.slot",
                       f"Giờ hẹn phải theo lượt {spec.slot_minutes} phút từ {spec.start:%H:%M}.",
                       f"The time must be on the {spec.slot_minutes}-minute grid from "
                       f"{spec.start:%H:%M}.", field="time")


def session_row(ctx: Context, spec: SessionSpec) -> dict:
    return {"key": spec.key, "clinic_id": ctx.clinic_id(spec.clinic),
            "doctor_id": ctx.doctor_id(spec.doctor), "day": spec.day, "part": spec.part.value,
            "starts": spec.start, "ends": spec.end, "capacity": spec.capacity,
            "overbook_limit": spec.overbook_limit, "slot_minutes": spec.slot_minutes}


# -- the shared core of book and reschedule ------------------------------------------------

def _plan_messages(conn, ctx: Context, *, appt_id: int, code: str, patient, day: date,
                   starts: time, now: datetime) -> int:
    phone_rows = patient_repo.phones(conn, patient.id)
    consent = {}
    for item in filter(None, (patient.consent or "").split(",")):
        k, _, v = item.partition("=")
        consent[k] = v == "1"
    routes = contact.routes(
        phones=[contact.Phone(p.e164, p.label, p.name) for p in phone_rows], email=patient.email,
        preferred=[c for c in (patient.preferred_channels or "").split(",") if c],
        consent=consent, enabled=enabled_channels(ctx))
    if not routes:
        return 0
    planned = reminders.plan(booked_at=now, day=day, starts=starts, tz=ctx.tz,
                             policy=ctx.cfg.reminders)
    rows = [{"idempotency_key": f"{code}:{p.key_suffix}", "appointment_id": appt_id,
             "kind": p.kind.value, "channel": routes[0].channel.value,
             "recipient": routes[0].recipient, "language": patient.language or "vi",
             "due_at": p.due_at, "expires_at": p.expires_at, "status": "pending",
             "created_at": now} for p in planned]
    messages.plan(conn, rows)
    return len(rows)


def enabled_channels(ctx: Context) -> list[str]:
    """Channels configured in recall.toml; with none configured, every channel is planned
    (the messages wait in the outbox until a channel is set up)."""
    configured = [k for k, v in ctx.cfg.channels.items()
                  if isinstance(v, dict) and v.get("enabled", True)]
    return configured or [c.value for c in contact.DEFAULT_ORDER]


def _book_in(conn, ctx: Context, *, patient, spec: SessionSpec, at_time: time | None,
             order_id: int | None, overbook: bool, overbook_reason: str | None, source: str,
             instructions: str, now: datetime, previous=None) -> tuple[int, str, int, int, int, bool]:
    """Inside a write transaction: take a place and write the appointment, its order (made
    when none is given), its event and its planned messages.

    Returns (appointment id, code, queue number, order id, messages planned, overbooked)."""
    clinic_id = ctx.clinic_id(spec.clinic)
    doctor_id = ctx.doctor_id(spec.doctor)
    if spec.day < ctx.today(now):
        raise Refused("date.past", f"Ngày {spec.day:%d/%m/%Y} đã qua.",
                      f"{spec.day.isoformat()} is in the past.", field="date")
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
        _refuse_duplicate(conn, akey, spec)
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
        _refuse_duplicate(conn, akey, spec)
    sid, queue = taken
    new_order = order_id is None
    if new_order:  # written as booked at once (one statement less than insert + set_status)
        order_id = order_repo.insert(conn, {**order_row(
            ctx, patient_id=patient.id, clinic_id=clinic_id, doctor_id=doctor_id,
            target=spec.day, instructions=instructions, now=now),
            "status": OrderStatus.BOOKED.value})
    code = codes.make_code(appt_repo.next_code_number(conn))
    row = {
        "code": code, "order_id": order_id, "patient_id": patient.id, "clinic_id": clinic_id,
        "doctor_id": doctor_id, "session_id": sid, "day": spec.day, "part": spec.part.value,
        "at_time": at_time, "queue_no": queue, "status": Status.BOOKED.value, "source": source,
        "previous_id": previous.id if previous is not None else None, "booked_at": now,
        "booked_by": ctx.actor, "status_at": now, "overbooked": overbooked,
        "lead_days": scheduling.lead_days(spec.day, now, ctx.tz),
        "overbook_reason": overbook_reason if overbooked else None, "active_key": akey,
        "slot_key": f"{sid}|{at_time:%H:%M}" if (spec.slot_minutes and at_time and
                                                 not overbooked) else None,
    }
    try:
        aid = appt_repo.insert(conn, row)
    except IntegrityError as exc:
        msg = str(exc.orig).lower()
        if "slot_key" in msg:
            raise Refused("slot.taken", f"Giờ {at_time:%H:%M} đã có người hẹn.",
                          f"The {at_time:%H:%M} slot is taken.", field="time") from None
        raise Refused("appointment.duplicate", "Bệnh nhân đã có lịch hẹn trong ngày này.",
                      "The patient already has an appointment that day.") from None
    if not new_order:
        order_repo.set_status(conn, order_id, OrderStatus.BOOKED.value)
    events.append(conn, at=now, actor=ctx.actor, kind="appointment.booked",
                  patient_id=patient.id, appointment_id=aid, order_id=order_id,
                  to_state=Status.BOOKED.value,
                  reason=overbook_reason if overbooked else None,
                  details={"code": code, "session": spec.key, "queue": queue,
                           "overbooked": overbooked, "source": source,
                           "previous": previous.code if previous is not None else None})
    n = _plan_messages(conn, ctx, appt_id=aid, code=code, patient=patient, day=spec.day,
                       starts=at_time or spec.start, now=now)
    return aid, code, queue, order_id, n, overbooked


def _refuse_duplicate(conn, akey: str, spec: SessionSpec) -> None:
    dup = appt_repo.active_for(conn, akey)
    if dup is not None:
        raise Refused("appointment.duplicate",
                      f"Bệnh nhân đã có lịch hẹn {codes.display_code(dup.code)} tại {spec.clinic} "
                      f"ngày {spec.day:%d/%m/%Y}.",
                      f"The patient already has appointment {codes.display_code(dup.code)} at "
                      f"{spec.clinic} on {spec.day.isoformat()}.",
                      details={"code": dup.code})


def _booked(ctx: Context, patient, spec: SessionSpec, at_time, result, previous=None) -> Booked:
    aid, code, queue, order_id, n, overbooked = result
    return Booked(code=code, patient_mrn=patient.mrn, patient_name=patient.full_name,
                  clinic=spec.clinic, doctor=spec.doctor, day=spec.day, part=spec.part.value,
                  starts=spec.start, ends=spec.end, at_time=at_time, queue_no=queue,
                  status=Status.BOOKED.value, order_id=order_id, overbooked=overbooked,
                  messages_planned=n, previous_code=previous.code if previous else None)


def book(ctx: Context, *, patient: str, clinic: str, day: date, part: Part | str,
         doctor: str | None = None, at_time: time | None = None, order_id: int | None = None,
         overbook: bool = False, overbook_reason: str | None = None, source: str = "desk",
         instructions: str = "", now: datetime) -> Booked:
    scheduling.check_horizon(day, ctx.today(now))
    spec = find_session(ctx, clinic=clinic, day=day, part=Part(part), doctor=doctor)
    _check_time(spec, at_time)
    with ctx.db.write() as conn:
        p = resolve(conn, patient)
        if order_id is not None:
            _check_order(conn, order_id, p.id, ctx.clinic_id(spec.clinic))
        result = _book_in(conn, ctx, patient=p, spec=spec, at_time=at_time, order_id=order_id,
                          overbook=overbook, overbook_reason=overbook_reason, source=source,
                          instructions=instructions, now=now)
        return _booked(ctx, p, spec, at_time, result)


def _check_order(conn, order_id: int, patient_id: int, clinic_id: int):
    o = order_repo.get(conn, order_id)
    if o is None:
        raise NotFound("order.unknown", f"Không có chỉ định số {order_id}.",
                       f"No order number {order_id}.", field="order")
    if o.patient_id != patient_id or o.clinic_id != clinic_id:
        raise BadInput("order.mismatch", "Chỉ định này thuộc bệnh nhân hoặc phòng khám khác.",
                       "That order belongs to another patient or clinic.", field="order")
    if o.status not in (OrderStatus.OPEN.value, OrderStatus.LAPSED.value):
        raise Refused("order.not_open", f"Chỉ định số {order_id} không còn mở ({o.status}).",
                      f"Order {order_id} is not open ({o.status}).", field="order")
    return o


# -- suggestion ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Load:
    key: str
    clinic: str
    doctor: str | None
    day: date
    part: str
    starts: time
    ends: time
    capacity: int
    booked: int
    closed_reason: str | None


def loads(ctx: Context, *, clinic: str | None, start: date, end: date,
          doctor: str | None = None) -> list[Load]:
    """Every calendar session in a range with its load (rows made on demand are read)."""
    codes_ = [ctx.clinic_code(ctx.clinic_id(clinic))] if clinic else \
        [c.code for c in ctx.cfg.clinics]
    specs = [s for s in ctx.calendar.sessions_between(start, end, codes_)
             if not doctor or s.doctor == doctor]
    with ctx.db.read() as conn:
        rows = session_repo.by_keys(conn, [s.key for s in specs])
    out = []
    for s in specs:
        r = rows.get(s.key)
        out.append(Load(key=s.key, clinic=s.clinic, doctor=s.doctor, day=s.day,
                        part=s.part.value, starts=s.start, ends=s.end,
                        capacity=r.capacity if r else s.capacity, booked=r.booked if r else 0,
                        closed_reason=s.closed_reason or (r.closed_reason if r else None)))
    return out


@dataclass(frozen=True)
class Suggestion:
    order_id: int
    target: date
    earliest: date
    latest: date
    best: Load | None
    loads: list[Load]


def suggest(ctx: Context, *, order_id: int, now: datetime) -> Suggestion:
    with ctx.db.read() as conn:
        o = order_repo.get(conn, order_id)
        if o is None:
            raise NotFound("order.unknown", f"Không có chỉ định số {order_id}.",
                           f"No order number {order_id}.", field="order")
        p = patient_repo.by_id(conn, o.patient_id)
    today = ctx.today(now)
    start = max(o.earliest, today)
    lst = loads(ctx, clinic=ctx.clinic_code(o.clinic_id), start=start, end=o.latest,
                doctor=ctx.doctor_code(o.doctor_id))
    parts = [Part(x) for x in (p.preferred_parts or "").split(",") if x]
    cands = [scheduling.Candidate(key=x.key, day=x.day, part=Part(x.part), capacity=x.capacity,
                                  booked=x.booked, open=x.closed_reason is None) for x in lst]
    best = scheduling.suggest(cands, target=o.target_date,
                              window=scheduling.Window(start, o.latest), parts=parts)
    chosen = next((x for x in lst if best and x.key == best.key), None)
    return Suggestion(order_id=o.id, target=o.target_date, earliest=o.earliest, latest=o.latest,
                      best=chosen, loads=lst)


def book_suggested(ctx: Context, *, order_id: int, now: datetime, source: str = "desk",
                   at_time: time | None = None) -> Booked:
    s = suggest(ctx, order_id=order_id, now=now)
    if s.best is None:
        raise Refused("suggest.none",
                      f"Không còn buổi trống từ {s.earliest:%d/%m/%Y} đến {s.latest:%d/%m/%Y}.",
                      f"No free session between {s.earliest.isoformat()} and "
                      f"{s.latest.isoformat()}.", field="order")
    with ctx.db.read() as conn:
        o = order_repo.get(conn, order_id)
        p = patient_repo.by_id(conn, o.patient_id)
    return book(ctx, patient=p.mrn, clinic=s.best.clinic, day=s.best.day, part=s.best.part,
                doctor=s.best.doctor, order_id=order_id, source=source, now=now,
                at_time=at_time)


# -- moves ------------------------------------------------------------------------------------

def load_appointment(conn, code: str, *, lock: bool = True):
    canonical = codes.parse_code(code)
    row = appt_repo.by_code(conn, canonical, lock=lock)
    if row is None:
        raise NotFound("appointment.unknown", f"Không có lịch hẹn mã {code!r}.",
                       f"No appointment with code {code!r}.", field="code")
    return row


def apply_move(conn, ctx: Context, row, action: Action, *, now: datetime,
               reason: str | None = None, extra: dict | None = None,
               event_details: dict | None = None) -> Status:
    """Move one appointment by the state machine, and log it. Returns the new state."""
    new = lifecycle.next_status(row.status, action)
    values = {"status": new.value, "previous_status": row.status, "status_at": now,
              **(extra or {})}
    if not new.active:  # no longer holds its place (a no-show frees the day for a rebooking)
        values["active_key"] = None
        values["slot_key"] = None
    if not appt_repo.move(conn, row.id, row.version, values):
        raise Refused("appointment.changed", "Lịch hẹn vừa được thay đổi ở nơi khác; thử lại.",
                      "The appointment was just changed elsewhere; try again.")
    events.append(conn, at=now, actor=ctx.actor, kind=f"appointment.{action.value}",
                  patient_id=row.patient_id, appointment_id=row.id, order_id=row.order_id,
                  from_state=row.status, to_state=new.value, reason=reason,
                  details={"code": row.code, **(event_details or {})})
    return new


@dataclass(frozen=True)
class Moved:
    code: str
    status: str
    previous_status: str
    note: str = ""


def confirm(ctx: Context, *, code: str, now: datetime, via: str = "desk") -> Moved:
    with ctx.db.write() as conn:
        row = load_appointment(conn, code)
        new = apply_move(conn, ctx, row, Action.CONFIRM, now=now, event_details={"via": via})
        return Moved(row.code, new.value, row.status)


def _starts_at(conn, row) -> datetime:
    srow = session_repo.get(conn, row.session_id)
    return datetime.combine(row.day, row.at_time or srow.starts, tzinfo=None)


def _cancel_in(conn, ctx: Context, row, *, action: Action, by: str | None, reason: str,
               now: datetime, notice: reminders.Kind | None) -> tuple[Status, bool]:
    starts = _starts_at(conn, row).replace(tzinfo=ctx.tz)
    hours = (starts - now).total_seconds() / 3600
    late = action is Action.CANCEL and lifecycle.is_late_cancellation(
        hours_before_start=hours, late_hours=ctx.cfg.late_cancel_hours)
    extra = {"cancel_reason": reason}
    if action is Action.CANCEL:
        extra.update(cancelled_by=by, late_cancel=late)
    new = apply_move(conn, ctx, row, action, now=now, reason=reason, extra=extra,
                     event_details={"by": by, "late": late} if action is Action.CANCEL else None)
    session_repo.release_place(conn, row.session_id)
    messages.cancel_pending(conn, row.id)
    if notice is not None:
        planned = reminders.plan_notice(notice, now=now, tz=ctx.tz, policy=ctx.cfg.reminders,
                                        expires_at=starts)
        sent_before = [m for m in messages.for_appointment(conn, row.id) if m.status == "sent"]
        if planned and sent_before:  # tell the patient only what they were told before
            first = sent_before[0]
            messages.plan(conn, [{
                "idempotency_key": f"{row.code}:{planned.key_suffix}",
                "appointment_id": row.id, "kind": planned.kind.value, "channel": first.channel,
                "recipient": first.recipient, "language": first.language,
                "due_at": planned.due_at, "expires_at": planned.expires_at,
                "status": "pending", "created_at": now}])
    if action is Action.CANCEL or action is Action.ENTERED_IN_ERROR:
        order_repo.set_status(conn, row.order_id, OrderStatus.OPEN.value)
    return new, late


def cancel(ctx: Context, *, code: str, by: str, reason: str, now: datetime) -> Moved:
    """Cancel by the patient or by the clinic, with a reason; late ones are marked."""
    if by not in ("patient", "clinic"):
        raise BadInput("cancel.by", "Người huỷ phải là patient hoặc clinic.",
                       "Cancelled by must be patient or clinic.", field="by")
    if not (reason or "").strip():
        raise BadInput("cancel.reason", "Cần ghi lý do huỷ.", "A cancellation needs a reason.",
                       field="reason")
    with ctx.db.write() as conn:
        row = load_appointment(conn, code)
        new, late = _cancel_in(conn, ctx, row, action=Action.CANCEL, by=by, reason=reason.strip(),
                               now=now, notice=reminders.Kind.CANCELLATION)
        return Moved(row.code, new.value, row.status, "late" if late else "")


def entered_in_error(ctx: Context, *, code: str, reason: str, now: datetime) -> Moved:
    if not (reason or "").strip():
        raise BadInput("reason.missing", "Cần ghi lý do.", "A reason is needed.", field="reason")
    with ctx.db.write() as conn:
        row = load_appointment(conn, code)
        new, _ = _cancel_in(conn, ctx, row, action=Action.ENTERED_IN_ERROR, by=None,
                            reason=reason.strip(), now=now, notice=None)
        return Moved(row.code, new.value, row.status)


def reschedule(ctx: Context, *, code: str, day: date, part: Part | str, now: datetime,
               doctor: str | None = None, at_time: time | None = None, reason: str = "",
               clinic: str | None = None, overbook: bool = False,
               overbook_reason: str | None = None) -> Booked:
    """Move an appointment to another session: the old one is kept as ``rescheduled`` and
    the new one points back to it (the chain). One transaction: both or neither."""
    with ctx.db.read() as conn:
        old = load_appointment(conn, code, lock=False)
    clinic_code = clinic or ctx.clinic_code(old.clinic_id)
    scheduling.check_horizon(day, ctx.today(now))
    spec = find_session(ctx, clinic=clinic_code, day=day, part=Part(part),
                        doctor=doctor or (None if clinic else ctx.doctor_code(old.doctor_id)))
    _check_time(spec, at_time)
    with ctx.db.write() as conn:
        row = load_appointment(conn, code)
        p = patient_repo.by_id(conn, row.patient_id)
        _cancel_in(conn, ctx, row, action=Action.RESCHEDULE, by=None,
                   reason=(reason or "").strip() or "reschedule", now=now, notice=None)
        result = _book_in(conn, ctx, patient=p, spec=spec, at_time=at_time,
                          order_id=row.order_id, overbook=overbook,
                          overbook_reason=overbook_reason, source=row.source, instructions="",
                          now=now, previous=row)
        return _booked(ctx, p, spec, at_time, result, previous=row)

