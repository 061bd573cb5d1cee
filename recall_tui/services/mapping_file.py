"""The import mapping file (TOML, docs/import.md) as pydantic models: unknown keys refused,
every wrong setting named with its file, line and key, before a row is read.

``read(path, kind)`` gives the validated model; ``import_mapping`` turns it into the
``Mapping`` that reads the rows.
"""

import codecs
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, ValidationError, create_model

from ..config.locate import Lines
from ..config.problems import Bad, from_error
from ..config.schema import Code, Table, Text, Zone
from ..core.calendar import Part
from ..core.errors import BadInput

APPOINTMENT_FIELDS = ("external_id", "patient_mrn", "patient_name", "sex", "birth_date",
                      "birth_year", "age", "phone", "clinic", "doctor", "day", "part",
                      "booked_at", "status", "reminded", "cancelled_by", "late_cancel")
PATIENT_FIELDS = ("mrn", "full_name", "sex", "birth_date", "birth_year", "phone", "phone2",
                  "email", "address", "bhyt", "cccd", "language", "note")
REQUIRED = {"appointments": ("patient_mrn", "day", "booked_at", "status"),
            "patients": ("mrn", "full_name")}
DATE_FIELDS = {"appointments": ("day", "booked_at", "birth_date"),
               "patients": ("birth_date",)}
MAX_ERRORS = 10  # wrong settings listed in one message


def _part(value: Any) -> Any:
    try:
        return Part.parse(value).value if isinstance(value, str) else value
    except Exception:  # noqa: BLE001  (BadInput: said below with the key)
        raise Bad("expected morning, afternoon or evening",
                  "cần morning, afternoon hoặc evening (sáng, chiều, tối)") from None


def _delimiter(value: str) -> str:
    if len(value) != 1 or value in "\r\n\"":
        raise Bad("expected one character, like \",\" or \";\" (or \"\\t\" for a tab)",
                  "cần đúng một ký tự, như \",\" hoặc \";\" (hoặc \"\\t\" cho tab)")
    return value


def _encoding(value: str) -> str:
    try:
        codecs.lookup(value)
    except LookupError:
        raise Bad(f"unknown encoding {value[:30]!r} (like \"utf-8-sig\", \"cp1258\", "
                  f"\"latin-1\")", f"không biết bảng mã {value[:30]!r} (như \"utf-8-sig\", "
                  f"\"cp1258\", \"latin-1\")") from None
    return value


def _unnamed(value: str) -> str:
    try:
        value.format(mrn="X")
    except (KeyError, IndexError, ValueError):
        raise Bad("may only use the placeholder {mrn}, like \"BN {mrn}\"",
                  "chỉ được dùng {mrn}, như \"BN {mrn}\"") from None
    return value


def _region(value: str) -> str:
    if not re.fullmatch(r"[A-Z]{2}", value):
        raise Bad("expected a two-letter country code, like \"VN\"",
                  "cần mã nước hai chữ in hoa, như \"VN\"")
    return value


