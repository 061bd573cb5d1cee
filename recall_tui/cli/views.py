"""`recall today`, `recall sessions`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from ..core.calendar import Part
from ..core.lifecycle import STATUS_VI, Status
from ..core.text import excerpt
from .common import ConfigOpt, JsonOpt, NowOpt, console, parse_date, run


def today(date_: Annotated[str | None, typer.Option("--date", help="Another day.")] = None,
          clinic: Annotated[str | None, typer.Option(help="One clinic.")] = None,
          session: Annotated[str | None, typer.Option(help="morning | afternoon | evening.")] = None,
          status: Annotated[str | None, typer.Option(help="Only this status.")] = None,
          json_: JsonOpt = False, now: NowOpt = None, config: ConfigOpt = None,
          pdf: Annotated[Path | None, typer.Option(
              "--pdf", help="Write the day list (A4, signature column) to this file.")] = None):
    """The day's follow-ups by clinic and session, with counts."""
    from ..services import today as svc

    with run(json_, config) as r:
        day = parse_date(date_, "date", today=r.today(now)) or r.today(now)
        if pdf is not None:
            from ..services.day_list_print import print_day_list

            done = print_day_list(r.ctx, day=day, clinic=clinic, pdf=pdf, now=r.now(now))
            r.done(done, f"Đã in danh sách ngày {day:%d/%m/%Y} ({done.patients} bệnh nhân): "
                         f"{done.where}")
            return
        if status is not None:
            Status(status) if status in Status._value2member_map_ else _bad_status(status)
        d = svc.day_list(r.ctx, day=day, clinic=clinic,
                         part=Part.parse(session).value if session else None, status=status)

        def human(d):
            c = d.counts
            t = Table(title=f"Hôm nay {d.day:%d/%m/%Y} — hẹn {c['expected']}, đã đến "
                            f"{c['arrived']}, chưa đến {c['not_yet']}, không đến {c['no_show']}")
            for col in ("PK", "Buổi", "STT", "Mã", "MRN", "Bệnh nhân", "Điện thoại",
                        "Trạng thái", "Nhắc"):
                t.add_column(col)
            for x in d.rows:
                t.add_row(x.clinic, Part(x.part).vi, str(x.queue_no), x.display_code, x.mrn,
                          x.patient, x.phone, STATUS_VI[Status(x.status)], x.reminder)
            console().print(t)

        r.done(d, human)


def _bad_status(status: str):
    from ..core.errors import BadInput

    raise BadInput("status.invalid", f"Trạng thái không hợp lệ: {excerpt(status)}.",
                   f"Unknown status {excerpt(status)} ({', '.join(s.value for s in Status)}).",
                   field="status")


def sessions(clinic: Annotated[str | None, typer.Option(help="One clinic.")] = None,
             from_: Annotated[str | None, typer.Option("--from", help="First day (default today).")] = None,
             to: Annotated[str | None, typer.Option(help="Last day (default +13 days).")] = None,
             json_: JsonOpt = False, now: NowOpt = None, config: ConfigOpt = None):
    """Coming sessions: capacity, booked, closed."""
    from datetime import timedelta

    from ..core.errors import BadInput
    from ..services import booking

    with run(json_, config) as r:
        t0 = r.today(now)
        start = parse_date(from_, "from", today=t0) or t0
        end = parse_date(to, "to", today=t0) or start + timedelta(days=13)
        if end < start:
            raise BadInput("range.order", "--to trước --from.", "--to is before --from.",
                           field="to")
        if (end - start).days > 366:
            raise BadInput("range.long", "Tối đa một năm.", "At most one year at a time.",
                           field="to")
        lst = booking.loads(r.ctx, clinic=clinic, start=start, end=end)

        def human(lst):
            t = Table(title="Buổi khám / Sessions")
            for col in ("Ngày", "PK", "BS", "Buổi", "Giờ", "Đã hẹn", "Chỉ tiêu", "Ghi chú"):
                t.add_column(col)
            for x in lst:
                t.add_row(f"{x.day:%a %d/%m}", x.clinic, x.doctor or "", Part(x.part).vi,
                          f"{x.starts:%H:%M}–{x.ends:%H:%M}", str(x.booked), str(x.capacity),
                          Text(f"NGHỈ: {x.closed_reason}", style="red") if x.closed_reason else "")
            console().print(t)

        r.done(lst, human)
