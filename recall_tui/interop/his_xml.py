"""Reading and writing the insurance XML of Quyết định 130/4750 (see ``qd130``).

Reading: a GIAMDINHHS envelope (one HOSO per visit, its tables in base64), a bare XML14
(CHI_TIEU_GIAYHEN_KHAMLAI) or a bare XML1 (TONG_HOP), or a folder of them, into plain
dataclasses. Every value is checked against the standard's type, size and format; every
problem is kept as a ``FieldError`` that names the file, the visit (MA_LK) and the field,
so that a person can fix the file. Bare files of one visit (same MA_LK) read together
are joined into one unit; an envelope is a unit of its own. A unit with any error is to be
refused whole.

Parsing is safe: lxml with entities never resolved, no DTD loaded, no network, and a
document that declares a DTD at all is refused; files and decoded parts are
size-limited.

Writing: XML14 (and XML1, for tests and tools) with every field in the standard's order,
each value checked first; and the envelope around them.
"""

from __future__ import annotations

import base64
import binascii
import os
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from pathlib import Path
from xml.etree.ElementTree import Element, SubElement, tostring

from lxml import etree

from . import qd130
from .qd130 import XML1, XML14, Table

MAX_FILE_BYTES = 32 * 1024 * 1024  # a day's envelope of a large hospital is far smaller
SKIP_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload", ".filepart")


# -- what reading gives ------------------------------------------------------------------

@dataclass(frozen=True)
class FieldError:
    """One problem, named as a person fixing the file needs it."""

    file: str
    visit: str | None  # MA_LK, or "HOSO n" when the visit's MA_LK is unknown
    table: str | None  # "XML14", "XML1", "GIAMDINHHS" (the envelope), or None (the file)
    field: str | None
    en: str
    vi: str
    code: str | None = None  # the rule that refused it, when a use case did

    @property
    def where(self) -> str:
        parts = [Path(self.file).name]
        if self.visit:
            parts.append(f"MA_LK {self.visit}")
        if self.table or self.field:
            parts.append(".".join(p for p in (self.table, self.field) if p))
        return ", ".join(parts)

    def message(self, language: str = "en") -> str:
        return f"{self.where}: {self.vi if language == 'vi' else self.en}"

    def __str__(self) -> str:
        return self.message("en")


@dataclass(frozen=True)
class Xml1:
    """The fields of XML1 (TONG_HOP) recall reads: who the patient is and how to reach them."""

    ma_lk: str
    ma_bn: str
    ho_ten: str
    ma_cskcb: str
    birth_date: date | None = None
    birth_year: int | None = None
    gioi_tinh: int | None = None
    so_cccd: str | None = None
    dia_chi: str | None = None
    dien_thoai: str | None = None
    ma_the_bhyt: tuple[str, ...] = ()
    gt_the_den: tuple[date, ...] = ()
    ma_doituong_kcb: str | None = None
    ma_benh_chinh: str | None = None
    ma_benh_kt: tuple[str, ...] = ()
    ma_khoa: tuple[str, ...] = ()
    ngay_vao: datetime | None = None
    ngay_ra: datetime | None = None
    ngay_tai_kham: tuple[date, ...] = ()


@dataclass(frozen=True)
class Xml14:
    """XML14 (CHI_TIEU_GIAYHEN_KHAMLAI): the doctor's follow-up slip, every field."""

    ma_lk: str
    so_giayhen_kl: str
    ma_cskcb: str
    ho_ten: str
    ngay_hen_kl: date
    ma_bac_si: str
    ma_ttdv: str
    ngay_ct: date
    birth_date: date | None = None  # NGAY_SINH (with birth_year)
    birth_year: int | None = None
    gioi_tinh: int | None = None
    dia_chi: str | None = None
    ma_the_bhyt: tuple[str, ...] = ()
    gt_the_den: tuple[date, ...] = ()
    ngay_vao: datetime | None = None
    ngay_vao_noi_tru: datetime | None = None
    ngay_ra: datetime | None = None
    chan_doan_rv: str | None = None
    ma_benh_chinh: str | None = None
    ma_benh_kt: tuple[str, ...] = ()
    ma_benh_yhct: str | None = None
    ma_doituong_kcb: str | None = None
    du_phong: str | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        """What makes a slip the same slip when it is sent again."""
        return (self.ma_cskcb, self.ma_lk, self.so_giayhen_kl)


