"""Creating or upgrading the schema with Alembic (``recall init``), and checking it.

``upgrade`` refuses a database it cannot safely touch: one at a revision this recall does not
know (made by a newer recall: it says which), and one holding recall's tables without
Alembic's record of a revision (not made by recall, or its record lost). After the
migrations it puts back any of the event log's guards found missing (``guards``).

``check`` is what every other command runs first: one small query, no Alembic import.
Revisions are numbered in order (``0001``, ``0002``, …): the newest file is the head.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, inspect, text

from ..core.errors import EnvironmentFailure, NotSetUp
from . import guards
from .database import Database

MIGRATIONS = Path(__file__).parent / "migrations"
RECALL_TABLES = ("clinic", "patient", "appointment", "follow_up_order", "event", "session")


def known_revisions() -> list[str]:
    """The revisions this recall has, oldest first (from the migration files' names)."""
    return sorted({p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("*.py")
                   if p.name[:1].isdigit()})


def head() -> str:
    return known_revisions()[-1]


def _config():
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def _revision(conn: Connection) -> tuple[str | None, list[str]]:
    """(the revision recorded, recall's tables present) of the database."""
    names = set(inspect(conn).get_table_names())
    ours = [t for t in RECALL_TABLES if t in names]
    if "alembic_version" not in names:
        return None, ours
    rev = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return rev, ours


def newer(rev: str) -> EnvironmentFailure:
    mine = head()
    return EnvironmentFailure(
        "db.newer",
        f"Cơ sở dữ liệu ở phiên bản lược đồ {rev}, do một recall mới hơn tạo; recall này chỉ "
        f"biết đến {mine}. Hãy cập nhật recall (hoặc dùng bản mới hơn đó); không thay đổi gì.",
        f"The database is at schema revision {rev}, made by a newer recall; this recall knows "
        f"revisions up to {mine}. Upgrade recall (or use that newer one); nothing was changed.",
        details={"revision": rev, "known": mine})


def foreign(tables: list[str]) -> EnvironmentFailure:
    names = ", ".join(tables)
    return EnvironmentFailure(
        "db.foreign",
        f"Cơ sở dữ liệu đã có bảng ({names}) nhưng không có alembic_version: nó không do "
        "recall tạo (hoặc mất bản ghi phiên bản). Dùng một cơ sở dữ liệu trống; không thay "
        "đổi gì.",
        f"The database already has tables ({names}) but no alembic_version: recall did not "
        "create it (or its version record is lost). Use an empty database; nothing was "
        "changed.", details={"tables": tables})


def current(db: Database) -> str | None:
    with db.connection() as conn:
        return _revision(conn)[0]


def check(db: Database) -> None:
    """Refuse to run on a database this recall cannot use: not set up, older (run `recall
    init`), newer, or not made by recall."""
    with db.connection() as conn:
        try:
            rev = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except NotSetUp:
            raise
        except Exception:  # noqa: BLE001 - no alembic_version: look closer
            conn.rollback()
            rev, ours = _revision(conn)
            if ours:
                raise foreign(ours) from None
            raise NotSetUp() from None
    known = known_revisions()
    if rev is None:
        raise NotSetUp()
    if rev not in known:
        raise newer(rev)
    if rev != known[-1]:
        raise NotSetUp(f"the database is at revision {rev}; `recall init` upgrades it to "
                       f"{known[-1]}")


def upgrade(db: Database) -> tuple[str | None, str]:
    """Bring the schema to the newest revision and its guards back; returns (before,
    after)."""
    from alembic import command

    with db.connection() as conn:
        before, ours = _revision(conn)
        if before is None and ours:
            raise foreign(ours)
        if before is not None and before not in known_revisions():
            raise newer(before)
        cfg = _config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        guards.restore(conn)
        conn.commit()
    return before, head()


def revision(db: Database, message: str) -> None:
    """Developers: autogenerate a new migration from the tables (``make migration``)."""
    from alembic import command

    cfg = _config()
    with db.connection() as conn:
        cfg.attributes["connection"] = conn
        command.revision(cfg, message=message, autogenerate=True)
