"""A desk that is light on the wire and in memory, and still keeps what the user typed:
tables turn half a page past the edge and send a line as one run, screens left behind are
rebuilt (the patient last opened comes back, a half-typed booking stays), the key line
presses a key when clicked."""

from __future__ import annotations

import gc

import pytest
from textual.app import App

from recall_tui.ui import memory
from recall_tui.ui.widgets.key_line import KeyLine
from recall_tui.ui.widgets.table import Col, Table
from tests.ui.conftest import make_app, settle, type_text
from tests.ui.screen_text import screen_text

pytestmark = pytest.mark.anyio


class OneTable(App):
    def compose(self):
        yield Table(id="t")

    def on_mount(self) -> None:
        table = self.query_one(Table)
        table.set_columns([Col("col.queue", width=4), Col("col.patient", width=20)])
        table.fill([(str(i), (str(i), f"Nguyễn Văn {i}")) for i in range(100)])
        table.focus()


async def test_a_move_past_the_bottom_turns_half_a_page():
    app = OneTable()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(Table)
        shown = table.scrollable_content_region.height - 1  # the header row
        for _ in range(shown - 1):
            await pilot.press("down")
        assert table.scroll_y == 0  # still on the first page: nothing scrolled
        await pilot.press("down")  # past the bottom edge
        await pilot.pause()
        top = round(table.scroll_y)
        assert top == table.cursor_row - shown // 2  # the cursor lands mid-table
        for _ in range(shown // 2 - 1):
            await pilot.press("down")
        assert round(table.scroll_y) == top  # the next moves redraw two lines only
        for _ in range(table.cursor_row - top + 1):
            await pilot.press("up")  # past the top edge: half a page back
        await pilot.pause()
        assert round(table.scroll_y) < top
        assert round(table.scroll_y) <= table.cursor_row < round(table.scroll_y) + shown


async def test_a_table_line_is_sent_as_one_run_per_look():
    app = OneTable()
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        table = app.query_one(Table)
        line = table.render_line(3)  # a plain row: every cell looks the same
        assert len(list(line)) == 1
        assert line.text.startswith(" 2") and "Nguyễn Văn 2" in line.text
        assert line.cell_length == table.size.width


async def test_the_patient_screen_comes_back_on_the_patient_last_opened(ui_cfg):
    app = make_app(ui_cfg)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        row = app.screen.current()
        await pilot.press("o")
        await settle(app, pilot)
        first = app.screen
        assert row.mrn in screen_text(app)
        await pilot.press("f2")
        await settle(app, pilot)
        await pilot.press("f6")
        await settle(app, pilot)
        assert app.screen is not first  # built again...
        assert row.mrn in screen_text(app) and row.patient in screen_text(app)  # ...same patient


async def test_screens_left_behind_do_not_pile_up(ui_cfg):
    from recall_tui.ui.screens.statistics import StatisticsScreen

    app = make_app(ui_cfg)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        for _ in range(3):
            await pilot.press("f9")
            await settle(app, pilot)
            assert "%" in screen_text(app)  # built again, and it reads its figures
            await pilot.press("f2")
            await settle(app, pilot)
            memory.release()
        gc.collect()
        alive = [o for o in gc.get_objects() if isinstance(o, StatisticsScreen)]
        assert len(alive) <= 1  # the last one may wait for its finished worker to go


async def test_a_half_typed_booking_survives_a_look_at_today(ui_cfg):
    app = make_app(ui_cfg)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        await type_text(pilot, "nguyen")
        await settle(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        assert app.screen.query_one("#search").value == "nguyen"


async def test_a_click_on_the_key_line_presses_the_key(ui_cfg):
    app = make_app(ui_cfg)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        line = app.screen.query_one(KeyLine)
        start = next(s for s, _e, key in line._spans if key == "f1")
        await pilot.click(KeyLine, offset=(start + 1, 0))
        await settle(app, pilot)
        assert "Trợ giúp" in screen_text(app).splitlines()[2] or \
            app.screen.__class__.__name__ == "HelpScreen"