@dataclass
class Visit:
    ma_lk: str
    xml1: Xml1 | None = None
    slips: list[Xml14] = field(default_factory=list)


@dataclass
class Unit:
    """What is imported (or refused) whole: one envelope, or the bare files of one visit."""

    files: list[str]
    kind: str  # "envelope" | "bare"
    visits: list[Visit] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)
    facility: str | None = None  # the envelope's MACSKCB
    made_on: date | None = None  # the envelope's NGAYLAP

    @property
    def name(self) -> str:
        return ", ".join(Path(f).name for f in self.files)


# -- safe XML ---------------------------------------------------------------------------

class UnsafeXml(ValueError):
    pass


_PARSERS = threading.local()  # an lxml parser serves one thread at a time


def _parser() -> etree.XMLParser:
    p = getattr(_PARSERS, "parser", None)
    if p is None:
        p = _PARSERS.parser = etree.XMLParser(
            resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False,
            remove_comments=True, remove_pis=True)
    return p


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if tag[0] == "{" else tag


def _parse(data: bytes):
    """The document's root element; ``UnsafeXml`` for a document with a DTD (where
    entities live), lxml's XMLSyntaxError for one that is not well-formed."""
    root = etree.fromstring(data, _parser())
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise UnsafeXml("a DTD (<!DOCTYPE ...>) is not allowed")
    return root


PARSE_ERRORS = (etree.XMLSyntaxError, UnsafeXml, ValueError)


def _text(elem) -> str:
    if elem is None:
        return ""
    value = elem.text
    if not value:
        return ""
    value = value.strip()
    return value if value.isascii() else unicodedata.normalize("NFC", value)


def _child(elem, name: str):
    for c in elem:
        if _local(c.tag) == name:
            return c
    return None


def _children(elem, name: str) -> list:
    return [] if elem is None else [c for c in elem if _local(c.tag) == name]


def _at(elem, *names: str):
    """The element at a path of local names below ``elem``, or None."""
    for name in names:
        if elem is None:
            return None
        elem = _child(elem, name)
    return elem


# -- one table ---------------------------------------------------------------------------

def _values(table: Table, root, file: str, visit: str | None,
            errors: list[FieldError]) -> dict[str, str]:
    """The table's fields of one record, each checked; problems go to ``errors``."""
    out: dict[str, str] = {}
    spec = qd130.CHECKS[table.code]
    # lxml picks the fields read out in C (no namespace in the standard's files)
    children = root.iterchildren(*spec) if root.tag[0] != "{" else root
    for c in children:
        name = c.tag
        if not isinstance(name, str):
            continue
        if name[0] == "{":
            name = _local(name)
        check = spec.get(name)
        if check is None or name in out:
            continue  # a field the standard does not have in this table: not ours to judge
        value = c.text
        if not value:
            continue
        value = value.strip()
        if not value:
            continue
        if not value.isascii():
            value = unicodedata.normalize("NFC", value)
        bad = check(value)
        if bad:
            errors.append(FieldError(file, visit or out.get("MA_LK"), table.code, name, *bad))
            continue
        out[name] = value
    missing = [n for n in qd130.REQUIRED[table.code] if n not in out]
    if missing:
        visit = visit or out.get("MA_LK")
        said = {e.field for e in errors if e.table == table.code}
        errors.extend(FieldError(file, visit, table.code, n,
                                 "missing (the standard requires it)",
                                 "thiếu (bắt buộc theo quy định)")
                      for n in missing if n not in said)
    return out


def _dates(raw: str | None) -> tuple[date, ...]:
    return tuple(qd130.parse_date8(v) for v in qd130.split_list(raw)) if raw else ()


def _dt(raw: str | None) -> datetime | None:
    return qd130.parse_datetime12(raw) if raw else None


def _birth(raw: str | None) -> tuple[date | None, int | None]:
    return qd130.parse_birth(raw) if raw else (None, None)


