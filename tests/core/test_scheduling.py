"""Scheduling: the doctor's interval as said, target dates, windows, and suggestions."""

from __future__ import annotations

import calendar as pycal
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recall_tui.core.calendar import Calendar, Closure, Part, SessionTemplate, vietnam_holidays
from recall_tui.core.errors import BadInput, Refused
from recall_tui.core.parse import FollowUp, Series
from recall_tui.core.scheduling import (
    Candidate,
    Interval,
    Unit,
    Window,
    add_months,
    check_bookable,
    check_window,
    default_window,
    plan_order,
    suggest,
)

PROPS = settings(max_examples=300, deadline=None)
HOLIDAYS = vietnam_holidays(range(2025, 2028))


# --- dates -------------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2028, 1, 31), 1, date(2028, 2, 29)),
    (date(2026, 3, 31), 1, date(2026, 4, 30)),
    (date(2026, 1, 31), 2, date(2026, 3, 31)),
    (date(2026, 11, 15), 3, date(2027, 2, 15)),
    (date(2026, 3, 31), -1, date(2026, 2, 28)),
    (date(2026, 1, 15), -1, date(2025, 12, 15)),
    (date(2026, 5, 20), 0, date(2026, 5, 20)),
])
def test_add_months_clamps_to_month_end(day, months, expected):
    assert add_months(day, months) == expected


@PROPS
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
       st.integers(-120, 120))
def test_add_months_property(day, months):
    out = add_months(day, months)
    assert (out.year * 12 + out.month) - (day.year * 12 + day.month) == months
    assert out.day == min(day.day, pycal.monthrange(out.year, out.month)[1])


def test_interval_after():
    visit = date(2026, 1, 31)
    assert Interval(14, Unit.DAY).after(visit) == date(2026, 2, 14)
    assert Interval(2, Unit.WEEK).after(visit) == date(2026, 2, 14)
    assert Interval(1, Unit.MONTH).after(visit) == date(2026, 2, 28)
    # a monthly series counts from the first date, so a short month does not drag it down
    assert Interval(1, Unit.MONTH).after(visit, times=2) == date(2026, 3, 31)
    assert Interval(3, Unit.MONTH).after(visit, times=2) == date(2026, 7, 31)


@PROPS
@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
       st.integers(1, 60), st.sampled_from(list(Unit)), st.integers(1, 12))
def test_interval_after_moves_forward(day, count, unit, times):
    iv = Interval(count, unit)
    assert iv.after(day, times) > day
    assert iv.after(day, times + 1) > iv.after(day, times)


def _weekday_calendar() -> Calendar:
    from datetime import time

    templates = [SessionTemplate("NOI", wd, p, time(7), time(11), 20)
                 for wd in range(5) for p in (Part.MORNING, Part.AFTERNOON)]
    return Calendar(templates=templates, holidays=HOLIDAYS)


def test_default_window_is_ten_working_days():
    cal = _weekday_calendar()
    assert default_window(date(2026, 3, 2), cal) == Window(date(2026, 3, 2), date(2026, 3, 16))
    # Tết 2026 (16-20 Feb) does not count
    assert default_window(date(2026, 2, 13), cal) == Window(date(2026, 2, 13), date(2026, 3, 6))
    assert default_window(date(2026, 3, 2), cal, working_days=5).latest == date(2026, 3, 9)


def test_window_membership_and_order():
    w = check_window(date(2026, 3, 2), date(2026, 3, 6))
    assert date(2026, 3, 2) in w and date(2026, 3, 6) in w
    assert date(2026, 3, 1) not in w and date(2026, 3, 7) not in w
    assert check_window(date(2026, 3, 2), date(2026, 3, 2)) == Window(date(2026, 3, 2),
                                                                     date(2026, 3, 2))
    with pytest.raises(BadInput) as info:
        check_window(date(2026, 3, 6), date(2026, 3, 2))
    assert info.value.field == "window"


# --- suggestion -------------------------------------------------------------------------

def cand(day: date, part: Part, booked: int, capacity: int = 10, open: bool = True) -> Candidate:
    return Candidate(key=f"NOI|-|{day.isoformat()}|{part.value}", day=day, part=part,
                     capacity=capacity, booked=booked, open=open)


def test_candidate_load():
    assert cand(date(2026, 3, 2), Part.MORNING, 3, 12).load == 0.25
    assert cand(date(2026, 3, 2), Part.MORNING, 3, 12).free == 9
    assert cand(date(2026, 3, 2), Part.MORNING, 0, 0).load == 1.0


def test_suggest_takes_the_least_loaded_session():
    target = date(2026, 3, 2)
    w = Window(target, date(2026, 3, 16))
    best = cand(date(2026, 3, 5), Part.AFTERNOON, 2)
    pool = [cand(target, Part.MORNING, 9), cand(target, Part.AFTERNOON, 5), best,
            cand(date(2026, 3, 9), Part.MORNING, 4)]
    assert suggest(pool, target=target, window=w) == best


