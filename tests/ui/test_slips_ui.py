"""The desk app prints the follow-up slip: after a booking, and again with "p" on Today."""

from __future__ import annotations

import pytest

from recall_tui.core.codes import display_code
from recall_tui.ui.widgets.table import Table
from tests.conftest import TEST_TOML
from tests.print.test_slip_service import ESC_INIT, Listener
from tests.ui.conftest import make_app, settle, type_text
from tests.ui.screen_text import screen_text

pytestmark = pytest.mark.anyio


def _cfg_with(db_path, printing: str):
    from recall_tui.config import parse

    return parse(TEST_TOML + "\n[printing]\n" + printing, None,
                 env={"RECALL_DATABASE_URL": f"sqlite:///{db_path}"})


def _khoa_booked(ctx):
    from recall_tui.services.patients import search, show

    mrn = search(ctx, query="pham van khoa")[0].mrn
    return [a for a in show(ctx, mrn=mrn).appointments if a.status == "booked"]


def _said(app) -> str:
    """What the status line of the screen in front says (no pop-up: a pop-up would follow
    the person to the next screen and hide that screen's status line)."""
    return app.screen.said[0]


async def _wait_for(app, pilot, ready) -> None:
    for _ in range(100):
        await settle(app, pilot, rounds=1)
        if ready():
            return
        await pilot.pause(0.05)


async def test_booking_prints_the_slip_as_a_pdf_beside_the_database(ui_cfg, ui_ctx, db_path):
    pypdf = pytest.importorskip("pypdf")
    folder = db_path.parent / "slips"
    app = make_app(ui_cfg)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")
        await type_text(pilot, "pham van khoa")
        await settle(app, pilot)
        await pilot.press("enter", "enter")
        await type_text(pilot, "2 tuan")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("enter")  # book the suggested session: the slip prints
        await _wait_for(app, pilot, lambda: any(folder.glob("*.pdf")))
        (booked,) = _khoa_booked(ui_ctx)
        shown = display_code(booked.code)
        pdf = folder / f"giay-hen-{shown}.pdf"
        assert pdf.exists()
        text = pypdf.PdfReader(pdf).pages[0].extract_text()
        assert "Phạm Văn Khoa" in text and shown in text
        # the status line says the booking, and where its slip went
        assert _said(app).startswith(f"Đã hẹn {shown}: ")
        assert _said(app).endswith(f" · giấy hẹn đã lưu: {pdf}")
        await pilot.press("f2")
        await settle(app, pilot)
        assert "giấy hẹn đã lưu" not in screen_text(app)  # nothing followed to the next screen
        await pilot.press("f3")
        await settle(app, pilot)
        pdf.unlink()
        await pilot.press("ctrl+p")  # a second copy
        await _wait_for(app, pilot, pdf.exists)
        assert pdf.read_bytes().startswith(b"%PDF-")


async def test_p_on_today_reprints_to_the_configured_printer(db_path):
    printer = Listener()
    try:
        cfg = _cfg_with(db_path, f'printer = "tcp://127.0.0.1:{printer.port}"\n')
        app = make_app(cfg)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(app, pilot)
            table = app.screen.query_one(Table)
            for i in range(table.row_count):
                if "Đỗ Thị Hoà" in table.row_cells(i):
                    table.move_cursor(row=i, animate=False)
                    break
            await pilot.pause()
            await pilot.press("p")
            await _wait_for(app, pilot, lambda: not printer.thread.is_alive())
            assert printer.wait().startswith(ESC_INIT)
            assert f"tới máy in tcp://127.0.0.1:{printer.port}" in _said(app)
    finally:
        printer.close()


async def test_an_unreachable_printer_is_an_error_on_the_status_line(db_path):
    import socket

    with socket.create_server(("127.0.0.1", 0)) as s:
        port = s.getsockname()[1]
    cfg = _cfg_with(db_path, f'printer = "tcp://127.0.0.1:{port}"\n')
    app = make_app(cfg)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("p")
        await _wait_for(app, pilot, lambda: "từ chối" in _said(app))
        assert f"Không in được giấy hẹn: Máy in 127.0.0.1:{port} từ chối" in _said(app)
        assert app.screen.said[1]  # an error, and it stays: a passing message does not hide it
        app.screen.say("Đang xử lý…", transient=True)
        assert "từ chối" in _said(app)
        assert app.is_running  # nothing crashed
