"""Patients: register, correct, look up, search."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from ..core import phones, text
from ..core.errors import BadInput, Refused
from ..core.text import excerpt
from ..store import appointments as appt_repo
from ..store import bulk, events
from ..store import orders as order_repo
from ..store import patients as repo
from ..store.records import PatientRecord
from ..store.rows import name_token as token_table
from ..store.rows import patient as patient_table
from ..store.rows import patient_phone as phone_table
from .context import Context
from .patient_fields import patient_fields
from .steps import load_patient

MRN_RE = re.compile(r"[A-Z0-9][A-Z0-9\-./]{0,31}")


@dataclass(frozen=True)
class PhoneIn:
    raw: str
    label: str = "self"  # self | caregiver | other
    name: str = ""


@dataclass(frozen=True)
class PatientCard:
    id: int
    mrn: str
    full_name: str
    birth_date: date | None
    birth_year: int | None
    sex: str | None
    phones: list[dict] = field(default_factory=list)
    email: str | None = None
    language: str = "vi"
    preferred_channels: list[str] = field(default_factory=list)
    consent: dict[str, bool] = field(default_factory=dict)
    preferred_parts: list[str] = field(default_factory=list)
    bhyt: str | None = None
    cccd: str | None = None
    address: str | None = None

    @property
    def born(self) -> str:
        if self.birth_date:
            return self.birth_date.strftime("%d/%m/%Y")
        return str(self.birth_year) if self.birth_year else ""


def _phones(items: Sequence[PhoneIn]) -> list[dict]:
    out, seen = [], set()
    for i, p in enumerate(items):
        label = (p.label or "self").strip().lower()
        if label not in ("self", "caregiver", "other"):
            raise BadInput("phone.label", f"Loại số điện thoại không hợp lệ: {excerpt(p.label)}.",
                           f"Phone label must be self, caregiver or other: {excerpt(p.label)}.",
                           field=f"phone[{i}]")
        e164 = phones.normalise_phone(p.raw, field="phone" if i == 0 else f"phone[{i}]")
        if e164 in seen:
            continue
        seen.add(e164)
        out.append({"e164": e164, "label": label, "name": text.clean(p.name, "caregiver_name")})
    return out


def _check_fields(*, email, language, sex, birth_date, birth_year, channels, consent, parts,
                  today: date) -> dict:
    return patient_fields(today=today, email=email, language=language, sex=sex,
                          birth_date=birth_date, birth_year=birth_year, channels=channels,
                          consent=consent, parts=parts)


def valid_mrn(value: str) -> bool:
    """An MRN as recall keeps them (upper case, at most 32 characters)."""
    return bool(MRN_RE.fullmatch(value))


def add(ctx: Context, *, name: str, phones_in: Sequence[PhoneIn] = (), mrn: str | None = None,
        sex: str | None = None, birth_date: date | None = None, birth_year: int | None = None,
        email: str | None = None, language: str = "vi", channels: Sequence[str] | None = None,
        consent: dict[str, bool] | None = None, parts: Sequence[str] | None = None,
        bhyt: str | None = None, cccd: str | None = None, address: str | None = None,
        now: datetime) -> PatientCard:
    """Register a patient (one write transaction)."""
    with ctx.db.write() as conn:
        return add_within(conn, ctx, name=name, phones_in=phones_in, mrn=mrn, sex=sex,
                          birth_date=birth_date, birth_year=birth_year, email=email,
                          language=language, channels=channels, consent=consent, parts=parts,
                          bhyt=bhyt, cccd=cccd, address=address, now=now)


def add_within(conn, ctx: Context, *, name: str, phones_in: Sequence[PhoneIn] = (),
               mrn: str | None = None, sex: str | None = None, birth_date: date | None = None,
               birth_year: int | None = None, email: str | None = None, language: str = "vi",
               channels: Sequence[str] | None = None, consent: dict[str, bool] | None = None,
               parts: Sequence[str] | None = None, bhyt: str | None = None,
               cccd: str | None = None, address: str | None = None,
               now: datetime) -> PatientCard:
    """``add`` inside the caller's open write transaction ``conn``: for a use case that
    registers a patient as one part of a larger whole (an HIS import: the patient, the
    order and the slip, all or nothing)."""
    new = new_patient(ctx, name=name, phones_in=phones_in, mrn=mrn, sex=sex,
                      birth_date=birth_date, birth_year=birth_year, email=email,
                      language=language, channels=channels, consent=consent, parts=parts,
                      bhyt=bhyt, cccd=cccd, address=address, now=now)
    if new.row["mrn"] is not None and repo.by_mrn(conn, new.row["mrn"]) is not None:
        raise Refused("mrn.taken", f"Mã bệnh nhân {new.row['mrn']} đã có.",
                      f"MRN {new.row['mrn']} already exists.", field="mrn")
    [(pid, _)] = insert_many_within(conn, ctx, [new], now=now)
    return _card(conn, pid)


@dataclass(frozen=True)
class NewPatient:
    """A patient checked and ready to be written (``insert_many_within``)."""

    row: dict
    phones: list[dict]
    tokens: list[str]


def new_patient(ctx: Context, *, name: str, phones_in: Sequence[PhoneIn] = (),
                mrn: str | None = None, sex: str | None = None, birth_date: date | None = None,
                birth_year: int | None = None, email: str | None = None, language: str = "vi",
                channels: Sequence[str] | None = None, consent: dict[str, bool] | None = None,
                parts: Sequence[str] | None = None, bhyt: str | None = None,
                cccd: str | None = None, address: str | None = None,
                now: datetime) -> NewPatient:
    """A new patient's details checked as ``add`` checks them (BadInput naming the field);
    nothing is written. ``row["mrn"]`` is None when one is to be assigned."""
    full = text.title_name(name or "", "name")
    if not full or not text.fold(full):
        raise BadInput("name.missing", "Chưa nhập họ tên bệnh nhân.", "The patient's name is missing.",
                       field="name")
    phone_rows = _phones(phones_in)
    vals = _check_fields(email=email, language=language, sex=sex, birth_date=birth_date,
                         birth_year=birth_year, channels=channels, consent=consent, parts=parts,
                         today=ctx.today(now))
    if mrn is not None:
        mrn = mrn.strip().upper()
        if not valid_mrn(mrn):
            raise BadInput("mrn.invalid", f"Mã bệnh nhân không hợp lệ: {excerpt(mrn)}.",
                           f"Not a valid MRN: {excerpt(mrn)}.", field="mrn")
    row = {"mrn": mrn, "full_name": full, "name_key": text.fold(full),
           "bhyt": text.clean(bhyt, "bhyt") or None, "cccd": text.clean(cccd, "cccd") or None,
           "address": text.clean(address, "address") or None, "created_at": now, "updated_at": now,
           "language": "vi", **vals}
    return NewPatient(row, phone_rows, text.tokens(full))


def insert_many_within(conn, ctx: Context, items: Sequence[NewPatient], *,
                       now: datetime) -> list[tuple[int, str]]:
    """Write checked new patients (``new_patient``) inside the caller's write transaction,
    with their events; (id, MRN) of each, in order. An MRN is assigned where none is
    given; a given MRN that is taken fails the statement (the caller checked it)."""
    rows = []
    for item in items:
        row = dict(item.row)
        if row["mrn"] is None:
            row["mrn"] = repo.next_mrn(conn, ctx.cfg.mrn_prefix)
        rows.append(row)
    ids = bulk.insert_plain_returning_ids(conn, patient_table, rows)
    bulk.insert_plain(conn, phone_table, [{"patient_id": pid, "position": n, **p}
                                          for pid, item in zip(ids, items)
                                          for n, p in enumerate(item.phones)])
    bulk.insert_plain(conn, token_table, [{"patient_id": pid, "position": n, "token": t[:64]}
                                          for pid, item in zip(ids, items)
                                          for n, t in enumerate(item.tokens)])
    events.append_many(conn, [{"at": now, "actor": ctx.actor, "kind": "patient.added",
                               "patient_id": pid, "details": {"mrn": row["mrn"]}}
                              for pid, row in zip(ids, rows)])
    return [(pid, row["mrn"]) for pid, row in zip(ids, rows)]


def edit(ctx: Context, *, mrn: str, name: str | None = None,
         phones_in: Sequence[PhoneIn] | None = None, sex: str | None = None,
         birth_date: date | None = None, birth_year: int | None = None, email: str | None = None,
         language: str | None = None, channels: Sequence[str] | None = None,
         consent: dict[str, bool] | None = None, parts: Sequence[str] | None = None,
         bhyt: str | None = None, cccd: str | None = None, address: str | None = None,
         now: datetime) -> PatientCard:
    """Correct a patient's details (one write transaction)."""
    with ctx.db.write() as conn:
        return edit_within(conn, ctx, mrn=mrn, name=name, phones_in=phones_in, sex=sex,
                           birth_date=birth_date, birth_year=birth_year, email=email,
                           language=language, channels=channels, consent=consent,
                           parts=parts, bhyt=bhyt, cccd=cccd, address=address, now=now)


