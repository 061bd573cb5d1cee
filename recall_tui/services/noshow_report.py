"""The daily no-show report for the staff who call: the day's no-shows and the open call
list, as a mail to the staff address with the list attached as CSV, and as an A4 PDF.

``build`` reads it (one read); ``csv_bytes`` / ``write_pdf`` / ``send`` give it out;
``send_if_due`` is the daemon's job: once a day, after the last session of the day has
ended and its no-shows are marked. The report names patients (it is staff mail), never a
diagnosis: no reason for the visit, no note, no instruction, and clinics by their public
name.

Settings, ``[reports]`` in recall.toml (``Config.reports``, checked as the file is read)::

    [reports]
    staff_email = ["dieuduong@benhvien.vn", "letan@benhvien.vn"]   # or one address
    noshows_daily = true     # the daemon mails it each day (default: true)

The mail goes out through ``[channels.email]`` (its server, sender and secret). Its
Message-ID is the day's (``<noshow-report-YYYY-MM-DD@sender-domain>``): a repeat is
recognised as the same mail.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from ..core import codes, phones
from ..core.errors import BadInput, EnvironmentFailure
from ..core.reports import (
    NoShowLine,
    NoShowReport,
    TaskLine,
    noshow_report_due,
    reason_text,
)
from ..files import write_private
from ..store import events
from ..store import reports as repo
from .context import Context

LANGUAGES = ("vi", "en")


# -- the report -----------------------------------------------------------------------------------

def _born(birth_date, birth_year) -> str:
    if birth_date:
        return f"{birth_date:%d/%m/%Y}"
    return str(birth_year) if birth_year else ""


def build(ctx: Context, *, day: date) -> NoShowReport:
    """The no-show report of ``day``: its no-shows and every open task of the call list."""
    with ctx.db.read() as conn:
        missed = repo.noshows_on(conn, day)
        open_tasks = repo.open_tasks(conn)
    public = {c.code: (c.public_name or ctx.cfg.facility_name) for c in ctx.cfg.clinics}

    def phone(raw: str | None) -> str:
        return phones.display_phone(raw) if raw else ""

    return NoShowReport(
        day=day, facility=ctx.cfg.facility_name,
        no_shows=tuple(NoShowLine(
            clinic=public.get(r.clinic_code, ctx.cfg.facility_name), part=r.part,
            starts=r.at_time or r.starts, queue_no=r.queue_no,
            code=codes.display_code(r.code), mrn=r.mrn, patient=r.full_name,
            born=_born(r.birth_date, r.birth_year), phone=phone(r.phone)) for r in missed),
        tasks=tuple(TaskLine(
            reason=r.reason, since=r.created_at.astimezone(ctx.tz).date(),
            next_call=r.next_action_on, attempts=r.attempts, mrn=r.mrn, patient=r.full_name,
            born=_born(r.birth_date, r.birth_year), phone=phone(r.phone),
            clinic=public.get(r.clinic_code, "") if r.clinic_code else "",
            code=codes.display_code(r.appt_code) if r.appt_code else "")
            for r in open_tasks))


CSV_HEAD = {
    "vi": ("Danh sách", "Lý do", "Nơi khám", "Ngày hẹn", "Buổi", "Giờ", "STT", "Mã hẹn",
           "Mã BN", "Họ tên", "Ngày sinh", "Điện thoại", "Từ ngày", "Gọi ngày", "Đã gọi"),
    "en": ("List", "Reason", "Clinic", "Visit date", "Session", "Time", "No.", "Code", "MRN",
           "Patient", "Born", "Phone", "Since", "Call on", "Calls"),
}
CSV_LIST = {"vi": ("Không đến", "Cần gọi"), "en": ("No-show", "To call")}


def csv_bytes(report: NoShowReport, *, language: str = "vi") -> bytes:
    """The report as one CSV table (UTF-8 with a byte-order mark, so spreadsheet programs
    read the Vietnamese right): the day's no-shows, then the call list."""
    from ..print.noshow_report import part_text

    lang = language if language in LANGUAGES else "vi"
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(CSV_HEAD[lang])
    missed, to_call = CSV_LIST[lang]
    for x in report.no_shows:
        w.writerow((missed, reason_text("no_show", lang), x.clinic, report.day.isoformat(),
                    part_text(x.part, lang), f"{x.starts:%H:%M}" if x.starts else "",
                    x.queue_no, x.code, x.mrn, x.patient, x.born, x.phone, "", "", ""))
    for t in report.tasks:
        w.writerow((to_call, reason_text(t.reason, lang), t.clinic, "", "", "", "", t.code,
                    t.mrn, t.patient, t.born, t.phone, t.since.isoformat(),
                    t.next_call.isoformat(), t.attempts))
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def _language(ctx: Context, language: str | None) -> str:
    lang = language or ctx.cfg.language
    if lang not in LANGUAGES:
        raise BadInput("language.invalid", f"Ngôn ngữ không hợp lệ: {lang!r} (vi hoặc en).",
                       f"Not a language: {lang!r} (vi or en).", field="language")
    return lang


