"""What the hospital's system told us: slips and their orders, its patient numbers, foreign
FHIR identifiers; finding a slip's patient; the slips to export; statistics by diagnosis
group and insurance status."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import Connection, and_, bindparam, func, or_, select
from sqlalchemy.dialects.postgresql import ARRAY

from .bulk import insert_plain
from .errors import duplicates_named
from .rows import (
    appointment,
    doctor,
    fhir_link,
    his_patient,
    his_slip,
    insert_ignore_one,
    order,
    patient,
    patient_phone,
)

PATIENT_COLUMNS = [patient.c.id, patient.c.mrn, patient.c.full_name, patient.c.name_key,
                   patient.c.birth_date, patient.c.birth_year, patient.c.cccd, patient.c.bhyt,
                   patient.c.address, patient.c.sex]


# -- slips --------------------------------------------------------------------------------

def slip_by_key(conn: Connection, ma_cskcb: str, ma_lk: str, so_giayhen_kl: str):
    return conn.execute(select(his_slip).where(
        his_slip.c.ma_cskcb == ma_cskcb, his_slip.c.ma_lk == ma_lk,
        his_slip.c.so_giayhen_kl == so_giayhen_kl)).first()


def insert_slip(conn: Connection, row: dict) -> int:
    """A slip's keys and facts; ``Duplicate`` when its keys are taken (another import)."""
    with duplicates_named():
        return int(conn.execute(his_slip.insert().returning(his_slip.c.id), row)
                   .scalar_one())


def update_slip(conn: Connection, slip_id: int, values: dict) -> None:
    conn.execute(his_slip.update().where(his_slip.c.id == slip_id).values(**values))


def move_order_window(conn: Connection, order_id: int, *, target: date, earliest: date,
                      latest: date, doctor_id: int | None, clinic_id: int) -> None:
    """A corrected slip: the order's dates (and doctor, clinic) as the doctor now means
    them. The status is not touched."""
    conn.execute(order.update().where(order.c.id == order_id).values(
        target_date=target, earliest=earliest, latest=latest, doctor_id=doctor_id,
        clinic_id=clinic_id))


# -- patients ---------------------------------------------------------------------------------

def patient_for_number(conn: Connection, ma_cskcb: str, ma_bn: str) -> int | None:
    row = conn.execute(select(his_patient.c.patient_id).where(
        his_patient.c.ma_cskcb == ma_cskcb, his_patient.c.ma_bn == ma_bn)).first()
    return row[0] if row else None


def link_number(conn: Connection, *, ma_cskcb: str, ma_bn: str, patient_id: int,
                now: datetime) -> bool:
    return insert_ignore_one(conn, his_patient, {
        "ma_cskcb": ma_cskcb, "ma_bn": ma_bn, "patient_id": patient_id, "created_at": now},
        ["ma_cskcb", "ma_bn"])


def patient_row(conn: Connection, pid: int):
    return conn.execute(select(*PATIENT_COLUMNS).where(patient.c.id == pid)).first()


def patient_by_mrn(conn: Connection, mrn: str):
    return conn.execute(select(*PATIENT_COLUMNS).where(patient.c.mrn == mrn)).first()


def patients_by_cccd(conn: Connection, cccd: str) -> list:
    return list(conn.execute(select(*PATIENT_COLUMNS).where(patient.c.cccd == cccd).limit(5)))


def patients_by_card(conn: Connection, cards: Sequence[str]) -> list:
    if not cards:
        return []
    return list(conn.execute(select(*PATIENT_COLUMNS).where(patient.c.bhyt.in_(list(cards)))
                             .limit(5)))


def patients_by_name_birth(conn: Connection, name_key: str, birth_date: date | None,
                           birth_year: int | None) -> list:
    """Same folded name, and the same birth date (or, when only the year is known on
    either side, the same birth year)."""
    if birth_date is not None:
        same = or_(patient.c.birth_date == birth_date,
                   and_(patient.c.birth_date.is_(None), patient.c.birth_year == birth_date.year))
    elif birth_year is not None:
        same = patient.c.birth_year == birth_year
    else:
        return []
    return list(conn.execute(select(*PATIENT_COLUMNS)
                             .where(patient.c.name_key == name_key, same).limit(5)))


