"""`python -m recall_tui.ui.screenshots [DIR]`: an SVG of every screen (``make screens``).

Made on a fresh demo database (fixed seed, fixed clock) in a temporary directory, with
the facility's recall.toml (or the built-in defaults) for clinics and sessions.
"""

from __future__ import annotations

import asyncio
import dataclasses
import sys
import tempfile
from datetime import datetime
from pathlib import Path

SIZE = (120, 40)
SEED = 7


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
        if len(k) > 1 and " " in k or (len(k) > 1 and k.islower() and k.isalpha() and
                                       k not in ("enter", "space", "escape")):
            await pilot.press(*[{" ": "space"}.get(c, c) for c in k])
        else:
            await pilot.press(k)
        await _settle(pilot.app, pilot)


STEPS: dict[str, tuple[str, ...]] = {
    "today": (),
    "booking": ("f3", "nguyen", "enter", "enter", "14 ngay", "enter"),
    "checkin": ("f4",),
    "noshow": ("f5",),
    "patient": ("o",),
    "sessions": ("f7",),
    "help": ("f1",),
}


def make(out: Path, *, now: datetime | None = None) -> list[Path]:
    from ..config import load
    from ..services import attendance, demo
    from ..services.context import open_context
    from ..services.setup import init
    from .app import RecallApp

    base = load(None)
    now = now or datetime(2026, 11, 25, 9, 0, tzinfo=base.tz)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        cfg = dataclasses.replace(base, database_url=f"sqlite:///{tmp}/screens.db")
        ctx = open_context(cfg, actor="desk")
        init(ctx)
        demo.generate(ctx, patients=600, days=60, seed=SEED, now=now)
        attendance.sweep(ctx, now=now)
        ctx.db.dispose()

        async def shoot(name: str, steps: tuple[str, ...]) -> None:
            app = RecallApp(cfg, now=now, actor="desk", poll=False, blink=False)
            async with app.run_test(size=SIZE) as pilot:
                await _settle(app, pilot)
                await _keys(pilot, *steps)
                written.append(Path(app.save_screenshot(filename=f"{name}.svg", path=str(out))))

        for name, steps in STEPS.items():
            asyncio.run(shoot(name, steps))
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "screens")
    for path in make(out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
