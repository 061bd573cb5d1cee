"""The insurance XML of QĐ 130/4750 read and written: envelopes, bare tables, folders; every
problem named by file, visit (MA_LK) and field; unsafe XML refused; what recall writes is
what it reads back."""

from __future__ import annotations

import base64
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recall_tui.interop import his_xml, qd130
from recall_tui.interop.his_xml import Xml14

from . import builders as b


def units_of(tmp_path, *files: tuple[str, bytes]):
    for name, data in files:
        b.write(tmp_path, name, data)
    return his_xml.read_units([tmp_path])


# -- the standard's tables --------------------------------------------------------------------

def test_xml14_has_the_standards_fields_in_order():
    assert qd130.XML14.names == (
        "MA_LK", "SO_GIAYHEN_KL", "MA_CSKCB", "HO_TEN", "NGAY_SINH", "GIOI_TINH", "DIA_CHI",
        "MA_THE_BHYT", "GT_THE_DEN", "NGAY_VAO", "NGAY_VAO_NOI_TRU", "NGAY_RA", "NGAY_HEN_KL",
        "CHAN_DOAN_RV", "MA_BENH_CHINH", "MA_BENH_KT", "MA_BENH_YHCT", "MA_DOITUONG_KCB",
        "MA_BAC_SI", "MA_TTDV", "NGAY_CT", "DU_PHONG")
    f = qd130.XML14.field
    assert (f("NGAY_HEN_KL").size, f("NGAY_HEN_KL").fmt) == (8, qd130.DATE8)  # as 4750 made it
    assert (f("NGAY_CT").size, f("MA_CSKCB").size, f("SO_GIAYHEN_KL").size) == (8, 5, 50)
    assert [x.name for x in qd130.XML14.fields if x.required] == [
        "MA_LK", "SO_GIAYHEN_KL", "MA_CSKCB", "HO_TEN", "NGAY_HEN_KL", "MA_BAC_SI", "MA_TTDV",
        "NGAY_CT"]


def test_xml1_carries_what_recall_reads():
    names = qd130.XML1.names
    assert len(names) == 66 and names[:4] == ("MA_LK", "STT", "MA_BN", "HO_TEN")
    for n in ("SO_CCCD", "DIEN_THOAI", "MA_KHOA", "NGAY_TAI_KHAM", "MA_THE_BHYT", "GT_THE_DEN"):
        assert n in names
    assert qd130.XML1.field("DIEN_THOAI").size == 15
    assert qd130.XML1.field("NGAY_TAI_KHAM").fmt == qd130.DATE8_LIST


@pytest.mark.parametrize("value,ok", [
    ("20261210", True), ("20260229", False), ("10/12/2026", False), ("2026-12-10", False),
    ("202612101030", False), ("2026121", False)])
def test_ngay_hen_kl_is_eight_digits_of_a_real_date(value, ok):
    assert (qd130.problem(qd130.XML14.field("NGAY_HEN_KL"), value) is None) is ok


@pytest.mark.parametrize("value,expected", [
    ("197001020000", (date(1970, 1, 2), 1970)), ("197000000000", (None, 1970)),
    ("202611250930", (date(2026, 11, 25), 2026))])
def test_birth_with_unknown_day_and_month(value, expected):
    assert qd130.parse_birth(value) == expected
    assert qd130.problem(qd130.XML14.field("NGAY_SINH"), value) is None


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_dates_round_trip(d):
    assert qd130.parse_date8(qd130.format_date8(d)) == d
    dt = datetime(d.year, d.month, d.day, 23, 59)
    assert qd130.parse_datetime12(qd130.format_datetime12(dt)) == dt


@pytest.mark.parametrize("field,value", [
    ("MA_THE_BHYT", "DN47979151234"), ("GIOI_TINH", "0"), ("MA_BENH_CHINH", "tang huyet ap"),
    ("MA_CSKCB", "7902"), ("MA_BENH_KT", ";".join(["E11"] * 13))])
def test_values_outside_the_standard_are_named(field, value):
    assert qd130.problem(qd130.XML14.field(field), value) is not None


# -- reading --------------------------------------------------------------------------------

def test_an_envelope_of_several_visits(tmp_path):
    data = b.envelope(
        b.visit("LK2611250001"),
        b.visit("LK2611250002", x1={"HO_TEN": "TRẦN THỊ BÍCH NGỌC", "DIEN_THOAI": "01662345678"},
                x14={"HO_TEN": "TRẦN THỊ BÍCH NGỌC", "NGAY_HEN_KL": "20261215"}),
        b.visit("LK2611250003", with_slip=False))
    [u] = units_of(tmp_path, ("GDHS_20261125.xml", data))
    assert u.kind == "envelope" and u.errors == [] and u.facility == b.FACILITY
    assert [v.ma_lk for v in u.visits] == ["LK2611250001", "LK2611250002", "LK2611250003"]
    v2 = u.visits[1]
    assert v2.xml1.ho_ten == "TRẦN THỊ BÍCH NGỌC" and v2.xml1.dien_thoai == "01662345678"
    assert v2.slips[0].ngay_hen_kl == date(2026, 12, 15) and v2.slips[0].key == (
        b.FACILITY, "LK2611250002", "GH250002")
    assert v2.xml1.ma_khoa == ("K01",) and v2.xml1.ma_the_bhyt == ("DN4797915123456",)
    assert u.visits[2].slips == []


def test_vietnamese_text_is_kept_nfc(tmp_path):
    decomposed = "Nguye\u0302\u0303n Thi\u0323 Ho\u0302\u0300ng"  # as some input methods send
    [u] = units_of(tmp_path, ("a.xml", b.envelope(b.visit("LK1", x1={"HO_TEN": decomposed},
                                                          x14={"HO_TEN": decomposed}))))
    assert u.visits[0].slips[0].ho_ten == "Nguyễn Thị Hồng"


