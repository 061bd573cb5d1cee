"""The call list as the desk works it: open tasks with their patient and phones, attempts."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, func, select

from .rows import appointment, call_attempt, clinic, order, outreach_task, patient, patient_phone


def open_list(conn: Connection, *, reason: str | None = None, due_by: date | None = None,
              limit: int = 300) -> list:
    """Open tasks, oldest first, with the patient and where the task came from."""
    t = outreach_task
    q = (select(t.c.id, t.c.patient_id, t.c.appointment_id, t.c.order_id, t.c.reason,
                t.c.created_at, t.c.next_action_on, t.c.attempts, t.c.note,
                patient.c.mrn, patient.c.full_name, patient.c.birth_date, patient.c.birth_year,
                appointment.c.code.label("appt_code"), appointment.c.day.label("appt_day"),
                order.c.target_date, clinic.c.code.label("clinic_code"))
         .join(patient, patient.c.id == t.c.patient_id)
         .outerjoin(appointment, appointment.c.id == t.c.appointment_id)
         .outerjoin(order, order.c.id == t.c.order_id)
         .outerjoin(clinic, clinic.c.id == order.c.clinic_id)
         .where(t.c.status == "open"))
    if reason:
        q = q.where(t.c.reason == reason)
    if due_by is not None:
        q = q.where(t.c.next_action_on <= due_by)
    return list(conn.execute(q.order_by(t.c.created_at, t.c.id).limit(limit)))


def count_open(conn: Connection, *, reason: str | None = None) -> int:
    q = select(func.count()).select_from(outreach_task).where(outreach_task.c.status == "open")
    if reason:
        q = q.where(outreach_task.c.reason == reason)
    return int(conn.execute(q).scalar_one())


def reasons_open(conn: Connection) -> dict[str, int]:
    return dict(conn.execute(select(outreach_task.c.reason, func.count())
                             .where(outreach_task.c.status == "open")
                             .group_by(outreach_task.c.reason)).all())


def phones_of(conn: Connection, patient_ids: list[int]) -> dict[int, list]:
    out: dict[int, list] = {}
    if not patient_ids:
        return out
    for r in conn.execute(select(patient_phone)
                          .where(patient_phone.c.patient_id.in_(patient_ids))
                          .order_by(patient_phone.c.patient_id, patient_phone.c.position)):
        out.setdefault(r.patient_id, []).append(r)
    return out


def task(conn: Connection, task_id: int, *, lock: bool = False):
    q = select(outreach_task).where(outreach_task.c.id == task_id)
    if lock and conn.dialect.name == "postgresql":
        q = q.with_for_update()
    return conn.execute(q).first()


def attempts(conn: Connection, task_id: int) -> list:
    return list(conn.execute(select(call_attempt).where(call_attempt.c.task_id == task_id)
                             .order_by(call_attempt.c.at, call_attempt.c.id)))


def add_attempt(conn: Connection, row: dict) -> int:
    return int(conn.execute(call_attempt.insert().returning(call_attempt.c.id), row)
               .scalar_one())


def update_task(conn: Connection, task_id: int, values: dict) -> None:
    conn.execute(outreach_task.update().where(outreach_task.c.id == task_id).values(**values))
