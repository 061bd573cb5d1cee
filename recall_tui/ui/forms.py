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


# between the two dates of a window: a dash with spaces, an en or em dash, "..", "đến", "to"
_WINDOW_SEP = re.compile(r"\s*(?:–|—|\.\.|\s-\s|\s+đến\s+|\s+to\s+)\s*", re.IGNORECASE)


def parse_window(raw: str, *, today: date, field: str = "window") -> tuple[date | None, date | None]:
    """A custom window "01/12-15/12" (either end may be left out: "-15/12", "01/12-");
    (None, None) when nothing was typed."""
    v = clean(raw)
    if not v:
        return None, None
    parts = _WINDOW_SEP.split(v)
    if len(parts) == 1 and "/" in v and v.count("-") == 1:
        parts = v.split("-")
    if len(parts) != 2 or not any(p.strip() for p in parts):
        raise BadInput("window.invalid", S["bad.window"][0].format(v=raw),
                       S["bad.window"][1].format(v=raw), field=field)
    a, b = (p.strip() for p in parts)
    return (parse_day(a, field=field, today=today) if a else None,
            parse_day(b, field=field, today=today) if b else None)


def patient_form_values(v: dict) -> tuple[list, dict]:
    """The phones and birth fields of a patient form (register or edit), as the patients
    service takes them: (phones_in, {"birth_year" | "birth_date": ...})."""
    from ..services.patients import PhoneIn

    phones = [PhoneIn(v["phone"])] if v["phone"].strip() else []
    if v["caregiver"].strip():
        phones.append(PhoneIn(v["caregiver"], "caregiver", v["caregiver_name"]))
    born = v["born"].strip()
    kw: dict = {}
    if re.fullmatch(r"\d{4}", born):
        kw["birth_year"] = int(born)
    elif born:
        kw["birth_date"] = parse_day(born, field="birth_date")
    return phones, kw