# -- an import's batch, read at once -------------------------------------------------------

def _one_of(conn: Connection, col, values: list):
    """``col IN (values)``; on PostgreSQL ``col IN (SELECT unnest(array))``: one
    parameter, so the statement stays short and prepared, and a semi-join the planner
    does not answer from the name's trigram index (``= ANY`` went there: a second per
    batch of a hundred names)."""
    if conn.dialect.name == "postgresql":
        return col.in_(select(func.unnest(bindparam(None, list(values),
                                                    type_=ARRAY(col.type)))).scalar_subquery())
    return col.in_(values)


def known_slips(conn: Connection, keys: Sequence[tuple[str, str, str]]) -> set[tuple]:
    out: set[tuple] = set()
    by_facility: dict[str, list[str]] = {}
    for f, lk, _ in keys:
        by_facility.setdefault(f, []).append(lk)
    for f, lks in by_facility.items():
        for i in range(0, len(lks), 500):
            out.update(tuple(r) for r in conn.execute(
                select(his_slip.c.ma_cskcb, his_slip.c.ma_lk, his_slip.c.so_giayhen_kl).where(
                    his_slip.c.ma_cskcb == f, _one_of(conn, his_slip.c.ma_lk, lks[i:i + 500]))))
    return out


def numbers(conn: Connection, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    by_facility: dict[str, list[str]] = {}
    for f, n in pairs:
        by_facility.setdefault(f, []).append(n)
    for f, ns in by_facility.items():
        for i in range(0, len(ns), 500):
            out.update({(f, r.ma_bn): r.patient_id for r in conn.execute(
                select(his_patient.c.ma_bn, his_patient.c.patient_id).where(
                    his_patient.c.ma_cskcb == f,
                    _one_of(conn, his_patient.c.ma_bn, ns[i:i + 500])))})
    return out


def patients_where(conn: Connection, column: str, values: Sequence) -> list:
    """Patients whose ``column`` (mrn, cccd, bhyt, name_key, id) is one of ``values``."""
    col, vals, out = patient.c[column], sorted(set(values)), []
    for i in range(0, len(vals), 500):
        out.extend(conn.execute(select(*PATIENT_COLUMNS)
                                .where(_one_of(conn, col, vals[i:i + 500]))))
    return out


def with_phones(conn: Connection, pids: Sequence[int]) -> set[int]:
    out, ids = set(), sorted(set(pids))
    for i in range(0, len(ids), 500):
        out.update(r[0] for r in conn.execute(
            select(patient_phone.c.patient_id).where(
                _one_of(conn, patient_phone.c.patient_id, ids[i:i + 500])).distinct()))
    return out


def insert_numbers(conn: Connection, rows: list[dict]) -> None:
    insert_plain(conn, his_patient, rows)


def insert_slips(conn: Connection, rows: list[dict]) -> None:
    insert_plain(conn, his_slip, rows)


# -- FHIR identifiers ------------------------------------------------------------------------

def fhir_target(conn: Connection, resource: str, system: str, value: str) -> int | None:
    row = conn.execute(select(fhir_link.c.target_id).where(
        fhir_link.c.resource == resource, fhir_link.c.system == system,
        fhir_link.c.value == value)).first()
    return row[0] if row else None


def link_fhir(conn: Connection, *, resource: str, system: str, value: str, target_id: int,
              now: datetime) -> bool:
    return insert_ignore_one(conn, fhir_link, {
        "resource": resource, "system": system, "value": value, "target_id": target_id,
        "created_at": now}, ["resource", "system", "value"])


# -- export ------------------------------------------------------------------------------------

def orders_issued(conn: Connection, start: datetime, end: datetime) -> list:
    """Orders made in [start, end) (instants), not cancelled, with their patient, doctor
    and slip (if any), oldest first."""
    q = (select(order.c.id.label("order_id"), order.c.ordered_at, order.c.target_date,
                order.c.earliest, order.c.latest, order.c.status, order.c.clinic_id,
                order.c.doctor_id, order.c.instructions, order.c.visit_date,
                patient.c.id.label("patient_id"), patient.c.mrn, patient.c.full_name,
                patient.c.birth_date, patient.c.birth_year, patient.c.sex, patient.c.address,
                patient.c.bhyt, patient.c.cccd, patient.c.email, patient.c.language,
                doctor.c.code.label("doctor_code"), doctor.c.name.label("doctor_name"),
                doctor.c.licence.label("doctor_licence"),
                his_slip.c.id.label("slip_id"), his_slip.c.ma_cskcb, his_slip.c.ma_lk,
                his_slip.c.so_giayhen_kl, his_slip.c.ma_bac_si, his_slip.c.ma_ttdv,
                his_slip.c.issued_on, his_slip.c.icd_main, his_slip.c.icd_other,
                his_slip.c.ma_doituong_kcb, his_slip.c.card_valid_to)
         .select_from(order.join(patient, patient.c.id == order.c.patient_id)
                      .outerjoin(doctor, doctor.c.id == order.c.doctor_id)
                      .outerjoin(his_slip, his_slip.c.order_id == order.c.id))
         .where(order.c.ordered_at >= start, order.c.ordered_at < end,
                order.c.status != "cancelled")
         .order_by(order.c.ordered_at, order.c.id))
    return list(conn.execute(q))


def appointments_of_orders(conn: Connection, order_ids: Sequence[int]) -> list:
    if not order_ids:
        return []
    return list(conn.execute(select(appointment).where(
        appointment.c.order_id.in_(list(order_ids))).order_by(appointment.c.id)))


# -- statistics -------------------------------------------------------------------------------

def _key_column(by: str):
    return {"icd": his_slip.c.icd_chapter, "insurance": his_slip.c.insurance}[by]


def adherence_by(conn: Connection, *, by: str, start: date | None, end: date | None,
                 today: date) -> dict[tuple, tuple[int, int]]:
    """(kept, ended) of orders whose window ended in [start, end] before today, by the
    slip's ICD-10 chapter or insurance status (None: an order without a slip)."""
    key = _key_column(by)
    conds = [order.c.status != "cancelled", order.c.latest < today]
    if start is not None:
        conds.append(order.c.latest >= start)
    if end is not None:
        conds.append(order.c.latest <= end)
    base = order.outerjoin(his_slip, his_slip.c.order_id == order.c.id)
    ended = {(r[0],): int(r[1]) for r in conn.execute(
        select(key, func.count()).select_from(base).where(*conds).group_by(key))}
    kept_orders = (select(appointment.c.order_id).where(
        appointment.c.status.in_(("checked_in", "completed")),
        appointment.c.order_id == order.c.id, appointment.c.day >= order.c.earliest,
        appointment.c.day <= order.c.latest).exists())
    kept = {(r[0],): int(r[1]) for r in conn.execute(
        select(key, func.count()).select_from(base).where(*conds, kept_orders).group_by(key))}
    return {k: (kept.get(k, 0), n) for k, n in ended.items() if n}


def appointment_counts_by(conn: Connection, *, by: str, start: date | None,
                          end: date | None) -> list:
    """Appointments dated in [start, end] by the slip's chapter or insurance status and
    by outcome: (key, status, cancelled_by, late_cancel, count, lead sum, lead count)."""
    key = _key_column(by)
    conds = [appointment.c.status != "entered_in_error"]
    if start is not None:
        conds.append(appointment.c.day >= start)
    if end is not None:
        conds.append(appointment.c.day <= end)
    cols = [key, appointment.c.status, appointment.c.cancelled_by, appointment.c.late_cancel]
    q = (select(*cols, func.count(), func.sum(appointment.c.lead_days),
                func.count(appointment.c.lead_days))
         .select_from(appointment.outerjoin(his_slip,
                                            his_slip.c.order_id == appointment.c.order_id))
         .where(*conds).group_by(*cols))
    return list(conn.execute(q))
