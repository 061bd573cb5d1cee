"""The desk app driven by keys, as a receptionist would, on a real SQLite file."""

from __future__ import annotations

from datetime import date

import pytest

from recall_tui.ui.widgets.table import Table
from tests.conftest import NOW
from tests.ui.conftest import make_app, settle, type_text
from tests.ui.screen_text import screen_text

pytestmark = pytest.mark.anyio


def _appointments_of(ctx, mrn):
    from recall_tui.services.patients import show

    return show(ctx, mrn=mrn).appointments


def _find(ctx, name):
    from recall_tui.services.patients import search

    return search(ctx, query=name)[0]


async def _pick_row(pilot, table: Table, text: str) -> None:
    """Move the cursor to the first row whose cells contain ``text``."""
    for i in range(table.row_count):
        if any(text in str(c) for c in table.row_cells(i)):
            table.move_cursor(row=i, animate=False)
            await pilot.pause()
            return
    raise AssertionError(f"no row with {text!r}")


async def test_today_shows_the_day_with_counts(ui_cfg):
    app = make_app(ui_cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "25/11/2026" in text
        assert "Đỗ Thị Hoà" in text
        assert "Không đến 1" in text  # Phạm Văn Khoa did not come


async def test_check_in_and_undo_with_a_reason(ui_cfg, ui_ctx):
    app = make_app(ui_cfg)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(Table)
        await _pick_row(pilot, table, "Đỗ Thị Hoà")
        await pilot.press("space")
        await settle(app, pilot)
        assert "Đã điểm danh Đỗ Thị Hoà" in screen_text(app)
        hoa = _find(ui_ctx, "do thi hoa")
        assert _appointments_of(ui_ctx, hoa.mrn)[0].status == "checked_in"

        await _pick_row(pilot, table, "Đỗ Thị Hoà")
        await pilot.press("u")
        await settle(app, pilot)
        await pilot.press("enter")  # no reason: refused, the dialog stays
        await settle(app, pilot)
        assert "lý do" in screen_text(app).lower()
        await type_text(pilot, "nham nguoi")
        await pilot.press("enter")
        await settle(app, pilot)
        assert _appointments_of(ui_ctx, hoa.mrn)[0].status == "booked"
        assert "Đã hoàn tác" in screen_text(app)


async def test_book_an_existing_patient_found_without_diacritics(ui_cfg, ui_ctx):
    app = make_app(ui_cfg)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        await type_text(pilot, "pham van khoa")
        await settle(app, pilot)
        assert "Phạm Văn Khoa" in screen_text(app)
        await pilot.press("enter", "enter")  # to the results, choose the first
        await settle(app, pilot)
        await type_text(pilot, "2 tuan")
        await pilot.press("enter")  # the order and its suggested session
        await settle(app, pilot)
        assert "★" in screen_text(app)
        await pilot.press("enter")  # book the suggested session
        await settle(app, pilot)
        assert "Đã hẹn" in screen_text(app)
        khoa = _find(ui_ctx, "pham van khoa")
        booked = [a for a in _appointments_of(ui_ctx, khoa.mrn) if a.status == "booked"]
        assert len(booked) == 1 and booked[0].day > NOW.date()


async def test_register_a_new_patient_then_book(ui_cfg, ui_ctx):
    app = make_app(ui_cfg)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        await type_text(pilot, "vu thi mai")
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        form = app.screen
        form.query_one("#f-name").value = "Vũ Thị Mai"
        form.query_one("#f-phone").value = "12345"  # not a phone: refused, stays open
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        assert "12345" in screen_text(app)
        form.query_one("#f-phone").value = "0933 444 555"
        form.query_one("#f-born").value = "02/03/1980"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Vũ Thị Mai" in screen_text(app)
        await type_text(pilot, "08/12/2026")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("ctrl+o")
        await settle(app, pilot)
        mai = _find(ui_ctx, "vu thi mai")
        assert mai.born == "02/03/1980"
        appts = _appointments_of(ui_ctx, mai.mrn)
        assert len(appts) == 1 and appts[0].day >= date(2026, 12, 8)


async def test_reschedule_and_cancel_from_today(ui_cfg, ui_ctx):
    app = make_app(ui_cfg)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(Table)
        await _pick_row(pilot, table, "Đỗ Thị Hoà")
        await pilot.press("r")
        await settle(app, pilot)
        await type_text(pilot, "27/11/2026")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        hoa = _find(ui_ctx, "do thi hoa")
        appts = _appointments_of(ui_ctx, hoa.mrn)
        assert [a.status for a in appts][:2] == ["booked", "rescheduled"]
        assert appts[0].day == date(2026, 11, 27)

        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(app, pilot)
        await _pick_row(pilot, table, "Đỗ Thị Hoà")
        await pilot.press("x")
        await settle(app, pilot)
        app.screen.query_one("#f-reason").value = "bận việc"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert _appointments_of(ui_ctx, hoa.mrn)[0].status == "cancelled"
        assert "Đã huỷ" in screen_text(app)


async def test_check_in_screen_takes_a_phone_number(ui_cfg, ui_ctx):
    app = make_app(ui_cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f4")
        await settle(app, pilot)
        await type_text(pilot, "0901222333")
        await pilot.press("enter")
        await settle(app, pilot)
        text = screen_text(app)
        assert "Đỗ Thị Hoà" in text and "1 đã điểm danh" in text
        await type_text(pilot, "zzzz")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "không có lịch hẹn nào khớp" in screen_text(app).lower()
