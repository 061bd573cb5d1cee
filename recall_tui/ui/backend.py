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
        self._poll = None

    @property
    def ctx(self):
        if self._ctx is None:
            with self._lock:
                if self._ctx is None:
                    from ..services.context import open_context
                    from ..services.setup import check_schema

                    ctx = open_context(self.cfg, light=True, actor=self.actor,
                                       on_wait=self.on_wait)
                    try:
                        check_schema(ctx)  # not set up, older, newer, not recall's: said
                    except Exception:
                        ctx.db.dispose()
                        raise
                    self._ctx = ctx
        return self._ctx

    def marker(self) -> int:
        """The database's change marker, read on the kept-open connection."""
        ctx = self.ctx
        with self._lock:
            if self._poll is None:
                self._poll = ctx.db.watch()
            return self._poll.marker()

    def close(self) -> None:
        with self._lock:
            if self._poll is not None:
                self._poll.close()
                self._poll = None
            if self._ctx is not None:
                self._ctx.db.dispose()
