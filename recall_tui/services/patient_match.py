"""Who is this? The patient of a slip or a FHIR resource, found or registered.

Inside the caller's write transaction. The patient is looked for by the strong keys
first: the hospital's patient number (MA_BN, linked earlier or equal to an MRN), the
identity card (CCCD), the insurance card (BHYT). Several different patients behind those
keys is a conflict a person must settle: ``Conflict`` names them and nothing is written.
With no strong match, the same folded name and birth date: one is that patient, several is
a conflict; one whose identity card or insurance card differs is somebody else (a note
says so). Otherwise the patient is registered. Never a silent duplicate.

A patient found gets what recall did not know yet (a phone when none, the identity and
insurance cards, the birth date, the address, the sex); nothing known is overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from ..core import phones, text
from ..core.errors import DomainError, Refused
from ..store import his as repo
from ..store import patients as patient_repo
from . import patients
from .context import Context
from .patients import PhoneIn


@dataclass(frozen=True)
class Identity:
    name: str
    birth_date: date | None = None
    birth_year: int | None = None
    sex: str | None = None  # M | F | None
    phone: str | None = None  # as written; normalised here (old 11-digit numbers too)
    cccd: str | None = None
    cards: tuple[str, ...] = ()  # insurance cards, the newest last
    address: str | None = None
    facility: str | None = None  # MA_CSKCB of the hospital number
    number: str | None = None  # MA_BN: the hospital's patient number
    mrn: str | None = None  # an MRN the sender knows (FHIR export of recall)


@dataclass(frozen=True)
class Note:
    """Something the import did that a person should know; both languages."""

    code: str
    en: str
    vi: str
    field: str | None = None


@dataclass
class Match:
    patient_id: int
    mrn: str
    full_name: str
    created: bool
    how: str  # number | mrn | cccd | card | name_birth | new
    notes: list[Note] = field(default_factory=list)


class Conflict(Refused):
    """The keys point at different patients, or at several: a person decides."""


def _phone(raw: str | None, notes: list[Note]) -> str | None:
    if not raw:
        return None
    try:
        return phones.normalise_phone(raw, field="DIEN_THOAI")
    except DomainError:
        notes.append(Note("phone.unusable", f"phone {raw!r} is not a number recall can call: "
                          "not kept", f"số điện thoại {raw!r} không gọi được: không lưu",
                          "DIEN_THOAI"))
        return None


def _name(p) -> str:
    born = p.birth_date.strftime("%d/%m/%Y") if p.birth_date else (p.birth_year or "?")
    return f"{p.mrn} ({p.full_name}, {born})"


class Lookup:
    """Where ``find`` looks: the database (``DbLookup``), or what an import's batch read
    beforehand plus what it is about to write (``services.his_import``). Rows carry id,
    mrn, full_name, birth_date, birth_year, cccd, bhyt, address, sex."""

    def by_number(self, facility: str, number: str): ...
    def by_mrn(self, mrn: str): ...
    def by_cccd(self, cccd: str) -> list: ...
    def by_cards(self, cards: tuple[str, ...]) -> list: ...
    def by_name_birth(self, name_key: str, birth_date: date | None,
                      birth_year: int | None) -> list: ...
    def has_phone(self, row) -> bool: ...


class DbLookup(Lookup):
    def __init__(self, conn):
        self.conn = conn

    def by_number(self, facility: str, number: str):
        pid = repo.patient_for_number(self.conn, facility, number)
        return repo.patient_row(self.conn, pid) if pid is not None else None

    def by_mrn(self, mrn: str):
        return repo.patient_by_mrn(self.conn, mrn)

    def by_cccd(self, cccd: str) -> list:
        return repo.patients_by_cccd(self.conn, cccd)

    def by_cards(self, cards: tuple[str, ...]) -> list:
        return repo.patients_by_card(self.conn, cards)

    def by_name_birth(self, name_key, birth_date, birth_year) -> list:
        return repo.patients_by_name_birth(self.conn, name_key, birth_date, birth_year)

    def has_phone(self, row) -> bool:
        return bool(patient_repo.phones(self.conn, row.id))


def find(look: Lookup, who: Identity) -> tuple[object | None, str, list[Note]]:
    """(patient row or None, how it was found, notes). Conflict when the keys disagree."""
    found: dict[int, tuple[object, list[str]]] = {}

    def take(row, key: str) -> None:
        if row is not None:
            found.setdefault(row.id, (row, []))[1].append(key)

    if who.number and who.facility:
        take(look.by_number(who.facility, who.number), "MA_BN")
    for mrn in {m for m in (who.mrn, (who.number or "").upper()) if m and
                patients.valid_mrn(m)}:
        take(look.by_mrn(mrn), "MRN")
    if who.cccd:
        for r in look.by_cccd(who.cccd):
            take(r, "CCCD")
    for r in look.by_cards(who.cards):
        take(r, "BHYT")
    if len(found) > 1:
        said = "; ".join(f"{'/'.join(keys)} -> {_name(r)}" for r, keys in found.values())
        raise Conflict("patient.conflict",
                       f"Các mã định danh trỏ tới nhiều bệnh nhân khác nhau: {said}. "
                       "Cần người kiểm tra (gộp hoặc sửa) trước khi nhập.",
                       f"The identifiers point at different patients: {said}. A person "
                       "must check (merge or correct) before this imports.", field="MA_BN")
    if found:
        (row, keys), = found.values()
        how = {"MA_BN": "number", "MRN": "mrn", "CCCD": "cccd", "BHYT": "card"}[keys[0]]
        return row, how, []
    key = text.fold(text.title_name(who.name))
    rows = look.by_name_birth(key, who.birth_date, who.birth_year)
    if len(rows) > 1:
        said = "; ".join(_name(r) for r in rows)
        raise Conflict("patient.ambiguous",
                       f"Có nhiều bệnh nhân cùng họ tên và ngày sinh: {said}. Cần người chọn.",
                       f"Several patients have this name and birth date: {said}. "
                       "A person must choose.", field="HO_TEN")
    if not rows:
        return None, "new", []
    row = rows[0]
    differs = [k for k, mine, theirs in (("CCCD", row.cccd, who.cccd),
                                         ("BHYT", row.bhyt, who.cards[-1] if who.cards
                                          else None)) if mine and theirs and mine != theirs]
    if differs:
        return None, "new", [Note(
            "patient.namesake", f"{_name(row)} has this name and birth date but another "
            f"{'/'.join(differs)}: registered as a new patient",
            f"{_name(row)} trùng họ tên và ngày sinh nhưng khác {'/'.join(differs)}: đăng ký "
            "bệnh nhân mới", "HO_TEN")]
    return row, "name_birth", []


def new_mrn(who: Identity, taken) -> str | None:
    """The MRN a new patient gets: the sender's MRN, else the hospital's number when it can
    be one and is free (``taken(mrn)``), else None (one of ours is assigned)."""
    mrn = (who.number or "").upper() or None
    if who.mrn and patients.valid_mrn(who.mrn):
        mrn = who.mrn
    if mrn and (not patients.valid_mrn(mrn) or taken(mrn)):
        return None
    return mrn


def new_patient(ctx: Context, who: Identity, phone: str | None, mrn: str | None, *,
                now: datetime) -> patients.NewPatient:
    return patients.new_patient(
        ctx, name=who.name, phones_in=[PhoneIn(phone)] if phone else [], mrn=mrn, sex=who.sex,
        birth_date=who.birth_date, birth_year=None if who.birth_date else who.birth_year,
        bhyt=who.cards[-1] if who.cards else None, cccd=who.cccd, address=who.address,
        now=now)


def phone_of(who: Identity, notes: list[Note]) -> str | None:
    return _phone(who.phone, notes)


def find_or_register(conn, ctx: Context, who: Identity, *, now: datetime) -> Match:
    notes: list[Note] = []
    phone = _phone(who.phone, notes)
    look = DbLookup(conn)
    row, how, more = find(look, who)
    notes.extend(more)
    if row is None:
        mrn = new_mrn(who, lambda m: patient_repo.by_mrn(conn, m) is not None)
        [(pid, mrn)] = patients.insert_many_within(
            conn, ctx, [new_patient(ctx, who, phone, mrn, now=now)], now=now)
        full = patient_repo.by_id(conn, pid)
        m = Match(pid, mrn, full.full_name, True, "new", notes)
    else:
        m = Match(row.id, row.mrn, row.full_name, False, how, notes)
        vals = fill_values(row, who, phone, look.has_phone(row))
        if vals:
            patients.edit_within(conn, ctx, mrn=row.mrn, now=now, **vals)
    if who.number and who.facility:
        repo.link_number(conn, ma_cskcb=who.facility, ma_bn=who.number, patient_id=m.patient_id,
                         now=now)
    return m


def fill_values(row, who: Identity, phone: str | None, has_phone: bool) -> dict:
    """What recall did not know yet of a found patient (``edit`` keywords); nothing known
    is overwritten."""
    vals: dict = {}
    if phone and not has_phone:
        vals["phones_in"] = [PhoneIn(phone)]
    if who.cccd and not row.cccd:
        vals["cccd"] = who.cccd
    if who.cards and not row.bhyt:
        vals["bhyt"] = who.cards[-1]
    if who.birth_date and not row.birth_date:
        vals["birth_date"] = who.birth_date
    elif who.birth_year and not row.birth_year and not row.birth_date:
        vals["birth_year"] = who.birth_year
    if who.address and not row.address:
        vals["address"] = who.address
    if who.sex and not row.sex:
        vals["sex"] = who.sex
    return vals
