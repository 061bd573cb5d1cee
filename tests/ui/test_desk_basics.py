"""Language switch, NFC input, remapped keys, help, and bad input that never crashes."""

from __future__ import annotations

import unicodedata

import pytest

from tests.conftest import TEST_TOML
from tests.ui.conftest import make_app, settle, type_text
from tests.ui.screen_text import screen_text

pytestmark = pytest.mark.anyio


async def test_switch_to_english_and_back(ui_cfg):
    app = make_app(ui_cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert "Hẹn 3" in screen_text(app)
        await pilot.press("f8")
        await settle(app, pilot)
        text = screen_text(app)
        assert "Expected 3" in text and "Patient" in text
        await pilot.press("f8")
        await settle(app, pilot)
        assert "Hẹn 3" in screen_text(app)


async def test_decomposed_vietnamese_is_kept_composed(ui_cfg):
    app = make_app(ui_cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        search = app.screen.query_one("#search")
        search.insert_text_at_cursor(unicodedata.normalize("NFD", "Nguyễn"))
        await settle(app, pilot)
        assert search.value == "Nguyễn" and len(search.value) == 6
        await pilot.press("backspace")
        assert search.value == "Nguyễ"  # one key, one letter


async def test_keys_can_be_remapped_in_recall_toml(db_path):
    from recall_tui.config import parse

    # F9 was the statistics' key: it moves too (two actions on one key are refused)
    cfg = parse(TEST_TOML + '\n[keys]\n"today.checkin" = "k"\nbooking = "f9"\n'
                'statistics = "f12"\n', None,
                env={"RECALL_DATABASE_URL": f"sqlite:///{db_path}"})
    app = make_app(cfg)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("f9")
        await settle(app, pilot)
        assert app.screen.query("#search")


async def test_help_lists_the_keys_and_escape_closes_it(ui_cfg):
    app = make_app(ui_cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f1")
        await settle(app, pilot)
        assert "Hoàn tác" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert "Trợ giúp" not in screen_text(app).split("\n")[1]


async def test_a_bad_order_says_why(ui_cfg):
    app = make_app(ui_cfg)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")
        await type_text(pilot, "do thi hoa")
        await settle(app, pilot)
        await pilot.press("enter", "enter")
        await type_text(pilot, "sometime")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "không hiểu được" in screen_text(app)  # says why, with an example


async def test_a_full_session_is_refused_with_the_reason_and_the_next_option(ui_cfg):
    from recall_tui.ui.widgets.table import Table

    app = make_app(ui_cfg)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")
        await type_text(pilot, "pham van khoa")
        await settle(app, pilot)
        await pilot.press("enter", "enter")
        await type_text(pilot, "26/11/2026")
        await pilot.press("enter")
        await settle(app, pilot)
        screen = app.screen
        full = next(i for i, x in enumerate(screen.loads) if x.booked >= x.capacity
                    and not x.closed_reason)
        table = screen.query_one("#loads", Table)
        table.move_cursor(row=full, animate=False)
        await pilot.press("ctrl+o")
        await settle(app, pilot)
        assert "đã đủ" in screen_text(app)
        assert table.current_key() == screen.best_key  # the next option, under the cursor


async def test_footer_keys_switch_language_with_f8(ui_cfg):
    app = make_app(ui_cfg)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "Hoàn tác" in footer and "Undo" not in footer
        await pilot.press("f8")
        await settle(app, pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "Undo" in footer and "Hoàn tác" not in footer
        await pilot.press("f3")  # a screen first made after the switch speaks English too
        await settle(app, pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "New patient" in footer and "BN mới" not in footer
        await pilot.press("f1")
        await settle(app, pilot)
        assert "New patient" in screen_text(app)
        await pilot.press("escape", "f8")
        await settle(app, pilot)
        assert "BN mới" in screen_text(app).splitlines()[-1]
