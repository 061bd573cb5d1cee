"""The clinic calendar: sessions made from templates, closures, holidays and overrides.

Pure: the public holidays come in as data (``Holidays``); ``vietnam_holidays`` builds that
data from the ``holidays`` package (lunar Tết and the government's swap days included).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from functools import lru_cache


class Part(enum.StrEnum):
    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"

    @classmethod
    def parse(cls, raw: str) -> Part:
        from .errors import BadInput
        from .text import excerpt

        key = (raw or "").strip().lower()
        aliases = {
            "morning": cls.MORNING, "am": cls.MORNING, "sang": cls.MORNING, "sáng": cls.MORNING,
            "s": cls.MORNING, "m": cls.MORNING,
            "afternoon": cls.AFTERNOON, "pm": cls.AFTERNOON, "chieu": cls.AFTERNOON,
            "chiều": cls.AFTERNOON, "c": cls.AFTERNOON, "a": cls.AFTERNOON,
            "evening": cls.EVENING, "toi": cls.EVENING, "tối": cls.EVENING, "e": cls.EVENING,
        }
        if key not in aliases:
            raise BadInput("part.invalid",
                           f"Buổi khám không hợp lệ: {excerpt(raw)} (sáng, chiều hoặc tối).",
                           f"Not a session part: {excerpt(raw)} (morning, afternoon or evening).",
                           field="session")
        return aliases[key]

    @property
    def vi(self) -> str:
        return {"morning": "Sáng", "afternoon": "Chiều", "evening": "Tối"}[self.value]

    @property
    def order(self) -> int:
        return ("morning", "afternoon", "evening").index(self.value)


WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


@dataclass(frozen=True)
class SessionTemplate:
    clinic: str
    weekday: int  # 0 = Monday
    part: Part
    start: time
    end: time
    capacity: int
    overbook_limit: int = 0
    doctor: str | None = None
    slot_minutes: int | None = None


@dataclass(frozen=True)
class Closure:
    start: date
    end: date
    reason: str
    clinic: str | None = None  # None: the whole facility
    doctor: str | None = None

    def covers(self, day: date, clinic: str, doctor: str | None) -> bool:
        if not self.start <= day <= self.end:
            return False
        if self.clinic is not None and self.clinic != clinic:
            return False
        if self.doctor is not None and self.doctor != doctor:
            return False
        return True


@dataclass(frozen=True)
class DayOverride:
    """Close a day, or open one (làm bù: a make-up working day runs like ``as_weekday``)."""

    day: date
    open: bool
    reason: str
    clinic: str | None = None
    as_weekday: int | None = None


@dataclass(frozen=True)
class SessionSpec:
    """One session the calendar offers (or shows as closed) on a date."""

    clinic: str
    doctor: str | None
    day: date
    part: Part
    start: time
    end: time
    capacity: int
    overbook_limit: int
    slot_minutes: int | None
    closed_reason: str | None = None

    @property
    def key(self) -> str:
        return session_key(self.clinic, self.doctor, self.day, self.part)

    @property
    def is_open(self) -> bool:
        return self.closed_reason is None


def session_key(clinic: str, doctor: str | None, day: date, part: Part | str) -> str:
    return f"{clinic}|{doctor or '-'}|{day.isoformat()}|{Part(part).value}"


Holidays = dict[date, str]


@lru_cache(maxsize=64)
def _vn_year(year: int) -> tuple[tuple[date, str], ...]:
    import holidays

    return tuple(sorted(holidays.country_holidays("VN", years=year, language="vi").items()))


def vietnam_year(year: int) -> dict[date, str]:
    """One year of Vietnamese public holidays, from the ``holidays`` package."""
    return dict(_vn_year(year))


class YearlyHolidays(dict):
    """Public holidays, each year looked up the first time a date of it is asked.

    ``source`` gives one year's holidays (default: ``vietnam_year``); a caller may hand a
    cached one, since the ``holidays`` package costs a desk several megabytes to load.
    """

    def __init__(self, extra: Holidays | None = None,
                 source: Callable[[int], dict[date, str]] | None = None):
        super().__init__()
        self._years: set[int] = set()
        self._extra = dict(extra or {})
        self._source = source or vietnam_year

    def get(self, day: date, default=None):  # type: ignore[override]
        if day.year not in self._years:
            self._years.add(day.year)
            self.update(self._source(day.year))
            self.update({d: n for d, n in self._extra.items() if d.year == day.year})
        return super().get(day, default)


def vietnam_holidays(years: Iterable[int]) -> Holidays:
    """Vietnamese public holidays for the given years (incl. Tết and swap days off)."""
    out: Holidays = {}
    for year in years:
        out.update(dict(_vn_year(year)))
    return out


@dataclass
class Calendar:
    templates: list[SessionTemplate]
    closures: list[Closure] = field(default_factory=list)
    overrides: list[DayOverride] = field(default_factory=list)
    holidays: Holidays = field(default_factory=dict)
    observe_holidays: bool = True

    def __post_init__(self) -> None:
        self._by_clinic_weekday: dict[tuple[str, int], list[SessionTemplate]] = {}
        for t in self.templates:
            self._by_clinic_weekday.setdefault((t.clinic, t.weekday), []).append(t)
        for lst in self._by_clinic_weekday.values():
            lst.sort(key=lambda t: (t.part.order, t.doctor or ""))
        self._overrides = {(o.day, o.clinic): o for o in self.overrides}
        self._after_working: dict[tuple[date, int, str | None], date] = {}

    def override(self, day: date, clinic: str) -> DayOverride | None:
        return self._overrides.get((day, clinic)) or self._overrides.get((day, None))

    def holiday(self, day: date) -> str | None:
        return self.holidays.get(day) if self.observe_holidays else None

    def day_closed_reason(self, day: date, clinic: str, doctor: str | None = None) -> str | None:
        """Why a clinic (or a doctor's sessions) is closed on a day, or None if open."""
        ov = self.override(day, clinic)
        if ov is not None and not ov.open:
            return ov.reason
        for c in self.closures:
            if c.covers(day, clinic, doctor):
                return c.reason
        if ov is not None and ov.open:
            return None
        return self.holiday(day)

    def sessions_on(self, day: date, clinic: str) -> list[SessionSpec]:
        """Every session the templates give a clinic on a day, closed ones marked."""
        ov = self.override(day, clinic)
        weekday = ov.as_weekday if (ov and ov.open and ov.as_weekday is not None) else \
            day.weekday()
        out = []
        for t in self._by_clinic_weekday.get((clinic, weekday), []):
            out.append(SessionSpec(
                clinic=clinic, doctor=t.doctor, day=day, part=t.part, start=t.start,
                end=t.end, capacity=t.capacity, overbook_limit=t.overbook_limit,
                slot_minutes=t.slot_minutes,
                closed_reason=self.day_closed_reason(day, clinic, t.doctor),
            ))
        return out

    def sessions_between(self, start: date, end: date, clinics: Iterable[str]) -> Iterator[
            SessionSpec]:
        clinic_list = list(clinics)
        day = start
        while day <= end:
            for clinic in clinic_list:
                yield from self.sessions_on(day, clinic)
            day += timedelta(days=1)

    def is_working_day(self, day: date, clinic: str | None = None) -> bool:
        """Government working days: Monday to Friday, not a holiday; make-up days count."""
        ov = self.override(day, clinic) if clinic else self._overrides.get((day, None))
        if ov is not None:
            return ov.open
        return day.weekday() < 5 and self.holiday(day) is None

    def add_working_days(self, day: date, n: int, clinic: str | None = None) -> date:
        """The date ``n`` working days after ``day`` (remembered: the calendar does not
        change, and an import asks it for the same few dates thousands of times)."""
        key = (day, n, clinic)
        known = self._after_working.get(key)
        if known is not None:
            return known
        current = day
        left = n
        while left > 0:
            current += timedelta(days=1)
            if self.is_working_day(current, clinic):
                left -= 1
        if len(self._after_working) < 4096:
            self._after_working[key] = current
        return current
