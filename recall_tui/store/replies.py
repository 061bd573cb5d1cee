"""Patients' replies: the inbound log (idempotent by external id) and the look-ups that
match a sender to a patient and an appointment."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, func, select

from .rows import appointment, inbound_reply, patient, patient_phone


def record(conn: Connection, row: dict) -> int | None:
    """Store a reply; None when one with the same external id is already stored."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(inbound_reply).values(**row).on_conflict_do_nothing(
        index_elements=["external_id"]).returning(inbound_reply.c.id)
    return conn.execute(stmt).scalar_one_or_none()


def set_result(conn: Connection, reply_id: int, *, appointment_id: int | None,
               action: str) -> None:
    conn.execute(inbound_reply.update().where(inbound_reply.c.id == reply_id)
                 .values(appointment_id=appointment_id, action=action))


def patients_by_phone(conn: Connection, e164: str) -> list[int]:
    return sorted({r[0] for r in conn.execute(
        select(patient_phone.c.patient_id).where(patient_phone.c.e164 == e164))})


def patients_by_email(conn: Connection, email: str) -> list[int]:
    return sorted({r[0] for r in conn.execute(
        select(patient.c.id).where(func.lower(patient.c.email) == email.strip().lower()))})


def open_appointments(conn: Connection, patient_ids: list[int], today: date) -> list:
    if not patient_ids:
        return []
    return list(conn.execute(select(appointment).where(
        appointment.c.patient_id.in_(patient_ids),
        appointment.c.status.in_(("booked", "confirmed")), appointment.c.day >= today)
        .order_by(appointment.c.day, appointment.c.id)))


def consent_of(conn: Connection, patient_id: int) -> str:
    return conn.execute(select(patient.c.consent).where(patient.c.id == patient_id)
                        ).scalar_one() or ""


def set_consent(conn: Connection, patient_id: int, consent: str, now) -> None:
    conn.execute(patient.update().where(patient.c.id == patient_id)
                 .values(consent=consent, updated_at=now))


def replies(conn: Connection, limit: int = 200) -> list:
    return list(conn.execute(select(inbound_reply).order_by(inbound_reply.c.id.desc())
                             .limit(limit)))
