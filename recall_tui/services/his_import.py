"""Importing the doctor's follow-up slips from the hospital's system (HIS).

Every HIS in Vietnam writes the insurance XML of Quyết định 130/QĐ-BYT (as amended by
4750/QĐ-BYT); its table XML14 is the follow-up slip (giấy hẹn khám lại) and XML1 of the
same visit carries the patient's number, identity card and phone. ``import_paths`` reads
envelopes, bare XML14/XML1 files or folders of them; ``run_inbox`` does the same for the
drop folder the daemon watches, and moves each file to ``done/`` or ``failed/`` (with a
reason file).

What becomes of a slip: its patient found or registered (``patient_match``), an order with
the slip's date as target and the clinic's window (``orders.add_within``), the doctor from
MA_BAC_SI and the clinic from MA_KHOA through ``[his]`` (``Config.his``), the slip's keys,
diagnosis codes (statistics only) and insurance status kept beside it (``store.his``).

Keys: (MA_CSKCB, MA_LK, SO_GIAYHEN_KL). A slip sent again changes nothing; one sent again
with another date (or doctor, or department) moves its order and says so; if the order was
booked and its appointment no longer lies in the new window, the appointment is moved to
the best session of the new window (``[his] auto_book``) or put on the call list.

All or nothing per file: a unit (an envelope, or the bare files of one visit) with any
error in its format is refused whole, naming file, visit and field; a unit whose slips
cannot be recorded (a past date, a patient two records claim, no clinic for its
department) is rolled back whole. Units are written in batches: one write transaction per
batch, a SAVEPOINT per unit, so a refused unit leaves the others of its batch written and
a batch costs one commit. Booking (``[his] auto_book``) follows the batch's commit, one
booking transaction per order, through the booking use case: an order that cannot be
booked stays open for the desk.
"""

from __future__ import annotations

import logging
import os
import stat
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from ..config import HisSettings
from ..core import icd10, text
from ..core.errors import BadInput, DomainError
from ..core.lifecycle import OrderStatus
from ..files import PRIVATE_DIR, PRIVATE_FILE, os_failure, private_dir, write_private
from ..interop import his_xml
from ..interop.his_xml import FieldError, Unit, Visit, Xml1, Xml14
from ..store import events
from ..store import his as repo
from ..store import orders as order_repo
from ..store.errors import Duplicate
from . import booking, orders, patients
from .context import Context
from .order_corrections import WHY, call_list_within, correct_within, move_or_call
from .patient_match import (
    Identity,
    Lookup,
    Note,
    fill_values,
    find,
    find_or_register,
    new_mrn,
    new_patient,
    phone_of,
)

log = logging.getLogger("recall.his")

# Which field of the slip a use case's refusal is about.
FIELD_OF = {"target": ("XML14", "NGAY_HEN_KL"), "name": ("XML14", "HO_TEN"),
            "birth_date": ("XML14", "NGAY_SINH"), "birth_year": ("XML14", "NGAY_SINH"),
            "phone": ("XML1", "DIEN_THOAI"), "mrn": ("XML1", "MA_BN"),
            "sex": ("XML14", "GIOI_TINH"), "clinic": ("XML1", "MA_KHOA"),
            "doctor": ("XML14", "MA_BAC_SI"), "MA_BN": ("XML1", "MA_BN"),
            "HO_TEN": ("XML14", "HO_TEN")}


# -- what an import reports ------------------------------------------------------------------

@dataclass
class SlipResult:
    visit: str  # MA_LK
    slip: str  # SO_GIAYHEN_KL
    outcome: str  # created | unchanged | moved | closed
    order_id: int
    patient_mrn: str
    patient_name: str
    patient_created: bool
    patient_found_by: str
    clinic: str
    doctor: str | None
    target: date
    previous_target: date | None = None
    booked: str | None = None  # the appointment booked (or moved) for it here
    notes: list[Note] = field(default_factory=list)


@dataclass
class FileResult:
    files: list[str]
    ok: bool = False
    visits: int = 0
    without_slip: int = 0
    slips: list[SlipResult] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)
    moved_to: str | None = None  # done/ or failed/ (the drop folder)

    @property
    def name(self) -> str:
        return ", ".join(Path(f).name for f in self.files)


@dataclass
class HisImportReport:
    dry_run: bool = False
    files: list[FileResult] = field(default_factory=list)
    imported: int = 0  # files (units) written
    refused: int = 0
    created: int = 0
    moved: int = 0
    unchanged: int = 0
    closed: int = 0
    patients_created: int = 0
    booked: int = 0

    def add(self, fr: FileResult) -> None:
        self.files.append(fr)
        if not fr.ok:
            self.refused += 1
            return
        self.imported += 1
        for s in fr.slips:
            setattr(self, s.outcome, getattr(self, s.outcome) + 1)
            self.patients_created += s.patient_created


