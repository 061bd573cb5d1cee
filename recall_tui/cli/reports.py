"""`recall report noshows`: the day's no-shows and the open call list, for the staff who call."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from .common import ConfigOpt, JsonOpt, NowOpt, parse_date, run

report_app = typer.Typer(help="Reports for staff.", no_args_is_help=True)


@report_app.command("noshows")
def noshows(date_: Annotated[str | None, typer.Option(
                "--date", help="The day (default: today).")] = None,
            send: Annotated[bool, typer.Option(
                "--send", help="Mail it to [reports] staff_email, the list attached as CSV.")]
            = False,
            pdf: Annotated[Path | None, typer.Option(
                "--pdf", help="Also write it as an A4 PDF to this file.")] = None,
            language: Annotated[str | None, typer.Option(
                "--language", help="vi | en (default: the clinic's).")] = None,
            json_: JsonOpt = False, now: NowOpt = None, config: ConfigOpt = None):
    """The day's no-shows and every open task of the call list: shown here, mailed to the
    staff (--send), written as a printable PDF (--pdf)."""
    from ..services import noshow_report as svc

    with run(json_, config) as r:
        day = parse_date(date_, "date", today=r.today(now)) or r.today(now)
        at = r.now(now)
        report = svc.build(r.ctx, day=day)
        out: dict = {"report": report}
        if pdf is not None:
            out["pdf"] = svc.write_pdf(r.ctx, day=day, now=at, pdf=pdf, language=language,
                                       report=report)
        if send:
            from ..services import messaging

            mailer = svc.mailer_of(messaging.build_channels(r.cfg, os.environ))
            out["sent"] = svc.send(r.ctx, day=day, now=at, mailer=mailer, language=language)
        r.done(out, _show)


def _show(out: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    from ..core.reports import reason_text
    from ..print.noshow_report import part_text

    report = out["report"]
    t = Table(title=f"Không đến ngày {report.day:%d/%m/%Y}: {len(report.no_shows)}")
    for col in ("Nơi khám", "Buổi", "STT", "Mã", "Mã BN", "Bệnh nhân", "Điện thoại"):
        t.add_column(col)
    for x in report.no_shows:
        t.add_row(x.clinic, part_text(x.part, "vi"), str(x.queue_no), x.code, x.mrn,
                  x.patient, x.phone)
    Console().print(t)
    typer.echo(f"Cần gọi / to call: {len(report.tasks)} việc đang mở ("
               + ", ".join(f"{reason_text(k)} {n}" for k, n in _by_reason(report).items())
               + ")")
    if "pdf" in out:
        typer.echo(f"PDF: {out['pdf'].where}")
    if "sent" in out:
        s = out["sent"]
        typer.echo(f"Đã gửi tới / sent to: {', '.join(s.to)}"
                   + (f" (refused: {', '.join(s.refused)})" if s.refused else ""))


def _by_reason(report) -> dict[str, int]:
    counts: dict[str, int] = {}
    for x in report.tasks:
        counts[x.reason] = counts.get(x.reason, 0) + 1
    return counts
