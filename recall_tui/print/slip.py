"""What a follow-up slip (giấy hẹn khám lại) says, as plain data, and how its values read.

A ``Slip`` is built by a service from the appointment; the renderers (``pdf``, ``escpos``)
only lay it out. Both take every word from here, so the A5 sheet and the thermal receipt
cannot disagree.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, fields
from datetime import date, datetime, time
from pathlib import Path

from .labels import LABELS, LANGUAGES, MONTHS_EN, WEEKDAYS

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_REGULAR = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"

_REQUIRED_TEXT = ("facility_name", "code", "patient_name", "mrn", "part_label", "clinic_name")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


@dataclass(frozen=True, kw_only=True)
class Slip:
    """One printed follow-up slip. Text is normalised to NFC and trimmed on creation."""

    facility_name: str
    code: str  # the appointment code, shown as the slip number, e.g. "K7M2-QX4"
    patient_name: str
    mrn: str
    appointment_date: date
    part_label: str  # the session part as the desk says it: "Sáng", "Morning"
    clinic_name: str  # the clinic's public name: never a specialty that reveals a diagnosis
    queue_number: int | None
    printed_at: datetime
    language: str = "vi"  # "vi" | "en"
    birth: date | int | None = None  # a full date, or a year when only that is known
    facility_address: str | None = None
    facility_phone: str | None = None
    bhyt_number: str | None = None
    weekday: str = ""  # computed from the date in the slip's language when empty
    session_start: time | None = None
    session_end: time | None = None
    where: str | None = None  # where to go: room, floor, building ("Phòng 105, tầng 1, khu B")
    doctor_name: str | None = None
    doctor_licence: str | None = None
    instructions: tuple[str, ...] = ()  # a str is taken as one instruction
    validity_note: str | None = None  # e.g. "Giấy hẹn có giá trị đến 10/12/2026"
    scan_value: str = ""  # what the QR / barcode carry; the code when empty

    def __post_init__(self) -> None:
        def put(name: str, value: object) -> None:
            object.__setattr__(self, name, value)

        if self.language not in LANGUAGES:
            raise ValueError(f"slip language must be one of {LANGUAGES}, not {self.language!r}")
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, str):
                value = _nfc(value)
                # Blank optional text reads as absent; weekday and scan_value (default "")
                # stay "" and are filled in below.
                put(f.name, None if not value and f.default is None else value)
        for name in _REQUIRED_TEXT:
            if not getattr(self, name):
                raise ValueError(f"slip needs a non-empty {name}")
        raw = self.instructions
        items = (raw,) if isinstance(raw, str) else tuple(raw or ())
        put("instructions", tuple(t for t in (_nfc(i) for i in items) if t))
        if not self.weekday:
            put("weekday", WEEKDAYS[self.language][self.appointment_date.weekday()])
        if not self.scan_value:
            put("scan_value", self.code)
        if isinstance(self.birth, datetime):
            put("birth", self.birth.date())

    # ---- how values read -------------------------------------------------------------

    @property
    def labels(self) -> dict[str, str]:
        return LABELS[self.language]

    def date_text(self, day: date) -> str:
        if self.language == "vi":
            return f"{day:%d/%m/%Y}"
        return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"

    @property
    def appointment_text(self) -> str:
        """``Thứ Năm, 10/12/2026`` / ``Thursday, 10 December 2026``."""
        return f"{self.weekday}, {self.date_text(self.appointment_date)}"

    @property
    def time_range(self) -> str:
        start, end = self.session_start, self.session_end
        if start and end:
            return f"{start:%H:%M}–{end:%H:%M}"
        if start:
            return f"{start:%H:%M}"
        return ""

    @property
    def session_text(self) -> str:
        """``Sáng · 07:00–11:30``."""
        return " · ".join(p for p in (self.part_label, self.time_range) if p)

    @property
    def queue_text(self) -> str:
        return "" if self.queue_number is None else str(self.queue_number)

    @property
    def birth_row(self) -> tuple[str, str] | None:
        if self.birth is None:
            return None
        if isinstance(self.birth, date):
            return self.labels["birth_date"], self.date_text(self.birth)
        return self.labels["birth_year"], str(self.birth)

    @property
    def doctor_text(self) -> str:
        """``BS. Trần Văn An (Số GPHN: 001234/HNO-GPHN)``, or empty."""
        if not self.doctor_name:
            return ""
        if self.doctor_licence:
            return f"{self.doctor_name} ({self.labels['licence']}: {self.doctor_licence})"
        return self.doctor_name

    @property
    def facility_lines(self) -> list[str]:
        lines = [self.facility_address] if self.facility_address else []
        if self.facility_phone:
            lines.append(f"{self.labels['phone']}: {self.facility_phone}")
        return lines

    @property
    def printed_text(self) -> str:
        return f"{self.labels['printed_at']} {self.printed_at:%d/%m/%Y %H:%M}"

    def patient_rows(self) -> list[tuple[str, str]]:
        """Label and value of each line about the patient, name first."""
        rows = [(self.labels["patient_name"], self.patient_name)]
        if self.birth_row:
            rows.append(self.birth_row)
        rows.append((self.labels["mrn"], self.mrn))
        if self.bhyt_number:
            rows.append((self.labels["bhyt"], self.bhyt_number))
        return rows

    def place_rows(self) -> list[tuple[str, str]]:
        """Where and with whom: the clinic, where to go in the building, and the doctor when
        known."""
        rows = [(self.labels["clinic"], self.clinic_name)]
        if self.where:
            rows.append((self.labels["where"], self.where))
        if self.doctor_text:
            rows.append((self.labels["doctor"], self.doctor_text))
        return rows


def sample_slip(language: str = "vi", **changes: object) -> Slip:
    """A realistic slip for previews, screenshots and tests."""
    vi = language == "vi"
    values: dict[str, object] = dict(
        facility_name="Bệnh viện Đa khoa Tỉnh Thừa Thiên Huế" if vi
        else "Thua Thien Hue Provincial General Hospital",
        facility_address="16 Lê Lợi, phường Vĩnh Ninh, TP. Huế",
        facility_phone="0234 3822 325",
        code="K7M2-QX4",
        patient_name="Nguyễn Thị Hồng",
        birth=date(1962, 3, 5),
        mrn="BN0012345",
        bhyt_number="HC4797938123456",
        appointment_date=date(2026, 12, 10),
        part_label="Sáng" if vi else "Morning",
        session_start=time(7, 0),
        session_end=time(11, 30),
        queue_number=12,
        clinic_name="Khu khám bệnh B" if vi else "Outpatient area B",
        where="Phòng 105, tầng 1, nhà B" if vi else "Room 105, floor 1, building B",
        doctor_name="BS. Trần Văn An" if vi else "Dr Tran Van An",
        doctor_licence="001234/TTH-GPHN",
        instructions=("Nhịn ăn sáng để xét nghiệm máu.", "Mang theo đơn thuốc cũ.") if vi
        else ("Do not eat breakfast (blood test).", "Bring your current prescriptions."),
        validity_note="Giấy hẹn có giá trị đến 24/12/2026." if vi
        else "This slip is valid until 24 December 2026.",
        language=language,
        printed_at=datetime(2026, 11, 25, 9, 14),
    )
    values.update(changes)
    return Slip(**values)  # type: ignore[arg-type]