class _VisitRefused(Exception):
    def __init__(self, error: FieldError):
        self.error = error


class _DryRun(Exception):
    pass


# -- the use cases ---------------------------------------------------------------------------

def import_paths(ctx: Context, *, paths: Sequence[str], now: datetime, dry_run: bool = False,
                 book: bool | None = None, settings: HisSettings | None = None,
                 progress: Callable[[int, int], None] | None = None) -> HisImportReport:
    """Envelopes, bare XML14/XML1 files, or folders of them. ``book``: book the new orders
    at once (default: ``[his] auto_book``)."""
    conf = settings or ctx.cfg.his
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise BadInput("his.path", f"Không có tệp hoặc thư mục: {missing[0]}.",
                       f"No such file or folder: {missing[0]}.", field="path")
    units = his_xml.read_units(paths)
    return _import(ctx, units, conf, now=now, dry_run=dry_run,
                   book=conf.auto_book if book is None else book, progress=progress)


def run_inbox(ctx: Context, *, now: datetime, settings: HisSettings | None = None,
              wall: Callable[[], float] = time.time) -> HisImportReport:
    """The drop folder's files that have settled, imported; each moved to ``done/`` or
    ``failed/`` (with ``<name>.reason.txt``) once its unit is committed or refused."""
    conf = settings or ctx.cfg.his
    if conf.inbox is None:
        raise BadInput("his.inbox", "Chưa đặt thư mục nhận tệp ([his] inbox).",
                       "No drop folder is set ([his] inbox in recall.toml).", field="his.inbox")
    try:  # the drop folder is the HIS's to write into: made as the umask says
        conf.inbox.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise os_failure(exc, str(conf.inbox), field="his.inbox") from None
    for folder in (conf.done, conf.failed):  # what recall keeps: private
        _private_folder(folder)
    ready = []
    for p in his_xml.files_in([conf.inbox]):
        try:
            if wall() - p.stat().st_mtime >= conf.settle_seconds:
                ready.append(p)
        except OSError:
            continue  # gone meanwhile (another reader took it)
    if not ready:
        return HisImportReport()
    report = _import(ctx, his_xml.read_units(ready), conf, now=now, dry_run=False,
                     book=conf.auto_book)
    for fr in report.files:
        _file_away(fr, conf, now)
    return report


# -- batches and units -----------------------------------------------------------------------

def _import(ctx: Context, units: list[Unit], conf: HisSettings, *, now: datetime,
            dry_run: bool, book: bool,
            progress: Callable[[int, int], None] | None = None) -> HisImportReport:
    report = HisImportReport(dry_run=dry_run)
    rebook: list[_ToBook] = []
    for start in range(0, len(units), conf.batch):
        batch = units[start:start + conf.batch]
        results: list[FileResult] = []
        try:
            with ctx.db.write() as conn:
                results = _batch(conn, ctx, batch, conf, now, rebook)
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        for fr in results:
            report.add(fr)
        if progress:
            progress(min(start + conf.batch, len(units)), len(units))
    if book and not dry_run:
        _book(ctx, report, rebook, now)
    return report


def _unit(conn, ctx: Context, unit: Unit, conf: HisSettings, now: datetime,
          rebook: list) -> FileResult:
    fr = FileResult(files=list(unit.files), visits=len(unit.visits),
                    without_slip=sum(1 for v in unit.visits if not v.slips))
    if unit.errors:
        fr.errors = list(unit.errors)
        return fr
    for attempt in (1, 2):
        staged: list = []
        try:
            with conn.begin_nested():
                slips = []
                for visit in unit.visits:
                    slips.extend(_visit(conn, ctx, unit, visit, conf, now, staged))
            fr.slips, fr.ok = slips, True
            rebook.extend(staged)
            return fr
        except _VisitRefused as exc:
            fr.errors = [exc.error]
            return fr
        except Duplicate:
            # Another import wrote the same slip or patient number meanwhile: read again.
            if attempt == 2:
                fr.errors = [FieldError(unit.files[0], None, None, None,
                                        "written by another import at the same time; "
                                        "send it again", "một lần nhập khác đang ghi cùng "
                                        "hồ sơ; gửi lại sau")]
    return fr


def _refuse(unit: Unit, visit: Visit, table: str | None, name: str | None, en: str,
            vi: str, code: str | None = None) -> _VisitRefused:
    return _VisitRefused(FieldError(unit.files[0], visit.ma_lk, table, name, en, vi, code))


def _visit(conn, ctx: Context, unit: Unit, visit: Visit, conf: HisSettings, now: datetime,
           staged: list) -> list[SlipResult]:
    out = []
    for slip in visit.slips:
        try:
            out.append(_slip(conn, ctx, unit, visit, slip, conf, now, staged))
        except DomainError as exc:
            table, name = FIELD_OF.get(exc.field or "", (None, exc.field))
            raise _refuse(unit, visit, table, name, exc.en, exc.vi, exc.code) from None
    return out


