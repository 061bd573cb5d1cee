"""The tables, declared once as SQLModel models: the one source of truth of the schema.

Each model is both the table (its ``__table__`` is what Core statements in ``store/`` are
built from, and what Alembic compares the migrations with) and the typed record the store
hands to the services and screens (``Appointment``, ``FollowUpOrder``, ``ClinicSession``,
``Patient``, ...), never a positional tuple.

Conventions: dates are the clinic's local dates (``date``); instants are aware
(``Instant``); statuses are text whose values and moves belong to ``core.lifecycle``;
nothing is deleted by the application; ``event`` is append-only (triggers, migration 0002).
Text columns are ``VARCHAR`` (``String(n)`` where a length is set). ``default`` values are
filled in by SQLAlchemy on insert; they are not part of the DDL.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import configure_mappers
from sqlmodel import Field, SQLModel

from .types import Instant

metadata = SQLModel.metadata


def _text(length: int | None = None, **kw):
    return Field(sa_type=String(length) if length else String, **kw)


def _instant(*, nullable: bool = False, index: bool = False, default=None):
    if nullable:
        return Field(default=default, sa_type=Instant(), nullable=True, index=index)
    return Field(sa_type=Instant(), index=index)


class Clinic(SQLModel, table=True):
    __tablename__ = "clinic"

    id: int | None = Field(default=None, primary_key=True)
    code: str = _text(32, unique=True)
    name: str = _text()
    active: bool = Field(default=True)


class Doctor(SQLModel, table=True):
    __tablename__ = "doctor"

    id: int | None = Field(default=None, primary_key=True)
    code: str = _text(32, unique=True)
    name: str = _text()
    licence: str = _text(default="")
    active: bool = Field(default=True)


class ClinicSession(SQLModel, table=True):
    """One (clinic, doctor?, date, part): the row that bookings lock."""

    __tablename__ = "session"

    id: int | None = Field(default=None, primary_key=True)
    key: str = _text(96, unique=True)
    clinic_id: int = Field(foreign_key="clinic.id")
    doctor_id: int | None = Field(default=None, foreign_key="doctor.id", nullable=True)
    day: date = Field(index=True)
    part: str = _text(16)
    starts: time
    ends: time
    capacity: int
    overbook_limit: int = Field(default=0)
    slot_minutes: int | None = Field(default=None, nullable=True)
    booked: int = Field(default=0)
    next_queue: int = Field(default=1)
    closed_reason: str | None = _text(default=None, nullable=True)
    closed_by: str | None = _text(default=None, nullable=True)


class Patient(SQLModel, table=True):
    __tablename__ = "patient"

    id: int | None = Field(default=None, primary_key=True)
    mrn: str = _text(32, unique=True)
    full_name: str = _text()
    name_key: str = _text(index=True)
    sex: str | None = _text(1, default=None, nullable=True)
    birth_date: date | None = Field(default=None, nullable=True)
    birth_year: int | None = Field(default=None, nullable=True)
    email: str | None = _text(default=None, nullable=True)
    language: str = _text(default="vi")
    preferred_channels: str = _text(default="")  # comma-separated, in order
    consent: str = _text(default="")  # "sms=0,zalo=1": absent means given
    preferred_parts: str = _text(default="")  # comma-separated parts of day
    bhyt: str | None = _text(default=None, nullable=True, index=True)
    cccd: str | None = _text(default=None, nullable=True, index=True)  # matched on import
    address: str | None = _text(default=None, nullable=True)
    note: str | None = _text(default=None, nullable=True)
    created_at: datetime = _instant()
    updated_at: datetime = _instant()


class PatientPhone(SQLModel, table=True):
    __tablename__ = "patient_phone"
    __table_args__ = (UniqueConstraint("patient_id", "e164", name="uq_patient_phone"),
                      Index("ix_patient_phone_order", "patient_id", "position"))

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    e164: str = _text(20, index=True)
    label: str = _text(default="self")  # self | caregiver | other
    name: str = _text(default="")
    position: int = Field(default=0)


class NameToken(SQLModel, table=True):
    """Folded words of patients' names, for prefix search without a full scan."""

    __tablename__ = "name_token"
    __table_args__ = (Index("ix_name_token_token", "token", "patient_id"),)

    patient_id: int = Field(sa_column=Column(Integer, ForeignKey("patient.id"),
                                             primary_key=True))
    position: int = Field(sa_column=Column(Integer, primary_key=True))
    token: str = _text(64)


class Counter(SQLModel, table=True):
    __tablename__ = "counter"

    name: str = Field(sa_column=Column(String(32), primary_key=True))
    value: int = Field(default=0)


