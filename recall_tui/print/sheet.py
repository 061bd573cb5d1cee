"""A printed staff list on A4: a title, then groups of table rows, each group starting a page
with the facility, the title, the group's heading and its table head (repeated on every
page it runs over); a count under each group; the time of printing at the foot.

The day list (``daylist``) and the no-show report (``noshow_report``) are made of it: they
say what their columns and words are, this lays them out. Plain data in, bytes out, in the
shipped DejaVu Sans (embedded): Vietnamese prints the same on any machine; the same sheet
gives the same bytes.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from fpdf import FPDF

from .slip import FONT_BOLD, FONT_REGULAR

FONT = "DejaVuSans"
MARGIN = 12.0  # mm
INK = (20, 20, 20)
GREY = (95, 95, 95)
PALE = (235, 235, 235)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "").strip()


@dataclass(frozen=True)
class Column:
    heading: str
    width: float  # mm; a group's columns add up to at most 186 mm (A4 inside the margins)
    align: str = "L"  # "L" | "C" | "R"
    size: float = 9.0  # pt, shrunk down to 7 pt to fit, then cut with an ellipsis


@dataclass(frozen=True)
class Group:
    heading: str  # e.g. "Tim mạch (TM)"
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]  # one text per column


@dataclass(frozen=True)
class Words:
    """The sheet's fixed words; ``{n}`` and ``{at}`` are filled in."""

    total: str = "Tổng: {n}"
    none: str = "Không có."
    page: str = "Trang {n}"
    printed: str = "In lúc {at}"


@dataclass(frozen=True, kw_only=True)
class Sheet:
    facility_name: str
    title: str
    groups: tuple[Group, ...]
    language: str  # "vi" | "en"
    printed_at: datetime  # naive clinic-local: same sheet, same bytes
    words: Words = Words()
    row_height: float = 7.0  # mm (7: room to sign)


class _SheetPDF(FPDF):
    def __init__(self, sheet: Sheet) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.add_font(FONT, "", str(FONT_REGULAR))
        self.add_font(FONT, "B", str(FONT_BOLD))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(False)
        self.sheet = sheet
        self.group: Group | None = None

    def style(self, size: float, bold: bool = False, color=INK) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(*color)

    def start_page(self) -> None:
        self.add_page()
        w = self.w - 2 * MARGIN
        self.style(10, bold=True)
        self.cell(w * 0.6, 5, nfc(self.sheet.facility_name))
        self.style(8, color=GREY)
        self.cell(w * 0.4, 5, self.sheet.words.page.format(n=self.page_no()), align="R")
        self.ln(7)
        self.style(13, bold=True)
        self.cell(w, 7, nfc(self.sheet.title), align="C")
        self.ln(7)
        self.style(11, bold=True)
        self.cell(w, 6, nfc(self.group.heading) if self.group else "", align="C")
        self.ln(9)
        if self.group is None:
            return
        self.style(8.5, bold=True)
        self.set_fill_color(*PALE)
        for col in self.group.columns:
            self.cell(col.width, self.sheet.row_height, nfc(col.heading), border=1, align="C",
                      fill=True)
        self.ln(self.sheet.row_height)

    def fitted(self, text: str, width: float, size: float) -> str:
        """``text`` at a size that fits ``width`` (down to 7 pt), else cut with an ellipsis."""
        self.style(size)
        while self.get_string_width(text) > width - 2 and size > 7:
            size -= 0.5
            self.style(size)
        while text and self.get_string_width(text) > width - 2:
            text = text[:-2] + "…"
        return text

    def add_row(self, values: tuple[str, ...]) -> None:
        assert self.group is not None
        h = self.sheet.row_height
        if self.get_y() + h > self.h - MARGIN - 6:
            self.start_page()
        for col, value in zip(self.group.columns, values):
            text = self.fitted(nfc(value), col.width, col.size)
            self.cell(col.width, h, text, border=1, align=col.align)
        self.ln(h)

    def footer(self) -> None:
        self.set_y(self.h - MARGIN - 4)
        self.style(7.5, color=GREY)
        self.cell(self.w - 2 * MARGIN, 4, self.sheet.words.printed.format(
            at=f"{self.sheet.printed_at:%d/%m/%Y %H:%M}"), align="R")


def sheet_pdf(sheet: Sheet) -> bytes:
    """The sheet as the bytes of an A4 PDF, one group after another."""
    pdf = _SheetPDF(sheet)
    pdf.set_title(nfc(sheet.title))
    pdf.set_author(nfc(sheet.facility_name))
    pdf.set_creator("recall")
    pdf.set_lang(sheet.language)
    pdf.set_creation_date(sheet.printed_at)
    for group in sheet.groups or (Group("", (), ()),):
        pdf.group = group
        pdf.start_page()
        for row in group.rows:
            pdf.add_row(row)
        pdf.ln(2)
        pdf.style(9, bold=True)
        pdf.cell(0, 5, sheet.words.total.format(n=len(group.rows)) if group.rows
                 else sheet.words.none)
    return bytes(pdf.output())
