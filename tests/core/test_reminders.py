"""Planning the confirmation and reminders of an appointment."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from recall_tui.core.reminders import (
    Kind,
    Planned,
    Policy,
    appointment_start,
    in_allowed_hours,
    into_allowed_hours,
    plan,
    plan_notice,
)

PROPS = settings(max_examples=300, deadline=None)
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = date(2026, 3, 10)  # a Tuesday
MORNING = time(7, 30)


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=TZ)


def test_a_booking_a_week_ahead_gets_a_confirmation_and_two_reminders():
    booked = at(DAY - timedelta(days=7), 10, 15)
    out = plan(booked_at=booked, day=DAY, starts=MORNING, tz=TZ)
    begins = at(DAY, 7, 30)
    assert out == [
        Planned(Kind.CONFIRMATION, booked, begins),
        Planned(Kind.REMINDER, at(DAY - timedelta(days=3), 9), begins, 3),
        Planned(Kind.REMINDER, at(DAY - timedelta(days=1), 9), begins, 1),
    ]
    assert [p.key_suffix for p in out] == ["confirmation", "reminder-3d", "reminder-1d"]


def test_booking_time_in_utc_is_read_in_clinic_time():
    booked = datetime(2026, 3, 3, 3, 15, tzinfo=UTC)  # 10:15 in Hà Nội
    out = plan(booked_at=booked, day=DAY, starts=MORNING, tz=TZ)
    assert out[0].due_at == at(date(2026, 3, 3), 10, 15)
    assert out[0].due_at.tzinfo == TZ


def test_a_late_night_booking_waits_for_the_morning():
    booked = at(DAY - timedelta(days=5), 22, 40)
    out = plan(booked_at=booked, day=DAY, starts=MORNING, tz=TZ)
    assert out[0].kind is Kind.CONFIRMATION
    assert out[0].due_at == at(DAY - timedelta(days=4), 7, 0)


def test_an_early_booking_waits_for_seven():
    booked = at(DAY - timedelta(days=5), 5, 10)
    assert plan(booked_at=booked, day=DAY, starts=MORNING, tz=TZ)[0].due_at == \
        at(DAY - timedelta(days=5), 7, 0)


def test_booking_the_day_before_after_nine_gets_no_reminder():
    booked = at(DAY - timedelta(days=1), 15, 0)
    out = plan(booked_at=booked, day=DAY, starts=MORNING, tz=TZ)
    assert [p.kind for p in out] == [Kind.CONFIRMATION]


def test_booking_the_day_before_at_eight_gets_the_one_day_reminder():
    booked = at(DAY - timedelta(days=1), 8, 0)
    out = plan(booked_at=booked, day=DAY, starts=MORNING, tz=TZ)
    assert [(p.kind, p.offset_days) for p in out] == [(Kind.CONFIRMATION, None),
                                                     (Kind.REMINDER, 1)]


def test_booking_after_the_start_plans_nothing():
    assert plan(booked_at=at(DAY, 7, 30), day=DAY, starts=MORNING, tz=TZ) == []
    assert plan(booked_at=at(DAY, 9, 0), day=DAY, starts=MORNING, tz=TZ) == []


def test_a_confirmation_that_cannot_go_before_the_start_is_not_planned():
    # booked at 22:00 for 07:00 next morning: the first allowed instant is the start itself
    out = plan(booked_at=at(DAY - timedelta(days=1), 22, 0), day=DAY, starts=time(7, 0), tz=TZ)
    assert out == []


def test_confirmation_can_be_switched_off():
    out = plan(booked_at=at(DAY - timedelta(days=7), 10), day=DAY, starts=MORNING, tz=TZ,
               confirmation=False)
    assert [p.kind for p in out] == [Kind.REMINDER, Kind.REMINDER]


def test_a_reminder_hour_outside_allowed_hours_is_moved_inside():
    policy = Policy(offsets_days=(1,), send_at=time(22, 30))
    out = plan(booked_at=at(DAY - timedelta(days=7), 10), day=DAY, starts=time(13, 30), tz=TZ,
               policy=policy, confirmation=False)
    assert out == [Planned(Kind.REMINDER, at(DAY, 7, 0), at(DAY, 13, 30), 1)]


def test_into_allowed_hours():
    p = Policy()
    assert into_allowed_hours(at(DAY, 6, 59), p) == at(DAY, 7, 0)
    assert into_allowed_hours(at(DAY, 7, 0), p) == at(DAY, 7, 0)
    assert into_allowed_hours(at(DAY, 20, 59), p) == at(DAY, 20, 59)
    assert into_allowed_hours(at(DAY, 21, 0), p) == at(DAY + timedelta(days=1), 7, 0)
    assert in_allowed_hours(at(DAY, 7, 0), TZ, p)
    assert not in_allowed_hours(at(DAY, 21, 0), TZ, p)
    assert in_allowed_hours(datetime(2026, 3, 10, 1, 0, tzinfo=UTC), TZ, p)  # 08:00 local


def test_appointment_start_is_in_clinic_time():
    assert appointment_start(DAY, MORNING, TZ) == datetime(2026, 3, 10, 0, 30, tzinfo=UTC)


def test_plan_notice():
    expires = at(DAY, 7, 30)
    notice = plan_notice(Kind.CANCELLATION, now=at(DAY - timedelta(days=2), 23, 0), tz=TZ,
                         expires_at=expires)
    assert notice == Planned(Kind.CANCELLATION, at(DAY - timedelta(days=1), 7, 0), expires)
    assert plan_notice(Kind.RESCHEDULED, now=at(DAY, 6, 0), tz=TZ,
                       expires_at=at(DAY, 7, 0)) is None


# --- properties -----------------------------------------------------------------------

def minutes(lo: int = 0, hi: int = 24 * 60 - 1):
    return st.integers(lo, hi).map(lambda m: time(m // 60, m % 60))


@st.composite
def policies(draw) -> Policy:
    start = draw(st.integers(0, 23 * 60))
    end = draw(st.integers(start + 30, 24 * 60 - 1))
    return Policy(
        offsets_days=tuple(draw(st.lists(st.integers(0, 7), max_size=4))),
        send_at=draw(minutes()),
        allowed_start=time(start // 60, start % 60),
        allowed_end=time(end // 60, end % 60),
    )


booking_instants = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31),
    timezones=st.sampled_from([TZ, UTC, ZoneInfo("Europe/Paris")]))


@PROPS
@given(booking_instants, st.integers(-2, 12), minutes(6 * 60, 20 * 60), st.one_of(
    st.just(Policy()), policies()), st.booleans())
def test_plan_property(booked_at, days_ahead, starts, policy, confirmation):
    day = booked_at.astimezone(TZ).date() + timedelta(days=days_ahead)
    begins = datetime.combine(day, starts, tzinfo=TZ)
    out = plan(booked_at=booked_at, day=day, starts=starts, tz=TZ, policy=policy,
               confirmation=confirmation)
    if booked_at >= begins:
        assert out == []
        return
    for p in out:
        assert in_allowed_hours(p.due_at, TZ, policy), p
        assert booked_at <= p.due_at < begins
        assert p.expires_at == begins
    kinds = [p.kind for p in out]
    assert kinds.count(Kind.CONFIRMATION) <= int(confirmation)
    reminders = [p for p in out if p.kind is Kind.REMINDER]
    assert len({p.offset_days for p in reminders}) == len(reminders)  # never twice
    assert [p.due_at for p in reminders] == sorted(p.due_at for p in reminders)
    # each reminder is planned exactly when its due time is after booking and before start
    for offset in set(policy.offsets_days):
        nominal = datetime.combine(day - timedelta(days=offset), policy.send_at, tzinfo=TZ)
        due = into_allowed_hours(nominal, policy)
        planned = [p for p in reminders if p.offset_days == offset]
        if due <= booked_at or due >= begins:
            assert planned == []
        else:
            assert [p.due_at for p in planned] == [due]
    if confirmation:
        first = into_allowed_hours(booked_at.astimezone(TZ), policy)
        assert (Kind.CONFIRMATION in kinds) == (first < begins)


@PROPS
@given(booking_instants, policies(), st.integers(1, 72))
def test_plan_notice_property(now, policy, hours):
    expires = now + timedelta(hours=hours)
    notice = plan_notice(Kind.CANCELLATION, now=now, tz=TZ, policy=policy, expires_at=expires)
    if notice is not None:
        assert in_allowed_hours(notice.due_at, TZ, policy)
        assert now <= notice.due_at < expires
