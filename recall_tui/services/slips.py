"""The follow-up slip (giấy hẹn khám lại) of an appointment: built, then printed.

``slip_for`` reads the appointment and makes the ``Slip`` the renderers lay out;
``print_slip`` writes it as an A5 PDF or sends it as ESC/POS to a thermal printer. Where it
goes when nobody says: the ``[printing]`` printer of recall.toml, else a PDF in the slips
folder (``[printing] folder``, else ``slips/`` beside a SQLite database file, else the
user's data folder).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ..config import Config
from ..core import codes
from ..core.calendar import Part
from ..core.errors import BadInput, NotFound, Refused
from ..core.lifecycle import Status
from ..core.text import excerpt
from ..files import write_private
from ..print.labels import MONTHS_EN
from ..print.slip import Slip
from ..store import slips as repo
from .context import Context

WIDTHS = (384, 576)  # dots: 58 mm and 80 mm paper
DEFAULT_WIDTH = 384
# A slip for these would send the patient to a visit that is not there.
_NO_SLIP = {Status.CANCELLED.value, Status.RESCHEDULED.value, Status.ENTERED_IN_ERROR.value}
_PART_EN = {"morning": "Morning", "afternoon": "Afternoon", "evening": "Evening"}


@dataclass(frozen=True)
class Printed:
    code: str
    display_code: str
    patient_name: str
    kind: str  # "pdf" | "printer"
    where: str  # the file written, or the printer's address
    size: int  # bytes written or sent


@dataclass(frozen=True)
class Printing:
    """The ``[printing]`` table of recall.toml."""

    printer: str | None
    width: int
    folder: Path


def validity_note(until: date, language: str) -> str:
    if language == "vi":
        return f"Giấy hẹn có giá trị đến {until:%d/%m/%Y}."
    return f"This slip is valid until {until.day} {MONTHS_EN[until.month - 1]} {until.year}."


def _instructions(raw: str | None) -> tuple[str, ...]:
    """One bullet per instruction: the desk separates them with ";" (or new lines)."""
    parts = (raw or "").replace(";", "\n").splitlines()
    return tuple(p.strip() for p in parts if p.strip())


def place(ctx: Context, clinic_code: str) -> tuple[str, str]:
    """What a patient reads about the clinic: its public name (as messages say it; never the
    internal name, which may be a specialty that reveals a diagnosis) and where to go."""
    cc = ctx.cfg.clinic(clinic_code)
    public = (cc.public_name if cc else "") or ctx.cfg.facility_name
    # ``where`` (room, floor, building) arrives with the configuration's next schema.
    return public, (getattr(cc, "where", "") or "") if cc else ""


def slip_for(ctx: Context, *, code: str, now: datetime, language: str | None = None) -> Slip:
    """The slip of the appointment ``code``, in ``language`` (default: the patient's)."""
    canonical = codes.parse_code(code)
    with ctx.db.read() as conn:
        row = repo.slip_row(conn, canonical)
    if row is None:
        raise NotFound("appointment.unknown", f"Không có lịch hẹn mã {excerpt(code)}.",
                       f"No appointment with code {excerpt(code)}.", field="code")
    shown = codes.display_code(row.code)
    if row.status in _NO_SLIP:
        st = Status(row.status)
        raise Refused("slip.inactive",
                      f"Lịch hẹn {shown} đã {st.vi.lower()}: không in giấy hẹn.",
                      f"Appointment {shown} is {st.value.replace('_', ' ')}: no slip to print.",
                      field="code", details={"status": row.status})
    lang = language or (row.language if row.language in ("vi", "en") else ctx.cfg.language)
    if lang not in ("vi", "en"):
        raise BadInput("language.invalid", f"Ngôn ngữ không hợp lệ: {excerpt(lang)} (vi hoặc en).",
                       f"Not a language: {excerpt(lang)} (vi or en).", field="language")
    part = Part(row.part)
    birth = row.birth_date or row.birth_year
    public, where = place(ctx, row.clinic_code)
    return Slip(
        facility_name=ctx.cfg.facility_name, facility_address=ctx.cfg.facility_address,
        facility_phone=ctx.cfg.facility_phone, code=shown, patient_name=row.full_name,
        birth=birth, mrn=row.mrn, bhyt_number=row.bhyt, appointment_date=row.day,
        part_label=part.vi if lang == "vi" else _PART_EN[part.value],
        session_start=row.at_time or row.starts, session_end=None if row.at_time else row.ends,
        queue_number=row.queue_no, clinic_name=public, where=where,
        doctor_name=row.doctor_name,
        doctor_licence=row.doctor_licence or None, instructions=_instructions(row.instructions),
        validity_note=validity_note(max(row.latest, row.day), lang), scan_value=row.code,
        language=lang, printed_at=now.astimezone(ctx.tz).replace(tzinfo=None))


# -- where slips go ------------------------------------------------------------------------

def _default_folder(cfg: Config) -> Path:
    url = cfg.database_url or ""
    if url.startswith("sqlite:///") and ":memory:" not in url:
        return Path(url[len("sqlite:///"):]).parent / "slips"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "recall" / "slips"


def printing(cfg: Config) -> Printing:
    """The ``[printing]`` settings, checked."""
    table = cfg.raw.get("printing", {})
    if not isinstance(table, dict):
        raise BadInput("printing.invalid", "[printing] trong recall.toml phải là một bảng.",
                       "[printing] in recall.toml must be a table.", field="printing")
    printer = table.get("printer")
    if printer is not None and (not isinstance(printer, str) or not printer.strip()):
        raise BadInput("printing.printer", "printing.printer phải là địa chỉ máy in (chuỗi).",
                       "printing.printer must be a printer address (a string).",
                       field="printing.printer")
    width = check_width(table.get("width", DEFAULT_WIDTH), field="printing.width")
    folder = table.get("folder")
    if folder is None:
        where = _default_folder(cfg)
    elif isinstance(folder, str) and folder.strip():
        where = Path(folder).expanduser()
        if not where.is_absolute():
            where = (cfg.path.parent if cfg.path else Path.cwd()) / where
    else:
        raise BadInput("printing.folder", "printing.folder phải là một thư mục (chuỗi).",
                       "printing.folder must be a folder (a string).", field="printing.folder")
    return Printing(printer=printer.strip() if printer else None, width=width, folder=where)


def check_width(width: object, *, field: str = "width") -> int:
    if isinstance(width, bool) or width not in WIDTHS:
        raise BadInput("printing.width", f"Khổ giấy in nhiệt phải là 384 (58 mm) hoặc 576 "
                       f"(80 mm) điểm, không phải {excerpt(width)}.",
                       f"The receipt width must be 384 (58 mm) or 576 (80 mm) dots, "
                       f"not {excerpt(width)}.", field=field)
    return int(width)  # type: ignore[arg-type]


# -- printing ---------------------------------------------------------------------------------

def _render(make, shown: str) -> bytes:
    """The renderer's bytes; a failure inside it (fonts, images) is a PrintError that says
    which slip, not a stray exception."""
    from ..print.printer import PrintError

    try:
        return make()
    except Exception as exc:  # noqa: BLE001 - reported with its cause, never swallowed
        raise PrintError("print.render", f"Không dựng được giấy hẹn {shown}: {exc}.",
                         f"Could not lay out slip {shown}: {exc}.") from exc


def print_slip(ctx: Context, *, code: str, now: datetime, pdf: Path | None = None,
               printer: str | None = None, width: int | None = None,
               language: str | None = None) -> Printed:
    """Write the slip to ``pdf``, or send it to ``printer``; with neither, to the configured
    printer, else as a PDF in the slips folder. Printer failures raise ``PrintError``."""
    from ..print.printer import send_to_printer

    if pdf is not None and printer is not None:
        raise BadInput("slip.target", "Chọn một: --pdf hoặc --printer.",
                       "Give one of --pdf or --printer, not both.", field="printer")
    settings = printing(ctx.cfg)
    slip = slip_for(ctx, code=code, now=now, language=language)
    if pdf is None and printer is None:
        printer = settings.printer
        if printer is None:
            pdf = settings.folder / f"giay-hen-{slip.code}.pdf"
    if printer is not None:
        from ..print.escpos import slip_escpos

        dots = check_width(width or settings.width)
        data = _render(lambda: slip_escpos(slip, width_dots=dots), slip.code)
        send_to_printer(data, printer)
        return Printed(code=slip.scan_value, display_code=slip.code,
                       patient_name=slip.patient_name, kind="printer", where=printer,
                       size=len(data))
    from ..print.pdf import slip_pdf

    assert pdf is not None
    data = _render(lambda: slip_pdf(slip), slip.code)
    write_private(pdf, data, field="pdf")  # 0600, whole or not at all
    return Printed(code=slip.scan_value, display_code=slip.code, patient_name=slip.patient_name,
                   kind="pdf", where=str(pdf), size=len(data))
