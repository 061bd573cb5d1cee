"""Follow-up orders: the doctor's instruction, as the desk records it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ..core import scheduling, text
from ..core.errors import BadInput, NotFound
from ..core.lifecycle import OrderStatus
from ..core.scheduling import Interval
from ..store import events
from ..store import orders as repo
from .context import Context
from .patients import resolve


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
    instructions: str
    status: str


def info(ctx: Context, row, mrn: str) -> OrderInfo:
    interval = f"{row.interval_count} {row.interval_unit}" if row.interval_count else None
    return OrderInfo(id=row.id, patient_mrn=mrn, clinic=ctx.clinic_code(row.clinic_id),
                     doctor=ctx.doctor_code(row.doctor_id), target_date=row.target_date,
                     earliest=row.earliest, latest=row.latest, interval=interval,
                     series_index=row.series_index, series_count=row.series_count,
                     instructions=row.instructions, status=row.status)


def order_row(ctx: Context, *, patient_id: int, clinic_id: int, doctor_id: int | None,
              target: date, earliest: date | None = None, latest: date | None = None,
              interval: Interval | None = None, series_count: int | None = None,
              series_index: int = 1, visit_date: date | None = None, reason: str = "",
              instructions: str = "", previous_order_id: int | None = None,
              series_root_id: int | None = None, now: datetime) -> dict:
    """The row of a new order, its window defaulting to the clinic's working-day validity."""
    clinic_code = ctx.clinic_code(clinic_id)
    cc = ctx.cfg.clinic(clinic_code)
    days = cc.window_working_days if cc else 10
    default = scheduling.default_window(target, ctx.calendar, working_days=days,
                                        clinic=clinic_code)
    window = scheduling.check_window(earliest or default.earliest, latest or default.latest)
    return {
        "patient_id": patient_id, "clinic_id": clinic_id, "doctor_id": doctor_id,
        "ordered_at": now, "visit_date": visit_date, "target_date": target,
        "earliest": window.earliest, "latest": window.latest,
        "interval_count": interval.count if interval else None,
        "interval_unit": interval.unit.value if interval else None,
        "series_count": series_count, "series_index": series_index,
        "series_root_id": series_root_id, "previous_order_id": previous_order_id,
        "reason": text.clean(reason, "reason"),
        "instructions": text.clean(instructions, "instructions"),
        "status": OrderStatus.OPEN.value, "created_by": ctx.actor,
    }


def add(ctx: Context, *, patient: str, clinic: str, doctor: str | None = None,
        interval: str | None = None, target: date | None = None, visit_date: date | None = None,
        earliest: date | None = None, latest: date | None = None, series: str | None = None,
        reason: str = "", instructions: str = "", now: datetime) -> OrderInfo:
    """Record a follow-up order: an interval from the visit ("14 ngày") or a target date;
    optionally a series ("hàng tháng x 6")."""
    visit = visit_date or ctx.today(now)
    series_count = None
    iv = None
    if series:
        iv, series_count = scheduling.parse_series(series)
    if interval:
        iv = scheduling.parse_interval(interval)
    if target is None:
        if iv is None:
            raise BadInput("order.when", "Cần khoảng tái khám (vd. 14 ngày) hoặc ngày hẹn.",
                           "Give an interval (e.g. 14 days) or a target date.", field="interval")
        target = iv.after(visit)
    scheduling.check_order_horizon(target, ctx.today(now))
    if target < ctx.today(now):
        raise BadInput("order.past", "Ngày tái khám đã qua.", "The target date is in the past.",
                       field="target")
    cid = ctx.clinic_id(clinic)
    did = ctx.doctor_id(doctor)
    with ctx.db.write() as conn:
        p = resolve(conn, patient)
        row = order_row(ctx, patient_id=p.id, clinic_id=cid, doctor_id=did, target=target,
                        earliest=earliest, latest=latest, interval=iv, series_count=series_count,
                        visit_date=visit, reason=reason, instructions=instructions, now=now)
        oid = repo.insert(conn, row)
        if series_count:
            repo.set_series_root(conn, oid, oid)
        events.append(conn, at=now, actor=ctx.actor, kind="order.added", patient_id=p.id,
                      order_id=oid, to_state="open",
                      details={"target": target.isoformat(), "series": series_count})
        return info(ctx, repo.get(conn, oid), p.mrn)


def get(ctx: Context, *, order_id: int):
    with ctx.db.read() as conn:
        row = repo.get(conn, order_id)
        if row is None:
            raise NotFound("order.unknown", f"Không có chỉ định số {order_id}.",
                           f"No order number {order_id}.", field="order")
        return row
