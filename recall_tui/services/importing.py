"""Import patients and appointment history from a file and a mapping (one transaction).

Every row is checked first; bad rows are reported by row number (the header is row 1) and
reason. Nothing is written unless every row is good, or ``skip_bad`` says to write the
good ones. Re-importing creates no duplicates: patients are matched by MRN, appointments by
their external id (the file's id, or a digest of the row when the file has none).

Imported appointments are history: source "import", their outcome, reminded and booking
instant kept as facts; a date-only day stays that date; they hold no active place (a
patient may have several on one day); each gets an order of its own (window = that day)
and a session per (clinic, doctor, day, part), made or reused, its capacity raised to what
was booked.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, model_validator

from ..core import figures, lifecycle, text
from ..core.calendar import Part, session_key
from ..core.codes import make_code
from ..core.errors import BadInput, DomainError
from ..core.phones import normalise_phone
from ..core.scheduling import lead_days
from ..core.text import excerpt
from ..files import kind_of
from ..store import appointments as appt_repo
from ..store import bulk, events
from ..store import imports as repo
from . import import_mapping as im
from .context import Context
from .import_reader import read_rows
from .patient_fields import EMAIL_RE

Progress = Callable[[str, int, int], None]  # (phase, done, total)
OUTCOMES = {"completed": "completed", "checked_in": "completed", "no_show": "no_show",
            "cancelled": "cancelled"}
MAX_ERRORS_SHOWN = 200


@dataclass(frozen=True)
class BadRow:
    row: int
    reason: str


@dataclass
class ImportReport:
    kind: str
    file: str
    rows: int = 0
    good: int = 0
    bad: list[BadRow] = field(default_factory=list)
    bad_count: int = 0
    already: int = 0  # present from an earlier import: skipped
    patients_created: int = 0
    appointments_created: int = 0
    sessions_created: int = 0
    committed: bool = False
    dry_run: bool = False


def _mapping(path: str, kind: str) -> im.Mapping:
    p = Path(path)
    if kind_of(p, field="mapping") == "folder":
        raise BadInput("import.mapping", f"{p} là một thư mục, không phải tệp ánh xạ (.toml).",
                       f"{p} is a folder, not a mapping file (.toml).", field="mapping")
    try:
        return im.load_mapping(p, kind)
    except (OSError, UnicodeDecodeError):
        raise BadInput("import.mapping", f"Không đọc được tệp ánh xạ {p} (UTF-8, TOML).",
                       f"Cannot read the mapping file {p} (UTF-8 TOML).",
                       field="mapping") from None


def _fail(rep: ImportReport, row: int, reason: str) -> None:
    rep.bad_count += 1
    if len(rep.bad) < MAX_ERRORS_SHOWN:
        rep.bad.append(BadRow(row, reason))


def _check_header(header: list[str], m: im.Mapping) -> None:
    missing = [col for col in m.columns.values() if col not in header]
    if missing:
        raise BadInput("import.columns",
                       f"Tệp thiếu cột: {', '.join(missing)} (có: {', '.join(header)}).",
                       f"The file lacks columns: {', '.join(missing)} "
                       f"(it has: {', '.join(header)}).", field="mapping")


# -- appointments -----------------------------------------------------------------------

class _Row(BaseModel):
    """A row of an import file once read: typed, within limits, and possible."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @classmethod
    def checked(cls, values: dict, **context):
        """The row, or CellError naming the first field that is wrong."""
        try:
            return cls.model_validate(values, context=context)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first["loc"])
            msg = str(first["msg"]).removeprefix("Value error, ")
            raise im.CellError(f"{where}: {msg}" if where else msg) from None


