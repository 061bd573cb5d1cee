"""covering indexes for the statistics (`recall stats` over a million appointments)

Each index holds every column one statistics scan reads, in the order it groups by, so
SQLite answers from the index alone and aggregates in index order (no sort, no table
read):

- ``appointment (day, clinic_id, part, doctor_id, status, cancelled_by, late_cancel,
  lead_days)``: by clinic, month, weekday, session and doctor (a session's appointments
  side by side), and the headline of a date range (a seek).
- ``appointment (lead_days, reminded, status, cancelled_by, late_cancel, day)``: the
  headline, by lead time and by reminded; also finds the rows without the lead fact.
- ``appointment (patient_id, day, status, cancelled_by, late_cancel, lead_days)``: by
  age (patients read in their key order instead of at random).
- ``appointment (status, order_id, day)``: attended visits for adherence, their orders
  read in key order.
- ``follow_up_order (latest, clinic_id, doctor_id, status)``: orders whose window ended,
  by month, clinic or doctor.

Revision ID: 0005
Revises: 0004
"""
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_appointment_stats_day", "appointment",
     ["day", "clinic_id", "part", "doctor_id", "status", "cancelled_by", "late_cancel",
      "lead_days"]),
    ("ix_appointment_stats_lead", "appointment",
     ["lead_days", "reminded", "status", "cancelled_by", "late_cancel", "day"]),
    ("ix_appointment_stats_patient", "appointment",
     ["patient_id", "day", "status", "cancelled_by", "late_cancel", "lead_days"]),
    ("ix_appointment_stats_order", "appointment", ["status", "order_id", "day"]),
    ("ix_follow_up_order_stats", "follow_up_order",
     ["latest", "clinic_id", "doctor_id", "status"]),
)


def upgrade() -> None:
    for name, table, cols in INDEXES:
        op.create_index(name, table, cols)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table)
