"""The follow-up slip as an ESC/POS receipt for a thermal printer (phiếu hẹn).

Cheap desk printers have no Vietnamese code page, so the whole receipt, text, QR code and
barcode, is drawn with Pillow in the shipped font as a 1-bit image and sent as raster
graphics (GS v 0). The command stream is only:

    ESC @                      initialise
    GS v 0 0 xL xH yL yH data  one raster band, repeated (bands of at most BAND_ROWS rows)
    ESC d n                    feed n lines, so the end of the slip clears the cutter
    GS V 0                     cut (printers without a cutter ignore it)

Widths: 384 dots for 58 mm paper, 576 dots for 80 mm paper (203 dpi).
"""

from __future__ import annotations

from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont, ImageOps

from .barcode import QUIET_MODULES, code128_modules, qr_matrix
from .slip import FONT_BOLD, FONT_REGULAR, Slip

ESC, GS = b"\x1b", b"\x1d"
INIT = ESC + b"@"
CUT = GS + b"V\x00"
FEED_LINES = 4
BAND_ROWS = 256  # rows per GS v 0 command: small enough for any printer's buffer

WHITE, BLACK = 255, 0


@lru_cache(maxsize=32)
def _font(size: int, bold: bool) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_BOLD if bold else FONT_REGULAR), size)


