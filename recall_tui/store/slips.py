"""What a follow-up slip needs about one appointment, read in one query."""

from __future__ import annotations

from sqlalchemy import Connection, select

from .rows import appointment, clinic, doctor, order, patient
from .rows import session as session_t


def slip_row(conn: Connection, code: str):
    """The appointment (canonical ``code``) with its patient, order, session, clinic code
    and doctor, or None. Not the clinic's internal name: it may name a specialty."""
    q = (select(appointment.c.code, appointment.c.status, appointment.c.day,
                appointment.c.part, appointment.c.at_time, appointment.c.queue_no,
                patient.c.full_name, patient.c.mrn, patient.c.birth_date, patient.c.birth_year,
                patient.c.bhyt, patient.c.language,
                order.c.instructions, order.c.latest,
                session_t.c.starts, session_t.c.ends,
                clinic.c.code.label("clinic_code"),
                doctor.c.name.label("doctor_name"), doctor.c.licence.label("doctor_licence"))
         .select_from(appointment)
         .join(patient, patient.c.id == appointment.c.patient_id)
         .join(order, order.c.id == appointment.c.order_id)
         .join(session_t, session_t.c.id == appointment.c.session_id)
         .join(clinic, clinic.c.id == appointment.c.clinic_id)
         .outerjoin(doctor, doctor.c.id == appointment.c.doctor_id)
         .where(appointment.c.code == code))
    return conn.execute(q).first()
