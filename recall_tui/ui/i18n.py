"""The desk app's words, Vietnamese (default) and English; switchable at run time."""

from __future__ import annotations

import re

from ..core.reminders import STATUS_TEXT

_LANG = ["vi"]

S: dict[str, tuple[str, str]] = {
    # screens and keys
    "app.title": ("recall — Hẹn tái khám", "recall — Follow-ups"),
    "today": ("Hôm nay", "Today"),
    "booking": ("Đặt lịch", "Booking"),
    "checkin": ("Điểm danh", "Check-in"),
    "noshow": ("Không đến", "No-shows"),
    "patient": ("Bệnh nhân", "Patient"),
    "sessions": ("Buổi khám", "Sessions"),
    "help": ("Trợ giúp", "Help"),
    "quit": ("Thoát", "Quit"),
    "lang": ("English", "Tiếng Việt"),
    "loading": ("Đang tải…", "Loading…"),
    "working": ("Đang xử lý…", "Working…"),
    "waiting": ("Đang chờ một bàn khác…", "Waiting for another desk…"),
    "unexpected": ("Lỗi không lường trước", "Unexpected error"),
    "error": ("Lỗi", "Error"),
    "all": ("Tất cả", "All"),
    # today
    "k.checkin": ("Đến", "Check in"),
    "k.undo": ("Hoàn tác", "Undo"),
    "k.resched": ("Đổi lịch", "Reschedule"),
    "k.cancel": ("Huỷ", "Cancel"),
    "k.clinic": ("Phòng", "Clinic"),
    "k.part": ("Buổi", "Session"),
    "k.status": ("Trạng thái", "Status"),
    "k.prev_day": ("Ngày trước", "Prev day"),
    "k.next_day": ("Ngày sau", "Next day"),
    "k.page": ("Trang sau", "Next page"),
    "k.open": ("Hồ sơ", "Open file"),
    "counts": ("Hẹn {expected} · Đã đến {arrived} · Chưa đến {not_yet} · Không đến {no_show}",
               "Expected {expected} · Arrived {arrived} · Not yet {not_yet} · No-show {no_show}"),
    "filters": ("c Phòng: {clinic} · s Buổi: {part} · t Trạng thái: {status}",
                "c Clinic: {clinic} · s Session: {part} · t Status: {status}"),
    "page": ("Trang {page}/{pages} ({n} dòng)", "Page {page}/{pages} ({n} rows)"),
    "col.queue": ("STT", "No."), "col.time": ("Giờ", "Time"), "col.part": ("Buổi", "Part"),
    "col.clinic": ("PK", "Clin"), "col.patient": ("Bệnh nhân", "Patient"),
    "col.phone": ("Điện thoại", "Phone"), "col.status": ("Trạng thái", "Status"),
    "col.reminder": ("Nhắc", "Rem."), "col.code": ("Mã", "Code"), "col.mrn": ("Mã BN", "MRN"),
    "col.born": ("Ngày sinh", "Born"), "col.day": ("Ngày", "Date"),
    "col.load": ("Đã đặt", "Booked"), "col.doctor": ("BS", "Dr"), "col.note": ("Ghi chú", "Note"),
    "col.reason": ("Lý do", "Reason"), "col.since": ("Từ", "Since"),
    "col.tries": ("Gọi", "Calls"), "col.next": ("Gọi lại", "Next"),
    "col.kind": ("Loại", "Kind"), "col.target": ("Ngày hẹn", "Target"),
    "col.window": ("Khoảng", "Window"), "col.channel": ("Kênh", "Channel"),
    "col.at": ("Lúc", "At"), "col.who": ("Ai", "Who"), "col.what": ("Việc", "What"),
    # Three columns wide (Today at 80 columns): sent, waiting, failed, none, imported, and
    # maybe sent (its run died mid-send: check with the patient; never sent twice).
    "rem.sent": ("✓", "✓"), "rem.pending": ("chờ", "due"),
    "rem.failed": ("LỖI", "ERR"), "rem.none": ("—", "—"), "rem.imported": ("cũ", "old"),
    "rem.maybe_sent": ("✓?", "✓?"),
    "undo.reason": ("Lý do hoàn tác", "Reason for the undo"),
    "checked_in": ("Đã điểm danh {name} ({clinic} STT {queue})",
                   "Checked in {name} ({clinic} no. {queue})"),
    "undone": ("Đã hoàn tác {code}: {status}", "Undone {code}: {status}"),
    "cancelled": ("Đã huỷ {code}", "Cancelled {code}"),
    "no_rows": ("Không có lịch hẹn.", "No appointments."),
    # forms
    "ok": ("Lưu (Enter)", "Save (Enter)"), "close": ("Đóng (Esc)", "Close (Esc)"),
    "f.reason": ("Lý do", "Reason"), "f.date": ("Ngày (dd/mm/yyyy)", "Date (dd/mm/yyyy)"),
    "f.part": ("Buổi", "Session"), "f.by": ("Ai huỷ", "Cancelled by"),
    "f.time": ("Giờ hh:mm (nếu có)", "Time hh:mm (if timed)"),
    "by.patient": ("Bệnh nhân", "Patient"), "by.clinic": ("Phòng khám", "Clinic"),
    "part.morning": ("Sáng", "Morning"), "part.afternoon": ("Chiều", "Afternoon"),
    "part.evening": ("Tối", "Evening"),
    "f.name": ("Họ tên", "Full name"), "f.phone": ("Điện thoại", "Phone"),
    "f.caregiver": ("SĐT người nhà", "Caregiver's phone"),
    "f.caregiver_name": ("Tên người nhà", "Caregiver's name"),
    "f.born": ("Ngày sinh hoặc năm", "Birth date or year"),
    "f.sex": ("Giới", "Sex"), "f.bhyt": ("Số BHYT", "Insurance card no."),
    "sex.none": ("—", "—"),
    "f.outcome": ("Kết quả", "Outcome"), "f.note": ("Ghi chú", "Note"),
    "f.call_back": ("Gọi lại ngày", "Call back on"),
    "f.time_short": ("Giờ hh:mm", "Time hh:mm"),
    "bad.date": ("Ngày không đúng dạng dd/mm/yyyy: {v!r}", "Not a date (dd/mm/yyyy): {v!r}"),
    "bad.time": ("Giờ không đúng dạng HH:MM: {v!r}", "Not a time (HH:MM): {v!r}"),
    # booking
    "search": ("Tìm bệnh nhân: tên không dấu, SĐT, mã BN", "Find: name, phone, MRN"),
    "order": ("Chỉ định: 14 ngày · 3 tháng · dd/mm/yyyy · hàng tháng x 6",
              "Order: 14 days · 3 months · dd/mm/yyyy · monthly x 6"),
    "instructions": ("Dặn dò (tuỳ chọn)", "Instructions (optional)"),
    "window": ("Khoảng dd/mm-dd/mm", "Window dd/mm-dd/mm"),
    "bad.window": ("Khoảng ngày không đúng dạng dd/mm-dd/mm: {v!r}",
                   "Not a window (dd/mm-dd/mm): {v!r}"),
    "k.new_patient": ("BN mới", "New patient"), "k.book": ("Đặt lịch", "Book"),
    "k.suggest": ("Gợi ý", "Suggest"), "k.edit": ("Sửa", "Edit"),
    "no_patient": ("Chưa chọn bệnh nhân (Enter trên kết quả, hoặc Ctrl+N: BN mới)",
                   "No patient chosen (Enter on a result, or Ctrl+N: new patient)"),
    "chosen": ("Bệnh nhân: {name} · {mrn} · sinh {born}", "Patient: {name} · {mrn} · born {born}"),
    "suggested": ("Gợi ý: {part} {day} tại {clinic} ({booked}/{cap}) — Enter để đặt",
                  "Suggested: {part} {day} at {clinic} ({booked}/{cap}) — Enter books"),
    "no_suggestion": ("Không còn buổi trống trong khoảng {a}–{b}.",
                      "No free session between {a} and {b}."),
    "booked": ("Đã hẹn {code}: {part} {day}, {clinic}, STT {queue}",
               "Booked {code}: {part} {day}, {clinic}, no. {queue}"),
    "closed": ("nghỉ", "closed"), "full": ("đủ", "full"), "best": ("★ gợi ý", "★ best"),
    "register": ("Đăng ký bệnh nhân mới", "Register a new patient"),
    "registered": ("Đã đăng ký {name} ({mrn})", "Registered {name} ({mrn})"),
    # slips
    "k.print": ("In giấy hẹn", "Print slip"),
    "slip": ("Giấy hẹn", "Slip"),
    "slip.sent": ("Đã gửi giấy hẹn {code} tới máy in {where}",
                  "Slip {code} sent to printer {where}"),
    "slip.saved": ("Đã lưu giấy hẹn {code}: {where}", "Slip {code} saved: {where}"),
    "slip.sent.after": ("đã gửi giấy hẹn tới máy in {where}", "slip sent to printer {where}"),
    "slip.saved.after": ("giấy hẹn đã lưu: {where}", "slip saved: {where}"),
    "slip.failed": ("Không in được giấy hẹn", "The slip did not print"),
    "slip.none": ("Chưa đặt lịch nào để in lại giấy hẹn.", "Nothing booked yet to reprint."),
    # check-in
    "scan": ("Mã phiếu · mã BN · SĐT · số thứ tự, rồi Enter",
             "Slip code · MRN · phone · queue no., then Enter"),
    "checkin.totals": ("Phiên này: {n} đã điểm danh · Hôm nay: {arrived}/{expected} đã đến",
                       "This session: {n} checked in · Today: {arrived}/{expected} arrived"),
    # no-shows
    "k.log": ("Ghi cuộc gọi", "Log call"), "k.rebook": ("Hẹn lại", "Rebook"),
    "k.reason": ("Lý do", "Reason"),
    "calls.count": ("{n} việc cần gọi (cũ nhất trước) · Lọc: {reason}",
                    "{n} calls to make (oldest first) · Filter: {reason}"),
    "logged": ("Đã ghi: {outcome}", "Logged: {outcome}"),
    "rebook.title": ("Hẹn lại {name}", "Rebook {name}"),
    "reason.no_show": ("Không đến", "No-show"), "reason.lapsed": ("Quá hạn", "Lapsed"),
    "reason.change_requested": ("Xin đổi", "Change asked"),
    "reason.message_failed": ("Tin lỗi", "Msg failed"),
    "reason.reply_unclear": ("Trả lời khó hiểu", "Unclear reply"),
    "reason.session_closed": ("Buổi đóng", "Session closed"),
    "no_order": ("Việc gọi này không có chỉ định để hẹn lại.", "This task has no order to rebook."),
    # patient
    "mrn": ("Mã BN hoặc tìm (Enter)", "MRN or search (Enter)"),
    "tab.appts": ("Lịch hẹn", "Appointments"), "tab.orders": ("Chỉ định", "Orders"),
    "tab.msgs": ("Tin nhắn", "Messages"), "tab.events": ("Nhật ký", "Events"),
    "edit.title": ("Sửa thông tin {mrn}", "Edit {mrn}"),
    "saved": ("Đã lưu", "Saved"),
    # sessions
    "k.close_session": ("Đóng buổi", "Close session"),
    "k.print_day": ("In DS ngày", "Print day"),
    "day.printed": ("Đã in danh sách {clinic} ngày {day} ({n} BN): {where}",
                    "Day list of {clinic} for {day} ({n} patients): {where}"),
    "close.title": ("Đóng buổi {session}", "Close the session {session}"),
    "closed_done": ("Đã đóng buổi; {n} bệnh nhân vào danh sách gọi",
                    "Session closed; {n} patients on the call list"),
    "moved_done": ("Đã đóng buổi; {n} bệnh nhân chuyển sang buổi mới",
                   "Session closed; {n} patients moved to the new session"),
    "to.calls": ("Danh sách gọi", "The call list"),
    "f.move_to": ("Chuyển bệnh nhân đến", "Move patients to"),
    "sessions.head": ("Các buổi khám 14 ngày tới", "Sessions of the next 14 days"),
    # help
    "help.text": (
        "Phím tắt: F2 Hôm nay · F3 Đặt lịch · F4 Điểm danh · F5 Không đến · F6 Bệnh nhân · "
        "F7 Buổi khám · F8 English · F9 Thống kê · F1 Trợ giúp · Ctrl+Q Thoát.\n"
        "Dữ liệu tự cập nhật khi máy khác thay đổi (2 giây). Esc đóng hộp thoại.",
        "Keys: F2 Today · F3 Booking · F4 Check-in · F5 No-shows · F6 Patient · F7 Sessions · "
        "F8 Tiếng Việt · F9 Statistics · F1 Help · Ctrl+Q Quit.\n"
        "Changes made at other desks show within 2 seconds. Esc closes a dialog."),
    # statistics
    "statistics": ("Thống kê", "Statistics"),
    "k.group": ("Nhóm theo", "Group by"), "k.period": ("Kỳ", "Period"),
    "k.export": ("Xuất CSV", "Export CSV"),
    "st.head": ("Thống kê {start} - {end} ({period})", "Statistics {start} - {end} ({period})"),
    "st.period.12m": ("12 tháng", "12 months"), "st.period.3m": ("3 tháng", "3 months"),
    "st.period.all": ("toàn bộ", "all time"),
    "st.line1": ("Tái khám đúng hẹn {adherence} · Không đến {no_show}",
                 "Follow-up adherence {adherence} · No-show {no_show}"),
    "st.line2": ("Huỷ: BN {patient} · PK {clinic} · muộn {late}",
                 "Cancelled: pt {patient} · clinic {clinic} · late {late}"),
    "st.line3": ("Lấp đầy {util} · {booked} lịch hẹn · chờ TB {lead} ngày  (95% CI)",
                 "Utilisation {util} · {booked} booked · mean lead {lead} d (95% CI)"),
    "st.trend": ("Tỉ lệ không đến theo tháng", "No-show rate by month"),
    "st.by": ("Theo {by} (g: đổi)", "By {by} (g: change)"),
    "st.by.clinic": ("phòng khám", "clinic"), "st.by.weekday": ("thứ", "weekday"),
    "st.by.session": ("buổi", "session"), "st.by.lead": ("thời gian chờ (ngày)", "lead time (days)"),
    "st.by.age": ("nhóm tuổi", "age band"),
    "st.by.reminded": ("thời gian chờ · có nhắc", "lead time · reminded"),
    "st.col.group": ("Nhóm", "Group"), "st.col.booked": ("Hẹn", "Booked"),
    "st.col.no_show": ("Không đến (95% CI)", "No-show (95% CI)"),
    "st.col.cancel_patient": ("Huỷ BN", "Pt canc"), "st.col.cancel_clinic": ("Huỷ PK", "Cl canc"),
    "st.col.adherence": ("Đúng hẹn", "Adherent"),
    "st.unknown": ("không rõ", "unknown"), "st.yes": ("có", "yes"), "st.no": ("không", "no"),
    "st.exported": ("Đã xuất CSV", "CSV exported"),
    # no-show risk on the call list
    "reason.ahead": ("Cần gọi trước", "Call ahead"),
    "calls.risk": ("{n} việc cần gọi (nguy cơ cao trước) · Lọc: {reason}",
                   "{n} calls to make (highest risk first) · Filter: {reason}"),
    "ahead.count": ("Cần gọi trước: {n} BN nguy cơ cao hẹn ngày {day} · Lọc: f",
                    "Call ahead: {n} high-risk patients booked for {day} · Filter: f"),
    "ahead.none": ("Chưa có mô hình nguy cơ: chạy `recall risk train`.",
                   "No risk model yet: run `recall risk train`."),
    "ahead.no_task": ("Gọi số ở dòng dưới; o mở hồ sơ để đổi lịch.",
                      "Call the number below; o opens the file to reschedule."),
    "col.risk": ("Nguy cơ", "Risk"),
    "risk.legend": ("! nguy cơ cao, nên gọi: {n}", "! high risk, worth a call: {n}"),
    # the words of the records the screens show (every value a test checks is here)
    "wd.0": ("T2", "Mon"), "wd.1": ("T3", "Tue"), "wd.2": ("T4", "Wed"), "wd.3": ("T5", "Thu"),
    "wd.4": ("T6", "Fri"), "wd.5": ("T7", "Sat"), "wd.6": ("CN", "Sun"),
    "status.booked": ("Đã hẹn", "Booked"), "status.confirmed": ("Đã xác nhận", "Confirmed"),
    "status.checked_in": ("Đã đến", "Checked in"), "status.completed": ("Đã khám", "Seen"),
    "status.cancelled": ("Đã huỷ", "Cancelled"), "status.rescheduled": ("Đã đổi lịch", "Moved"),
    "status.no_show": ("Không đến", "No-show"), "status.entered_in_error": ("Nhập nhầm", "In error"),
    "order.open": ("Chưa hẹn", "Open"), "order.booked": ("Đã hẹn", "Booked"),
    "order.fulfilled": ("Đã khám", "Done"), "order.cancelled": ("Đã huỷ", "Cancelled"),
    "order.lapsed": ("Quá hạn", "Lapsed"),
    "msg.confirmation": ("Xác nhận", "Confirmation"), "msg.reminder": ("Nhắc lịch", "Reminder"),
    "msg.cancellation": ("Báo huỷ", "Cancellation"), "msg.rescheduled": ("Báo đổi lịch", "Moved"),
    "channel.zalo": ("Zalo", "Zalo"), "channel.sms": ("SMS", "SMS"),
    "channel.email": ("Email", "Email"),
    "outcome.rebooked": ("Liên lạc được, đã hẹn lại", "Reached and rebooked"),
    "outcome.call_back": ("Gọi lại vào ngày", "Call back on a date"),
    "outcome.declined": ("Từ chối", "Declined"), "outcome.no_answer": ("Không nghe máy", "No answer"),
    "outcome.wrong_number": ("Sai số", "Wrong number"),
    "outcome.moved": ("Đã chuyển nơi khác", "Moved away"), "outcome.deceased": ("Đã mất", "Deceased"),
    "outcome.other": ("Khác", "Other"),
    "outcome.failed": ("Không liên lạc được (đóng)", "Failed to reach (close)"),
    "sex.M": ("Nam", "Male"), "sex.F": ("Nữ", "Female"),
    "phone.caregiver": ("người nhà", "caregiver"), "phone.other": ("khác", "other"),
    "card.bhyt": ("BHYT", "Insurance"),
    # the event log: a kind, else its record's word
    "event.appointment.booked": ("Đặt lịch", "Booked"),
    "event.appointment.confirm": ("Xác nhận", "Confirmed"),
    "event.appointment.check_in": ("Điểm danh", "Checked in"),
    "event.appointment.complete": ("Khám xong", "Seen"),
    "event.appointment.cancel": ("Huỷ lịch", "Cancelled"),
    "event.appointment.reschedule": ("Đổi lịch", "Moved"),
    "event.appointment.no_show": ("Không đến", "No-show"),
    "event.appointment.entered_in_error": ("Nhập nhầm", "Entered in error"),
    "event.appointment.undo": ("Hoàn tác", "Undone"),
    "event.order.added": ("Thêm chỉ định", "Order added"),
    "event.order.series_next": ("Chỉ định lần sau", "Next order of a series"),
    "event.order.lapsed": ("Chỉ định quá hạn", "Order lapsed"),
    "event.order.book": ("Chỉ định được đặt lịch", "Order booked"),
    "event.order.unbook": ("Chỉ định chờ đặt lại", "Order awaits a booking again"),
    "event.order.fulfil": ("Chỉ định đã khám", "Order fulfilled"),
    "event.order.unfulfil": ("Hoàn tác chỉ định đã khám", "Order fulfilment undone"),
    "event.order.lapse": ("Chỉ định quá hạn", "Order lapsed"),
    "event.order.cancel": ("Huỷ chỉ định", "Order withdrawn"),
    "event.order.moved": ("Dời ngày chỉ định", "Order date corrected"),
    "event.order.source": ("Nguồn chỉ định", "Order source"),
    "event.his.slip": ("Giấy hẹn từ HIS", "Slip from the HIS"),
    "event.his": ("HIS", "HIS"),
    "event.outreach.call": ("Ghi cuộc gọi", "Call logged"),
    "event.patient.added": ("Đăng ký bệnh nhân", "Patient registered"),
    "event.patient.edited": ("Sửa thông tin", "Details edited"),
    "event.session.closed": ("Đóng buổi", "Session closed"),
    "event.demo.generated": ("Dữ liệu mẫu", "Demo data"),
    "event.import.appointments": ("Nhập lịch hẹn", "Appointments imported"),
    "event.import.patients": ("Nhập bệnh nhân", "Patients imported"),
    "event.appointment": ("Lịch hẹn", "Appointment"), "event.order": ("Chỉ định", "Order"),
    "event.patient": ("Bệnh nhân", "Patient"), "event.session": ("Buổi khám", "Session"),
    "event.outreach": ("Cuộc gọi", "Call"), "event.message": ("Tin nhắn", "Message"),
    "event.other": ("Thay đổi", "Change"),
    # keys of Textual's own widgets, in the desk's words
    "k.dismiss_menu": ("Đóng danh sách", "Close list"),
}
# A message's status in the message history ("msg.superseded", "msg.maybe_sent", ...).
# a message's status, as staff read it in the history (the core's words, both languages)
S.update({f"msgst.{status.value}": text for status, text in STATUS_TEXT.items()})


