"""Open the desk app: configuration first (light), the app's heavy imports after."""

from __future__ import annotations

import sys
from datetime import datetime


def launch(config_path: str | None = None, *, now: str | None = None) -> int:
    """``now``: an ISO instant the desk's clock stands at (without a zone: clinic time)."""
    from ..config import ConfigError, load

    try:
        cfg = load(config_path)
    except ConfigError as exc:
        print(f"recall.toml: {exc}", file=sys.stderr)
        return 4
    fixed = None
    if now is not None:
        try:
            fixed = datetime.fromisoformat(now.strip())
        except ValueError:
            print(f"--now: not a valid instant: {now!r} (e.g. 2026-11-25T09:00)",
                  file=sys.stderr)
            return 2
        if fixed.tzinfo is None:
            fixed = fixed.replace(tzinfo=cfg.tz)
    from . import memory
    from .app import RecallApp

    memory.one_heap()
    app = RecallApp(cfg, now=fixed)
    app.run()
    return app.return_code or 0
