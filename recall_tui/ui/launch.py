"""Open the desk app: configuration first (light), the app's heavy imports after."""

from __future__ import annotations

import sys


def launch(config_path: str | None = None) -> int:
    from ..config import ConfigError, load

    try:
        cfg = load(config_path)
    except ConfigError as exc:
        print(f"recall.toml: {exc}", file=sys.stderr)
        return 4
    from .app import RecallApp

    app = RecallApp(cfg)
    app.run()
    return app.return_code or 0
