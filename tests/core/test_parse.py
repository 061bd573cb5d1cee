"""The one input parser: dates, times, instants, intervals, series, follow-ups, windows.

The CLI and the desk read every typed value through these functions (a test in
tests/cli/test_same_input.py proves both entry points use them)."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recall_tui.core.errors import BadInput
from recall_tui.core.parse import (
    FollowUp,
    Interval,
    Series,
    Unit,
    looks_like_date,
    parse_date,
    parse_follow_up,
    parse_instant,
    parse_interval,
    parse_series,
    parse_time,
    parse_window,
)

PROPS = settings(max_examples=300, deadline=None)
TODAY = date(2026, 12, 2)
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


# --- intervals ----------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "count", "unit"), [
    ("14 ngày", 14, Unit.DAY), ("14 ngay", 14, Unit.DAY), ("14 NGÀY", 14, Unit.DAY),
    ("sau 14 ngày", 14, Unit.DAY), ("14 ngày nữa", 14, Unit.DAY), ("14d", 14, Unit.DAY),
    ("14 days", 14, Unit.DAY), ("1 day", 1, Unit.DAY), ("in 10 days", 10, Unit.DAY),
    ("2 tuần", 2, Unit.WEEK), ("2 tuan", 2, Unit.WEEK), ("2w", 2, Unit.WEEK),
    ("6 tuần", 6, Unit.WEEK), ("after 2 weeks", 2, Unit.WEEK), ("1 tuần sau", 1, Unit.WEEK),
    ("3 tháng", 3, Unit.MONTH), ("3 thang", 3, Unit.MONTH), ("3 months", 3, Unit.MONTH),
    ("3th", 3, Unit.MONTH), ("6 mo", 6, Unit.MONTH), ("  1   tháng  ", 1, Unit.MONTH),
    ("3 weeks later", 3, Unit.WEEK),
    ("1 năm", 1, Unit.YEAR), ("1 nam", 1, Unit.YEAR), ("2 years", 2, Unit.YEAR),
    ("sau 1 năm", 1, Unit.YEAR),
])
def test_parse_interval(raw, count, unit):
    assert parse_interval(raw) == Interval(count, unit)


def test_parse_interval_from_decomposed_input():
    assert parse_interval(unicodedata.normalize("NFD", "3 tháng")) == Interval(3, Unit.MONTH)


@pytest.mark.parametrize("raw", ["", "ngày", "0 ngày", "14", "mười bốn ngày", "14 giờ",
                                 "1200 ngày", "ngày 14", "4 năm", "40 tháng"])
def test_parse_interval_rejects(raw):
    with pytest.raises(BadInput) as info:
        parse_interval(raw, field="follow_up")
    assert info.value.field == "follow_up"
    assert info.value.code == "interval.invalid"


@pytest.mark.parametrize("raw", ["-14 ngày", "- 14 ngày", "−3 tháng", "sau -2 tuần",
                                 "-1 năm"])
def test_negative_intervals_are_refused_not_read_as_positive(raw):
    with pytest.raises(BadInput) as info:
        parse_interval(raw)
    assert info.value.code == "interval.negative"
    assert "âm" in info.value.vi and "negative" in info.value.en


def test_interval_words():
    assert str(Interval(1, Unit.MONTH)) == "1 month"
    assert str(Interval(14, Unit.DAY)) == "14 days"
    assert Interval(2, Unit.WEEK).vi == "2 tuần"
    assert Interval(1, Unit.YEAR).vi == "1 năm"
    assert Interval(1, Unit.YEAR).after(date(2024, 2, 29)) == date(2025, 2, 28)


_WORDS = [("ngày", Unit.DAY, 999), ("days", Unit.DAY, 999), ("d", Unit.DAY, 999),
          ("tuần", Unit.WEEK, 156), ("TUẦN", Unit.WEEK, 156), ("w", Unit.WEEK, 156),
          ("tháng", Unit.MONTH, 35), ("months", Unit.MONTH, 35), ("th", Unit.MONTH, 35),
          ("năm", Unit.YEAR, 3), ("years", Unit.YEAR, 3)]


@PROPS
@given(st.sampled_from(_WORDS), st.integers(1, 999), st.sampled_from(["", " ", "  "]),
       st.sampled_from(["", "sau ", "after "]))
def test_parse_interval_property(word_unit_max, n, gap, lead):
    word, unit, most = word_unit_max
    n = 1 + (n - 1) % most
    iv = Interval(n, unit)
    assert parse_interval(f"{lead}{n}{gap}{word}") == iv
    assert parse_interval(str(iv)) == iv
    assert parse_interval(iv.vi) == iv
    with pytest.raises(BadInput):
        parse_interval(f"-{n} {word}")


# --- series --------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "every", "count"), [
    ("hàng tháng x 6", Interval(1, Unit.MONTH), 6),
    ("hằng tháng x 6", Interval(1, Unit.MONTH), 6),
    ("hang thang x6", Interval(1, Unit.MONTH), 6),
    ("mỗi tháng 6 lần", Interval(1, Unit.MONTH), 6),
    ("monthly x 6", Interval(1, Unit.MONTH), 6),
    ("hàng tuần x 4", Interval(1, Unit.WEEK), 4),
    ("weekly 4 times", Interval(1, Unit.WEEK), 4),
    ("mỗi 2 tuần x 4", Interval(2, Unit.WEEK), 4),
    ("mỗi 3 tháng x 4", Interval(3, Unit.MONTH), 4),
    ("every 3 months x 4", Interval(3, Unit.MONTH), 4),
    ("every 10 days x 3", Interval(10, Unit.DAY), 3),
    ("monthly * 12", Interval(1, Unit.MONTH), 12),
    ("hàng năm x 2", Interval(1, Unit.YEAR), 2),
])
def test_parse_series(raw, every, count):
    assert parse_series(raw) == Series(every, count)


@pytest.mark.parametrize("raw", ["", "hàng tháng", "monthly x 0", "monthly x 121",
                                 "mỗi 0 tuần x 4", "every 3 fortnights x 2", "x 6"])
def test_parse_series_rejects(raw):
    with pytest.raises(BadInput) as info:
        parse_series(raw)
    assert info.value.code == "series.invalid"
    assert info.value.field == "series"


@pytest.mark.parametrize("raw", ["monthly x -1", "hàng tháng x -6", "mỗi -2 tuần x 4"])
def test_negative_series_are_refused(raw):
    with pytest.raises(BadInput) as info:
        parse_series(raw)
    assert info.value.code == "series.negative"


@pytest.mark.parametrize(("raw", "expected"), [
    ("sau 14 ngày", FollowUp(Interval(14, Unit.DAY), None)),
    ("hàng tháng x 6", FollowUp(None, Series(Interval(1, Unit.MONTH), 6))),
    ("sau 14 ngày, hàng tháng x 6",
     FollowUp(Interval(14, Unit.DAY), Series(Interval(1, Unit.MONTH), 6))),
    ("14 ngày rồi hàng tháng x 6",
     FollowUp(Interval(14, Unit.DAY), Series(Interval(1, Unit.MONTH), 6))),
    ("2 weeks then monthly x 3",
     FollowUp(Interval(2, Unit.WEEK), Series(Interval(1, Unit.MONTH), 3))),
])
def test_parse_follow_up(raw, expected):
    assert parse_follow_up(raw) == expected


# --- dates ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("2026-12-01", date(2026, 12, 1)), ("01/12/2026", date(2026, 12, 1)),
    ("1/12/2026", date(2026, 12, 1)), ("01.12.2026", date(2026, 12, 1)),
    ("1-12-2026", date(2026, 12, 1)), ("1/12/26", date(2026, 12, 1)),
    ("1/12", date(2026, 12, 1)), ("24/12", date(2026, 12, 24)), ("24.12", date(2026, 12, 24)),
    ("hôm nay", TODAY), ("hom nay", TODAY), ("Hôm Nay", TODAY), ("today", TODAY),
    ("mai", date(2026, 12, 3)), ("ngày mai", date(2026, 12, 3)),
    ("tomorrow", date(2026, 12, 3)), ("hôm qua", date(2026, 12, 1)),
    ("+3", date(2026, 12, 5)), ("-2", date(2026, 11, 30)), ("+ 3", date(2026, 12, 5)),
    ("+2 tuần", date(2026, 12, 16)), ("+1 tháng", date(2027, 1, 2)),
])
def test_parse_date(raw, expected):
    assert parse_date(raw, today=TODAY) == expected


def test_a_day_without_a_year_is_the_next_such_day_when_booking():
    assert parse_date("1/12", today=TODAY) == date(2026, 12, 1)
    assert parse_date("1/12", today=TODAY, future=True) == date(2027, 12, 1)
    assert parse_date("5/1", today=TODAY, future=True) == date(2027, 1, 5)


@pytest.mark.parametrize("raw", ["31/02/2026", "2026-13-01", "12/31/2026", "hôm kia",
                                 "01/12/9999", "9999-12-31", "+999999", "abc", "1/12/0",
                                 "0001-01-01", "0099-01-01"])
def test_parse_date_rejects(raw):
    with pytest.raises(BadInput) as info:
        parse_date(raw, today=TODAY, field="date")
    assert info.value.field == "date"


def test_long_hostile_input_is_quoted_short():
    with pytest.raises(BadInput) as info:
        parse_date("x" * 100_000, today=TODAY)
    assert len(info.value.vi) < 200 and len(info.value.en) < 200


@PROPS
@given(st.dates(date(1950, 1, 1), date(2099, 12, 31)))
def test_every_written_form_of_a_date_reads_back(d):
    for raw in (d.isoformat(), f"{d:%d/%m/%Y}", f"{d.day}/{d.month}/{d.year}",
                f"{d:%d.%m.%Y}", f"{d:%d-%m-%Y}"):
        assert parse_date(raw, today=TODAY) == d
    assert looks_like_date(f"{d:%d/%m/%Y}")


# --- times and instants ------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("08:30", time(8, 30)), ("8:30", time(8, 30)), ("8h30", time(8, 30)), ("8h", time(8)),
    ("8g30", time(8, 30)), ("8.30", time(8, 30)), ("14:00:00", time(14)), ("8H30", time(8, 30)),
    ("", None),
])
def test_parse_time(raw, expected):
    assert parse_time(raw) == expected


@pytest.mark.parametrize("raw", ["24:00", "8:60", "8", "830", "sáng", "8h3"])
def test_parse_time_rejects(raw):
    with pytest.raises(BadInput) as info:
        parse_time(raw)
    assert info.value.code == "time.invalid"


def test_parse_instant_is_clinic_time_without_a_zone():
    assert parse_instant("2026-11-25T08:00", tz=TZ) == datetime(2026, 11, 25, 8, tzinfo=TZ)
    with pytest.raises(BadInput):
        parse_instant("9999-12-31T23:59", tz=TZ)


# --- windows ----------------------------------------------------------------------------------

def test_parse_window():
    assert parse_window("10/12-18/12", today=TODAY) == (date(2026, 12, 10), date(2026, 12, 18))
    assert parse_window("10/12 đến 18/12", today=TODAY) == (date(2026, 12, 10),
                                                             date(2026, 12, 18))
    assert parse_window("-18/12", today=TODAY) == (None, date(2026, 12, 18))
    assert parse_window("", today=TODAY) == (None, None)


@pytest.mark.parametrize(("raw", "target", "follow"), [
    ("16/12", date(2026, 12, 16), None),
    ("2026-12-16", date(2026, 12, 16), None),
    ("+14", date(2026, 12, 16), None),
    ("14 ngày", None, FollowUp(Interval(14, Unit.DAY), None)),
    ("sau 14 ngày, hàng tháng x 6",
     None, FollowUp(Interval(14, Unit.DAY), Series(Interval(1, Unit.MONTH), 6))),
])
def test_the_desks_one_field_of_an_order(raw, target, follow):
    from recall_tui.core.parse import parse_order_text

    said = parse_order_text(raw, today=TODAY)
    assert (said.target, said.follow_up) == (target, follow)