def _formats(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _format(value: str) -> str:
    if value != "iso" and "%" not in value:
        raise Bad("expected \"iso\" or a strptime pattern such as \"%d/%m/%Y\"",
                  "cần \"iso\" hoặc mẫu strptime như \"%d/%m/%Y\"")
    return value


def _scalar(value: Any) -> Any:
    if not isinstance(value, str | int | bool):
        raise Bad("expected text, a whole number or true/false",
                  "cần chữ, số nguyên hoặc true/false")
    return value


Column = Text(200, required=True)
Formats = Annotated[list[Annotated[str, AfterValidator(_format)]], BeforeValidator(_formats),
                    Field(min_length=1)]
ValueMap = dict[str, Annotated[Any, AfterValidator(_scalar)]]


def _tables(kind: str) -> tuple[type, type, type]:
    fields = APPOINTMENT_FIELDS if kind == "appointments" else PATIENT_FIELDS
    name = kind.capitalize()
    columns = create_model(f"{name}Columns", __base__=Table, **{
        f: ((Column, Field(description=f"the column that holds {f}",
                           json_schema_extra={"vi": f"cột chứa {f}"}))
            if f in REQUIRED[kind] else (Column | None, None)) for f in fields})
    formats = create_model(f"{name}Formats", __base__=Table,
                           **{f: (Formats | None, None) for f in DATE_FIELDS[kind]})
    values = create_model(f"{name}Values", __base__=Table,
                          **{f: (ValueMap | None, None) for f in fields})
    return columns, formats, values


class MappingFile(Table):
    timezone: Zone = "Asia/Ho_Chi_Minh"
    clinic: Code | None = None
    doctor: Code | None = None
    part: Annotated[str, BeforeValidator(_part)] = "morning"
    delimiter: Annotated[str, AfterValidator(_delimiter)] = ","
    encoding: Annotated[str, AfterValidator(_encoding)] = "utf-8-sig"
    sheet: Text(100, required=True) | None = None
    unnamed: Annotated[Text(100, required=True), AfterValidator(_unnamed)] = "BN {mrn}"
    region: Annotated[str, AfterValidator(_region)] = "VN"


COLUMNS_HINT = 'a [columns] table: field = "column header"'
COLUMNS_HINT_VI = {"vi": 'bảng [columns]: trường = "tên cột trong tệp"'}
_A_COLUMNS, _A_FORMATS, _A_VALUES = _tables("appointments")
_P_COLUMNS, _P_FORMATS, _P_VALUES = _tables("patients")


class AppointmentsMapping(MappingFile):
    kind: Literal["appointments"] = "appointments"
    columns: _A_COLUMNS = Field(description=COLUMNS_HINT, json_schema_extra=COLUMNS_HINT_VI)
    formats: _A_FORMATS = _A_FORMATS()
    values: _A_VALUES = _A_VALUES()


class PatientsMapping(MappingFile):
    kind: Literal["patients"] = "patients"
    columns: _P_COLUMNS = Field(description=COLUMNS_HINT, json_schema_extra=COLUMNS_HINT_VI)
    formats: _P_FORMATS = _P_FORMATS()
    values: _P_VALUES = _P_VALUES()


MODELS = {"appointments": AppointmentsMapping, "patients": PatientsMapping}


def _bad(vi: str, en: str) -> BadInput:
    return BadInput("import.mapping", vi, en, field="mapping")


def read(path: str | Path, kind: str) -> AppointmentsMapping | PatientsMapping:
    """The mapping file at ``path`` for an import of ``kind``, checked."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _bad(f"Không có tệp ánh xạ {p}.", f"No mapping file {p}.") from None
    except IsADirectoryError:
        raise _bad(f"{p} là thư mục, không phải tệp ánh xạ.",
                   f"{p} is a folder, not a mapping file.") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else \
            "not UTF-8 text"
        raise _bad(f"Không đọc được tệp ánh xạ {p}: {reason}.",
                   f"Cannot read the mapping file {p}: {reason}.") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _bad(f"{p}: không phải TOML hợp lệ: {exc}", f"{p}: not valid TOML: {exc}") \
            from None
    declared = data.get("kind", kind)
    if declared != kind:
        raise _bad(f"{p} là ánh xạ cho {str(declared)[:30]!r}, không phải {kind!r}.",
                   f"{p} maps {str(declared)[:30]!r}, not {kind!r}.")
    model = MODELS[kind]
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = from_error(exc, data, model)
    lines = Lines(text)
    found = sorted(((lines.line_of(pr.path), pr) for pr in problems),
                   key=lambda lp: (lp[0] or 0, lp[1].key))[:MAX_ERRORS]

    def where(line: int | None, key: str) -> str:
        return f"{p}{':' + str(line) if line else ''}: {key}: "

    raise _bad("\n".join(where(line, pr.key) + pr.vi for line, pr in found),
               "\n".join(where(line, pr.key) + pr.en for line, pr in found))
