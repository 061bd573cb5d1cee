"""`recall order add`, `book`, `confirm`, `cancel`, `reschedule`, `checkin`, `noshow`, `undo`."""

from __future__ import annotations

from typing import Annotated

import typer

from ..core.calendar import Part
from ..core.errors import BadInput
from .common import ConfigOpt, JsonOpt, NowOpt, parse_date, parse_time, run

orders_app = typer.Typer(help="Follow-up orders (chỉ định tái khám).", no_args_is_help=True)

CodeArg = Annotated[str, typer.Argument(help="The appointment code (e.g. K7M2-QX4).")]


def _booked_text(b) -> str:
    when = f"{b.day:%d/%m/%Y} {Part(b.part).vi.lower()}"
    extra = " (đặt vượt chỉ tiêu / overbooked)" if b.overbooked else ""
    prev = f" — thay cho {b.previous_code}" if b.previous_code else ""
    return (f"Đã hẹn {b.display_code}: {b.patient_name} ({b.patient_mrn}), {b.clinic}, {when}, "
            f"STT {b.queue_no}{extra}{prev}\nBooked {b.display_code}.")


@orders_app.command("add")
def order_add(patient: Annotated[str, typer.Option(help="The patient's MRN.")],
              clinic: Annotated[str, typer.Option(help="Clinic code.")],
              interval: Annotated[str | None, typer.Option(
                  help="After the visit, as the doctor says: '14 ngày', '2 tuần', '3 tháng'.")] = None,
              target: Annotated[str | None, typer.Option(help="Or a target date.")] = None,
              visit: Annotated[str | None, typer.Option(help="Visit date (default today).")] = None,
              earliest: Annotated[str | None, typer.Option(help="Window start.")] = None,
              latest: Annotated[str | None, typer.Option(help="Window end.")] = None,
              series: Annotated[str | None, typer.Option(help="e.g. 'hàng tháng x 6', 'monthly x 6'.")] = None,
              doctor: Annotated[str | None, typer.Option(help="Ordering doctor code.")] = None,
              reason: Annotated[str, typer.Option(help="Clinical reason (never sent).")] = "",
              instructions: Annotated[str, typer.Option(help="For the patient, e.g. fasting.")] = "",
              json_: JsonOpt = False, now: NowOpt = None, config: ConfigOpt = None):
    """Record the doctor's follow-up order."""
    from ..services import orders

    with run(json_, config) as r:
        today = r.today(now)
        o = orders.add(r.ctx, patient=patient, clinic=clinic, doctor=doctor, interval=interval,
                       target=parse_date(target, "target", today=today, future=True),
                       visit_date=parse_date(visit, "visit", today=today),
                       earliest=parse_date(earliest, "earliest", today=today, future=True),
                       latest=parse_date(latest, "latest", today=today, future=True), series=series,
                       reason=reason, instructions=instructions, now=r.now(now))
        r.done(o, lambda o: typer.echo(
            f"Chỉ định số {o.id}: tái khám {o.target_date:%d/%m/%Y} "
            f"(hiệu lực {o.earliest:%d/%m/%Y}–{o.latest:%d/%m/%Y})\nOrder {o.id}."))


def book(patient: Annotated[str | None, typer.Option(help="The patient's MRN.")] = None,
         clinic: Annotated[str | None, typer.Option(help="Clinic code.")] = None,
         date_: Annotated[str | None, typer.Option("--date", help="The day (2026-12-01).")] = None,
         session: Annotated[str | None, typer.Option(help="morning | afternoon | evening.")] = None,
         doctor: Annotated[str | None, typer.Option(help="Doctor code, when sessions differ.")] = None,
         time_: Annotated[str | None, typer.Option("--time", help="Time, for timed sessions.")] = None,
         order: Annotated[int | None, typer.Option(
             min=1, max=2**31 - 1, help="The order this booking fulfils.")] = None,
         suggest: Annotated[bool, typer.Option(help="Book the suggested session of --order.")] = False,
         overbook: Annotated[bool, typer.Option(help="Past capacity (manager; needs --reason).")] = False,
         reason: Annotated[str | None, typer.Option(help="Why overbooking.")] = None,
         instructions: Annotated[str, typer.Option(help="For the patient.")] = "",
         json_: JsonOpt = False, now: NowOpt = None, config: ConfigOpt = None):
    """Book a follow-up into a session (or the suggested one)."""
    from ..services import booking

    with run(json_, config) as r:
        at = r.now(now)
        if suggest:
            if order is None:
                raise BadInput("order.missing", "--suggest cần --order.", "--suggest needs --order.",
                               field="order")
            b = booking.book_suggested(r.ctx, order_id=order, now=at,
                                       at_time=parse_time(time_))
        else:
            for value, name in ((patient, "patient"), (clinic, "clinic"), (date_, "date"),
                                (session, "session")):
                if not value:
                    raise BadInput(f"{name}.missing", f"Thiếu --{name}.", f"--{name} is missing.",
                                   field=name)
            b = booking.book(r.ctx, patient=patient, clinic=clinic,
                             day=parse_date(date_, "date", today=r.today(now), future=True),
                             part=Part.parse(session), doctor=doctor, at_time=parse_time(time_),
                             order_id=order, overbook=overbook, overbook_reason=reason,
                             instructions=instructions, now=at)
        r.done(b, lambda b: typer.echo(_booked_text(b)))


