"""The day list of a clinic as an A4 PDF: who is expected, in queue order, with a column to
sign on arrival (danh sách khám trong ngày).

Plain data in (``DayListSheet``), bytes out, laid out as a staff ``sheet``: the text is in
the shipped DejaVu Sans, embedded, so Vietnamese names print the same on any machine. Each
clinic starts a page; the table head repeats on every page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from .sheet import Column, Group, Sheet, Words, sheet_pdf

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


def daylist_pdf(sheet: DayListSheet) -> bytes:
    """The day list as the bytes of an A4 PDF, one clinic after another."""
    words = WORDS.get(sheet.language, WORDS["vi"])
    columns = tuple(Column(words[key], width, align, 10 if key == "patient" else 9)
                    for key, width, align in COLUMNS)
    groups = tuple(Group(section.title, columns, tuple(
        (str(x.queue_no), x.time, x.patient, x.birth_year, x.phone, x.mrn, x.status, "")
        for x in section.lines)) for section in sheet.sections or (Section("", ()),))
    return sheet_pdf(Sheet(
        facility_name=sheet.facility_name, title=words["title"].format(
            day=f"{sheet.day:%d/%m/%Y}"), groups=groups, language=sheet.language,
        printed_at=sheet.printed_at,
        words=Words(total=words["total"], none=words["none"], page=words["page"],
                    printed=words["printed"])))
