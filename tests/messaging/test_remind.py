"""`remind` in one process, against a real local SMTP server, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from recall_tui.services import booking, messaging
from recall_tui.store import messages as message_repo
from recall_tui.store import outreach

from .conftest import book_many

pytestmark = pytest.mark.storage


def statuses(ctx, code: str) -> dict[str, str]:
    with ctx.db.read() as conn:
        appt = booking.load_appointment(conn, code, lock=False)
        return {m.kind + (f"-{m.idempotency_key.rsplit('-', 1)[-1]}" if m.kind == "reminder"
                          else ""): m.status for m in message_repo.for_appointment(conn, appt.id)}


def run(ctx, now, **kw):
    return messaging.remind(ctx, now=now, channels=messaging.build_channels(ctx.cfg, {}), **kw)


def test_due_confirmations_go_out_once_in_vietnamese(ctx, now, smtp):
    booked = book_many(ctx, now, 3)
    res = run(ctx, now)
    assert res.sent == 3 and res.failed == 0
    assert sorted(smtp.box.counts().values()) == [1, 1, 1]
    mail = smtp.box.mails[0]
    assert "Xác nhận lịch hẹn" in mail["Subject"]
    body = mail.get_body(("plain",)).get_content()
    assert "Số thứ tự" in body and booking.codes.display_code(booked[0].code) in body
    assert "Tim mạch" not in body and "Tim mạch" not in mail["Subject"]  # the public name only
    assert any(p.get_content_type() == "text/calendar" for p in mail.walk())
    again = run(ctx, now)
    assert again.sent == 0 and len(smtp.box.ids) == 3


def test_downtime_catches_up_and_never_sends_after_expiry(ctx, now, smtp):
    [b] = book_many(ctx, now, 1)  # Friday 27 morning, 07:00: confirmation + reminder Thu 09:00
    later = datetime(2026, 11, 26, 10, 0, tzinfo=now.tzinfo)  # the job did not run until then
    res = run(ctx, later)
    assert res.sent == 2  # the confirmation and the reminder: both still before the visit
    after_start = datetime(2026, 11, 27, 7, 0, tzinfo=now.tzinfo)
    fresh = book_many(ctx, now, 2)[1]  # a second patient, whose messages nobody sent in time
    res = run(ctx, after_start)
    assert res.sent == 0 and res.expired >= 2
    assert set(statuses(ctx, fresh.code).values()) == {"expired"}
    assert statuses(ctx, b.code)["confirmation"] == "sent"


def test_nothing_outside_allowed_hours(ctx, now, smtp):
    book_many(ctx, now, 2)
    night = datetime(2026, 11, 25, 22, 30, tzinfo=now.tzinfo)
    res = run(ctx, night)
    assert res.outside_hours and res.sent == 0 and smtp.box.ids == []
    early = datetime(2026, 11, 26, 6, 59, tzinfo=now.tzinfo)
    assert run(ctx, early).sent == 0
    assert run(ctx, early + timedelta(minutes=1)).sent == 2  # 07:00: the confirmations


def test_cancelled_appointment_gets_no_reminder_but_its_notice(ctx, now, smtp):
    [b] = book_many(ctx, now, 1)
    assert run(ctx, now).sent == 1  # the confirmation
    booking.cancel(ctx, code=b.code, by="patient", reason="bận", now=now + timedelta(hours=2))
    res = run(ctx, datetime(2026, 11, 26, 9, 5, tzinfo=now.tzinfo))
    assert res.sent == 1 and "đã huỷ" in smtp.box.mails[-1]["Subject"]
    cal = next(p for p in smtp.box.mails[-1].walk() if p.get_content_type() == "text/calendar")
    assert "METHOD:CANCEL" in cal.get_content()
    st = statuses(ctx, b.code)
    assert st["reminder-1d"] == "cancelled" and st["cancellation"] == "sent"


def test_cancelled_after_claim_is_not_sent(ctx, now, smtp):
    """The appointment is re-read just before sending: a claim is not a promise."""
    [b] = book_many(ctx, now, 1)
    with ctx.db.write() as conn:
        messaging.outbox.claim(conn, now=now, lease_until=now - timedelta(seconds=1),
                               runner="dead", limit=10)
    booking.cancel(ctx, code=b.code, by="clinic", reason="bác sĩ nghỉ", now=now)
    res = run(ctx, now)
    assert smtp.box.ids == [] and res.cancelled == 1


def test_unreachable_server_retries_with_backoff_then_fails_to_call_list(ctx, now, smtp):
    from dataclasses import replace

    [b] = book_many(ctx, now, 1)
    dead = dict(ctx.cfg.channels)
    dead["email"] = {**dead["email"], "port": 1, "timeout": 2}
    ctx.cfg = replace(ctx.cfg, channels=dead)
    res = run(ctx, now)
    assert res.retried == 1 and res.sent == 0
    at = now
    for _ in range(10):
        at = at + timedelta(hours=1, minutes=1)
        res = run(ctx, at)
        if res.failed:
            break
    assert res.failed == 1
    with ctx.db.read() as conn:
        tasks = [t for t in outreach.open_tasks(conn) if t.reason == "message_failed"]
    assert len(tasks) == 1 and "email" in tasks[0].note
    assert statuses(ctx, b.code)["confirmation"] == "failed"


def test_dry_run_changes_nothing(ctx, now, smtp):
    book_many(ctx, now, 2)
    res = run(ctx, now, dry_run=True)
    assert len(res.items) == 2 and {i.result for i in res.items} == {"would_send"}
    assert smtp.box.ids == [] and run(ctx, now).sent == 2


def test_patient_language_english(ctx, now, smtp):
    book_many(ctx, now, 1, language="en")
    run(ctx, now)
    assert smtp.box.mails[0]["Subject"].startswith("Appointment ")
    assert date(2026, 11, 27).strftime("%B") in smtp.box.mails[0].get_body(("plain",)).get_content()


def test_rescheduled_visit_gets_the_new_date_and_code(ctx, now, smtp):
    [b] = book_many(ctx, now, 1)
    assert run(ctx, now).sent == 1
    moved = booking.reschedule(ctx, code=b.code, day=date(2026, 11, 30), part="morning",
                               doctor="BS1", now=now + timedelta(minutes=5))
    res = run(ctx, now + timedelta(minutes=10))
    assert res.sent == 1
    mail = smtp.box.mails[-1]
    assert mail["Subject"].startswith("Lịch hẹn mới")
    body = mail.get_body(("plain",)).get_content()
    assert booking.codes.display_code(moved.code) in body and "30/11/2026" in body


def test_refused_address_goes_to_the_call_list_at_once(ctx, now, smtp):
    booked = book_many(ctx, now, 2)
    smtp.box.refuse.add("bn1@benhnhan.test")
    res = run(ctx, now)
    assert res.sent == 1 and res.failed == 1 and res.retried == 0
    with ctx.db.read() as conn:
        [task] = [t for t in outreach.open_tasks(conn) if t.reason == "message_failed"]
    assert "550" in task.note
    assert statuses(ctx, booked[1].code)["confirmation"] == "failed"


def test_desk_sees_each_message_and_its_state(ctx, now, smtp):
    [b] = book_many(ctx, now, 1)
    run(ctx, now)
    views = messaging.for_appointment(ctx, code=b.code)
    assert [(v.kind, v.status) for v in views] == [("confirmation", "sent"),
                                                   ("reminder", "pending")]


def test_slow_sends_give_back_the_rest_of_a_batch_before_the_lease_ends(ctx, now, smtp):
    """Half the lease gone (a hanging server): the unsent rest of the batch is released
    and claimed afresh, so no other run can take it while this one still might send it."""
    from dataclasses import replace as dc_replace

    book_many(ctx, now, 4)
    conf = dc_replace(messaging.settings(ctx.cfg), batch=4, lease=timedelta(minutes=10))
    ticks = iter([0, 0, 400, 400, 400, 400, 400, 400, 400, 400, 400])  # seconds
    res = messaging.remind(ctx, now=now, channels=messaging.build_channels(ctx.cfg, {}),
                           config=conf, timer=lambda: next(ticks))
    assert res.sent == 4 and sorted(smtp.box.counts().values()) == [1, 1, 1, 1]
    with ctx.db.read() as conn:
        rows = list(conn.execute(messaging.outbox.select(messaging.outbox.message)))
    assert all(r.attempts == 1 for r in rows if r.status == "sent")