# -- a batch: read at once, written at once ---------------------------------------------------
#
# The common case (new slips; patients new, or found with nothing to add) is decided for a
# whole batch from one read of what the batch's slips and identities point at, and
# written with a statement per table for the batch. Anything else (a slip sent again, a
# patient to complete) goes the one-by-one way (``_unit``): what was decided before it is
# written first, so it sees it. Both ways give the same rows and the same report.

@dataclass(eq=False)
class _Row:
    """A patient as ``patient_match.find`` sees it; ``id`` < 0 until written."""

    id: int
    mrn: str | None
    full_name: str
    name_key: str
    birth_date: date | None
    birth_year: int | None
    cccd: str | None
    bhyt: str | None
    address: str | None
    sex: str | None
    phone: bool = False


class _BatchLookup(Lookup):
    def __init__(self, conn, units: list[Unit]):
        whos = [_identity(s, v.xml1) for u in units if not u.errors for v in u.visits
                for s in v.slips]
        keys = [s.key for u in units if not u.errors for v in u.visits for s in v.slips]
        self.slips: set[tuple] = repo.known_slips(conn, keys)
        self.numbers: dict[tuple[str, str], int] = repo.numbers(
            conn, [(w.facility, w.number) for w in whos if w.facility and w.number])
        rows = []
        for column, values in (
                ("id", list(self.numbers.values())),
                ("mrn", [m for w in whos for m in (w.mrn, (w.number or "").upper()) if m]),
                ("cccd", [w.cccd for w in whos if w.cccd]),
                ("bhyt", [c for w in whos for c in w.cards]),
                ("name_key", [text.fold(text.title_name(w.name)) for w in whos])):
            if values:
                rows.extend(repo.patients_where(conn, column, values))
        self.rows: dict[int, object] = {}
        for r in rows:
            self.rows.setdefault(r.id, r)
        self.phones = repo.with_phones(conn, list(self.rows))
        self._index()
        self.unit: list = []  # what the unit being decided would add (dropped if refused)

    def _index(self) -> None:
        self.mrn: dict[str, object] = {}
        self.cccd: dict[str, list] = {}
        self.card: dict[str, list] = {}
        self.name: dict[str, list] = {}
        for r in self.rows.values():
            self._add(r)

    def _add(self, r) -> None:
        if r.mrn:
            self.mrn[r.mrn] = r
        if r.cccd:
            self.cccd.setdefault(r.cccd, []).append(r)
        if r.bhyt:
            self.card.setdefault(r.bhyt, []).append(r)
        self.name.setdefault(r.name_key, []).append(r)

    # Lookup
    def by_number(self, facility, number):
        pid = self.numbers.get((facility, number))
        return self.rows.get(pid) if pid is not None else None

    def by_mrn(self, mrn):
        return self.mrn.get(mrn)

    def by_cccd(self, cccd):
        return list(self.cccd.get(cccd, []))

    def by_cards(self, cards):
        seen, out = set(), []
        for c in cards:
            for r in self.card.get(c, []):
                if id(r) not in seen:
                    seen.add(id(r))
                    out.append(r)
        return out

    def by_name_birth(self, name_key, birth_date, birth_year):
        def same(r) -> bool:
            if birth_date is not None:
                return r.birth_date == birth_date or (
                    r.birth_date is None and r.birth_year == birth_date.year)
            return birth_year is not None and r.birth_year == birth_year
        return [r for r in self.name.get(name_key, []) if same(r)]

    def has_phone(self, row) -> bool:
        return row.phone if isinstance(row, _Row) else row.id in self.phones

    # what a unit adds, kept only when the unit is planned whole
    def stage(self, row: _Row | None = None, number: tuple | None = None,
              key: tuple | None = None) -> None:
        self.unit.append((row, number, key))
        if row is not None:
            self.rows[row.id] = row
            self._add(row)
        if number is not None:
            self.numbers[number[:2]] = number[2]
        if key is not None:
            self.slips.add(key)

    def keep(self) -> None:
        self.unit = []

    def drop(self) -> None:
        for row, number, key in self.unit:
            if row is not None:
                self.rows.pop(row.id, None)
            if number is not None:
                self.numbers.pop(number[:2], None)
            if key is not None:
                self.slips.discard(key)
        self.unit = []
        self._index()


@dataclass
class _Plan:
    unit: Unit
    fr: FileResult
    new: list[tuple[_Row, object]] = field(default_factory=list)  # (row, NewPatient)
    numbers: list[tuple[str, str, _Row | object]] = field(default_factory=list)
    orders: list[tuple[dict, object, SlipResult]] = field(default_factory=list)  # row, patient
    slips: list[dict] = field(default_factory=list)