@dataclass(frozen=True)
class Written:
    day: date
    no_shows: int
    open_tasks: int
    where: str
    size: int


def write_pdf(ctx: Context, *, day: date, now: datetime, pdf: Path | None = None,
              language: str | None = None, report: NoShowReport | None = None) -> Written:
    """Write the report of ``day`` as an A4 PDF to ``pdf`` (default: the slips folder,
    ``khong-den-<yyyy-mm-dd>.pdf``), private and whole (``files``). A failure to lay it out
    raises ``PrintError``; to write it, ``BadInput`` naming ``pdf`` or the environment's
    error (a full disk)."""
    from ..print.noshow_report import noshow_pdf
    from ..print.printer import PrintError
    from .slips import printing

    lang = _language(ctx, language)
    report = report or build(ctx, day=day)
    if pdf is None:
        pdf = printing(ctx.cfg).folder / f"khong-den-{day:%Y-%m-%d}.pdf"
    try:
        data = noshow_pdf(report, language=lang,
                          printed_at=now.astimezone(ctx.tz).replace(tzinfo=None))
    except Exception as exc:  # noqa: BLE001 - reported with its cause
        raise PrintError("print.render", f"Không dựng được báo cáo ngày {day:%d/%m/%Y}: "
                         f"{exc}.", f"Could not lay out the report of {day:%d/%m/%Y}: "
                         f"{exc}.") from exc
    write_private(pdf, data, field="pdf")  # private and whole; an unwritable path is said
    return Written(day=day, no_shows=len(report.no_shows), open_tasks=len(report.tasks),
                   where=str(pdf), size=len(data))


# -- the mail -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Sent:
    day: date
    no_shows: int
    open_tasks: int
    to: tuple[str, ...]
    refused: tuple[str, ...]  # recipients the server refused (the others got it)
    message_id: str


MAIL = {
    "vi": {"subject": "Báo cáo không đến ngày {day}: {n} bệnh nhân, {m} việc cần gọi",
           "head": "{facility}\nNgày {day}: {n} bệnh nhân không đến; danh sách cần gọi còn "
                   "{m} việc.",
           "missed": "Không đến:", "more": "… và {k} bệnh nhân khác (xem tệp đính kèm).",
           "tail": "Danh sách đầy đủ (không đến và cần gọi) trong tệp CSV đính kèm.\n"
                   "Thư gửi tự động từ recall; không trả lời thư này."},
    "en": {"subject": "No-show report {day}: {n} patients, {m} calls to make",
           "head": "{facility}\n{day}: {n} patients did not come; the call list has {m} "
                   "open tasks.",
           "missed": "No-shows:", "more": "… and {k} more (see the attached file).",
           "tail": "The whole list (no-shows and calls to make) is in the attached CSV.\n"
                   "Sent automatically by recall; do not reply to this mail."},
}
BODY_LINES = 50  # no-shows listed in the mail's text; all of them are in the CSV


def mail_text(report: NoShowReport, *, language: str) -> tuple[str, str]:
    """The subject and text of the report's mail."""
    from ..print.noshow_report import part_text

    w = MAIL[language]
    day = f"{report.day:%d/%m/%Y}"
    n, m = len(report.no_shows), len(report.tasks)
    lines = [w["head"].format(facility=report.facility, day=day, n=n, m=m), ""]
    if report.no_shows:
        lines.append(w["missed"])
        for x in report.no_shows[:BODY_LINES]:
            when = part_text(x.part, language) + (f" {x.starts:%H:%M}" if x.starts else "")
            lines.append(f"- {x.patient} ({x.born or '—'}) · {x.phone or '—'} · {x.clinic}, "
                         f"{when}, STT {x.queue_no} · {x.code} · {x.mrn}")
        if n > BODY_LINES:
            lines.append(w["more"].format(k=n - BODY_LINES))
        lines.append("")
    lines.append(w["tail"])
    return w["subject"].format(day=day, n=n, m=m), "\n".join(lines)


