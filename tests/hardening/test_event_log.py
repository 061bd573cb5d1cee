"""Issue 11, item 8: the event log's guard covers TRUNCATE on PostgreSQL; `recall init` puts
back a guard dropped by hand; a database from a newer recall, or one recall did not make,
is refused by every command, saying which revision or which tables."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from recall_tui.entry import main
from tests.conftest import TEST_TOML, pg_admin_url

from .conftest import NOW, error_of

pytestmark = pytest.mark.storage


def _raw(db_url):
    """A plain connection in autocommit, as an administrator at a psql prompt."""
    from recall_tui.store.database import Database

    db = Database(db_url)
    return db, db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")


def _events(db_url) -> int:
    db, conn = _raw(db_url)
    try:
        return int(conn.execute(text("SELECT COUNT(*) FROM event")).scalar_one())
    finally:
        conn.close()
        db.dispose()


def _refused(db_url, sql: str) -> bool:
    db, conn = _raw(db_url)
    try:
        conn.execute(text(sql))
        return False
    except Exception as exc:  # noqa: BLE001 - the database's refusal
        return "append-only" in str(exc)
    finally:
        conn.close()
        db.dispose()


def test_the_event_log_refuses_truncate_update_and_delete(recall, db_url):
    assert recall("patient", "add", "--name", "Lê Văn A", "--now", NOW)[0] == 0
    before = _events(db_url)
    assert before >= 1
    if not db_url.startswith("sqlite"):
        assert _refused(db_url, "TRUNCATE event")
    assert _refused(db_url, "DELETE FROM event")
    assert _refused(db_url, "UPDATE event SET actor = 'x'")
    assert _events(db_url) == before


def test_init_puts_back_a_guard_dropped_by_hand(recall, db_url):
    assert recall("patient", "add", "--name", "Lê Văn A", "--now", NOW)[0] == 0
    db, conn = _raw(db_url)
    try:
        if db_url.startswith("sqlite"):
            conn.execute(text("DROP TRIGGER event_no_delete"))
        else:
            conn.execute(text("DROP TRIGGER event_no_truncate ON event"))
            conn.execute(text("ALTER TABLE event DISABLE TRIGGER event_append_only"))
    finally:
        conn.close()
        db.dispose()
    code, out, err = recall("init")
    assert code == 0, err
    assert _refused(db_url, "DELETE FROM event")
    if not db_url.startswith("sqlite"):
        assert _refused(db_url, "TRUNCATE event")


def _set_revision(db_url, rev: str) -> None:
    db, conn = _raw(db_url)
    try:
        conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": rev})
    finally:
        conn.close()
        db.dispose()


def _revision(db_url) -> str:
    db, conn = _raw(db_url)
    try:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    finally:
        conn.close()
        db.dispose()


def test_a_database_from_a_newer_recall_is_refused_naming_its_revision(recall, db_url):
    from recall_tui.store.migrate import head

    mine = head()
    _set_revision(db_url, "0099")
    try:
        for args in (["today", "--now", NOW], ["patient", "search", "le"], ["init"]):
            code, out, err = recall(*args, "--json")
            assert code == 4, (args, out, err)
            e = error_of(out)
            assert e["code"] == "db.newer" and "0099" in e["message"] and mine in e["message"]
            assert "CommandError" not in out + err
        assert _revision(db_url) == "0099"  # nothing was changed
    finally:
        _set_revision(db_url, mine)


def test_an_older_database_asks_for_init(recall, db_url):
    from recall_tui.store.migrate import head, known_revisions

    _set_revision(db_url, known_revisions()[-2])
    try:
        code, out, _ = recall("today", "--now", NOW, "--json")
        assert code == 4 and error_of(out)["code"] == "db.not_set_up"
        assert "recall init" in error_of(out)["message"]
    finally:
        _set_revision(db_url, head())


@pytest.fixture
def foreign_url(db_url, tmp_path, worker):
    """An empty database of the same kind, given a `clinic` table by someone else."""
    if db_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'foreign.db'}"
        import sqlite3

        with sqlite3.connect(tmp_path / "foreign.db") as conn:
            conn.execute("CREATE TABLE clinic (id INTEGER PRIMARY KEY, code TEXT)")
        yield url
        return
    import psycopg

    admin = pg_admin_url().replace("postgresql+psycopg://", "postgresql://")
    name = f"recall_foreign_{worker}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = admin.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE clinic (id serial PRIMARY KEY, code text)")
        conn.execute("CREATE TABLE patient (id serial PRIMARY KEY)")
    yield url
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_tables_recall_did_not_make_are_refused(foreign_url, tmp_path, capsys):
    config = tmp_path / "foreign.toml"
    config.write_text(TEST_TOML + f'\n[database]\nurl = "{foreign_url}"\n', encoding="utf-8")
    for args in (["init"], ["today", "--now", NOW]):
        code = main([*args, "--config", str(config), "--json"])
        out = capsys.readouterr()
        assert code == 4, out
        e = json.loads(out.out)["error"]
        assert e["code"] == "db.foreign" and "clinic" in e["message"], e
        assert "already exists" not in out.out + out.err