class FollowUpOrder(SQLModel, table=True):
    """The doctor's follow-up order (chỉ định tái khám)."""

    __tablename__ = "follow_up_order"
    __table_args__ = (
        # covering index for the statistics (migration 0005)
        Index("ix_follow_up_order_stats", "latest", "clinic_id", "doctor_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    clinic_id: int = Field(foreign_key="clinic.id")
    doctor_id: int | None = Field(default=None, foreign_key="doctor.id", nullable=True)
    ordered_at: datetime = _instant()
    visit_date: date | None = Field(default=None, nullable=True)
    target_date: date
    earliest: date
    latest: date = Field(index=True)
    # the first follow-up after the visit ("sau 14 ngày"), when given as an interval
    interval_count: int | None = Field(default=None, nullable=True)
    interval_unit: str | None = _text(default=None, nullable=True)
    series_count: int | None = Field(default=None, nullable=True)
    series_index: int = Field(default=1)
    # the series' own cadence ("hàng tháng x 6"): the next visit after an attended one
    series_every_count: int | None = Field(default=None, nullable=True)
    series_every_unit: str | None = _text(16, default=None, nullable=True)
    series_root_id: int | None = Field(default=None, nullable=True)
    previous_order_id: int | None = Field(default=None, nullable=True)
    reason: str = Field(default="", sa_type=Text)
    instructions: str = _text(default="")
    status: str = _text(16, default="open", index=True)
    created_by: str = _text(default="")


class Appointment(SQLModel, table=True):
    """A booked visit (lịch hẹn) in a session."""

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
    code: str = _text(16, unique=True)
    order_id: int = Field(foreign_key="follow_up_order.id", index=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    clinic_id: int = Field(foreign_key="clinic.id")
    doctor_id: int | None = Field(default=None, foreign_key="doctor.id", nullable=True)
    session_id: int = Field(foreign_key="session.id", index=True)
    day: date
    part: str = _text(16)
    at_time: time | None = Field(default=None, nullable=True)
    queue_no: int
    status: str = _text(20, default="booked", index=True)
    previous_status: str | None = _text(default=None, nullable=True)
    source: str = _text(16, default="desk")
    previous_id: int | None = Field(default=None, foreign_key="appointment.id", nullable=True)
    version: int = Field(default=1)
    booked_at: datetime = _instant()
    booked_by: str = _text(default="")
    status_at: datetime = _instant()
    cancelled_by: str | None = _text(default=None, nullable=True)  # patient | clinic
    cancel_reason: str | None = _text(default=None, nullable=True)
    late_cancel: bool = Field(default=False)
    overbooked: bool = Field(default=False)
    overbook_reason: str | None = _text(default=None, nullable=True)
    reminded: bool | None = Field(default=None, nullable=True)  # imported history: a fact
    lead_days: int | None = Field(default=None, nullable=True)  # day - local booking date
    # Set while the appointment holds its place: one active per patient, clinic and day.
    active_key: str | None = _text(64, default=None, nullable=True, unique=True)
    # Set while a timed appointment holds its slot.
    slot_key: str | None = _text(64, default=None, nullable=True, unique=True)
    external_id: str | None = _text(64, default=None, nullable=True, unique=True)


class Event(SQLModel, table=True):
    """The append-only log: who did what, when, from which state to which."""

    __tablename__ = "event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _instant(index=True)
    actor: str = _text()
    kind: str = _text(32)
    patient_id: int | None = Field(default=None, nullable=True, index=True)
    appointment_id: int | None = Field(default=None, nullable=True, index=True)
    order_id: int | None = Field(default=None, nullable=True)
    from_state: str | None = _text(default=None, nullable=True)
    to_state: str | None = _text(default=None, nullable=True)
    reason: str | None = _text(default=None, nullable=True)
    details: str | None = _text(default=None, nullable=True)  # JSON


class Message(SQLModel, table=True):
    """The outbox: the only way a message leaves."""

    __tablename__ = "message"
    __table_args__ = (Index("ix_message_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = _text(96, unique=True)
    appointment_id: int = Field(foreign_key="appointment.id", index=True)
    kind: str = _text(16)
    channel: str = _text(16)
    recipient: str = _text(default="")
    language: str = _text(default="vi")
    due_at: datetime = _instant()  # when to try next (a retry moves it on)
    planned_at: datetime | None = _instant(nullable=True)  # when it was planned to go
    expires_at: datetime = _instant()
    # pending | sending | in_flight | sent | maybe_sent | failed | cancelled | expired |
    # superseded (core.reminders.MessageStatus)
    status: str = _text(16, default="pending")
    attempts: int = Field(default=0)
    lease_until: datetime | None = _instant(nullable=True)
    leased_by: str | None = _text(default=None, nullable=True)
    last_error: str | None = _text(default=None, nullable=True)
    provider_id: str | None = _text(default=None, nullable=True)
    sent_at: datetime | None = _instant(nullable=True)
    created_at: datetime = _instant()


class InboundReply(SQLModel, table=True):
    __tablename__ = "inbound_reply"

    id: int | None = Field(default=None, primary_key=True)
    channel: str = _text(16)
    sender: str = _text()
    received_at: datetime = _instant()
    text: str = _text()
    external_id: str | None = _text(128, default=None, nullable=True, unique=True)
    appointment_id: int | None = Field(default=None, foreign_key="appointment.id",
                                       nullable=True)
    action: str | None = _text(default=None, nullable=True)


class OutreachTask(SQLModel, table=True):
    """The one call list: no-show, lapsed order, change requested, failed message, ..."""

    __tablename__ = "outreach_task"
    __table_args__ = (Index("ix_outreach_open", "status", "next_action_on"),)

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    appointment_id: int | None = Field(default=None, foreign_key="appointment.id",
                                       nullable=True)
    order_id: int | None = Field(default=None, foreign_key="follow_up_order.id",
                                 nullable=True)
    reason: str = _text(24)
    created_at: datetime = _instant()
    next_action_on: date
    attempts: int = Field(default=0)
    outcome: str | None = _text(default=None, nullable=True)
    status: str = _text(16, default="open")
    note: str | None = _text(default=None, nullable=True)
    # one open task per (reason, appointment or order)
    open_key: str | None = _text(64, default=None, nullable=True, unique=True)


class CallAttempt(SQLModel, table=True):
    __tablename__ = "call_attempt"

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="outreach_task.id", index=True)
    at: datetime = _instant()
    day: date
    actor: str = _text()
    outcome: str = _text(24)
    note: str | None = _text(default=None, nullable=True)
    call_back_on: date | None = Field(default=None, nullable=True)



# -- HIS interop (issue 12; migration 0009) ------------------------------------------------
# The follow-up slips that came from (or went to) the hospital's system, the hospital's
# patient numbers, and foreign FHIR identifiers.

class HisSlip(SQLModel, table=True):
    """One follow-up slip (giấy hẹn khám lại, XML14 of Quyết định 130/4750) and its order.

    The key is the standard's: (MA_CSKCB, MA_LK, SO_GIAYHEN_KL), indexed from its most
    telling column (a hospital's slips share their MA_CSKCB). Diagnosis codes and the
    insurance status are kept for the managers' statistics only: never in a message or
    slip."""

    __tablename__ = "his_slip"
    __table_args__ = (UniqueConstraint("ma_lk", "so_giayhen_kl", "ma_cskcb",
                                       name="uq_his_slip_key"),)

    id: int | None = Field(default=None, primary_key=True)
    ma_cskcb: str = _text(5)
    ma_lk: str = _text(100)
    so_giayhen_kl: str = _text(50)
    order_id: int = Field(foreign_key="follow_up_order.id", unique=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    origin: str = _text(8, default="his")  # his | recall
    ma_bac_si: str | None = _text(255, default=None, nullable=True)
    ma_ttdv: str | None = _text(255, default=None, nullable=True)
    ma_khoa: str | None = _text(50, default=None, nullable=True)
    ma_doituong_kcb: str | None = _text(4, default=None, nullable=True)
    issued_on: date | None = Field(default=None, nullable=True)  # NGAY_CT
    icd_main: str | None = _text(7, default=None, nullable=True)
    icd_other: str | None = _text(100, default=None, nullable=True)
    icd_chapter: str | None = _text(8, default=None, nullable=True)
    insurance: str | None = _text(16, default=None, nullable=True)  # covered | lapses | none
    card_valid_to: date | None = Field(default=None, nullable=True)
    source_file: str | None = _text(255, default=None, nullable=True)
    created_at: datetime = _instant()
    updated_at: datetime = _instant()


class HisPatient(SQLModel, table=True):
    """The hospital's patient number (MA_BN) at a facility -> our patient."""

    __tablename__ = "his_patient"
    __table_args__ = (UniqueConstraint("ma_bn", "ma_cskcb", name="uq_his_patient_key"),)

    id: int | None = Field(default=None, primary_key=True)
    ma_cskcb: str = _text(5)
    ma_bn: str = _text(100)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    created_at: datetime = _instant()


class FhirLink(SQLModel, table=True):
    """A foreign FHIR identifier (system, value) of a Patient, ServiceRequest or Appointment
    read by ``recall import fhir`` -> our patient, order or appointment."""

    __tablename__ = "fhir_link"
    __table_args__ = (UniqueConstraint("resource", "system", "value", name="uq_fhir_link_key"),)

    id: int | None = Field(default=None, primary_key=True)
    resource: str = _text(16)
    system: str = _text(255)
    value: str = _text(255)
    target_id: int
    created_at: datetime = _instant()

# Instances are made from Core rows (``records.record``) without an ORM session; their
# attributes need the mappers configured once, here, rather than at a first query.
configure_mappers()