def lang() -> str:
    return _LANG[0]


def set_lang(value: str) -> None:
    _LANG[0] = "en" if value == "en" else "vi"


def t(key: str, /, **kw) -> str:
    pair = S.get(key)
    if pair is None:
        return key
    s = pair[1] if _LANG[0] == "en" else pair[0]
    return s.format(**kw) if kw else s


def err(exc) -> str:
    """A domain error's message in the current language."""
    msg = getattr(exc, "message", None)
    return msg(_LANG[0]) if callable(msg) else str(exc)


# The words on the keys: binding id -> the word's key above. The key line and help show the
# word in the current language (a Binding is made once, at import, in the language of then,
# so its own description is never shown).
KEY_LABELS: dict[str, str] = {
    "help": "help", "today": "today", "booking": "booking", "checkin": "checkin",
    "noshow": "noshow", "patient": "patient", "sessions": "sessions",
    "statistics": "statistics", "quit": "quit", "lang": "lang",
    "today.checkin": "k.checkin", "today.undo": "k.undo", "today.reschedule": "k.resched",
    "today.cancel": "k.cancel", "today.clinic": "k.clinic", "today.part": "k.part",
    "today.status": "k.status", "today.prev": "k.prev_day", "today.next": "k.next_day",
    "today.page": "k.page", "today.open": "k.open", "today.print": "k.print",
    "booking.new": "k.new_patient", "booking.suggest": "k.suggest", "booking.book": "k.book",
    "booking.print": "k.print",
    "noshow.log": "k.log", "noshow.rebook": "k.rebook", "noshow.reason": "k.reason",
    "noshow.open": "k.open",
    "patient.edit": "k.edit",
    "sessions.close": "k.close_session", "sessions.print": "k.print_day",
    "statistics.group": "k.group", "statistics.period": "k.period",
    "statistics.export": "k.export",
    "form.cancel": "close", "form.save": "ok", "help.close": "close", "rebook.cancel": "close",
}
# Keys Textual's own widgets show (by their English description): in the desk's words.
# A Textual key not listed here is not shown on the key line (it still works).
TEXTUAL_KEY_LABELS: dict[str, str] = {"Dismiss menu": "k.dismiss_menu"}