class _Appt(_Row):
    """One visit of appointment history (its outcome known)."""

    row: int
    external_id: str = Field(min_length=1, max_length=64)
    mrn: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=120)
    sex: Literal["F", "M"] | None
    birth_date: date | None
    birth_year: int | None = Field(ge=1880)
    age: int | None = Field(ge=0, le=130)
    phone: str | None
    clinic: str = Field(min_length=1, max_length=32)
    doctor: str | None = Field(max_length=32)
    day: date
    part: Literal["morning", "afternoon", "evening"]
    booked_at: datetime
    status: Literal["completed", "no_show", "cancelled"]
    reminded: bool | None
    cancelled_by: Literal["patient", "clinic"] | None
    late_cancel: bool

    @model_validator(mode="after")
    def _possible(self, info: ValidationInfo) -> _Appt:
        """History that cannot have happened is refused: an outcome for a visit still
        to come, a booking made after the import runs, a visit before the birth."""
        today, now = info.context["today"], info.context["now"]
        if self.status != "cancelled" and self.day > today:
            raise ValueError(f"day: {self.day.isoformat()} is after today, yet has the outcome "
                             f"{self.status!r} (only past visits import)")
        if self.booked_at > now:
            raise ValueError(f"booked_at: {self.booked_at.isoformat()} is in the future")
        born = self.birth_date or (date(self.birth_year, 1, 1) if self.birth_year else None)
        if born is not None and born > self.day:
            raise ValueError(f"birth: {born.isoformat()} is after the visit on "
                             f"{self.day.isoformat()}")
        if self.birth_year is not None and self.birth_year > today.year:
            raise ValueError(f"birth_year: {self.birth_year} is in the future")
        return self


def _parse_appt(ctx: Context, m: im.Mapping, n: int, cells: dict, today: date,
                now: datetime) -> _Appt:
    vals = {name: text.clean(cells.get(col, ""), name) for name, col in m.columns.items()}

    def get(name: str) -> str:
        return vals.get(name, "")

    def need(name: str) -> str:
        v = get(name)
        if not v:
            raise im.CellError(f"{name}: empty")
        return v

    def cell(name: str, fn):
        try:
            return fn()
        except im.CellError as exc:
            raise im.CellError(f"{name} ({m.columns.get(name)}): {exc}") from None

    mrn = need("patient_mrn").upper()
    day = cell("day", lambda: im.parse_day(m, "day", need("day")))
    booked_at = cell("booked_at", lambda: im.parse_instant(m, "booked_at", need("booked_at")))
    status = str(cell("status", lambda: im.mapped(m, "status", need("status"))))
    if status not in OUTCOMES:
        raise im.CellError(f"status ({m.columns['status']}): {excerpt(status)} is not an "
                           f"outcome ({', '.join(OUTCOMES)}); only past visits import")
    status = OUTCOMES[status]
    age = None
    if get("age"):
        age = cell("age", lambda: im.parse_int(get("age"), -1, 130))
        age = None if age < 0 else age
    birth_date = cell("birth_date", lambda: im.parse_day(m, "birth_date", get("birth_date"))) \
        if get("birth_date") else None
    birth_year = cell("birth_year", lambda: im.parse_int(get("birth_year"), 1880, today.year)) \
        if get("birth_year") else None
    sex = None
    if get("sex"):
        sex = str(cell("sex", lambda: im.mapped(m, "sex", get("sex")))).upper()[:1]
        if sex not in ("F", "M"):
            raise im.CellError(f"sex ({m.columns['sex']}): {excerpt(get('sex'))} is not F or M")
    phone = None
    if get("phone"):
        try:
            phone = normalise_phone(get("phone"), region=m.region)
        except DomainError as exc:
            raise im.CellError(f"phone: {exc.en}") from None
    clinic = (get("clinic") or m.clinic or "").upper()
    if not clinic:
        raise im.CellError("clinic: empty and the mapping names no default clinic")
    ctx.clinic_id(clinic)
    doctor = (get("doctor") or m.doctor or "").upper() or None
    ctx.doctor_id(doctor)
    try:
        part = Part.parse(get("part") or m.part).value
    except DomainError as exc:
        raise im.CellError(f"part: {exc.en}") from None
    reminded = cell("reminded", lambda: im.parse_bool(m, "reminded", get("reminded"))) \
        if "reminded" in m.columns else None
    cancelled_by = None
    if status == "cancelled":
        cancelled_by = str(im.mapped(m, "cancelled_by", get("cancelled_by"))) \
            if get("cancelled_by") else "patient"
    late = bool(cell("late_cancel", lambda: im.parse_bool(m, "late_cancel",
                                                          get("late_cancel")))) \
        if get("late_cancel") else False
    ext = get("external_id") or "h:" + hashlib.sha1("\x1f".join(
        cells.get(c, "") for c in sorted(m.columns.values())).encode()).hexdigest()[:30]
    try:
        name = get("patient_name") or text.clean(m.unnamed.format(mrn=mrn), "patient_name")
    except (KeyError, IndexError, ValueError):
        raise im.CellError("patient_name: empty, and the mapping's unnamed pattern is not "
                           "usable (write it like \"BN {mrn}\")") from None
    return _Appt.checked(dict(
        row=n, external_id=ext, mrn=mrn, name=name, sex=sex, birth_date=birth_date,
        birth_year=birth_year, age=age, phone=phone, clinic=clinic, doctor=doctor, day=day,
        part=part, booked_at=booked_at, status=status, reminded=reminded,
        cancelled_by=cancelled_by, late_cancel=late), today=today, now=now)


