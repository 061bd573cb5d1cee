"""The call list, desk check-in and closing a session, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from recall_tui.core.errors import BadInput, NotFound, Refused
from recall_tui.services import attendance, booking, outreach, patients, sessions_admin
from recall_tui.services.desk_checkin import check_in_any
from recall_tui.services.patients import PhoneIn

pytestmark = pytest.mark.storage

THU = date(2026, 11, 26)


def _missed(ctx, now, name="Phạm Văn Khoa", phone="0912 345 678"):
    p = patients.add(ctx, name=name, now=now, phones_in=[
        PhoneIn(phone), PhoneIn("0987 654 321", "caregiver", "Phạm Thị Lan")])
    b = booking.book(ctx, patient=p.mrn, clinic="NOI", day=now.date(), part="morning",
                     now=now.replace(hour=6))
    attendance.no_show(ctx, code=b.code, now=now)
    return p, b


def test_a_no_show_is_on_the_list_with_the_caregivers_phone(ctx, now):
    _missed(ctx, now)
    [task] = outreach.open_tasks(ctx)
    assert task.reason == "no_show" and task.patient == "Phạm Văn Khoa"
    assert task.phones == ["0912 345 678", "0987 654 321 (caregiver: Phạm Thị Lan)"]
    assert outreach.open_tasks(ctx, reason="lapsed") == []


def test_failed_to_reach_closes_only_after_two_days(ctx, now):
    _missed(ctx, now)
    [task] = outreach.open_tasks(ctx)
    logged = outreach.log_call(ctx, task_id=task.id, outcome="no_answer", now=now)
    assert not logged.closed and logged.next_action_on == now.date() + timedelta(days=1)
    outreach.log_call(ctx, task_id=task.id, outcome="no_answer", now=now + timedelta(hours=2))
    with pytest.raises(Refused):
        outreach.log_call(ctx, task_id=task.id, outcome="failed", now=now + timedelta(hours=3))
    outreach.log_call(ctx, task_id=task.id, outcome="no_answer", now=now + timedelta(days=1))
    assert outreach.open_tasks(ctx)[0].may_give_up
    done = outreach.log_call(ctx, task_id=task.id, outcome="failed", now=now + timedelta(days=1))
    assert done.closed and done.attempts == 4
    assert outreach.open_tasks(ctx) == []
    with pytest.raises(Refused):
        outreach.log_call(ctx, task_id=task.id, outcome="declined", now=now)


def test_rebook_books_the_order_and_closes_the_task(ctx, now):
    p, _ = _missed(ctx, now)
    [task] = outreach.open_tasks(ctx)
    b = outreach.rebook(ctx, task_id=task.id, clinic="NOI", day=THU, part="morning", now=now)
    assert b.order_id == task.order_id and b.day == THU
    assert outreach.open_tasks(ctx) == []
    with pytest.raises(NotFound):
        outreach.log_call(ctx, task_id=999, outcome="no_answer", now=now)


def test_check_in_by_phone_mrn_queue_or_slip_code(ctx, now):
    a = patients.add(ctx, name="Lê Văn An", now=now, phones_in=[PhoneIn("0903 111 222")])
    b = patients.add(ctx, name="Trần Thị Bình", now=now, phones_in=[PhoneIn("0903 333 444")])
    ba = booking.book(ctx, patient=a.mrn, clinic="NOI", day=now.date(), part="afternoon",
                      now=now)
    bb = booking.book(ctx, patient=b.mrn, clinic="TM", day=now.date(), part="morning",
                      doctor="BS1", now=now.replace(hour=6))
    with pytest.raises(BadInput):  # queue 1 in two sessions: ask for more
        check_in_any(ctx, query="1", now=now)
    row, done = check_in_any(ctx, query="0903.111.222", now=now)
    assert row.code == ba.code and done.status == "checked_in"
    row, _ = check_in_any(ctx, query=bb.display_code.lower(), now=now)
    assert row.patient == "Trần Thị Bình"
    with pytest.raises(NotFound):
        check_in_any(ctx, query="ZZ999", now=now)


def test_closing_a_session_moves_its_patients_to_the_call_list(ctx, now):
    p = patients.add(ctx, name="Lê Văn An", now=now, phones_in=[PhoneIn("0903 111 222")])
    b = booking.book(ctx, patient=p.mrn, clinic="NOI", day=THU, part="morning", now=now)
    key = f"NOI|-|{THU.isoformat()}|morning"
    with pytest.raises(BadInput):
        sessions_admin.close_session(ctx, key=key, reason=" ", now=now)
    closed = sessions_admin.close_session(ctx, key=key, reason="Bác sĩ đi họp", now=now)
    assert closed.moved_to_calls == [b.code]
    [task] = outreach.open_tasks(ctx)
    assert task.reason == "session_closed"
    with pytest.raises(Refused):
        booking.book(ctx, patient=p.mrn, clinic="NOI", day=THU, part="morning", now=now)
    with pytest.raises(Refused):
        sessions_admin.close_session(ctx, key=key, reason="again", now=now)
    # a session nobody booked yet can be closed too
    empty = f"NOI|-|{(THU + timedelta(days=1)).isoformat()}|morning"
    assert sessions_admin.close_session(ctx, key=empty, reason="nghỉ", now=now).moved_to_calls == []


def test_closing_a_session_can_move_everyone_to_another_session(ctx, now):
    a = patients.add(ctx, name="Lê Văn An", now=now, phones_in=[PhoneIn("0903 111 222")])
    b = patients.add(ctx, name="Trần Thị Bình", now=now, phones_in=[PhoneIn("0903 333 444")])
    for p in (a, b):
        booking.book(ctx, patient=p.mrn, clinic="NOI", day=THU, part="morning", now=now)
    key = f"NOI|-|{THU.isoformat()}|morning"
    small = f"NOI|-|{THU.isoformat()}|afternoon"  # capacity 2: room for both
    closed = sessions_admin.close_session(ctx, key=key, reason="họp", now=now, move_to=small)
    assert len(closed.moved_to_session) == 2 and closed.moved_to_calls == []
    loads = {x.key: x for x in booking.loads(ctx, clinic="NOI", start=THU, end=THU)}
    assert loads[small].booked == 2 and loads[key].closed_reason == "họp"
    assert outreach.open_tasks(ctx) == []


def test_closing_a_session_moves_who_can_be_moved_and_names_the_others(ctx, now):
    a = patients.add(ctx, name="Lê Văn An", now=now, phones_in=[PhoneIn("0903 111 222")])
    b = patients.add(ctx, name="Trần Thị Bình", birth_year=1961, now=now,
                     phones_in=[PhoneIn("0903 333 444")])
    fri_day = THU + timedelta(days=1)
    for p in (a, b):
        booking.book(ctx, patient=p.mrn, clinic="NOI", day=THU, part="morning", now=now)
    # Bình already has a visit on Friday morning: she cannot be moved to Friday afternoon
    booking.book(ctx, patient=b.mrn, clinic="NOI", day=fri_day, part="morning", now=now)
    key = f"NOI|-|{THU.isoformat()}|morning"
    fri = f"NOI|-|{fri_day.isoformat()}|afternoon"
    closed = sessions_admin.close_session(ctx, key=key, reason="họp", now=now, move_to=fri)
    assert len(closed.moved_to_session) == 1
    assert [(n.patient.name, n.patient.born) for n in closed.not_moved] == [
        ("Trần Thị Bình", 1961)]
    assert "Trần Thị Bình" in closed.not_moved[0].reason
    tasks = outreach.open_tasks(ctx)
    assert [(t.patient, t.reason) for t in tasks] == [("Trần Thị Bình", "session_closed")]
