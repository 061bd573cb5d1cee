"""The appointment and order lifecycles as explicit state machines.

Moves go forward only. ``undo`` of a check-in or a no-show is its own move, allowed on the
same day with a reason, and restores the state before.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from .errors import Refused


class Status(enum.StrEnum):
    BOOKED = "booked"
    CONFIRMED = "confirmed"
    CHECKED_IN = "checked_in"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    RESCHEDULED = "rescheduled"
    NO_SHOW = "no_show"
    ENTERED_IN_ERROR = "entered_in_error"

    @property
    def active(self) -> bool:
        """Holds a place in its session."""
        return self in ACTIVE

    @property
    def vi(self) -> str:
        return STATUS_VI[self]


ACTIVE = frozenset({Status.BOOKED, Status.CONFIRMED, Status.CHECKED_IN, Status.COMPLETED})
OPEN = frozenset({Status.BOOKED, Status.CONFIRMED})  # not yet happened
ATTENDED = frozenset({Status.CHECKED_IN, Status.COMPLETED})

STATUS_VI = {
    Status.BOOKED: "Đã hẹn", Status.CONFIRMED: "Đã xác nhận", Status.CHECKED_IN: "Đã đến",
    Status.COMPLETED: "Đã khám", Status.CANCELLED: "Đã huỷ", Status.RESCHEDULED: "Đã đổi lịch",
    Status.NO_SHOW: "Không đến", Status.ENTERED_IN_ERROR: "Nhập nhầm",
}


class Action(enum.StrEnum):
    CONFIRM = "confirm"
    CHECK_IN = "check_in"
    COMPLETE = "complete"
    CANCEL = "cancel"
    RESCHEDULE = "reschedule"
    NO_SHOW = "no_show"
    ENTERED_IN_ERROR = "entered_in_error"


TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.BOOKED, Action.CONFIRM): Status.CONFIRMED,
    (Status.BOOKED, Action.CHECK_IN): Status.CHECKED_IN,
    (Status.CONFIRMED, Action.CHECK_IN): Status.CHECKED_IN,
    (Status.CHECKED_IN, Action.COMPLETE): Status.COMPLETED,
}
for _s in OPEN:
    TRANSITIONS[(_s, Action.CANCEL)] = Status.CANCELLED
    TRANSITIONS[(_s, Action.RESCHEDULE)] = Status.RESCHEDULED
    TRANSITIONS[(_s, Action.NO_SHOW)] = Status.NO_SHOW
    TRANSITIONS[(_s, Action.ENTERED_IN_ERROR)] = Status.ENTERED_IN_ERROR

ACTION_VI = {
    Action.CONFIRM: "xác nhận", Action.CHECK_IN: "điểm danh", Action.COMPLETE: "hoàn tất",
    Action.CANCEL: "huỷ", Action.RESCHEDULE: "đổi lịch", Action.NO_SHOW: "đánh dấu không đến",
    Action.ENTERED_IN_ERROR: "đánh dấu nhập nhầm",
}

UNDOABLE = frozenset({Status.CHECKED_IN, Status.NO_SHOW})


def next_status(current: Status | str, action: Action | str) -> Status:
    """The state after ``action``, or Refused naming the illegal move."""
    cur, act = Status(current), Action(action)
    try:
        return TRANSITIONS[(cur, act)]
    except KeyError:
        raise Refused(
            "transition.illegal",
            f"Không thể {ACTION_VI[act]} lịch hẹn đang ở trạng thái “{cur.vi}”.",
            f"Cannot {act.value.replace('_', ' ')} an appointment that is {cur.value}.",
            details={"status": cur.value, "action": act.value},
        ) from None


@dataclass(frozen=True)
class UndoCheck:
    restores: Status


def check_undo(current: Status | str, previous: Status | str | None, *, changed_on: date,
               today: date, reason: str) -> UndoCheck:
    """Undo of a check-in or a no-show: same day only, with a reason."""
    cur = Status(current)
    if cur not in UNDOABLE:
        raise Refused("undo.illegal",
                      f"Chỉ hoàn tác được điểm danh hoặc “không đến” (đang: {cur.vi}).",
                      f"Only a check-in or a no-show can be undone (this one is {cur.value}).")
    if changed_on != today:
        raise Refused("undo.too_late", "Chỉ hoàn tác được trong cùng ngày.",
                      "An undo is allowed on the same day only.")
    if not reason.strip():
        from .errors import BadInput

        raise BadInput("undo.reason", "Cần ghi lý do hoàn tác.", "An undo needs a reason.",
                       field="reason")
    prev = Status(previous) if previous else Status.BOOKED
    if prev not in OPEN:
        prev = Status.BOOKED
    return UndoCheck(restores=prev)


class OrderStatus(enum.StrEnum):
    OPEN = "open"
    BOOKED = "booked"
    FULFILLED = "fulfilled"
    CANCELLED = "cancelled"
    LAPSED = "lapsed"


ORDER_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.OPEN: frozenset({OrderStatus.BOOKED, OrderStatus.CANCELLED, OrderStatus.LAPSED,
                                 OrderStatus.FULFILLED}),
    OrderStatus.BOOKED: frozenset({OrderStatus.OPEN, OrderStatus.FULFILLED,
                                   OrderStatus.CANCELLED, OrderStatus.LAPSED}),
    OrderStatus.FULFILLED: frozenset({OrderStatus.BOOKED}),  # undo of a check-in
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.LAPSED: frozenset({OrderStatus.BOOKED, OrderStatus.FULFILLED}),
}


def order_after_appointment(status: Status) -> OrderStatus:
    """What an order becomes when its latest appointment reaches ``status``."""
    if status in ATTENDED:
        return OrderStatus.FULFILLED
    if status in OPEN:
        return OrderStatus.BOOKED
    return OrderStatus.OPEN


def is_late_cancellation(*, hours_before_start: float, late_hours: float = 24.0) -> bool:
    return hours_before_start < late_hours
