"""The event log's append-only guards, checked and put back by ``recall init``.

The migrations make them (0002: UPDATE and DELETE, both databases; 0007: TRUNCATE on
PostgreSQL). A guard dropped by hand is not made again by a migration already applied, so
``init`` looks for each and creates what is missing, with the migrations' own statements.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

MESSAGE = "the event log is append-only"

SQLITE = {
    "event_no_update": "CREATE TRIGGER event_no_update BEFORE UPDATE ON event "
                       f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    "event_no_delete": "CREATE TRIGGER event_no_delete BEFORE DELETE ON event "
                       f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
}
PG_FUNCTION = ("CREATE OR REPLACE FUNCTION recall_event_append_only() RETURNS trigger AS $$ "
               f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql")
POSTGRES = {
    "event_append_only": "CREATE TRIGGER event_append_only BEFORE UPDATE OR DELETE ON event "
                         "FOR EACH ROW EXECUTE FUNCTION recall_event_append_only()",
    "event_no_truncate": "CREATE TRIGGER event_no_truncate BEFORE TRUNCATE ON event "
                         "FOR EACH STATEMENT EXECUTE FUNCTION recall_event_append_only()",
}


def present(conn: Connection) -> set[str]:
    """The guards in place (on PostgreSQL, a guard disabled by ALTER TABLE is enabled
    again here: it is there, just switched off)."""
    if conn.dialect.name == "postgresql":
        rows = conn.execute(text(
            "SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'event'::regclass "
            "AND NOT tgisinternal")).all()
        for name, enabled in rows:
            if enabled == "D" and name in POSTGRES:
                conn.execute(text(f'ALTER TABLE event ENABLE TRIGGER "{name}"'))
        return {name for name, _ in rows}
    return set(conn.execute(text(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'event'"))
        .scalars())


def restore(conn: Connection) -> list[str]:
    """Create the guards that are missing; returns their names (none: all were there)."""
    wanted = POSTGRES if conn.dialect.name == "postgresql" else SQLITE
    missing = [name for name in wanted if name not in present(conn)]
    if missing and conn.dialect.name == "postgresql":
        conn.execute(text(PG_FUNCTION))
    for name in missing:
        conn.execute(text(wanted[name]))
    return missing
