"""The follow-up slip as an A5 PDF, for the desk's laser or inkjet printer.

Black and greys only (it is printed in black and white and photocopied); the text is in the
shipped DejaVu Sans, embedded, so Vietnamese prints the same on any machine; the QR code
and the Code 128 barcode are drawn as vector rectangles, sharp at any printer resolution.
"""

from __future__ import annotations

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from .barcode import QUIET_MODULES, code128_modules, qr_matrix, runs
from .slip import FONT_BOLD, FONT_REGULAR, Slip

FONT = "DejaVuSans"
A5_MM = (148.0, 210.0)  # given in mm: fpdf2 before 2.8.5 had the named "A5" slightly wrong
MARGIN = 12.0  # mm, all sides
INK = (20, 20, 20)
GREY = (95, 95, 95)
RULE = (150, 150, 150)
PALE = (238, 238, 238)


class _SlipPDF(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format=A5_MM)
        self.add_font(FONT, "", FONT_REGULAR)
        self.add_font(FONT, "B", FONT_BOLD)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN)
        self.c_margin = 0  # cells start exactly at x: the layout below does its own gaps
        self.running_head = ""  # who and which slip, atop any page after the first

    def header(self) -> None:
        if self.page_no() > 1 and self.running_head:
            self.style(8, color=GREY)
            self.set_xy(MARGIN, MARGIN)
            self.cell(self.width, 4, f"{self.running_head} ({self.page_no()})", align="R")
            self.rule(MARGIN + 5.5)
            self.set_xy(MARGIN, MARGIN + 9)

    # ---- small drawing helpers -------------------------------------------------------

    @property
    def width(self) -> float:
        return self.w - 2 * MARGIN

    @property
    def bottom(self) -> float:
        return self.h - MARGIN

    def style(self, size: float, bold: bool = False, color: tuple[int, int, int] = INK) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(*color)

    def ensure(self, height: float) -> None:
        """Start a new page unless ``height`` mm still fit on this one."""
        if self.get_y() + height > self.bottom:
            self.add_page()

    def fit(self, text: str, width: float, size: float, bold: bool, min_size: float) -> float:
        """The largest size up to ``size`` at which ``text`` fits in ``width``."""
        while size > min_size:
            self.set_font(FONT, "B" if bold else "", size)
            if self.get_string_width(text) <= width:
                break
            size -= 0.5
        return size

    def text_height(self, width: float, line: float, text: str) -> float:
        lines = self.multi_cell(width, line, text, dry_run=True, output=MethodReturnValue.LINES)
        return len(lines) * line

    def rule(self, y: float, color: tuple[int, int, int] = RULE, weight: float = 0.3) -> None:
        self.set_draw_color(*color)
        self.set_line_width(weight)
        self.line(MARGIN, y, self.w - MARGIN, y)

    def modules(self, rows: list[list[bool]], x: float, y: float, unit: float,
                height: float | None = None) -> None:
        """Dark modules as filled rectangles; ``height`` stretches a single row (barcode)."""
        self.set_fill_color(0, 0, 0)
        for r, row in enumerate(rows):
            for start, length in runs(row):
                self.rect(x + start * unit, y + r * unit, length * unit,
                          height if height is not None else unit, style="F")

    def row(self, label: str, value: str, label_w: float, size: float = 10,
            bold: bool = False, line: float = 5.2) -> None:
        y = self.get_y()
        self.style(8.5, color=GREY)
        self.set_xy(MARGIN, y + 0.35)
        self.cell(label_w, line, f"{label}:")
        self.style(size, bold=bold)
        self.set_xy(MARGIN + label_w, y)
        self.multi_cell(self.width - label_w, line, value, align="L",
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def slip_pdf(slip: Slip) -> bytes:
    """The slip as the bytes of a one-page (rarely two) A5 PDF."""
    pdf = _SlipPDF()
    lab = slip.labels
    title = lab["title"]
    pdf.set_title(f"{title} {slip.code}")
    pdf.set_subject(title)
    pdf.set_author(slip.facility_name)
    pdf.set_creator("recall")
    pdf.set_lang(slip.language)
    pdf.set_creation_date(slip.printed_at)  # same slip, same bytes
    pdf.running_head = f"{slip.patient_name} · {slip.mrn} · {lab['slip_no']} {slip.code}"
    pdf.add_page()
    w = pdf.width

    # Header: the facility on the left, the slip number on the right.
    number_w = 40.0
    left_w = w - number_w - 4
    pdf.set_xy(MARGIN, MARGIN)
    pdf.style(11.5, bold=True)
    pdf.multi_cell(left_w, 5.4, slip.facility_name, align="L",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.style(8.5, color=GREY)
    for line in slip.facility_lines:
        pdf.multi_cell(left_w, 4.2, line, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    left_end = pdf.get_y()
    pdf.style(7.5, color=GREY)
    pdf.set_xy(pdf.w - MARGIN - number_w, MARGIN)
    pdf.cell(number_w, 4, lab["slip_no"], align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)
    size = pdf.fit(slip.code, number_w, 13, True, 8)
    pdf.style(size, bold=True)
    pdf.cell(number_w, 6, slip.code, align="R")
    y = max(left_end, MARGIN + 10) + 2.5
    pdf.rule(y, INK, 0.5)

    # Title.
    pdf.set_xy(MARGIN, y + 4)
    size = pdf.fit(title.upper(), w, 17, True, 11)
    pdf.style(size, bold=True)
    pdf.cell(w, 8, title.upper(), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)

    # The patient. One label column for this block and the place block below.
    pdf.style(8.5)
    rows = slip.patient_rows() + slip.place_rows()
    label_w = max(pdf.get_string_width(f"{label}:") for label, _ in rows) + 3
    for i, (label, value) in enumerate(slip.patient_rows()):
        if i == 0:
            pdf.row(label, value, label_w, size=12, bold=True, line=6)
        else:
            pdf.row(label, value, label_w)
    pdf.ln(3)

    # The appointment: date and session on the left, the queue number boxed on the right.
    box_h = 27.0
    pdf.ensure(box_h)
    top = pdf.get_y()
    queue_w = 30.0 if slip.queue_text else 0.0
    pdf.set_fill_color(*PALE)
    pdf.rect(MARGIN, top, w, box_h, style="F", round_corners=True, corner_radius=2)
    inner_x, inner_w = MARGIN + 4, w - 8 - (queue_w + 3 if queue_w else 0)
    pdf.set_xy(inner_x, top + 3)
    pdf.style(8, color=GREY)
    pdf.cell(inner_w, 4, lab["appointment"].upper(), new_x=XPos.LEFT, new_y=YPos.NEXT)
    size = pdf.fit(slip.appointment_text, inner_w, 15, True, 10)
    pdf.style(size, bold=True)
    pdf.cell(inner_w, 9, slip.appointment_text, new_x=XPos.LEFT, new_y=YPos.NEXT)
    session = f"{lab['session']}: {slip.session_text}"
    size = pdf.fit(session, inner_w, 11.5, False, 8)
    pdf.style(size)
    pdf.cell(inner_w, 7, session)
    if queue_w:
        qx = MARGIN + w - queue_w - 3
        pdf.set_fill_color(255, 255, 255)
        pdf.set_draw_color(*INK)
        pdf.set_line_width(0.6)
        pdf.rect(qx, top + 3, queue_w, box_h - 6, style="DF", round_corners=True,
                 corner_radius=1.5)
        pdf.set_xy(qx, top + 4.5)
        pdf.style(7.5, color=GREY)
        pdf.cell(queue_w, 4, lab["queue"].upper(), align="C", new_x=XPos.LEFT,
                 new_y=YPos.NEXT)
        size = pdf.fit(slip.queue_text, queue_w - 4, 28, True, 12)
        pdf.style(size, bold=True)
        pdf.cell(queue_w, 13, slip.queue_text, align="C")
    pdf.set_xy(MARGIN, top + box_h + 4)

    # Where, with whom, what to do.
    for i, (label, value) in enumerate(slip.place_rows()):
        pdf.row(label, value, label_w, size=11 if i == 0 else 10, bold=i == 0, line=5.6)
    if slip.instructions:
        pdf.ln(2.5)
        pdf.style(10, bold=True)
        pdf.cell(w, 5.5, f"{lab['instructions']}:", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        for item in slip.instructions:
            pdf.style(10)
            pdf.cell(5, 5.2, "•")
            pdf.multi_cell(w - 5, 5.2, item, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if slip.validity_note:
        pdf.ln(2.5)
        pdf.style(10, bold=True)
        pdf.multi_cell(w, 5.4, slip.validity_note, align="L",
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    # The codes: QR on the left, Code 128 with the code in words on the right.
    qr = qr_matrix(slip.scan_value)
    qr_size = 24.0
    codes_h = qr_size + 2
    pdf.ln(4)
    pdf.ensure(codes_h)
    top = pdf.get_y()
    pdf.modules(qr, MARGIN, top, qr_size / len(qr))
    bars = code128_modules(slip.scan_value)
    bx = MARGIN + qr_size + 8  # the QR's own quiet zone is the gap on its right
    avail = pdf.w - MARGIN - bx
    unit = min(0.33, avail / (len(bars) + 2 * QUIET_MODULES))
    pdf.modules([bars], bx + QUIET_MODULES * unit, top + 1, unit, height=12)
    bx += QUIET_MODULES * unit  # text lines up with the first bar
    avail -= QUIET_MODULES * unit
    pdf.set_xy(bx, top + 14)
    pdf.style(11, bold=True)
    pdf.cell(avail, 5, slip.scan_value, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.style(8, color=GREY)
    pdf.multi_cell(avail, 4, lab["scan_hint"], align="L", new_x=XPos.LMARGIN,
                   new_y=YPos.NEXT)
    pdf.set_y(max(pdf.get_y(), top + codes_h))

    # Footer, at the foot of the page: what to bring, when to come earlier, when printed.
    pdf.style(8.5)
    notes = [lab["bring"], lab["earlier"]]
    notes_h = sum(pdf.text_height(w, 4.3, n) for n in notes)
    footer_h = 3 + notes_h + 5
    pdf.ensure(footer_h + 3)
    y = max(pdf.get_y() + 3, pdf.bottom - footer_h)
    pdf.rule(y)
    pdf.set_xy(MARGIN, y + 2)
    for note in notes:
        pdf.style(8.5)
        pdf.multi_cell(w, 4.3, note, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.style(7, color=GREY)
    pdf.cell(w, 4.5, slip.printed_text, align="R")
    return bytes(pdf.output())
