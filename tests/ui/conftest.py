"""The desk app's tests: a seeded demo database on a SQLite file, and an app on it.

One demo database is made per test session (fixed seed, fixed clock) and copied for each
test. It holds, besides the demo history, one patient booked for today who did not come
(on the call list) and one booked for today still to come, with names tests can type.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import NOW, TEST_TOML

DEMO_PATIENTS = 120
DEMO_DAYS = 20
SEED = 11


def make_cfg(path: Path):
    from recall_tui.config import parse

    return parse(TEST_TOML, None, env={"RECALL_DATABASE_URL": f"sqlite:///{path}"})


def make_ctx(cfg):
    from recall_tui.services.context import Context
    from recall_tui.store.database import Database

    return Context(cfg=cfg, db=Database(cfg.database_url), actor="lan")


@pytest.fixture(scope="session")
def demo_template(sqlite_template, tmp_path_factory) -> Path:
    from recall_tui.core.calendar import Part
    from recall_tui.services import attendance, booking, demo, patients

    path = tmp_path_factory.mktemp("uidemo") / "demo.db"
    shutil.copy(sqlite_template, path)
    ctx = make_ctx(make_cfg(path))
    demo.generate(ctx, patients=DEMO_PATIENTS, days=DEMO_DAYS, seed=SEED, now=NOW)
    attendance.sweep(ctx, now=NOW)
    khoa = patients.add(ctx, name="Phạm Văn Khoa", now=NOW, birth_year=1950, phones_in=[
        patients.PhoneIn("0912 345 678"),
        patients.PhoneIn("0987 654 321", "caregiver", "Phạm Thị Lan")])
    missed = booking.book(ctx, patient=khoa.mrn, clinic="NOI", day=NOW.date(),
                          part=Part.AFTERNOON, now=NOW.replace(hour=7))
    attendance.no_show(ctx, code=missed.code, now=NOW)
    hoa = patients.add(ctx, name="Đỗ Thị Hoà", now=NOW, birth_date=NOW.date().replace(year=1961),
                       phones_in=[patients.PhoneIn("0901 222 333")])
    booking.book(ctx, patient=hoa.mrn, clinic="TM", day=NOW.date(), part=Part.MORNING,
                 doctor="BS2", now=NOW.replace(hour=6, minute=30))
    ctx.db.dispose()
    return path


@pytest.fixture
def db_path(demo_template, tmp_path) -> Path:
    path = tmp_path / "desk.db"
    shutil.copy(demo_template, path)
    return path


@pytest.fixture
def ui_cfg(db_path):
    return make_cfg(db_path)


@pytest.fixture
def ui_ctx(ui_cfg):
    ctx = make_ctx(ui_cfg)
    yield ctx
    ctx.db.dispose()


def make_app(cfg, **kw):
    from recall_tui.ui.app import RecallApp

    kw.setdefault("poll", False)
    return RecallApp(cfg, now=NOW, actor="lan", blink=False, **kw)


async def settle(app, pilot, rounds: int = 3) -> None:
    """Let the workers finish and their answers reach the screen."""
    from textual.worker import WorkerError

    for _ in range(rounds):
        await pilot.pause()
        for _ in range(50):
            try:
                await app.workers.wait_for_complete()
                break
            except WorkerError:  # a worker not started yet
                await pilot.pause(0.01)
        await pilot.pause()


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(c, c) for c in text])


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