def key_label(binding) -> str | None:
    """The word shown for a key binding, in the current language; None for a key the
    catalogue has no word for (it is then not shown)."""
    word = KEY_LABELS.get(binding.id or "") or TEXTUAL_KEY_LABELS.get(binding.description)
    return t(word) if word else None


# -- the words of records ------------------------------------------------------------------

def word(group: str, value: str | None) -> str:
    """``value``'s word in the current language (``status``/``booked`` -> "Đã hẹn"); a
    value the catalogue does not know is shown as it is (a test keeps the catalogue whole)."""
    if value is None:
        return ""
    key = f"{group}.{value}"
    return t(key) if key in S else str(value)


def status(value: str) -> str:
    """An appointment's status."""
    return word("status", value)


def order_status(value: str) -> str:
    return word("order", value)


def message_kind(value: str) -> str:
    return word("msg", value)


def message_status(value: str) -> str:
    return word("msgst", value)


def channel(value: str) -> str:
    return word("channel", value)


def outcome(value: str) -> str:
    return word("outcome", value)


def part(value: str) -> str:
    """A session's part of day: Sáng / Chiều / Tối."""
    return word("part", value)


def event_kind(kind: str) -> str:
    """An event's kind ("appointment.cancel"), else the word of its record, never the key."""
    if f"event.{kind}" in S:
        return t(f"event.{kind}")
    record = kind.split(".", 1)[0]
    return t(f"event.{record}") if f"event.{record}" in S else t("event.other")


