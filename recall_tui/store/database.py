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
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Connection, create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError

from ..core.errors import NotSetUp, Unavailable

BUSY_TIMEOUT_S = 30.0
LIGHT_CACHE_KIB = 512  # SQLite page cache per connection of a light (desk) database
LIGHT_STATEMENTS = 32  # prepared statements kept per connection (the driver keeps 128)


def normalise_url(url: str) -> str:
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


class Database:
    """``light=True`` trades a little speed for memory, for a desk (twenty run on one server):
    two kept connections (up to six at a busy moment), and on SQLite a small page cache and
    few prepared statements per connection (the OS caches the file anyway). The CLI and the
    daemon keep the defaults."""

    def __init__(self, url: str, *, echo: bool = False, light: bool = False):
        self.url = normalise_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        self.light = light
        self.engine: Engine = self._make_engine(echo)

    # -- engine -------------------------------------------------------------------
    def _make_engine(self, echo: bool) -> Engine:
        pool = {"pool_size": 2, "max_overflow": 4} if self.light else \
            {"pool_size": 5, "max_overflow": 10}
        pragmas = ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                   f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}",
                   "PRAGMA foreign_keys=ON"]
        driver = {}
        if self.light:
            pragmas.append(f"PRAGMA cache_size=-{LIGHT_CACHE_KIB}")
            driver["cached_statements"] = LIGHT_STATEMENTS
        if self.is_sqlite:
            path = self.url.split("///", 1)[-1]
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(
                self.url, echo=echo,
                connect_args={"timeout": BUSY_TIMEOUT_S, "isolation_level": None,
                              "check_same_thread": False, **driver}, **pool,
            )

            @event.listens_for(engine, "connect")
            def _on_connect(dbapi_conn, _record):
                cur = dbapi_conn.cursor()
                for pragma in pragmas:
                    cur.execute(pragma)
                cur.close()
            return engine
        return create_engine(self.url, echo=echo, pool_pre_ping=True,
                             **pool, connect_args={"connect_timeout": 5})

    def dispose(self) -> None:
        self.engine.dispose()

    # -- transactions -----------------------------------------------------------------
    def _connect(self) -> Connection:
        try:
            return self.engine.connect()
        except (OperationalError, DBAPIError) as exc:
            raise Unavailable(describe(exc, self.url)) from None

    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction: committed when the block ends, rolled back on error."""
        conn = self._connect()
        try:
            with conn.begin():
                if self.is_sqlite:
                    # The driver runs in autocommit mode; we say where the transaction
                    # starts, and take the write lock up front. (Done here, not in a
                    # "begin" event listener: any engine event makes every statement pay
                    # for event dispatch.)
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
                yield conn
                if not self.is_sqlite:
                    conn.exec_driver_sql("SELECT nextval('recall_change')")
        except (OperationalError, ProgrammingError) as exc:
            raise _translated(exc, self.url) from None
        finally:
            conn.close()

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction (a consistent snapshot; takes no write lock)."""
        conn = self._connect()
        try:
            with conn.begin():
                if self.is_sqlite:
                    conn.exec_driver_sql("BEGIN")
                yield conn
        except (OperationalError, ProgrammingError) as exc:
            raise _translated(exc, self.url) from None
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

    def backup_to(self, target: Path) -> int:
        """SQLite's online backup into ``target`` (written beside it, then renamed): readers
        and writers go on, and the copy is one moment's state. Returns its page count."""
        import sqlite3

        src = self.sqlite_path()
        if src is None:
            raise ValueError("only a SQLite database can be copied this way")
        tmp = target.with_suffix(target.suffix + ".part")
        source = sqlite3.connect(src, timeout=BUSY_TIMEOUT_S)
        try:
            out = sqlite3.connect(tmp)
            try:
                source.backup(out, pages=1024)
                pages = out.execute("PRAGMA page_count").fetchone()[0]
                out.execute("PRAGMA journal_mode=DELETE")
            finally:
                out.close()
        finally:
            source.close()
        tmp.replace(target)
        return int(pages)

    def sqlite_path(self) -> str | None:
        if not self.is_sqlite:
            return None
        path = self.url.split("///", 1)[-1]
        return None if path in ("", ":memory:") else path


def _translated(exc: Exception, url: str) -> Exception:
    """A driver's error as one of ours when it is about the environment (no tables, the
    connection lost); else the error itself."""
    if _is_missing_table(exc):
        return NotSetUp()
    if _is_connection_error(exc):
        return Unavailable(describe(exc, url))
    return exc


def _is_missing_table(exc: Exception) -> bool:
    orig = getattr(exc, "orig", exc)
    if getattr(orig, "sqlstate", None) == "42P01":  # PostgreSQL: undefined_table
        return True
    return "no such table" in str(orig).lower()


def _is_connection_error(exc: Exception) -> bool:
    msg = str(exc).lower()
    return any(s in msg for s in ("could not connect", "connection refused", "unable to open",
                                  "server closed", "terminating connection", "no such host"))


def describe(exc: Exception, url: str) -> str:
    shown = url
    if "@" in shown:  # never show a password
        scheme, rest = shown.split("://", 1)
        shown = scheme + "://" + rest.split("@", 1)[1]
    orig = getattr(exc, "orig", exc)
    return f"cannot open the database {shown}: {str(orig).strip().splitlines()[0]}"




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
