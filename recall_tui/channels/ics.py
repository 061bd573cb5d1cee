"""The calendar invitation (.ics) that goes with an appointment e-mail (RFC 5545 / 5546).

A booking sends METHOD:REQUEST; a cancellation sends METHOD:CANCEL with the same UID, a
higher SEQUENCE and STATUS:CANCELLED, so the patient's calendar removes the event it
holds. Times are written in the clinic's zone, with its VTIMEZONE (built once per zone and
span of years, then reused: building one takes tens of milliseconds).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar

METHODS = ("REQUEST", "CANCEL")
PRODID = "-//recall//recall_tui//EN"


def build_ics(*, uid: str, sequence: int, method: str, summary: str, location: str,
              start: datetime, end: datetime, tz_name: str, organizer_email: str,
              attendee_email: str, description: str = "", stamp: datetime,
              organizer_name: str = "", attendee_name: str = "") -> bytes:
    """The .ics bytes (UTF-8, CRLF lines) of one appointment.

    ``start``, ``end`` and ``stamp`` (when this version was made: the caller's ``now``)
    must be aware; ``tz_name`` is an IANA zone such as "Asia/Ho_Chi_Minh".
    """
    method = method.upper()
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r} (known: {', '.join(METHODS)})")
    if sequence < 0:
        raise ValueError("sequence must be 0 or more")
    for label, moment in (("start", start), ("end", end), ("stamp", stamp)):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"{label} must be an aware datetime")
    if end <= start:
        raise ValueError("end must be after start")
    try:
        zone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {tz_name!r}") from None

    event = icalendar.Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", start.astimezone(zone))
    event.add("dtend", end.astimezone(zone))
    event.add("summary", summary)
    if location:
        event.add("location", location)
    if description:
        event.add("description", description)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("organizer", _address(organizer_email, organizer_name))
    attendee = _address(attendee_email, attendee_name)
    attendee.params["ROLE"] = "REQ-PARTICIPANT"
    attendee.params["PARTSTAT"] = "NEEDS-ACTION"
    attendee.params["RSVP"] = "FALSE"  # replies are not read; the patient answers by text
    event.add("attendee", attendee)

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    first, last = _span(start, end, zone)
    calendar.add_component(_vtimezone(tz_name, first.year, last.year))
    calendar.add_component(event)
    return calendar.to_ical()


@lru_cache(maxsize=32)
def _vtimezone(tz_name: str, first_year: int, last_year: int) -> icalendar.Timezone:
    """The zone's VTIMEZONE for whole years (shared, never changed once built)."""
    return icalendar.Timezone.from_tzid(tz_name, first_date=date(first_year, 1, 1),
                                        last_date=date(last_year, 12, 31))


def _address(email: str, name: str) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = icalendar.vText(name)
    return address


def _span(start: datetime, end: datetime, zone: ZoneInfo) -> tuple[date, date]:
    """The dates the VTIMEZONE must cover: the event, with a year's margin either side."""
    return ((start.astimezone(zone) - timedelta(days=366)).date(),
            (end.astimezone(zone) + timedelta(days=366)).date())