def test_suggest_ties_go_to_the_nearest_then_the_morning():
    target = date(2026, 3, 4)
    w = Window(date(2026, 3, 2), date(2026, 3, 16))
    near_pm = cand(date(2026, 3, 5), Part.AFTERNOON, 3)
    near_am = cand(date(2026, 3, 5), Part.MORNING, 3)
    pool = [cand(date(2026, 3, 9), Part.MORNING, 3), near_pm, near_am,
            cand(date(2026, 3, 2), Part.MORNING, 3)]
    assert suggest(pool, target=target, window=w) == near_am


def test_suggest_never_offers_closed_full_or_out_of_window_sessions():
    target = date(2026, 3, 2)
    w = Window(target, date(2026, 3, 6))
    pool = [cand(target, Part.MORNING, 0, open=False),
            cand(date(2026, 3, 3), Part.MORNING, 10),
            cand(date(2026, 3, 4), Part.MORNING, 12),  # overbooked
            cand(date(2026, 3, 9), Part.MORNING, 0),
            cand(date(2026, 3, 1), Part.MORNING, 0)]
    assert suggest(pool, target=target, window=w) is None
    assert suggest([], target=target, window=w) is None


def test_suggest_honours_preferences_and_relaxes_them():
    target = date(2026, 3, 2)  # a Monday
    w = Window(target, date(2026, 3, 13))
    pool = [cand(target, Part.MORNING, 0), cand(date(2026, 3, 6), Part.AFTERNOON, 8)]
    assert suggest(pool, target=target, window=w, parts=[Part.AFTERNOON]).part is Part.AFTERNOON
    assert suggest(pool, target=target, window=w, weekdays=[4]).day == date(2026, 3, 6)
    # nothing free on a Wednesday: the preference is relaxed rather than offering nothing
    assert suggest(pool, target=target, window=w, weekdays=[2]).day == target


def test_suggest_from_a_calendar_never_offers_tet():
    cal = _weekday_calendar()
    target = date(2026, 2, 16)
    w = default_window(target, cal)
    sessions = list(cal.sessions_between(w.earliest, w.latest, ["NOI"]))
    pool = [Candidate(s.key, s.day, s.part, s.capacity, 0, s.is_open) for s in sessions]
    got = suggest(pool, target=target, window=w)
    assert got is not None and got.day == date(2026, 2, 23)


def test_suggest_skips_a_doctor_on_leave():
    from datetime import time

    templates = [SessionTemplate("NOI", wd, Part.MORNING, time(7), time(11), 20, doctor=doc)
                 for wd in range(5) for doc in ("BS01", "BS02")]
    cal = Calendar(templates=templates, holidays=HOLIDAYS,
                   closures=[Closure(date(2026, 3, 2), date(2026, 3, 3), "Nghỉ phép",
                                     doctor="BS01")])
    w = Window(date(2026, 3, 2), date(2026, 3, 6))
    sessions = [s for s in cal.sessions_between(w.earliest, w.latest, ["NOI"])
                if s.doctor == "BS01"]
    pool = [Candidate(s.key, s.day, s.part, s.capacity, 0, s.is_open) for s in sessions]
    assert suggest(pool, target=w.earliest, window=w).day == date(2026, 3, 4)


BASE = date(2026, 3, 2)


@st.composite
def candidates(draw):
    n = draw(st.integers(0, 25))
    out = []
    for i in range(n):
        capacity = draw(st.integers(0, 8))
        out.append(Candidate(
            key=f"k{i:02d}",
            day=BASE + timedelta(days=draw(st.integers(0, 27))),
            part=draw(st.sampled_from(list(Part))),
            capacity=capacity,
            booked=draw(st.integers(0, capacity + 2)),
            open=draw(st.booleans()),
        ))
    return out


@PROPS
@given(candidates(), st.integers(0, 27), st.integers(0, 27), st.integers(0, 27),
       st.lists(st.sampled_from(list(Part)), max_size=2, unique=True),
       st.lists(st.integers(0, 6), max_size=3, unique=True))
def test_suggest_property(pool, a, b, t, parts, weekdays):
    earliest, latest = sorted((BASE + timedelta(days=a), BASE + timedelta(days=b)))
    window = Window(earliest, latest)
    target = BASE + timedelta(days=t)
    got = suggest(pool, target=target, window=window, parts=parts, weekdays=weekdays)

    usable = [c for c in pool if c.open and c.free > 0 and c.day in window]
    if not usable:
        assert got is None
        return
    assert got is not None and got in pool
    assert got.open and got.free > 0 and got.day in window

    def preferred(c: Candidate) -> bool:
        return (not parts or c.part in parts) and (not weekdays or c.day.weekday() in weekdays)

    liked = [c for c in usable if preferred(c)]
    if liked:
        assert preferred(got)
    rivals = liked or usable
    assert not [c for c in rivals if c.load < got.load]
    distance = abs((got.day - target).days)
    assert not [c for c in rivals if c.load == got.load and abs((c.day - target).days) < distance]


