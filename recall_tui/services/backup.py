"""``recall backup FILE``: a consistent copy of a live SQLite database."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..core.errors import BadInput
from .context import Context


@dataclass(frozen=True)
class BackupResult:
    path: str
    bytes: int
    pages: int


def backup(ctx: Context, *, dest: str) -> BackupResult:
    """SQLite's online backup: readers and writers go on; the copy is one moment's state."""
    src = ctx.db.sqlite_path()
    if src is None:
        raise BadInput("backup.not_sqlite",
                       "Chỉ sao lưu được cơ sở dữ liệu SQLite; với PostgreSQL hãy dùng pg_dump.",
                       "Only a SQLite database can be backed up here; use pg_dump for "
                       "PostgreSQL.", field="database")
    target = Path(dest)
    if target.exists() and target.is_dir():
        raise BadInput("backup.dir", f"{dest} là một thư mục.", f"{dest} is a directory.",
                       field="file")
    target.parent.mkdir(parents=True, exist_ok=True)
    pages = ctx.db.backup_to(target)
    return BackupResult(str(target), target.stat().st_size, pages)
