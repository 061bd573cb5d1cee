"""The one reader of what a person types: dates, times, instants, intervals, series, windows.

The CLI and the desk both read input through these functions, so "1/12", "01.12.2026",
"hôm nay", "+3", "8h30" and "14 ngày" mean the same thing everywhere. Each refuses with a
``BadInput`` naming the field, in Vietnamese and English.

- Dates: ISO ``2026-12-01``; day first ``01/12/2026``, ``1-12-2026``, ``01.12.2026``,
  ``1/12/26``; ``1/12`` (this year; with ``future=True`` a day already past means next
  year's); ``hôm nay``/``today``, ``mai``/``tomorrow``, ``hôm qua``/``yesterday``; ``+3``
  / ``-2`` days from today, ``+2 tuần``, ``+1 tháng``.
- Times: ``08:30``, ``8:30``, ``8h30``, ``8h``, ``8g30``, ``8.30``, ``14:00:00``.
- Intervals as doctors say them: ``14 ngày``, ``sau 2 tuần``, ``3 tháng``, ``1 năm``,
  ``6 weeks``, ``14d``; never negative.
- Series: ``hàng tháng x 6``, ``mỗi 2 tuần x 4``, ``every 3 months x 4``, ``monthly x 6``.
- A follow-up as said: ``sau 14 ngày, hàng tháng x 6`` (a first interval, then a series).
- Windows: ``01/12-15/12``, ``01/12 đến 15/12``, ``-15/12`` (either end may be left out).
"""

from __future__ import annotations

import calendar as _cal
import enum
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from .errors import BadInput
from .text import clean, excerpt, fold

MIN_YEAR, MAX_YEAR = 1900, 2199  # dates and instants recall takes at all
MAX_INTERVAL_DAYS = 3 * 366  # a follow-up further than three years away is a typo
MAX_SERIES = 120


# -- intervals --------------------------------------------------------------------------------

