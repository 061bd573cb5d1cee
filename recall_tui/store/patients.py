"""Patients, their phones, and search (MRN, phone prefix, name tokens without diacritics)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, and_, bindparam, case, func, or_, select

from .models import Patient, PatientPhone
from .records import PatientRecord, patient_record, record, record_or_none
from .rows import name_token, next_value, patient, patient_phone

COLUMNS = [patient.c.id, patient.c.mrn, patient.c.full_name, patient.c.birth_date,
           patient.c.birth_year, patient.c.sex]


def next_mrn(conn: Connection, prefix: str) -> str:
    """A new MRN from a prefixed sequence; skips any number an import already holds."""
    while True:
        mrn = f"{prefix}{next_value(conn, 'mrn:' + prefix):07d}"
        if conn.execute(select(patient.c.id).where(patient.c.mrn == mrn)).first() is None:
            return mrn


def insert(conn: Connection, row: dict, phones: Sequence[dict], name_tokens: list[str]) -> int:
    pid = int(conn.execute(patient.insert().returning(patient.c.id), row).scalar_one())
    set_phones(conn, pid, phones)
    set_tokens(conn, pid, name_tokens)
    return pid


def update(conn: Connection, pid: int, values: dict) -> None:
    conn.execute(patient.update().where(patient.c.id == pid).values(**values))


def set_phones(conn: Connection, pid: int, phones: Sequence[dict]) -> None:
    conn.execute(patient_phone.delete().where(patient_phone.c.patient_id == pid))
    if phones:
        conn.execute(patient_phone.insert(), [
            {"patient_id": pid, "position": i, **p} for i, p in enumerate(phones)])


def set_tokens(conn: Connection, pid: int, toks: list[str]) -> None:
    conn.execute(name_token.delete().where(name_token.c.patient_id == pid))
    if toks:
        conn.execute(name_token.insert(), [
            {"patient_id": pid, "position": i, "token": tok[:64]} for i, tok in enumerate(toks)])


_BY_MRN = select(patient).where(patient.c.mrn == bindparam("mrn"))  # built once: hot path
_PHONES = select(patient_phone).where(patient_phone.c.patient_id == bindparam("pid")) \
    .order_by(patient_phone.c.position)


def by_mrn(conn: Connection, mrn: str) -> Patient | None:
    return record_or_none(Patient, conn.execute(_BY_MRN, {"mrn": mrn}).first())


def by_id(conn: Connection, pid: int) -> Patient | None:
    return record_or_none(Patient, conn.execute(select(patient).where(patient.c.id == pid))
                          .first())


def phones(conn: Connection, pid: int) -> list[PatientPhone]:
    return [record(PatientPhone, r) for r in conn.execute(_PHONES, {"pid": pid})]


def full_record(conn: Connection, pid: int) -> PatientRecord | None:
    """The patient with phones in order and consent, channels and parts decoded."""
    row = by_id(conn, pid)
    return None if row is None else patient_record(row, phones(conn, pid))


def phones_of(conn: Connection, pids: Sequence[int]) -> dict[int, list]:
    out: dict[int, list] = {}
    if not pids:
        return out
    for r in conn.execute(select(patient_phone).where(patient_phone.c.patient_id.in_(pids))
                          .order_by(patient_phone.c.patient_id, patient_phone.c.position)):
        out.setdefault(r.patient_id, []).append(r)
    return out


def _prefix_range(col, prefix: str):
    """``col LIKE 'prefix%'`` as an index range both databases (any collation) can use."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return and_(col >= prefix, col < upper)


def search_mrn(conn: Connection, text: str, limit: int) -> list:
    q = text.strip().upper()
    return list(conn.execute(
        select(*COLUMNS).where(_prefix_range(patient.c.mrn, q))
        .order_by(case((patient.c.mrn == q, 0), else_=1), patient.c.mrn).limit(limit)))


def search_phone(conn: Connection, prefix: str, limit: int) -> list:
    ids = select(patient_phone.c.patient_id).where(
        _prefix_range(patient_phone.c.e164, prefix)).limit(limit * 4).scalar_subquery()
    return list(conn.execute(select(*COLUMNS).where(patient.c.id.in_(ids))
                             .order_by(patient.c.name_key).limit(limit)))


TOKEN_CAP = 5000
# A word this common is found faster by walking the name index in order than by sorting
# every name that has it (a page of 20 in ~200,000 patients: ~4,000 index entries read).
DENSE = 1000


def token_count(conn: Connection, tok: str, cap: int = TOKEN_CAP) -> int:
    sub = select(name_token.c.patient_id).where(_prefix_range(name_token.c.token, tok)) \
        .limit(cap).subquery()
    return int(conn.execute(select(func.count()).select_from(sub)).scalar_one())


def search_name(conn: Connection, toks: list[str], key: str, limit: int) -> list:
    """Patients whose name words start with the query words, in order, best matches first.

    Driven by the rarest query word (an index range on name_token), then checked against
    the folded name (each query word a prefix of a later name word); ranked: exact name,
    name starting with the query, the rest by name.
    """
    if not toks:
        return []
    # The best matches (the name itself, then names starting with the query) are an index
    # range on name_key in (name_key, id) order: when they fill the page, they are the page.
    top = list(conn.execute(select(*COLUMNS)
                            .where(_prefix_range(patient.c.name_key, key),
                                   patient.c.name_key.like(key + "%"))
                            .order_by(patient.c.name_key, patient.c.id).limit(limit)))
    if len(top) >= limit:
        return top
    # Ties (common words all count the cap): the longest word is the likelier narrow one.
    counts = sorted((token_count(conn, tok), -len(tok), tok) for tok in set(toks))
    driver = counts[0][2]
    if len(toks) == 1 and counts[0][0] >= DENSE and "_" not in driver:
        # A common word alone ("van", "thanh"): what is left after `top` are the names with
        # a later word starting with it, by name. They are dense, so walking the name index
        # in order finds a page at once, where sorting them all took tens of milliseconds.
        rest = conn.execute(select(*COLUMNS)
                            .where(patient.c.name_key.like("% " + driver + "%"),
                                   ~patient.c.name_key.like(key + "%"))
                            .order_by(patient.c.name_key, patient.c.id)
                            .limit(limit - len(top)))
        return top + list(rest)
    ids = select(name_token.c.patient_id).where(_prefix_range(name_token.c.token, driver))
    ordered = "% ".join(toks) + "%"
    conds = [patient.c.id.in_(ids),
             or_(patient.c.name_key.like(ordered), patient.c.name_key.like("% " + ordered))]
    rank = case((patient.c.name_key == key, 0),
                (patient.c.name_key.like(key + "%"), 1),
                (patient.c.name_key.like(ordered), 2), else_=3)
    return list(conn.execute(select(*COLUMNS).where(*conds)
                             .order_by(rank, patient.c.name_key, patient.c.id).limit(limit)))


def touch(conn: Connection, pid: int, now: datetime) -> None:
    conn.execute(patient.update().where(patient.c.id == pid).values(updated_at=now))


def any_patient(conn: Connection) -> bool:
    return conn.execute(select(patient.c.id).limit(1)).first() is not None
