"""The day list of a clinic as an A4 PDF: the renderer, the service on SQLite and
PostgreSQL, and `recall today --pdf`."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import pytest

from recall_tui.core.calendar import Part
from recall_tui.entry import main
from recall_tui.print.daylist import DayListSheet, Line, Section, daylist_pdf
from recall_tui.services import attendance, booking, patients
from recall_tui.services.day_list_print import print_day_list
from recall_tui.services.patients import PhoneIn

DAY = date(2026, 11, 25)


def _pages(data: bytes) -> list[str]:
    pypdf = pytest.importorskip("pypdf")
    return [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages]


def _line(n: int, name: str = "Nguyễn Thị Hồng") -> Line:
    return Line(queue_no=n, time="07:30", patient=name, birth_year="1962",
                phone="0912 345 678", mrn=f"BN{n:05d}", status="Đã hẹn")


def test_an_a4_sheet_with_vietnamese_names_and_a_signature_column():
    sheet = DayListSheet(facility_name="Phòng khám Thử nghiệm", day=DAY, language="vi",
                         printed_at=datetime(2026, 11, 25, 7, 0), sections=(
                             Section("Tim mạch (TM)", (_line(1), _line(2, "Trần Văn Đức"))),))
    data = daylist_pdf(sheet)
    box = re.findall(rb"/MediaBox\s*\[\s*([\d.\s]+)\]", data)[0].split()
    assert float(box[2]) == pytest.approx(595.28, abs=0.1)  # A4 portrait
    assert float(box[3]) == pytest.approx(841.89, abs=0.1)
    (text,) = _pages(data)
    for words in ("DANH SÁCH KHÁM NGÀY 25/11/2026", "Tim mạch (TM)", "Nguyễn Thị Hồng",
                  "Trần Văn Đức", "Ký tên", "Năm sinh", "BN00002", "0912 345 678", "Tổng: 2"):
        assert words in text
    assert daylist_pdf(sheet) == data  # same list, same bytes


def test_a_long_list_goes_on_with_the_head_on_every_page():
    sheet = DayListSheet(facility_name="PK", day=DAY, language="en",
                         printed_at=datetime(2026, 11, 25, 7, 0),
                         sections=(Section("Nội (NOI)", tuple(_line(n) for n in range(1, 61))),))
    pages = _pages(daylist_pdf(sheet))
    assert len(pages) >= 2
    assert all("Signature" in p and "Nội (NOI)" in p for p in pages)
    assert "Total: 60" in pages[-1]


@pytest.fixture
def day_booked(ctx):
    now = datetime(2026, 11, 25, 6, 30, tzinfo=ctx.tz)
    hong = patients.add(ctx, name="Nguyễn Thị Hồng", phones_in=[PhoneIn("0912 345 678")],
                        birth_date=date(1962, 3, 5), now=now)
    duc = patients.add(ctx, name="Trần Văn Đức", phones_in=[PhoneIn("0987 654 321")],
                       birth_year=1950, now=now)
    gone = patients.add(ctx, name="Lê Thị Mai", birth_year=1970, now=now)
    booking.book(ctx, patient=hong.mrn, clinic="TM", day=DAY, part=Part.MORNING,
                 doctor="BS1", now=now)
    b = booking.book(ctx, patient=duc.mrn, clinic="TM", day=DAY, part=Part.MORNING,
                     doctor="BS1", now=now)
    c = booking.book(ctx, patient=gone.mrn, clinic="TM", day=DAY, part=Part.MORNING,
                     doctor="BS1", now=now)
    booking.book(ctx, patient=gone.mrn, clinic="NOI", day=DAY, part=Part.AFTERNOON, now=now)
    booking.cancel(ctx, code=c.code, by="patient", reason="Đi xa", now=now)
    attendance.check_in(ctx, code=b.code, now=now.replace(hour=8))
    return hong, duc


@pytest.mark.storage
def test_the_day_list_of_one_clinic(ctx, now, day_booked, tmp_path):
    done = print_day_list(ctx, day=DAY, clinic="TM", now=now, pdf=tmp_path / "tm.pdf")
    assert done.patients == 2 and done.where == str(tmp_path / "tm.pdf")
    (text,) = _pages((tmp_path / "tm.pdf").read_bytes())
    assert "Tim mạch (TM)" in text and "Nguyễn Thị Hồng" in text and "Trần Văn Đức" in text
    assert "1962" in text and "Đã đến" in text  # birth year; Đức checked in
    assert "Lê Thị Mai" not in text  # cancelled here, and booked at another clinic


@pytest.mark.storage
def test_every_clinic_starts_a_page_and_english_works(ctx, now, day_booked, tmp_path):
    done = print_day_list(ctx, day=DAY, now=now, pdf=tmp_path / "all.pdf", language="en")
    assert done.patients == 3
    pages = _pages((tmp_path / "all.pdf").read_bytes())
    assert len(pages) == 2
    assert "Lê Thị Mai" in pages[0] and "DAY LIST 25/11/2026" in pages[0]  # NOI comes first
    assert "Trần Văn Đức" in pages[1] and "checked in" in pages[1]


@pytest.mark.storage
def test_cli_today_pdf(config_file, day_booked, tmp_path, capsys):
    target = tmp_path / "out" / "day.pdf"
    code = main(["today", "--clinic", "TM", "--pdf", str(target), "--config", str(config_file),
                 "--now", "2026-11-25T09:00"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert str(target) in out.out and "2 bệnh nhân" in out.out
    assert "Nguyễn Thị Hồng" in _pages(target.read_bytes())[0]
    code = main(["today", "--clinic", "XX", "--pdf", str(target), "--config", str(config_file),
                 "--now", "2026-11-25T09:00"])
    assert code == 1 and "XX" in capsys.readouterr().err
