"""event log guard covers TRUNCATE on PostgreSQL

0002 made the database refuse UPDATE and DELETE on ``event``; on PostgreSQL ``TRUNCATE``
is a statement of its own that row triggers do not see, so it emptied the log. A statement
trigger ``BEFORE TRUNCATE`` now refuses it with the same message. (SQLite has no TRUNCATE:
``DELETE FROM event`` is refused by 0002's trigger.) ``recall init`` puts back any of these
guards found missing (``store.guards``).

Revision ID: 0007
Revises: 0005
"""
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""CREATE TRIGGER event_no_truncate BEFORE TRUNCATE ON event
                      FOR EACH STATEMENT EXECUTE FUNCTION recall_event_append_only()""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS event_no_truncate ON event")