class _Slow(Exception):
    """This unit is one for the one-by-one way."""


def _batch(conn, ctx: Context, units: list[Unit], conf: HisSettings, now: datetime,
           rebook: list) -> list[FileResult]:
    results: list[FileResult | None] = [None] * len(units)
    plans: list[tuple[int, _Plan]] = []
    look = _BatchLookup(conn, units)
    next_id = [-1]
    for i, unit in enumerate(units):
        if unit.errors:
            results[i] = FileResult(files=list(unit.files), visits=len(unit.visits),
                                    errors=list(unit.errors))
            continue
        try:
            plan = _plan(ctx, unit, conf, now, look, next_id)
        except _VisitRefused as exc:
            look.drop()
            results[i] = FileResult(files=list(unit.files), visits=len(unit.visits),
                                    without_slip=sum(1 for v in unit.visits if not v.slips),
                                    errors=[exc.error])
            continue
        except _Slow:
            look.drop()
            _write_plans(conn, ctx, plans, results, conf, now, rebook)
            plans = []
            results[i] = _unit(conn, ctx, unit, conf, now, rebook)
            look = _BatchLookup(conn, units[i + 1:])  # what it wrote, seen by the rest
            continue
        look.keep()
        plans.append((i, plan))
    _write_plans(conn, ctx, plans, results, conf, now, rebook)
    return results  # type: ignore[return-value]


def _plan(ctx: Context, unit: Unit, conf: HisSettings, now: datetime, look: _BatchLookup,
          next_id: list[int]) -> _Plan:
    """The rows of a unit of new slips, decided from the batch's lookup; ``_Slow`` when
    the unit needs the one-by-one way, ``_VisitRefused`` naming what is wrong."""
    fr = FileResult(files=list(unit.files), visits=len(unit.visits),
                    without_slip=sum(1 for v in unit.visits if not v.slips))
    plan = _Plan(unit, fr)
    today = ctx.today(now)
    source = Path(unit.files[0]).name[:255]
    for visit in unit.visits:
        x1 = visit.xml1
        for slip in visit.slips:
            if slip.key in look.slips:
                raise _Slow  # sent again (or twice in this batch)
            notes: list[Note] = []
            clinic, khoa = _clinic(x1, conf)
            if clinic is None:
                raise _no_clinic(unit, visit)
            if slip.ngay_hen_kl < today:
                raise _refuse(unit, visit, "XML14", "NGAY_HEN_KL",
                              f"{slip.ngay_hen_kl:%d/%m/%Y} is already past: no order for it",
                              f"ngày {slip.ngay_hen_kl:%d/%m/%Y} đã qua: không tạo chỉ định")
            who = _identity(slip, x1)
            try:
                row, how, more = find(look, who)
                notes.extend(more)
                phone = phone_of(who, notes)
                created = row is None
                if created:
                    mrn = new_mrn(who, lambda m: look.by_mrn(m) is not None)
                    new = new_patient(ctx, who, phone, mrn, now=now)
                    r = new.row
                    row = _Row(next_id[0], r["mrn"], r["full_name"], r["name_key"],
                               r.get("birth_date"), r.get("birth_year"), r["cccd"], r["bhyt"],
                               r["address"], r.get("sex"), bool(new.phones))
                    next_id[0] -= 1
                    plan.new.append((row, new))
                    look.stage(row=row)
                    how = "new"
                elif fill_values(row, who, phone, look.has_phone(row)):
                    raise _Slow  # a patient to complete: the edit use case
                if who.number and who.facility and look.by_number(who.facility,
                                                                 who.number) is None:
                    plan.numbers.append((who.facility, who.number, row))
                    look.stage(number=(who.facility, who.number, row.id))
                doctor = _doctor(ctx, slip, clinic, conf, notes)
                seen = slip.ngay_ra or (x1.ngay_ra if x1 else None) or slip.ngay_vao
                o = orders.order_row(ctx, patient_id=0, clinic_id=ctx.clinic_id(clinic),
                                     doctor_id=ctx.doctor_id(doctor), target=slip.ngay_hen_kl,
                                     visit_date=min(seen.date() if seen else slip.ngay_ct,
                                                    today), now=now)
            except DomainError as exc:
                table, name = FIELD_OF.get(exc.field or "", (None, exc.field))
                raise _refuse(unit, visit, table, name, exc.en, exc.vi, exc.code) from None
            res = SlipResult(visit.ma_lk, slip.so_giayhen_kl, "created", 0, row.mrn or "",
                             row.full_name, created, how, clinic, doctor, slip.ngay_hen_kl,
                             notes=notes)
            plan.orders.append((o, row, res))
            plan.slips.append({
                "ma_cskcb": slip.ma_cskcb, "ma_lk": slip.ma_lk,
                "so_giayhen_kl": slip.so_giayhen_kl, "origin": "his",
                "ma_bac_si": slip.ma_bac_si, "ma_ttdv": slip.ma_ttdv, "ma_khoa": khoa,
                "issued_on": slip.ngay_ct, "source_file": source, "created_at": now,
                "updated_at": now, **_facts(slip, x1)})
            look.stage(key=slip.key)
            fr.slips.append(res)
    return plan


