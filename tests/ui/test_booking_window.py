"""Booking: the doctor's own window (earliest/latest) typed beside the order."""

from __future__ import annotations

from datetime import date

import pytest

from recall_tui.core.errors import BadInput
from recall_tui.core.parse import parse_window
from tests.ui.conftest import make_app, settle, type_text
from tests.ui.screen_text import screen_text

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(("raw", "want"), [
    ("", (None, None)),
    ("01/12-15/12", (date(2026, 12, 1), date(2026, 12, 15))),
    ("01/12 – 15/01", (date(2026, 12, 1), date(2027, 1, 15))),
    ("1/12/2026 đến 5/12/2026", (date(2026, 12, 1), date(2026, 12, 5))),
    ("-15/12", (None, date(2026, 12, 15))),
    ("01/12-", (date(2026, 12, 1), None)),
])
def test_a_window_reads_as_people_type_it(raw, want):
    assert parse_window(raw, today=TODAY) == want


@pytest.mark.parametrize("raw", ["soon", "01/12", "01/12-15/12-20/12", "-"])
def test_a_window_that_is_not_one_says_so(raw):
    with pytest.raises(BadInput) as caught:
        parse_window(raw, today=TODAY)
    assert caught.value.field == "window"


async def _order_with_window(app, pilot, window: str) -> None:
    await settle(app, pilot)
    await pilot.press("f3")
    await settle(app, pilot)
    await type_text(pilot, "pham van khoa")
    await settle(app, pilot)
    await pilot.press("enter", "enter")  # to the results, choose the first
    await settle(app, pilot)
    await type_text(pilot, "3 tuan")
    app.screen.query_one("#window").focus()
    await type_text(pilot, window)
    await pilot.press("enter")
    await settle(app, pilot)


@pytest.mark.anyio
async def test_book_within_the_doctors_own_window(ui_cfg, ui_ctx):
    from recall_tui.services.patients import search, show

    app = make_app(ui_cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await _order_with_window(app, pilot, "14/12-18/12")
        days = {x.day for x in app.screen.loads}
        assert days and min(days) >= date(2026, 12, 14) and max(days) <= date(2026, 12, 18)
        assert "★" in screen_text(app)
        await pilot.press("enter")  # book the suggested session
        await settle(app, pilot)
        assert "Đã hẹn" in screen_text(app)
        assert app.screen.query_one("#window").value == ""  # ready for the next patient
    khoa = search(ui_ctx, query="pham van khoa")[0]
    booked = [a for a in show(ui_ctx, mrn=khoa.mrn).appointments if a.status == "booked"]
    assert len(booked) == 1 and date(2026, 12, 14) <= booked[0].day <= date(2026, 12, 18)


@pytest.mark.anyio
async def test_a_window_that_ends_before_it_starts_says_why(ui_cfg):
    app = make_app(ui_cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await _order_with_window(app, pilot, "18/12-14/12")
        assert "khoảng hẹn" in screen_text(app)  # the window ends before it starts
        assert app.screen.query_one("#window").value == "18/12-14/12"  # kept to correct
