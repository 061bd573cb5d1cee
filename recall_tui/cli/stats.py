"""`recall stats`: the headline figures and one breakdown, as a table, JSON or CSV."""

from __future__ import annotations

import csv
import sys
from typing import Annotated

import typer

from .common import ConfigOpt, JsonOpt, NowOpt, parse_date, run

BY_HELP = ("clinic | doctor | month | weekday | session | lead | age | reminded; managers: "
           "icd (ICD-10 chapter of the hospital's slip) | insurance")

CSV_COLUMNS = ("group", "sub", "booked", "attended", "no_show", "no_show_rate",
               "no_show_low", "no_show_high", "cancelled", "cancellation_rate",
               "cancel_patient_rate", "cancel_clinic_rate", "late_cancel_rate", "rescheduled",
               "lead_mean_days", "utilisation", "adherence")


def _csv_row(group: str, sub: str | None, f) -> list:
    def r(rate):
        return "" if rate is None or rate.value is None else f"{rate.value:.6f}"

    return [group, sub or "", f.booked, f.attended, f.no_show, r(f.no_show_rate),
            "" if f.no_show_rate.low is None else f"{f.no_show_rate.low:.6f}",
            "" if f.no_show_rate.high is None else f"{f.no_show_rate.high:.6f}",
            f.cancelled, r(f.cancellation_rate), r(f.cancel_patient_rate),
            r(f.cancel_clinic_rate), r(f.late_cancel_rate), f.rescheduled,
            "" if f.lead_mean_days is None else f"{f.lead_mean_days:.3f}",
            r(f.utilisation), r(f.adherence)]


def _write_csv(res) -> None:
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    w.writerow(_csv_row("all", None, res.headline))
    for g in res.groups:
        w.writerow(_csv_row(g.key, g.sub, g.figures))


def _human(res) -> None:
    from rich.table import Table

    from .common import console as plain_console

    h = res.headline
    period = f"{res.start or '…'} → {res.end or '…'}"
    t = Table(title=f"Thống kê / Statistics {period}", show_header=False)
    t.add_column("")
    t.add_column("")
    t.add_row("Lịch hẹn / appointments", f"{h.booked:,}")
    t.add_row("Không đến / no-show rate", h.no_show_rate.pct())
    t.add_row("Huỷ / cancellations", h.cancellation_rate.pct())
    t.add_row("  bệnh nhân huỷ / by patient", h.cancel_patient_rate.pct())
    t.add_row("  phòng khám huỷ / by clinic", h.cancel_clinic_rate.pct())
    t.add_row("  huỷ muộn / late", h.late_cancel_rate.pct())
    t.add_row("Đổi lịch / reschedules", f"{h.rescheduled:,}")
    t.add_row("Thời gian chờ TB / mean lead time",
              "–" if h.lead_mean_days is None else f"{h.lead_mean_days:.1f} ngày/days")
    t.add_row("Tỉ lệ lấp đầy / utilisation", h.utilisation.pct() if h.utilisation else "–")
    t.add_row("Tái khám đúng hẹn / adherence", h.adherence.pct() if h.adherence else "–")
    console = plain_console()
    console.print(t)
    if res.by:
        extra = res.by in ("clinic", "doctor", "month", "weekday", "session", "icd",
                           "insurance")
        g = Table(title=f"Theo / by {res.by}")
        cols = ["", "reminded" if res.by == "reminded" else None, "hẹn", "không đến (95% CI)",
                "huỷ", "chờ TB", "lấp đầy" if extra else None, "đúng hẹn" if extra else None]
        for col in cols:
            if col is not None:
                g.add_column(col)
        for x in res.groups:
            f = x.figures
            cells = [x.key] + ([x.sub or ""] if res.by == "reminded" else []) + [
                f"{f.booked:,}", f.no_show_rate.pct(), f.cancellation_rate.pct(),
                "–" if f.lead_mean_days is None else f"{f.lead_mean_days:.1f}"]
            if extra:
                cells += [f.utilisation.pct() if f.utilisation else "–",
                          f.adherence.pct() if f.adherence else "–"]
            g.add_row(*cells)
        console.print(g)


def stats(from_: Annotated[str | None, typer.Option("--from", help="First appointment day.")] = None,
          to: Annotated[str | None, typer.Option(help="Last appointment day.")] = None,
          by: Annotated[str | None, typer.Option(help=BY_HELP)] = None,
          csv_: Annotated[bool, typer.Option("--csv", help="CSV on stdout.")] = False,
          json_: JsonOpt = False, now: NowOpt = None, config: ConfigOpt = None):
    """Figures: no-shows, cancellations, lead time, reminders, utilisation, adherence."""
    from ..services import statistics

    with run(json_, config) as r:
        t0 = r.today(now)
        start = parse_date(from_, "from", today=t0)
        end = parse_date(to, "to", today=t0)
        res = statistics.compute(r.ctx, now=r.now(now), start=start, end=end,
                                 by=by.strip().lower() if by else None)
        if csv_ and not json_:
            _write_csv(res)
            sys.stdout.flush()  # a reader that went away is met here, inside the run
            return
        r.done(res, _human)