class _Receipt:
    """Stacks blocks of the paper's width, top to bottom, as 1-bit images."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.k = width / 384  # sizes below are for 58 mm paper; 80 mm scales them up
        self.pad = round(6 * self.k)
        self.blocks: list[Image.Image] = []
        self.lines: list[str] = []  # every line of text drawn, top to bottom

    def px(self, value: float) -> int:
        return max(1, round(value * self.k))

    def gap(self, rows: float) -> None:
        self.blocks.append(Image.new("1", (self.width, self.px(rows)), WHITE))

    def rule(self, weight: float = 2) -> None:
        self.gap(6)
        line = Image.new("1", (self.width, self.px(weight)), BLACK)
        self.blocks.append(line)
        self.gap(6)

    def _wrap(self, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
        lines: list[str] = []
        line = ""
        for word in text.split():
            trial = f"{line} {word}" if line else word
            if font.getlength(trial) <= width:
                line = trial
                continue
            if line:
                lines.append(line)
            while font.getlength(word) > width:  # a word longer than the line: break it
                cut = len(word) - 1
                while cut > 1 and font.getlength(word[:cut]) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        if line:
            lines.append(line)
        return lines or [""]

    def text(self, text: str, size: float, bold: bool = False, align: str = "left",
             indent: float = 0, bullet: str = "") -> None:
        """Wrapped lines of one font; ``bullet`` hangs in the indent of the first line."""
        font = _font(self.px(size), bold)
        left = self.pad + self.px(indent)
        width = self.width - left - self.pad
        ascent, descent = font.getmetrics()
        line_h = ascent + descent + self.px(2)
        for i, line in enumerate(self._wrap(text, font, width)):
            img = Image.new("1", (self.width, line_h), WHITE)
            draw = ImageDraw.Draw(img)
            if align == "center":
                x = left + (width - font.getlength(line)) / 2
            elif align == "right":
                x = left + width - font.getlength(line)
            else:
                x = left
            draw.text((x, 0), line, font=font, fill=BLACK)
            if bullet and i == 0:
                draw.text((self.pad, 0), bullet, font=font, fill=BLACK)
            self.blocks.append(img)
            self.lines.append(f"{bullet} {line}" if bullet and i == 0 else line)

    def pair(self, label: str, value: str, size: float = 20, bold: bool = False) -> None:
        """``Label: value``, the value in a hanging column when the label is short."""
        label_font = _font(self.px(size - 3), False)
        label_w = int(label_font.getlength(f"{label}:")) + self.px(6)
        if label_w > (self.width - 2 * self.pad) * 0.45:
            self.text(f"{label}:", size - 3)
            self.text(value, size, bold=bold, indent=12)
            return
        first, line = len(self.blocks), len(self.lines)
        self.text(value, size, bold=bold, indent=(label_w / self.k))
        self.lines[line] = f"{label}: {self.lines[line]}"
        draw = ImageDraw.Draw(self.blocks[first])
        value_ascent = _font(self.px(size), bold).getmetrics()[0]
        draw.text((self.pad, value_ascent - label_font.getmetrics()[0]), f"{label}:",
                  font=label_font, fill=BLACK)

    def picture(self, img: Image.Image) -> None:
        """A 1-bit picture, centred."""
        row = Image.new("1", (self.width, img.height), WHITE)
        row.paste(img, ((self.width - img.width) // 2, 0))
        self.blocks.append(row)

    def framed(self, label: str, value: str) -> None:
        """A small caption and a big bold value inside a box: the queue number."""
        cap, big = _font(self.px(16), False), _font(self.px(64), True)
        # Boxes of the ink itself (anchor "lt": from the top-left of the text's own extent).
        cap_box, big_box = cap.getbbox(label, anchor="lt"), big.getbbox(value, anchor="lt")
        margin, between = self.px(10), self.px(10)
        box_w = max(cap_box[2], big_box[2]) + 2 * self.px(24)
        box_h = margin + cap_box[3] + between + big_box[3] + margin
        img = Image.new("1", (box_w, box_h), WHITE)
        draw = ImageDraw.Draw(img)
        draw.rectangle((0, 0, box_w - 1, box_h - 1), outline=BLACK, width=self.px(3))
        draw.text(((box_w - cap_box[2]) / 2, margin), label, font=cap, fill=BLACK, anchor="lt")
        draw.text(((box_w - big_box[2]) / 2, margin + cap_box[3] + between), value,
                  font=big, fill=BLACK, anchor="lt")
        self.picture(img)
        self.lines += [label, value]

    def image(self) -> Image.Image:
        height = sum(b.height for b in self.blocks)
        out = Image.new("1", (self.width, height), WHITE)
        y = 0
        for block in self.blocks:
            out.paste(block, (0, y))
            y += block.height
        return out


def _modules_image(rows: list[list[bool]], unit: int, height: int | None = None,
                   quiet: int = 4) -> Image.Image:
    """Modules scaled to ``unit`` dots with a quiet zone; one row stretched to ``height``."""
    cols = len(rows[0]) + 2 * quiet
    small = Image.new("1", (cols, len(rows) + (0 if height else 2 * quiet)), WHITE)
    top = 0 if height else quiet
    for r, row in enumerate(rows):
        for c, dark in enumerate(row):
            if dark:
                small.putpixel((quiet + c, top + r), BLACK)
    size = (small.width * unit, height if height else small.height * unit)
    return small.resize(size, Image.Resampling.NEAREST)


def receipt_image(slip: Slip, width_dots: int = 384) -> Image.Image:
    """The receipt as a 1-bit image ``width_dots`` wide (black text on white)."""
    return _receipt(slip, width_dots).image()


def receipt_text(slip: Slip, width_dots: int = 384) -> list[str]:
    """The lines of text the receipt prints, as wrapped on its paper, top to bottom (what
    a person reads on it; the codes aside)."""
    return _receipt(slip, width_dots).lines


def _receipt(slip: Slip, width_dots: int) -> _Receipt:
    if width_dots < 200 or width_dots % 8:
        raise ValueError("width_dots must be a multiple of 8, e.g. 384 (58 mm) or 576 (80 mm)")
    lab = slip.labels
    r = _Receipt(width_dots)
    r.gap(4)
    r.text(slip.facility_name, 22, bold=True, align="center")
    for line in slip.facility_lines:
        r.text(line, 16, align="center")
    r.rule()
    r.text(lab["title"].upper(), 26, bold=True, align="center")
    r.text(f"{lab['slip_no']}: {slip.code}", 18, align="center")
    r.rule(1)
    for i, (label, value) in enumerate(slip.patient_rows()):
        r.pair(label, value, size=22 if i == 0 else 19, bold=i == 0)
    r.rule(1)
    r.text(lab["appointment"].upper(), 16, align="center")
    r.text(slip.appointment_text, 26, bold=True, align="center")
    r.text(f"{lab['session']}: {slip.session_text}", 21, align="center")
    if slip.queue_text:
        r.gap(8)
        r.framed(lab["queue"].upper(), slip.queue_text)
    r.gap(8)
    for i, (label, value) in enumerate(slip.place_rows()):
        r.pair(label, value, size=21 if i == 0 else 19, bold=i == 0)
    if slip.instructions:
        r.gap(6)
        r.text(f"{lab['instructions']}:", 20, bold=True)
        for item in slip.instructions:
            r.text(item, 19, indent=16, bullet="•")
    if slip.validity_note:
        r.gap(6)
        r.text(slip.validity_note, 19, bold=True)
    r.rule(1)
    r.picture(_modules_image(qr_matrix(slip.scan_value), unit=r.px(5)))
    bars = code128_modules(slip.scan_value)
    unit = max(1, min(r.px(2), (width_dots - 2 * r.pad) // (len(bars) + 2 * QUIET_MODULES)))
    r.picture(_modules_image([bars], unit=unit, height=r.px(56), quiet=QUIET_MODULES))
    r.text(slip.scan_value, 22, bold=True, align="center")
    r.text(lab["scan_hint"], 16, align="center")
    r.rule(1)
    r.text(lab["bring"], 16)
    r.text(lab["earlier"], 16)
    r.text(slip.printed_text, 15, align="right")
    return r


def raster(image: Image.Image) -> bytes:
    """GS v 0 commands printing ``image`` (dark pixels print), in bands of BAND_ROWS rows."""
    mono = ImageOps.invert(image.convert("L")).convert("1", dither=Image.Dither.NONE)
    row_bytes = (mono.width + 7) // 8
    data = mono.tobytes()  # rows padded to whole bytes; 1 = dark after the inversion
    out = bytearray()
    for top in range(0, mono.height, BAND_ROWS):
        rows = min(BAND_ROWS, mono.height - top)
        out += GS + b"v0\x00" + row_bytes.to_bytes(2, "little") + rows.to_bytes(2, "little")
        out += data[top * row_bytes:(top + rows) * row_bytes]
    return bytes(out)


def slip_escpos(slip: Slip, width_dots: int = 384, *, cut: bool = True) -> bytes:
    """The ESC/POS bytes for one receipt: initialise, raster image, feed, cut."""
    body = raster(receipt_image(slip, width_dots))
    return INIT + body + ESC + b"d" + bytes([FEED_LINES]) + (CUT if cut else b"")
