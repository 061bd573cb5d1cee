"""Planning the messages of an appointment: the confirmation and the reminders.

A confirmation is due now; reminders at configured offsets before the day (default 3 days
and 1 day), at the configured hour; every due time is moved inside the allowed hours
(default 07:00-21:00, clinic time); each message expires when its appointment starts, and
one whose due time has already passed at booking is not planned (the confirmation covers it).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


class Kind(enum.StrEnum):
    CONFIRMATION = "confirmation"
    REMINDER = "reminder"
    CANCELLATION = "cancellation"
    RESCHEDULED = "rescheduled"


class MessageStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Policy:
    offsets_days: Sequence[int] = (3, 1)
    send_at: time = time(9, 0)
    allowed_start: time = time(7, 0)
    allowed_end: time = time(21, 0)


@dataclass(frozen=True)
class Planned:
    kind: Kind
    due_at: datetime
    expires_at: datetime
    offset_days: int | None = None

    @property
    def key_suffix(self) -> str:
        return self.kind.value if self.offset_days is None else f"{self.kind.value}-{self.offset_days}d"


def into_allowed_hours(at: datetime, policy: Policy) -> datetime:
    """The first allowed instant at or after ``at`` (its zone is the clinic's)."""
    local = at.timetz()
    start = at.replace(hour=policy.allowed_start.hour, minute=policy.allowed_start.minute,
                       second=0, microsecond=0)
    if local.replace(tzinfo=None) < policy.allowed_start:
        return start
    if local.replace(tzinfo=None) >= policy.allowed_end:
        return start + timedelta(days=1)
    return at


def in_allowed_hours(at: datetime, tz: ZoneInfo, policy: Policy) -> bool:
    local = at.astimezone(tz).time()
    return policy.allowed_start <= local < policy.allowed_end


def appointment_start(day: date, start: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, start, tzinfo=tz)


def plan(*, booked_at: datetime, day: date, starts: time, tz: ZoneInfo,
         policy: Policy = Policy(), confirmation: bool = True) -> list[Planned]:
    """The messages to queue for an appointment on ``day`` starting at ``starts``."""
    begins = appointment_start(day, starts, tz)
    now_local = booked_at.astimezone(tz)
    out: list[Planned] = []
    if now_local >= begins:
        return out
    if confirmation:
        due = into_allowed_hours(now_local, policy)
        if due < begins:
            out.append(Planned(Kind.CONFIRMATION, due, begins))
    for offset in sorted(set(policy.offsets_days), reverse=True):
        due = into_allowed_hours(
            datetime.combine(day - timedelta(days=offset), policy.send_at, tzinfo=tz), policy)
        if due <= now_local or due >= begins:
            continue
        out.append(Planned(Kind.REMINDER, due, begins, offset))
    return out


def plan_notice(kind: Kind, *, now: datetime, tz: ZoneInfo, policy: Policy = Policy(),
                expires_at: datetime) -> Planned | None:
    """A one-off notice (cancellation, reschedule) due now, inside allowed hours."""
    due = into_allowed_hours(now.astimezone(tz), policy)
    if due >= expires_at:
        return None
    return Planned(kind, due, expires_at)
