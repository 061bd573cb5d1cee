"""The database: one engine, SQLite or PostgreSQL, and the transactions services use.

SQLite: WAL, ``synchronous=FULL`` (a booking is durable once acknowledged), a busy timeout,
foreign keys on, and write transactions that take the lock up front (``BEGIN IMMEDIATE``)
so check-and-write happens under one lock and "database is locked" never escapes. Only
``write()`` and ``read()`` open transactions on SQLite; a bare ``engine.connect()`` runs
each statement on its own (autocommit), which is what migrations and polls want.
PostgreSQL: READ COMMITTED; capacity is kept by a conditional UPDATE that only one writer
can win (the same statement as on SQLite).
"""

from __future__ import annotations

import contextlib
import errno
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import Connection, create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from ..core.errors import DomainError, EnvironmentFailure, Unavailable
from ..files import create_private
from . import failures

BUSY_TIMEOUT_S = 30.0  # how long a write waits for another desk's lock before giving up
WAIT_NOTICE_S = 1.0  # after this long, the person is told we are waiting (``on_wait``)
LIGHT_CACHE_KIB = 512  # SQLite page cache per connection of a light (desk) database
LIGHT_STATEMENTS = 32  # prepared statements kept per connection (the driver keeps 128)


def normalise_url(url: str) -> str:
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _bad_url(url: str) -> EnvironmentFailure:
    shown = failures.shown_url(url)
    return EnvironmentFailure(
        "db.url",
        f"Địa chỉ cơ sở dữ liệu không dùng được: {shown[:80]!r}. recall dùng SQLite "
        "(sqlite:///TỆP) hoặc PostgreSQL (postgresql://NGƯỜI_DÙNG@MÁY/CSDL); sửa [database] "
        "url trong recall.toml (hoặc RECALL_DATABASE_URL).",
        f"Cannot use the database URL {shown[:80]!r}: recall works with SQLite "
        "(sqlite:///FILE) or PostgreSQL (postgresql://USER@HOST/DB); fix [database] url in "
        "recall.toml (or RECALL_DATABASE_URL).", details={"url": shown[:200]})


