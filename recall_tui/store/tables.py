"""The tables (SQLModel). Migrations in ``migrations/`` are generated from these.

Conventions: dates are the clinic's local dates (``Date``); instants are aware
(``Instant``); statuses are text; nothing is deleted by the application; ``event`` is
append-only.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from .types import Instant


def _instant(nullable: bool = True, index: bool = False):
    return Field(default=None, sa_column=Column(Instant(), nullable=nullable, index=index))


class Clinic(SQLModel, table=True):
    __tablename__ = "clinic"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    name: str
    active: bool = True


class Doctor(SQLModel, table=True):
    __tablename__ = "doctor"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    name: str
    licence: str = ""
    active: bool = True


class Session(SQLModel, table=True):
    """One (clinic, doctor?, date, part): the row that bookings lock."""

    __tablename__ = "session"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=96)
    clinic_id: int = Field(foreign_key="clinic.id")
    doctor_id: int | None = Field(default=None, foreign_key="doctor.id")
    day: date = Field(index=True)
    part: str = Field(max_length=16)
    starts: time
    ends: time
    capacity: int
    overbook_limit: int = 0
    slot_minutes: int | None = None
    booked: int = 0
    next_queue: int = 1
    closed_reason: str | None = None
    closed_by: str | None = None


class Patient(SQLModel, table=True):
    __tablename__ = "patient"
    id: int | None = Field(default=None, primary_key=True)
    mrn: str = Field(unique=True, max_length=32)
    full_name: str
    name_key: str = Field(index=True)
    sex: str | None = Field(default=None, max_length=1)
    birth_date: date | None = None
    birth_year: int | None = None
    email: str | None = None
    language: str = "vi"
    preferred_channels: str = ""  # comma-separated, in order
    consent: str = ""  # "sms=0,zalo=1": absent means given
    preferred_parts: str = ""  # comma-separated parts of day
    bhyt: str | None = None
    cccd: str | None = None
    address: str | None = None
    note: str | None = None
    created_at: datetime | None = _instant(nullable=False)
    updated_at: datetime | None = _instant(nullable=False)


class PatientPhone(SQLModel, table=True):
    __tablename__ = "patient_phone"
    __table_args__ = (UniqueConstraint("patient_id", "e164", name="uq_patient_phone"),
                      Index("ix_patient_phone_order", "patient_id", "position"))
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    e164: str = Field(index=True, max_length=20)
    label: str = "self"  # self | caregiver | other
    name: str = ""
    position: int = 0


class NameToken(SQLModel, table=True):
    """Folded words of patients' names, for prefix search without a full scan."""

    __tablename__ = "name_token"
    __table_args__ = (Index("ix_name_token_token", "token", "patient_id"),)
    patient_id: int = Field(foreign_key="patient.id", primary_key=True)
    position: int = Field(primary_key=True)
    token: str = Field(max_length=64)


class Counter(SQLModel, table=True):
    __tablename__ = "counter"
    name: str = Field(primary_key=True, max_length=32)
    value: int = 0


