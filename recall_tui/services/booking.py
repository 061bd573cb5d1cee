"""Booking use cases: book (or book an order's suggested session), confirm, cancel, move
(reschedule), entered in error; and the reads that choose a session (loads, suggestion).

Each use case is one write transaction (``within=`` joins a caller's: the inbox, the call
list, a session being closed) made of the steps in ``steps``. Capacity is kept by the
conditional UPDATE in ``store.sessions``; one active appointment per patient, clinic and
day by the unique ``active_key``; queue numbers by the session's counter and a constraint.
Nothing is booked into a session that has started or ended (walk-ins where allowed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from ..core import codes, reminders, scheduling, text
from ..core.calendar import Part, SessionSpec
from ..core.errors import BadInput, Refused
from ..core.lifecycle import ORDER_NEEDS_BOOKING, Action
from ..store import orders as order_repo
from ..store import patients as patient_repo
from ..store import sessions as session_repo
from . import steps
from .context import Context, require_reason, writing
from .steps import Who, load_appointment


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
    patient: Who | None = None

    @property
    def display_code(self) -> str:
        return codes.display_code(self.code)


@dataclass(frozen=True)
class Moved:
    code: str
    status: str
    previous_status: str
    note: str = ""
    patient: Who | None = None

    @property
    def display_code(self) -> str:
        return codes.display_code(self.code)


# -- choosing the session ------------------------------------------------------------------

def find_session(ctx: Context, *, clinic: str, day: date, part: Part,
                 doctor: str | None = None) -> SessionSpec:
    """The one calendar session meant; BadInput listing them when several match."""
    code = ctx.clinic_code(ctx.clinic_id(clinic))
    if doctor:
        ctx.doctor_id(doctor)
        doctor = doctor.strip().upper()
        steps.check_doctor_works_in(ctx, doctor, code)
    specs = [s for s in ctx.calendar.sessions_on(day, code) if s.part == part]
    if doctor:
        specs = [s for s in specs if s.doctor == doctor]
    if not specs:
        raise Refused("session.none",
                      f"{code} không có buổi {part.vi.lower()} ngày {day:%d/%m/%Y}.",
                      f"{code} has no {part.value} session on {day.isoformat()}.",
                      field="session")
    if len(specs) > 1:
        names = ", ".join(s.doctor or "-" for s in specs)
        raise BadInput("session.ambiguous",
                       f"Có nhiều buổi phù hợp, chọn bác sĩ: {names}.",
                       f"More than one session matches; choose a doctor: {names}.",
                       field="doctor", details={"doctors": [s.doctor for s in specs]})
    spec = specs[0]
    if not spec.is_open:
        raise Refused("session.closed",
                      f"Buổi khám ngày {day:%d/%m/%Y} nghỉ: {spec.closed_reason}.",
                      f"The session on {day.isoformat()} is closed: {spec.closed_reason}.",
                      field="date", details={"reason": spec.closed_reason})
    return spec


def _booked(ctx: Context, patient, spec: SessionSpec, at_time, placed: steps.Placed,
            previous=None) -> Booked:
    return Booked(code=placed.code, patient_mrn=patient.mrn, patient_name=patient.full_name,
                  clinic=spec.clinic, doctor=spec.doctor, day=spec.day, part=spec.part.value,
                  starts=spec.start, ends=spec.end, at_time=at_time, queue_no=placed.queue_no,
                  status=steps.lifecycle.NEW_APPOINTMENT.value, order_id=placed.order_id,
                  overbooked=placed.overbooked, messages_planned=placed.messages_planned,
                  previous_code=previous.code if previous else None, patient=steps.who(patient))


def book(ctx: Context, *, patient: str, clinic: str, day: date, part: Part | str,
         doctor: str | None = None, at_time: time | None = None, order_id: int | None = None,
         overbook: bool = False, overbook_reason: str | None = None, source: str = "desk",
         instructions: str = "", now: datetime, within=None) -> Booked:
    """Book a patient into a session; for an order (``order_id``), or making one. Given
    instructions are kept on the order (and said in its reminders)."""
    spec = find_session(ctx, clinic=clinic, day=_day_given(day), part=Part(part),
                        doctor=doctor)
    steps.check_time(spec, at_time)
    with writing(ctx, within) as conn:
        p = steps.load_patient(conn, patient)
        if order_id is not None:
            o = check_order(conn, order_id, p.id, ctx.clinic_id(spec.clinic))
            said = text.clean(instructions)
            if said and said != o.instructions:
                order_repo.set_instructions(conn, o.id, said)
        placed = steps.place(conn, ctx, patient=p, spec=spec, at_time=at_time,
                             order_id=order_id, overbook=overbook,
                             overbook_reason=overbook_reason, source=source,
                             instructions=instructions, now=now)
        return _booked(ctx, p, spec, at_time, placed)


def _day_given(day: date | None) -> date:
    if day is None:
        raise BadInput("date.missing", "Cần ngày hẹn.", "A date is needed.", field="date")
    return day


def check_order(conn, order_id: int, patient_id: int, clinic_id: int):
    """The order a booking is for: this patient's, this clinic's, still awaiting a visit."""
    o = steps.load_order(conn, order_id, lock=True)
    if o.patient_id != patient_id or o.clinic_id != clinic_id:
        raise BadInput("order.mismatch", "Chỉ định này thuộc bệnh nhân hoặc phòng khám khác.",
                       "That order belongs to another patient or clinic.", field="order")
    if o.status not in ORDER_NEEDS_BOOKING:
        raise Refused("order.not_open", f"Chỉ định số {order_id} không còn chờ đặt lịch.",
                      f"Order {order_id} is not awaiting a booking ({o.status}).",
                      field="order", details={"status": o.status})
    return o


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
    slot_minutes: int | None = None

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)


def loads(ctx: Context, *, clinic: str | None, start: date, end: date,
          doctor: str | None = None, now: datetime | None = None, conn=None) -> list[Load]:
    """Every calendar session in a range with its load (rows made on demand are read).
    Given ``now``, sessions that can no longer be booked (started or ended; walk-ins
    aside) are left out."""
    codes_ = [ctx.clinic_code(ctx.clinic_id(clinic))] if clinic else \
        [c.code for c in ctx.cfg.clinics]
    specs = [s for s in ctx.calendar.sessions_between(start, end, codes_)
             if not doctor or s.doctor == doctor]
    if now is not None:
        specs = [s for s in specs if _bookable(ctx, s, now)]
    if conn is None:
        with ctx.db.read() as c:
            rows = session_repo.by_keys(c, [s.key for s in specs])
    else:
        rows = session_repo.by_keys(conn, [s.key for s in specs])
    out = []
    for s in specs:
        r = rows.get(s.key)
        out.append(Load(key=s.key, clinic=s.clinic, doctor=s.doctor, day=s.day,
                        part=s.part.value, starts=s.start, ends=s.end,
                        capacity=r.capacity if r else s.capacity, booked=r.booked if r else 0,
                        closed_reason=s.closed_reason or (r.closed_reason if r else None),
                        slot_minutes=s.slot_minutes))
    return out


def _bookable(ctx: Context, spec: SessionSpec, now: datetime) -> bool:
    try:
        steps.check_bookable(ctx, spec, None, now)
    except Refused:
        return False
    return True


@dataclass(frozen=True)
class Suggestion:
    order_id: int
    target: date
    earliest: date
    latest: date
    best: Load | None
    loads: list[Load]


def suggest(ctx: Context, *, order_id: int, now: datetime, conn=None) -> Suggestion:
    """The order's window with each bookable session's load, and the least-loaded one."""
    if conn is None:
        with ctx.db.read() as c:
            return suggest(ctx, order_id=order_id, now=now, conn=c)
    o = steps.load_order(conn, order_id)
    p = patient_repo.by_id(conn, o.patient_id)
    start = max(o.earliest, ctx.today(now))
    lst = loads(ctx, clinic=ctx.clinic_code(o.clinic_id), start=start, end=o.latest,
                doctor=ctx.doctor_code(o.doctor_id), now=now, conn=conn)
    parts = [Part(x) for x in (p.preferred_parts or "").split(",") if x]
    cands = [scheduling.Candidate(key=x.key, day=x.day, part=Part(x.part), capacity=x.capacity,
                                  booked=x.booked, open=x.closed_reason is None) for x in lst]
    best = scheduling.suggest(cands, target=o.target_date,
                              window=scheduling.Window(start, o.latest), parts=parts)
    chosen = next((x for x in lst if best and x.key == best.key), None)
    return Suggestion(order_id=o.id, target=o.target_date, earliest=o.earliest, latest=o.latest,
                      best=chosen, loads=lst)


def suggested_place(ctx: Context, *, order_id: int, now: datetime,
                    conn) -> tuple[Load, time | None]:
    """The order's suggested session (the least-loaded in its window) and, for a session
    that books by time, its first free time; Refused naming the days looked at when no
    session is free. For booking the order, or moving its appointment."""
    s = suggest(ctx, order_id=order_id, now=now, conn=conn)
    if s.best is None:
        start = max(s.earliest, ctx.today(now))
        raise Refused("suggest.none",
                      f"Không còn buổi trống từ {start:%d/%m/%Y} đến {s.latest:%d/%m/%Y}.",
                      f"No free session between {start.isoformat()} and "
                      f"{s.latest.isoformat()}.", field="order")
    at_time = None
    if s.best.slot_minutes:  # a timed session: its first free time
        spec = find_session(ctx, clinic=s.best.clinic, day=s.best.day,
                            part=Part(s.best.part), doctor=s.best.doctor)
        at_time = next(iter(steps.free_times(conn, ctx, spec, now)), None)
    return s.best, at_time


def book_suggested(ctx: Context, *, order_id: int, now: datetime, source: str = "desk",
                   at_time: time | None = None, within=None) -> Booked:
    """Book an order into its suggested session (the least-loaded in its window)."""
    with writing(ctx, within) as conn:
        best, first_free = suggested_place(ctx, order_id=order_id, now=now, conn=conn)
        o = steps.load_order(conn, order_id)
        p = patient_repo.by_id(conn, o.patient_id)
        return book(ctx, patient=p.mrn, clinic=best.clinic, day=best.day, part=best.part,
                    doctor=best.doctor, order_id=order_id, source=source, now=now,
                    at_time=at_time if at_time is not None else first_free, within=conn)


# -- moves ------------------------------------------------------------------------------------

def _moved(conn, appt, move, note: str = "") -> Moved:
    p = patient_repo.by_id(conn, appt.patient_id)
    return Moved(appt.code, move.to, move.from_, note, steps.who(p))


def confirm(ctx: Context, *, code: str, now: datetime, via: str = "desk",
            within=None) -> Moved:
    with writing(ctx, within) as conn:
        appt = load_appointment(conn, code)
        move = steps.move_appointment(conn, ctx, appt, Action.CONFIRM, now=now,
                                      event_details={"via": via})
        return _moved(conn, appt, move)


CANCELLED_BY = ("patient", "clinic")


def cancel(ctx: Context, *, code: str, by: str, reason: str, now: datetime,
           within=None) -> Moved:
    """Cancel by the patient or by the clinic, with a reason; late ones are marked. The
    order awaits a new booking again."""
    if by not in CANCELLED_BY:
        raise BadInput("cancel.by", "Người huỷ phải là bệnh nhân (patient) hoặc phòng khám "
                       "(clinic).", "Cancelled by must be patient or clinic.", field="by")
    why = require_reason(reason, vi="Cần ghi lý do huỷ.", en="A cancellation needs a reason.")
    with writing(ctx, within) as conn:
        appt = load_appointment(conn, code)
        move, late = steps.leave_place(conn, ctx, appt, Action.CANCEL, by=by, reason=why,
                                       now=now, notice=reminders.Kind.CANCELLATION)
        return _moved(conn, appt, move, "late" if late else "")


def entered_in_error(ctx: Context, *, code: str, reason: str, now: datetime,
                     within=None) -> Moved:
    why = require_reason(reason)
    with writing(ctx, within) as conn:
        appt = load_appointment(conn, code)
        move, _ = steps.leave_place(conn, ctx, appt, Action.ENTERED_IN_ERROR, by=None,
                                    reason=why, now=now, notice=None)
        return _moved(conn, appt, move)


def reschedule(ctx: Context, *, code: str, day: date, part: Part | str, now: datetime,
               doctor: str | None = None, at_time: time | None = None, reason: str = "",
               clinic: str | None = None, overbook: bool = False,
               overbook_reason: str | None = None, within=None) -> Booked:
    """Move an appointment to another session: the old one is kept as ``rescheduled`` and
    the new one points back to it (the chain). One transaction: both or neither."""
    with writing(ctx, within) as conn:
        appt = load_appointment(conn, code)
        clinic_code = clinic or ctx.clinic_code(appt.clinic_id)
        spec = find_session(ctx, clinic=clinic_code, day=_day_given(day), part=Part(part),
                            doctor=doctor or (None if clinic else ctx.doctor_code(appt.doctor_id)))
        steps.check_time(spec, at_time)
        p = patient_repo.by_id(conn, appt.patient_id)
        steps.leave_place(conn, ctx, appt, Action.RESCHEDULE, by=None,
                          reason=text.clean(reason, "reason") or "reschedule", now=now, notice=None)
        placed = steps.place(conn, ctx, patient=p, spec=spec, at_time=at_time,
                             order_id=appt.order_id, overbook=overbook,
                             overbook_reason=overbook_reason, source=appt.source,
                             instructions="", now=now, previous=appt, book_order=False)
        return _booked(ctx, p, spec, at_time, placed, previous=appt)
