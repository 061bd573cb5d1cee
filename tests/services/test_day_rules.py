"""The day's rules a desk meets: a series that books itself (also into a timed clinic),
an undone no-show the sweep leaves alone, a series that survives an undone check-in, and
an undo refused once the patient was rebooked. On SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time

import pytest

from recall_tui.core.errors import BadInput, Refused
from recall_tui.services import attendance, booking, orders, patients
from recall_tui.services.context import Context
from recall_tui.services.patients import PhoneIn

pytestmark = pytest.mark.storage
TUE = date(2026, 11, 24)
THU = date(2026, 11, 26)


def _patient(ctx, now, name="Nguyễn Thị Hồng", phone="0912 345 678"):
    return patients.add(ctx, name=name, phones_in=[PhoneIn(phone)], now=now)


def _auto(ctx, code):
    clinics = tuple(replace(c, series_auto_book=True) if c.code == code else c
                    for c in ctx.cfg.clinics)
    return Context(cfg=replace(ctx.cfg, clinics=clinics), db=ctx.db, actor=ctx.actor)


def test_a_series_books_its_next_visit_itself_even_in_a_clinic_that_books_by_time(ctx):
    ctx = _auto(ctx, "MAT")  # MAT: Tuesday and Thursday afternoons, 15-minute slots
    at = datetime(2026, 11, 26, 12, 0, tzinfo=ctx.tz)
    p = _patient(ctx, at)
    o = orders.add(ctx, patient=p.mrn, clinic="MAT", doctor="BS2", target=THU,
                   series="mỗi 2 tuần x 3", now=at)
    b = booking.book(ctx, patient=p.mrn, clinic="MAT", day=THU, part="afternoon",
                     doctor="BS2", at_time=time(13, 30), order_id=o.id, now=at)
    m = attendance.check_in(ctx, code=b.code, now=at.replace(hour=13, minute=35))
    assert m.status == "checked_in" and m.next_booked is not None
    nxt = m.next_booked
    assert nxt.at_time == time(13, 30) and nxt.day >= date(2026, 12, 10)  # 2 weeks on
    assert orders.get(ctx, order_id=m.next_order_id).status == "booked"


def test_no_free_session_leaves_the_next_order_open_and_the_check_in_stands(ctx, now):
    ctx = _auto(ctx, "NOI")
    p = _patient(ctx, now)
    o = orders.add(ctx, patient=p.mrn, clinic="NOI", series="hàng tuần x 3", target=now.date(),
                   now=now)
    b = booking.book(ctx, patient=p.mrn, clinic="NOI", day=now.date(), part="afternoon",
                     order_id=o.id, now=now)
    # from now on NOI opens no session at all: the next visit cannot be booked by itself
    closed = Context(cfg=replace(ctx.cfg, templates=tuple(
        t for t in ctx.cfg.templates if t.clinic != "NOI")), db=ctx.db, actor=ctx.actor)
    m = attendance.check_in(closed, code=b.code, now=now.replace(hour=14))
    assert m.status == "checked_in" and m.next_booked is None
    assert orders.get(ctx, order_id=m.next_order_id).status == "open"


def test_an_undone_no_show_is_not_marked_again_by_the_next_sweep(ctx, now):
    p = _patient(ctx, now)
    b = booking.book(ctx, patient=p.mrn, clinic="NOI", day=now.date(), part="morning",
                     now=now.replace(hour=6))
    assert attendance.sweep(ctx, now=now.replace(hour=12, minute=31)).no_shows == [b.code]
    attendance.undo(ctx, code=b.code, reason="Đến muộn", now=now.replace(hour=14))
    assert attendance.sweep(ctx, now=now.replace(hour=14, minute=1)).no_shows == []
    m = attendance.check_in(ctx, code=b.code, now=now.replace(hour=14, minute=5))
    assert m.status == "checked_in"


def test_a_series_goes_on_after_a_check_in_undone_and_done_again(ctx, now):
    p = _patient(ctx, now)
    o = orders.add(ctx, patient=p.mrn, clinic="NOI", series="hàng tháng x 3",
                   target=now.date(), now=now)
    b = booking.book(ctx, patient=p.mrn, clinic="NOI", day=now.date(), part="afternoon",
                     order_id=o.id, now=now)
    first = attendance.check_in(ctx, code=b.code, now=now.replace(hour=14))
    attendance.undo(ctx, code=b.code, reason="Nhầm người", now=now.replace(hour=14, minute=1))
    again = attendance.check_in(ctx, code=b.code, now=now.replace(hour=14, minute=2))
    assert again.next_order_id is not None and again.next_order_id != first.next_order_id
    assert orders.get(ctx, order_id=again.next_order_id).status == "open"


def test_a_no_show_rebooked_that_day_cannot_be_undone(ctx, now):
    p = _patient(ctx, now)
    b = booking.book(ctx, patient=p.mrn, clinic="NOI", day=now.date(), part="morning",
                     now=now.replace(hour=6))
    attendance.sweep(ctx, now=now.replace(hour=12, minute=31))
    booking.book(ctx, patient=p.mrn, clinic="NOI", day=now.date(), part="afternoon",
                 now=now.replace(hour=12, minute=40))
    with pytest.raises(Refused) as info:
        attendance.undo(ctx, code=b.code, reason="Đến muộn", now=now.replace(hour=13))
    assert info.value.code == "undo.rebooked"


def test_a_move_without_a_date_says_so(ctx, now):
    p = _patient(ctx, now)
    b = booking.book(ctx, patient=p.mrn, clinic="NOI", day=THU, part="morning", now=now)
    with pytest.raises(BadInput) as info:
        booking.reschedule(ctx, code=b.code, day=None, part="morning", now=now)
    assert info.value.field == "date"
