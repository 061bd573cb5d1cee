"""`python -m recall_tui.ui.screenshots [--config FILE] [--now ISO] [DIR]`: an SVG of every
screen of the desk at 80x24 (``make screens``).

Made on a fresh demo database (fixed seed, clock fixed by ``--now``) in a temporary
directory, with the clinic's recall.toml (``--config``, else the one found as the app finds
it, else the built-in defaults) for clinics and sessions. The same arguments draw the same
pictures: tests/ui/test_screens_pictures.py redraws them and compares with screens/.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import re
import sys
import tempfile
from datetime import datetime
from pathlib import Path

SIZE = (80, 24)
SEED = 7
NOW = "2026-11-25T09:00"

# Each picture: the keys pressed from Today ("{code}" is a slip code booked for today).
STEPS: dict[str, tuple[str, ...]] = {
    "today": (),
    "booking": ("f3", "nguyen", "enter", "enter", "14 ngay", "enter"),
    "checkin": ("f4", "{code}", "enter"),
    "noshow": ("f5",),
    "patient": ("o",),
    "sessions": ("f7",),
    "statistics": ("f9",),
    "help": ("f1",),
}


async def _settle(app, pilot) -> None:
    from textual.worker import WorkerError

    for _ in range(3):
        await pilot.pause()
        for _ in range(50):
            try:
                await app.workers.wait_for_complete()
                break
            except WorkerError:  # a worker not started yet
                await pilot.pause(0.01)
        await pilot.pause()


async def _keys(pilot, *keys: str) -> None:
    for k in keys:
        if " " in k or (len(k) > 1 and not k.startswith(("f", "ctrl+"))
                        and k not in ("enter", "space", "escape")):
            await pilot.press(*[{" ": "space"}.get(c, c) for c in k])
        else:
            await pilot.press(k)
        await _settle(pilot.app, pilot)


def stable(svg: str) -> str:
    """The picture without what changes from one drawing to the next of the same screen:
    the id Rich makes from the picture's own content (and with it every class name)."""
    return re.sub(r"terminal-\d+", "terminal", svg)


def make(out: Path, *, config: str | None = None, now: str = NOW) -> list[Path]:
    from ..config import load
    from ..services import attendance, demo
    from ..services.context import open_context
    from ..services.setup import init
    from ..services.today import day_list
    from .app import RecallApp

    base = load(config)
    at = datetime.fromisoformat(now)
    at = at if at.tzinfo else at.replace(tzinfo=base.tz)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        cfg = dataclasses.replace(base, database_url=f"sqlite:///{tmp}/screens.db",
                                  language="vi")
        ctx = open_context(cfg, actor="desk")
        init(ctx)
        demo.generate(ctx, patients=600, days=60, seed=SEED, now=at)
        attendance.sweep(ctx, now=at)
        waiting = [r for r in day_list(ctx, day=ctx.today(at)).rows
                   if r.status in ("booked", "confirmed")]
        code = waiting[len(waiting) // 2].display_code if waiting else ""
        ctx.db.dispose()

        async def shoot(name: str, steps: tuple[str, ...]) -> None:
            app = RecallApp(cfg, now=at, actor="desk", poll=False, blink=False)
            async with app.run_test(size=SIZE) as pilot:
                await _settle(app, pilot)
                await _keys(pilot, *(s.replace("{code}", code) for s in steps))
                svg = stable(app.export_screenshot())
                path = out / f"{name}.svg"
                path.write_text(svg, encoding="utf-8")
                written.append(path)

        for name, steps in STEPS.items():
            asyncio.run(shoot(name, steps))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m recall_tui.ui.screenshots")
    parser.add_argument("--config", help="the clinic's recall.toml")
    parser.add_argument("--now", default=NOW, help=f"the desk's clock (default {NOW})")
    parser.add_argument("out", nargs="?", default="screens")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    for path in make(Path(args.out), config=args.config, now=args.now):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