class Unit(enum.StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


_UNIT_VI = {"day": "ngày", "week": "tuần", "month": "tháng", "year": "năm"}


def add_months(day: date, months: int) -> date:
    """Calendar months, clamped to the month's end: 31 Jan + 1 month = 28/29 Feb."""
    month0 = day.month - 1 + months
    year = day.year + month0 // 12
    month = month0 % 12 + 1
    last = _cal.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


@dataclass(frozen=True)
class Interval:
    count: int
    unit: Unit

    def after(self, day: date, times: int = 1) -> date:
        n = self.count * times
        if self.unit == Unit.DAY:
            return day + timedelta(days=n)
        if self.unit == Unit.WEEK:
            return day + timedelta(weeks=n)
        if self.unit == Unit.YEAR:
            return add_months(day, 12 * n)
        return add_months(day, n)

    @property
    def approx_days(self) -> int:
        return self.count * {"day": 1, "week": 7, "month": 31, "year": 366}[self.unit]

    def __str__(self) -> str:
        return f"{self.count} {self.unit}{'s' if self.count != 1 else ''}"

    @property
    def vi(self) -> str:
        return f"{self.count} {_UNIT_VI[self.unit]}"

    def said(self, lang: str) -> str:
        return self.vi if lang == "vi" else str(self)


_UNIT_WORDS = {
    "ngay": Unit.DAY, "n": Unit.DAY, "d": Unit.DAY, "day": Unit.DAY, "days": Unit.DAY,
    "tuan": Unit.WEEK, "t": Unit.WEEK, "w": Unit.WEEK, "week": Unit.WEEK, "weeks": Unit.WEEK,
    "wk": Unit.WEEK, "wks": Unit.WEEK,
    "thang": Unit.MONTH, "th": Unit.MONTH, "m": Unit.MONTH, "month": Unit.MONTH,
    "months": Unit.MONTH, "mo": Unit.MONTH,
    "nam": Unit.YEAR, "y": Unit.YEAR, "yr": Unit.YEAR, "year": Unit.YEAR, "years": Unit.YEAR,
}
_NUM = r"(\d{1,4})"
_INTERVAL_RE = re.compile(
    rf"^(?:sau\s+|after\s+|in\s+)?{_NUM}\s*([a-z]+)(?:\s+(?:nua|sau|later))?$")
_SERIES_RE = re.compile(
    r"^(?P<every>hang thang|moi thang|monthly|hang tuan|moi tuan|weekly|hang nam|moi nam|"
    r"yearly|(?:moi|every)\s+(?P<n>\d{1,4})\s*(?P<u>[a-z]+))\s*(?:x|lan|times|\*)?\s*"
    r"(?P<count>\d{1,4})\s*(?:lan|times|x)?$"
)
_SERIES_EVERY = {"hang thang": Interval(1, Unit.MONTH), "moi thang": Interval(1, Unit.MONTH),
                 "monthly": Interval(1, Unit.MONTH), "hang tuan": Interval(1, Unit.WEEK),
                 "moi tuan": Interval(1, Unit.WEEK), "weekly": Interval(1, Unit.WEEK),
                 "hang nam": Interval(1, Unit.YEAR), "moi nam": Interval(1, Unit.YEAR),
                 "yearly": Interval(1, Unit.YEAR)}


def _negative(raw: str) -> bool:
    return bool(re.search(r"(^|\s|[x*])[-−–]\s*\d", clean(raw)))


def _refuse_negative(raw: str, field: str) -> None:
    if _negative(raw):
        raise BadInput(f"{field}.negative",
                       f"Không được là số âm: {excerpt(raw)}.",
                       f"Cannot be negative: {excerpt(raw)}.", field=field)


def parse_interval(raw: str, *, field: str = "interval") -> Interval:
    """'14 ngày', '2 tuần', '3 tháng', '1 năm', 'sau 14 ngày', '14d', '6 weeks'."""
    _refuse_negative(raw or "", field)
    m = _INTERVAL_RE.match(fold(raw))
    iv = None
    if m and m.group(2) in _UNIT_WORDS and int(m.group(1)) > 0:
        iv = Interval(int(m.group(1)), _UNIT_WORDS[m.group(2)])
    if iv is None or iv.approx_days > MAX_INTERVAL_DAYS:
        raise BadInput("interval.invalid",
                       f"Khoảng tái khám không hiểu được: {excerpt(raw)} "
                       "(ví dụ: 14 ngày, 6 tuần, 3 tháng, 1 năm; tối đa 3 năm).",
                       f"Cannot read the interval {excerpt(raw)} "
                       "(e.g. 14 days, 6 weeks, 3 months, 1 year; at most 3 years).",
                       field=field)
    return iv


@dataclass(frozen=True)
class Series:
    every: Interval
    count: int


def parse_series(raw: str, *, field: str = "series") -> Series:
    """'hàng tháng x 6', 'monthly x 6', 'mỗi 2 tuần x 4', 'every 3 months x 4'."""
    _refuse_negative(raw or "", field)
    m = _SERIES_RE.match(fold(raw))
    every: Interval | None = None
    if m:
        if m.group("n"):
            u = _UNIT_WORDS.get(m.group("u"))
            if u and int(m.group("n")) > 0:
                every = Interval(int(m.group("n")), u)
        else:
            every = _SERIES_EVERY.get(m.group("every"))
    if (not m or every is None or every.approx_days > MAX_INTERVAL_DAYS
            or not 1 <= int(m.group("count")) <= MAX_SERIES):
        raise BadInput("series.invalid",
                       f"Chuỗi tái khám không hiểu được: {excerpt(raw)} "
                       f"(ví dụ: hàng tháng x 6; từ 1 đến {MAX_SERIES} lần).",
                       f"Cannot read the series {excerpt(raw)} "
                       f"(e.g. monthly x 6; 1 to {MAX_SERIES} visits).", field=field)
    return Series(every, int(m.group("count")))


@dataclass(frozen=True)
class FollowUp:
    """A follow-up as the doctor says it: a first interval, and/or a series."""

    interval: Interval | None
    series: Series | None


_FOLLOW_UP_WORDS = re.compile(r"\s+(?:roi|sau do|then|and|va)\s+")


def parse_follow_up(raw: str, *, field: str = "interval") -> FollowUp:
    """'sau 14 ngày', 'hàng tháng x 6', 'sau 14 ngày, rồi hàng tháng x 6'."""
    parts = []
    for piece in re.split(r"[,;]", raw or ""):
        if _negative(piece):
            parts.append(piece)
            continue
        key = re.sub(r"^(?:roi|sau do|then|and|va)\s+", "", fold(piece))
        parts.extend(p for p in _FOLLOW_UP_WORDS.split(key) if p)
    interval = series = None
    for part in parts or [raw]:
        try:
            s = parse_series(part, field=field)
        except BadInput:
            if interval is not None:
                raise
            interval = parse_interval(part, field=field)
        else:
            if series is not None:
                raise BadInput("follow_up.two_series", "Chỉ một chuỗi tái khám.",
                               "Only one series, please.", field=field) from None
            series = s
    return FollowUp(interval, series)


# -- dates --------------------------------------------------------------------------------

_TODAY = {"today", "hom nay", "nay", "bay gio", "now"}
_TOMORROW = {"tomorrow", "mai", "ngay mai"}
_YESTERDAY = {"yesterday", "hom qua", "qua"}
_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})")
_DM = re.compile(r"(\d{1,2})[/.](\d{1,2})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_RELATIVE = re.compile(r"([+\-])\s*(\d{1,4})(?:\s*(.+))?")


def _bad_date(raw: str, field: str) -> BadInput:
    return BadInput("date.invalid",
                    f"Ngày không hợp lệ: {excerpt(raw)} (vd. 01/12/2026, 1/12, hôm nay, +3).",
                    f"Not a valid date: {excerpt(raw)} (e.g. 2026-12-01, 01/12/2026, "
                    "today, +3).", field=field)


def _day(y: int, m: int, d: int, raw: str, field: str, *, short_year: bool = False) -> date:
    if short_year:  # "1/12/26"
        y += 2000
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise _bad_date(raw, field)
    try:
        return date(y, m, d)
    except ValueError:
        raise _bad_date(raw, field) from None


def parse_date(raw: str | None, *, field: str = "date", today: date | None = None,
               future: bool = False) -> date | None:
    """A date as typed at the desk or on the command line (see the module docstring).

    ``today`` is needed for the words and offsets and for a day without a year; with
    ``future`` a day/month already past this year means next year's."""
    if raw is None:
        return None
    s = clean(raw)
    if not s:
        return None
    if today is not None:
        key = fold(s)
        if key in _TODAY:
            return today
        if key in _TOMORROW:
            return today + timedelta(days=1)
        if key in _YESTERDAY:
            return today - timedelta(days=1)
        m = _RELATIVE.fullmatch(s)
        if m:
            sign = 1 if m.group(1) == "+" else -1
            if m.group(3):
                iv = parse_interval(f"{m.group(2)} {m.group(3)}", field=field)
                if sign < 0:
                    raise _bad_date(raw, field)
                out = iv.after(today)
            else:
                out = today + timedelta(days=sign * int(m.group(2)))
            if not MIN_YEAR <= out.year <= MAX_YEAR:
                raise _bad_date(raw, field)
            return out
    m = _YMD.fullmatch(s)
    if m:
        return _day(int(m.group(1)), int(m.group(2)), int(m.group(3)), raw, field)
    m = _DMY.fullmatch(s)
    if m:
        return _day(int(m.group(3)), int(m.group(2)), int(m.group(1)), raw, field,
                    short_year=len(m.group(3)) == 2)
    m = _DM.fullmatch(s)
    if m and today is not None:
        d = _day(today.year, int(m.group(2)), int(m.group(1)), raw, field)
        if future and d < today:
            d = _day(today.year + 1, d.month, d.day, raw, field)
        return d
    raise _bad_date(raw, field)


def looks_like_date(raw: str) -> bool:
    """Text that is meant as a date rather than a name or a code."""
    s = clean(raw)
    return bool(_YMD.fullmatch(s) or _DMY.fullmatch(s) or _DM.fullmatch(s))


# -- times --------------------------------------------------------------------------------

_TIME = re.compile(r"(\d{1,2})(?:[:hg.](\d{2})?(?::(\d{2}))?)?")


def parse_time(raw: str | None, *, field: str = "time") -> time | None:
    """'08:30', '8:30', '8h30', '8h', '8g30', '8.30', '14:00:00'; None when empty."""
    if raw is None:
        return None
    s = clean(raw).lower()
    if not s:
        return None
    m = _TIME.fullmatch(s)
    bare_hour = m is not None and m.group(2) is None and not re.search(r"[hg]$", s)
    if m and not bare_hour:
        h, mi, sec = int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0)
        if h < 24 and mi < 60 and sec < 60:
            return time(h, mi, sec)
    raise BadInput("time.invalid",
                   f"Giờ không hợp lệ: {excerpt(raw)} (vd. 08:30, 8h30).",
                   f"Not a valid time: {excerpt(raw)} (e.g. 08:30, 8h30).", field=field)


