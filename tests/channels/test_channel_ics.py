"""The .ics invitation: a calendar client's reading of what build_ics makes."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest

from recall_tui.channels.ics import build_ics

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def _ics(**changes: object) -> bytes:
    values: dict[str, object] = dict(
        uid="A7K2-9@recall.pk-anbinh.vn", sequence=0, method="REQUEST",
        summary="Tái khám – Phòng khám Nội", location="Tầng 2, 215 Hồng Bàng, Q.5",
        start=datetime(2025, 3, 4, 7, 0, tzinfo=HCM), end=datetime(2025, 3, 4, 11, 0, tzinfo=HCM),
        tz_name="Asia/Ho_Chi_Minh", organizer_email="nhaclich@pk-anbinh.vn",
        organizer_name="Phòng khám An Bình", attendee_email="anh.nguyen@example.vn",
        description="Số thứ tự 12. Nhịn ăn sáng.", stamp=datetime(2025, 2, 20, 9, 15, tzinfo=UTC))
    values.update(changes)
    return build_ics(**values)  # type: ignore[arg-type]


def _event(calendar: icalendar.Calendar) -> icalendar.Event:
    (event,) = calendar.walk("VEVENT")
    return event


def test_request_is_an_invitation_in_the_clinic_zone_with_its_vtimezone():
    raw = _ics()
    calendar = icalendar.Calendar.from_ical(raw)
    event = _event(calendar)

    assert calendar["METHOD"] == "REQUEST"
    assert calendar["VERSION"] == "2.0"
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Asia/Ho_Chi_Minh"
    assert b"DTSTART;TZID=Asia/Ho_Chi_Minh:20250304T070000" in raw
    assert event.decoded("DTSTART") == datetime(2025, 3, 4, 7, 0, tzinfo=HCM)
    assert event["UID"] == "A7K2-9@recall.pk-anbinh.vn"
    assert event["SEQUENCE"] == 0
    assert event["STATUS"] == "CONFIRMED"
    assert str(event["SUMMARY"]) == "Tái khám – Phòng khám Nội"
    assert str(event["LOCATION"]) == "Tầng 2, 215 Hồng Bàng, Q.5"
    assert str(event["ORGANIZER"]) == "mailto:nhaclich@pk-anbinh.vn"
    assert event["ORGANIZER"].params["CN"] == "Phòng khám An Bình"
    assert str(event["ATTENDEE"]) == "mailto:anh.nguyen@example.vn"
    assert event.decoded("DTSTAMP") == datetime(2025, 2, 20, 9, 15, tzinfo=UTC)
    assert raw.decode("utf-8").count("\r\n") > 10  # CRLF lines, UTF-8


def test_cancel_keeps_the_uid_with_a_higher_sequence_and_is_cancelled():
    first = _event(icalendar.Calendar.from_ical(_ics()))
    cancel = icalendar.Calendar.from_ical(_ics(method="CANCEL", sequence=1))
    event = _event(cancel)

    assert cancel["METHOD"] == "CANCEL"
    assert event["UID"] == first["UID"]
    assert event["SEQUENCE"] > first["SEQUENCE"]
    assert event["STATUS"] == "CANCELLED"
    assert cancel.walk("VTIMEZONE")


def test_times_given_in_another_zone_are_written_in_the_clinic_zone():
    start = datetime(2025, 3, 4, 0, 30, tzinfo=UTC)  # 07:30 in Ho Chi Minh City
    raw = _ics(start=start, end=datetime(2025, 3, 4, 4, 30, tzinfo=UTC))
    assert b"DTSTART;TZID=Asia/Ho_Chi_Minh:20250304T073000" in raw
    assert b"DTEND;TZID=Asia/Ho_Chi_Minh:20250304T113000" in raw


@pytest.mark.parametrize("changes, message", [
    ({"method": "PUBLISH"}, "unknown method"),
    ({"start": datetime(2025, 3, 4, 7, 0)}, "start must be an aware datetime"),
    ({"tz_name": "Asia/Saigon_City"}, "unknown time zone"),
    ({"end": datetime(2025, 3, 4, 6, 0, tzinfo=HCM)}, "end must be after start"),
    ({"sequence": -1}, "sequence"),
])
def test_bad_values_are_refused_with_a_reason(changes: dict, message: str):
    with pytest.raises(ValueError, match=message):
        _ics(**changes)
