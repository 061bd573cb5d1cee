"""Pictures of every screen at 80x24 and 120x40: fixed clock, fixed demo seed, no blink."""

from __future__ import annotations

import pytest

from tests.ui.conftest import make_app, settle, type_text

SIZES = [(80, 24), (120, 40)]


async def _today(pilot):
    await settle(pilot.app, pilot)


async def _booking(pilot):
    await settle(pilot.app, pilot)
    await pilot.press("f3")
    await type_text(pilot, "pham van khoa")
    await settle(pilot.app, pilot)
    await pilot.press("enter", "enter")
    await type_text(pilot, "2 tuan")
    await pilot.press("enter")
    await settle(pilot.app, pilot)


async def _checkin(pilot):
    await settle(pilot.app, pilot)
    await pilot.press("f4")
    await type_text(pilot, "0901222333")
    await pilot.press("enter")
    await settle(pilot.app, pilot)


async def _noshow(pilot):
    await settle(pilot.app, pilot)
    await pilot.press("f5")
    await settle(pilot.app, pilot)


async def _patient(pilot):
    await settle(pilot.app, pilot)
    await pilot.press("f6")
    await type_text(pilot, "pham van khoa")
    await pilot.press("enter")
    await settle(pilot.app, pilot)


async def _sessions(pilot):
    await settle(pilot.app, pilot)
    await pilot.press("f7")
    await settle(pilot.app, pilot)


async def _help(pilot):
    await settle(pilot.app, pilot)
    await pilot.press("f1")
    await settle(pilot.app, pilot)


SCREENS = {"today": _today, "booking": _booking, "checkin": _checkin, "noshow": _noshow,
           "patient": _patient, "sessions": _sessions, "help": _help}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(screen, size, ui_cfg, snap_compare):
    assert snap_compare(make_app(ui_cfg), terminal_size=size, run_before=SCREENS[screen])
