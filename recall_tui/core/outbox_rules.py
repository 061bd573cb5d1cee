"""What the sender does with one due message: the rules, as plain values.

- ``fate``: send it, or end it unsent (its appointment was cancelled, moved or has started;
  it is past its expiry).
- ``next_route``: the channel to fall over to after a permanent failure: the next one in
  the patient's order that still works for them, never one already behind.
- ``backoff``: when to try a transient failure again on the same channel.
- ``superseded``: the reminders of one visit that a later reminder, due too, replaces
  (after downtime only the latest goes).
- ``after_lost_run``: what becomes of a message its run was sending when it died.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from .contact import DEFAULT_ORDER, Channel, Route

# Appointment states in which a message about the visit still makes sense.
OPEN_STATES = frozenset({"booked", "confirmed"})
NOT_HAPPENING = frozenset({"cancelled", "rescheduled", "entered_in_error"})
BACKOFF_MINUTES = (1, 5, 15, 60)
MAX_ATTEMPTS = 5


def fate(*, kind: str, appointment_status: str, expires_at: datetime, now: datetime) -> str:
    """"send", "expired" (too late) or "cancelled" (nothing to tell any more)."""
    if now >= expires_at:
        return "expired"
    if kind == "cancellation":
        return "send" if appointment_status == "cancelled" else "cancelled"
    if appointment_status in OPEN_STATES:
        return "send"
    if appointment_status in NOT_HAPPENING:
        return "cancelled"
    return "expired"  # checked in, completed, no-show: the visit has started or passed


def channel_order(preferred: Sequence[str]) -> list[Channel]:
    """The patient's order of channels, then the clinic's default order."""
    out: list[Channel] = []
    for name in list(preferred) + [c.value for c in DEFAULT_ORDER]:
        try:
            ch = Channel(name)
        except ValueError:
            continue
        if ch not in out:
            out.append(ch)
    return out


def next_route(routes: Sequence[Route], *, current: str,
               preferred: Sequence[str]) -> Route | None:
    """The first route after ``current`` in the patient's order (None: none left)."""
    order = channel_order(preferred)
    try:
        here = order.index(Channel(current))
    except ValueError:
        here = -1
    for route in routes:
        if order.index(route.channel) > here:
            return route
    return None


def backoff(attempts: int, *, retry_after: float | None = None) -> timedelta:
    """The wait before attempt ``attempts + 1`` (``attempts`` >= 1 made so far)."""
    step = BACKOFF_MINUTES[min(max(attempts, 1), len(BACKOFF_MINUTES)) - 1]
    wait = timedelta(minutes=step)
    if retry_after and retry_after > 0:
        wait = max(wait, timedelta(seconds=retry_after))
    return wait


# -- one reminder per visit ----------------------------------------------------------------

# A later reminder in one of these states does not stand in for an earlier one.
NOT_A_REMINDER_ANY_MORE = frozenset({"cancelled", "superseded"})


@dataclass(frozen=True)
class Reminder:
    """One reminder of a visit as the rule sees it: when it was planned to go, its status,
    its expiry, and when it is next due (a retry moves ``due_at`` on, never
    ``planned_at``; by default the two are the same)."""

    id: int
    planned_at: datetime
    status: str
    expires_at: datetime
    due_at: datetime | None = None

    @property
    def next_due(self) -> datetime:
        return self.due_at or self.planned_at


def superseded(reminders: Iterable[Reminder], *, now: datetime) -> set[int]:
    """The reminders of one visit that are not to be sent at all: each still ``pending``
    and due (``due_at`` at or before ``now``), not yet expired, with a later-planned
    reminder of the same visit that is due too (planned at or before ``now``) and still
    stands (not cancelled or superseded itself).

    After downtime the 3-day and the 1-day reminder are both due: the 1-day one goes, the
    3-day one is superseded. Applied before sending, it leaves at most one reminder of a
    visit to send at any ``now``: the latest due one. An expired reminder is left to expire;
    one waiting for a retry (``due_at`` still ahead) is decided when it is due again.
    """
    items = list(reminders)
    standing = [r.planned_at for r in items
                if r.status not in NOT_A_REMINDER_ANY_MORE and r.planned_at <= now]
    if not standing:
        return set()
    latest = max(standing)
    return {r.id for r in items if r.status == "pending" and r.next_due <= now
            and r.expires_at > now and r.planned_at < latest}


def sendable(reminders: Iterable[Reminder], *, now: datetime) -> set[int]:
    """The reminders a run at ``now`` sends, once ``superseded`` ones are set aside:
    pending, due at or before ``now``, not expired."""
    items = list(reminders)
    gone = superseded(items, now=now)
    return {r.id for r in items if r.id not in gone and r.status == "pending"
            and r.next_due <= now < r.expires_at}


# -- a run that died mid-send ----------------------------------------------------------------

def after_lost_run(*, channel_dedupes: bool) -> str:
    """What a message becomes when the run sending it died before recording the answer:
    sent again ("retry") where the channel recognises a repeat of the same message (an
    e-mail's Message-ID, a provider's request key), else "maybe_sent": shown to staff,
    never sent a second time behind their back."""
    return "retry" if channel_dedupes else "maybe_sent"
