"""The app's link to the database, used only from worker threads.

The heavy imports (SQLAlchemy, the services) happen here, on the first call,
after the first screen is up. One connection is kept open for the change marker (SQLite's
``PRAGMA data_version`` is per connection).
"""

from __future__ import annotations

import threading

from ..config import Config


class Backend:
    def __init__(self, cfg: Config, *, actor: str | None = None, on_wait=None):
        self.cfg = cfg
        self.actor = actor
        self.on_wait = on_wait  # a write waits for another desk's lock
        self._ctx = None
        self._lock = threading.Lock()
        self._poll_conn = None

    @property
    def ctx(self):
        if self._ctx is None:
            with self._lock:
                if self._ctx is None:
                    from ..services.context import Context
                    from ..services.setup import check_schema
                    from ..store.database import Database

                    db = Database(self.cfg.database_url, light=True, on_wait=self.on_wait)
                    kw = {"actor": self.actor} if self.actor else {}
                    ctx = Context(cfg=self.cfg, db=db, **kw)
                    try:
                        check_schema(ctx)  # not set up, older, newer, not recall's: said
                    except Exception:
                        db.dispose()
                        raise
                    self._ctx = ctx
        return self._ctx

    def marker(self) -> int:
        """The database's change marker, read on the kept-open connection."""
        db = self.ctx.db
        with self._lock:
            try:
                if self._poll_conn is None:
                    self._poll_conn = db.engine.connect().execution_options(recall_write=False)
                value = db.change_marker(self._poll_conn)
                self._poll_conn.rollback()
                return value
            except Exception:
                self._drop_poll()
                raise

    def _drop_poll(self) -> None:
        if self._poll_conn is not None:
            try:
                self._poll_conn.close()
            except Exception:  # noqa: BLE001 - closing a broken connection
                pass
            self._poll_conn = None

    def close(self) -> None:
        with self._lock:
            self._drop_poll()
            if self._ctx is not None:
                self._ctx.db.dispose()