def weekday(d) -> str:
    """The short weekday of a date: T2..CN / Mon..Sun."""
    return t(f"wd.{d.weekday()}")


def day_label(d) -> str:
    """'T5 03/12/2026' / 'Thu 03/12/2026'."""
    return f"{weekday(d)} {d:%d/%m/%Y}"


def session_label(load) -> str:
    """A session (a Load) for a title or a choice: 'Chiều T5 03/12/2026 · TM · BS02'."""
    who = f" · {load.doctor}" if getattr(load, "doctor", None) else ""
    return f"{part(load.part)} {day_label(load.day)} · {load.clinic}{who}"


def booked(b) -> str:
    """The status line after a booking or a move: its code, session and queue number."""
    return t("booked", code=b.display_code, part=part(b.part), day=f"{b.day:%d/%m/%Y}",
             clinic=b.clinic, queue=b.queue_no)


_LABELLED_PHONE = re.compile(r"^(?P<number>.*?) \((?P<label>caregiver|other)(?:: (?P<name>.*))?\)$")


def phone(text: str) -> str:
    """A phone as a service shows it ("090 123 4567 (caregiver: Name)"), its label in the
    current language."""
    m = _LABELLED_PHONE.match(text)
    if m is None:
        return text
    name = f": {m['name']}" if m["name"] else ""
    return f"{m['number']} ({word('phone', m['label'])}{name})"