def _xml14_of(v: dict[str, str]) -> Xml14:
    bd, by = _birth(v.get("NGAY_SINH"))
    return Xml14(
        ma_lk=v["MA_LK"], so_giayhen_kl=v["SO_GIAYHEN_KL"], ma_cskcb=v["MA_CSKCB"].upper(),
        ho_ten=v["HO_TEN"], ngay_hen_kl=qd130.parse_date8(v["NGAY_HEN_KL"]),
        ma_bac_si=v["MA_BAC_SI"], ma_ttdv=v["MA_TTDV"],
        ngay_ct=qd130.parse_date8(v["NGAY_CT"]), birth_date=bd, birth_year=by,
        gioi_tinh=int(v["GIOI_TINH"]) if "GIOI_TINH" in v else None,
        dia_chi=v.get("DIA_CHI"),
        ma_the_bhyt=tuple(c.upper() for c in qd130.split_list(v.get("MA_THE_BHYT", ""))),
        gt_the_den=_dates(v.get("GT_THE_DEN")), ngay_vao=_dt(v.get("NGAY_VAO")),
        ngay_vao_noi_tru=_dt(v.get("NGAY_VAO_NOI_TRU")), ngay_ra=_dt(v.get("NGAY_RA")),
        chan_doan_rv=v.get("CHAN_DOAN_RV"),
        ma_benh_chinh=v["MA_BENH_CHINH"].upper() if "MA_BENH_CHINH" in v else None,
        ma_benh_kt=tuple(c.upper() for c in qd130.split_list(v.get("MA_BENH_KT", ""))),
        ma_benh_yhct=v.get("MA_BENH_YHCT"), ma_doituong_kcb=v.get("MA_DOITUONG_KCB"),
        du_phong=v.get("DU_PHONG"))


def _xml1_of(v: dict[str, str]) -> Xml1:
    bd, by = _birth(v.get("NGAY_SINH"))
    return Xml1(
        ma_lk=v["MA_LK"], ma_bn=v["MA_BN"], ho_ten=v["HO_TEN"],
        ma_cskcb=v["MA_CSKCB"].upper(), birth_date=bd, birth_year=by,
        gioi_tinh=int(v["GIOI_TINH"]) if "GIOI_TINH" in v else None,
        so_cccd=v.get("SO_CCCD"), dia_chi=v.get("DIA_CHI"), dien_thoai=v.get("DIEN_THOAI"),
        ma_the_bhyt=tuple(c.upper() for c in qd130.split_list(v.get("MA_THE_BHYT", ""))),
        gt_the_den=_dates(v.get("GT_THE_DEN")), ma_doituong_kcb=v.get("MA_DOITUONG_KCB"),
        ma_benh_chinh=v["MA_BENH_CHINH"].upper() if "MA_BENH_CHINH" in v else None,
        ma_benh_kt=tuple(c.upper() for c in qd130.split_list(v.get("MA_BENH_KT", ""))),
        ma_khoa=tuple(qd130.split_list(v.get("MA_KHOA", ""))),
        ngay_vao=_dt(v.get("NGAY_VAO")), ngay_ra=_dt(v.get("NGAY_RA")),
        ngay_tai_kham=_dates(v.get("NGAY_TAI_KHAM")))


def _table(table: Table, root, file: str, visit: str | None,
           errors: list[FieldError]):
    """One table's record as its dataclass, or None when it has errors."""
    before = len(errors)
    values = _values(table, root, file, visit, errors)
    if len(errors) > before:
        return None
    return _xml14_of(values) if table is XML14 else _xml1_of(values)


def _record_ma_lk(root) -> str | None:
    return _text(_child(root, "MA_LK")) or None


# -- files -----------------------------------------------------------------------------

def _envelope(root, file: str) -> Unit:
    unit = Unit(files=[file], kind="envelope")
    err = unit.errors

    def bad(field_: str, en: str, vi: str, visit: str | None = None,
            table: str = qd130.ENVELOPE_ROOT) -> None:
        err.append(FieldError(file, visit, table, field_, en, vi))

    unit.facility = _text(_at(root, "THONGTINDONVI", "MACSKCB")) or None
    if not unit.facility:
        bad("THONGTINDONVI/MACSKCB", "missing", "thiếu")
    info = _child(root, "THONGTINHOSO")
    if info is None:
        bad("THONGTINHOSO", "missing", "thiếu")
        return unit
    made = _text(_child(info, "NGAYLAP"))
    if made:
        try:
            unit.made_on = qd130.parse_date8(made)
        except ValueError:
            bad("NGAYLAP", f"{made!r} is not a date in the format yyyymmdd",
                f"{made!r} không phải ngày theo định dạng yyyymmdd")
    hosos = _children(_child(info, "DANHSACHHOSO"), "HOSO")
    count = _text(_child(info, "SOLUONGHOSO"))
    if count and (not count.isdigit() or int(count) != len(hosos)):
        bad("SOLUONGHOSO", f"says {count}, the file holds {len(hosos)} HOSO "
            "(a file cut short?)", f"ghi {count} nhưng tệp có {len(hosos)} HOSO (tệp bị cắt?)")
    for n, hoso in enumerate(hosos, start=1):
        visit = _hoso(hoso, n, file, err)
        if visit is not None:
            unit.visits.append(visit)
    return unit