def _moved(m) -> str:
    note = f" ({m.note})" if m.note else ""
    return f"{m.code[:4]}-{m.code[4:]}: {m.previous_status} → {m.status}{note}"


def confirm(code: CodeArg, json_: JsonOpt = False, now: NowOpt = None, config: ConfigOpt = None):
    """The patient confirms they will come."""
    from ..services import booking

    with run(json_, config) as r:
        r.done(booking.confirm(r.ctx, code=code, now=r.now(now)), lambda m: typer.echo(_moved(m)))


def cancel(code: CodeArg,
           by: Annotated[str, typer.Option(help="patient | clinic.")] = "patient",
           reason: Annotated[str | None, typer.Option(help="Why (required).")] = None,
           json_: JsonOpt = False, now: NowOpt = None, config: ConfigOpt = None):
    """Cancel, by the patient or the clinic, with a reason."""
    from ..services import booking

    with run(json_, config) as r:
        r.done(booking.cancel(r.ctx, code=code, by=by, reason=reason or "", now=r.now(now)),
               lambda m: typer.echo(_moved(m)))


def reschedule(code: CodeArg,
               date_: Annotated[str, typer.Option("--date", help="The new day.")],
               session: Annotated[str, typer.Option(help="morning | afternoon | evening.")],
               doctor: Annotated[str | None, typer.Option()] = None,
               time_: Annotated[str | None, typer.Option("--time")] = None,
               reason: Annotated[str, typer.Option()] = "",
               json_: JsonOpt = False, now: NowOpt = None, config: ConfigOpt = None):
    """Move to another session; the old appointment stays, linked to the new one."""
    from ..services import booking

    with run(json_, config) as r:
        b = booking.reschedule(r.ctx, code=code,
                               day=parse_date(date_, "date", today=r.today(now), future=True),
                               part=Part.parse(session), doctor=doctor,
                               at_time=parse_time(time_), reason=reason, now=r.now(now))
        r.done(b, lambda b: typer.echo(_booked_text(b)))


def checkin(code: CodeArg, json_: JsonOpt = False, now: NowOpt = None, config: ConfigOpt = None):
    """The patient has arrived (a series makes its next order)."""
    from ..services import attendance

    with run(json_, config) as r:
        at = r.now(now)
        m = attendance.check_in(r.ctx, code=code, now=at)

        def human(m):
            typer.echo(_moved(m))
            if m.next_order_id:
                auto = m.next_booked
                typer.echo(f"Chỉ định kế tiếp số {m.next_order_id}: {m.next_target:%d/%m/%Y}"
                           + (f" — đã hẹn {auto.display_code}" if auto else ""))

        r.done(m, human)


def noshow(code: CodeArg, json_: JsonOpt = False, now: NowOpt = None, config: ConfigOpt = None):
    """Mark a no-show (it goes on the call list)."""
    from ..services import attendance

    with run(json_, config) as r:
        r.done(attendance.no_show(r.ctx, code=code, now=r.now(now)),
               lambda m: typer.echo(_moved(m)))


def undo(code: CodeArg, reason: Annotated[str | None, typer.Option(help="Why (required).")] = None,
         json_: JsonOpt = False, now: NowOpt = None, config: ConfigOpt = None):
    """Undo today's check-in or no-show, with a reason."""
    from ..services import attendance

    with run(json_, config) as r:
        r.done(attendance.undo(r.ctx, code=code, reason=reason or "", now=r.now(now)),
               lambda m: typer.echo(_moved(m)))
