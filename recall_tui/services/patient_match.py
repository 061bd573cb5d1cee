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


def find(conn, who: Identity) -> tuple[object | None, str]:
    """(patient row or None, how it was found). Conflict when the keys disagree."""
    found: dict[int, tuple[object, list[str]]] = {}

    def take(row, key: str) -> None:
        if row is not None:
            found.setdefault(row.id, (row, []))[1].append(key)

    if who.number and who.facility:
        pid = repo.patient_for_number(conn, who.facility, who.number)
        if pid is not None:
            take(repo.patient_row(conn, pid), "MA_BN")
    for mrn in {m for m in (who.mrn, (who.number or "").upper()) if m and
                patients.valid_mrn(m)}:
        take(repo.patient_by_mrn(conn, mrn), "MRN")
    if who.cccd:
        for r in repo.patients_by_cccd(conn, who.cccd):
            take(r, "CCCD")
    for r in repo.patients_by_card(conn, who.cards):
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
        return row, how
    key = text.fold(text.title_name(who.name))
    rows = repo.patients_by_name_birth(conn, key, who.birth_date, who.birth_year)
    if len(rows) > 1:
        said = "; ".join(_name(r) for r in rows)
        raise Conflict("patient.ambiguous",
                       f"Có nhiều bệnh nhân cùng họ tên và ngày sinh: {said}. Cần người chọn.",
                       f"Several patients have this name and birth date: {said}. "
                       "A person must choose.", field="HO_TEN")
    return (rows[0], "name_birth") if rows else (None, "new")


def find_or_register(conn, ctx: Context, who: Identity, *, now: datetime) -> Match:
    notes: list[Note] = []
    phone = _phone(who.phone, notes)
    row, how = find(conn, who)
    if row is not None and how == "name_birth":
        differs = [k for k, mine, theirs in (("CCCD", row.cccd, who.cccd),
                                             ("BHYT", row.bhyt, who.cards[-1] if who.cards
                                              else None)) if mine and theirs and mine != theirs]
        if differs:
            notes.append(Note("patient.namesake",
                              f"{_name(row)} has this name and birth date but another "
                              f"{'/'.join(differs)}: registered as a new patient",
                              f"{_name(row)} trùng họ tên và ngày sinh nhưng khác "
                              f"{'/'.join(differs)}: đăng ký bệnh nhân mới", "HO_TEN"))
            row, how = None, "new"
    if row is None:
        mrn = (who.number or "").upper() or None
        if who.mrn and patients.valid_mrn(who.mrn):
            mrn = who.mrn
        if mrn and (not patients.valid_mrn(mrn) or patient_repo.by_mrn(conn, mrn) is not None):
            mrn = None  # a number that cannot be (or already is) an MRN: one of ours
        card = patients.add_within(
            conn, ctx, name=who.name, phones_in=[PhoneIn(phone)] if phone else [], mrn=mrn,
            sex=who.sex, birth_date=who.birth_date,
            birth_year=None if who.birth_date else who.birth_year,
            bhyt=who.cards[-1] if who.cards else None, cccd=who.cccd, address=who.address,
            now=now)
        m = Match(card.id, card.mrn, card.full_name, True, "new", notes)
    else:
        m = Match(row.id, row.mrn, row.full_name, False, how, notes)
        _fill_in(conn, ctx, row, who, phone, now)
    if who.number and who.facility:
        repo.link_number(conn, ma_cskcb=who.facility, ma_bn=who.number, patient_id=m.patient_id,
                         now=now)
    return m


def _fill_in(conn, ctx: Context, row, who: Identity, phone: str | None, now: datetime) -> None:
    """What recall did not know yet; nothing known is overwritten."""
    full = patient_repo.by_id(conn, row.id)
    vals: dict = {}
    if phone and not patient_repo.phones(conn, row.id):
        vals["phones_in"] = [PhoneIn(phone)]
    if who.cccd and not full.cccd:
        vals["cccd"] = who.cccd
    if who.cards and not full.bhyt:
        vals["bhyt"] = who.cards[-1]
    if who.birth_date and not full.birth_date:
        vals["birth_date"] = who.birth_date
    elif who.birth_year and not full.birth_year and not full.birth_date:
        vals["birth_year"] = who.birth_year
    if who.address and not full.address:
        vals["address"] = who.address
    if who.sex and not full.sex:
        vals["sex"] = who.sex
    if vals:
        patients.edit_within(conn, ctx, mrn=full.mrn, now=now, **vals)
