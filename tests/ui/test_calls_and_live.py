"""The call list, the patient file, closing a session, and live refresh between desks."""

from __future__ import annotations

import pytest

from recall_tui.ui.widgets.table import Table
from tests.ui.conftest import make_app, settle, type_text
from tests.ui.screen_text import screen_text

pytestmark = pytest.mark.anyio


def _tasks(ctx):
    from recall_tui.services.outreach import open_tasks

    return open_tasks(ctx)


async def _to_khoa(app, pilot) -> None:
    await pilot.press("f5")
    await settle(app, pilot)
    table = app.screen.query_one(Table)
    for i in range(table.row_count):
        if "Phạm Văn Khoa" in table.row_cells(i):
            table.move_cursor(row=i, animate=False)
            await pilot.pause()
            return
    raise AssertionError("Phạm Văn Khoa is not on the call list")


async def test_the_call_list_shows_the_caregivers_phone_and_logs_a_call(ui_cfg, ui_ctx):
    app = make_app(ui_cfg)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await _to_khoa(app, pilot)
        text = screen_text(app)
        assert "0987 654 321 (người nhà: Phạm Thị Lan)" in text
        await pilot.press("l")  # log a call: "no answer" is the first choice
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Đã ghi: Không nghe máy" in screen_text(app)
        khoa = next(x for x in _tasks(ui_ctx) if x.patient == "Phạm Văn Khoa")
        assert khoa.attempts == 1 and str(khoa.next_action_on) == "2026-11-26"

        await pilot.press("l")  # failed to reach after one day only: refused, says why
        await settle(app, pilot)
        app.screen.query_one("#f-outcome").value = "failed"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "(mới có 1)" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert any(x.patient == "Phạm Văn Khoa" for x in _tasks(ui_ctx))


async def test_rebook_from_the_call_list_closes_the_task(ui_cfg, ui_ctx):
    app = make_app(ui_cfg)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await _to_khoa(app, pilot)
        await pilot.press("b")
        await settle(app, pilot)
        assert "Hẹn lại Phạm Văn Khoa" in screen_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
        assert "Đã hẹn" in screen_text(app)
        assert not any(x.patient == "Phạm Văn Khoa" for x in _tasks(ui_ctx))
        assert "Phạm Văn Khoa" not in screen_text(app)


async def test_patient_file_and_edit(ui_cfg, ui_ctx):
    from recall_tui.services.patients import search

    mrn = search(ui_ctx, query="pham van khoa")[0].mrn
    app = make_app(ui_cfg)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("f6")
        await settle(app, pilot)
        await type_text(pilot, "pham van khoa")
        await pilot.press("enter")
        await settle(app, pilot)
        text = screen_text(app)
        assert mrn in text and "Không đến" in text
        await pilot.press("ctrl+t")
        await settle(app, pilot)
        app.screen.query_one("#f-phone").value = "0912 000 111"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "0912 000 111" in screen_text(app)


async def test_a_manager_closes_a_session_and_its_patients_go_to_the_call_list(ui_cfg, ui_ctx):
    app = make_app(ui_cfg)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("f7")
        await settle(app, pilot)
        table = app.screen.query_one(Table)
        loads = app.screen.loads
        busy = next(i for i, x in enumerate(loads) if x.booked and x.day.day == 26)
        table.move_cursor(row=busy, animate=False)
        await pilot.press("x")
        await settle(app, pilot)
        await type_text(pilot, "bac si di hop")
        await pilot.press("enter")
        await settle(app, pilot)
        moved = loads[busy].booked
        assert f"{moved} bệnh nhân vào danh sách gọi" in screen_text(app)
        assert sum(x.reason == "session_closed" for x in _tasks(ui_ctx)) == moved


async def test_a_change_at_another_desk_shows_within_two_seconds(ui_cfg):
    """Two apps on one SQLite file: a check-in at one shows at the other without a key,
    and the other desk's half-typed search stays as it was."""
    import asyncio

    desk_a = make_app(ui_cfg, poll=True)
    desk_b = make_app(ui_cfg, poll=True)
    async with desk_a.run_test(size=(100, 30)) as pa, desk_b.run_test(size=(100, 30)) as pb:
        await settle(desk_a, pa)
        await settle(desk_b, pb)
        await pb.press("f3")
        await settle(desk_b, pb)
        await type_text(pb, "nguy")
        await pb.press("f2")
        await settle(desk_b, pb)
        assert "Đã đến 1 " in screen_text(desk_b)
        table = desk_a.screen.query_one(Table)
        for i in range(table.row_count):
            if "Đỗ Thị Hoà" in table.row_cells(i):
                table.move_cursor(row=i, animate=False)
        await pa.press("space")
        await settle(desk_a, pa)
        for _ in range(20):  # up to 2 s, no key pressed at desk B
            await asyncio.sleep(0.1)
            await pb.pause()
            if "Đã đến 2 " in screen_text(desk_b):
                break
        assert "Đã đến 2 " in screen_text(desk_b)
        await pb.press("f3")
        await settle(desk_b, pb)
        assert desk_b.screen.query_one("#search").value == "nguy"