def _hoso(hoso, n: int, file: str, err: list[FieldError]) -> Visit | None:
    """One HOSO: its XML1 and XML14 decoded and read (other tables are not recall's)."""
    parts: list[tuple[str, object, str]] = []  # (kind, root, what failed)
    label = f"HOSO {n}"
    for fh in _children(hoso, "FILEHOSO"):
        kind = _text(_child(fh, "LOAIHOSO")).upper()
        if kind not in qd130.FILE_KINDS:
            err.append(FieldError(file, label, qd130.ENVELOPE_ROOT, "LOAIHOSO",
                                  f"{kind!r} is not a table of the standard (XML1..XML15)",
                                  f"{kind!r} không phải bảng theo quy định (XML1..XML15)"))
            continue
        if kind not in ("XML1", "XML14"):
            continue
        raw = _text(_child(fh, "NOIDUNGFILE"))
        try:
            data = base64.b64decode("".join(raw.split()), validate=True)
            if not data:
                raise ValueError("empty")
        except (binascii.Error, ValueError):
            parts.append((kind, None, "base64"))
            continue
        if len(data) > MAX_FILE_BYTES:
            parts.append((kind, None, "size"))
            continue
        try:
            parts.append((kind, _parse(data), ""))
        except PARSE_ERRORS as exc:
            parts.append((kind, None, f"xml:{exc}"))
    ma_lk = next((m for _, r, _ in parts if r is not None for m in [_record_ma_lk(r)] if m),
                 None)
    visit_name = ma_lk or label
    visit = Visit(ma_lk=visit_name)
    before = len(err)
    for kind, root, failed in parts:
        where = f"NOIDUNGFILE ({kind})"
        if failed == "base64":
            err.append(FieldError(file, visit_name, qd130.ENVELOPE_ROOT, where,
                                  "not valid base64 (the part is corrupt)",
                                  "không phải base64 hợp lệ (phần này bị hỏng)"))
            continue
        if failed == "size":
            err.append(FieldError(file, visit_name, qd130.ENVELOPE_ROOT, where,
                                  "larger than recall reads", "quá lớn"))
            continue
        if failed:
            err.append(FieldError(file, visit_name, qd130.ENVELOPE_ROOT, where,
                                  f"not well-formed or unsafe XML ({failed[4:]})",
                                  f"XML sai cấu trúc hoặc không an toàn ({failed[4:]})"))
            continue
        table = XML1 if kind == "XML1" else XML14
        if _local(root.tag) != table.root:
            err.append(FieldError(file, visit_name, kind, None,
                                  f"the root is <{_local(root.tag)}>, not <{table.root}>",
                                  f"thẻ gốc là <{_local(root.tag)}>, không phải "
                                  f"<{table.root}>"))
            continue
        own = _record_ma_lk(root)
        if ma_lk and own and own != ma_lk:
            err.append(FieldError(file, visit_name, kind, "MA_LK",
                                  f"{own!r} differs from the visit's {ma_lk!r}",
                                  f"{own!r} khác MA_LK của hồ sơ {ma_lk!r}"))
            continue
        rec = _table(table, root, file, visit_name, err)
        if rec is None:
            continue
        if isinstance(rec, Xml1):
            if visit.xml1 is not None and visit.xml1 != rec:
                err.append(FieldError(file, visit_name, "XML1", None,
                                      "two different XML1 for one visit",
                                      "hai bảng XML1 khác nhau cho một hồ sơ"))
            visit.xml1 = rec
        elif rec not in visit.slips:
            visit.slips.append(rec)
    return visit if len(err) == before else None