def _write_plans(conn, ctx: Context, plans: list[tuple[int, _Plan]], results: list,
                 conf: HisSettings, now: datetime, rebook: list) -> None:
    """The planned units' rows, a statement per table; if the database refuses any (a
    concurrent import), each unit again the one-by-one way."""
    if not plans:
        return
    try:
        with conn.begin_nested():
            news = [(row, new) for _, p in plans for row, new in p.new]
            written = patients.insert_many_within(conn, ctx, [n for _, n in news], now=now)
            for (row, _), (pid, mrn) in zip(news, written):
                row.id, row.mrn = pid, mrn  # the staged rows are real now
            repo.insert_numbers(conn, [{"ma_cskcb": f, "ma_bn": n, "patient_id": row.id,
                                        "created_at": now}
                                       for _, p in plans for f, n, row in p.numbers])
            made = [(o, row, res) for _, p in plans for o, row, res in p.orders]
            ids = orders.insert_many_within(
                conn, ctx, [{**o, "patient_id": row.id} for o, row, _ in made], now=now,
                source="his")
            slip_rows = [s for _, p in plans for s in p.slips]
            for (_, row, res), oid, s in zip(made, ids, slip_rows):
                res.order_id, res.patient_mrn = oid, row.mrn
                s.update(order_id=oid, patient_id=row.id)
            repo.insert_slips(conn, slip_rows)
            events.append_many(conn, [{
                "at": now, "actor": ctx.actor, "kind": "his.slip", "patient_id": s["patient_id"],
                "order_id": s["order_id"], "details": _slip_details(
                    s["so_giayhen_kl"], s["ma_lk"], s["ma_cskcb"], s["source_file"])}
                for s in slip_rows])
    except Duplicate:  # a concurrent import wrote one of these rows meanwhile
        for i, p in plans:
            results[i] = _unit(conn, ctx, p.unit, conf, now, rebook)
        return
    for i, p in plans:
        p.fr.ok = True
        results[i] = p.fr
        rebook.extend(_ToBook(res, res.order_id) for _, _, res in p.orders)


# -- one slip ---------------------------------------------------------------------------------

def _identity(slip: Xml14, x1: Xml1 | None) -> Identity:
    sex_of = {1: "M", 2: "F"}
    return Identity(
        name=(x1.ho_ten if x1 else slip.ho_ten),
        birth_date=(x1.birth_date if x1 and x1.birth_year else slip.birth_date),
        birth_year=(x1.birth_year if x1 and x1.birth_year else slip.birth_year),
        sex=sex_of.get((x1.gioi_tinh if x1 and x1.gioi_tinh else slip.gioi_tinh) or 0),
        phone=x1.dien_thoai if x1 else None, cccd=x1.so_cccd if x1 else None,
        cards=(x1.ma_the_bhyt if x1 and x1.ma_the_bhyt else slip.ma_the_bhyt),
        address=(x1.dia_chi if x1 and x1.dia_chi else slip.dia_chi),
        facility=(x1.ma_cskcb if x1 else None), number=(x1.ma_bn if x1 else None))


def _clinic(x1: Xml1 | None, conf: HisSettings) -> tuple[str | None, str | None]:
    """(clinic code, the MA_KHOA it came from): the last department of the visit that is
    mapped, else ``[his] default_clinic``, else None."""
    khoa = x1.ma_khoa if x1 else ()
    for k in reversed(khoa):
        if k in conf.clinics:
            return conf.clinics[k], k
    return conf.default_clinic, None


def _no_clinic(unit: Unit, visit: Visit) -> _VisitRefused:
    khoa = visit.xml1.ma_khoa if visit.xml1 else ()
    shown = ", ".join(khoa) if khoa else "none (no XML1 for this visit)"
    return _refuse(unit, visit, "XML1", "MA_KHOA",
                  f"no recall clinic for department {shown}: map it in [his.clinics] of "
                  "recall.toml, or set [his] default_clinic",
                  f"chưa có phòng khám cho khoa {shown}: khai báo trong [his.clinics] của "
                  "recall.toml, hoặc đặt [his] default_clinic")