def _validate(ctx: Context, path: str, m: im.Mapping, rep: ImportReport, today: date,
              now: datetime, progress: Progress | None) -> list[_Appt]:
    header, rows = read_rows(path, m)
    _check_header(header, m)
    good: list[_Appt] = []
    seen: dict[str, int] = {}
    for n, cells in rows:
        rep.rows += 1
        try:
            a = _parse_appt(ctx, m, n, cells, today, now)
        except im.CellError as exc:
            _fail(rep, n, str(exc))
            continue
        except DomainError as exc:
            _fail(rep, n, exc.en)
            continue
        if a.external_id in seen:
            _fail(rep, n, f"external_id {a.external_id!r} repeats row {seen[a.external_id]}")
            continue
        seen[a.external_id] = n
        good.append(a)
        if progress and rep.rows % 5000 == 0:
            progress("check", rep.rows, 0)
    return good


def _session_spec(ctx: Context, clinic: str, doctor: str | None, day: date, part: str):
    for s in ctx.calendar.sessions_on(day, clinic):
        if s.part.value == part and (s.doctor or None) == doctor:
            return s
    return None


def import_appointments(ctx: Context, *, path: str, mapping: str, now: datetime,
                        dry_run: bool = False, skip_bad: bool = False,
                        progress: Progress | None = None) -> ImportReport:
    m = _mapping(mapping, "appointments")
    if m.clinic:  # a wrong default is one clear error, not one per row
        ctx.clinic_id(m.clinic, field_name="mapping")
    if m.doctor:
        ctx.doctor_id(m.doctor, field_name="mapping")
    rep = ImportReport(kind="appointments", file=str(Path(path)), dry_run=dry_run)
    good = _validate(ctx, path, m, rep, ctx.today(now), now, progress)
    if rep.bad_count and not skip_bad:
        rep.good = len(good)
        return rep
    with (ctx.db.read() if dry_run else ctx.db.write()) as conn:
        there = repo.existing_external_ids(conn, [a.external_id for a in good])
        todo = [a for a in good if a.external_id not in there]
        rep.already, rep.good = len(good) - len(todo), len(good)
        pids = repo.patients_by_mrn(conn, [a.mrn for a in todo])
        new_patients = _new_patients(ctx, [a for a in todo if a.mrn not in pids], now)
        groups: dict[str, list[_Appt]] = defaultdict(list)
        for a in todo:
            groups[session_key(a.clinic, a.doctor, a.day, a.part)].append(a)
        sids = repo.sessions_by_key(conn, groups)
        rep.patients_created = len(new_patients[0])
        rep.sessions_created = len(set(groups) - set(sids))
        rep.appointments_created = len(todo)
        if dry_run:
            return rep
        if new_patients[0]:
            ids = bulk.patients(conn, *new_patients)
            pids.update({row["mrn"]: pid for row, pid in zip(new_patients[0], ids)})
        if progress:
            progress("write", 0, len(todo))
        queue = _sessions(ctx, conn, groups, sids)
        _write_appointments(ctx, conn, todo, groups, pids, sids, queue, now, progress)
        events.append(conn, at=now, actor=ctx.actor, kind="import.appointments",
                      details={"file": rep.file, "rows": rep.rows,
                               "created": rep.appointments_created, "skipped_bad": rep.bad_count,
                               "already": rep.already})
        rep.committed = True
    return rep


