import io
import re

import pytest

from recall_tui.print import slip_pdf
from recall_tui.print.slip import sample_slip


@pytest.fixture(scope="module")
def pdf_vi() -> bytes:
    return slip_pdf(sample_slip("vi"))


def _text(data: bytes) -> str:
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_is_a_one_page_a5_pdf(pdf_vi):
    assert pdf_vi.startswith(b"%PDF-")
    assert pdf_vi.rstrip().endswith(b"%%EOF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.\s]+)\]", pdf_vi)
    assert len(boxes) == 1
    x0, y0, x1, y1 = map(float, boxes[0].split())
    assert (x0, y0) == (0, 0)
    assert x1 == pytest.approx(419.53, abs=0.1) and y1 == pytest.approx(595.28, abs=0.1)


def test_embeds_the_unicode_font(pdf_vi):
    names = set(re.findall(rb"/BaseFont\s*/[A-Z]{6}\+(DejaVuSans[-\w]*)", pdf_vi))
    assert names == {b"DejaVuSansBook", b"DejaVuSansBold"}  # regular and bold, subsets
    assert pdf_vi.count(b"/FontFile2") == 2  # each TrueType program itself is inside
    assert b"/ToUnicode" in pdf_vi  # and text can be copied and searched


def test_vietnamese_text_comes_back_exact(pdf_vi):
    text = _text(pdf_vi)
    for words in ("Nguyễn Thị Hồng", "GIẤY HẸN KHÁM LẠI", "Thứ Năm, 10/12/2026",
                  "Buổi: Sáng · 07:00–11:30", "Nhịn ăn sáng để xét nghiệm máu.",
                  "Giấy hẹn có giá trị đến 24/12/2026.", "Mã BN: BN0012345",
                  "Số thẻ BHYT: HC4797938123456", "BS. Trần Văn An (Số GPHN: 001234/TTH-GPHN)",
                  "SỐ THỨ TỰ", "K7M2-QX4", "Nơi khám: Khu khám bệnh B",
                  "Vị trí: Phòng 105, tầng 1, nhà B"):
        assert words in text, words


def test_document_title_names_the_slip(pdf_vi):
    pypdf = pytest.importorskip("pypdf")
    assert pypdf.PdfReader(io.BytesIO(pdf_vi)).metadata.title == "Giấy hẹn khám lại K7M2-QX4"


def test_english_slip():
    text = _text(slip_pdf(sample_slip("en")))
    for words in ("FOLLOW-UP APPOINTMENT SLIP", "Thursday, 10 December 2026", "QUEUE NO.",
                  "Session: Morning · 07:00–11:30", "Nguyễn Thị Hồng"):
        assert words in text, words


def test_same_slip_same_bytes(pdf_vi):
    assert slip_pdf(sample_slip("vi")) == pdf_vi


def test_a_minimal_slip_and_a_long_one_both_render():
    minimal = sample_slip(birth=None, bhyt_number=None, facility_address=None,
                          facility_phone=None, doctor_name=None, instructions=(),
                          validity_note=None, queue_number=None, session_start=None)
    assert "Nguyễn Thị Hồng" in _text(slip_pdf(minimal))
    long = sample_slip(instructions=[f"Dặn dò số {i}: uống thuốc đều, tái khám đúng hẹn."
                                     for i in range(25)],
                       facility_name="Bệnh viện " + "Đa khoa " * 12)
    text = _text(slip_pdf(long))
    assert "Dặn dò số 24" in text and "In lúc 25/11/2026 09:14" in text
    assert "Nguyễn Thị Hồng · BN0012345 · Số phiếu K7M2-QX4 (2)" in text  # page 2 says whose


def test_codes_on_the_sheet_scan():
    pdfium = pytest.importorskip("pypdfium2")
    zxing = pytest.importorskip("zxingcpp")
    doc = pdfium.PdfDocument(slip_pdf(sample_slip("vi")))
    page = doc[0].render(scale=150 / 72).to_pil()
    found = {(r.format.name, r.text) for r in zxing.read_barcodes(page)}
    assert found == {("QRCode", "K7M2-QX4"), ("Code128", "K7M2-QX4")}
