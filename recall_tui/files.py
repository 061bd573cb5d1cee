"""Files that hold patient data: private whatever the umask, and never half-written.

Every file recall writes with patient data in it (the SQLite database, backups, slips,
day lists, statistics exports, the risk model) is created 0600 and every folder it makes
for them 0700, whatever the process's umask. A file written again keeps its mode, only
ever tightened: access for others and execute bits are dropped (an administrator who gives
a group read access to backups keeps it).

A file is written beside its place (``.NAME.XXXX.part``) and renamed over it once complete
and on disk, so a reader sees the old file or the new one, never a half; when writing
fails (a full disk) the part is removed and the old file is untouched.

A file system failure becomes one of our errors: a full disk is the environment's (exit 4,
``DiskFull``), a path the person gave that cannot be written is their input (``BadInput``
naming the field) and otherwise the environment's (``Unavailable``).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .core.errors import BadInput, DiskFull, DomainError, Unavailable

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
KEEP_MASK = 0o660  # of a file's old mode, what a rewrite keeps


def os_failure(err: OSError, where: str, *, field: str | None = None) -> DomainError:
    """Our error for an OSError met writing ``where``."""
    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFull(where)
    if err.errno == errno.EIO:
        return Unavailable(f"reading or writing {where} failed (disk error); check the disk",
                           f"lỗi đọc/ghi {where} (lỗi đĩa); kiểm tra ổ đĩa", code="disk.io")
    vi, en = {errno.EACCES: ("không có quyền ghi", "permission denied"),
              errno.EPERM: ("không có quyền ghi", "permission denied"),
              errno.EROFS: ("ổ chỉ đọc", "read-only file system"),
              errno.ENOENT: ("thư mục không có", "no such folder"),
              errno.ENOTDIR: ("một phần đường dẫn không phải thư mục",
                              "a part of the path is not a folder"),
              errno.EISDIR: ("là một thư mục", "it is a folder"),
              errno.EXDEV: ("khác ổ đĩa", "on another file system"),
              errno.ENAMETOOLONG: ("tên quá dài", "the name is too long"),
              }.get(err.errno, ("không ghi được", "cannot be written"))
    if field is None:
        return Unavailable(f"{where}: {en}", f"{where}: {vi}", code="file.io")
    return BadInput("file.unwritable", f"Không ghi được {where}: {vi}.",
                    f"Cannot write {where}: {en}.", field=field)


def private_dir(path: str | Path, *, field: str | None = None) -> Path:
    """``path`` as a folder, made 0700 (with any missing parents) when it is not there;
    an existing folder is left as it is."""
    p = Path(path)
    missing = []
    q = p
    try:
        while not q.exists() and q != q.parent:
            missing.append(q)
            q = q.parent
        for d in reversed(missing):
            try:
                d.mkdir(mode=PRIVATE_DIR)
            except FileExistsError:
                continue
            os.chmod(d, PRIVATE_DIR)
        if not p.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "not a folder", str(p))
    except OSError as exc:
        raise os_failure(exc, str(p), field=field) from None
    return p


def _final_mode(path: Path) -> int:
    try:
        st = os.stat(path)
    except OSError:
        return PRIVATE_FILE
    if not stat.S_ISREG(st.st_mode):
        return PRIVATE_FILE
    kept = stat.S_IMODE(st.st_mode) & KEEP_MASK
    return kept if kept & 0o400 else PRIVATE_FILE


def _refuse_folder(path: Path, field: str | None) -> None:
    try:
        folder = path.is_dir()
    except OSError as exc:  # a name too long, a loop of links
        raise os_failure(exc, str(path), field=field) from None
    if folder:
        raise os_failure(IsADirectoryError(errno.EISDIR, "is a folder"), str(path),
                         field=field)


def kind_of(path: str | Path, *, field: str) -> str:
    """"missing", "folder", "file" or "other" for a path a person gave; BadInput naming
    ``field`` when the path itself is impossible (a name too long, a loop of links)."""
    try:
        if Path(path).is_dir():
            return "folder"
        if Path(path).is_file():
            return "file"
        return "other" if Path(path).exists() else "missing"
    except OSError as exc:
        raise os_failure(exc, str(path), field=field) from None


@contextlib.contextmanager
def replacing(path: str | Path, *, field: str | None = None) -> Iterator[Path]:
    """A private part file beside ``path`` to fill (by name: SQLite writes backups this
    way); renamed over ``path`` when the block ends, removed when it fails."""
    target = Path(path)
    _refuse_folder(target, field)
    private_dir(target.parent, field=field)
    try:
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                    suffix=".part")
        os.close(fd)
    except OSError as exc:
        raise os_failure(exc, str(target), field=field) from None
    part = Path(name)
    try:
        yield part
        os.chmod(part, _final_mode(target))
        with open(part, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(part, target)
        _sync_dir(target.parent)
    except OSError as exc:
        raise os_failure(exc, str(target), field=field) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            part.unlink()


@contextlib.contextmanager
def open_private(path: str | Path, mode: str = "w", *, field: str | None = None,
                 encoding: str | None = "utf-8", newline: str | None = None) -> Iterator[IO]:
    """``open`` for writing a private file whole (see ``replacing``)."""
    binary = "b" in mode
    with replacing(path, field=field) as part:
        try:
            with open(part, "wb" if binary else "w", encoding=None if binary else encoding,
                      newline=None if binary else newline) as fh:
                yield fh
                fh.flush()
        except OSError as exc:
            raise os_failure(exc, str(path), field=field) from None


def write_private(path: str | Path, data: bytes | str, *, field: str | None = None,
                  encoding: str = "utf-8") -> Path:
    """Write ``data`` as the whole of a private file (0600, or its old mode tightened)."""
    with open_private(path, "wb", field=field) as fh:
        fh.write(data.encode(encoding) if isinstance(data, str) else data)
    return Path(path)


def create_private(path: str | Path) -> bool:
    """Create an empty private file when none is there (a new SQLite database: SQLite gives
    its -wal and -shm files the database's mode). True when created."""
    p = Path(path)
    private_dir(p.parent)
    try:
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        return False
    except OSError as exc:
        raise os_failure(exc, str(p)) from None
    try:
        os.fchmod(fd, PRIVATE_FILE)
    finally:
        os.close(fd)
    return True


def _sync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
