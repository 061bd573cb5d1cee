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
    SENDING = "sending"  # claimed by a run, under its lease
    IN_FLIGHT = "in_flight"  # handed to a channel that cannot recognise a repeat
    SENT = "sent"
    MAYBE_SENT = "maybe_sent"  # its run died (or the answer was lost) mid-send: not repeated
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"  # a later reminder of the same visit was due too: not sent

    @property
    def vi(self) -> str:
        return STATUS_TEXT[self][0]

    @property
    def en(self) -> str:
        return STATUS_TEXT[self][1]


class MessageMove(enum.StrEnum):
    """What happens to an outbox row; each a move of ``MESSAGE_TRANSITIONS``."""

    CLAIM = "claim"            # a run takes it, under a lease (or takes over a dead run's)
    HAND_OVER = "hand_over"    # given to a channel that cannot recognise a repeat
    SEND = "send"              # the channel took it
    LOSE = "lose"              # its run died (or the answer was lost) mid-send
    RETRY = "retry"            # back to the outbox, due again later (maybe another channel)
    GIVE_BACK = "give_back"    # a run hands back what it has not tried
    FAIL = "fail"              # every channel failed: the call list takes over
    CANCEL = "cancel"          # nothing to tell any more (the visit was cancelled or moved)
    EXPIRE = "expire"          # too late: its visit has started
    SUPERSEDE = "supersede"    # a later reminder of the same visit goes instead


_HELD = (MessageStatus.SENDING, MessageStatus.IN_FLIGHT)
MESSAGE_TRANSITIONS: dict[MessageMove, tuple[frozenset[MessageStatus], MessageStatus]] = {
    MessageMove.CLAIM: (frozenset({MessageStatus.PENDING, MessageStatus.SENDING}),
                        MessageStatus.SENDING),
    MessageMove.HAND_OVER: (frozenset({MessageStatus.SENDING}), MessageStatus.IN_FLIGHT),
    MessageMove.SEND: (frozenset(_HELD), MessageStatus.SENT),
    MessageMove.LOSE: (frozenset(_HELD), MessageStatus.MAYBE_SENT),
    MessageMove.RETRY: (frozenset(_HELD), MessageStatus.PENDING),
    MessageMove.GIVE_BACK: (frozenset({MessageStatus.SENDING}), MessageStatus.PENDING),
    MessageMove.FAIL: (frozenset(_HELD), MessageStatus.FAILED),
    MessageMove.CANCEL: (frozenset({MessageStatus.PENDING, *_HELD}), MessageStatus.CANCELLED),
    MessageMove.EXPIRE: (frozenset(_HELD), MessageStatus.EXPIRED),
    MessageMove.SUPERSEDE: (frozenset({MessageStatus.PENDING}), MessageStatus.SUPERSEDED),
}
FINAL = frozenset({MessageStatus.SENT, MessageStatus.MAYBE_SENT, MessageStatus.FAILED,
                   MessageStatus.CANCELLED, MessageStatus.EXPIRED, MessageStatus.SUPERSEDED})


def message_move(move: MessageMove | str) -> tuple[frozenset[MessageStatus], MessageStatus]:
    """The states a message may be in for ``move``, and the state it moves to."""
    return MESSAGE_TRANSITIONS[MessageMove(move)]


def ending(status: MessageStatus | str) -> MessageMove:
    """The move that ends a held message in ``status`` (cancelled, expired, failed, maybe
    sent); ValueError for a status no move of a held message ends in."""
    for move in (MessageMove.CANCEL, MessageMove.EXPIRE, MessageMove.FAIL, MessageMove.LOSE):
        if MESSAGE_TRANSITIONS[move][1] == status:
            return move
    raise ValueError(f"not an end of a held message: {status!r}")


# How a message's status reads to staff (message history, lists): Vietnamese, English.
STATUS_TEXT: dict[MessageStatus, tuple[str, str]] = {
    MessageStatus.PENDING: ("Chờ gửi", "Waiting"),
    MessageStatus.SENDING: ("Đang gửi", "Sending"),
    MessageStatus.IN_FLIGHT: ("Đang gửi", "Sending"),
    MessageStatus.SENT: ("Đã gửi", "Sent"),
    MessageStatus.MAYBE_SENT: ("Có thể đã gửi", "Maybe sent"),
    MessageStatus.FAILED: ("Gửi lỗi", "Failed"),
    MessageStatus.CANCELLED: ("Đã huỷ", "Cancelled"),
    MessageStatus.EXPIRED: ("Quá hạn", "Expired"),
    MessageStatus.SUPERSEDED: ("Thay bằng tin sau", "Superseded"),
}


def status_text(status: str, language: str = "vi") -> str:
    """A message status as staff read it; an unknown value as it is."""
    try:
        vi, en = STATUS_TEXT[MessageStatus(status)]
    except ValueError:
        return status
    return en if language == "en" else vi


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
