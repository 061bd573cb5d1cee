"""Import mapping files (TOML) and how a cell's text reads (dates, value maps, numbers).

A mapping says which column holds which field, how its values read (value maps, date
formats), the time zone of instants written without one, and defaults (the clinic, the
part of day). See docs/import.md. The files themselves are read by ``import_reader``;
the rows are typed in ``importing``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

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
