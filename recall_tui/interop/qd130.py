"""The field tables of Quyết định 130/QĐ-BYT (2023) as amended by 4750/QĐ-BYT (2023), as
data: the tables recall reads and writes (XML1 "TONG_HOP", XML14
"CHI_TIEU_GIAYHEN_KHAMLAI"), the envelope that carries them (GIAMDINHHS), and the formats
their values take.

Each field has the standard's type (Chuỗi = text, Số = number), its maximum size in
characters (None where the standard says "n": no limit) and, where the standard fixes
one, its format:

- ``yyyymmdd``: 8 digits, a real date (NGAY_CT, GT_THE_DEN, NGAY_HEN_KL since 4750);
- ``yyyymmddHHMM``: 12 digits, a real date and a 24-hour time (NGAY_VAO, NGAY_RA);
- ``birth``: 12 digits yyyymmddHHMM where an unknown month and day are ``0000`` and an
  unknown time is ``0000`` (NGAY_SINH);
- lists separated by ";" (several insurance cards, several follow-up dates, up to 12
  secondary diagnoses).

Where 4750 changed a field of 130, the field says so (``changed``). Sources and the
mapping to recall: docs/his.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from ..core import icd10

TEXT, NUMBER = "Chuỗi", "Số"

DATE8 = "yyyymmdd"
DATETIME12 = "yyyymmddHHMM"
BIRTH12 = "birth"
DATE8_LIST = "yyyymmdd;"
SEX = "sex"
ICD10 = "icd10"
ICD10_LIST = "icd10;"
CARDS = "bhyt;"
DIGITS = "digits"
DECIMAL = "decimal"
PHONE = "phone"
ID_NUMBER = "id"
FACILITY = "cskcb"

MAX_SECONDARY_CODES = 12  # MA_BENH_KT: "chỉ được ghi tối đa 12 mã bệnh kèm theo"


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # TEXT (Chuỗi) or NUMBER (Số)
    size: int | None  # maximum length in characters; None: no limit ("n")
    fmt: str | None = None
    required: bool = False
    changed: str = ""  # what 4750/QĐ-BYT changed


@dataclass(frozen=True)
class Table:
    code: str  # LOAIHOSO: "XML1", "XML14"
    root: str  # the root element of the table's XML
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field | None:
        return self._by_name.get(name)

    @property
    def _by_name(self) -> dict[str, Field]:
        cached = self.__dict__.get("_index")
        if cached is None:
            cached = {f.name: f for f in self.fields}
            object.__setattr__(self, "_index", cached)
        return cached

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


def _f(name, kind, size, fmt=None, required=False, changed=""):
    return Field(name, kind, size, fmt, required, changed)


# Bảng 1: chỉ tiêu tổng hợp khám bệnh, chữa bệnh (root TONG_HOP), in the standard's order.
# recall requires the identity of the visit and of the patient; every other field is
# checked against its type, size and format when present.
XML1 = Table("XML1", "TONG_HOP", (
    _f("MA_LK", TEXT, 100, required=True),
    _f("STT", NUMBER, 10, DIGITS),
    _f("MA_BN", TEXT, 100, required=True),
    _f("HO_TEN", TEXT, 255, required=True),
    _f("SO_CCCD", NUMBER, 15, ID_NUMBER),
    _f("NGAY_SINH", TEXT, 12, BIRTH12, required=True),
    _f("GIOI_TINH", NUMBER, 1, SEX),
    _f("NHOM_MAU", TEXT, 10, changed="added by 4750"),
    _f("MA_QUOCTICH", NUMBER, 3, DIGITS),
    _f("MA_DANTOC", NUMBER, 2, DIGITS),
    _f("MA_NGHE_NGHIEP", NUMBER, 5, DIGITS),
    _f("DIA_CHI", TEXT, 1024),
    _f("MATINH_CU_TRU", TEXT, 3),
    _f("MAHUYEN_CU_TRU", TEXT, 3),
    _f("MAXA_CU_TRU", TEXT, 5),
    _f("DIEN_THOAI", NUMBER, 15, PHONE),
    _f("MA_THE_BHYT", TEXT, None, CARDS),
    _f("MA_DKBD", TEXT, None),
    _f("GT_THE_TU", TEXT, None, DATE8_LIST),
    _f("GT_THE_DEN", TEXT, None, DATE8_LIST),
    _f("NGAY_MIEN_CCT", TEXT, 12),
    _f("LY_DO_VV", TEXT, None),
    _f("LY_DO_VNT", TEXT, None),
    _f("MA_LY_DO_VNT", TEXT, 5),
    _f("CHAN_DOAN_VAO", TEXT, None),
    _f("CHAN_DOAN_RV", TEXT, None),
    _f("MA_BENH_CHINH", TEXT, 7, ICD10),
    _f("MA_BENH_KT", TEXT, 100, ICD10_LIST),
    _f("MA_BENH_YHCT", TEXT, 255),
    _f("MA_PTTT_QT", TEXT, 125),
    _f("MA_DOITUONG_KCB", TEXT, 4, changed="size 3 -> 4"),
    _f("MA_NOI_DI", TEXT, 5),
    _f("MA_NOI_DEN", TEXT, 5),
    _f("MA_TAI_NAN", NUMBER, 1, DIGITS),
    _f("NGAY_VAO", TEXT, 12, DATETIME12),
    _f("NGAY_VAO_NOI_TRU", TEXT, 12, DATETIME12),
    _f("NGAY_RA", TEXT, 12, DATETIME12),
    _f("GIAY_CHUYEN_TUYEN", TEXT, 50),
    _f("SO_NGAY_DTRI", NUMBER, 3, DIGITS),
    _f("PP_DIEU_TRI", TEXT, None),
    _f("KET_QUA_DTRI", NUMBER, 1, DIGITS),
    _f("MA_LOAI_RV", NUMBER, 1, DIGITS),
    _f("GHI_CHU", TEXT, None),
    _f("NGAY_TTOAN", TEXT, 12, DATETIME12),
    _f("T_THUOC", NUMBER, 15, DECIMAL),
    _f("T_VTYT", NUMBER, 15, DECIMAL),
    _f("T_TONGCHI_BV", NUMBER, 15, DECIMAL),
    _f("T_TONGCHI_BH", NUMBER, 15, DECIMAL),
    _f("T_BNTT", NUMBER, 15, DECIMAL),
    _f("T_BNCCT", NUMBER, 15, DECIMAL),
    _f("T_BHTT", NUMBER, 15, DECIMAL),
    _f("T_NGUONKHAC", NUMBER, 15, DECIMAL),
    _f("T_BHTT_GDV", NUMBER, 15, DECIMAL),
    _f("NAM_QT", NUMBER, 4, DIGITS),
    _f("THANG_QT", NUMBER, 2, DIGITS),
    _f("MA_LOAI_KCB", NUMBER, 2, DIGITS),
    _f("MA_KHOA", TEXT, 50),
    _f("MA_CSKCB", TEXT, 5, FACILITY, required=True),
    _f("MA_KHUVUC", TEXT, 2),
    _f("CAN_NANG", TEXT, 6),
    _f("CAN_NANG_CON", TEXT, 100),
    _f("NAM_NAM_LIEN_TUC", TEXT, 8, DATE8),
    _f("NGAY_TAI_KHAM", TEXT, 50, DATE8_LIST),
    _f("MA_HSBA", TEXT, 100),
    _f("MA_TTDV", TEXT, 10),
    _f("DU_PHONG", TEXT, None),
))

# Bảng 14: chỉ tiêu dữ liệu giấy hẹn khám lại (root CHI_TIEU_GIAYHEN_KHAMLAI). The
# standard numbers them 1-13 and 15-23 (there is no 14). Required as the standard marks
# them.
XML14 = Table("XML14", "CHI_TIEU_GIAYHEN_KHAMLAI", (
    _f("MA_LK", TEXT, 100, required=True),
    _f("SO_GIAYHEN_KL", TEXT, 50, required=True),
    _f("MA_CSKCB", TEXT, 5, FACILITY, required=True),
    _f("HO_TEN", TEXT, 255, required=True),
    _f("NGAY_SINH", TEXT, 12, BIRTH12),
    _f("GIOI_TINH", NUMBER, 1, SEX),
    _f("DIA_CHI", TEXT, 1024),
    _f("MA_THE_BHYT", TEXT, None, CARDS),
    _f("GT_THE_DEN", TEXT, None, DATE8_LIST),
    _f("NGAY_VAO", TEXT, 12, DATETIME12),
    _f("NGAY_VAO_NOI_TRU", TEXT, 12, DATETIME12),
    _f("NGAY_RA", TEXT, 12, DATETIME12),
    _f("NGAY_HEN_KL", TEXT, 8, DATE8, required=True,
       changed="130 wrote 12 characters yyyymmddHHMM; 4750: 8 characters yyyymmdd"),
    _f("CHAN_DOAN_RV", TEXT, None),
    _f("MA_BENH_CHINH", TEXT, 7, ICD10),
    _f("MA_BENH_KT", TEXT, 100, ICD10_LIST),
    _f("MA_BENH_YHCT", TEXT, 255),
    _f("MA_DOITUONG_KCB", TEXT, 4),
    _f("MA_BAC_SI", TEXT, 255, required=True),
    _f("MA_TTDV", TEXT, 10, required=True),
    _f("NGAY_CT", TEXT, 8, DATE8, required=True),
    _f("DU_PHONG", TEXT, None),
))

TABLES = {t.code: t for t in (XML1, XML14)}
BY_ROOT = {t.root: t for t in (XML1, XML14)}

# The envelope (hồ sơ giám định): GIAMDINHHS / THONGTINDONVI / MACSKCB, then
# THONGTINHOSO / NGAYLAP (yyyymmdd), SOLUONGHOSO (the number of HOSO) and DANHSACHHOSO /
# HOSO (one visit) / FILEHOSO (one table: LOAIHOSO "XML1".."XML15", NOIDUNGFILE the
# table's XML in base64). A signature (CHUKYDONVI) may follow; recall does not check it.
ENVELOPE_ROOT = "GIAMDINHHS"
ENVELOPE_NS = {"xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
               "xmlns:xsd": "http://www.w3.org/2001/XMLSchema"}
FILE_KINDS = tuple(f"XML{i}" for i in range(1, 16))


# -- values -------------------------------------------------------------------------------

def parse_date8(value: str) -> date:
    """``yyyymmdd`` -> date; ValueError when it is not that."""
    if len(value) != 8 or not value.isdigit():
        raise ValueError(value)
    return date(int(value[:4]), int(value[4:6]), int(value[6:]))


def parse_datetime12(value: str) -> datetime:
    """``yyyymmddHHMM`` -> naive local datetime; ValueError when it is not that."""
    if len(value) != 12 or not value.isdigit():
        raise ValueError(value)
    return datetime(int(value[:4]), int(value[4:6]), int(value[6:8]), int(value[8:10]),
                    int(value[10:]))


def parse_birth(value: str) -> tuple[date | None, int]:
    """NGAY_SINH -> (birth date, birth year); an unknown month and day are ``0000``."""
    if len(value) != 12 or not value.isdigit():
        raise ValueError(value)
    year, md, hm = int(value[:4]), value[4:8], value[8:]
    if not 1800 <= year <= 2200:
        raise ValueError(value)
    if hm != "0000":
        h, m = int(hm[:2]), int(hm[2:])
        if h > 23 or m > 59:
            raise ValueError(value)
    if md == "0000":
        return None, year
    return date(year, int(md[:2]), int(md[2:])), year


def format_date8(d: date) -> str:
    return f"{d.year:04d}{d.month:02d}{d.day:02d}"


def format_datetime12(dt: datetime) -> str:
    return f"{dt.year:04d}{dt.month:02d}{dt.day:02d}{dt.hour:02d}{dt.minute:02d}"


def format_birth(birth_date: date | None, birth_year: int | None) -> str | None:
    if birth_date is not None:
        return format_date8(birth_date) + "0000"
    if birth_year is not None:
        return f"{birth_year:04d}00000000"
    return None


def split_list(value: str) -> list[str]:
    return [v.strip() for v in value.split(";") if v.strip()]


_CARD = re.compile(r"^[A-Z]{2}[0-9][0-9]{2}[0-9]{10}$")  # e.g. DN4797915123456
_DIGITS = re.compile(r"^[0-9]+$")
_DECIMAL = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
_PHONE = re.compile(r"^\+?[0-9][0-9 .\-()]*$")
_ID = re.compile(r"^[0-9A-Za-z]+$")  # CCCD / CMND digits, or a passport number
_FACILITY = re.compile(r"^[0-9A-Za-z]{5}$")


def problem(f: Field, value: str) -> tuple[str, str] | None:
    """What is wrong with a present, non-empty value of ``f`` (English, Vietnamese), or
    None when it is as the standard says."""
    fmt = f.fmt
    if f.size is not None and len(value) > f.size and fmt not in (DATE8, DATETIME12, BIRTH12):
        return (f"{len(value)} characters, at most {f.size} allowed",
                f"dài {len(value)} ký tự, tối đa {f.size}")
    try:
        if fmt == DATE8:
            parse_date8(value)
        elif fmt == DATETIME12:
            parse_datetime12(value)
        elif fmt == BIRTH12:
            parse_birth(value)
        elif fmt == DATE8_LIST:
            for part in split_list(value):
                parse_date8(part)
    except ValueError:
        shown = {DATE8_LIST: "yyyymmdd (several separated by ;)", BIRTH12: "yyyymmddHHMM"}
        expected = shown.get(fmt, fmt)
        return (f"{value!r} is not a date in the format {expected}",
                f"{value!r} không phải ngày theo định dạng {expected}")
    if fmt == SEX and value not in ("1", "2", "3"):
        return (f"{value!r} is not 1 (male), 2 (female) or 3 (undetermined)",
                f"{value!r} không phải 1 (nam), 2 (nữ) hoặc 3 (chưa xác định)")
    if fmt == ICD10 and not icd10.is_code(value.upper()):
        return (f"{value!r} is not an ICD-10 code", f"{value!r} không phải mã ICD-10")
    if fmt == ICD10_LIST:
        codes = split_list(value)
        bad = [c for c in codes if not icd10.is_code(c.upper())]
        if bad:
            return (f"{bad[0]!r} is not an ICD-10 code", f"{bad[0]!r} không phải mã ICD-10")
        if len(codes) > MAX_SECONDARY_CODES:
            return (f"{len(codes)} codes, at most {MAX_SECONDARY_CODES} allowed",
                    f"{len(codes)} mã, tối đa {MAX_SECONDARY_CODES}")
    if fmt == CARDS:
        bad = [c for c in split_list(value) if not _CARD.match(c.upper())]
        if bad:
            return (f"{bad[0]!r} is not a 15-character insurance card number",
                    f"{bad[0]!r} không phải mã thẻ BHYT 15 ký tự")
    if fmt == DIGITS and not _DIGITS.match(value):
        return (f"{value!r} is not a number", f"{value!r} không phải số")
    if fmt == DECIMAL and not _DECIMAL.match(value):
        return (f"{value!r} is not a number", f"{value!r} không phải số")
    if fmt == PHONE and not _PHONE.match(value):
        return (f"{value!r} is not a phone number", f"{value!r} không phải số điện thoại")
    if fmt == ID_NUMBER and not _ID.match(value):
        return (f"{value!r} is not an identity document number",
                f"{value!r} không phải số giấy tờ tuỳ thân")
    if fmt == FACILITY and not _FACILITY.match(value):
        return (f"{value!r} is not a 5-character facility code",
                f"{value!r} không phải mã cơ sở KBCB 5 ký tự")
    return None


def _ok_date8(v: str) -> bool:
    try:
        parse_date8(v)
        return True
    except ValueError:
        return False


def _ok_datetime12(v: str) -> bool:
    try:
        parse_datetime12(v)
        return True
    except ValueError:
        return False


def _ok_birth(v: str) -> bool:
    try:
        parse_birth(v)
        return True
    except ValueError:
        return False


# The common, correct case recognised quickly; anything else goes to ``problem`` (which
# says what is wrong).
_FAST = {
    DATE8: _ok_date8, DATETIME12: _ok_datetime12, BIRTH12: _ok_birth,
    DATE8_LIST: lambda v: all(_ok_date8(p) for p in split_list(v)),
    SEX: lambda v: v in ("1", "2", "3"),
    ICD10: lambda v: icd10.is_code(v.upper()),
    DIGITS: lambda v: v.isascii() and v.isdigit(),
    DECIMAL: lambda v: _DECIMAL.match(v) is not None,
    PHONE: lambda v: _PHONE.match(v) is not None,
    ID_NUMBER: lambda v: _ID.match(v) is not None,
    FACILITY: lambda v: _FACILITY.match(v) is not None,
}


def _checker(f: Field):
    """A fast check of one field's value (None when it is fine), for reading many files."""
    size, fast = f.size, _FAST.get(f.fmt)
    if fast is None:  # free text, or a format checked in full
        if f.fmt is None:
            if size is None:
                return lambda v: None
            return lambda v: None if len(v) <= size else problem(f, v)
        return lambda v: problem(f, v)
    if size is None:
        return lambda v: None if fast(v) else problem(f, v)
    return lambda v: None if len(v) <= size and fast(v) else problem(f, v)


# What the import reads of XML1 (the patient and the visit); the rest of XML1 (costs,
# treatment) is the insurer's business, not checked here. XML14 is read whole.
XML1_READ = frozenset({
    "MA_LK", "MA_BN", "HO_TEN", "SO_CCCD", "NGAY_SINH", "GIOI_TINH", "DIA_CHI", "DIEN_THOAI",
    "MA_THE_BHYT", "GT_THE_DEN", "MA_BENH_CHINH", "MA_BENH_KT", "MA_DOITUONG_KCB",
    "NGAY_VAO", "NGAY_RA", "MA_KHOA", "MA_CSKCB", "NGAY_TAI_KHAM"})

# Per table: field name -> its check (the fields the import reads); the required fields.
CHECKS = {"XML1": {f.name: _checker(f) for f in XML1.fields if f.name in XML1_READ},
          "XML14": {f.name: _checker(f) for f in XML14.fields}}
REQUIRED = {t.code: tuple(f.name for f in t.fields if f.required) for t in (XML1, XML14)}