def test_a_corrupt_base64_part_names_file_visit_and_field(tmp_path):
    data = b.envelope(b.visit("LK2611250007"))
    good = base64.b64encode(b.xml14("LK2611250007")).decode()
    data = data.replace(good.encode(), good[:40].encode() + b"!!**" + good[44:].encode())
    [u] = units_of(tmp_path, ("bad.xml", data))
    [e] = u.errors
    assert (e.visit, e.table, e.field) == ("LK2611250007", "GIAMDINHHS", "NOIDUNGFILE (XML14)")
    assert "bad.xml, MA_LK LK2611250007" in str(e) and "base64" in str(e)


def test_a_wrong_date_format_names_the_field(tmp_path):
    bad = b.xml14("LK9", check=False, NGAY_HEN_KL="10/12/2026")
    [u] = units_of(tmp_path, ("x.xml", b.envelope([("XML1", b.xml1("LK9")), ("XML14", bad)])))
    [e] = u.errors
    assert (e.visit, e.table, e.field) == ("LK9", "XML14", "NGAY_HEN_KL")
    assert "yyyymmdd" in e.en and "yyyymmdd" in e.vi


def test_every_problem_of_a_file_is_said(tmp_path):
    bad = b.xml14("LK9", check=False, NGAY_HEN_KL="2026-12-10", MA_BAC_SI=None, GIOI_TINH="X")
    [u] = units_of(tmp_path, ("x.xml", b.envelope([("XML14", bad)])))
    assert {e.field for e in u.errors} == {"NGAY_HEN_KL", "MA_BAC_SI", "GIOI_TINH"}


def test_a_file_cut_short_is_caught_by_its_count(tmp_path):
    data = b.envelope(b.visit("LK1"), b.visit("LK2")).replace(
        b"<SOLUONGHOSO>2</SOLUONGHOSO>", b"<SOLUONGHOSO>3</SOLUONGHOSO>")
    [u] = units_of(tmp_path, ("x.xml", data))
    assert [e.field for e in u.errors] == ["SOLUONGHOSO"]


def test_bare_files_of_one_visit_are_joined(tmp_path):
    units = units_of(tmp_path, ("LK5_XML1.xml", b.xml1("LK5", DIEN_THOAI="0988123456")),
                     ("LK5_XML14.xml", b.xml14("LK5")), ("LK6_XML14.xml", b.xml14("LK6")))
    assert sorted(len(u.files) for u in units) == [1, 2]
    joined = next(u for u in units if len(u.files) == 2)
    v = joined.visits[0]
    assert v.xml1.dien_thoai == "0988123456" and len(v.slips) == 1


def test_not_our_files_are_named(tmp_path):
    [u] = units_of(tmp_path, ("x.xml", b"<?xml version='1.0'?><HOADON><A>1</A></HOADON>"))
    assert "HOADON" in u.errors[0].en


BOMBS = [
    b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<CHI_TIEU_GIAYHEN_KHAMLAI><MA_LK>&lol3;</MA_LK></CHI_TIEU_GIAYHEN_KHAMLAI>""",
    b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<CHI_TIEU_GIAYHEN_KHAMLAI><HO_TEN>&xxe;</HO_TEN></CHI_TIEU_GIAYHEN_KHAMLAI>""",
]


@pytest.mark.parametrize("bomb", BOMBS, ids=["billion-laughs", "xxe"])
def test_unsafe_xml_is_refused_unexpanded(tmp_path, bomb):
    [u] = units_of(tmp_path, ("x.xml", bomb))
    assert u.visits == [] and "unsafe" in u.errors[0].en
    # the same inside an envelope's part
    (tmp_path / "env").mkdir()
    inner = b.envelope([("XML14", bomb)])
    [u] = his_xml.read_units([b.write(tmp_path / "env", "inner.xml", inner)])
    assert u.visits == [] and "unsafe" in u.errors[0].en
    assert u.errors[0].field == "NOIDUNGFILE (XML14)"


# -- writing ------------------------------------------------------------------------------------

SLIP = Xml14(ma_lk="RECALL-12", so_giayhen_kl="00000012", ma_cskcb="79024",
             ho_ten="Lê Thị Thu Hà", ngay_hen_kl=date(2026, 12, 10), ma_bac_si="000123/HCM-CCHN",
             ma_ttdv="7901234567", ngay_ct=date(2026, 11, 25), birth_year=1958, gioi_tinh=2,
             ma_the_bhyt=("HT3797912345678",), gt_the_den=(date(2027, 6, 30),),
             ma_benh_chinh="E11.9", ma_benh_kt=("I10",))


def test_written_xml14_reads_back_the_same(tmp_path):
    data = b.envelope([("XML14", his_xml.xml14_bytes(SLIP))])
    [u] = units_of(tmp_path, ("out.xml", data))
    assert u.errors == [] and u.visits[0].slips == [SLIP]
    assert b"<NGAY_HEN_KL>20261210</NGAY_HEN_KL>" in his_xml.xml14_bytes(SLIP)
    assert b"<NGAY_SINH>195800000000</NGAY_SINH>" in his_xml.xml14_bytes(SLIP)


def test_writing_refuses_what_the_standard_does_not_allow():
    from dataclasses import replace

    with pytest.raises(his_xml.WriteError) as err:
        his_xml.xml14_bytes(replace(SLIP, ma_cskcb="7902", ma_bac_si=""))
    assert {f for f, _ in err.value.problems} == {"MA_CSKCB", "MA_BAC_SI"}
    # said in both languages (the export's report shows the person's)
    assert "MA_BAC_SI: missing" in err.value.en and "MA_BAC_SI: thiếu" in err.value.vi