def _new_patients(ctx: Context, rows: list[_Appt], now: datetime):
    by_mrn: dict[str, list[_Appt]] = defaultdict(list)
    for a in rows:
        by_mrn[a.mrn].append(a)
    p_rows, phones, tokens = [], [], []
    for mrn, lst in by_mrn.items():
        first = lst[0]
        bd = next((a.birth_date for a in lst if a.birth_date), None)
        by = next((a.birth_year for a in lst if a.birth_year), None)
        if bd is None and by is None:
            bd, by = figures.birth_from_ages((a.day, a.age) for a in lst if a.age is not None)
        name = text.clean(first.name)
        p_rows.append({"mrn": mrn, "full_name": name, "name_key": text.fold(name),
                       "sex": next((a.sex for a in lst if a.sex), None), "birth_date": bd,
                       "birth_year": by if by is not None else (bd.year if bd else None),
                       "created_at": now, "updated_at": now, "language": "vi",
                       "note": "imported"})
        ph = next((a.phone for a in lst if a.phone), None)
        phones.append([{"e164": ph, "label": "self", "name": ""}] if ph else [])
        tokens.append(text.tokens(name))
    return p_rows, phones, tokens


def _sessions(ctx: Context, conn, groups: dict[str, list[_Appt]],
              sids: dict[str, int]) -> dict[str, int]:
    """Session ids for every group (made when missing); the first queue number of each."""
    first_queue: dict[str, int] = {}
    new_rows = []
    for key, lst in groups.items():
        held = sum(1 for a in lst if a.status != "cancelled")
        if key in sids:
            first_queue[key] = repo.take_places(conn, sids[key], count=len(lst), held=held)
            continue
        a = lst[0]
        spec = _session_spec(ctx, a.clinic, a.doctor, a.day, a.part)
        starts, ends = (spec.start, spec.end) if spec else (
            (time(7), time(11, 30)) if a.part == "morning" else
            (time(13, 30), time(16, 30)) if a.part == "afternoon" else (time(17), time(20)))
        new_rows.append({"key": key, "clinic_id": ctx.clinic_id(a.clinic),
                         "doctor_id": ctx.doctor_id(a.doctor), "day": a.day, "part": a.part,
                         "starts": starts, "ends": ends,
                         "capacity": max(held, spec.capacity if spec else 0),
                         "overbook_limit": spec.overbook_limit if spec else 0,
                         "slot_minutes": None, "booked": held, "next_queue": len(lst) + 1})
        first_queue[key] = 1
    sids.update(bulk.sessions(conn, new_rows))
    return first_queue


def _write_appointments(ctx, conn, todo, groups, pids, sids, queue, now, progress) -> None:
    qno: dict[int, int] = {}
    for key, lst in groups.items():
        for i, a in enumerate(sorted(lst, key=lambda a: (a.booked_at, a.row))):
            qno[a.row] = queue[key] + i
    numbers = appt_repo.reserve_code_numbers(conn, len(todo))
    step = 20000
    for start in range(0, len(todo), step):
        chunk = todo[start:start + step]
        o_rows, a_rows, hist = [], [], []
        for a, num in zip(chunk, numbers[start:start + step]):
            cid, did = ctx.clinic_id(a.clinic), ctx.doctor_id(a.doctor)
            o_rows.append({"patient_id": pids[a.mrn], "clinic_id": cid, "doctor_id": did,
                           "ordered_at": a.booked_at, "visit_date": None, "target_date": a.day,
                           "earliest": a.day, "latest": a.day, "series_index": 1,
                           "reason": "", "instructions": "", "created_by": ctx.actor})
            hist.append(lifecycle.history(a.status, window_over=a.day < ctx.today(now)))
            a_rows.append({"code": make_code(num), "patient_id": pids[a.mrn], "clinic_id": cid,
                           "doctor_id": did, "session_id": sids[session_key(
                               a.clinic, a.doctor, a.day, a.part)],
                           "day": a.day, "part": a.part, "at_time": None,
                           "queue_no": qno[a.row], "source": "import",
                           "booked_at": a.booked_at, "booked_by": ctx.actor,
                           "lead_days": lead_days(a.day, a.booked_at, ctx.tz),
                           "status_at": now, "cancelled_by": a.cancelled_by,
                           "late_cancel": a.late_cancel, "reminded": a.reminded,
                           "external_id": a.external_id})
        bulk.history(conn, o_rows, a_rows, hist)
        if progress:
            progress("write", start + len(chunk), len(todo))


# -- patients -----------------------------------------------------------------------------

