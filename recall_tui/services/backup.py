"""``recall backup FILE`` and ``recall restore BACKUP`` for a SQLite database.

A backup is SQLite's online copy: readers and writers go on, the copy is one moment's
state, written beside its place and renamed (a full disk leaves the old file and no part),
private (0600, or the mode of the file it replaces, tightened).

A restore checks the copy first (a SQLite file, ``PRAGMA integrity_check``, a schema this
recall knows), refuses while a desk is writing (unless ``force``), keeps the database it
replaces aside (``NAME.before-restore-YYYYmmdd-HHMMSS``), then copies the backup into the
live database through SQLite (desks still open see the restored data at their next read)
and upgrades its schema when the backup is older. PostgreSQL: ``pg_dump``/``pg_restore``
(README, "Backup and restore").
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..core.errors import BadInput, Refused
from ..files import kind_of
from ..store import migrate, sqlite_files
from .context import Context


@dataclass(frozen=True)
class BackupResult:
    path: str
    bytes: int
    pages: int


@dataclass(frozen=True)
class RestoreResult:
    database: str
    restored_from: str
    kept_aside: str | None
    revision: str
    upgraded_to: str | None
    forced: bool


def _sqlite_only(ctx: Context, what: str) -> str:
    src = ctx.db.sqlite_path()
    if src is None:
        raise BadInput(f"{what}.not_sqlite",
                       "Chỉ làm được với cơ sở dữ liệu SQLite; với PostgreSQL hãy dùng pg_dump "
                       "và pg_restore (README: Backup and restore).",
                       "Only a SQLite database can be handled here; for PostgreSQL use pg_dump "
                       "and pg_restore (README: Backup and restore).", field="database")
    return src


def backup(ctx: Context, *, dest: str) -> BackupResult:
    """SQLite's online backup: readers and writers go on; the copy is one moment's state."""
    src = _sqlite_only(ctx, "backup")
    target = Path(dest)
    kind = kind_of(target, field="file")
    if kind == "folder":
        raise BadInput("backup.dir", f"{dest} là một thư mục.", f"{dest} is a directory.",
                       field="file")
    if kind == "file" and os.path.realpath(target) == os.path.realpath(src):
        raise BadInput("backup.same", "Không sao lưu đè lên chính cơ sở dữ liệu.",
                       "The backup cannot be the database itself.", field="file")
    pages = ctx.db.backup_to(target)
    return BackupResult(str(target), target.stat().st_size, pages)


def restore(ctx: Context, *, source: str, now: datetime, force: bool = False) -> RestoreResult:
    """Replace the live SQLite database by the backup ``source`` (checked first)."""
    live = _sqlite_only(ctx, "restore")
    copy = Path(source)
    kind = kind_of(copy, field="backup")
    if kind == "missing":
        raise BadInput("restore.missing", f"Không có tệp {source}.", f"No file {source}.",
                       field="backup")
    if kind == "folder":
        raise BadInput("restore.dir", f"{source} là một thư mục.", f"{source} is a folder.",
                       field="backup")
    if os.path.exists(live) and os.path.realpath(copy) == os.path.realpath(live):
        raise BadInput("restore.same", "Bản sao lưu chính là cơ sở dữ liệu đang dùng.",
                       "The backup is the live database itself.", field="backup")
    revision = sqlite_files.check_copy(copy)
    known = migrate.known_revisions()
    if revision not in known:
        raise Refused("restore.newer",
                      f"Bản sao lưu ở phiên bản lược đồ {revision}, mới hơn recall này "
                      f"(biết đến {known[-1]}): cập nhật recall trước.",
                      f"The backup is at schema revision {revision}, newer than this recall "
                      f"knows ({known[-1]}): upgrade recall first.", field="backup",
                      details={"revision": revision})
    if not force and sqlite_files.someone_writing(live):
        raise Refused("restore.busy",
                      "Đang có bàn ghi vào cơ sở dữ liệu: đóng recall ở các bàn (và dừng "
                      "recall daemon) rồi thử lại, hoặc dùng --force.",
                      "A desk is writing to the database: close recall at the desks (and "
                      "stop recall daemon), then try again, or use --force.", field="database")
    stamp = now.astimezone(ctx.tz).strftime("%Y%m%d-%H%M%S")
    aside = None
    if Path(live).exists() and Path(live).stat().st_size:
        aside_path = Path(f"{live}.before-restore-{stamp}")
        ctx.db.backup_to(aside_path, field=None)
        aside = str(aside_path)
    ctx.db.dispose()  # our own pooled connections: nothing of ours holds the file
    sqlite_files.copy_into(copy, live, busy_timeout_s=ctx.db.busy_timeout_s)
    upgraded = None
    if revision != known[-1]:
        migrate.upgrade(ctx.db)
        upgraded = known[-1]
    ctx.forget_ids()
    return RestoreResult(database=live, restored_from=str(copy), kept_aside=aside,
                         revision=revision, upgraded_to=upgraded, forced=force)
