"""SQLite database files as files: checking a backup copy, and copying one into the live
database (``recall restore``).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..core.errors import BadInput, Busy
from . import failures

HEADER = b"SQLite format 3\x00"


def _bad(code: str, vi: str, en: str) -> BadInput:
    return BadInput(code, vi, en, field="backup")


def check_copy(path: Path) -> str:
    """The schema revision of a backup, after checking it is a whole SQLite database made
    by recall; BadInput (naming the backup) when it is not."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(HEADER))
    except OSError as exc:
        raise _bad("restore.unreadable", f"Không đọc được {path}: {exc.strerror}.",
                   f"Cannot read {path}: {exc.strerror}.") from None
    if head != HEADER:
        raise _bad("restore.not_sqlite", f"{path} không phải cơ sở dữ liệu SQLite.",
                   f"{path} is not a SQLite database.")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            problems = [r[0] for r in conn.execute("PRAGMA integrity_check(5)")]
            if problems != ["ok"]:
                first = str(problems[0])[:120]
                raise _bad("restore.damaged",
                           f"Bản sao lưu {path} bị hỏng (integrity_check: {first}).",
                           f"The backup {path} is damaged (integrity_check: {first}).")
            names = {r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "alembic_version" not in names:
                raise _bad("restore.not_recall",
                           f"{path} không phải cơ sở dữ liệu của recall (không có "
                           "alembic_version).",
                           f"{path} is not a recall database (no alembic_version).")
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        name = getattr(exc, "sqlite_errorname", "") or ""
        raise _bad("restore.damaged", f"Không đọc được bản sao lưu {path} ({name or 'lỗi'}).",
                   f"The backup {path} cannot be read ({name or 'damaged'}).") from None
    if row is None:
        raise _bad("restore.not_recall", f"{path} không ghi phiên bản lược đồ.",
                   f"{path} records no schema revision.")
    return str(row[0])


def someone_writing(live: str) -> bool:
    """Whether another connection holds (or is taking) the live database's write lock."""
    if not Path(live).exists():
        return False
    conn = sqlite3.connect(live, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        if isinstance(failures.translate(exc, live), Busy):
            return True
        raise failures.translate(exc, live) or exc from None
    finally:
        conn.close()


def copy_into(source: Path, live: str, *, busy_timeout_s: float) -> None:
    """The backup's pages into the live database, in one write transaction of SQLite's (a
    failure, a full disk, leaves the live database as it was). Connections still open on
    it read the restored data from their next transaction on."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(live, timeout=busy_timeout_s)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=WAL")
        finally:
            dst.close()
    except sqlite3.Error as exc:
        failure = failures.translate(exc, live, busy_s=busy_timeout_s)
        raise (failure or failures.Unavailable(f"cannot restore into {live}")) from None
    finally:
        src.close()