def edit_within(conn, ctx: Context, *, mrn: str, name: str | None = None,
                phones_in: Sequence[PhoneIn] | None = None, sex: str | None = None,
                birth_date: date | None = None, birth_year: int | None = None,
                email: str | None = None, language: str | None = None,
                channels: Sequence[str] | None = None, consent: dict[str, bool] | None = None,
                parts: Sequence[str] | None = None, bhyt: str | None = None,
                cccd: str | None = None, address: str | None = None,
                now: datetime) -> PatientCard:
    """``edit`` inside the caller's open write transaction ``conn`` (see ``add_within``)."""
    vals = _check_fields(email=email, language=language, sex=sex, birth_date=birth_date,
                         birth_year=birth_year, channels=channels, consent=consent, parts=parts,
                         today=ctx.today(now))
    if name is not None:
        full = text.title_name(name, "name")
        if not text.fold(full):
            raise BadInput("name.missing", "Họ tên không được để trống.", "The name cannot be empty.",
                           field="name")
        vals.update(full_name=full, name_key=text.fold(full))
    for key, raw in (("bhyt", bhyt), ("cccd", cccd), ("address", address)):
        if raw is not None:
            vals[key] = text.clean(raw, key) or None
    phone_rows = _phones(phones_in) if phones_in is not None else None
    before = _get(conn, mrn)
    changes = {k: [_plain(getattr(before, k)), _plain(v)] for k, v in vals.items()
               if getattr(before, k) != v}
    if phone_rows is not None:
        old = [p.e164 for p in repo.phones(conn, before.id)]
        new = [p["e164"] for p in phone_rows]
        if old != new:
            changes["phones"] = [old, new]
        repo.set_phones(conn, before.id, phone_rows)
    if vals:
        repo.update(conn, before.id, {**vals, "updated_at": now})
    if "full_name" in vals:
        repo.set_tokens(conn, before.id, text.tokens(vals["full_name"]))
    if changes:
        events.append(conn, at=now, actor=ctx.actor, kind="patient.edited",
                      patient_id=before.id, details=changes)
    return _card(conn, before.id)


