"""After downtime a visit gets one reminder, the latest due; the earlier is superseded and
says so in the message history. On SQLite and PostgreSQL, through `recall remind`."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from recall_tui.core.outbox_rules import Reminder, superseded
from recall_tui.core.reminders import status_text
from recall_tui.entry import main
from recall_tui.services import booking, messaging, patients
from recall_tui.services.patient_messages import messages_of
from recall_tui.store import outbox
from recall_tui.store.rows import message
from tests import status_guard

pytestmark = pytest.mark.storage
VISIT = date(2026, 12, 16)  # Wednesday: reminders planned Sun 13/12 and Tue 15/12, 09:00


def book_for_the_16th(ctx, now, n: int = 2):
    out = []
    for i in range(n):
        p = patients.add(ctx, name=f"Bệnh Nhân {i}", email=f"bn{i}@benhnhan.test",
                         channels=["email"], now=now)
        out.append((p, booking.book(ctx, patient=p.mrn, clinic="NOI", day=VISIT,
                                    part="morning", now=now)))
    return out


@pytest.fixture
def visit(ctx, now):
    """One booked visit, whose reminder rows each example of a property test rewrites."""
    return book_for_the_16th(ctx, now, 1)[0][1]


def remind(msg_config, at: str, capsys) -> str:
    code = main(["remind", "--config", str(msg_config), "--now", at])
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def test_downtime_then_one_reminder_per_visit(ctx, now, smtp, msg_config, capsys):
    booked = book_for_the_16th(ctx, now)
    remind(msg_config, "2026-11-25T08:30", capsys)  # the confirmations
    assert len(smtp.box.ids) == 2
    # Nothing ran from then until the evening before the visit: both reminders are due.
    out = remind(msg_config, "2026-12-15T20:00", capsys)
    assert "Sent 2;" in out and "superseded 2;" in out
    reminders = [m for m in smtp.box.mails[2:]]
    assert len(reminders) == 2  # one per visit, not two
    assert sorted(m["To"] for m in reminders) == ["bn0@benhnhan.test", "bn1@benhnhan.test"]
    assert all("reminder-1d" in m["Message-ID"] for m in reminders)
    # Nothing more goes, now or on the morning of the visit.
    remind(msg_config, "2026-12-15T20:30", capsys)
    remind(msg_config, "2026-12-16T07:00", capsys)
    assert len(smtp.box.ids) == 4

    # The message history says what happened to the 3-day reminder, in both languages.
    p, _b = booked[0]
    history = {m.idempotency_key.rsplit(":", 1)[1]: m for m in messages_of(ctx, mrn=p.mrn)}
    assert history["reminder-3d"].status == "superseded"
    assert history["reminder-1d"].status == "sent"
    assert status_text(history["reminder-3d"].status, "vi") == "Thay bằng tin sau"
    assert status_text(history["reminder-3d"].status, "en") == "Superseded"


def test_on_time_both_reminders_go_in_their_turn(ctx, now, smtp, msg_config, capsys):
    book_for_the_16th(ctx, now, 1)
    for at in ("2026-11-25T08:30", "2026-12-13T09:05", "2026-12-15T09:05"):
        remind(msg_config, at, capsys)
    ids = [i.strip("<>").split("@")[0] for i in smtp.box.ids]
    assert [i.rsplit("-", 1)[1] for i in ids] == ["confirmation", "3d", "1d"]


def test_dry_run_shows_what_would_be_superseded(ctx, now, msg_config, capsys):
    book_for_the_16th(ctx, now, 1)
    code = main(["remind", "--dry-run", "--config", str(msg_config),
                 "--now", "2026-12-15T20:00"])
    out = capsys.readouterr().out
    assert code == 0
    assert "superseded" in out and "reminder-3d" in out
    assert "2 message(s) due." in out  # the confirmation and the 1-day reminder


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=st.lists(st.tuples(st.integers(min_value=1, max_value=12 * 24),
                               st.sampled_from(["pending", "sent", "failed", "cancelled",
                                                "maybe_sent", "superseded", "sending"])),
                     min_size=1, max_size=5, unique_by=lambda x: x[0]),
       hours_before=st.integers(min_value=-3, max_value=13 * 24))
def test_the_statement_agrees_with_the_rule(ctx, now, visit, plan, hours_before):
    """store.outbox.supersede marks exactly what core.outbox_rules.superseded says."""
    b = visit
    begins = datetime(2026, 12, 16, 7, 0, tzinfo=now.tzinfo)
    at = begins - timedelta(hours=hours_before)
    with ctx.db.write() as conn:
        appt = booking.load_appointment(conn, b.code)
        conn.execute(delete(message).where(message.c.appointment_id == appt.id))
        rows = [{"idempotency_key": f"{b.code}:r{h}", "appointment_id": appt.id,
                 "kind": "reminder", "channel": "email", "recipient": "x@benhnhan.test",
                 "language": "vi", "planned_at": begins - timedelta(hours=h),
                 # a retried reminder's due_at has moved on; the rule reads planned_at
                 "due_at": begins - timedelta(hours=h) + timedelta(minutes=90),
                 "expires_at": begins, "status": status, "attempts": 0,
                 "created_at": now} for h, status in plan]
        with status_guard.off():  # rows arranged by hand: the case under test
            conn.execute(message.insert(), rows)
    with ctx.db.read() as conn:
        mine = [r for r in conn.execute(message.select().where(
            message.c.appointment_id == appt.id))]
    expected = superseded([Reminder(r.id, r.planned_at, r.status, r.expires_at, r.due_at)
                           for r in mine], now=at)
    with ctx.db.write() as conn:
        marked = {r.id for r in outbox.supersede(conn, now=at)}
    assert marked == expected


def test_remind_result_counts_superseded(ctx, now, smtp):
    book_for_the_16th(ctx, now, 1)
    res = messaging.remind(ctx, now=datetime(2026, 12, 15, 20, 0, tzinfo=now.tzinfo),
                           channels=messaging.build_channels(ctx.cfg, {}))
    assert (res.sent, res.superseded) == (2, 1)  # the confirmation and the 1-day reminder
    assert [i.key.rsplit(":", 1)[1] for i in res.items if i.result == "superseded"] == \
        ["reminder-3d"]
