"""event log append-only: the database refuses UPDATE and DELETE on event

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE OR REPLACE FUNCTION recall_event_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'the event log is append-only'; END;
            $$ LANGUAGE plpgsql""")
        op.execute("""CREATE TRIGGER event_append_only BEFORE UPDATE OR DELETE ON event
                      FOR EACH ROW EXECUTE FUNCTION recall_event_append_only()""")
    else:
        for what in ("UPDATE", "DELETE"):
            op.execute(f"""CREATE TRIGGER event_no_{what.lower()} BEFORE {what} ON event
                           BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS event_append_only ON event")
        op.execute("DROP FUNCTION IF EXISTS recall_event_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS event_no_update")
        op.execute("DROP TRIGGER IF EXISTS event_no_delete")
