"""A manager closes a session (a doctor away): its patients go onto the call list."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..core.errors import BadInput, DomainError, NotFound, Refused
from ..store import appointments as appt_repo
from ..store import events, outreach
from ..store import patients as patient_repo
from ..store import session_patients as repo
from ..store import sessions as session_repo
from . import steps
from .booking import cancel, reschedule
from .context import Context, require_reason
from .steps import Who


@dataclass(frozen=True)
class NotMoved:
    code: str
    patient: Who
    reason: str  # why this one could not be moved (in the desk's language: both kept)
    reason_en: str


@dataclass(frozen=True)
class Closed:
    key: str
    reason: str
    moved_to_calls: list[str]  # codes cancelled by the clinic and put on the call list
    moved_to_session: list[str] = field(default_factory=list)  # the new appointments' codes
    not_moved: list[NotMoved] = field(default_factory=list)  # named, on the call list


def close_session(ctx: Context, *, key: str, reason: str, now: datetime,
                  move_to: str | None = None) -> Closed:
    """Close one session: no more bookings. Every patient waiting in it is moved, in the
    same transaction, to the session ``move_to`` when given; whoever cannot be moved there
    (already booked that day, no room left) and everyone when no target is given is
    cancelled by the clinic (told by message when they were reminded before) and put on the
    call list to rebook; those are named in the result."""
    ctx.require("manager", "đóng buổi khám", "close a session")
    why = require_reason(reason, vi="Cần ghi lý do đóng buổi.",
                         en="Closing a session needs a reason.")
    spec = next((s for s in _specs_for(ctx, key)), None)
    target = None
    if move_to:
        target = next((s for s in _specs_for(ctx, move_to)), None)
        if target is None or not target.is_open or move_to == key:
            raise BadInput("session.target", "Không chuyển được sang buổi đã chọn.",
                           "Cannot move patients to the session chosen.", field="move_to")
        steps.check_bookable(ctx, target, None, now)
    with ctx.db.write() as conn:
        row = repo.by_key(conn, key, lock=True)
        if row is None:
            if spec is None:
                raise NotFound("session.unknown", "Không có buổi khám này.",
                               "No such session.", field="session")
            session_repo.ensure(conn, [steps.session_row(ctx, spec)])
            row = repo.by_key(conn, key, lock=True)
        if row.closed_reason:
            raise Refused("session.already_closed", f"Buổi đã đóng: {row.closed_reason}.",
                          f"The session is already closed: {row.closed_reason}.")
        session_repo.close(conn, row.id, reason=why, actor=ctx.actor)
        to_calls, rebooked, not_moved = [], [], []
        for a in repo.waiting_in(conn, row.id):
            if target is not None:
                sp = conn.begin_nested()
                try:
                    b = reschedule(ctx, code=a.code, day=target.day, part=target.part,
                                   clinic=target.clinic, doctor=target.doctor, now=now,
                                   reason=f"session closed: {why}", within=conn)
                except DomainError as exc:
                    sp.rollback()
                    p = patient_repo.by_id(conn, a.patient_id)
                    not_moved.append(NotMoved(a.code, steps.who(p), exc.message("vi"),
                                              exc.message("en")))
                else:
                    sp.commit()
                    rebooked.append(b.code)
                    continue
            fresh = appt_repo.by_id(conn, a.id, lock=True)
            cancel(ctx, code=fresh.code, by="clinic", reason=f"session closed: {why}",
                   now=now, within=conn)
            outreach.open_task(conn, {
                "patient_id": a.patient_id, "appointment_id": a.id, "order_id": a.order_id,
                "reason": "session_closed", "created_at": now,
                "next_action_on": ctx.today(now), "open_key": f"session_closed|{a.id}"})
            to_calls.append(a.code)
        events.append(conn, at=now, actor=ctx.actor, kind="session.closed", reason=why,
                      details={"session": key, "moved": to_calls, "to": move_to,
                               "rebooked": rebooked,
                               "not_moved": [n.code for n in not_moved]})
        return Closed(key=key, reason=why, moved_to_calls=to_calls, moved_to_session=rebooked,
                      not_moved=not_moved)


def _specs_for(ctx: Context, key: str):
    from datetime import date

    try:
        day = date.fromisoformat(key.split("|")[2]) if key.count("|") >= 3 else None
    except ValueError:
        day = None
    if day is None:
        return []
    return [s for s in ctx.calendar.sessions_between(day, day, [c.code for c in ctx.cfg.clinics])
            if s.key == key]