def parse_instant(raw: str | None, *, tz: tzinfo, field: str = "now") -> datetime | None:
    """An ISO instant; without a zone it is the clinic's local time."""
    if raw is None:
        return None
    s = clean(raw)
    try:
        value = datetime.fromisoformat(s)
    except ValueError:
        value = None
    if value is None or not MIN_YEAR <= value.year <= MAX_YEAR:
        raise BadInput(f"{field}.invalid", f"Thời điểm không hợp lệ: {excerpt(raw)} "
                       "(vd. 2026-11-25T09:00).",
                       f"Not a valid instant: {excerpt(raw)} (e.g. 2026-11-25T09:00).",
                       field=field)
    return value if value.tzinfo is not None else value.replace(tzinfo=tz)


# -- windows --------------------------------------------------------------------------------

# between the two dates: a dash with spaces, an en or em dash, "..", "đến", "to"
_WINDOW_SEP = re.compile(r"\s*(?:–|—|\.\.|\s-\s|\s+đến\s+|\s+den\s+|\s+to\s+)\s*",
                         re.IGNORECASE)


def parse_window(raw: str | None, *, today: date, field: str = "window"
                 ) -> tuple[date | None, date | None]:
    """A window "01/12-15/12" (either end may be left out: "-15/12", "01/12-");
    (None, None) when nothing was typed."""
    v = clean(raw)
    if not v:
        return None, None
    parts = _WINDOW_SEP.split(v)
    if len(parts) == 1 and v.count("-") == 1 and "/" in v:
        parts = v.split("-")
    if len(parts) != 2 or not any(p.strip() for p in parts):
        raise BadInput("window.invalid",
                       f"Khoảng ngày không đúng dạng dd/mm-dd/mm: {excerpt(raw)}.",
                       f"Not a window (dd/mm-dd/mm): {excerpt(raw)}.", field=field)
    a, b = (p.strip() for p in parts)
    return (parse_date(a, field=field, today=today, future=True) if a else None,
            parse_date(b, field=field, today=today, future=True) if b else None)


@dataclass(frozen=True)
class OrderText:
    """What the doctor said, typed in one field: a date, or a follow-up."""

    target: date | None
    follow_up: FollowUp | None


def parse_order_text(raw: str, *, today: date, field: str = "interval") -> OrderText:
    """'16/12', '2026-12-16', '+14' (a target date) or '14 ngày', 'hàng tháng x 6',
    'sau 14 ngày, hàng tháng x 6' (a follow-up)."""
    s = clean(raw)
    if not s:
        raise BadInput("order.when",
                       "Cần khoảng tái khám (vd. 14 ngày), ngày hẹn, hoặc khoảng ngày hẹn.",
                       "Give an interval (e.g. 14 days), a target date, or a window.",
                       field=field)
    bare_offset = _RELATIVE.fullmatch(s)
    if looks_like_date(s) or (bare_offset and not bare_offset.group(3)):
        return OrderText(parse_date(s, field=field, today=today, future=True), None)
    return OrderText(None, parse_follow_up(s, field=field))
