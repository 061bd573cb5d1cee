"""a series keeps its own cadence, apart from the first interval

``follow_up_order.series_every_count`` / ``series_every_unit``: "tái khám sau 14 ngày, rồi
hàng tháng x 6" is a first visit 14 days after this one, then monthly. Before this
revision a series' cadence was its interval; existing series keep that meaning.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("follow_up_order") as batch:
        batch.add_column(sa.Column("series_every_count", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("series_every_unit", sa.String(length=16), nullable=True))
    op.execute("UPDATE follow_up_order SET series_every_count = interval_count, "
               "series_every_unit = interval_unit WHERE series_count IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("follow_up_order") as batch:
        batch.drop_column("series_every_unit")
        batch.drop_column("series_every_count")