def _doctor(ctx: Context, slip: Xml14, clinic: str, conf: HisSettings,
            notes: list[Note]) -> str | None:
    code = conf.doctors.get(slip.ma_bac_si)
    if code is None:
        wanted = slip.ma_bac_si.strip().upper()
        code = next((d.code for d in ctx.cfg.doctors
                     if d.licence and d.licence.strip().upper() == wanted), None)
    if code is None:
        notes.append(Note("doctor.unknown",
                          f"MA_BAC_SI {slip.ma_bac_si!r} is no recall doctor ([his.doctors], "
                          "or a doctor's licence): the order has no doctor",
                          f"MA_BAC_SI {slip.ma_bac_si!r} không phải bác sĩ trong recall: "
                          "chỉ định không ghi bác sĩ", "MA_BAC_SI"))
        return None
    dcfg = next((d for d in ctx.cfg.doctors if d.code == code), None)
    if dcfg is not None and dcfg.clinics and clinic not in dcfg.clinics:
        notes.append(Note("doctor.elsewhere",
                          f"doctor {code} does not work in {clinic}: the order has no doctor",
                          f"bác sĩ {code} không khám tại {clinic}: chỉ định không ghi bác sĩ",
                          "MA_BAC_SI"))
        return None
    return code


def _facts(slip: Xml14, x1: Xml1 | None) -> dict:
    """What the statistics keep: the diagnosis codes, their chapter, the insurance status."""
    main = slip.ma_benh_chinh or (x1.ma_benh_chinh if x1 else None)
    other = slip.ma_benh_kt or (x1.ma_benh_kt if x1 else ())
    cards = slip.ma_the_bhyt or (x1.ma_the_bhyt if x1 else ())
    valid = slip.gt_the_den or (x1.gt_the_den if x1 else ())
    until = max(valid) if valid else None
    if not cards:
        insurance = "none"
    elif until is not None and until < slip.ngay_hen_kl:
        insurance = "lapses"  # the card ends before the follow-up visit
    else:
        insurance = "covered"
    return {"icd_main": main, "icd_other": ";".join(other)[:100] or None,
            "icd_chapter": icd10.chapter(main), "insurance": insurance,
            "card_valid_to": until,
            "ma_doituong_kcb": slip.ma_doituong_kcb or (x1.ma_doituong_kcb if x1 else None)}


def _slip_details(slip: str, visit: str, facility: str, file: str) -> dict:
    """The details of a new slip's "his.slip" event (the batch's and the one-by-one way's)."""
    return {"slip": slip, "visit": visit, "facility": facility, "file": file,
            "outcome": "created"}


def _slip(conn, ctx: Context, unit: Unit, visit: Visit, slip: Xml14, conf: HisSettings,
          now: datetime, staged: list) -> SlipResult:
    x1 = visit.xml1
    notes: list[Note] = []
    clinic, khoa = _clinic(x1, conf)
    existing = repo.slip_by_key(conn, *slip.key)
    if existing is not None:
        return _again(conn, ctx, unit, visit, slip, existing, clinic, khoa, notes, conf, now,
                      staged)
    if clinic is None:
        raise _no_clinic(unit, visit)
    doctor = _doctor(ctx, slip, clinic, conf, notes)
    source = Path(unit.files[0]).name[:255]
    today = ctx.today(now)
    if slip.ngay_hen_kl < today:
        raise _refuse(unit, visit, "XML14", "NGAY_HEN_KL",
                      f"{slip.ngay_hen_kl:%d/%m/%Y} is already past: no order for it",
                      f"ngày {slip.ngay_hen_kl:%d/%m/%Y} đã qua: không tạo chỉ định")
    who = find_or_register(conn, ctx, _identity(slip, x1), now=now)
    notes.extend(who.notes)
    seen = (slip.ngay_ra or (x1.ngay_ra if x1 else None) or slip.ngay_vao)
    o = orders.add_within(conn, ctx, patient=who.mrn, clinic=clinic, doctor=doctor,
                          target=slip.ngay_hen_kl,
                          visit_date=min(seen.date() if seen else slip.ngay_ct, today),
                          source="his", now=now)
    repo.insert_slip(conn, {
        "ma_cskcb": slip.ma_cskcb, "ma_lk": slip.ma_lk, "so_giayhen_kl": slip.so_giayhen_kl,
        "order_id": o.id, "patient_id": who.patient_id, "origin": "his",
        "ma_bac_si": slip.ma_bac_si, "ma_ttdv": slip.ma_ttdv, "ma_khoa": khoa,
        "issued_on": slip.ngay_ct, "source_file": source, "created_at": now,
        "updated_at": now, **_facts(slip, x1)})
    events.append(conn, at=now, actor=ctx.actor, kind="his.slip", patient_id=who.patient_id,
                  order_id=o.id, details=_slip_details(slip.so_giayhen_kl, slip.ma_lk,
                                                       slip.ma_cskcb, source))
    res = SlipResult(visit.ma_lk, slip.so_giayhen_kl, "created", o.id, who.mrn,
                     who.full_name, who.created, who.how, clinic, doctor, slip.ngay_hen_kl,
                     notes=notes)
    staged.append(_ToBook(res, o.id))
    return res


