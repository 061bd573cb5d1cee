"""Files as a hospital's system writes them, built from the standard's field list
(``recall_tui.interop.qd130``): XML1 and XML14 of a visit, and the GIAMDINHHS envelope."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from recall_tui.interop import his_xml, qd130

FACILITY = "79024"  # MA_CSKCB of the test hospital


def xml1(ma_lk: str, *, check: bool = True, **fields: str | None) -> bytes:
    """XML1 (TONG_HOP) of a visit: the fields recall reads, and some billing ones."""
    values = {
        "MA_LK": ma_lk, "STT": "1", "MA_BN": "BN" + ma_lk[-6:], "HO_TEN": "NGUYỄN VĂN AN",
        "SO_CCCD": "079070001234", "NGAY_SINH": "197001020000", "GIOI_TINH": "1",
        "MA_QUOCTICH": "000", "MA_DANTOC": "01", "MA_NGHE_NGHIEP": "00000",
        "DIA_CHI": "12 Lý Thường Kiệt, Phường 7, Quận 10, TP. Hồ Chí Minh",
        "DIEN_THOAI": "0912345678", "MA_THE_BHYT": "DN4797915123456", "MA_DKBD": "79024",
        "GT_THE_TU": "20260101", "GT_THE_DEN": "20271231", "LY_DO_VV": "Khám bệnh",
        "CHAN_DOAN_VAO": "Tăng huyết áp", "CHAN_DOAN_RV": "Tăng huyết áp vô căn (nguyên phát)",
        "MA_BENH_CHINH": "I10", "MA_BENH_KT": "E11.9;E78.5", "MA_DOITUONG_KCB": "1",
        "NGAY_VAO": "202611250730", "NGAY_RA": "202611251015", "SO_NGAY_DTRI": "0",
        "KET_QUA_DTRI": "2", "MA_LOAI_RV": "1", "T_THUOC": "125000", "T_VTYT": "0",
        "T_TONGCHI_BV": "163500", "T_TONGCHI_BH": "163500", "T_BNTT": "0", "T_BNCCT": "32700",
        "T_BHTT": "130800", "T_NGUONKHAC": "0", "T_BHTT_GDV": "0", "NAM_QT": "2026",
        "THANG_QT": "11", "MA_LOAI_KCB": "01", "MA_KHOA": "K01", "MA_CSKCB": FACILITY,
        "NGAY_TAI_KHAM": "20261210", "MA_TTDV": "7901234567",
    }
    values.update(fields)
    return his_xml.table_xml(qd130.XML1, {k: v for k, v in values.items() if v is not None},
                             check=check)


def xml14(ma_lk: str, *, check: bool = True, **fields: str | None) -> bytes:
    """XML14 (CHI_TIEU_GIAYHEN_KHAMLAI): the follow-up slip, every field of the table."""
    values = {
        "MA_LK": ma_lk, "SO_GIAYHEN_KL": "GH" + ma_lk[-6:], "MA_CSKCB": FACILITY,
        "HO_TEN": "NGUYỄN VĂN AN", "NGAY_SINH": "197001020000", "GIOI_TINH": "1",
        "DIA_CHI": "12 Lý Thường Kiệt, Phường 7, Quận 10, TP. Hồ Chí Minh",
        "MA_THE_BHYT": "DN4797915123456", "GT_THE_DEN": "20271231",
        "NGAY_VAO": "202611250730", "NGAY_RA": "202611251015", "NGAY_HEN_KL": "20261210",
        "CHAN_DOAN_RV": "Tăng huyết áp vô căn (nguyên phát)", "MA_BENH_CHINH": "I10",
        "MA_BENH_KT": "E11.9;E78.5", "MA_DOITUONG_KCB": "1", "MA_BAC_SI": "000111/HCM-CCHN",
        "MA_TTDV": "7901234567", "NGAY_CT": "20261125",
    }
    values.update(fields)
    return his_xml.table_xml(qd130.XML14, {k: v for k, v in values.items() if v is not None},
                             check=check)


def envelope(*visits: list[tuple[str, bytes]], facility: str = FACILITY,
             made_on: date = date(2026, 11, 25)) -> bytes:
    return his_xml.envelope(facility=facility, made_on=made_on, visits=list(visits))


def visit(ma_lk: str, *, with_slip: bool = True, x1: dict | None = None,
          x14: dict | None = None) -> list[tuple[str, bytes]]:
    parts = [("XML1", xml1(ma_lk, **(x1 or {})))]
    if with_slip:
        parts.append(("XML14", xml14(ma_lk, **(x14 or {}))))
    return parts


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path
