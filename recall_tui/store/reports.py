"""What the staff reports read: a day's no-shows, the open call list, the day's last session,
and whether a report has gone. Nothing here reads an order's reason, a task's note or a
clinic's internal name: a report names patients, never what they are treated for."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Connection, func, select

from .rows import appointment, clinic, event, order, outreach_task, patient, patient_phone
from .rows import session as session_t

REPORT_SENT = "report.noshows"  # the event that says a day's report went (reason: the day)


def _first_phone(patient_id):
    return (select(patient_phone.c.e164).where(patient_phone.c.patient_id == patient_id)
            .order_by(patient_phone.c.position).limit(1).scalar_subquery())


def noshows_on(conn: Connection, day: date) -> list:
    """The appointments of ``day`` marked no-show, with patient and first phone; by clinic,
    session start and queue number."""
    q = (select(appointment.c.code, appointment.c.part, appointment.c.at_time,
                appointment.c.queue_no, session_t.c.starts, clinic.c.code.label("clinic_code"),
                patient.c.mrn, patient.c.full_name, patient.c.birth_date, patient.c.birth_year,
                _first_phone(appointment.c.patient_id).label("phone"))
         .join(patient, patient.c.id == appointment.c.patient_id)
         .join(clinic, clinic.c.id == appointment.c.clinic_id)
         .join(session_t, session_t.c.id == appointment.c.session_id)
         .where(appointment.c.day == day, appointment.c.status == "no_show")
         .order_by(clinic.c.code, session_t.c.starts, appointment.c.queue_no,
                   appointment.c.id))
    return list(conn.execute(q))


def open_tasks(conn: Connection) -> list:
    """Every open task of the call list (no limit), with patient, first phone, the clinic
    of its order or visit and the visit's code; the next call due first, then the oldest."""
    t = outreach_task
    clinic_id = func.coalesce(order.c.clinic_id, appointment.c.clinic_id)
    q = (select(t.c.id, t.c.reason, t.c.created_at, t.c.next_action_on, t.c.attempts,
                patient.c.mrn, patient.c.full_name, patient.c.birth_date, patient.c.birth_year,
                _first_phone(t.c.patient_id).label("phone"),
                appointment.c.code.label("appt_code"), appointment.c.day.label("appt_day"),
                clinic.c.code.label("clinic_code"))
         .join(patient, patient.c.id == t.c.patient_id)
         .outerjoin(appointment, appointment.c.id == t.c.appointment_id)
         .outerjoin(order, order.c.id == t.c.order_id)
         .outerjoin(clinic, clinic.c.id == clinic_id)
         .where(t.c.status == "open")
         .order_by(t.c.next_action_on, t.c.created_at, t.c.id))
    return list(conn.execute(q))


def last_session_ends(conn: Connection, day: date) -> time | None:
    """When the last session of ``day`` ends (None: no session that day)."""
    return conn.execute(select(func.max(session_t.c.ends))
                        .where(session_t.c.day == day)).scalar_one_or_none()


def report_sent(conn: Connection, day: date, *, since: datetime) -> bool:
    """Whether the no-show report of ``day`` went (an event at or after ``since``)."""
    q = (select(event.c.id).where(event.c.at >= since, event.c.kind == REPORT_SENT,
                                  event.c.reason == day.isoformat()).limit(1))
    return conn.execute(q).first() is not None
