"""The daily no-show report as an A4 PDF (báo cáo bệnh nhân không đến): the day's no-shows,
then the open call list, each with a column to note the call. Laid out as a staff
``sheet``, like the day list."""

from __future__ import annotations

from datetime import datetime

from ..core.calendar import Part
from ..core.reports import NoShowReport, reason_text
from .sheet import Column, Group, Sheet, Words, sheet_pdf

WORDS = {
    "vi": {"title": "BÁO CÁO KHÔNG ĐẾN NGÀY {day}", "no_shows": "Không đến ngày {day}",
           "tasks": "Danh sách cần gọi (còn mở)", "clinic": "Nơi khám", "session": "Buổi",
           "queue": "STT", "patient": "Họ tên bệnh nhân", "born": "Ngày sinh",
           "phone": "Điện thoại", "mrn": "Mã BN", "code": "Mã hẹn", "reason": "Lý do",
           "since": "Từ ngày", "next": "Gọi ngày", "tries": "Đã gọi",
           "total": "Tổng: {n}", "none": "Không có.", "page": "Trang {n}",
           "printed": "In lúc {at}"},
    "en": {"title": "NO-SHOW REPORT {day}", "no_shows": "No-shows of {day}",
           "tasks": "Call list (open)", "clinic": "Clinic", "session": "Session",
           "queue": "No.", "patient": "Patient", "born": "Born", "phone": "Phone",
           "mrn": "MRN", "code": "Code", "reason": "Reason", "since": "Since",
           "next": "Call on", "tries": "Calls", "total": "Total: {n}",
           "none": "None.", "page": "Page {n}", "printed": "Printed {at}"},
}
_PART_EN = {"morning": "Morning", "afternoon": "Afternoon", "evening": "Evening"}


def part_text(part: str, language: str) -> str:
    try:
        p = Part(part)
    except ValueError:
        return part
    return p.vi if language == "vi" else _PART_EN[p.value]


def noshow_pdf(report: NoShowReport, *, language: str, printed_at: datetime) -> bytes:
    """The report as the bytes of an A4 PDF (``printed_at``: naive clinic-local)."""
    w = WORDS.get(language, WORDS["vi"])
    day = f"{report.day:%d/%m/%Y}"
    missed = Group(w["no_shows"].format(day=day), (
        Column(w["clinic"], 30), Column(w["session"], 19), Column(w["queue"], 10, "C"),
        Column(w["patient"], 44, size=10), Column(w["born"], 19, "C"),
        Column(w["phone"], 25), Column(w["mrn"], 19), Column(w["code"], 20)), tuple(
        (x.clinic, f"{part_text(x.part, language)} {x.starts:%H:%M}" if x.starts
         else part_text(x.part, language), str(x.queue_no), x.patient, x.born, x.phone,
         x.mrn, x.code) for x in report.no_shows))
    calls = Group(w["tasks"], (
        Column(w["reason"], 26), Column(w["since"], 17, "C"), Column(w["next"], 17, "C"),
        Column(w["tries"], 12, "C"), Column(w["patient"], 42, size=10),
        Column(w["phone"], 25), Column(w["mrn"], 19), Column(w["clinic"], 28)), tuple(
        (reason_text(x.reason, language), f"{x.since:%d/%m/%Y}", f"{x.next_call:%d/%m/%Y}",
         str(x.attempts), x.patient, x.phone, x.mrn, x.clinic) for x in report.tasks))
    return sheet_pdf(Sheet(
        facility_name=report.facility, title=w["title"].format(day=day),
        groups=(missed, calls), language=language, printed_at=printed_at,
        words=Words(total=w["total"], none=w["none"], page=w["page"], printed=w["printed"])))
