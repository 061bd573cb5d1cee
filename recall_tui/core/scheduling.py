"""Scheduling rules: target dates, windows, the doctor's order as said, suggestions.

- Target date = visit date + interval, in the clinic's local calendar (months are calendar
  months, clamped to the month's end: 31 Jan + 1 month = 28/29 Feb). A series has its own
  cadence: "sau 14 ngày, hàng tháng x 6" is a first visit after 14 days, then monthly.
- Default window = [target, target + 10 working days] (a follow-up slip's usual validity);
  the target always lies inside its window; an order may be given as a window alone.
- Nothing is booked into a session that has started or ended, unless it is today's session
  still open and the clinic takes walk-ins.
- A suggestion is the least-loaded open session inside the window, ties to the nearest to
  target, honouring the patient's preferred parts of day and weekdays.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from .calendar import Calendar, Part
from .errors import BadInput, Refused
from .parse import FollowUp, Interval, Series, Unit, add_months

__all__ = ["Candidate", "FollowUp", "Interval", "OrderPlan", "Series", "Unit", "Window",
           "add_months", "check_bookable", "check_window", "default_window", "lead_days",
           "plan_order", "suggest"]


def lead_days(day: date, booked_at: datetime, tz: tzinfo) -> int:
    """Lead time: the appointment's date minus the booking's local date, in days."""
    return (day - booked_at.astimezone(tz).date()).days


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
class OrderPlan:
    """What an order says once its rules are applied: when, within what, how it repeats."""

    target: date
    window: Window
    interval: Interval | None  # the first follow-up after the visit, when said so
    series: Series | None  # the series' own cadence and size


def plan_order(*, visit: date, today: date, follow_up: FollowUp | None = None,
               target: date | None = None, earliest: date | None = None,
               latest: date | None = None,
               window_for: Callable[[date], Window]) -> OrderPlan:
    """The doctor's order as meant: a target from an interval after the visit (or the
    series' cadence, or a date given, or the window's first day), inside its window."""
    interval = follow_up.interval if follow_up else None
    series = follow_up.series if follow_up else None
    said = interval.after(visit) if interval else None
    if target is not None and said is not None and target != said:
        raise BadInput("order.target_and_interval",
                       f"Ngày hẹn {target:%d/%m/%Y} khác {interval.vi} sau ngày khám "
                       f"({said:%d/%m/%Y}): chỉ ghi một trong hai.",
                       f"The target {target.isoformat()} is not {interval} after the visit "
                       f"({said.isoformat()}): give one or the other.", field="target")
    if target is None:
        target = said
    if target is None and series is not None:
        target = series.every.after(visit)
    if target is None:
        target = earliest if earliest is not None else (today if latest is not None else None)
    if target is None:
        raise BadInput("order.when",
                       "Cần khoảng tái khám (vd. 14 ngày), ngày hẹn, hoặc khoảng ngày hẹn.",
                       "Give an interval (e.g. 14 days), a target date, or a window.",
                       field="interval")
    default = window_for(target)
    window = check_window(earliest if earliest is not None else min(target, default.earliest),
                          latest if latest is not None else default.latest)
    if target not in window:
        raise BadInput("order.target_outside",
                       f"Ngày hẹn {target:%d/%m/%Y} nằm ngoài khoảng "
                       f"{window.earliest:%d/%m/%Y}–{window.latest:%d/%m/%Y}.",
                       f"The target {target.isoformat()} is outside its window "
                       f"{window.earliest.isoformat()}..{window.latest.isoformat()}.",
                       field="target")
    if window.latest < today:
        raise BadInput("order.past", "Khoảng ngày hẹn đã qua.", "The window is in the past.",
                       field="latest")
    if target < today:
        raise BadInput("order.past", "Ngày tái khám đã qua.", "The target date is in the past.",
                       field="target")
    check_order_horizon(target, today)
    return OrderPlan(target=target, window=window, interval=interval, series=series)


def check_bookable(*, day: date, starts: time, ends: time, now_local: datetime,
                   walk_ins: bool, at_time: time | None = None) -> None:
    """Refuse a session that has started or ended (Refused, exit 3), unless it is today's
    session still open and the clinic takes walk-ins; a timed booking not in the past."""
    today, clock = now_local.date(), now_local.time()
    if day < today or (day == today and clock >= ends):
        raise Refused("session.ended",
                      f"Buổi khám {day:%d/%m/%Y} {starts:%H:%M}–{ends:%H:%M} đã kết thúc.",
                      f"The session of {day.isoformat()} {starts:%H:%M}-{ends:%H:%M} has ended.",
                      field="session", details={"day": day.isoformat()})
    if day == today and clock >= starts and not walk_ins:
        raise Refused("session.started",
                      f"Buổi khám {day:%d/%m/%Y} đã bắt đầu lúc {starts:%H:%M}; phòng khám "
                      "không nhận đặt thêm khi buổi đã bắt đầu.",
                      f"The session of {day.isoformat()} started at {starts:%H:%M}; this "
                      "clinic takes no bookings once a session has started.",
                      field="session", details={"day": day.isoformat()})
    if day == today and at_time is not None and at_time < clock:
        raise Refused("time.past", f"Giờ {at_time:%H:%M} đã qua.",
                      f"{at_time:%H:%M} has passed.", field="time")


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