class FollowUpOrder(SQLModel, table=True):
    __tablename__ = "follow_up_order"
    __table_args__ = (  # covering index for the statistics (migration 0005)
        Index("ix_follow_up_order_stats", "latest", "clinic_id", "doctor_id", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    clinic_id: int = Field(foreign_key="clinic.id")
    doctor_id: int | None = Field(default=None, foreign_key="doctor.id")
    ordered_at: datetime | None = _instant(nullable=False)
    visit_date: date | None = None
    target_date: date
    earliest: date
    latest: date = Field(index=True)
    interval_count: int | None = None
    interval_unit: str | None = None
    series_count: int | None = None
    series_index: int = 1
    series_root_id: int | None = None
    previous_order_id: int | None = None
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    instructions: str = ""
    status: str = Field(default="open", index=True, max_length=16)
    created_by: str = ""


class Appointment(SQLModel, table=True):
    __tablename__ = "appointment"
    __table_args__ = (
        UniqueConstraint("session_id", "queue_no", name="uq_appointment_queue"),
        Index("ix_appointment_day_clinic", "day", "clinic_id"),
        # covering indexes for the statistics (migration 0005)
        Index("ix_appointment_stats_day", "day", "clinic_id", "part", "doctor_id",
              "status", "cancelled_by", "late_cancel", "lead_days"),
        Index("ix_appointment_stats_lead", "lead_days", "reminded", "status",
              "cancelled_by", "late_cancel", "day"),
        Index("ix_appointment_stats_patient", "patient_id", "day", "status",
              "cancelled_by", "late_cancel", "lead_days"),
        Index("ix_appointment_stats_order", "status", "order_id", "day"),
    )
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=16)
    order_id: int = Field(foreign_key="follow_up_order.id", index=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    clinic_id: int = Field(foreign_key="clinic.id")
    doctor_id: int | None = Field(default=None, foreign_key="doctor.id")
    session_id: int = Field(foreign_key="session.id", index=True)
    day: date
    part: str = Field(max_length=16)
    at_time: time | None = None
    queue_no: int
    status: str = Field(default="booked", max_length=20, index=True)
    previous_status: str | None = None
    source: str = Field(default="desk", max_length=16)
    previous_id: int | None = Field(default=None, foreign_key="appointment.id")
    version: int = 1
    booked_at: datetime | None = _instant(nullable=False)
    booked_by: str = ""
    status_at: datetime | None = _instant(nullable=False)
    cancelled_by: str | None = None  # patient | clinic
    cancel_reason: str | None = None
    late_cancel: bool = False
    overbooked: bool = False
    overbook_reason: str | None = None
    reminded: bool | None = None  # imported history: a known fact
    lead_days: int | None = None  # appointment date - local booking date (a fact at booking)
    # Set while the appointment holds its place: one active per patient, clinic and day.
    active_key: str | None = Field(default=None, unique=True, max_length=64)
    # Set while a timed appointment holds its slot.
    slot_key: str | None = Field(default=None, unique=True, max_length=64)
    external_id: str | None = Field(default=None, unique=True, max_length=64)


class Event(SQLModel, table=True):
    """The append-only log: who did what, when, from which state to which."""

    __tablename__ = "event"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime | None = _instant(nullable=False, index=True)
    actor: str
    kind: str = Field(max_length=32)
    patient_id: int | None = Field(default=None, index=True)
    appointment_id: int | None = Field(default=None, index=True)
    order_id: int | None = None
    from_state: str | None = None
    to_state: str | None = None
    reason: str | None = None
    details: str | None = None  # JSON


class Message(SQLModel, table=True):
    """The outbox: the only way a message leaves."""

    __tablename__ = "message"
    __table_args__ = (Index("ix_message_due", "status", "due_at"),)
    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(unique=True, max_length=96)
    appointment_id: int = Field(foreign_key="appointment.id", index=True)
    kind: str = Field(max_length=16)
    channel: str = Field(max_length=16)
    recipient: str = ""
    language: str = "vi"
    due_at: datetime | None = _instant(nullable=False)
    expires_at: datetime | None = _instant(nullable=False)
    status: str = Field(default="pending", max_length=16)
    attempts: int = 0
    lease_until: datetime | None = _instant()
    leased_by: str | None = None
    last_error: str | None = None
    provider_id: str | None = None
    sent_at: datetime | None = _instant()
    created_at: datetime | None = _instant(nullable=False)


class InboundReply(SQLModel, table=True):
    __tablename__ = "inbound_reply"
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    sender: str
    received_at: datetime | None = _instant(nullable=False)
    text: str
    external_id: str | None = Field(default=None, unique=True, max_length=128)
    appointment_id: int | None = Field(default=None, foreign_key="appointment.id")
    action: str | None = None


class OutreachTask(SQLModel, table=True):
    """The one call list: no-show, lapsed order, change requested, failed message, ..."""

    __tablename__ = "outreach_task"
    __table_args__ = (Index("ix_outreach_open", "status", "next_action_on"),)
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    appointment_id: int | None = Field(default=None, foreign_key="appointment.id")
    order_id: int | None = Field(default=None, foreign_key="follow_up_order.id")
    reason: str = Field(max_length=24)
    created_at: datetime | None = _instant(nullable=False)
    next_action_on: date
    attempts: int = 0
    outcome: str | None = None
    status: str = Field(default="open", max_length=16)
    note: str | None = None
    # one open task per (reason, appointment or order)
    open_key: str | None = Field(default=None, unique=True, max_length=64)


class CallAttempt(SQLModel, table=True):
    __tablename__ = "call_attempt"
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="outreach_task.id", index=True)
    at: datetime | None = _instant(nullable=False)
    day: date
    actor: str
    outcome: str = Field(max_length=24)
    note: str | None = None
    call_back_on: date | None = None
