"""The call list's policy: what an outcome of a call does to its task.

Pure: given the outcome, the attempts so far and today, say whether the task closes, and
when to call next. "Failed to reach" closes a task only after two unanswered attempts on
different days.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from .errors import BadInput, Refused
from .text import excerpt


class Outcome(enum.StrEnum):
    REBOOKED = "rebooked"  # reached and rebooked
    CALL_BACK = "call_back"  # call back on a date
    DECLINED = "declined"
    NO_ANSWER = "no_answer"
    WRONG_NUMBER = "wrong_number"
    MOVED = "moved"
    DECEASED = "deceased"
    OTHER = "other"
    FAILED = "failed"  # failed to reach: closes after two unanswered days

    @property
    def vi(self) -> str:
        return OUTCOME_VI[self]

    @property
    def en(self) -> str:
        return OUTCOME_EN[self]


OUTCOME_VI = {
    Outcome.REBOOKED: "Liên lạc được, đã hẹn lại", Outcome.CALL_BACK: "Gọi lại vào ngày",
    Outcome.DECLINED: "Từ chối", Outcome.NO_ANSWER: "Không nghe máy",
    Outcome.WRONG_NUMBER: "Sai số", Outcome.MOVED: "Đã chuyển nơi khác",
    Outcome.DECEASED: "Đã mất", Outcome.OTHER: "Khác",
    Outcome.FAILED: "Không liên lạc được (đóng)",
}
OUTCOME_EN = {
    Outcome.REBOOKED: "Reached and rebooked", Outcome.CALL_BACK: "Call back on a date",
    Outcome.DECLINED: "Declined", Outcome.NO_ANSWER: "No answer",
    Outcome.WRONG_NUMBER: "Wrong number", Outcome.MOVED: "Moved away",
    Outcome.DECEASED: "Deceased", Outcome.OTHER: "Other",
    Outcome.FAILED: "Failed to reach (close)",
}

#: Outcomes where nobody was reached: they count towards "failed to reach".
UNREACHED = frozenset({Outcome.NO_ANSWER, Outcome.WRONG_NUMBER})
#: Outcomes that close the task.
CLOSING = frozenset({Outcome.REBOOKED, Outcome.DECLINED, Outcome.MOVED, Outcome.DECEASED,
                     Outcome.FAILED})
#: Unanswered attempts, on this many different days, before giving up is allowed.
FAILED_AFTER_DAYS = 2


@dataclass(frozen=True)
class Decision:
    closes: bool
    next_action_on: date | None  # when the task is due again (open tasks)


def parse_outcome(raw: str) -> Outcome:
    try:
        return Outcome((raw or "").strip().lower())
    except ValueError:
        names = ", ".join(o.value for o in Outcome)
        raise BadInput("outcome.invalid", f"Kết quả cuộc gọi không hợp lệ: {excerpt(raw)} ({names}).",
                       f"Unknown call outcome {excerpt(raw)} ({names}).", field="outcome") from None


def unreached_days(attempts: Iterable[tuple[date, str]]) -> set[date]:
    """The distinct days with an unanswered attempt, from (day, outcome) pairs."""
    return {d for d, o in attempts if o in {u.value for u in UNREACHED}}


def decide(outcome: Outcome, *, attempts: Iterable[tuple[date, str]], today: date,
           call_back_on: date | None = None) -> Decision:
    """What logging ``outcome`` today does, given the earlier attempts (day, outcome)."""
    earlier = list(attempts)
    if outcome is Outcome.CALL_BACK:
        if call_back_on is None:
            raise BadInput("call_back.missing", "Cần ngày gọi lại.", "Give the call-back date.",
                           field="call_back_on")
        if call_back_on < today:
            raise BadInput("call_back.past", "Ngày gọi lại đã qua.",
                           "The call-back date is in the past.", field="call_back_on")
        return Decision(False, call_back_on)
    if outcome is Outcome.FAILED:
        days = unreached_days(earlier)
        if len(days) < FAILED_AFTER_DAYS:
            raise Refused("outreach.too_soon",
                          f"Chỉ đóng 'không liên lạc được' sau {FAILED_AFTER_DAYS} lần gọi không "
                          f"được vào {FAILED_AFTER_DAYS} ngày khác nhau (mới có {len(days)}).",
                          f"'Failed to reach' needs unanswered calls on {FAILED_AFTER_DAYS} "
                          f"different days (so far {len(days)}).", field="outcome",
                          details={"days": len(days)})
        return Decision(True, None)
    if outcome in CLOSING:
        return Decision(True, None)
    return Decision(False, today + timedelta(days=1))


def may_give_up(attempts: Iterable[tuple[date, str]]) -> bool:
    return len(unreached_days(attempts)) >= FAILED_AFTER_DAYS
