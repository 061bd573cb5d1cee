"""Sessions: `p` prints the day list of the clinic under the cursor into the slips folder."""

from __future__ import annotations

import io

import pytest

from tests.ui.conftest import make_app, settle
from tests.ui.screen_text import screen_text

pytestmark = pytest.mark.anyio


async def test_p_prints_the_day_list_of_the_clinic_under_the_cursor(ui_cfg, db_path):
    pypdf = pytest.importorskip("pypdf")
    app = make_app(ui_cfg)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("f7")
        await settle(app, pilot)
        screen = app.screen
        assert "In DS ngày" in screen_text(app).splitlines()[-1]
        tm = next(i for i, x in enumerate(screen.loads)
                  if x.clinic == "TM" and x.day == app.today() and x.booked)
        for _ in range(tm):
            await pilot.press("down")
        await pilot.press("p")
        await settle(app, pilot)
        target = db_path.parent / "slips" / "danh-sach-2026-11-25-TM.pdf"
        assert target.exists()
        assert str(target) in screen.query_one("#status").render().plain
        text = pypdf.PdfReader(io.BytesIO(target.read_bytes())).pages[0].extract_text()
        assert "DANH SÁCH KHÁM NGÀY 25/11/2026" in text and "Đỗ Thị Hoà" in text
        assert "Phạm Văn Khoa" not in text  # booked at NOI, not TM
