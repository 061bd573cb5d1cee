"""A manager closes a session (a doctor away): its patients go onto the call list."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..core import reminders, text
from ..core.errors import BadInput, NotFound, Refused
from ..core.lifecycle import Action
from ..store import appointments as appt_repo
from ..store import events, outreach
from ..store import patients as patient_repo
from ..store import session_patients as repo
from ..store import sessions as session_repo
from .booking import _book_in, _cancel_in, session_row
from .context import Context


@dataclass(frozen=True)
class Closed:
    key: str
    reason: str
    moved_to_calls: list[str]
    moved_to_session: list[str] = field(default_factory=list)  # the new appointments' codes


def close_session(ctx: Context, *, key: str, reason: str, now: datetime,
                  move_to: str | None = None) -> Closed:
    """Close one session: no more bookings. Every patient waiting in it is either moved, in
    the same transaction, to the session ``move_to`` (all of them or none: a target without
    room for all refuses), or cancelled by the clinic (told by message when they were
    reminded before) and put on the call list to rebook."""
    ctx.require("manager", "đóng buổi khám", "close a session")
    why = text.clean(reason, "reason")
    if not why:
        raise BadInput("reason.missing", "Cần ghi lý do đóng buổi.",
                       "Closing a session needs a reason.", field="reason")
    spec = next((s for s in _specs_for(ctx, key)), None)
    target = None
    if move_to:
        target = next((s for s in _specs_for(ctx, move_to)), None)
        if target is None or not target.is_open or move_to == key:
            raise BadInput("session.target", f"Không chuyển được sang buổi {move_to!r}.",
                           f"Cannot move patients to session {move_to!r}.", field="move_to")
    with ctx.db.write() as conn:
        row = repo.by_key(conn, key, lock=True)
        if row is None:
            if spec is None:
                raise NotFound("session.unknown", f"Không có buổi khám {key!r}.",
                               f"No session {key!r}.", field="session")
            session_repo.ensure(conn, [session_row(ctx, spec)])
            row = repo.by_key(conn, key, lock=True)
        if row.closed_reason:
            raise Refused("session.already_closed", f"Buổi đã đóng: {row.closed_reason}.",
                          f"The session is already closed: {row.closed_reason}.")
        session_repo.close(conn, row.id, reason=why, actor=ctx.actor)
        moved, rebooked = [], []
        for a in repo.waiting_in(conn, row.id):
            fresh = appt_repo.by_id(conn, a.id, lock=True)
            if target is not None:
                _cancel_in(conn, ctx, fresh, action=Action.RESCHEDULE, by=None,
                           reason=f"session closed: {why}", now=now, notice=None)
                result = _book_in(conn, ctx, patient=patient_repo.by_id(conn, a.patient_id),
                                  spec=target, at_time=None, order_id=a.order_id,
                                  overbook=False, overbook_reason=None, source=fresh.source,
                                  instructions="", now=now, previous=fresh)
                rebooked.append(result[1])
                continue
            _cancel_in(conn, ctx, fresh, action=Action.CANCEL, by="clinic",
                       reason=f"session closed: {why}", now=now,
                       notice=reminders.Kind.CANCELLATION)
            outreach.open_task(conn, {
                "patient_id": a.patient_id, "appointment_id": a.id, "order_id": a.order_id,
                "reason": "session_closed", "created_at": now,
                "next_action_on": ctx.today(now), "open_key": f"session_closed|{a.id}"})
            moved.append(a.code)
        events.append(conn, at=now, actor=ctx.actor, kind="session.closed", reason=why,
                      details={"session": key, "moved": moved, "to": move_to,
                               "rebooked": rebooked})
        return Closed(key=key, reason=why, moved_to_calls=moved, moved_to_session=rebooked)


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
