"""The desk app's words, Vietnamese (default) and English; switchable at run time."""

from __future__ import annotations

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
    "busy": ("Cơ sở dữ liệu đang bận, đang chờ…", "The database is busy; waiting…"),
    "unavailable": ("Không mở được cơ sở dữ liệu", "Cannot open the database"),
    "error": ("Lỗi", "Error"),
    "db.empty": ("Cơ sở dữ liệu chưa được tạo: chạy `recall init` (hoặc `recall demo`).",
                 "The database is not set up yet: run `recall init` (or `recall demo`)."),
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
    "f.time": ("Giờ (HH:MM, nếu hẹn theo giờ)", "Time (HH:MM, timed sessions)"),
    "by.patient": ("Bệnh nhân", "Patient"), "by.clinic": ("Phòng khám", "Clinic"),
    "part.morning": ("Sáng", "Morning"), "part.afternoon": ("Chiều", "Afternoon"),
    "part.evening": ("Tối", "Evening"),
    "f.name": ("Họ tên", "Full name"), "f.phone": ("Điện thoại", "Phone"),
    "f.caregiver": ("SĐT người nhà (tuỳ chọn)", "Caregiver's phone (optional)"),
    "f.caregiver_name": ("Tên người nhà", "Caregiver's name"),
    "f.born": ("Ngày sinh (dd/mm/yyyy) hoặc năm", "Birth date (dd/mm/yyyy) or year"),
    "f.sex": ("Giới (M/F)", "Sex (M/F)"), "f.bhyt": ("Số BHYT", "Health insurance no."),
    "f.outcome": ("Kết quả", "Outcome"), "f.note": ("Ghi chú", "Note"),
    "f.call_back": ("Gọi lại ngày (dd/mm/yyyy)", "Call back on (dd/mm/yyyy)"),
    "bad.date": ("Ngày không đúng dạng dd/mm/yyyy: {v!r}", "Not a date (dd/mm/yyyy): {v!r}"),
    "bad.time": ("Giờ không đúng dạng HH:MM: {v!r}", "Not a time (HH:MM): {v!r}"),
    # booking
    "search": ("Tìm bệnh nhân: tên không dấu, SĐT, mã BN", "Find: name, phone, MRN"),
    "order": ("Chỉ định: 14 ngày · 2 tuần · 3 tháng · dd/mm/yyyy · hàng tháng x 6",
              "Order: 14 days · 2 weeks · 3 months · dd/mm/yyyy · monthly x 6"),
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
    "close.title": ("Đóng buổi {key}", "Close {key}"),
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
                 "Cancelled: patient {patient} · clinic {clinic} · late {late}"),
    "st.line3": ("Lấp đầy {util} · {booked} lịch hẹn · chờ TB {lead} ngày  (95% CI)",
                 "Utilisation {util} · {booked} appointments · mean lead {lead} d  (95% CI)"),
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
}
# A message's status in the message history ("msg.superseded", "msg.maybe_sent", ...).
S.update({f"msg.{status.value}": text for status, text in STATUS_TEXT.items()})


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


# The words on the keys: binding id -> the word's key above. The footer and help show the
# word in the current language (a Binding is made once, at import, in the language of then).
KEY_LABELS: dict[str, str] = {
    "help": "help", "today": "today", "booking": "booking", "checkin": "checkin",
    "noshow": "noshow", "patient": "patient", "sessions": "sessions",
    "statistics": "statistics", "quit": "quit",
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


def key_label(binding) -> str:
    """The word shown for a key binding, in the current language."""
    word = KEY_LABELS.get(binding.id or "")
    return t(word) if word else binding.description


def relabel_bindings(node) -> None:
    """Give ``node``'s own key bindings their words in the current language."""
    from dataclasses import replace

    table = node._bindings.key_to_bindings
    for key, bindings in table.items():
        table[key] = [b if b.id not in KEY_LABELS else replace(b, description=key_label(b))
                      for b in bindings]
