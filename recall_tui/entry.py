"""`recall`: with no command, the desk app (fast path, no CLI imports); else the CLI."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or (len(args) == 2 and args[0] == "--config") or \
            (len(args) == 1 and args[0].startswith("--config=")):
        from .ui.launch import launch

        config = None
        if args:
            config = args[1] if len(args) == 2 else args[0].split("=", 1)[1]
        return launch(config)
    from .cli.app import app

    try:
        app(args=args, prog_name="recall", standalone_mode=True)
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
