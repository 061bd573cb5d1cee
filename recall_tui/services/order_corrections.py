"""A follow-up order corrected by the system that sent it (a slip sent again with another
date, doctor or clinic): its window moved, and what that means for its appointment.

``correct_within`` runs inside the caller's write transaction (an import writes a file
all or nothing). An appointment the corrected order no longer holds (its day outside the
new window, or at another clinic, or with another doctor than the order now names) is
either moved after the commit (``move_or_call``: the best session of the new window,
through the reschedule use case) or put on the call list (``call_list_within``) for the
desk to settle with the patient.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ..core.errors import DomainError, Refused
from ..core.lifecycle import OPEN, OrderStatus
from ..core.scheduling import check_order_horizon
from ..store import appointments as appt_repo
from ..store import events
from ..store import his as repo
from ..store import orders as order_repo
from ..store import outreach as outreach_repo
from . import booking
from .booking import Booked
from .context import Context
from .steps import window_for

# Why an appointment no longer fits its corrected order, in both languages.
WHY = {"window": ("nằm ngoài khoảng hẹn mới", "is outside the corrected window"),
       "clinic": ("ở phòng khám khác với chỉ định đã sửa",
                  "is at another clinic than the corrected order"),
       "doctor": ("với bác sĩ khác với chỉ định đã sửa",
                  "is with another doctor than the corrected order")}


@dataclass(frozen=True)
class Correction:
    order_id: int
    outcome: str  # unchanged | moved | closed
    previous: date
    target: date
    status: str
    outside: object | None = None  # the active appointment the corrected order no longer holds
    why: str | None = None  # window | clinic | doctor (``WHY``)


def misfit(appt, *, earliest: date, latest: date, clinic_id: int,
           doctor_id: int | None, doctor_was: int | None) -> str | None:
    """Why an active appointment no longer fits its corrected order (a key of ``WHY``), or
    None when it does: at another clinic than the order now has, with another doctor than
    the one the correction names (a doctor the correction did not change stays as the desk
    booked it), or on a day outside the new window."""
    if appt is None or appt.status not in OPEN:
        return None
    if appt.clinic_id != clinic_id:
        return "clinic"
    if doctor_id is not None and doctor_id != doctor_was and appt.doctor_id != doctor_id:
        return "doctor"
    if not earliest <= appt.day <= latest:
        return "window"
    return None


def correct_within(conn, ctx: Context, *, order_id: int, target: date, clinic: str,
                   doctor: str | None, now: datetime, reason: str,
                   details: dict | None = None) -> Correction:
    """Move an open or booked order to a new target (its window by the clinic's rule),
    clinic and doctor; a fulfilled, lapsed or cancelled order is left as it is."""
    o = order_repo.get(conn, order_id)
    cid, did = ctx.clinic_id(clinic), ctx.doctor_id(doctor)
    if o.target_date == target and o.clinic_id == cid and o.doctor_id == did:
        return Correction(o.id, "unchanged", o.target_date, target, o.status)
    if o.status not in (OrderStatus.OPEN.value, OrderStatus.BOOKED.value):
        return Correction(o.id, "closed", o.target_date, o.target_date, o.status)
    if target < ctx.today(now):
        raise Refused("order.past", f"Ngày hẹn sửa {target:%d/%m/%Y} đã qua.",
                      f"The corrected date {target:%d/%m/%Y} is already past.",
                      field="target")
    check_order_horizon(target, ctx.today(now))
    window = window_for(ctx, ctx.clinic_code(cid))(target)
    repo.move_order_window(conn, o.id, target=target, earliest=window.earliest,
                           latest=window.latest, doctor_id=did, clinic_id=cid)
    events.append(conn, at=now, actor=ctx.actor, kind="order.moved", patient_id=o.patient_id,
                  order_id=o.id, reason=reason,
                  details={"from": o.target_date.isoformat(), "to": target.isoformat(),
                           **(details or {})})
    appt = appt_repo.active_for_order(conn, o.id)
    why = misfit(appt, earliest=window.earliest, latest=window.latest, clinic_id=cid,
                 doctor_id=did, doctor_was=o.doctor_id)
    return Correction(o.id, "moved", o.target_date, target, o.status,
                      appt if why else None, why)


def call_list_within(conn, ctx: Context, *, order_id: int, appointment, now: datetime,
                     why: str = "window") -> None:
    """The appointment a corrected order no longer holds, on the call list."""
    o = order_repo.get(conn, order_id)
    vi, en = WHY.get(why, WHY["window"])
    outreach_repo.open_task(conn, {
        "patient_id": o.patient_id, "appointment_id": appointment.id, "order_id": o.id,
        "reason": "change_requested", "created_at": now, "next_action_on": ctx.today(now),
        "note": f"Chỉ định đã sửa ({ctx.clinic_code(o.clinic_id)}, {o.target_date:%d/%m/%Y}, "
                f"{o.earliest:%d/%m/%Y}-{o.latest:%d/%m/%Y}): lịch hẹn ngày "
                f"{appointment.day:%d/%m/%Y} {vi}. / Order corrected "
                f"({ctx.clinic_code(o.clinic_id)}, {o.target_date:%d/%m/%Y}, window "
                f"{o.earliest:%d/%m/%Y}-{o.latest:%d/%m/%Y}): the appointment on "
                f"{appointment.day:%d/%m/%Y} {en}.",
        "open_key": f"change_requested|{appointment.id}"})


@dataclass(frozen=True)
class Rebooked:
    """What became of an appointment a corrected order no longer holds."""

    appointment: object  # as it was
    moved_to: Booked | None  # its new appointment; None: it is on the call list
    refusal: DomainError | None = None  # why it could not be moved


def move_or_call(ctx: Context, *, order_id: int, code: str, why: str, now: datetime,
                 reason: str) -> Rebooked | None:
    """Move the appointment ``code`` (one a correction left outside its order: ``why``) to
    the least-loaded session of the order's window, clinic and doctor, through the
    reschedule use case, in one write transaction; when no session will take it, put it
    on the call list. None when it is no longer the order's open appointment (settled
    meanwhile)."""
    appt = None
    try:
        with ctx.db.write() as conn:
            appt = appt_repo.by_code(conn, code)
            if appt is None or appt.order_id != order_id or appt.status not in OPEN:
                return None
            best, at_time = booking.suggested_place(ctx, order_id=order_id, now=now,
                                                    conn=conn)
            return Rebooked(appt, booking.reschedule(
                ctx, code=appt.code, day=best.day, part=best.part, doctor=best.doctor,
                clinic=best.clinic, at_time=at_time, reason=reason, now=now, within=conn))
    except DomainError as exc:
        if appt is None:
            raise
        with ctx.db.write() as conn:
            call_list_within(conn, ctx, order_id=order_id, appointment=appt, now=now, why=why)
        return Rebooked(appt, None, exc)
