"""Scheduling rules: target dates, windows, the doctor's order as said, suggestions.

- Target date = visit date + interval, in the clinic's local calendar (months are calendar
  months, clamped to the month's end: 31 Jan + 1 month = 28/29 Feb).
- Default window = [target, target + 10 working days] (a follow-up slip's usual validity).
- A suggestion is the least-loaded open session inside the window, ties to the nearest to
  target, honouring the patient's preferred parts of day and weekdays.
"""

from __future__ import annotations

import calendar as _cal
import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from .calendar import Calendar, Part
from .errors import BadInput, Refused
from .text import excerpt, fold


class Unit(enum.StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class Interval:
    count: int
    unit: Unit

    def after(self, day: date, times: int = 1) -> date:
        n = self.count * times
        if self.unit is Unit.DAY:
            return day + timedelta(days=n)
        if self.unit is Unit.WEEK:
            return day + timedelta(weeks=n)
        return add_months(day, n)

    def __str__(self) -> str:
        return f"{self.count} {self.unit.value}{'s' if self.count != 1 else ''}"

    @property
    def vi(self) -> str:
        return f"{self.count} " + {"day": "ngày", "week": "tuần", "month": "tháng"}[self.unit]


def lead_days(day: date, booked_at: datetime, tz: tzinfo) -> int:
    """Lead time: the appointment's date minus the booking's local date, in days."""
    return (day - booked_at.astimezone(tz).date()).days


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year = day.year + month0 // 12
    month = month0 % 12 + 1
    last = _cal.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


_UNIT_WORDS = {
    "ngay": Unit.DAY, "n": Unit.DAY, "d": Unit.DAY, "day": Unit.DAY, "days": Unit.DAY,
    "tuan": Unit.WEEK, "t": Unit.WEEK, "w": Unit.WEEK, "week": Unit.WEEK, "weeks": Unit.WEEK,
    "wk": Unit.WEEK,
    "thang": Unit.MONTH, "th": Unit.MONTH, "m": Unit.MONTH, "month": Unit.MONTH,
    "months": Unit.MONTH, "mo": Unit.MONTH,
}
_INTERVAL_RE = re.compile(r"^(?:sau\s+|after\s+|in\s+)?(\d{1,3})\s*([a-z]+)(?:\s+(?:nua|sau|later))?$")
_SERIES_RE = re.compile(
    r"^(?P<every>hang thang|moi thang|monthly|hang tuan|moi tuan|weekly|"
    r"(?:moi|every)\s+(?P<n>\d{1,3})\s*(?P<u>[a-z]+))\s*(?:x|lan|times|\*)?\s*(?P<count>\d{1,3})"
    r"\s*(?:lan|times|x)?$"
)
_SERIES_UNITS = {"hang thang": Interval(1, Unit.MONTH), "moi thang": Interval(1, Unit.MONTH),
                 "monthly": Interval(1, Unit.MONTH), "hang tuan": Interval(1, Unit.WEEK),
                 "moi tuan": Interval(1, Unit.WEEK), "weekly": Interval(1, Unit.WEEK)}


def parse_interval(raw: str, *, field: str = "interval") -> Interval:
    """'14 ngày', '2 tuần', '3 tháng', 'sau 14 ngày', '14d', '2w', '3 months'."""
    key = fold(raw).replace(" ", " ")
    m = _INTERVAL_RE.match(key)
    if not m or m.group(2) not in _UNIT_WORDS or int(m.group(1)) <= 0:
        raise BadInput("interval.invalid",
                       f"Khoảng tái khám không hiểu được: {excerpt(raw)} (ví dụ: 14 ngày, 2 tuần, 3 tháng).",
                       f"Cannot read the interval {excerpt(raw)} (e.g. 14 days, 2 weeks, 3 months).",
                       field=field)
    return Interval(int(m.group(1)), _UNIT_WORDS[m.group(2)])


def parse_series(raw: str, *, field: str = "series") -> tuple[Interval, int]:
    """'monthly x 6', 'hàng tháng x 6', 'mỗi 2 tuần x 4', 'every 3 months x 4'."""
    key = fold(raw)
    m = _SERIES_RE.match(key)
    interval: Interval | None = None
    if m:
        if m.group("n"):
            unit = _UNIT_WORDS.get(m.group("u"))
            if unit and int(m.group("n")) > 0:
                interval = Interval(int(m.group("n")), unit)
        else:
            interval = _SERIES_UNITS.get(m.group("every"))
    if not m or interval is None or not 1 <= int(m.group("count")) <= 120:
        raise BadInput("series.invalid",
                       f"Chuỗi tái khám không hiểu được: {excerpt(raw)} (ví dụ: hàng tháng x 6).",
                       f"Cannot read the series {excerpt(raw)} (e.g. monthly x 6).", field=field)
    return interval, int(m.group("count"))


@dataclass(frozen=True)
class Window:
    earliest: date
    latest: date

    def __contains__(self, day: date) -> bool:
        return self.earliest <= day <= self.latest


def default_window(target: date, cal: Calendar, *, working_days: int = 10,
                   clinic: str | None = None) -> Window:
    return Window(target, cal.add_working_days(target, working_days, clinic))


def check_window(earliest: date, latest: date) -> Window:
    if latest < earliest:
        raise BadInput("window.order", "Ngày cuối của khoảng hẹn trước ngày đầu.",
                       "The window ends before it starts.", field="window")
    return Window(earliest, latest)


@dataclass(frozen=True)
class Candidate:
    """A session and its load, as the suggestion sees it."""

    key: str
    day: date
    part: Part
    capacity: int
    booked: int
    open: bool = True

    @property
    def free(self) -> int:
        return self.capacity - self.booked

    @property
    def load(self) -> float:
        return self.booked / self.capacity if self.capacity else 1.0


def suggest(candidates: Iterable[Candidate], *, target: date, window: Window,
            parts: Sequence[Part] = (), weekdays: Sequence[int] = ()) -> Candidate | None:
    """The least-loaded open session with a free place inside the window.

    Ties go to the session nearest the target date, then the earlier part of day.
    Preferred parts of day and weekdays are honoured when any such session is free;
    otherwise the preference is relaxed rather than offering nothing.
    """
    usable = [c for c in candidates if c.open and c.free > 0 and c.day in window]
    if not usable:
        return None
    preferred = [c for c in usable
                 if (not parts or c.part in parts) and (not weekdays or c.day.weekday() in weekdays)]
    pool = preferred or usable
    return min(pool, key=lambda c: (c.load, abs((c.day - target).days), c.day, c.part.order,
                                    c.key))


BOOKING_HORIZON_DAYS = 731  # an appointment is booked at most two years ahead
ORDER_HORIZON_YEARS = 10  # a follow-up order's target at most ten years ahead


def check_horizon(day: date, today: date, *, field: str = "date") -> None:
    """Refuse a booking further ahead than BOOKING_HORIZON_DAYS (a typo such as +9999
    would book in 2054)."""
    last = today + timedelta(days=BOOKING_HORIZON_DAYS)
    if day > last:
        raise Refused("date.horizon",
                      f"Chỉ đặt lịch trong vòng 2 năm (đến {last:%d/%m/%Y}); "
                      f"{day:%d/%m/%Y} quá xa.",
                      f"Appointments are booked at most two years ahead (until "
                      f"{last.isoformat()}); {day.isoformat()} is too far.", field=field,
                      details={"last": last.isoformat()})


def check_order_horizon(target: date, today: date, *, field: str = "target") -> None:
    """Refuse an order whose target is more than ORDER_HORIZON_YEARS ahead."""
    if target > add_months(today, 12 * ORDER_HORIZON_YEARS):
        raise Refused("order.horizon",
                      f"Ngày tái khám quá xa ({target:%d/%m/%Y}): tối đa "
                      f"{ORDER_HORIZON_YEARS} năm.",
                      f"The target date {target.isoformat()} is too far ahead: at most "
                      f"{ORDER_HORIZON_YEARS} years.", field=field)
