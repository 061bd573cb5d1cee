"""The call list: read it, log a call, rebook in place (each one transaction)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from ..core import outreach as policy
from ..core import phones, text
from ..core.calendar import Part
from ..core.errors import NotFound, Refused
from ..core.outreach import Outcome
from ..store import calls, events
from ..store import patients as patient_repo
from .booking import Booked, book
from .context import Context

REASONS = ("no_show", "lapsed", "change_requested", "message_failed", "reply_unclear")


@dataclass(frozen=True)
class Task:
    id: int
    reason: str
    created: date
    next_action_on: date
    attempts: int
    mrn: str
    patient: str
    born: str
    phones: list[str]  # "090 123 4567 (caregiver: Name)"
    clinic: str
    appt_code: str | None
    appt_day: date | None
    order_id: int | None
    note: str
    may_give_up: bool
    risk: float | None = None  # the no-show risk of the patient's next visit (a model's)


def open_tasks(ctx: Context, *, reason: str | None = None, limit: int = 300,
               now: datetime | None = None) -> list[Task]:
    """Open tasks, oldest first, with every phone (a caregiver's too). Given ``now`` and a
    trained risk model, the highest risk first (ties and unscored ones oldest first)."""
    with ctx.db.read() as conn:
        rows = calls.open_list(conn, reason=reason or None, limit=limit)
        ph = calls.phones_of(conn, list({r.patient_id for r in rows}))
        tried = {r.id: [(a.day, a.outcome) for a in calls.attempts(conn, r.id)]
                 for r in rows if r.attempts}
    out = []
    for r in rows:
        shown = []
        for p in ph.get(r.patient_id, []):
            s = phones.display_phone(p.e164)
            if p.label != "self":
                s += f" ({p.label}{': ' + p.name if p.name else ''})"
            shown.append(s)
        out.append(Task(
            id=r.id, reason=r.reason, created=r.created_at.astimezone(ctx.tz).date(),
            next_action_on=r.next_action_on, attempts=r.attempts, mrn=r.mrn,
            patient=r.full_name,
            born=r.birth_date.strftime("%d/%m/%Y") if r.birth_date else str(r.birth_year or ""),
            phones=shown, clinic=r.clinic_code or "", appt_code=r.appt_code,
            appt_day=r.appt_day, order_id=r.order_id, note=r.note or "",
            may_give_up=policy.may_give_up(tried.get(r.id, []))))
    if now is not None and out:
        return _by_risk(ctx, out, rows, now)
    return out


def _by_risk(ctx: Context, tasks: list[Task], rows, now: datetime) -> list[Task]:
    from dataclasses import replace

    from .risk import patient_risk

    ids = sorted({int(r.patient_id) for r in rows})
    risk = patient_risk(ctx, patient_ids=ids, now=now)
    if not risk:
        return tasks
    scored = [replace(t, risk=risk.get(int(r.patient_id))) for t, r in zip(tasks, rows)]
    return sorted(scored, key=lambda t: -t.risk if t.risk is not None else 1.0)


@dataclass(frozen=True)
class Logged:
    task_id: int
    outcome: str
    closed: bool
    next_action_on: date | None
    attempts: int


def _load(conn, task_id: int):
    t = calls.task(conn, task_id, lock=True)
    if t is None:
        raise NotFound("task.unknown", f"Không có việc gọi số {task_id}.",
                       f"No call task number {task_id}.", field="task")
    if t.status != "open":
        raise Refused("task.closed", "Việc gọi này đã đóng.", "This call task is closed.",
                      field="task")
    return t


def _record(conn, ctx: Context, t, outcome: Outcome, *, note: str, call_back_on: date | None,
            now: datetime) -> Logged:
    today = ctx.today(now)
    earlier = [(a.day, a.outcome) for a in calls.attempts(conn, t.id)]
    decision = policy.decide(outcome, attempts=earlier, today=today, call_back_on=call_back_on)
    calls.add_attempt(conn, {"task_id": t.id, "at": now, "day": today, "actor": ctx.actor,
                             "outcome": outcome.value, "note": note or None,
                             "call_back_on": call_back_on})
    values = {"attempts": t.attempts + 1, "note": note or t.note}
    if decision.closes:
        values.update(status="closed", outcome=outcome.value, open_key=None)
    else:
        values["next_action_on"] = decision.next_action_on
    calls.update_task(conn, t.id, values)
    events.append(conn, at=now, actor=ctx.actor, kind="outreach.call", patient_id=t.patient_id,
                  appointment_id=t.appointment_id, order_id=t.order_id,
                  to_state="closed" if decision.closes else "open", reason=note or None,
                  details={"task": t.id, "outcome": outcome.value})
    return Logged(t.id, outcome.value, decision.closes, decision.next_action_on,
                  t.attempts + 1)


def log_call(ctx: Context, *, task_id: int, outcome: str, now: datetime, note: str = "",
             call_back_on: date | None = None) -> Logged:
    """Log one call attempt; closing outcomes close the task, the others set the next call."""
    oc = policy.parse_outcome(outcome)
    if oc is Outcome.REBOOKED:
        raise Refused("outreach.rebook", "Dùng 'Hẹn lại' để đặt lịch và đóng việc gọi.",
                      "Use 'rebook' to book and close the task.", field="outcome")
    with ctx.db.write() as conn:
        return _record(conn, ctx, _load(conn, task_id), oc, note=text.clean(note, "note"),
                       call_back_on=call_back_on, now=now)


def rebook(ctx: Context, *, task_id: int, clinic: str, day: date, part: Part | str,
           now: datetime, doctor: str | None = None, at_time: time | None = None,
           note: str = "") -> Booked:
    """Reached and rebooked: book the task's order into a session and close the task (and
    every other open task of that order) in one transaction."""
    with ctx.db.write() as conn:
        t = _load(conn, task_id)
        p = patient_repo.by_id(conn, t.patient_id)
        booked = book(ctx, patient=p.mrn, clinic=clinic, day=day, part=part, doctor=doctor,
                      at_time=at_time, order_id=t.order_id, source="outreach", now=now,
                      within=conn)
        _record(conn, ctx, t, Outcome.REBOOKED, note=text.clean(note, "note") or booked.display_code,
                call_back_on=None, now=now)
        return booked
