"""Shared fixtures: a test clinic, and a database on SQLite and on PostgreSQL.

Every test that takes ``ctx`` (or ``db_url``) runs twice: on a SQLite file and on the real
PostgreSQL server named by RECALL_TEST_PG_URL. When PostgreSQL does not answer, those runs
skip with the reason, unless RECALL_REQUIRE_PG=1 (CI), where they fail.
"""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests import status_guard

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
status_guard.install()  # a status written outside core.lifecycle fails the test that did it

TEST_TOML = """
[facility]
name = "Phòng khám Thử nghiệm"
timezone = "Asia/Ho_Chi_Minh"

[booking]
mrn_prefix = "TS"

[[clinics]]
code = "NOI"
name = "Khám Nội"
public_name = "Khu A"

[[clinics]]
code = "TM"
name = "Tim mạch"

[[clinics]]
code = "MAT"
name = "Mắt"

[[doctors]]
code = "BS1"
name = "BS Một"
clinics = ["TM"]

[[doctors]]
code = "BS2"
name = "BS Hai"
clinics = ["TM", "MAT"]

[[templates]]
clinic = "NOI"
days = ["mon", "tue", "wed", "thu", "fri", "sat"]
part = "morning"
start = "07:00"
end = "11:30"
capacity = 3
overbook = 1

[[templates]]
clinic = "NOI"
days = ["mon", "tue", "wed", "thu", "fri"]
part = "afternoon"
start = "13:30"
end = "16:30"
capacity = 2

[[templates]]
clinic = "TM"
doctor = "BS1"
days = ["mon", "wed", "fri"]
part = "morning"
start = "07:00"
end = "11:30"
capacity = 5

[[templates]]
clinic = "TM"
doctor = "BS2"
days = ["mon", "wed", "fri"]
part = "morning"
start = "07:00"
end = "11:30"
capacity = 5

[[templates]]
clinic = "MAT"
doctor = "BS2"
days = ["tue", "thu"]
part = "afternoon"
start = "13:30"
end = "15:00"
capacity = 6
slot_minutes = 15

[[closures]]
from = "2026-12-24"
clinic = "NOI"
reason = "Hội nghị"
"""

# Wednesday 25 November 2026, 08:00 clinic time.
NOW = datetime(2026, 11, 25, 8, 0, tzinfo=TZ)


def pg_admin_url() -> str:
    return os.environ.get("RECALL_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _pg_answers() -> str | None:
    try:
        import psycopg

        url = pg_admin_url().replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(url, connect_timeout=3):
            return None
    except Exception as exc:  # noqa: BLE001
        return str(exc).splitlines()[0]


_PG_PROBLEM: list = []


def pg_problem() -> str | None:
    if not _PG_PROBLEM:
        _PG_PROBLEM.append(_pg_answers())
    return _PG_PROBLEM[0]


@pytest.fixture(scope="session")
def worker(request) -> str:
    """A name unique to this test process, even with other test runs going on at once."""
    wi = getattr(request.config, "workerinput", None)
    if wi is None:
        return f"p{os.getpid()}"
    return f"{wi['testrunuid'][:10]}_{wi['workerid']}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    from recall_tui.config import parse
    from recall_tui.services.context import Context
    from recall_tui.services.setup import init
    from recall_tui.store.database import Database

    path = tmp_path_factory.mktemp("tmpl") / "template.db"
    cfg = parse(TEST_TOML, None, env={})
    db = Database(f"sqlite:///{path}")
    init(Context(cfg=cfg, db=db, actor="test"))
    db.dispose()
    return path


@pytest.fixture(scope="session")
def pg_database(worker):
    problem = pg_problem()
    if problem:
        if os.environ.get("RECALL_REQUIRE_PG"):
            pytest.fail(f"PostgreSQL is required (RECALL_REQUIRE_PG=1) but: {problem}")
        pytest.skip(f"PostgreSQL not reachable ({problem}); set RECALL_TEST_PG_URL")
    import psycopg

    from recall_tui.config import parse
    from recall_tui.services.context import Context
    from recall_tui.services.setup import init
    from recall_tui.store.database import Database

    name = f"recall_test_{worker}"
    admin = pg_admin_url().replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = admin.rsplit("/", 1)[0] + "/" + name
    cfg = parse(TEST_TOML, None, env={})
    db = Database(url)
    init(Context(cfg=cfg, db=db, actor="test"))
    db.dispose()
    yield url
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _reset_pg(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname='public' "
            "AND tablename NOT IN ('alembic_version', 'clinic', 'doctor')")]
        # The event log refuses TRUNCATE (its guard); a test reset switches triggers off.
        conn.execute("SET session_replication_role = replica")
        conn.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
        conn.execute("SET session_replication_role = DEFAULT")
        conn.execute("ALTER SEQUENCE appointment_code_seq RESTART")


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "recall.db"
        shutil.copy(template, path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("pg_database")
    _reset_pg(url)
    return url


@pytest.fixture
def cfg(db_url):
    from recall_tui.config import parse

    return parse(TEST_TOML, None, env={"RECALL_DATABASE_URL": db_url})


@pytest.fixture
def ctx(cfg):
    from recall_tui.services.context import Context
    from recall_tui.store.database import Database

    db = Database(cfg.database_url)
    yield Context(cfg=cfg, db=db, actor="lan")
    db.dispose()


@pytest.fixture
def config_file(tmp_path, db_url) -> Path:
    """A recall.toml on disk pointing at the test database (for CLI runs)."""
    path = tmp_path / "recall.toml"
    path.write_text(TEST_TOML + f'\n[database]\nurl = "{db_url}"\n', encoding="utf-8")
    return path


@pytest.fixture
def now() -> datetime:
    return NOW