@PROPS
@given(candidates())
def test_suggest_does_not_depend_on_the_order_of_candidates(pool):
    window = Window(BASE, BASE + timedelta(days=27))
    a = suggest(pool, target=BASE + timedelta(days=5), window=window)
    b = suggest(list(reversed(pool)), target=BASE + timedelta(days=5), window=window)
    assert a == b


# --- the order as the doctor means it -------------------------------------------------------



VISIT = date(2026, 12, 2)


def _window(target):
    return Window(target, target + timedelta(days=14))


def test_target_outside_its_own_window_is_refused():
    with pytest.raises(BadInput) as info:
        plan_order(visit=VISIT, today=VISIT, target=date(2026, 12, 30),
                   earliest=date(2026, 12, 10), latest=date(2026, 12, 18), window_for=_window)
    assert info.value.code == "order.target_outside"


def test_a_window_alone_is_an_order():
    p = plan_order(visit=VISIT, today=VISIT, earliest=date(2026, 12, 10),
                   latest=date(2026, 12, 18), window_for=_window)
    assert p.target == date(2026, 12, 10)
    assert p.window == Window(date(2026, 12, 10), date(2026, 12, 18))
    p = plan_order(visit=VISIT, today=VISIT, latest=date(2026, 12, 18), window_for=_window)
    assert p.window == Window(VISIT, date(2026, 12, 18))


def test_an_interval_with_a_window():
    p = plan_order(visit=VISIT, today=VISIT, follow_up=FollowUp(Interval(14, Unit.DAY), None),
                   earliest=date(2026, 12, 10), latest=date(2026, 12, 20), window_for=_window)
    assert p.target == date(2026, 12, 16)


def test_a_series_keeps_its_own_cadence():
    monthly = Series(Interval(1, Unit.MONTH), 6)
    p = plan_order(visit=VISIT, today=VISIT,
                   follow_up=FollowUp(Interval(14, Unit.DAY), monthly), window_for=_window)
    assert p.target == date(2026, 12, 16) and p.series == monthly
    p = plan_order(visit=VISIT, today=VISIT, follow_up=FollowUp(None, monthly),
                   window_for=_window)
    assert p.target == date(2027, 1, 2)


@PROPS
@given(st.integers(1, 400), st.integers(-30, 30), st.integers(0, 30))
def test_the_target_always_lies_inside_its_window(days, early, late):
    target = VISIT + timedelta(days=days)
    earliest, latest = target + timedelta(days=early), target + timedelta(days=late)
    try:
        p = plan_order(visit=VISIT, today=VISIT, target=target, earliest=earliest,
                       latest=latest, window_for=_window)
    except BadInput as exc:
        assert early > 0 or earliest > latest or exc.code == "order.past"
    else:
        assert p.window.earliest <= p.target <= p.window.latest
        assert p.target >= VISIT


TZ7 = ZoneInfo("Asia/Ho_Chi_Minh")


def _at(h, m=0, day=VISIT):
    return datetime.combine(day, time(h, m), tzinfo=TZ7)


def test_a_session_that_has_ended_or_started_is_not_bookable():
    kw = {"day": VISIT, "starts": time(7), "ends": time(11, 30)}
    check_bookable(**kw, now_local=_at(6, 59), walk_ins=False)
    with pytest.raises(Refused) as info:
        check_bookable(**kw, now_local=_at(7, 0), walk_ins=False)
    assert info.value.code == "session.started"
    check_bookable(**kw, now_local=_at(9, 0), walk_ins=True)  # a walk-in clinic
    with pytest.raises(Refused) as info:
        check_bookable(**kw, now_local=_at(22, 46), walk_ins=True)
    assert info.value.code == "session.ended"
    with pytest.raises(Refused):
        check_bookable(**kw, now_local=_at(6, 0, VISIT + timedelta(days=1)), walk_ins=True)
    with pytest.raises(Refused) as info:
        check_bookable(**kw, now_local=_at(9, 0), walk_ins=True, at_time=time(8, 30))
    assert info.value.code == "time.past"


@PROPS
@given(st.integers(-2, 2), st.integers(0, 23 * 60 + 59), st.booleans())
def test_bookable_exactly_when_the_session_is_ahead_or_open_for_walk_ins(day_off, minute,
                                                                         walk_ins):
    day = VISIT + timedelta(days=day_off)
    now = datetime.combine(VISIT, time(minute // 60, minute % 60), tzinfo=TZ7)
    starts, ends = time(13, 30), time(16, 30)
    ahead = (day, starts) > (VISIT, now.time())
    open_now = day == VISIT and starts <= now.time() < ends
    try:
        check_bookable(day=day, starts=starts, ends=ends, now_local=now, walk_ins=walk_ins)
        ok = True
    except Refused:
        ok = False
    assert ok == (ahead or (walk_ins and open_now))
