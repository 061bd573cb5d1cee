"""What staff see of a message that may have gone (its run died mid-send) and of a reminder
superseded by a later one: the Today reminder column and the patient's message history."""

from __future__ import annotations

from datetime import timedelta

import pytest

from recall_tui.ui.i18n import set_lang
from tests import status_guard
from tests.conftest import NOW
from tests.ui.conftest import make_app, settle, type_text
from tests.ui.screen_text import screen_text

pytestmark = pytest.mark.anyio


def _reminders_for_hoa(ctx) -> None:
    """Đỗ Thị Hoà, booked for today: her 3-day reminder was superseded by the 1-day one,
    whose run died while sending it by SMS (maybe delivered, not repeated)."""
    from recall_tui.services.booking import load_appointment
    from recall_tui.services.patients import search, show
    from recall_tui.store.rows import message

    mrn = search(ctx, query="do thi hoa")[0].mrn
    code = show(ctx, mrn=mrn).appointments[0].code
    # rows arranged by hand: the case under test
    with ctx.db.write() as conn, status_guard.off():
        appt = load_appointment(conn, code)
        conn.execute(message.insert(), [
            {"idempotency_key": f"{code}:reminder-{d}d", "appointment_id": appt.id,
             "kind": "reminder", "channel": "sms", "recipient": "+84901222333",
             "language": "vi", "due_at": NOW - timedelta(days=d), "planned_at":
             NOW - timedelta(days=d), "expires_at": NOW + timedelta(hours=3),
             "status": status, "attempts": 1, "created_at": NOW - timedelta(days=9)}
            for d, status in ((3, "superseded"), (1, "maybe_sent"))])


async def test_today_and_the_patients_history_show_maybe_sent_and_superseded(ui_cfg, ui_ctx):
    _reminders_for_hoa(ui_ctx)
    app = make_app(ui_cfg)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(app, pilot)
            hoa = next(line for line in screen_text(app).splitlines() if "Đỗ Thị Hoà" in line)
            assert "✓?" in hoa  # Today's reminder column: maybe sent
            await pilot.press("f6")
            await settle(app, pilot)
            await type_text(pilot, "do thi hoa")
            await pilot.press("enter")
            await settle(app, pilot)
            app.screen.query_one("#tabs").active = "tab-msgs"
            await settle(app, pilot)
            text = screen_text(app)
            assert "Có thể đã gửi" in text and "Thay bằng tin sau" in text
            set_lang("en")
            app.screen.refresh_data()
            await settle(app, pilot)
            text = screen_text(app)
            assert "Maybe sent" in text and "Superseded" in text
    finally:
        set_lang("vi")
