"""Reading what a person typed into a form: dates, times (entry-side parsing only)."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from ..core.errors import BadInput
from ..core.text import clean
from .i18n import S


def parse_day(raw: str, *, field: str = "date", today: date | None = None) -> date:
    v = clean(raw)
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d/%m/%y", "%d.%m.%Y"):
        try:
            return datetime.strptime(v, fmt).date()
        except ValueError:
            pass
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})", v)
    if m and today is not None:
        try:
            d = date(today.year, int(m.group(2)), int(m.group(1)))
            return d if d >= today else date(today.year + 1, d.month, d.day)
        except ValueError:
            pass
    raise BadInput("date.invalid", S["bad.date"][0].format(v=raw), S["bad.date"][1].format(v=raw),
                   field=field)


def parse_clock(raw: str, *, field: str = "time") -> time | None:
    v = clean(raw)
    if not v:
        return None
    m = re.fullmatch(r"(\d{1,2})[:hg.](\d{2})", v)
    if m and int(m.group(1)) < 24 and int(m.group(2)) < 60:
        return time(int(m.group(1)), int(m.group(2)))
    raise BadInput("time.invalid", S["bad.time"][0].format(v=raw), S["bad.time"][1].format(v=raw),
                   field=field)


def looks_like_day(raw: str) -> bool:
    return bool(re.fullmatch(r"\s*\d{1,4}[/.\-]\d{1,2}([/.\-]\d{2,4})?\s*", raw or ""))
