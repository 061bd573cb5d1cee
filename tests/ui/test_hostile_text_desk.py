"""Issue 11, item 1 at the desk: a patient's name with markup in it shows as written on
Today, in the search results, on the patient's card and in notifications; the app does not
stop, and "[@click=...]" in a name is no action. Control characters typed into a form are
refused there, naming the field."""

from __future__ import annotations

import pytest

from recall_tui.core.calendar import Part
from tests.conftest import NOW
from tests.ui.conftest import make_app, settle, type_text
from tests.ui.screen_text import screen_text

pytestmark = pytest.mark.anyio

NAME = "Lê [/] Văn [@click=app.quit]Quit[/]"


def _book_hostile(ctx) -> str:
    from recall_tui.services import booking, patients

    card = patients.add(ctx, name=NAME, now=NOW, phones_in=[patients.PhoneIn("0912 777 999")])
    booking.book(ctx, patient=card.mrn, clinic="TM", day=NOW.date(), part=Part.MORNING,
                 doctor="BS1", now=NOW.replace(hour=6, minute=30))
    return card.mrn


async def test_a_name_with_markup_shows_on_every_screen_and_stops_nothing(ui_cfg, ui_ctx):
    mrn = _book_hostile(ui_ctx)
    app = make_app(ui_cfg)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert "Lê [/] Văn" in screen_text(app)  # Today
        await pilot.click("Table", offset=(40, 1))  # on the name's row: no action runs
        await settle(app, pilot)
        assert app.is_running
        await pilot.press("f3")
        await settle(app, pilot)
        await type_text(pilot, "le van")
        await settle(app, pilot)
        assert "Lê [/] Văn" in screen_text(app)  # booking search results
        await app.open_patient(mrn)
        await settle(app, pilot)
        assert "Lê [/] Văn [@click=app.quit]quit[/]" in screen_text(app)  # the card
        app.notify(f"Đã hẹn {NAME}")  # notifications show text as written
        await settle(app, pilot)
        assert app.is_running and app.return_code is None


async def test_a_control_character_typed_in_a_form_is_refused_naming_the_field(ui_cfg, ui_ctx):
    from recall_tui.services.patients import search

    app = make_app(ui_cfg)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        await type_text(pilot, "vu thi")
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        form = app.screen
        form.query_one("#f-name").value = "Vũ\x1b[2JThị Mai"
        form.query_one("#f-phone").value = "0933 444 555"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        assert "U+001B" in screen_text(app) and "name" in screen_text(app)
        form.query_one("#f-name").value = "Vũ " + "x" * 5000
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form and "at most 120" in screen_text(app).replace("tối đa", "at most")
    assert search(ui_ctx, query="vu thi mai") == []


async def test_a_write_behind_another_desks_lock_says_it_waits_then_goes_through(ui_cfg,
                                                                                  db_path):
    import sqlite3
    import threading

    app = make_app(ui_cfg)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        other = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")  # another desk, mid-write
        threading.Timer(2.0, other.rollback).start()
        added = []
        from recall_tui.services import patients

        app.work(lambda ctx: patients.add(ctx, name="Lê Văn Chờ", now=NOW), added.append)
        for _ in range(60):
            await pilot.pause(0.1)
            if added:
                break
        await settle(app, pilot)
        notes = " ".join(str(n.message) for n in app._notifications)
        assert "Đang chờ một bàn khác" in notes
        assert added and added[0].full_name == "Lê Văn Chờ"
        other.close()


async def test_a_write_that_waits_too_long_says_busy_naming_the_lock(ui_cfg, db_path,
                                                                     monkeypatch):
    import sqlite3

    from recall_tui.store import database

    monkeypatch.setattr(database, "BUSY_TIMEOUT_S", 1.5)
    app = make_app(ui_cfg)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        other = sqlite3.connect(db_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            from recall_tui.services import patients

            app.work(lambda ctx: patients.add(ctx, name="Lê Văn Chờ", now=NOW))
            for _ in range(80):
                await pilot.pause(0.1)
                # the error goes on the status line of the screen in front
                notes = " ".join([str(n.message) for n in app._notifications]
                                 + [getattr(app.screen, "said", ("", False))[0]])
                if "bận" in notes:
                    break
        finally:
            other.rollback()
            other.close()
        assert "khoá ghi" in notes and "locked" not in notes and app.is_running
