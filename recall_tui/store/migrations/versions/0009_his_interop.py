"""HIS interop: follow-up slips from the hospital's system, its patient numbers, FHIR links

- ``his_slip``: one follow-up slip (XML14 of Quyết định 130/4750) per order, keyed by
  (MA_CSKCB, MA_LK, SO_GIAYHEN_KL), with the diagnosis codes and insurance status kept for
  statistics only.
- ``his_patient``: the hospital's patient number (MA_BN) at a facility -> patient.
- ``fhir_link``: a foreign FHIR identifier (resource, system, value) -> our row.
- ``patient (cccd)``, ``patient (bhyt)``: a slip's patient is found by these.

Revision ID: 0009
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

import recall_tui.store.types

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _instant(name: str) -> sa.Column:
    return sa.Column(name, recall_tui.store.types.Instant(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "his_slip",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ma_cskcb", sa.String(length=5), nullable=False),
        sa.Column("ma_lk", sa.String(length=100), nullable=False),
        sa.Column("so_giayhen_kl", sa.String(length=50), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=8), nullable=False),
        sa.Column("ma_bac_si", sa.String(length=255), nullable=True),
        sa.Column("ma_ttdv", sa.String(length=255), nullable=True),
        sa.Column("ma_khoa", sa.String(length=50), nullable=True),
        sa.Column("ma_doituong_kcb", sa.String(length=4), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("icd_main", sa.String(length=7), nullable=True),
        sa.Column("icd_other", sa.String(length=100), nullable=True),
        sa.Column("icd_chapter", sa.String(length=8), nullable=True),
        sa.Column("insurance", sa.String(length=16), nullable=True),
        sa.Column("card_valid_to", sa.Date(), nullable=True),
        sa.Column("source_file", sa.String(length=255), nullable=True),
        _instant("created_at"),
        _instant("updated_at"),
        sa.ForeignKeyConstraint(["order_id"], ["follow_up_order.id"]),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("order_id"),
        sa.UniqueConstraint("ma_lk", "so_giayhen_kl", "ma_cskcb", name="uq_his_slip_key"),
    )
    op.create_index("ix_his_slip_patient_id", "his_slip", ["patient_id"])
    op.create_table(
        "his_patient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ma_cskcb", sa.String(length=5), nullable=False),
        sa.Column("ma_bn", sa.String(length=100), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        _instant("created_at"),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ma_bn", "ma_cskcb", name="uq_his_patient_key"),
    )
    op.create_index("ix_his_patient_patient_id", "his_patient", ["patient_id"])
    op.create_table(
        "fhir_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resource", sa.String(length=16), nullable=False),
        sa.Column("system", sa.String(length=255), nullable=False),
        sa.Column("value", sa.String(length=255), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        _instant("created_at"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("resource", "system", "value", name="uq_fhir_link_key"),
    )
    op.create_index("ix_patient_cccd", "patient", ["cccd"])
    op.create_index("ix_patient_bhyt", "patient", ["bhyt"])


def downgrade() -> None:
    op.drop_index("ix_patient_bhyt", "patient")
    op.drop_index("ix_patient_cccd", "patient")
    op.drop_table("fhir_link")
    op.drop_index("ix_his_patient_patient_id", "his_patient")
    op.drop_table("his_patient")
    op.drop_index("ix_his_slip_patient_id", "his_slip")
    op.drop_table("his_slip")
