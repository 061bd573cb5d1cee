"""Import mapping files (TOML) and how a cell's text reads (dates, value maps, numbers).

A mapping says which column holds which field, how its values read (value maps, date
formats), the time zone of instants written without one, and defaults (the clinic, the
part of day). See docs/import.md. The files themselves are read by ``import_reader``;
the rows are typed in ``importing``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..core.errors import BadInput

APPOINTMENT_FIELDS = ("external_id", "patient_mrn", "patient_name", "sex", "birth_date",
                      "birth_year", "age", "phone", "clinic", "doctor", "day", "part",
                      "booked_at", "status", "reminded", "cancelled_by", "late_cancel")
PATIENT_FIELDS = ("mrn", "full_name", "sex", "birth_date", "birth_year", "phone", "phone2",
                  "email", "address", "bhyt", "cccd", "language", "note")
REQUIRED = {"appointments": ("patient_mrn", "day", "booked_at", "status"),
            "patients": ("mrn", "full_name")}
BOOLEAN_WORDS = {"1": True, "0": False, "true": True, "false": False, "yes": True,
                 "no": False, "y": True, "n": False, "có": True, "không": False, "": None}


def _bad(vi: str, en: str, field_name: str = "mapping") -> BadInput:
    return BadInput("import.mapping", vi, en, field=field_name)


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
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _bad(f"Không có tệp ánh xạ {p}.", f"No mapping file {p}.") from None
    except tomllib.TOMLDecodeError as exc:
        raise _bad(f"{p}: không phải TOML hợp lệ: {exc}", f"{p}: not valid TOML: {exc}") \
            from None
    declared = data.get("kind", kind)
    if declared != kind:
        raise _bad(f"{p} là ánh xạ cho {declared!r}, không phải {kind!r}.",
                   f"{p} maps {declared!r}, not {kind!r}.")
    allowed = APPOINTMENT_FIELDS if kind == "appointments" else PATIENT_FIELDS
    columns = data.get("columns") or {}
    if not isinstance(columns, dict):
        raise _bad(f"{p}: [columns] phải là bảng.", f"{p}: [columns] must be a table.")
    for name in columns:
        if name not in allowed:
            raise _bad(f"{p}: trường không biết {name!r} (có: {', '.join(allowed)}).",
                       f"{p}: unknown field {name!r} (known: {', '.join(allowed)}).")
    missing = [f for f in REQUIRED[kind] if f not in columns]
    if missing:
        raise _bad(f"{p}: thiếu cột cho {', '.join(missing)} trong [columns].",
                   f"{p}: [columns] must name a column for {', '.join(missing)}.")
    formats = {k: (v,) if isinstance(v, str) else tuple(v)
               for k, v in (data.get("formats") or {}).items()}
    values = {k: {str(raw): v for raw, v in table.items()}
              for k, table in (data.get("values") or {}).items()}
    tz = str(data.get("timezone", "Asia/Ho_Chi_Minh"))
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise _bad(f"{p}: múi giờ không biết {tz!r}.", f"{p}: unknown time zone {tz!r}.") \
            from None
    return Mapping(kind=kind, columns={k: str(v) for k, v in columns.items()}, formats=formats,
                   values=values, timezone=tz, clinic=data.get("clinic"),
                   doctor=data.get("doctor"), part=str(data.get("part", "morning")),
                   delimiter=str(data.get("delimiter", ",")),
                   encoding=str(data.get("encoding", "utf-8-sig")), sheet=data.get("sheet"),
                   unnamed=str(data.get("unnamed", "BN {mrn}")),
                   region=str(data.get("region", "VN")))


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
