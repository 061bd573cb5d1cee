"""`recall`: with no command, the desk app (fast path, no CLI imports); else the CLI."""

from __future__ import annotations

import sys

DESK_OPTIONS = ("--config", "--now")


def desk_options(args: list[str]) -> dict[str, str] | None:
    """``--config FILE`` and ``--now INSTANT`` (either as ``--x=v``) and nothing else: the
    desk app's options; None when the arguments are a CLI command."""
    out: dict[str, str] = {}
    i = 0
    while i < len(args):
        name, eq, value = args[i].partition("=")
        if name not in DESK_OPTIONS or name[2:] in out:
            return None
        if not eq:
            if i + 1 >= len(args):
                return None
            value, i = args[i + 1], i + 1
        out[name[2:]] = value
        i += 1
    return out


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    desk = desk_options(args)
    if desk is not None:
        from .ui.launch import launch

        return launch(desk.get("config"), now=desk.get("now"))
    from .cli.app import app
    from .cli.common import guard_args

    refused = guard_args(args)
    if refused is not None:
        return refused
    try:
        app(args=args, prog_name="recall", standalone_mode=True)
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
