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

    @property
    def vi(self) -> str:
        return ORDER_STATUS_VI[self]


ORDER_STATUS_VI = {
    OrderStatus.OPEN: "Chưa hẹn", OrderStatus.BOOKED: "Đã hẹn", OrderStatus.FULFILLED: "Đã khám",
    OrderStatus.CANCELLED: "Đã huỷ", OrderStatus.LAPSED: "Quá hạn",
}


class OrderAction(enum.StrEnum):
    BOOK = "book"            # a visit is booked for it
    UNBOOK = "unbook"        # its visit was cancelled, missed or entered in error
    FULFIL = "fulfil"        # its visit was attended (checked in)
    UNFULFIL = "unfulfil"    # that check-in was undone
    LAPSE = "lapse"          # its window ended without a visit
    CANCEL = "cancel"        # withdrawn (by the clinic, or a series' next undone)


ORDER_TRANSITIONS: dict[tuple[OrderStatus, OrderAction], OrderStatus] = {
    (OrderStatus.OPEN, OrderAction.BOOK): OrderStatus.BOOKED,
    (OrderStatus.LAPSED, OrderAction.BOOK): OrderStatus.BOOKED,  # late, but booked after all
    (OrderStatus.BOOKED, OrderAction.UNBOOK): OrderStatus.OPEN,
    (OrderStatus.BOOKED, OrderAction.FULFIL): OrderStatus.FULFILLED,
    (OrderStatus.FULFILLED, OrderAction.UNFULFIL): OrderStatus.BOOKED,
    (OrderStatus.OPEN, OrderAction.LAPSE): OrderStatus.LAPSED,
    (OrderStatus.OPEN, OrderAction.CANCEL): OrderStatus.CANCELLED,
    (OrderStatus.LAPSED, OrderAction.CANCEL): OrderStatus.CANCELLED,
}

# What an order awaits a call for: nobody is booked and the window is not over for good.
ORDER_NEEDS_BOOKING = frozenset({OrderStatus.OPEN, OrderStatus.LAPSED})

ORDER_ACTION_VI = {
    OrderAction.BOOK: "đặt lịch cho", OrderAction.UNBOOK: "bỏ lịch của",
    OrderAction.FULFIL: "hoàn tất", OrderAction.UNFULFIL: "hoàn tác",
    OrderAction.LAPSE: "đánh dấu quá hạn", OrderAction.CANCEL: "huỷ",
}


@dataclass(frozen=True)
class Move:
    """A change of status the rules decided; the store writes exactly this, guarded by
    ``from_`` (nobody changed it meanwhile)."""

    from_: str
    to: str
    action: str


def appointment_move(current: Status | str, action: Action | str) -> Move:
    """The appointment's move for ``action``, or Refused naming the illegal move."""
    return Move(Status(current).value, next_status(current, action).value, Action(action).value)


def undo_move(current: Status | str, previous: Status | str | None, *, changed_on: date,
              today: date, reason: str) -> Move:
    """Undo of a check-in or a no-show (same day, with a reason) as a move."""
    check = check_undo(current, previous, changed_on=changed_on, today=today, reason=reason)
    return Move(Status(current).value, check.restores.value, "undo")


def order_move(current: OrderStatus | str, action: OrderAction | str) -> Move:
    """The order's move for ``action``, or Refused naming the illegal move."""
    cur, act = OrderStatus(current), OrderAction(action)
    try:
        return Move(cur.value, ORDER_TRANSITIONS[(cur, act)].value, act.value)
    except KeyError:
        raise Refused(
            "order.transition.illegal",
            f"Không thể {ORDER_ACTION_VI[act]} chỉ định đang ở trạng thái “{cur.vi}”.",
            f"Cannot {act.value} an order that is {cur.value}.",
            details={"status": cur.value, "action": act.value}) from None


def order_after(appointment_action: Action | str) -> OrderAction | None:
    """What an appointment's move does to its order (None: nothing)."""
    return {
        Action.CHECK_IN: OrderAction.FULFIL,
        Action.CANCEL: OrderAction.UNBOOK,
        Action.NO_SHOW: OrderAction.UNBOOK,
        Action.ENTERED_IN_ERROR: OrderAction.UNBOOK,
    }.get(Action(appointment_action))


@dataclass(frozen=True)
class History:
    """A visit recorded as history (an import, the demo hospital): its status as recorded,
    and what that outcome makes its order."""

    appointment: Status
    order: OrderStatus


def history(status: Status | str, *, window_over: bool) -> History:
    """The statuses of a visit and its order as history says: attended -> fulfilled;
    still ahead -> booked; missed, cancelled or moved -> lapsed once its window is over,
    else open (it awaits a new booking)."""
    s = Status(status)
    if s in ATTENDED:
        o = OrderStatus.FULFILLED
    elif s in OPEN:
        o = OrderStatus.BOOKED
    else:
        o = OrderStatus.LAPSED if window_over else OrderStatus.OPEN
    return History(s, o)


# The status a new row starts in.
NEW_APPOINTMENT = Status.BOOKED
NEW_ORDER = OrderStatus.OPEN


def is_late_cancellation(*, hours_before_start: float, late_hours: float = 24.0) -> bool:
    return hours_before_start < late_hours
