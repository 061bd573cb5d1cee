import dataclasses
import unicodedata
from datetime import date, datetime

import pytest

from recall_tui.print.labels import LABELS, WEEKDAYS
from recall_tui.print.slip import FONT_BOLD, FONT_REGULAR, Slip, sample_slip


def test_text_is_nfc_and_trimmed():
    decomposed = unicodedata.normalize("NFD", "  Nguyễn Thị Hồng ")
    slip = sample_slip(patient_name=decomposed, instructions=unicodedata.normalize("NFD", "Nhịn ăn sáng"))
    assert slip.patient_name == "Nguyễn Thị Hồng"
    assert unicodedata.is_normalized("NFC", slip.patient_name)
    assert slip.instructions == ("Nhịn ăn sáng",)


def test_labels_are_nfc_and_complete_in_both_languages():
    assert LABELS["vi"].keys() == LABELS["en"].keys()
    for table in (*LABELS.values(), *({str(i): w for i, w in enumerate(ws)} for ws in WEEKDAYS.values())):
        for value in table.values():
            assert unicodedata.is_normalized("NFC", value)
    assert LABELS["vi"]["title"] == "Giấy hẹn khám lại"


def test_weekday_and_dates_read_in_the_slip_language():
    vi, en = sample_slip("vi"), sample_slip("en")
    assert vi.appointment_text == "Thứ Năm, 10/12/2026"
    assert en.appointment_text == "Thursday, 10 December 2026"
    assert vi.session_text == "Sáng · 07:00–11:30"
    assert sample_slip(weekday="Thứ 5").appointment_text.startswith("Thứ 5, ")


def test_birth_as_date_or_year():
    assert sample_slip(birth=date(1962, 3, 5)).birth_row == ("Ngày sinh", "05/03/1962")
    assert sample_slip(birth=1962).birth_row == ("Năm sinh", "1962")
    assert sample_slip(birth=None).birth_row is None
    assert [label for label, _ in sample_slip(birth=None, bhyt_number="").patient_rows()] == [
        "Họ và tên", "Mã BN"]


def test_optional_parts_drop_out():
    slip = sample_slip(doctor_name=None, facility_address=" ", facility_phone=None,
                       session_start=None, session_end=None, queue_number=None, where=" ")
    assert slip.place_rows() == [("Nơi khám", "Khu khám bệnh B")]
    assert slip.facility_lines == []
    assert slip.session_text == "Sáng"
    assert slip.queue_text == ""
    assert sample_slip(doctor_licence=None).doctor_text == "BS. Trần Văn An"


def test_scan_value_defaults_to_the_code():
    assert sample_slip().scan_value == "K7M2-QX4"
    assert sample_slip(scan_value="K7M2QX4").scan_value == "K7M2QX4"


def test_bad_slips_are_refused():
    with pytest.raises(ValueError):
        sample_slip(language="fr")
    with pytest.raises(ValueError):
        sample_slip(code=" ")
    with pytest.raises(dataclasses.FrozenInstanceError):
        sample_slip().code = "X"  # type: ignore[misc]


def test_a_slip_has_no_place_for_a_diagnosis():
    names = {f.name for f in dataclasses.fields(Slip)}
    assert not names & {"reason", "diagnosis", "specialty", "icd", "notes"}


def test_fonts_ship_with_their_licence():
    for font in (FONT_REGULAR, FONT_BOLD):
        assert font.read_bytes()[:4] == b"\x00\x01\x00\x00"  # a TrueType font
    licence = (FONT_REGULAR.parent / "LICENSE.txt").read_text()
    assert "Bitstream Vera" in licence and "Arev" in licence


def test_printed_at_is_shown_as_given():
    slip = sample_slip(printed_at=datetime(2026, 11, 25, 9, 14))
    assert slip.printed_text == "In lúc 25/11/2026 09:14"
