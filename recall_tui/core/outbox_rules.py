"""What the sender does with one due message: the rules, as plain values.

- ``fate``: send it, or end it unsent (its appointment was cancelled, moved or has started;
  it is past its expiry).
- ``next_route``: the channel to fall over to after a permanent failure: the next one in
  the patient's order that still works for them, never one already behind.
- ``backoff``: when to try a transient failure again on the same channel.
"""

from __future__ import annotations

from collections.abc import Sequence
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
