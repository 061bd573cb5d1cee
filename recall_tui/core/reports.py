"""Staff reports, pure: when the daily no-show report is due, and the words it uses.

The day's no-show report goes once the last session of the day has ended and its grace
period has passed (that is when the sweep marks its no-shows), once a day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# The call list's reasons as staff read them (Vietnamese, English); an unknown one as it is.
REASON_TEXT: dict[str, tuple[str, str]] = {
    "no_show": ("Không đến", "No-show"),
    "lapsed": ("Quá hạn hẹn", "Lapsed order"),
    "change_requested": ("Xin đổi lịch", "Change requested"),
    "message_failed": ("Không gửi được tin", "Message failed"),
    "reply_unclear": ("Trả lời khó hiểu", "Unclear reply"),
    "session_closed": ("Buổi khám bị đóng", "Session closed"),
    "cancelled_by_reply": ("Huỷ qua tin nhắn", "Cancelled by reply"),
    "unknown_reply": ("Tin từ số lạ", "Reply from unknown sender"),
    "unreachable": ("Không liên lạc được", "Could not reach"),
}


def reason_text(reason: str, language: str = "vi") -> str:
    pair = REASON_TEXT.get(reason)
    if pair is None:
        return reason
    return pair[1] if language == "en" else pair[0]


def noshow_report_due(*, now: datetime, day: date, last_session_ends: time | None,
                      grace: timedelta, tz: ZoneInfo, already_sent: bool) -> bool:
    """Whether the no-show report of ``day`` is to be sent at ``now``: the day had sessions,
    the last of them ended ``grace`` ago or more, and the report has not gone yet."""
    if already_sent or last_session_ends is None:
        return False
    return now >= datetime.combine(day, last_session_ends, tzinfo=tz) + grace


# -- the no-show report, as plain data --------------------------------------------------------
# Patients by name, phone and code; the clinic by the public name patients are told. Never a
# reason for the visit, a note, an instruction or a clinic's internal name: a staff mail can
# travel further than the desk.

@dataclass(frozen=True)
class NoShowLine:
    clinic: str  # the clinic's public name
    part: str  # "morning" | "afternoon" | "evening"
    starts: time | None  # the visit's time, or its session's start
    queue_no: int
    code: str  # the appointment code as printed on the slip ("K7M2-QX4")
    mrn: str
    patient: str
    born: str  # "05/03/1962" or "1962" or ""
    phone: str  # as the desk writes it ("0912 345 678"), or ""


@dataclass(frozen=True)
class TaskLine:
    reason: str  # a key of REASON_TEXT (or a newer reason, shown as it is)
    since: date
    next_call: date
    attempts: int
    mrn: str
    patient: str
    born: str
    phone: str
    clinic: str  # the public name, or "" when the task has no clinic
    code: str  # the visit's code, or ""


@dataclass(frozen=True)
class NoShowReport:
    day: date
    facility: str
    no_shows: tuple[NoShowLine, ...]
    tasks: tuple[TaskLine, ...]  # every open task of the call list, the next call due first
