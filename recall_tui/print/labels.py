"""The fixed words printed on a follow-up slip, in Vietnamese and English (NFC).

Nothing here names a diagnosis or a specialty: a slip names its clinic by the public name the
clinic chose for patients (``[[clinics]] public_name``), and says where to go in the
building (``where``).
"""

from __future__ import annotations

LANGUAGES = ("vi", "en")

LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "title": "Giấy hẹn khám lại",
        "slip_no": "Số phiếu",
        "patient_name": "Họ và tên",
        "birth_date": "Ngày sinh",
        "birth_year": "Năm sinh",
        "mrn": "Mã BN",
        "bhyt": "Số thẻ BHYT",
        "appointment": "Ngày hẹn",
        "session": "Buổi",
        "queue": "Số thứ tự",
        "clinic": "Nơi khám",
        "where": "Vị trí",
        "doctor": "Bác sĩ",
        "licence": "Số GPHN",
        "instructions": "Dặn dò",
        "phone": "ĐT",
        "scan_hint": "Xuất trình mã này tại quầy tiếp đón.",
        "bring": "Vui lòng mang theo giấy hẹn này và thẻ BHYT (nếu có) khi đến khám.",
        "earlier": "Nếu thấy có dấu hiệu bất thường, xin đến khám ngay, không chờ đến ngày hẹn.",
        "printed_at": "In lúc",
    },
    "en": {
        "title": "Follow-up appointment slip",
        "slip_no": "Slip no.",
        "patient_name": "Name",
        "birth_date": "Date of birth",
        "birth_year": "Year of birth",
        "mrn": "MRN",
        "bhyt": "Insurance card (BHYT)",
        "appointment": "Appointment",
        "session": "Session",
        "queue": "Queue no.",
        "clinic": "Clinic",
        "where": "Where to go",
        "doctor": "Doctor",
        "licence": "Licence no.",
        "instructions": "Instructions",
        "phone": "Tel",
        "scan_hint": "Show this code at the reception desk.",
        "bring": "Please bring this slip and your insurance card (if any) to your visit.",
        "earlier": "If you feel worse, come back at once; do not wait for this date.",
        "printed_at": "Printed",
    },
}

# Monday first, as date.weekday() counts.
WEEKDAYS: dict[str, tuple[str, ...]] = {
    "vi": ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}

MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
