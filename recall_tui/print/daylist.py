"""The day list of a clinic as an A4 PDF: who is expected, in queue order, with a column to
sign on arrival (danh sách khám trong ngày).

Plain data in (``DayListSheet``), bytes out; the text is in the shipped DejaVu Sans,
embedded, so Vietnamese names print the same on any machine. Each clinic starts a page; the
table head repeats on every page.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from fpdf import FPDF

from .slip import FONT_BOLD, FONT_REGULAR

FONT = "DejaVuSans"
MARGIN = 12.0  # mm
ROW = 7.0  # mm: room to sign
INK = (20, 20, 20)
GREY = (95, 95, 95)
PALE = (235, 235, 235)

WORDS = {
    "vi": {"title": "DANH SÁCH KHÁM NGÀY {day}", "queue": "STT", "time": "Giờ",
           "patient": "Họ tên bệnh nhân", "born": "Năm sinh", "phone": "Điện thoại",
           "mrn": "Mã BN", "status": "Trạng thái", "sign": "Ký tên", "total": "Tổng: {n}",
           "none": "Không có lịch hẹn.", "page": "Trang {n}", "printed": "In lúc {at}"},
    "en": {"title": "DAY LIST {day}", "queue": "No.", "time": "Time", "patient": "Patient",
           "born": "Born", "phone": "Phone", "mrn": "MRN", "status": "Status",
           "sign": "Signature", "total": "Total: {n}", "none": "No appointments.",
           "page": "Page {n}", "printed": "Printed {at}"},
}
# (word, width mm, align): 186 mm, the width of A4 inside the margins
COLUMNS = (("queue", 11, "C"), ("time", 13, "C"), ("patient", 52, "L"), ("born", 16, "C"),
           ("phone", 27, "L"), ("mrn", 23, "L"), ("status", 20, "L"), ("sign", 24, "L"))


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "").strip()


@dataclass(frozen=True)
class Line:
    queue_no: int
    time: str  # "07:30"
    patient: str
    birth_year: str
    phone: str
    mrn: str
    status: str  # already in the sheet's language


@dataclass(frozen=True)
class Section:
    title: str  # the clinic, e.g. "Nội tổng quát (NOI)"
    lines: tuple[Line, ...]


@dataclass(frozen=True, kw_only=True)
class DayListSheet:
    facility_name: str
    day: date
    sections: tuple[Section, ...]
    language: str  # "vi" | "en"
    printed_at: datetime  # naive clinic-local: same list, same bytes


class _DayListPDF(FPDF):
    def __init__(self, sheet: DayListSheet) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.add_font(FONT, "", str(FONT_REGULAR))
        self.add_font(FONT, "B", str(FONT_BOLD))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(False)
        self.sheet = sheet
        self.words = WORDS.get(sheet.language, WORDS["vi"])
        self.section = ""

    def style(self, size: float, bold: bool = False, color=INK) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(*color)

    def start_page(self) -> None:
        self.add_page()
        w = self.w - 2 * MARGIN
        self.style(10, bold=True)
        self.cell(w * 0.6, 5, _nfc(self.sheet.facility_name))
        self.style(8, color=GREY)
        self.cell(w * 0.4, 5, self.words["page"].format(n=self.page_no()), align="R")
        self.ln(7)
        self.style(13, bold=True)
        self.cell(w, 7, self.words["title"].format(day=f"{self.sheet.day:%d/%m/%Y}"),
                  align="C")
        self.ln(7)
        self.style(11, bold=True)
        self.cell(w, 6, self.section, align="C")
        self.ln(9)
        self.style(8.5, bold=True)
        self.set_fill_color(*PALE)
        for key, width, _align in COLUMNS:
            self.cell(width, ROW, self.words[key], border=1, align="C", fill=True)
        self.ln(ROW)

    def fitted(self, text: str, width: float, size: float = 9.0) -> str:
        """``text`` at a size that fits ``width`` (down to 7 pt), else cut with an ellipsis."""
        self.style(size)
        while self.get_string_width(text) > width - 2 and size > 7:
            size -= 0.5
            self.style(size)
        while text and self.get_string_width(text) > width - 2:
            text = text[:-2] + "…"
        return text

    def add_line(self, x: Line) -> None:
        if self.get_y() + ROW > self.h - MARGIN - 6:
            self.start_page()
        values = {"queue": str(x.queue_no), "time": x.time, "patient": _nfc(x.patient),
                  "born": x.birth_year, "phone": x.phone, "mrn": x.mrn,
                  "status": _nfc(x.status), "sign": ""}
        for key, width, align in COLUMNS:
            text = self.fitted(values[key], width, 10 if key == "patient" else 9)
            self.cell(width, ROW, text, border=1, align=align)
        self.ln(ROW)

    def footer(self) -> None:
        self.set_y(self.h - MARGIN - 4)
        self.style(7.5, color=GREY)
        self.cell(self.w - 2 * MARGIN, 4, self.words["printed"].format(
            at=f"{self.sheet.printed_at:%d/%m/%Y %H:%M}"), align="R")


def daylist_pdf(sheet: DayListSheet) -> bytes:
    """The day list as the bytes of an A4 PDF, one clinic after another."""
    pdf = _DayListPDF(sheet)
    pdf.set_title(WORDS.get(sheet.language, WORDS["vi"])["title"].format(
        day=f"{sheet.day:%d/%m/%Y}"))
    pdf.set_author(_nfc(sheet.facility_name))
    pdf.set_creator("recall")
    pdf.set_lang(sheet.language)
    pdf.set_creation_date(sheet.printed_at)
    for section in sheet.sections or (Section("", ()),):
        pdf.section = _nfc(section.title)
        pdf.start_page()
        for x in section.lines:
            pdf.add_line(x)
        pdf.ln(2)
        pdf.style(9, bold=True)
        pdf.cell(0, 5, pdf.words["total"].format(n=len(section.lines)) if section.lines
                 else pdf.words["none"])
    return bytes(pdf.output())