def read_bytes(data: bytes, *, source: str) -> tuple[Unit | None, list[tuple[str, object]]]:
    """One file's content: an envelope gives a unit; a bare table gives (MA_LK, record or
    errors) to be joined with the other bare files of its visit."""
    try:
        root = _parse(data)
    except PARSE_ERRORS as exc:
        return Unit([source], "bare", errors=[FieldError(
            source, None, None, None, f"not well-formed or unsafe XML ({exc})",
            f"XML sai cấu trúc hoặc không an toàn ({exc})")]), []
    tag = _local(root.tag)
    if tag == qd130.ENVELOPE_ROOT:
        return _envelope(root, source), []
    table = qd130.BY_ROOT.get(tag)
    if table is None:
        known = ", ".join([qd130.ENVELOPE_ROOT, XML14.root, XML1.root])
        return Unit([source], "bare", errors=[FieldError(
            source, None, None, None, f"<{tag}> is not a file recall reads ({known})",
            f"<{tag}> không phải loại tệp recall đọc được ({known})")]), []
    errors: list[FieldError] = []
    rec = _table(table, root, source, None, errors)
    ma_lk = _record_ma_lk(root)
    if errors or ma_lk is None:
        return Unit([source], "bare", errors=errors or [FieldError(
            source, None, table.code, "MA_LK", "missing", "thiếu")]), []
    return None, [(ma_lk, rec)]


