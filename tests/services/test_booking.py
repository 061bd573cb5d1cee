"""Booking as a desk sees it, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from recall_tui.core.errors import BadInput, NotFound, Refused
from recall_tui.services import attendance, booking, orders, patients
from recall_tui.services.patients import PhoneIn
from recall_tui.services.today import day_counts, day_list

pytestmark = pytest.mark.storage

THU = date(2026, 11, 26)


def add_patient(ctx, now, name="Nguyễn Thị Hồng", phone="0912 345 678", **kw):
    return patients.add(ctx, name=name, phones_in=[PhoneIn(phone)], now=now, **kw)


def test_book_gives_code_queue_and_plans_messages(ctx, now):
    p = add_patient(ctx, now)
    b = booking.book(ctx, patient=p.mrn, clinic="NOI", day=THU, part="morning", now=now)
    assert b.queue_no == 1 and b.status == "booked" and len(b.code) == 7
    assert b.messages_planned >= 1  # a confirmation at least
    b2 = booking.book(ctx, patient=add_patient(ctx, now, "Trần Văn An", "0903 111 222").mrn,
                      clinic="NOI", day=THU, part="morning", now=now)
    assert b2.queue_no == 2
    rows = day_list(ctx, day=THU).rows
    assert [r.queue_no for r in rows] == [1, 2]
    assert rows[0].patient == "Nguyễn Thị Hồng" and rows[0].phone == "0912 345 678"


def test_full_session_is_refused_and_overbook_needs_reason(ctx, now):
    mrns = [add_patient(ctx, now, f"Bệnh Nhân {i}", f"09120000{i:02d}").mrn for i in range(6)]
    for m in mrns[:3]:
        booking.book(ctx, patient=m, clinic="NOI", day=THU, part="morning", now=now)
    with pytest.raises(Refused) as exc:
        booking.book(ctx, patient=mrns[3], clinic="NOI", day=THU, part="morning", now=now)
    assert exc.value.code == "session.full" and exc.value.exit_code == 3
    with pytest.raises(BadInput):
        booking.book(ctx, patient=mrns[3], clinic="NOI", day=THU, part="morning", now=now,
                     overbook=True)
    b = booking.book(ctx, patient=mrns[3], clinic="NOI", day=THU, part="morning", now=now,
                     overbook=True, overbook_reason="Bệnh nặng")
    assert b.overbooked and b.queue_no == 4
    with pytest.raises(Refused):  # capacity 3 + overbook 1
        booking.book(ctx, patient=mrns[4], clinic="NOI", day=THU, part="morning", now=now,
                     overbook=True, overbook_reason="x")


def test_one_active_appointment_per_patient_clinic_day(ctx, now):
    p = add_patient(ctx, now)
    booking.book(ctx, patient=p.mrn, clinic="NOI", day=THU, part="morning", now=now)
    with pytest.raises(Refused) as exc:
        booking.book(ctx, patient=p.mrn, clinic="NOI", day=THU, part="afternoon", now=now)
    assert exc.value.code == "appointment.duplicate"
    # another clinic the same day is fine
    booking.book(ctx, patient=p.mrn, clinic="MAT", day=THU, part="afternoon",
                 at_time=time(13, 45), now=now)


def test_closed_days_holidays_and_past_are_refused(ctx, now):
    p = add_patient(ctx, now)
    with pytest.raises(Refused, match="closed"):
        booking.book(ctx, patient=p.mrn, clinic="NOI", day=date(2026, 12, 24), part="morning",
                     now=now)
    with pytest.raises(Refused) as exc:  # Tết 2027
        booking.book(ctx, patient=p.mrn, clinic="NOI", day=date(2027, 2, 8), part="morning",
                     now=now)
    assert "Tết" in exc.value.vi
    with pytest.raises(Refused, match="no afternoon"):  # Saturday afternoon has no session
        booking.book(ctx, patient=p.mrn, clinic="NOI", day=date(2026, 11, 28),
                     part="afternoon", now=now)
    with pytest.raises(Refused, match="ended") as exc:
        booking.book(ctx, patient=p.mrn, clinic="NOI", day=date(2026, 11, 23), part="morning",
                     now=now)
    assert exc.value.code == "session.ended"


def test_ambiguous_session_lists_doctors_and_doctor_chooses(ctx, now):
    p = add_patient(ctx, now)
    fri = date(2026, 11, 27)
    with pytest.raises(BadInput) as exc:
        booking.book(ctx, patient=p.mrn, clinic="TM", day=fri, part="morning", now=now)
    assert exc.value.details["doctors"] == ["BS1", "BS2"]
    b = booking.book(ctx, patient=p.mrn, clinic="TM", day=fri, part="morning", doctor="BS2",
                     now=now)
    assert b.doctor == "BS2"


def test_timed_session_needs_time_on_grid_and_slot_is_unique(ctx, now):
    a, b = add_patient(ctx, now).mrn, add_patient(ctx, now, "Lê Văn Bình", "0987654321").mrn
    with pytest.raises(BadInput, match="time"):
        booking.book(ctx, patient=a, clinic="MAT", day=THU, part="afternoon", now=now)
    with pytest.raises(BadInput, match="grid"):
        booking.book(ctx, patient=a, clinic="MAT", day=THU, part="afternoon",
                     at_time=time(13, 40), now=now)
    booking.book(ctx, patient=a, clinic="MAT", day=THU, part="afternoon", at_time=time(13, 45),
                 now=now)
    with pytest.raises(Refused, match="slot"):
        booking.book(ctx, patient=b, clinic="MAT", day=THU, part="afternoon",
                     at_time=time(13, 45), now=now)


def test_cancel_frees_the_place_and_marks_late(ctx, now):
    mrns = [add_patient(ctx, now, f"Bệnh Nhân {i}", f"09120000{i:02d}").mrn for i in range(4)]
    codes = [booking.book(ctx, patient=m, clinic="NOI", day=THU, part="morning", now=now).code
             for m in mrns[:3]]
    late = booking.cancel(ctx, code=codes[0], by="patient", reason="Bận",
                          now=datetime(2026, 11, 25, 20, 0, tzinfo=now.tzinfo))
    assert late.status == "cancelled" and late.note == "late"
    early = booking.book(ctx, patient=mrns[3], clinic="NOI", day=THU, part="morning", now=now)
    assert early.queue_no == 4  # queue numbers are never reused
    with pytest.raises(Refused, match="Cannot cancel"):
        booking.cancel(ctx, code=codes[0], by="clinic", reason="again", now=now)
    with pytest.raises(BadInput):
        booking.cancel(ctx, code=codes[1], by="patient", reason=" ", now=now)


def test_reschedule_keeps_the_chain(ctx, now):
    p = add_patient(ctx, now)
    b = booking.book(ctx, patient=p.mrn, clinic="NOI", day=THU, part="morning", now=now)
    nb = booking.reschedule(ctx, code=b.code, day=date(2026, 11, 27), part="afternoon",
                            reason="Bệnh nhân bận", now=now)
    assert nb.previous_code == b.code and nb.order_id == b.order_id
    f = patients.show(ctx, mrn=p.mrn)
    statuses = {a.code: a.status for a in f.appointments}
    assert statuses == {b.code: "rescheduled", nb.code: "booked"}
    assert day_list(ctx, day=THU).counts["expected"] == 0
    # The check-in screen's totals, counted in SQL, agree with the day list's.
    assert day_counts(ctx, day=THU) == day_list(ctx, day=THU).counts


def test_check_in_today_only_and_undo_same_day(ctx, now):
    p = add_patient(ctx, now)
    wed = now.date()
    b = booking.book(ctx, patient=p.mrn, clinic="NOI", day=wed, part="afternoon", now=now)
    other = booking.book(ctx, patient=p.mrn, clinic="NOI", day=THU, part="morning", now=now)
    with pytest.raises(Refused, match="not today"):
        attendance.check_in(ctx, code=other.code, now=now)
    m = attendance.check_in(ctx, code=b.code, now=now)
    assert m.status == "checked_in"
    with pytest.raises(BadInput):
        attendance.undo(ctx, code=b.code, reason="", now=now)
    u = attendance.undo(ctx, code=b.code, reason="Nhầm người", now=now)
    assert u.status == "booked"
    attendance.check_in(ctx, code=b.code, now=now)
    with pytest.raises(Refused, match="same day"):
        attendance.undo(ctx, code=b.code, reason="late", now=now + timedelta(days=1))


def test_sweep_marks_no_shows_after_grace_and_lists_them(ctx, now):
    p = add_patient(ctx, now)
    q = add_patient(ctx, now, "Trần Văn An", "0903111222")
    wed = now.date()
    early = now.replace(hour=6)
    b1 = booking.book(ctx, patient=p.mrn, clinic="NOI", day=wed, part="morning", now=early)
    b2 = booking.book(ctx, patient=q.mrn, clinic="NOI", day=wed, part="morning", now=early)
    attendance.check_in(ctx, code=b2.code, now=now)
    # the morning ends 11:30; grace 60 min: nothing at 12:00, b1 at 12:31
    assert attendance.sweep(ctx, now=now.replace(hour=12)).no_shows == []
    res = attendance.sweep(ctx, now=now.replace(hour=12, minute=31))
    assert res.no_shows == [b1.code]
    assert attendance.sweep(ctx, now=now.replace(hour=13)).no_shows == []  # idempotent
    counts = day_list(ctx, day=wed).counts
    assert counts["no_show"] == 1 and counts["arrived"] == 1
    from recall_tui.store import outreach

    with ctx.db.read() as conn:
        tasks = outreach.open_tasks(conn)
    assert [t.reason for t in tasks] == ["no_show"]
    # the patient can be rebooked the same day after a no-show... and undo then refuses
    attendance.undo(ctx, code=b1.code, reason="Bệnh nhân đến muộn", now=now.replace(hour=14))
    with ctx.db.read() as conn:
        assert outreach.open_tasks(conn) == []


def test_series_check_in_creates_next_order_from_actual_visit(ctx, now):
    p = add_patient(ctx, now)
    o = orders.add(ctx, patient=p.mrn, clinic="NOI", series="hàng tháng x 3",
                   target=now.date(), now=now)
    b = booking.book(ctx, patient=p.mrn, clinic="NOI", day=now.date(), part="afternoon",
                     order_id=o.id, now=now)
    m = attendance.check_in(ctx, code=b.code, now=now)
    assert m.next_target == date(2026, 12, 25)
    nxt = orders.get(ctx, order_id=m.next_order_id)
    assert nxt.series_index == 2 and nxt.status == "open"
    u = attendance.undo(ctx, code=b.code, reason="nhầm", now=now)
    assert u.note == "next order withdrawn"
    assert orders.get(ctx, order_id=m.next_order_id).status == "cancelled"


def test_suggestion_is_least_loaded_in_window(ctx, now):
    p = add_patient(ctx, now)
    o = orders.add(ctx, patient=p.mrn, clinic="NOI", interval="2 ngày", now=now)
    assert o.target_date == date(2026, 11, 27)
    s = booking.suggest(ctx, order_id=o.id, now=now)
    assert s.best is not None and s.best.day == date(2026, 11, 27)
    assert all(x.day <= o.latest for x in s.loads)
    # fill the 27th's morning: the suggestion moves to its afternoon (also empty) or later
    others = [add_patient(ctx, now, f"Người {i}", f"09130000{i:02d}").mrn for i in range(3)]
    for m in others:
        booking.book(ctx, patient=m, clinic="NOI", day=date(2026, 11, 27), part="morning",
                     now=now)
    b = booking.book_suggested(ctx, order_id=o.id, now=now)
    assert (b.day, b.part) != (date(2026, 11, 27), "morning")


def test_unknown_things_are_bad_input(ctx, now):
    with pytest.raises(NotFound):
        booking.book(ctx, patient="NOPE", clinic="NOI", day=THU, part="morning", now=now)
    with pytest.raises(NotFound):
        booking.book(ctx, patient="X", clinic="ZZZ", day=THU, part="morning", now=now)
    with pytest.raises(BadInput):
        booking.confirm(ctx, code="12", now=now)