def _again(conn, ctx: Context, unit: Unit, visit: Visit, slip: Xml14, existing,
           clinic: str | None, khoa: str | None, notes: list[Note], conf: HisSettings,
           now: datetime, staged: list) -> SlipResult:
    """A slip whose keys are known: the same (nothing changes) or corrected (moved). With
    no department mapped (a bare XML14), the order keeps its clinic."""
    o = order_repo.get(conn, existing.order_id)
    p = repo.patient_row(conn, o.patient_id)
    if khoa is None:  # no department of this visit is mapped: the order keeps its clinic
        clinic, khoa = ctx.clinic_code(o.clinic_id), existing.ma_khoa
    if existing.ma_bac_si == slip.ma_bac_si and o.clinic_id == ctx.clinic_id(clinic):
        doctor = ctx.doctor_code(o.doctor_id)  # the same doctor as first sent: as recorded
    else:
        doctor = _doctor(ctx, slip, clinic, conf, notes)
    res = SlipResult(visit.ma_lk, slip.so_giayhen_kl, "unchanged", o.id, p.mrn, p.full_name,
                     False, "slip", clinic, doctor, slip.ngay_hen_kl, notes=notes)
    source = Path(unit.files[0]).name[:255]
    fix = correct_within(conn, ctx, order_id=o.id, target=slip.ngay_hen_kl, clinic=clinic,
                         doctor=doctor, now=now,
                         reason="corrected slip from the hospital's system",
                         details={"slip": slip.so_giayhen_kl, "visit": slip.ma_lk,
                                  "file": source})
    res.outcome = fix.outcome
    if fix.outcome == "unchanged":
        res.notes = []  # nothing was done: nothing to say
        staged.append(_ToBook(res, o.id))  # an earlier run may have stopped before booking
        return res
    if fix.outcome == "closed":
        res.target = o.target_date
        res.notes.append(Note("order.closed",
                              f"order {o.id} is {o.status}: the corrected slip is not applied",
                              f"chỉ định {o.id} đã {o.status}: không áp dụng giấy hẹn sửa",
                              "NGAY_HEN_KL"))
        return res
    repo.update_slip(conn, existing.id, {"ma_bac_si": slip.ma_bac_si, "ma_khoa": khoa,
                                         "ma_ttdv": slip.ma_ttdv, "issued_on": slip.ngay_ct,
                                         "source_file": source, "updated_at": now,
                                         **_facts(slip, visit.xml1)})
    res.previous_target = fix.previous
    if fix.previous != fix.target:
        res.notes.append(Note("order.moved",
                              f"order {o.id} moved from {fix.previous:%d/%m/%Y} to "
                              f"{fix.target:%d/%m/%Y}",
                              f"chỉ định {o.id} dời từ {fix.previous:%d/%m/%Y} sang "
                              f"{fix.target:%d/%m/%Y}", "NGAY_HEN_KL"))
    else:
        res.notes.append(Note("order.changed",
                              f"order {o.id} now: {clinic}, doctor {doctor or '-'}",
                              f"chỉ định {o.id} nay: {clinic}, bác sĩ {doctor or '-'}",
                              "MA_BAC_SI"))
    if fix.outside is not None:
        if conf.auto_book:  # moved to the corrected order after the commit
            staged.append(_ToBook(res, o.id, fix.outside.code, fix.why))
        else:
            call_list_within(conn, ctx, order_id=o.id, appointment=fix.outside, now=now,
                             why=fix.why)
            res.notes.append(outside_note(fix.outside, fix.why))
    return res


def outside_note(appt, why: str) -> Note:
    """An appointment a corrected slip left outside its order, now on the call list."""
    vi, en = WHY[why]
    return Note("appointment.outside",
                f"appointment {appt.code} on {appt.day:%d/%m/%Y} {en}: it is on the call list",
                f"lịch hẹn {appt.code} ngày {appt.day:%d/%m/%Y} {vi}: đã đưa vào danh sách "
                "cần gọi",
                "NGAY_HEN_KL" if why == "window" else
                ("MA_KHOA" if why == "clinic" else "MA_BAC_SI"))


# -- booking after the commit ---------------------------------------------------------------

@dataclass(frozen=True)
class _ToBook:
    """An order to book after the commit, or (``move``) the code of its appointment that a
    correction left outside it, to move (``why``: ``order_corrections.WHY``)."""

    result: SlipResult
    order_id: int
    move: str | None = None
    why: str | None = None


