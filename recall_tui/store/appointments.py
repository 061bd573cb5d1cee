"""Appointments: insert, find, move, and the day lists the desks read."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, bindparam, case, func, select

from ..core.lifecycle import NEW_APPOINTMENT, Move
from .errors import duplicates_named
from .models import Appointment
from .records import record_or_none
from .rows import appointment, clinic, doctor, message, next_value, patient, patient_phone
from .rows import session as session_t

# A bijection on [0, 32**6): consecutive numbers give unrelated-looking codes.
_MULT, _ADD, _MOD = 0x2C9277B5 % (1 << 30) | 1, 0x1F3A2B7, 1 << 30


def next_code_number(conn: Connection) -> int:
    """A number no other appointment has had (a sequence on PostgreSQL, a counter on SQLite)."""
    if conn.dialect.name == "postgresql":
        n = int(conn.exec_driver_sql("SELECT nextval('appointment_code_seq')").scalar_one())
    else:
        n = next_value(conn, "appointment_code")
    return code_for(n)


_INSERT = appointment.insert().returning(appointment.c.id)  # built once: the booking path
_ACTIVE = select(appointment).where(appointment.c.active_key == bindparam("akey"))


def insert(conn: Connection, row: dict) -> int:
    """A new appointment, in the status every appointment starts in. Raises ``Duplicate``
    naming the constraint (``active_key``: the patient already has one that day and
    clinic; ``slot_key``: the time is taken; the queue number)."""
    with duplicates_named():  # the transaction is lost: a caller that goes on after a
        #                        Duplicate must have opened a savepoint (conn.begin_nested)
        return int(conn.execute(_INSERT, {**row, "status": NEW_APPOINTMENT.value})
                   .scalar_one())


def by_code(conn: Connection, code: str, *, lock: bool = False) -> Appointment | None:
    q = select(appointment).where(appointment.c.code == code)
    if lock and conn.dialect.name == "postgresql":
        q = q.with_for_update()
    return record_or_none(Appointment, conn.execute(q).first())


def by_id(conn: Connection, aid: int, *, lock: bool = False) -> Appointment | None:
    q = select(appointment).where(appointment.c.id == aid)
    if lock and conn.dialect.name == "postgresql":
        q = q.with_for_update()
    return record_or_none(Appointment, conn.execute(q).first())


def active_for(conn: Connection, active_key: str) -> Appointment | None:
    return record_or_none(Appointment, conn.execute(_ACTIVE, {"akey": active_key}).first())


def write_move(conn: Connection, appt: Appointment, move: Move, *, at: datetime,
               values: dict | None = None) -> bool:
    """Write a move ``core.lifecycle`` decided, with the facts that go with it; only if
    nobody changed the appointment since it was read (version and status): else False."""
    res = conn.execute(appointment.update()
                       .where(appointment.c.id == appt.id,
                              appointment.c.version == appt.version,
                              appointment.c.status == move.from_)
                       .values(version=appointment.c.version + 1, status=move.to,
                               previous_status=move.from_, status_at=at, **(values or {})))
    return res.rowcount == 1


def for_patient(conn: Connection, pid: int) -> list:
    return list(conn.execute(
        select(appointment, clinic.c.code.label("clinic_code"), clinic.c.name.label("clinic_name"))
        .join(clinic, clinic.c.id == appointment.c.clinic_id)
        .where(appointment.c.patient_id == pid)
        .order_by(appointment.c.day.desc(), appointment.c.id.desc())))


def active_for_order(conn: Connection, oid: int):
    return conn.execute(select(appointment).where(appointment.c.order_id == oid,
                                                  appointment.c.active_key.is_not(None))
                        .order_by(appointment.c.id.desc())).first()


def day_list(conn: Connection, day: date, clinic_id: int | None = None,
             part: str | None = None, status: str | None = None) -> list:
    """The desk's list for a day: one row per appointment, with patient, first phone,
    session times and the state of its reminders; in time order (the morning's sessions
    before the afternoon's), then clinic, doctor and queue."""
    first_phone = (select(patient_phone.c.e164)
                   .where(patient_phone.c.patient_id == appointment.c.patient_id)
                   .order_by(patient_phone.c.position).limit(1).scalar_subquery())
    msgs = (select(message.c.appointment_id,
                   func.sum(case((message.c.status == "sent", 1), else_=0)).label("sent"),
                   func.sum(case((message.c.status == "pending", 1), else_=0)).label("pending"),
                   func.sum(case((message.c.status == "failed", 1), else_=0)).label("failed"),
                   func.sum(case((message.c.status == "maybe_sent", 1), else_=0))
                   .label("maybe_sent"))
            .join(appointment, appointment.c.id == message.c.appointment_id)
            .where(appointment.c.day == day, message.c.kind == "reminder")
            .group_by(message.c.appointment_id).subquery())
    q = (select(appointment.c.id, appointment.c.code, appointment.c.day, appointment.c.part,
                appointment.c.at_time, appointment.c.queue_no, appointment.c.status,
                appointment.c.reminded, appointment.c.patient_id,
                patient.c.mrn, patient.c.full_name, patient.c.birth_date, patient.c.birth_year,
                clinic.c.code.label("clinic_code"), clinic.c.name.label("clinic_name"),
                doctor.c.name.label("doctor_name"), doctor.c.code.label("doctor_code"),
                session_t.c.starts, session_t.c.ends,
                first_phone.label("phone"),
                msgs.c.sent, msgs.c.pending, msgs.c.failed, msgs.c.maybe_sent)
         .join(patient, patient.c.id == appointment.c.patient_id)
         .join(clinic, clinic.c.id == appointment.c.clinic_id)
         .join(session_t, session_t.c.id == appointment.c.session_id)
         .outerjoin(doctor, doctor.c.id == appointment.c.doctor_id)
         .outerjoin(msgs, msgs.c.appointment_id == appointment.c.id)
         .where(appointment.c.day == day))
    if clinic_id is not None:
        q = q.where(appointment.c.clinic_id == clinic_id)
    if part:
        q = q.where(appointment.c.part == part)
    if status:
        q = q.where(appointment.c.status == status)
    q = q.order_by(session_t.c.starts, clinic.c.code, func.coalesce(doctor.c.code, ""),
                   appointment.c.queue_no)
    return list(conn.execute(q))


def status_counts(conn: Connection, day: date) -> dict[str, int]:
    """How many of the day's appointments are in each status (one indexed query)."""
    q = (select(appointment.c.status, func.count()).where(appointment.c.day == day)
         .group_by(appointment.c.status))
    return {status: n for status, n in conn.execute(q)}


def open_until(conn: Connection, day: date) -> list:
    """Appointments not yet happened (booked/confirmed) on or before a day, with session end."""
    return list(conn.execute(
        select(appointment.c.id, appointment.c.code, appointment.c.version,
               appointment.c.status, appointment.c.day, appointment.c.patient_id,
               appointment.c.order_id, appointment.c.status_at, session_t.c.ends)
        .join(session_t, session_t.c.id == appointment.c.session_id)
        .where(appointment.c.status.in_(("booked", "confirmed")), appointment.c.day <= day)))


def checked_in_before(conn: Connection, day: date) -> list:
    return list(conn.execute(
        select(appointment.c.id, appointment.c.version)
        .where(appointment.c.status == "checked_in", appointment.c.day < day)))


def code_for(n: int) -> int:
    return (n * _MULT + _ADD) % _MOD


def reserve_code_numbers(conn: Connection, count: int) -> list[int]:
    """``count`` fresh code numbers at once (bulk loads)."""
    if count <= 0:
        return []
    if conn.dialect.name == "postgresql":
        last = int(conn.exec_driver_sql(
            f"SELECT setval('appointment_code_seq', nextval('appointment_code_seq') + {count} - 1)"
        ).scalar_one())
    else:
        from sqlalchemy import update

        from .rows import counter, insert_ignore

        insert_ignore(conn, counter, {"name": "appointment_code", "value": 0}, ["name"])
        last = int(conn.execute(update(counter).where(counter.c.name == "appointment_code")
                                .values(value=counter.c.value + count)
                                .returning(counter.c.value)).scalar_one())
    return [code_for(n) for n in range(last - count + 1, last + 1)]


def taken_times(conn: Connection, session_key: str) -> set:
    """The times held in a timed session (by appointments that hold their slot)."""
    return {r[0] for r in conn.execute(
        select(appointment.c.at_time)
        .join(session_t, session_t.c.id == appointment.c.session_id)
        .where(session_t.c.key == session_key, appointment.c.slot_key.is_not(None)))}
