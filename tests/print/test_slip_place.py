"""A slip names its clinic as patients are told it (the public name), says where to go, and
never prints the clinic's internal name, a specialty that would reveal a diagnosis. The A5
PDF (read back with pypdf) and the ESC/POS receipt (sent to a local raw-port printer, read
back band by band); on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pytest

from recall_tui.print.escpos import receipt_image, receipt_text
from recall_tui.services import booking, patients, slips
from recall_tui.services.context import Context
from recall_tui.services.patients import PhoneIn

from .escpos_stream import parse
from .test_slip_service import Listener

pytestmark = pytest.mark.storage
SPECIALTY = "Nội tiết – Đái tháo đường"


@pytest.fixture
def endocrine(ctx):
    """The test clinic TM, configured as an endocrinology clinic with a public name and a
    where-to-go line (its name in the database stays "Tim mạch": a specialty too)."""
    clinics = tuple(
        replace(c, name=SPECIALTY, public_name="Khu khám bệnh B",
                where="Phòng 105, tầng 1, nhà B") if c.code == "TM" else c
        for c in ctx.cfg.clinics)
    return Context(cfg=replace(ctx.cfg, clinics=clinics), db=ctx.db, actor=ctx.actor)


@pytest.fixture
def code(ctx, now):
    p = patients.add(ctx, name="Nguyễn Thị Hồng", phones_in=[PhoneIn("0912 345 678")],
                     birth_date=date(1962, 3, 5), now=now)
    return booking.book(ctx, patient=p.mrn, clinic="TM", day=date(2026, 12, 9),
                        part="morning", doctor="BS1", now=now).code


def _never_the_specialty(text: str) -> None:
    for words in (SPECIALTY, "Nội tiết", "Đái tháo đường", "Tim mạch"):
        assert words not in text, words


def test_the_pdf_names_the_public_clinic_and_where_to_go(endocrine, code, now, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    for lang, place, where in (("vi", "Nơi khám: Khu khám bệnh B",
                                "Vị trí: Phòng 105, tầng 1, nhà B"),
                               ("en", "Clinic: Khu khám bệnh B",
                                "Where to go: Phòng 105, tầng 1, nhà B")):
        target = tmp_path / f"slip-{lang}.pdf"
        slips.print_slip(endocrine, code=code, now=now, pdf=target, language=lang)
        text = pypdf.PdfReader(io.BytesIO(target.read_bytes())).pages[0].extract_text()
        assert place in text and where in text
        _never_the_specialty(text)


def test_the_receipt_names_the_public_clinic_and_where_to_go(endocrine, code, now):
    printer = Listener()
    try:
        slips.print_slip(endocrine, code=code, now=now,
                         printer=f"tcp://127.0.0.1:{printer.port}", width=576)
        printed = parse(printer.wait()).image()
    finally:
        printer.close()
    slip = slips.slip_for(endocrine, code=code, now=now)
    # What the printer got is this receipt, whose lines read:
    assert printed.tobytes() == receipt_image(slip, 576).tobytes()
    lines = receipt_text(slip, 576)
    assert "Nơi khám: Khu khám bệnh B" in lines
    assert "Vị trí: Phòng 105, tầng 1, nhà B" in lines
    _never_the_specialty("\n".join(lines))


def test_without_a_where_line_the_slip_leaves_it_out(ctx, code, now):
    """Today's configuration has no ``where`` yet: the slip has the public name only (TM
    has no public_name of its own: the default one, never "Tim mạch")."""
    slip = slips.slip_for(ctx, code=code, now=now)
    assert slip.place_rows()[0] == ("Nơi khám", "Phòng khám TM") and slip.where is None
    _never_the_specialty("\n".join(receipt_text(slip)))
