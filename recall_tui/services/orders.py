"""Follow-up orders: the doctor's instruction, as the desk records it; and its withdrawal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ..core import parse, scheduling
from ..core.errors import BadInput
from ..core.lifecycle import NEW_ORDER, OrderAction
from ..store import events
from ..store import orders as repo
from ..store import patients as patient_repo
from ..store.models import FollowUpOrder
from . import steps
from .context import Context, require_reason, writing


@dataclass(frozen=True)
class OrderInfo:
    id: int
    patient_mrn: str
    clinic: str
    doctor: str | None
    target_date: date
    earliest: date
    latest: date
    interval: str | None
    series_index: int
    series_count: int | None
    series_every: str | None
    instructions: str
    status: str


def info(ctx: Context, row: FollowUpOrder, mrn: str) -> OrderInfo:
    interval = f"{row.interval_count} {row.interval_unit}" if row.interval_count else None
    every = f"{row.series_every_count} {row.series_every_unit}" \
        if row.series_every_count else None
    return OrderInfo(id=row.id, patient_mrn=mrn, clinic=ctx.clinic_code(row.clinic_id),
                     doctor=ctx.doctor_code(row.doctor_id), target_date=row.target_date,
                     earliest=row.earliest, latest=row.latest, interval=interval,
                     series_index=row.series_index, series_count=row.series_count,
                     series_every=every, instructions=row.instructions, status=row.status)


def add(ctx: Context, *, patient: str, clinic: str, doctor: str | None = None,
        interval: str | None = None, target: date | None = None, visit_date: date | None = None,
        earliest: date | None = None, latest: date | None = None, series: str | None = None,
        reason: str = "", instructions: str = "", said: str | None = None, now: datetime,
        source: str | None = None, within=None) -> OrderInfo:
    """Record a follow-up order as the doctor means it: an interval after the visit
    ("14 ngày", "1 năm"), a target date, or a window alone; optionally a series with its own
    cadence ("hàng tháng x 6"). ``said`` is the same typed in one field, as the desk takes
    it ("16/12", "sau 14 ngày, hàng tháng x 6"). The target lies inside the window; the
    doctor works in the clinic."""
    today = ctx.today(now)
    visit = visit_date or today
    if visit > today:
        raise BadInput("order.visit_future", "Ngày khám chưa tới.",
                       "The visit date is in the future.", field="visit")
    follow = _follow_up(said, interval, series, today)
    if said and follow is None:
        target = parse.parse_order_text(said, today=today).target
    cid = ctx.clinic_id(clinic)
    clinic_code = ctx.clinic_code(cid)
    did = ctx.doctor_id(doctor)
    steps.check_doctor_works_in(ctx, ctx.doctor_code(did), clinic_code)
    plan = scheduling.plan_order(visit=visit, today=today, follow_up=follow, target=target,
                                 earliest=earliest, latest=latest,
                                 window_for=steps.window_for(ctx, clinic_code))
    with writing(ctx, within) as conn:
        p = steps.load_patient(conn, patient)
        oid = repo.insert(conn, steps.order_row(
            ctx, patient_id=p.id, clinic_id=cid, doctor_id=did, plan=plan, visit_date=visit,
            reason=reason, instructions=instructions, now=now))
        if plan.series:
            repo.set_series_root(conn, oid, oid)
        events.append(conn, at=now, actor=ctx.actor, kind="order.added", patient_id=p.id,
                      order_id=oid, to_state=NEW_ORDER.value,
                      details=_added(plan.target, plan.series.count if plan.series else None,
                                     source))
        return info(ctx, repo.get(conn, oid), p.mrn)


def _follow_up(said: str | None, interval: str | None, series: str | None,
               today: date) -> parse.FollowUp | None:
    """The follow-up from the doctor's words: one field (``said``), or an interval and a
    series given apart (the command line's --interval and --series)."""
    parts: list[parse.FollowUp] = []
    if said and said.strip():
        words = parse.parse_order_text(said, today=today)
        if words.follow_up is not None:
            parts.append(words.follow_up)
    if interval:
        parts.append(parse.parse_follow_up(interval, field="interval"))
    if series:
        parts.append(parse.FollowUp(None, parse.parse_series(series, field="series")))
    if not parts:
        return None
    intervals = [p.interval for p in parts if p.interval]
    serieses = [p.series for p in parts if p.series]
    if len(intervals) > 1 or len(serieses) > 1:
        raise BadInput("follow_up.twice", "Khoảng tái khám hoặc chuỗi được ghi hai lần.",
                       "The interval or the series is given twice.", field="interval")
    return parse.FollowUp(intervals[0] if intervals else None,
                          serieses[0] if serieses else None)


def add_within(conn, ctx: Context, *, patient: str, clinic: str, doctor: str | None = None,
               target: date, visit_date: date | None = None, reason: str = "",
               instructions: str = "", source: str | None = None,
               now: datetime) -> OrderInfo:
    """``add`` for a target date inside the caller's open write transaction ``conn``: an
    HIS or FHIR import writes the patient, the order and the slip all or nothing. ``source``
    is said in the order's event (as ``insert_many_within`` says it)."""
    return add(ctx, patient=patient, clinic=clinic, doctor=doctor, target=target,
               visit_date=visit_date, reason=reason, instructions=instructions, now=now,
               source=source, within=conn)


def _added(target: date, series: int | None, source: str | None) -> dict:
    """The details of an order's "order.added" event, however the order was made."""
    return {"target": target.isoformat(), "series": series,
            **({"source": source} if source else {})}


def order_row(ctx: Context, *, patient_id: int, clinic_id: int, doctor_id: int | None,
              target: date, visit_date: date | None = None, reason: str = "",
              instructions: str = "", now: datetime) -> dict:
    """The row of a new order for a target date, its window by the clinic's rule (for a
    batch written by ``insert_many_within``)."""
    clinic_code = ctx.clinic_code(clinic_id)
    plan = scheduling.plan_order(visit=visit_date or ctx.today(now), today=ctx.today(now),
                                 target=target, window_for=steps.window_for(ctx, clinic_code))
    return steps.order_row(ctx, patient_id=patient_id, clinic_id=clinic_id,
                           doctor_id=doctor_id, plan=plan, visit_date=visit_date,
                           reason=reason, instructions=instructions, now=now)


def insert_many_within(conn, ctx: Context, rows: list[dict], *, now: datetime,
                       source: str | None = None) -> list[int]:
    """Write new orders (each made by ``order_row``) inside the caller's write transaction,
    with their events; their ids, in order. For an import's batch."""
    ids = repo.insert_many(conn, rows)
    events.append_many(conn, [{
        "at": now, "actor": ctx.actor, "kind": "order.added", "patient_id": r["patient_id"],
        "order_id": oid, "to_state": NEW_ORDER.value,
        "details": _added(r["target_date"], None, source)} for oid, r in zip(ids, rows)])
    return ids


def withdraw(ctx: Context, *, order_id: int, reason: str, now: datetime,
             within=None) -> OrderInfo:
    """The clinic withdraws an order that awaits a booking (its call tasks close)."""
    why = require_reason(reason)
    with writing(ctx, within) as conn:
        o = steps.load_order(conn, order_id, lock=True)
        steps.move_order(conn, ctx, o, OrderAction.CANCEL, now=now, reason=why)
        p = patient_repo.by_id(conn, o.patient_id)
        return info(ctx, repo.get(conn, o.id), p.mrn)


def get(ctx: Context, *, order_id: int) -> FollowUpOrder:
    with ctx.db.read() as conn:
        return steps.load_order(conn, order_id)


def open_for(ctx: Context, *, patient: str, clinic: str) -> list[OrderInfo]:
    """The patient's orders in a clinic that await a booking (offered before making one)."""
    cid = ctx.clinic_id(clinic)
    with ctx.db.read() as conn:
        p = steps.load_patient(conn, patient)
        return [info(ctx, o, p.mrn) for o in repo.open_for(conn, p.id, cid)]