class _Patient(_Row):
    """One patient of a patients file."""

    mrn: str = Field(min_length=1, max_length=32)
    full_name: str = Field(min_length=1, max_length=120)
    sex: Literal["F", "M"] | None
    birth_date: date | None
    birth_year: int | None = Field(ge=1880)
    email: str | None = Field(max_length=254, pattern=EMAIL_RE.pattern)
    address: str | None = Field(max_length=300)
    bhyt: str | None = Field(max_length=32)
    cccd: str | None = Field(max_length=20)
    note: str | None = Field(max_length=1000)
    language: Literal["vi", "en"]

    @model_validator(mode="after")
    def _possible(self, info: ValidationInfo) -> _Patient:
        today = info.context["today"]
        if self.birth_date is not None and self.birth_date > today:
            raise ValueError(f"birth_date: {self.birth_date.isoformat()} is in the future")
        if self.birth_year is not None and self.birth_year > today.year:
            raise ValueError(f"birth_year: {self.birth_year} is in the future")
        return self


def _parse_patient(m: im.Mapping, cells: dict, today: date, now: datetime) -> tuple[dict, list]:
    """One patient row -> (patient row, phones), or CellError (or BadInput) naming the
    field."""

    def get(name: str) -> str:
        col = m.columns.get(name)
        return text.clean(cells.get(col, ""), name) if col else ""

    mrn, name = get("mrn").upper(), get("full_name")
    sex = None
    if get("sex"):
        sex = str(im.mapped(m, "sex", get("sex"))).upper()[:1]
        if sex not in ("F", "M"):
            raise im.CellError(f"sex: {excerpt(get('sex'))} is not F or M")
    try:
        birth_date = im.parse_day(m, "birth_date", get("birth_date")) if get("birth_date") \
            else None
        birth_year = im.parse_int(get("birth_year"), 1880, today.year) if get("birth_year") \
            else (birth_date.year if birth_date else None)
    except im.CellError as exc:
        raise im.CellError(f"birth date: {exc}") from None
    phones = []
    for i, key in enumerate(("phone", "phone2")):
        if get(key):
            try:
                e164 = normalise_phone(get(key), region=m.region)
            except DomainError as exc:
                raise im.CellError(f"{key}: {exc.en}") from None
            if all(p["e164"] != e164 for p in phones):
                phones.append({"e164": e164, "label": "self" if i == 0 else "caregiver",
                               "name": ""})
    p = _Patient.checked(dict(
        mrn=mrn, full_name=name, sex=sex, birth_date=birth_date, birth_year=birth_year,
        email=get("email") or None, address=get("address") or None,
        bhyt=get("bhyt") or None, cccd=get("cccd") or None, note=get("note") or None,
        language=(get("language") or "vi").lower()), today=today)
    row = {**p.model_dump(), "name_key": text.fold(p.full_name), "created_at": now,
           "updated_at": now}
    return row, phones


def import_patients(ctx: Context, *, path: str, mapping: str, now: datetime,
                    dry_run: bool = False, skip_bad: bool = False,
                    progress: Progress | None = None) -> ImportReport:
    m = _mapping(mapping, "patients")
    rep = ImportReport(kind="patients", file=str(Path(path)), dry_run=dry_run)
    header, rows = read_rows(path, m)
    _check_header(header, m)
    good, seen = [], {}
    for n, cells in rows:
        rep.rows += 1
        try:
            row, phones = _parse_patient(m, cells, ctx.today(now), now)
        except im.CellError as exc:
            _fail(rep, n, str(exc))
            continue
        except DomainError as exc:
            _fail(rep, n, exc.en)
            continue
        if row["mrn"] in seen:
            _fail(rep, n, f"mrn {row['mrn']!r} repeats row {seen[row['mrn']]}")
            continue
        seen[row["mrn"]] = n
        good.append((row, phones))
    rep.good = len(good)
    if rep.bad_count and not skip_bad:
        return rep
    with (ctx.db.read() if dry_run else ctx.db.write()) as conn:
        there = repo.patients_by_mrn(conn, [r["mrn"] for r, _ in good])
        todo = [(r, p) for r, p in good if r["mrn"] not in there]
        rep.already, rep.patients_created = len(good) - len(todo), len(todo)
        if dry_run or not todo:
            rep.committed = not dry_run
            return rep
        bulk.patients(conn, [r for r, _ in todo], [p for _, p in todo],
                      [text.tokens(r["full_name"]) for r, _ in todo])
        events.append(conn, at=now, actor=ctx.actor, kind="import.patients",
                      details={"file": rep.file, "rows": rep.rows, "created": len(todo)})
        rep.committed = True
    return rep
