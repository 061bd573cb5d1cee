"""The clinic calendar: templates, closures, overrides, Vietnamese holidays, working days."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recall_tui.core.calendar import (
    WEEKDAY_VI,
    Calendar,
    Closure,
    DayOverride,
    Part,
    SessionTemplate,
    session_key,
    vietnam_holidays,
)
from recall_tui.core.errors import BadInput

PROPS = settings(max_examples=150, deadline=None)
HOLIDAYS = vietnam_holidays(range(2024, 2029))

MORNING = (time(7, 0), time(11, 30))
AFTERNOON = (time(13, 30), time(16, 30))


def template(clinic: str, weekday: int, part: Part, *, doctor: str | None = None,
             capacity: int = 30) -> SessionTemplate:
    start, end = MORNING if part is Part.MORNING else AFTERNOON
    return SessionTemplate(clinic=clinic, weekday=weekday, part=part, start=start, end=end,
                           capacity=capacity, doctor=doctor)


def weekday_clinic(clinic: str = "NOI", *, saturday_morning: bool = False,
                   doctors: tuple[str | None, ...] = (None,)) -> list[SessionTemplate]:
    out = [template(clinic, wd, part, doctor=doc)
           for wd in range(5) for part in (Part.MORNING, Part.AFTERNOON) for doc in doctors]
    if saturday_morning:
        out += [template(clinic, 5, Part.MORNING, doctor=doc) for doc in doctors]
    return out


def cal(**kw) -> Calendar:
    kw.setdefault("templates", weekday_clinic())
    kw.setdefault("holidays", HOLIDAYS)
    return Calendar(**kw)


# --- parts of day ----------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "part"), [
    ("sáng", Part.MORNING), ("Sang", Part.MORNING), ("morning", Part.MORNING),
    ("AM", Part.MORNING), ("chiều", Part.AFTERNOON), ("chieu", Part.AFTERNOON),
    ("pm", Part.AFTERNOON), ("tối", Part.EVENING), ("evening", Part.EVENING),
    (" Chiều ", Part.AFTERNOON),
])
def test_part_parse(raw, part):
    assert Part.parse(raw) is part


def test_part_parse_rejects_nonsense():
    with pytest.raises(BadInput) as info:
        Part.parse("trưa")
    assert info.value.field == "session"


def test_part_labels_and_order():
    assert [p.vi for p in Part] == ["Sáng", "Chiều", "Tối"]
    assert sorted(Part, key=lambda p: p.order) == [Part.MORNING, Part.AFTERNOON, Part.EVENING]
    assert WEEKDAY_VI[5] == "Thứ Bảy"


def test_session_key():
    d = date(2026, 3, 2)
    assert session_key("NOI", None, d, Part.MORNING) == "NOI|-|2026-03-02|morning"
    assert session_key("NOI", "BS01", d, "afternoon") == "NOI|BS01|2026-03-02|afternoon"


# --- holidays ---------------------------------------------------------------------------

@pytest.mark.parametrize("day", [date(2026, 2, d) for d in range(16, 21)])
def test_tet_2026_is_closed(day):
    c = cal()
    assert c.holiday(day) is not None
    assert not c.is_working_day(day)
    sessions = c.sessions_on(day, "NOI")
    assert sessions and not any(s.is_open for s in sessions)
    assert all(s.closed_reason == HOLIDAYS[day] for s in sessions)


@pytest.mark.parametrize("day", [date(2027, 2, d) for d in (4, 5, 8, 9, 10)])
def test_tet_2027_is_closed(day):
    c = cal()
    assert not c.is_working_day(day)
    assert not any(s.is_open for s in c.sessions_on(day, "NOI"))


def test_the_days_around_tet_2026_are_open():
    c = cal()
    for day in (date(2026, 2, 13), date(2026, 2, 23)):
        assert c.is_working_day(day)
        assert all(s.is_open for s in c.sessions_on(day, "NOI"))


def test_fixed_national_holidays():
    c = cal()
    for day in (date(2026, 1, 1), date(2026, 4, 30), date(2026, 5, 1), date(2026, 9, 2)):
        assert not c.is_working_day(day), day


def test_holidays_can_be_ignored():
    c = cal(observe_holidays=False)
    assert c.holiday(date(2026, 2, 17)) is None
    assert c.is_working_day(date(2026, 2, 17))
    assert all(s.is_open for s in c.sessions_on(date(2026, 2, 17), "NOI"))


# --- templates, closures, overrides -----------------------------------------------------

def test_sessions_follow_the_templates():
    c = cal(templates=weekday_clinic(saturday_morning=True))
    monday, saturday, sunday = date(2026, 3, 2), date(2026, 3, 7), date(2026, 3, 8)
    assert [s.part for s in c.sessions_on(monday, "NOI")] == [Part.MORNING, Part.AFTERNOON]
    assert [s.part for s in c.sessions_on(saturday, "NOI")] == [Part.MORNING]
    assert c.sessions_on(sunday, "NOI") == []
    assert c.sessions_on(monday, "NGOAI") == []  # another clinic has no templates
    s = c.sessions_on(monday, "NOI")[0]
    assert (s.start, s.end, s.capacity, s.day) == (time(7, 0), time(11, 30), 30, monday)
    assert s.key == session_key("NOI", None, monday, Part.MORNING)


def test_a_closure_of_one_doctor_closes_only_their_sessions():
    templates = weekday_clinic(doctors=("BS01", "BS02"))
    leave = Closure(start=date(2026, 3, 2), end=date(2026, 3, 4), reason="BS01 đi hội nghị",
                    doctor="BS01")
    c = cal(templates=templates, closures=[leave])
    for day in (date(2026, 3, 2), date(2026, 3, 4)):
        by_doctor = {(s.doctor, s.part): s for s in c.sessions_on(day, "NOI")}
        assert not by_doctor[("BS01", Part.MORNING)].is_open
        assert by_doctor[("BS01", Part.MORNING)].closed_reason == "BS01 đi hội nghị"
        assert by_doctor[("BS02", Part.MORNING)].is_open
        assert by_doctor[("BS02", Part.AFTERNOON)].is_open
    assert all(s.is_open for s in c.sessions_on(date(2026, 3, 5), "NOI"))
    assert c.is_working_day(date(2026, 3, 3))  # a doctor's leave is not a day off


def test_a_closure_of_one_clinic_leaves_the_others_open():
    templates = weekday_clinic("NOI") + weekday_clinic("NHI")
    c = cal(templates=templates,
            closures=[Closure(date(2026, 3, 2), date(2026, 3, 2), "Phun khử khuẩn", clinic="NHI")])
    assert all(s.is_open for s in c.sessions_on(date(2026, 3, 2), "NOI"))
    assert not any(s.is_open for s in c.sessions_on(date(2026, 3, 2), "NHI"))


def test_a_facility_closure_closes_every_clinic():
    templates = weekday_clinic("NOI") + weekday_clinic("NHI")
    c = cal(templates=templates, closures=[Closure(date(2026, 3, 2), date(2026, 3, 3), "Mất điện")])
    for clinic in ("NOI", "NHI"):
        assert not any(s.is_open for s in c.sessions_on(date(2026, 3, 3), clinic))


def test_a_day_override_opens_a_saturday_as_a_weekday():
    """2026-08-22 (Saturday) is a make-up working day (làm bù) for Monday 2026-08-31."""
    saturday = date(2026, 8, 22)
    templates = weekday_clinic(saturday_morning=True)
    plain = cal(templates=templates)
    assert [s.part for s in plain.sessions_on(saturday, "NOI")] == [Part.MORNING]
    assert not plain.is_working_day(saturday)

    c = cal(templates=templates,
            overrides=[DayOverride(saturday, open=True, reason="làm bù", as_weekday=0)])
    sessions = c.sessions_on(saturday, "NOI")
    assert [s.part for s in sessions] == [Part.MORNING, Part.AFTERNOON]  # Monday's sessions
    assert all(s.is_open and s.day == saturday for s in sessions)
    assert c.is_working_day(saturday)
    assert not c.is_working_day(date(2026, 8, 31))  # the swap day off


def test_an_override_opens_a_holiday_but_a_closure_still_wins():
    day = date(2026, 2, 17)
    opened = cal(overrides=[DayOverride(day, open=True, reason="trực Tết")])
    assert all(s.is_open for s in opened.sessions_on(day, "NOI"))
    closed = cal(overrides=[DayOverride(day, open=True, reason="trực Tết")],
                 closures=[Closure(day, day, "Sửa chữa", clinic="NOI")])
    assert [s.closed_reason for s in closed.sessions_on(day, "NOI")] == ["Sửa chữa"] * 2


def test_a_day_override_closes_a_working_day():
    day = date(2026, 3, 2)
    c = cal(overrides=[DayOverride(day, open=False, reason="Nghỉ đột xuất")])
    assert not c.is_working_day(day)
    assert [s.closed_reason for s in c.sessions_on(day, "NOI")] == ["Nghỉ đột xuất"] * 2


def test_a_clinic_override_beats_the_facility_one():
    day = date(2026, 3, 2)
    c = cal(templates=weekday_clinic("NOI") + weekday_clinic("NHI"),
            overrides=[DayOverride(day, open=False, reason="Nghỉ"),
                       DayOverride(day, open=True, reason="Trực", clinic="NHI")])
    assert not any(s.is_open for s in c.sessions_on(day, "NOI"))
    assert all(s.is_open for s in c.sessions_on(day, "NHI"))
    assert c.is_working_day(day, "NHI") and not c.is_working_day(day, "NOI")


def test_sessions_between_covers_every_day_and_clinic():
    c = cal(templates=weekday_clinic("NOI") + weekday_clinic("NHI"))
    sessions = list(c.sessions_between(date(2026, 3, 2), date(2026, 3, 8), ["NOI", "NHI"]))
    assert len(sessions) == 5 * 2 * 2
    assert len({s.key for s in sessions}) == len(sessions)


# --- working days -----------------------------------------------------------------------

def test_add_working_days_skips_weekends():
    c = cal()
    assert c.add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)  # Fri -> Mon
    assert c.add_working_days(date(2026, 3, 2), 10) == date(2026, 3, 16)
    assert c.add_working_days(date(2026, 3, 7), 1) == date(2026, 3, 9)  # from a Saturday
    assert c.add_working_days(date(2026, 3, 2), 0) == date(2026, 3, 2)


def test_add_working_days_skips_tet():
    c = cal()
    assert c.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)
    assert c.add_working_days(date(2026, 2, 13), 10) == date(2026, 3, 6)


def test_add_working_days_counts_a_make_up_saturday():
    saturday = date(2026, 8, 22)
    c = cal(overrides=[DayOverride(saturday, open=True, reason="làm bù", as_weekday=0)])
    assert c.add_working_days(date(2026, 8, 21), 1) == saturday
    assert c.add_working_days(date(2026, 8, 28), 1) == date(2026, 9, 3)  # 31/8, 1-2/9 off


days = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 6, 30))


@PROPS
@given(days, st.integers(min_value=1, max_value=40))
def test_add_working_days_lands_on_a_working_day(day, n):
    c = cal()
    out = c.add_working_days(day, n)
    assert out > day
    assert c.is_working_day(out)
    assert out.weekday() < 5 and out not in HOLIDAYS
    between = [day + timedelta(days=k) for k in range(1, (out - day).days + 1)]
    assert sum(c.is_working_day(d) for d in between) == n


@PROPS
@given(days, st.integers(min_value=0, max_value=40))
def test_add_working_days_strictly_increases(day, n):
    c = cal()
    assert c.add_working_days(day, n + 1) > c.add_working_days(day, n)


@PROPS
@given(days, st.integers(min_value=0, max_value=20), st.integers(min_value=0, max_value=20))
def test_add_working_days_composes(day, m, n):
    c = cal()
    assert c.add_working_days(c.add_working_days(day, m), n) == c.add_working_days(day, m + n)


@PROPS
@given(days)
def test_closed_sessions_always_say_why(day):
    c = cal(templates=weekday_clinic(saturday_morning=True, doctors=("BS01", None)),
            closures=[Closure(date(2026, 6, 1), date(2026, 6, 10), "Nghỉ phép", doctor="BS01")])
    for s in c.sessions_on(day, "NOI"):
        assert s.is_open == (s.closed_reason is None)
        if day in HOLIDAYS:
            assert not s.is_open
        if s.doctor is None and day.weekday() < 6 and day not in HOLIDAYS:
            assert s.is_open
