"""The doctor's instructions given at booking stay on the order and are said in the
reminders (issue 9): `recall book --order N --instructions ...`, then `recall remind`."""

from __future__ import annotations

import json

import pytest

from recall_tui.entry import main

pytestmark = pytest.mark.storage
NOW = "2026-11-25T08:00"


def test_instructions_given_at_booking_reach_the_order_and_the_reminder(msg_config, smtp,
                                                                       capsys):
    def recall(*args):
        code = main([*args, "--config", str(msg_config), "--json"])
        out = capsys.readouterr().out
        assert code == 0, out
        return json.loads(out)

    p = recall("patient", "add", "--name", "Lê Văn Tám", "--email", "tam@benhnhan.test",
               "--channels", "email", "--now", NOW)
    o = recall("order", "add", "--patient", p["mrn"], "--clinic", "NOI", "--target",
               "2026-11-30", "--now", NOW)
    b = recall("book", "--patient", p["mrn"], "--clinic", "NOI", "--date", "30/11",
               "--session", "morning", "--order", str(o["id"]), "--instructions",
               "Nhịn ăn sáng, mang sổ khám", "--now", NOW)
    shown = recall("patient", "show", p["mrn"])
    assert [x["instructions"] for x in shown["orders"]] == ["Nhịn ăn sáng, mang sổ khám"]
    assert shown["orders"][0]["id"] == b["order_id"]
    recall("remind", "--now", "2026-11-27T09:05")  # the 3-day reminder (and the confirmation)
    bodies = [m.get_body(("plain",)).get_content() for m in smtp.box.mails]
    assert len(bodies) == 2 and all("Nhịn ăn sáng, mang sổ khám" in t for t in bodies)
