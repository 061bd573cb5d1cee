"""message.planned_at: when a message was planned to go

A retry moves ``due_at`` on; ``planned_at`` keeps the planned instant, so the reminders of
one visit keep their order (the rule that only the latest due reminder goes after downtime,
``core.outbox_rules.superseded``). Older rows take their ``due_at``.

Revision ID: 0008
Revises: 0005 (the lead re-chains it at merge)
"""
import sqlalchemy as sa
from alembic import op

import recall_tui.store.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("message") as batch:
        batch.add_column(sa.Column("planned_at", recall_tui.store.types.Instant(timezone=True),
                                   nullable=True))
    op.execute("UPDATE message SET planned_at = due_at WHERE planned_at IS NULL")


def downgrade() -> None:
    with op.batch_alter_table("message") as batch:
        batch.drop_column("planned_at")
