"""The tables (SQLAlchemy Core). Migrations in ``migrations/`` are generated from these.

Conventions: dates are the clinic's local dates (``Date``); instants are aware
(``Instant``); statuses are text; nothing is deleted by the application; ``event`` is
append-only.

Plain Core ``Table`` objects, no ORM: every query in ``store/`` is Core, and keeping
SQLModel, pydantic and ``sqlalchemy.orm`` out saves the desk app ~15 MB. Text is ``String``
(``VARCHAR``, ``String(n)`` where a length is set); ``default=`` values are filled in by
SQLAlchemy on insert and are not part of the DDL.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)

from .types import Instant

metadata = MetaData()


def _id() -> Column:
    return Column("id", Integer, primary_key=True)


def _instant(name: str, nullable: bool = True, index: bool = False) -> Column:
    return Column(name, Instant(), nullable=nullable, index=index)


clinic = Table(
    "clinic", metadata,
    _id(),
    Column("code", String(32), nullable=False, unique=True),
    Column("name", String, nullable=False),
    Column("active", Boolean, nullable=False, default=True),
)


doctor = Table(
    "doctor", metadata,
    _id(),
    Column("code", String(32), nullable=False, unique=True),
    Column("name", String, nullable=False),
    Column("licence", String, nullable=False, default=""),
    Column("active", Boolean, nullable=False, default=True),
)


# One (clinic, doctor?, date, part): the row that bookings lock.
session = Table(
    "session", metadata,
    _id(),
    Column("key", String(96), nullable=False, unique=True),
    Column("clinic_id", Integer, ForeignKey("clinic.id"), nullable=False),
    Column("doctor_id", Integer, ForeignKey("doctor.id"), nullable=True),
    Column("day", Date, nullable=False, index=True),
    Column("part", String(16), nullable=False),
    Column("starts", Time, nullable=False),
    Column("ends", Time, nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("overbook_limit", Integer, nullable=False, default=0),
    Column("slot_minutes", Integer, nullable=True),
    Column("booked", Integer, nullable=False, default=0),
    Column("next_queue", Integer, nullable=False, default=1),
    Column("closed_reason", String, nullable=True),
    Column("closed_by", String, nullable=True),
)


patient = Table(
    "patient", metadata,
    _id(),
    Column("mrn", String(32), nullable=False, unique=True),
    Column("full_name", String, nullable=False),
    Column("name_key", String, nullable=False, index=True),
    Column("sex", String(1), nullable=True),
    Column("birth_date", Date, nullable=True),
    Column("birth_year", Integer, nullable=True),
    Column("email", String, nullable=True),
    Column("language", String, nullable=False, default="vi"),
    Column("preferred_channels", String, nullable=False, default=""),  # comma-separated, in order
    Column("consent", String, nullable=False, default=""),  # "sms=0,zalo=1": absent means given
    Column("preferred_parts", String, nullable=False, default=""),  # comma-separated parts of day
    Column("bhyt", String, nullable=True),
    Column("cccd", String, nullable=True),
    Column("address", String, nullable=True),
    Column("note", String, nullable=True),
    _instant("created_at", nullable=False),
    _instant("updated_at", nullable=False),
)


patient_phone = Table(
    "patient_phone", metadata,
    _id(),
    Column("patient_id", Integer, ForeignKey("patient.id"), nullable=False, index=True),
    Column("e164", String(20), nullable=False, index=True),
    Column("label", String, nullable=False, default="self"),  # self | caregiver | other
    Column("name", String, nullable=False, default=""),
    Column("position", Integer, nullable=False, default=0),
    UniqueConstraint("patient_id", "e164", name="uq_patient_phone"),
    Index("ix_patient_phone_order", "patient_id", "position"),
)


# Folded words of patients' names, for prefix search without a full scan.
name_token = Table(
    "name_token", metadata,
    Column("patient_id", Integer, ForeignKey("patient.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("token", String(64), nullable=False),
    Index("ix_name_token_token", "token", "patient_id"),
)


counter = Table(
    "counter", metadata,
    Column("name", String(32), primary_key=True),
    Column("value", Integer, nullable=False, default=0),
)


order = Table(
    "follow_up_order", metadata,
    _id(),
    Column("patient_id", Integer, ForeignKey("patient.id"), nullable=False, index=True),
    Column("clinic_id", Integer, ForeignKey("clinic.id"), nullable=False),
    Column("doctor_id", Integer, ForeignKey("doctor.id"), nullable=True),
    _instant("ordered_at", nullable=False),
    Column("visit_date", Date, nullable=True),
    Column("target_date", Date, nullable=False),
    Column("earliest", Date, nullable=False),
    Column("latest", Date, nullable=False, index=True),
    Column("interval_count", Integer, nullable=True),
    Column("interval_unit", String, nullable=True),
    Column("series_count", Integer, nullable=True),
    Column("series_index", Integer, nullable=False, default=1),
    Column("series_root_id", Integer, nullable=True),
    Column("previous_order_id", Integer, nullable=True),
    Column("reason", Text, nullable=False, default=""),
    Column("instructions", String, nullable=False, default=""),
    Column("status", String(16), nullable=False, index=True, default="open"),
    Column("created_by", String, nullable=False, default=""),
    # covering index for the statistics (migration 0005)
    Index("ix_follow_up_order_stats", "latest", "clinic_id", "doctor_id", "status"),
)


appointment = Table(
    "appointment", metadata,
    _id(),
    Column("code", String(16), nullable=False, unique=True),
    Column("order_id", Integer, ForeignKey("follow_up_order.id"), nullable=False, index=True),
    Column("patient_id", Integer, ForeignKey("patient.id"), nullable=False, index=True),
    Column("clinic_id", Integer, ForeignKey("clinic.id"), nullable=False),
    Column("doctor_id", Integer, ForeignKey("doctor.id"), nullable=True),
    Column("session_id", Integer, ForeignKey("session.id"), nullable=False, index=True),
    Column("day", Date, nullable=False),
    Column("part", String(16), nullable=False),
    Column("at_time", Time, nullable=True),
    Column("queue_no", Integer, nullable=False),
    Column("status", String(20), nullable=False, index=True, default="booked"),
    Column("previous_status", String, nullable=True),
    Column("source", String(16), nullable=False, default="desk"),
    Column("previous_id", Integer, ForeignKey("appointment.id"), nullable=True),
    Column("version", Integer, nullable=False, default=1),
    _instant("booked_at", nullable=False),
    Column("booked_by", String, nullable=False, default=""),
    _instant("status_at", nullable=False),
    Column("cancelled_by", String, nullable=True),  # patient | clinic
    Column("cancel_reason", String, nullable=True),
    Column("late_cancel", Boolean, nullable=False, default=False),
    Column("overbooked", Boolean, nullable=False, default=False),
    Column("overbook_reason", String, nullable=True),
    Column("reminded", Boolean, nullable=True),  # imported history: a known fact
    # appointment date - local booking date (a fact at booking)
    Column("lead_days", Integer, nullable=True),
    # Set while the appointment holds its place: one active per patient, clinic and day.
    Column("active_key", String(64), nullable=True, unique=True),
    # Set while a timed appointment holds its slot.
    Column("slot_key", String(64), nullable=True, unique=True),
    Column("external_id", String(64), nullable=True, unique=True),
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


# The append-only log: who did what, when, from which state to which.
event = Table(
    "event", metadata,
    _id(),
    _instant("at", nullable=False, index=True),
    Column("actor", String, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("patient_id", Integer, nullable=True, index=True),
    Column("appointment_id", Integer, nullable=True, index=True),
    Column("order_id", Integer, nullable=True),
    Column("from_state", String, nullable=True),
    Column("to_state", String, nullable=True),
    Column("reason", String, nullable=True),
    Column("details", String, nullable=True),  # JSON
)


# The outbox: the only way a message leaves.
message = Table(
    "message", metadata,
    _id(),
    Column("idempotency_key", String(96), nullable=False, unique=True),
    Column("appointment_id", Integer, ForeignKey("appointment.id"), nullable=False,
           index=True),
    Column("kind", String(16), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("recipient", String, nullable=False, default=""),
    Column("language", String, nullable=False, default="vi"),
    _instant("due_at", nullable=False),  # when to try next (a retry moves it on)
    _instant("planned_at"),  # when it was planned to go (kept; the order of reminders)
    _instant("expires_at", nullable=False),
    # pending | sending | in_flight | sent | maybe_sent | failed | cancelled | expired |
    # superseded (core.reminders.MessageStatus)
    Column("status", String(16), nullable=False, default="pending"),
    Column("attempts", Integer, nullable=False, default=0),
    _instant("lease_until"),
    Column("leased_by", String, nullable=True),
    Column("last_error", String, nullable=True),
    Column("provider_id", String, nullable=True),
    _instant("sent_at"),
    _instant("created_at", nullable=False),
    Index("ix_message_due", "status", "due_at"),
)


inbound_reply = Table(
    "inbound_reply", metadata,
    _id(),
    Column("channel", String(16), nullable=False),
    Column("sender", String, nullable=False),
    _instant("received_at", nullable=False),
    Column("text", String, nullable=False),
    Column("external_id", String(128), nullable=True, unique=True),
    Column("appointment_id", Integer, ForeignKey("appointment.id"), nullable=True),
    Column("action", String, nullable=True),
)


# The one call list: no-show, lapsed order, change requested, failed message, ...
outreach_task = Table(
    "outreach_task", metadata,
    _id(),
    Column("patient_id", Integer, ForeignKey("patient.id"), nullable=False, index=True),
    Column("appointment_id", Integer, ForeignKey("appointment.id"), nullable=True),
    Column("order_id", Integer, ForeignKey("follow_up_order.id"), nullable=True),
    Column("reason", String(24), nullable=False),
    _instant("created_at", nullable=False),
    Column("next_action_on", Date, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("outcome", String, nullable=True),
    Column("status", String(16), nullable=False, default="open"),
    Column("note", String, nullable=True),
    # one open task per (reason, appointment or order)
    Column("open_key", String(64), nullable=True, unique=True),
    Index("ix_outreach_open", "status", "next_action_on"),
)


call_attempt = Table(
    "call_attempt", metadata,
    _id(),
    Column("task_id", Integer, ForeignKey("outreach_task.id"), nullable=False, index=True),
    _instant("at", nullable=False),
    Column("day", Date, nullable=False),
    Column("actor", String, nullable=False),
    Column("outcome", String(24), nullable=False),
    Column("note", String, nullable=True),
    Column("call_back_on", Date, nullable=True),
)