def _plain(v):
    return v.isoformat() if isinstance(v, date) else v


def _get(conn, mrn: str):
    return load_patient(conn, mrn)


def _card(conn, pid: int) -> PatientCard:
    return card_of(repo.full_record(conn, pid))


def card_of(p: PatientRecord) -> PatientCard:
    return PatientCard(
        id=p.id, mrn=p.mrn, full_name=p.full_name, birth_date=p.birth_date,
        birth_year=p.birth_year, sex=p.sex,
        phones=[{"e164": r.e164, "display": phones.display_phone(r.e164), "label": r.label,
                 "name": r.name} for r in p.phones],
        email=p.email, language=p.language, preferred_channels=list(p.channels),
        consent=dict(p.consent), preferred_parts=list(p.parts),
        bhyt=p.bhyt, cccd=p.cccd, address=p.address,
    )


def get(ctx: Context, *, mrn: str) -> PatientCard:
    with ctx.db.read() as conn:
        return _card(conn, _get(conn, mrn).id)


@dataclass(frozen=True)
class PatientFile:
    card: PatientCard
    orders: list
    appointments: list
    events: list


def show(ctx: Context, *, mrn: str) -> PatientFile:
    with ctx.db.read() as conn:
        p = _get(conn, mrn)
        return PatientFile(card=_card(conn, p.id), orders=order_repo.for_patient(conn, p.id),
                           appointments=appt_repo.for_patient(conn, p.id),
                           events=events.for_patient(conn, p.id))


@dataclass(frozen=True)
class Hit:
    id: int
    mrn: str
    full_name: str
    born: str
    sex: str | None
    phone: str
    matched: str  # mrn | phone | name


def search(ctx: Context, *, query: str, limit: int = 20) -> list[Hit]:
    """Find patients by MRN, phone (any common form, partial) or name without diacritics.

    Best matches first: an exact MRN or phone, then names that are the query, start with
    it, then contain its words as word prefixes.
    """
    q = text.clean(query, "query")
    if not q:
        return []
    with ctx.db.read() as conn:
        rows: list = []
        seen: set[int] = set()

        def take(found, how):
            for r in found:
                if r.id not in seen and len(rows) < limit:
                    seen.add(r.id)
                    rows.append((r, how))

        compact = re.sub(r"[\s.\-()]", "", q)
        if re.fullmatch(r"\+?\d{3,}", compact):
            prefix = phones.search_prefix(compact)
            if prefix:
                take(repo.search_phone(conn, prefix, limit), "phone")
        if re.fullmatch(r"[A-Za-z]{0,4}\d{2,}[A-Za-z0-9\-./]*", compact) or \
                (len(compact) >= 4 and compact.isalnum() and any(c.isdigit() for c in compact)):
            take(repo.search_mrn(conn, compact, limit), "mrn")
        toks = text.tokens(q)
        if toks and not compact.isdigit():
            take(repo.search_name(conn, toks, " ".join(toks), limit), "name")
        phone_map = repo.phones_of(conn, [r.id for r, _ in rows])
    out = []
    for r, how in rows:
        ph = phone_map.get(r.id, [])
        out.append(Hit(
            id=r.id, mrn=r.mrn, full_name=r.full_name,
            born=r.birth_date.strftime("%d/%m/%Y") if r.birth_date else (
                str(r.birth_year) if r.birth_year else ""),
            sex=r.sex, phone=phones.display_phone(ph[0].e164) if ph else "", matched=how))
    return out


def resolve(conn, mrn: str):
    """The patient row for an MRN (services' shared lookup)."""
    return load_patient(conn, mrn)