def _book(ctx: Context, report: HisImportReport, staged: list[_ToBook],
          now: datetime) -> None:
    """Book each new (or still open) order at the least-loaded session of its window; move
    an appointment a corrected slip left outside its order. One booking transaction
    each, through the booking use cases; a refusal leaves the order for the desk (said in
    the report), and a moved-out appointment that cannot be moved goes on the call list."""
    for tb in staged:
        res = tb.result
        if tb.move is not None:
            done = move_or_call(ctx, order_id=tb.order_id, code=tb.move, why=tb.why or "window",
                                now=now, reason="corrected slip from the hospital's system")
            if done is None:
                continue
            if done.moved_to is None:
                res.notes.append(Note("booking.refused", f"not moved: {done.refusal.en}",
                                      f"chưa chuyển lịch: {done.refusal.vi}"))
                res.notes.append(outside_note(done.appointment, tb.why or "window"))
                continue
            b = done.moved_to
            res.notes.append(Note(
                "appointment.moved",
                f"appointment {done.appointment.code} moved to {b.code} on {b.day:%d/%m/%Y}",
                f"lịch hẹn {done.appointment.code} chuyển sang {b.code} ngày "
                f"{b.day:%d/%m/%Y}", "NGAY_HEN_KL"))
        else:
            if orders.get(ctx, order_id=tb.order_id).status != OrderStatus.OPEN.value:
                continue  # booked already (a slip sent again)
            try:
                b = booking.book_suggested(ctx, order_id=tb.order_id, now=now, source="auto")
            except DomainError as exc:
                res.notes.append(Note("booking.refused", f"not booked: {exc.en}",
                                      f"chưa đặt lịch: {exc.vi}"))
                continue
        res.booked = b.code
        report.booked += 1


# -- the drop folder -------------------------------------------------------------------------

def _free_name(folder: Path, name: str) -> Path:
    target = folder / name
    stem, suffix = os.path.splitext(name)
    n = 1
    while target.exists():
        target = folder / f"{stem}.{n}{suffix}"
        n += 1
    return target


def _private_folder(folder: Path) -> None:
    """done/ or failed/: made 0700 whatever the umask, and tightened to it when an older
    recall made it open."""
    private_dir(folder, field="his.inbox")
    try:
        if stat.S_IMODE(folder.stat().st_mode) & 0o077:
            os.chmod(folder, PRIVATE_DIR)
    except OSError as exc:  # not ours to change: said, and the files in it are private
        log.warning("could not make %s private: %s", folder, exc)


# Refusals that quote other patients of recall (their MRN, name and birth date): a reason
# file, or a log line, says what the person handling the file needs, not who else is known.
NAMES_OTHERS = {
    "patient.conflict": (
        "the identifiers of this patient (MA_BN, identity card, insurance card) point at "
        "more than one patient in recall: someone at the desk must check them in recall "
        "(merge or correct), then send the file again",
        "các mã định danh của bệnh nhân này (MA_BN, CCCD, thẻ BHYT) trỏ tới nhiều bệnh nhân "
        "trong recall: quầy cần kiểm tra trong recall (gộp hoặc sửa) rồi gửi lại tệp"),
    "patient.ambiguous": (
        "several patients in recall have this name and birth date: someone at the desk must "
        "choose in recall, then send the file again",
        "nhiều bệnh nhân trong recall cùng họ tên và ngày sinh: quầy cần chọn trong recall "
        "rồi gửi lại tệp"),
}


def said_safely(e: FieldError, language: str = "en") -> str:
    """An error of a file as a reason file or a log may say it: where (file, visit, table
    and field) and why, without another patient's details."""
    safe = NAMES_OTHERS.get(e.code or "")
    if safe is None:
        return e.message(language)
    return f"{e.where}: {safe[1] if language == 'vi' else safe[0]}"


def _file_away(fr: FileResult, conf: HisSettings, now: datetime) -> None:
    """The unit's files moved to done/ or failed/ (private: 0600), a refused one's with
    ``<name>.reason.txt`` (0600) saying why, in both languages."""
    folder = conf.done if fr.ok else conf.failed
    for f in fr.files:
        src = Path(f)
        try:
            dest = _free_name(folder, src.name)
            src.replace(dest)
        except OSError as exc:  # left in place: the next scan reads it again (idempotent)
            log.error("could not move %s to %s: %s", src, folder, exc)
            continue
        fr.moved_to = str(folder)
        try:
            os.chmod(dest, PRIVATE_FILE)
        except OSError as exc:
            log.warning("could not make %s private: %s", dest, exc)
        if not fr.ok:
            lines = [f"recall {now:%Y-%m-%d %H:%M}: {src.name} was not imported "
                     "(nothing of it was written) / không nhập (không ghi gì)."]
            lines += [f"- {said_safely(e, 'en')}\n  {said_safely(e, 'vi')}" for e in fr.errors]
            try:
                write_private(dest.with_name(dest.name + ".reason.txt"),
                              "\n".join(lines) + "\n")
            except DomainError as exc:
                log.error("could not write the reason file of %s: %s", dest, exc.en)
