"""Import mapping files (TOML) and the files they describe (CSV, CSV.GZ, XLSX).

A mapping says which column holds which field, how its values read (value maps, date
formats), the time zone of instants written without one, and defaults (the clinic, the
part of day). See docs/import.md. Every cell is read as text: an id such as
``9377952927E-5`` stays exactly as written.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from ..core.errors import BadInput
from . import mapping_file
from .mapping_file import APPOINTMENT_FIELDS, PATIENT_FIELDS, REQUIRED  # noqa: F401 (its fields)

BOOLEAN_WORDS = {"1": True, "0": False, "true": True, "false": False, "yes": True,
                 "no": False, "y": True, "n": False, "có": True, "không": False, "": None}


@dataclass(frozen=True)
class Mapping:
    kind: str
    columns: dict[str, str]
    formats: dict[str, tuple[str, ...]] = field(default_factory=dict)
    values: dict[str, dict[str, object]] = field(default_factory=dict)
    timezone: str = "Asia/Ho_Chi_Minh"
    clinic: str | None = None
    doctor: str | None = None
    part: str = "morning"
    delimiter: str = ","
    encoding: str = "utf-8-sig"
    sheet: str | None = None
    unnamed: str = "BN {mrn}"
    region: str = "VN"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def load_mapping(path: str | Path, kind: str) -> Mapping:
    """The mapping file at ``path`` for an import of ``kind``; a wrong setting is a
    BadInput naming the file, line and key (see ``mapping_file``)."""
    f = mapping_file.read(path, kind)
    formats = {k: tuple(v) for k, v in f.formats.model_dump(exclude_none=True).items()}
    values = {k: {str(raw): v for raw, v in table.items()}
              for k, table in f.values.model_dump(exclude_none=True).items()}
    return Mapping(kind=kind, columns=f.columns.model_dump(exclude_none=True),
                   formats=formats, values=values, timezone=f.timezone, clinic=f.clinic,
                   doctor=f.doctor, part=f.part, delimiter=f.delimiter, encoding=f.encoding,
                   sheet=f.sheet, unnamed=f.unnamed, region=f.region)


# -- reading files --------------------------------------------------------------------------

def read_rows(path: str | Path, m: Mapping) -> tuple[list[str], Iterator[tuple[int, dict]]]:
    """(header, rows as (row number, {column: text})); the header is row 1."""
    p = Path(path)
    if not p.exists():
        raise BadInput("import.file", f"Không có tệp {p}.", f"No file {p}.", field="file")
    name = p.name.lower()
    if name.endswith((".xlsx", ".xlsm")):
        return _xlsx(p, m)
    raw = gzip.open(p, "rb") if name.endswith(".gz") else open(p, "rb")  # noqa: SIM115
    stream = io.TextIOWrapper(raw, encoding=m.encoding, newline="")
    reader = csv.reader(stream, delimiter=m.delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise BadInput("import.empty", f"Tệp {p} rỗng.", f"{p} is empty.", field="file") \
            from None
    except UnicodeDecodeError as exc:
        raise BadInput("import.encoding", f"Tệp {p} không đọc được ({m.encoding}): {exc}",
                       f"{p} cannot be read as {m.encoding}: {exc}", field="file") from None

    def rows():
        with stream:
            for i, cells in enumerate(reader, start=2):
                if not any(c.strip() for c in cells):
                    continue
                yield i, dict(zip(header, cells))

    return header, rows()


def _xlsx(p: Path, m: Mapping):
    try:
        import openpyxl
    except ImportError:
        raise BadInput("import.xlsx", "Cần gói openpyxl để đọc XLSX (pip install openpyxl).",
                       "Reading XLSX needs openpyxl (pip install openpyxl).", field="file") \
            from None
    wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
    ws = wb[m.sheet] if m.sheet else wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(it, ())]

    def cell(v) -> str:
        if v is None:
            return ""
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        if isinstance(v, datetime):
            return v.isoformat()
        if isinstance(v, date):
            return v.isoformat()
        return str(v)

    def rows():
        for i, values in enumerate(it, start=2):
            cells = [cell(v) for v in values]
            if any(c.strip() for c in cells):
                yield i, dict(zip(header, cells))
        wb.close()

    return header, rows()


# -- typed values ------------------------------------------------------------------------

class CellError(ValueError):
    pass


def mapped(m: Mapping, name: str, raw: str) -> object:
    """The value map's answer for a raw cell (or the raw text when the field has none)."""
    table = m.values.get(name)
    if table is None:
        return raw
    if raw in table:
        return table[raw]
    folded = {k.strip().lower(): v for k, v in table.items()}
    if raw.strip().lower() in folded:
        return folded[raw.strip().lower()]
    raise CellError(f"{raw!r} is not one of {', '.join(repr(k) for k in table)}")