def mailer_of(channels: Mapping[str, Any]):
    """The e-mail channel the report goes out by (``[channels.email]``), or BadInput."""
    channel = channels.get("email")
    if channel is None:
        raise BadInput("reports.no_email",
                       "Chưa cấu hình máy chủ thư ([channels.email] trong recall.toml): không "
                       "gửi được báo cáo.",
                       "No mail server is set up ([channels.email] in recall.toml): the "
                       "report cannot be sent.", field="channels.email")
    return channel


def send(ctx: Context, *, day: date, now: datetime, mailer, to: tuple[str, ...] = (),
         language: str | None = None) -> Sent:
    """Mail the report of ``day`` to the staff address (``[reports] staff_email``, or
    ``to``) through ``mailer`` (the e-mail channel, ``mailer_of``), the list attached as
    CSV; recorded in the event log (once sent, the daemon does not send that day's report
    again). The mailer's connection is closed after."""
    from ..channels.base import ChannelError

    lang = _language(ctx, language)
    recipients = tuple(to) or ctx.cfg.reports.staff_email
    if not recipients:
        raise BadInput("reports.no_staff_email",
                       "Chưa có địa chỉ nhận báo cáo: đặt [reports] staff_email trong "
                       "recall.toml.",
                       "No staff address: set [reports] staff_email in recall.toml.",
                       field="reports.staff_email")
    channel = mailer
    report = build(ctx, day=day)
    subject, text = mail_text(report, language=lang)
    domain = (getattr(channel, "sender", "") or "").rpartition("@")[2] or "recall.invalid"
    message_id = f"<noshow-report-{day.isoformat()}@{domain}>"
    try:
        refused = channel.send_mail(
            to=recipients, subject=subject, text=text, message_id=message_id,
            attachments={f"khong-den-{day:%Y-%m-%d}.csv": csv_bytes(report, language=lang)})
    except ChannelError as exc:
        raise EnvironmentFailure(
            "reports.mail_failed", f"Không gửi được báo cáo ngày {day:%d/%m/%Y}: {exc}",
            f"The report of {day:%d/%m/%Y} was not sent: {exc}",
            details={"to": list(recipients)}) from None
    finally:
        channel.close()  # the end of this job: the daemon's next run connects again
    with ctx.db.write() as conn:
        events.append(conn, at=now, actor=ctx.actor, kind=repo.REPORT_SENT,
                      reason=day.isoformat(),
                      details={"to": list(recipients), "refused": refused,
                               "no_shows": len(report.no_shows),
                               "open_tasks": len(report.tasks)})
    return Sent(day=day, no_shows=len(report.no_shows), open_tasks=len(report.tasks),
                to=recipients, refused=tuple(refused), message_id=message_id)


def send_if_due(ctx: Context, *, now: datetime, mailer) -> Sent | None:
    """The daemon's job, run every minute: today's report, once, after the last session of
    the day has ended and the grace for no-shows has passed (the no-shows are marked
    first). None when it is not time, it went already, or no staff address is set."""
    conf = ctx.cfg.reports
    if not conf.staff_email or not conf.noshows_daily:
        return None
    day = ctx.today(now)
    since = datetime.combine(day, datetime.min.time(), tzinfo=ctx.tz)
    with ctx.db.read() as conn:
        ends = repo.last_session_ends(conn, day)
        sent = repo.report_sent(conn, day, since=since)
    if not noshow_report_due(now=now, day=day, last_session_ends=ends, tz=ctx.tz,
                             grace=timedelta(minutes=ctx.cfg.no_show_grace_minutes),
                             already_sent=sent):
        return None
    from . import attendance

    attendance.sweep(ctx, now=now)  # the last session's no-shows, marked before the report
    return send(ctx, day=day, now=now, mailer=mailer)
