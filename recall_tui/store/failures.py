"""Driver errors translated into our own, at the store's boundary.

This is the only module that reads what a driver says when it fails (SQLite's result code,
PostgreSQL's SQLSTATE, and as a last resort the text). Everything above the store sees
``Unavailable``, ``NotSetUp``, ``Busy`` or ``DiskFull`` (exit 4, each saying what to do), and
never the driver's text, its SQL or its parameters (which hold names and phone numbers).
"""

from __future__ import annotations

import sqlite3

from ..core.errors import Busy, DiskFull, EnvironmentFailure, NotSetUp, Unavailable
from ..files import os_failure


def shown_url(url: str) -> str:
    """The database URL without its password (user and host kept)."""
    if "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    if "@" in rest:
        cred, host = rest.rsplit("@", 1)
        rest = cred.split(":", 1)[0] + "@" + host
    return f"{scheme}://{rest}"


def _where(url: str) -> str:
    return shown_url(url).replace("postgresql+psycopg://", "postgresql://")


def translate(exc: BaseException, url: str, *, busy_s: float = 0.0,
              holder: str | None = None) -> EnvironmentFailure | None:
    """Our error for a driver's (SQLAlchemy-wrapped or raw) failure; None when it is not an
    environment failure we know (then it is a bug, and the caller lets it go up)."""
    orig = getattr(exc, "orig", None) or exc
    if isinstance(orig, sqlite3.Error):
        return _sqlite(orig, url, busy_s)
    state = getattr(orig, "sqlstate", None)
    if state is not None or type(orig).__module__.startswith("psycopg"):
        return _postgres(orig, state, url, busy_s, holder)
    if isinstance(orig, OSError):
        return os_failure(orig, _where(url))
    return None


def _sqlite(err: sqlite3.Error, url: str, busy_s: float) -> EnvironmentFailure | None:
    name = getattr(err, "sqlite_errorname", "") or ""
    text = str(err).lower()
    where = _where(url)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text:
        return Busy(busy_s, "another desk or job")
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return DiskFull(where)
    if name.startswith("SQLITE_NOTADB") or "file is not a database" in text:
        return Unavailable(
            f"{where} is not a SQLite database (a different file?); check [database] url "
            "in recall.toml",
            f"{where} không phải cơ sở dữ liệu SQLite (nhầm tệp?); kiểm tra [database] url "
            "trong recall.toml", code="db.not_sqlite")
    if name.startswith("SQLITE_CORRUPT"):
        return Unavailable(
            f"{where} is damaged; restore the latest backup (recall restore BACKUP)",
            f"{where} bị hỏng; khôi phục bản sao lưu mới nhất (recall restore BẢN_SAO)",
            code="db.corrupt")
    if name.startswith("SQLITE_READONLY") or name.startswith("SQLITE_PERM"):
        return Unavailable(
            f"{where} cannot be written (read-only file or folder, or another owner); "
            "check its permissions",
            f"không ghi được {where} (tệp/thư mục chỉ đọc hoặc của người khác); kiểm tra "
            "quyền truy cập", code="db.read_only")
    if name.startswith("SQLITE_CANTOPEN") or "unable to open" in text:
        return Unavailable(
            f"cannot open {where}: the folder is missing, not writable, or the path is a "
            "folder; check [database] url in recall.toml",
            f"không mở được {where}: thư mục không có, không ghi được, hoặc đường dẫn là một "
            "thư mục; kiểm tra [database] url trong recall.toml", code="db.cannot_open")
    if name.startswith("SQLITE_IOERR"):
        return Unavailable(f"reading or writing {where} failed (disk error); check the disk",
                           f"lỗi đọc/ghi {where} (lỗi đĩa); kiểm tra ổ đĩa", code="db.io")
    if "no such table" in text or "no such column" in text:
        return NotSetUp()
    return None


# PostgreSQL SQLSTATE classes and codes (appendix A of its manual).
_PG_NOT_SET_UP = {"42P01", "42703", "42883"}  # undefined table, column, function
_PG_BUSY = {"55P03", "40P01", "57014"}  # lock not available, deadlock, statement timeout


def _postgres(err, state: str | None, url: str, busy_s: float,
              holder: str | None) -> EnvironmentFailure | None:
    where = _where(url)
    if state is None:  # refused before a session began: libpq's words are all there is
        said = str(err).lower()
        if "database" in said and "does not exist" in said:
            state = "3D000"
        elif "authentication failed" in said or "no password supplied" in said or \
                "role" in said and "does not exist" in said:
            state = "28000"
    if state in _PG_NOT_SET_UP:
        return NotSetUp()
    if state in _PG_BUSY:
        return Busy(busy_s, holder or "another desk or job")
    if state == "3D000":
        db = where.rsplit("/", 1)[-1].split("?", 1)[0]
        return Unavailable(
            f"the PostgreSQL database {db!r} does not exist on the server: create it "
            f"(createdb {db}), then run `recall init`",
            f"cơ sở dữ liệu PostgreSQL {db!r} không có trên máy chủ: tạo nó (createdb {db}) "
            "rồi chạy `recall init`", code="db.missing")
    if state and state.startswith("28"):
        return Unavailable(
            f"PostgreSQL refused the login at {where}: check the user and its password "
            "(RECALL_DATABASE_URL or [database] url)",
            f"PostgreSQL từ chối đăng nhập tại {where}: kiểm tra người dùng và mật khẩu",
            code="db.login")
    if state in ("53100",):
        return DiskFull(where)
    if state in ("25006",):
        return Unavailable(f"{where} is read-only (a standby server?)",
                           f"{where} chỉ đọc (máy chủ dự phòng?)", code="db.read_only")
    if state is None or state.startswith(("08", "53", "57P")):
        return Unavailable(
            f"cannot reach PostgreSQL at {where}: is the server running and reachable "
            "from here?",
            f"không kết nối được PostgreSQL tại {where}: máy chủ có chạy và truy cập được "
            "từ máy này không?", code="db.unavailable")
    return None
