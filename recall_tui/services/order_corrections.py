"""A follow-up order corrected by the system that sent it (a slip sent again with another
date, doctor or clinic): its window moved, and what that means for its appointment.

``correct_within`` runs inside the caller's write transaction (an import writes a file
all or nothing). An appointment the new window no longer holds is either moved after the
commit (``move_to_window``: the best session of the new window, through the reschedule
use case) or put on the call list (``call_list_within``) for the desk to settle with the
patient.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ..core.errors import Refused
from ..core.lifecycle import OrderStatus
from ..store import appointments as appt_repo
from ..store import events
from ..store import his as repo
from ..store import orders as order_repo
from ..store import outreach as outreach_repo
from . import booking, orders
from .booking import Booked
from .context import Context

HOLDS_PLACE = ("booked", "confirmed")


@dataclass(frozen=True)
class Correction:
    order_id: int
    outcome: str  # unchanged | moved | closed
    previous: date
    target: date
    status: str
    outside: object | None = None  # the active appointment the new window no longer holds


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
    window = orders.order_row(ctx, patient_id=o.patient_id, clinic_id=cid, doctor_id=did,
                              target=target, now=now)
    repo.move_order_window(conn, o.id, target=target, earliest=window["earliest"],
                           latest=window["latest"], doctor_id=did, clinic_id=cid)
    events.append(conn, at=now, actor=ctx.actor, kind="order.moved", patient_id=o.patient_id,
                  order_id=o.id, reason=reason,
                  details={"from": o.target_date.isoformat(), "to": target.isoformat(),
                           **(details or {})})
    appt = appt_repo.active_for_order(conn, o.id)
    outside = appt if (appt is not None and appt.status in HOLDS_PLACE and not (
        window["earliest"] <= appt.day <= window["latest"])) else None
    return Correction(o.id, "moved", o.target_date, target, o.status, outside)


def call_list_within(conn, ctx: Context, *, order_id: int, appointment, now: datetime) -> None:
    """The appointment a corrected order no longer holds, on the call list."""
    o = order_repo.get(conn, order_id)
    outreach_repo.open_task(conn, {
        "patient_id": o.patient_id, "appointment_id": appointment.id, "order_id": o.id,
        "reason": "change_requested", "created_at": now, "next_action_on": ctx.today(now),
        "note": f"Follow-up date corrected to {o.target_date:%d/%m/%Y}: the appointment on "
                f"{appointment.day:%d/%m/%Y} is outside the new window "
                f"({o.earliest:%d/%m/%Y}-{o.latest:%d/%m/%Y}).",
        "open_key": f"change_requested|{appointment.id}"})


def call_list(ctx: Context, *, order_id: int, appointment, now: datetime) -> None:
    with ctx.db.write() as conn:
        call_list_within(conn, ctx, order_id=order_id, appointment=appointment, now=now)


def outside_appointment(ctx: Context, *, order_id: int):
    """The order's active appointment if its window no longer holds it, else None."""
    with ctx.db.read() as conn:
        o = order_repo.get(conn, order_id)
        appt = appt_repo.active_for_order(conn, order_id)
    if appt is None or appt.status not in HOLDS_PLACE or o.earliest <= appt.day <= o.latest:
        return None
    return appt


def move_to_window(ctx: Context, *, order_id: int, now: datetime, reason: str) -> Booked | None:
    """Move the order's appointment to the least-loaded session of its (new) window,
    through the reschedule use case. None when its window holds it already; Refused when
    no session is free."""
    appt = outside_appointment(ctx, order_id=order_id)
    if appt is None:
        return None
    s = booking.suggest(ctx, order_id=order_id, now=now)
    if s.best is None:
        raise Refused("suggest.none",
                      f"Không còn buổi trống từ {s.earliest:%d/%m/%Y} đến {s.latest:%d/%m/%Y}.",
                      f"No free session between {s.earliest.isoformat()} and "
                      f"{s.latest.isoformat()}.", field="order")
    return booking.reschedule(ctx, code=appt.code, day=s.best.day, part=s.best.part,
                              doctor=s.best.doctor, clinic=s.best.clinic, reason=reason,
                              now=now)