def read_file(path: str | os.PathLike) -> tuple[Unit | None, list[tuple[str, object]]]:
    p = str(path)
    try:
        with open(p, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            return Unit([p], "bare", errors=[FieldError(
                p, None, None, None, f"more than {MAX_FILE_BYTES:,} bytes: larger than recall "
                "reads", f"hơn {MAX_FILE_BYTES:,} byte: tệp quá lớn")]), []
    except OSError as exc:
        return Unit([p], "bare", errors=[FieldError(
            p, None, None, None, f"cannot be read: {exc.strerror or exc}",
            f"không đọc được: {exc.strerror or exc}")]), []
    return read_bytes(data, source=p)


def wanted(path: Path) -> bool:
    """A file the import takes: ``*.xml``, not hidden, not one still being written."""
    name = path.name.lower()
    return (path.is_file() and name.endswith(".xml") and not name.startswith(".")
            and not name.endswith(SKIP_SUFFIXES))


def files_in(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """The files named, and the ``*.xml`` files directly inside the folders named, oldest
    first (a corrected slip sent after its first version is read after it)."""
    found: dict[Path, tuple[int, str]] = {}
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            with os.scandir(p) as it:
                for e in it:
                    name = e.name.lower()
                    if (name.endswith(".xml") and not name.startswith(".")
                            and e.is_file()):
                        found.setdefault(Path(e.path), (e.stat().st_mtime_ns, e.name))
        elif p not in found:
            try:
                found[p] = (p.stat().st_mtime_ns, p.name)
            except OSError:
                found[p] = (0, p.name)
    return sorted(found, key=found.__getitem__)


def read_units(paths: Sequence[str | os.PathLike]) -> list[Unit]:
    """Envelopes, bare tables and folders of them, as the units to import, in order."""
    units: list[Unit] = []
    bare: dict[str, Unit] = {}
    for p in files_in(paths):
        unit, records = read_file(p)
        if unit is not None:
            units.append(unit)
            continue
        for ma_lk, rec in records:
            u = bare.get(ma_lk)
            if u is None:
                u = bare[ma_lk] = Unit([], "bare", visits=[Visit(ma_lk)])
                units.append(u)
            if str(p) not in u.files:
                u.files.append(str(p))
            v = u.visits[0]
            if isinstance(rec, Xml1):
                if v.xml1 is not None and v.xml1 != rec:
                    u.errors.append(FieldError(str(p), ma_lk, "XML1", None,
                                               "another, different XML1 of this visit was read",
                                               "đã có một XML1 khác của cùng hồ sơ"))
                v.xml1 = rec
            elif rec not in v.slips:
                v.slips.append(rec)
    return units


# -- writing ----------------------------------------------------------------------------

class WriteError(ValueError):
    """Values that the standard does not allow; ``problems`` names each field and says why
    in English, ``problems_vi`` in Vietnamese; ``en`` and ``vi`` say all of it."""

    def __init__(self, table: str, problems: list[tuple[str, str, str]]):
        self.table = table
        self.problems = [(f, en) for f, en, _ in problems]
        self.problems_vi = [(f, vi) for f, _, vi in problems]
        self.en = "; ".join(f"{table}.{f}: {why}" for f, why in self.problems)
        self.vi = "; ".join(f"{table}.{f}: {why}" for f, why in self.problems_vi)
        super().__init__(self.en)


def table_xml(table: Table, values: dict[str, str | None], *, check: bool = True) -> bytes:
    """One table as XML: every field of the standard in its order (empty when it has no
    value). With ``check``, values are checked first (WriteError names each problem)."""
    problems = []
    unknown = sorted(set(values) - set(table.names))
    if unknown:
        problems += [(n, "not a field of this table", "không phải trường của bảng này")
                     for n in unknown]
    if check:
        for f in table.fields:
            v = values.get(f.name)
            if not v:
                if f.required:
                    problems.append((f.name, "missing (the standard requires it)",
                                     "thiếu (chuẩn bắt buộc)"))
                continue
            bad = qd130.problem(f, v)
            if bad:
                problems.append((f.name, *bad))
    if problems:
        raise WriteError(table.code, problems)
    root = Element(table.root)
    for f in table.fields:
        SubElement(root, f.name).text = values.get(f.name) or ""
    return tostring(root, encoding="utf-8", xml_declaration=True)


def xml14_values(s: Xml14) -> dict[str, str | None]:
    """The XML14 fields of a slip, as the standard writes them."""
    def join(items) -> str | None:
        return ";".join(items) or None

    return {
        "MA_LK": s.ma_lk, "SO_GIAYHEN_KL": s.so_giayhen_kl, "MA_CSKCB": s.ma_cskcb,
        "HO_TEN": s.ho_ten, "NGAY_SINH": qd130.format_birth(s.birth_date, s.birth_year),
        "GIOI_TINH": str(s.gioi_tinh) if s.gioi_tinh else None, "DIA_CHI": s.dia_chi,
        "MA_THE_BHYT": join(s.ma_the_bhyt),
        "GT_THE_DEN": join(qd130.format_date8(d) for d in s.gt_the_den),
        "NGAY_VAO": qd130.format_datetime12(s.ngay_vao) if s.ngay_vao else None,
        "NGAY_VAO_NOI_TRU": qd130.format_datetime12(s.ngay_vao_noi_tru)
        if s.ngay_vao_noi_tru else None,
        "NGAY_RA": qd130.format_datetime12(s.ngay_ra) if s.ngay_ra else None,
        "NGAY_HEN_KL": qd130.format_date8(s.ngay_hen_kl), "CHAN_DOAN_RV": s.chan_doan_rv,
        "MA_BENH_CHINH": s.ma_benh_chinh, "MA_BENH_KT": join(s.ma_benh_kt),
        "MA_BENH_YHCT": s.ma_benh_yhct, "MA_DOITUONG_KCB": s.ma_doituong_kcb,
        "MA_BAC_SI": s.ma_bac_si, "MA_TTDV": s.ma_ttdv,
        "NGAY_CT": qd130.format_date8(s.ngay_ct), "DU_PHONG": s.du_phong,
    }


def xml14_bytes(s: Xml14) -> bytes:
    return table_xml(XML14, xml14_values(s))


def envelope(*, facility: str, made_on: date,
             visits: Sequence[Sequence[tuple[str, bytes]]]) -> bytes:
    """A GIAMDINHHS envelope: one HOSO per visit, each table (LOAIHOSO, its XML) in
    base64."""
    bad = qd130.problem(qd130.Field("MACSKCB", qd130.TEXT, 5, qd130.FACILITY), facility)
    if bad:
        raise WriteError(qd130.ENVELOPE_ROOT, [("THONGTINDONVI/MACSKCB", *bad)])
    root = Element(qd130.ENVELOPE_ROOT, qd130.ENVELOPE_NS)
    SubElement(SubElement(root, "THONGTINDONVI"), "MACSKCB").text = facility
    info = SubElement(root, "THONGTINHOSO")
    SubElement(info, "NGAYLAP").text = qd130.format_date8(made_on)
    SubElement(info, "SOLUONGHOSO").text = str(len(visits))
    listing = SubElement(info, "DANHSACHHOSO")
    for parts in visits:
        hoso = SubElement(listing, "HOSO")
        for kind, data in parts:
            fh = SubElement(hoso, "FILEHOSO")
            SubElement(fh, "LOAIHOSO").text = kind
            SubElement(fh, "NOIDUNGFILE").text = base64.b64encode(data).decode("ascii")
    return tostring(root, encoding="utf-8", xml_declaration=True)


def fields_of(obj) -> dict:
    """A dataclass record as a plain dict (for reports)."""
    return {f.name: getattr(obj, f.name) for f in fields(obj)}
