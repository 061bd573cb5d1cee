"""Print the day list of a clinic (or of every clinic) as an A4 PDF with a signature column.

Where it goes when nobody says: the slips folder (``services.slips.printing``), as
``danh-sach-<yyyy-mm-dd>-<clinic>.pdf``. Cancelled and rescheduled visits are left off: the
sheet lists who is expected.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ..core.errors import BadInput
from ..core.lifecycle import Status
from ..core.text import excerpt
from ..files import write_private
from .context import Context

_OFF_THE_LIST = {Status.CANCELLED.value, Status.RESCHEDULED.value,
                 Status.ENTERED_IN_ERROR.value}


@dataclass(frozen=True)
class DayListPrinted:
    day: date
    clinic: str | None
    patients: int
    where: str
    size: int


def _status(value: str, language: str) -> str:
    try:
        st = Status(value)
    except ValueError:
        return value
    return st.vi if language == "vi" else st.value.replace("_", " ")


def print_day_list(ctx: Context, *, day: date, now: datetime, clinic: str | None = None,
                   pdf: Path | None = None, language: str | None = None) -> DayListPrinted:
    """Write the day list of ``clinic`` (every clinic when None) for ``day`` to ``pdf``
    (default: the slips folder). Failures to lay out or write raise ``PrintError``."""
    from ..print.daylist import DayListSheet, Line, Section, daylist_pdf
    from ..print.printer import PrintError
    from .slips import printing
    from .today import day_list

    lang = language or ctx.cfg.language
    if lang not in ("vi", "en"):
        raise BadInput("language.invalid", f"Ngôn ngữ không hợp lệ: {excerpt(lang)} (vi hoặc en).",
                       f"Not a language: {excerpt(lang)} (vi or en).", field="language")
    if pdf is None:
        pdf = printing(ctx.cfg).folder / f"danh-sach-{day:%Y-%m-%d}-{clinic or 'all'}.pdf"
    rows = [r for r in day_list(ctx, day=day, clinic=clinic).rows
            if r.status not in _OFF_THE_LIST]
    names = {c.code: c.name for c in ctx.cfg.clinics}
    order = [c.code for c in ctx.cfg.clinics]
    sections = []
    for code in sorted({r.clinic for r in rows} | ({clinic} if clinic else set()),
                       key=lambda c: (order.index(c) if c in order else len(order), c)):
        mine = sorted((r for r in rows if r.clinic == code),
                      key=lambda r: (r.at_time or r.starts, r.queue_no))
        sections.append(Section(f"{names.get(code, code)} ({code})", tuple(
            Line(queue_no=r.queue_no, time=f"{(r.at_time or r.starts):%H:%M}",
                 patient=r.patient, birth_year=r.born[-4:], phone=r.phone, mrn=r.mrn,
                 status=_status(r.status, lang)) for r in mine)))
    sheet = DayListSheet(facility_name=ctx.cfg.facility_name, day=day,
                         sections=tuple(sections), language=lang,
                         printed_at=now.astimezone(ctx.tz).replace(tzinfo=None))
    try:
        data = daylist_pdf(sheet)
    except Exception as exc:  # noqa: BLE001 - reported with its cause
        raise PrintError("print.render", f"Không dựng được danh sách ngày {day:%d/%m/%Y}: "
                         f"{exc}.", f"Could not lay out the day list of {day:%d/%m/%Y}: "
                         f"{exc}.") from exc
    write_private(pdf, data, field="pdf")  # 0600, whole or not at all
    return DayListPrinted(day=day, clinic=clinic, patients=len(rows), where=str(pdf),
                          size=len(data))
