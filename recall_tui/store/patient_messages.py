"""A patient's messages (the outbox rows of all their appointments), newest first."""

from __future__ import annotations

from sqlalchemy import Connection, select

from .rows import appointment, message


def for_patient(conn: Connection, patient_id: int, limit: int = 200) -> list:
    return list(conn.execute(
        select(message, appointment.c.code.label("appt_code"))
        .join(appointment, appointment.c.id == message.c.appointment_id)
        .where(appointment.c.patient_id == patient_id)
        .order_by(message.c.due_at.desc(), message.c.id.desc()).limit(limit)))