def parse_day(m: Mapping, name: str, raw: str) -> date:
    """A date as written: a time or a zone after it is ignored, never converted."""
    for fmt in m.formats.get(name, ("iso",)):
        try:
            if fmt == "iso":
                s = raw.strip()
                return date.fromisoformat(s[:10]) if len(s) >= 10 and (
                    len(s) == 10 or s[10] in "T ") else date.fromisoformat(s)
            return datetime.strptime(raw.strip(), fmt).date()
        except ValueError:
            continue
    raise CellError(f"{raw!r} is not a date ({' or '.join(m.formats.get(name, ('iso',)))})")


def parse_instant(m: Mapping, name: str, raw: str) -> datetime:
    """An instant: with its zone when written (``Z``, ``+07:00``), else the mapping's."""
    for fmt in m.formats.get(name, ("iso",)):
        try:
            if fmt == "iso":
                value = datetime.fromisoformat(raw.strip())
            else:
                value = datetime.strptime(raw.strip(), fmt)
                if fmt.endswith("Z"):
                    value = value.replace(tzinfo=ZoneInfo("UTC"))
            return value if value.tzinfo else value.replace(tzinfo=m.tz)
        except ValueError:
            continue
    raise CellError(f"{raw!r} is not a date and time "
                    f"({' or '.join(m.formats.get(name, ('iso',)))})")


def parse_bool(m: Mapping, name: str, raw: str) -> bool | None:
    value = mapped(m, name, raw)
    if isinstance(value, bool) or value is None:
        return value
    key = str(value).strip().lower()
    if key not in BOOLEAN_WORDS:
        raise CellError(f"{raw!r} is not yes/no (1/0)")
    return BOOLEAN_WORDS[key]


def parse_int(raw: str, lo: int, hi: int) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        raise CellError(f"{raw!r} is not a whole number") from None
    if not lo <= value <= hi:
        raise CellError(f"{value} is outside {lo}..{hi}")
    return value


def parse_patient(m: Mapping, cells: dict, today: date, now: datetime) -> tuple[dict, list]:
    """One patient row -> (patient row, phones), or CellError naming the field."""
    from ..core import text
    from ..core.errors import DomainError
    from ..core.phones import normalise_phone

    def get(name: str) -> str:
        col = m.columns.get(name)
        return text.clean(cells.get(col, "")) if col else ""

    mrn, name = get("mrn").upper(), get("full_name")
    if not mrn:
        raise CellError("mrn: empty")
    if len(mrn) > 32:
        raise CellError(f"mrn: {mrn!r} is longer than 32 characters")
    if not name:
        raise CellError("full_name: empty")
    sex = None
    if get("sex"):
        sex = str(mapped(m, "sex", get("sex"))).upper()[:1]
        if sex not in ("F", "M"):
            raise CellError(f"sex: {get('sex')!r} is not F or M")
    try:
        birth_date = parse_day(m, "birth_date", get("birth_date")) if get("birth_date") else None
        birth_year = parse_int(get("birth_year"), 1880, today.year) if get("birth_year") \
            else (birth_date.year if birth_date else None)
    except CellError as exc:
        raise CellError(f"birth date: {exc}") from None
    if birth_date and birth_date > today:
        raise CellError(f"birth_date: {birth_date.isoformat()} is in the future")
    phones = []
    for i, key in enumerate(("phone", "phone2")):
        if get(key):
            try:
                e164 = normalise_phone(get(key), region=m.region)
            except DomainError as exc:
                raise CellError(f"{key}: {exc.en}") from None
            if all(p["e164"] != e164 for p in phones):
                phones.append({"e164": e164, "label": "self" if i == 0 else "caregiver",
                               "name": ""})
    lang = (get("language") or "vi").lower()
    if lang not in ("vi", "en"):
        raise CellError(f"language: {lang!r} is not vi or en")
    row = {"mrn": mrn, "full_name": name, "name_key": text.fold(name), "sex": sex,
           "birth_date": birth_date, "birth_year": birth_year, "email": get("email") or None,
           "address": get("address") or None, "bhyt": get("bhyt") or None,
           "cccd": get("cccd") or None, "note": get("note") or None, "language": lang,
           "created_at": now, "updated_at": now}
    return row, phones
