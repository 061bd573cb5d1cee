"""lead time as a stored fact; indexes for the phone order and (PostgreSQL) name search

- ``appointment.lead_days``: the appointment's date minus the local booking date, written
  at booking and import (``recall init`` fills it on older rows); statistics group by it
  without converting a million instants.
- ``patient_phone (patient_id, position)``: a patient's first phone without a sort.
- PostgreSQL: a trigram index on ``patient.name_key`` (pg_trgm), so a name search whose
  words are not a name prefix uses an index instead of reading every patient. Where the
  extension cannot be created, search still works through the word index.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("appointment") as batch:
        batch.add_column(sa.Column("lead_days", sa.Integer(), nullable=True))
    op.create_index("ix_patient_phone_order", "patient_phone", ["patient_id", "position"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            DO $$ BEGIN
              CREATE EXTENSION IF NOT EXISTS pg_trgm;
              CREATE INDEX IF NOT EXISTS ix_patient_name_trgm
                ON patient USING gin (name_key gin_trgm_ops);
            EXCEPTION WHEN others THEN
              RAISE NOTICE 'pg_trgm unavailable: name search uses the word index only';
            END $$""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_patient_name_trgm")
    op.drop_index("ix_patient_phone_order", "patient_phone")
    with op.batch_alter_table("appointment") as batch:
        batch.drop_column("lead_days")