class Database:
    """``light=True`` trades a little speed for memory, for a desk (twenty run on one server):
    two kept connections (up to six at a busy moment), and on SQLite a small page cache and
    few prepared statements per connection (the OS caches the file anyway). The CLI and the
    daemon keep the defaults.

    ``on_wait`` is called (from the waiting thread) when a write has waited ``WAIT_NOTICE_S``
    for another desk's lock: the entry point says "waiting for another desk…". The write
    gives up after ``busy_timeout_s`` with ``Busy``."""

    def __init__(self, url: str, *, echo: bool = False, light: bool = False,
                 busy_timeout_s: float | None = None,
                 on_wait: Callable[[], None] | None = None):
        self.url = normalise_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        if not (self.is_sqlite or self.url.startswith("postgresql+psycopg://")):
            raise _bad_url(url)
        self.light = light
        self.busy_timeout_s = BUSY_TIMEOUT_S if busy_timeout_s is None else busy_timeout_s
        self.on_wait = on_wait
        self._notice_ms = int(min(WAIT_NOTICE_S, self.busy_timeout_s) * 1000)
        self._watcher: _LockWatcher | None = None
        try:
            self.engine: Engine = self._make_engine(echo)
        except (ArgumentError, NoSuchModuleError, ValueError):
            raise _bad_url(url) from None

    # -- engine -------------------------------------------------------------------
    def _make_engine(self, echo: bool) -> Engine:
        pool = {"pool_size": 2, "max_overflow": 4} if self.light else \
            {"pool_size": 5, "max_overflow": 10}
        # The busy timeout of a connection is the short one: a write that meets a lock says
        # so after it (``_begin_immediate``), then waits the rest.
        pragmas = ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                   f"PRAGMA busy_timeout={self._notice_ms}",
                   "PRAGMA foreign_keys=ON"]
        driver = {}
        if self.light:
            pragmas.append(f"PRAGMA cache_size=-{LIGHT_CACHE_KIB}")
            driver["cached_statements"] = LIGHT_STATEMENTS
        if self.is_sqlite:
            path = self.sqlite_path()
            if path is not None:
                if Path(path).is_dir():
                    raise Unavailable(
                        f"{path} is a folder, not a database file; check [database] url "
                        "in recall.toml",
                        f"{path} là một thư mục, không phải tệp cơ sở dữ liệu; kiểm tra "
                        "[database] url trong recall.toml", code="db.is_folder")
                create_private(path)  # 0600 whatever the umask; -wal and -shm follow it
            engine = create_engine(
                self.url, echo=echo,
                connect_args={"timeout": self._notice_ms / 1000, "isolation_level": None,
                              "check_same_thread": False, **driver}, **pool,
            )

            @event.listens_for(engine, "connect")
            def _on_connect(dbapi_conn, _record):
                cur = dbapi_conn.cursor()
                for pragma in pragmas:
                    cur.execute(pragma)
                cur.close()
            return engine
        lock_ms = int(self.busy_timeout_s * 1000)
        return create_engine(self.url, echo=echo, pool_pre_ping=True, **pool,
                             connect_args={"connect_timeout": 5,
                                           "application_name": "recall",
                                           "options": f"-c lock_timeout={lock_ms}"})

    def dispose(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None
        self.engine.dispose()

    # -- errors ---------------------------------------------------------------------------
    def _failure(self, exc: BaseException) -> EnvironmentFailure | None:
        holder = None
        if not self.is_sqlite and getattr(getattr(exc, "orig", None), "sqlstate", None) in (
                "55P03", "40P01", "57014"):
            holder = self._pg_lock_holder()
        return failures.translate(exc, self.url, busy_s=self.busy_timeout_s, holder=holder)

    def _pg_lock_holder(self) -> str | None:
        """Who holds the lock we waited for (the oldest other transaction holding a
        write-kind lock in this database), as "recall (pid 4242, idle in transaction)
        RowExclusiveLock on session"; None when it cannot be told."""
        try:
            with self.engine.connect() as conn:
                row = conn.execute(text(
                    "SELECT a.pid, coalesce(nullif(a.application_name, ''), 'a client') AS app,"
                    " a.state, l.mode, c.relname FROM pg_locks l"
                    " JOIN pg_stat_activity a ON a.pid = l.pid"
                    " LEFT JOIN pg_class c ON c.oid = l.relation"
                    " WHERE l.granted AND l.pid <> pg_backend_pid()"
                    " AND a.datname = current_database()"
                    " AND l.locktype IN ('relation', 'tuple', 'advisory')"
                    " AND l.mode <> 'AccessShareLock'"
                    " ORDER BY a.xact_start NULLS LAST LIMIT 1")).first()
        except Exception:  # noqa: BLE001 - only a better message is lost
            return None
        if row is None:
            return None
        what = f"{row.mode}" + (f" on {row.relname}" if row.relname else "")
        return f"{row.app} (pid {row.pid}, {row.state or 'busy'}; {what})"

    def _raise_failure(self, exc: BaseException) -> None:
        failure = self._failure(exc)
        if failure is not None:
            raise failure from None

    # -- transactions -----------------------------------------------------------------
    def _connect(self) -> Connection:
        try:
            return self.engine.connect()
        except DBAPIError as exc:
            self._raise_failure(exc)
            raise Unavailable(f"cannot open the database {failures.shown_url(self.url)}",
                              code="db.unavailable") from None

    @contextlib.contextmanager
    def connection(self) -> Iterator[Connection]:
        """A connection in autocommit (each statement on its own; what migrations want),
        with the full busy timeout and driver errors translated."""
        conn = self._connect()
        try:
            if self.is_sqlite:
                conn.exec_driver_sql(f"PRAGMA busy_timeout={int(self.busy_timeout_s * 1000)}")
            yield conn
        except DomainError:
            raise
        except DBAPIError as exc:
            self._raise_failure(exc)
            raise
        finally:
            try:
                if self.is_sqlite:
                    conn.exec_driver_sql(f"PRAGMA busy_timeout={self._notice_ms}")
            except DBAPIError:
                pass
            conn.close()

    def _begin_immediate(self, conn: Connection) -> None:
        """Take SQLite's write lock. Waiting past WAIT_NOTICE_S, say so (``on_wait``) and
        wait the rest of the busy timeout."""
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except DBAPIError as exc:
            if not isinstance(self._failure(exc), failures.Busy):
                raise
        rest_ms = int(self.busy_timeout_s * 1000) - self._notice_ms
        if rest_ms <= 0:
            raise failures.Busy(self.busy_timeout_s, "another desk or job")
        if self.on_wait is not None:
            self.on_wait()
        started = time.monotonic()
        conn.exec_driver_sql(f"PRAGMA busy_timeout={rest_ms}")
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except DBAPIError as exc:
            failure = self._failure(exc)
            if isinstance(failure, failures.Busy):
                waited = self._notice_ms / 1000 + time.monotonic() - started
                raise failures.Busy(waited, "another desk or job") from None
            raise
        finally:
            conn.exec_driver_sql(f"PRAGMA busy_timeout={self._notice_ms}")

    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction: committed when the block ends, rolled back on error."""
        conn = self._connect()
        watched = None
        try:
            with conn.begin():
                if self.is_sqlite:
                    # The driver runs in autocommit mode; we say where the transaction
                    # starts, and take the write lock up front. (Done here, not in a
                    # "begin" event listener: any engine event makes every statement pay
                    # for event dispatch.)
                    self._begin_immediate(conn)
                elif self.on_wait is not None:
                    watched = self._watch(conn)
                yield conn
                if not self.is_sqlite:
                    conn.exec_driver_sql("SELECT nextval('recall_change')")
        except DomainError:
            raise
        except DBAPIError as exc:
            self._raise_failure(exc)
            raise
        finally:
            if watched is not None:
                self._watcher.done(watched)
            conn.close()

    def _watch(self, conn: Connection) -> int | None:
        """PostgreSQL: register this write with the watcher, which says "waiting" (once)
        if it waits on a lock past WAIT_NOTICE_S. Costs nothing unless it waits."""
        if self._watcher is None:
            self._watcher = _LockWatcher(self, WAIT_NOTICE_S)
        try:
            pid = conn.connection.dbapi_connection.info.backend_pid
        except AttributeError:
            return None
        self._watcher.start(pid)
        return pid

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction (a consistent snapshot; takes no write lock)."""
        conn = self._connect()
        try:
            with conn.begin():
                if self.is_sqlite:
                    conn.exec_driver_sql("BEGIN")
                yield conn
        except DomainError:
            raise
        except DBAPIError as exc:
            self._raise_failure(exc)
            raise
        finally:
            conn.close()

    # -- change marker --------------------------------------------------------------------
    def change_marker(self, conn: Connection) -> int:
        """A number that changes when any other connection commits a write.

        SQLite: ``PRAGMA data_version`` (per connection: keep ``conn`` open between polls).
        PostgreSQL: the ``recall_change`` sequence every write transaction advances.
        """
        if self.is_sqlite:
            return int(conn.exec_driver_sql("PRAGMA data_version").scalar_one())
        return int(conn.execute(text("SELECT last_value FROM recall_change")).scalar_one())

    def watch(self) -> ChangeWatch:
        """A watch on the change marker, on a connection of its own kept open."""
        return ChangeWatch(self)

    def backup_to(self, target: Path, *, field: str | None = "file") -> int:
        """SQLite's online backup into ``target`` (written beside it, then renamed): readers
        and writers go on, and the copy is one moment's state. The copy is private (0600, or
        the mode of the file it replaces, tightened); a failure (a full disk) leaves the old
        file as it was and no part behind. Returns its page count."""
        src = self.sqlite_path()
        if src is None:
            raise ValueError("only a SQLite database can be copied this way")
        return copy_sqlite(src, Path(target), busy_timeout_s=self.busy_timeout_s,
                           field=field)

    def sqlite_path(self) -> str | None:
        if not self.is_sqlite:
            return None
        path = self.url.split("///", 1)[-1]
        return None if path in ("", ":memory:") else path


def copy_sqlite(src: str | Path, target: Path, *, busy_timeout_s: float = BUSY_TIMEOUT_S,
                field: str | None = "file") -> int:
    """A consistent copy of the SQLite file ``src`` at ``target`` by SQLite's online backup
    (in a journal mode of its own: a single file), private and whole (see ``files``)."""
    import sqlite3

    from ..files import os_failure, replacing

    with replacing(target, field=field) as part:
        try:
            source = sqlite3.connect(src, timeout=busy_timeout_s)
            try:
                out = sqlite3.connect(part)
                try:
                    # All pages in one step: a step that meets a write made meanwhile by
                    # another connection starts the copy again, so copying in small steps
                    # under busy desks might never end. One step reads one snapshot (WAL:
                    # writers go on meanwhile).
                    source.backup(out, pages=-1)
                    pages = out.execute("PRAGMA page_count").fetchone()[0]
                    out.execute("PRAGMA journal_mode=DELETE")
                finally:
                    out.close()
            finally:
                source.close()
        except sqlite3.Error as exc:
            name = getattr(exc, "sqlite_errorname", "") or ""
            if name.startswith(("SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_READONLY")):
                code = errno.EIO if name.startswith("SQLITE_IOERR") else errno.EACCES
                raise os_failure(OSError(code, name), str(target), field=field) from None
            failure = failures.translate(exc, str(target), busy_s=busy_timeout_s)
            raise (failure or failures.Unavailable(f"cannot copy {src}")) from None
    return int(pages)


class _LockWatcher:
    """PostgreSQL has no busy handler: a thread looks, every quarter second, whether a write
    that began more than ``after`` seconds ago waits on a lock (``pg_stat_activity``), and
    then calls the database's ``on_wait`` once for it."""

    def __init__(self, db: Database, after: float):
        import threading

        self.db = db
        self.after = after
        self.writes: dict[int, float] = {}  # backend pid -> when its write began
        self.told: set[int] = set()
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="recall-lock-watch", daemon=True)
        self.thread.start()

    def start(self, pid: int) -> None:
        self.writes[pid] = time.monotonic()

    def done(self, pid: int) -> None:
        self.writes.pop(pid, None)
        self.told.discard(pid)

    def stop(self) -> None:
        self.stopped.set()

    def _run(self) -> None:
        while not self.stopped.wait(0.25):
            now = time.monotonic()
            late = [pid for pid, began in list(self.writes.items())
                    if now - began >= self.after and pid not in self.told]
            if not late:
                continue
            try:
                with self.db.engine.connect() as conn:
                    waiting = set(conn.execute(text(
                        "SELECT pid FROM pg_stat_activity WHERE pid = ANY(:p) "
                        "AND wait_event_type = 'Lock'"), {"p": late}).scalars())
            except Exception:  # noqa: BLE001 - only the notice is lost
                continue
            for pid in waiting:
                if pid in self.writes and pid not in self.told:
                    self.told.add(pid)
                    if self.db.on_wait is not None:
                        self.db.on_wait()


class ChangeWatch:
    """The change marker read on one kept-open connection (SQLite's ``data_version`` is
    per connection), reopened after a failure. Not thread-safe: one poller at a time."""

    def __init__(self, db: Database):
        self.db = db
        self._conn: Connection | None = None

    def marker(self) -> int:
        try:
            if self._conn is None:
                self._conn = self.db.engine.connect()
            value = self.db.change_marker(self._conn)
            self._conn.rollback()
            return value
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:  # noqa: BLE001 - closing a broken connection
                pass
            self._conn = None
