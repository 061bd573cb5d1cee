"""E-mail through yagmail to a real local SMTP server (aiosmtpd): what arrives, and how
the server's refusals are read."""

from __future__ import annotations

import email
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import default as default_policy
from zoneinfo import ZoneInfo

import icalendar
import pytest
from channel_fakes.smtp_server import CERT, SmtpServer
from channel_fakes.texts import VI_SUBJECT, VI_TEXT

from recall_tui.channels.base import Outgoing, PermanentError, TransientError
from recall_tui.channels.email import EmailChannel
from recall_tui.channels.ics import build_ics

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
PATIENT = "anh.nguyen@example.vn"
SENDER = "nhaclich@pk-anbinh.vn"
LOGIN = ("nhaclich@pk-anbinh.vn", "smtp-secret-9f8e7d")


def _channel(server: SmtpServer, **options: object) -> EmailChannel:
    settings: dict[str, object] = dict(host="127.0.0.1", port=server.port, tls="none",
                                       sender=SENDER, sender_name="Phòng khám An Bình",
                                       timeout=5.0)
    settings.update(options)
    return EmailChannel(**settings)  # type: ignore[arg-type]


def _email(make: Callable[..., Outgoing], **changes: object) -> Outgoing:
    return make(**{"channel": "email", "recipient": PATIENT, **changes})


def _invite(method: str, sequence: int) -> bytes:
    return build_ics(uid="A7K2-9@recall", sequence=sequence, method=method,
                     summary="Tái khám – Phòng khám Nội", location="Tầng 2",
                     start=datetime(2025, 3, 4, 7, tzinfo=HCM),
                     end=datetime(2025, 3, 4, 11, tzinfo=HCM), tz_name="Asia/Ho_Chi_Minh",
                     organizer_email=SENDER, attendee_email=PATIENT,
                     stamp=datetime(2025, 2, 20, tzinfo=UTC))


def _parsed(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=default_policy)  # type: ignore[return-value]


def test_vietnamese_subject_and_body_arrive_intact(smtp, outgoing):
    server = smtp()
    result = _channel(server).send(_email(outgoing))

    (received,) = server.messages
    assert received.mail_from == SENDER
    assert received.rcpt_tos == [PATIENT]
    assert max(received.content) < 128  # 7-bit clean on the wire: any server carries it
    mail = _parsed(received.content)
    assert mail["Subject"] == VI_SUBJECT
    assert mail["From"].addresses[0].display_name == "Phòng khám An Bình"
    assert mail["From"].addresses[0].addr_spec == SENDER
    assert mail["To"] == PATIENT
    assert mail["Content-Language"] == "vi"
    body = mail.get_body(("plain",))
    assert body is not None
    assert body.get_content().replace("\r\n", "\n").strip() == VI_TEXT
    assert mail["Message-ID"] == result.provider_id == "<msg-0042-remind-1@pk-anbinh.vn>"
    assert received.login is None and received.tls is False


def test_the_invitation_is_a_calendar_request_with_its_time_zone(smtp, outgoing):
    server = smtp()
    _channel(server).send(_email(outgoing, ics=_invite("REQUEST", 0), ics_method="REQUEST"))

    mail = _parsed(server.messages[0].content)
    calendar_part = next(p for p in mail.walk() if p.get_content_type() == "text/calendar")
    assert calendar_part.get_param("method") == "REQUEST"
    calendar = icalendar.Calendar.from_ical(calendar_part.get_content())
    assert calendar["METHOD"] == "REQUEST"
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Asia/Ho_Chi_Minh"
    attachment = next(mail.iter_attachments())
    assert attachment.get_filename() == "invite.ics"
    assert icalendar.Calendar.from_ical(attachment.get_content())["METHOD"] == "REQUEST"
    assert mail.get_body(("plain",)) is not None


def test_a_cancellation_carries_method_cancel(smtp, outgoing):
    server = smtp()
    _channel(server).send(_email(outgoing, ics=_invite("CANCEL", 1), ics_method="CANCEL"))

    mail = _parsed(server.messages[0].content)
    calendar_part = next(p for p in mail.walk() if p.get_content_type() == "text/calendar")
    assert calendar_part.get_param("method") == "CANCEL"
    event = icalendar.Calendar.from_ical(calendar_part.get_content()).walk("VEVENT")[0]
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 1


@pytest.mark.parametrize("tls", ["starttls", "ssl"])
def test_login_over_tls(smtp, outgoing, tls):
    server = smtp(tls=tls, login=LOGIN)
    channel = _channel(server, tls=tls, user=LOGIN[0], password=LOGIN[1], ca_file=str(CERT))
    channel.send(_email(outgoing))

    (received,) = server.messages
    assert received.tls is True
    assert received.login == LOGIN[0]


def test_a_wrong_password_is_a_configuration_error(smtp, outgoing):
    server = smtp(tls="starttls", login=LOGIN)
    channel = _channel(server, tls="starttls", user=LOGIN[0], password="sai-mat-khau",
                       ca_file=str(CERT))
    with pytest.raises(PermanentError) as caught:
        channel.send(_email(outgoing))
    assert caught.value.code == "config"
    assert "535" in str(caught.value)
    assert "sai-mat-khau" not in str(caught.value)
    assert server.messages == []


def test_a_non_ascii_password_is_a_configuration_error(smtp, outgoing):
    server = smtp(tls="starttls", login=LOGIN)
    channel = _channel(server, tls="starttls", user=LOGIN[0], password="mật-khẩu-123",
                       ca_file=str(CERT))
    with pytest.raises(PermanentError) as caught:
        channel.send(_email(outgoing))
    assert caught.value.code == "config"
    assert "non-ASCII" in str(caught.value)


def test_an_untrusted_certificate_is_a_configuration_error(smtp, outgoing):
    server = smtp(tls="ssl")
    with pytest.raises(PermanentError) as caught:
        _channel(server, tls="ssl").send(_email(outgoing))  # the system CAs only
    assert caught.value.code == "config"


def test_starttls_asked_of_a_server_without_it_is_a_configuration_error(smtp, outgoing):
    server = smtp(tls="none")
    with pytest.raises(PermanentError) as caught:
        _channel(server, tls="starttls", ca_file=str(CERT)).send(_email(outgoing))
    assert caught.value.code == "config"


@pytest.mark.parametrize("reply, error, code", [
    ("550 5.1.1 <anh.nguyen@example.vn>: Recipient address rejected: User unknown",
     PermanentError, "invalid_recipient"),
    ("450 4.2.0 <anh.nguyen@example.vn>: Mailbox busy, try later", TransientError,
     "unavailable"),
])
def test_a_refused_recipient(smtp, outgoing, reply, error, code):
    server = smtp()
    server.mailbox.refuse[PATIENT] = reply
    with pytest.raises(error) as caught:
        _channel(server).send(_email(outgoing))
    assert caught.value.code == code
    assert reply[:3] in str(caught.value)


@pytest.mark.parametrize("reply, error, code", [
    ("554 5.7.1 Message rejected as spam", PermanentError, "rejected"),
    ("451 4.3.0 Temporary local problem, try later", TransientError, "unavailable"),
])
def test_a_refused_message(smtp, outgoing, reply, error, code):
    server = smtp()
    server.mailbox.data_reply = reply
    with pytest.raises(error) as caught:
        _channel(server).send(_email(outgoing))
    assert caught.value.code == code


def test_no_server_is_transient(outgoing, closed_port):
    channel = EmailChannel(host="127.0.0.1", port=closed_port, tls="none", sender=SENDER,
                           timeout=2.0)
    with pytest.raises(TransientError) as caught:
        channel.send(_email(outgoing))
    assert caught.value.code == "network"


def test_a_malformed_address_fails_before_any_connection(outgoing, closed_port):
    channel = EmailChannel(host="127.0.0.1", port=closed_port, tls="none", sender=SENDER)
    with pytest.raises(PermanentError) as caught:
        channel.send(_email(outgoing, recipient="anh.nguyen@@example"))
    assert caught.value.code == "invalid_recipient"


def test_the_password_stays_out_of_repr(smtp):
    channel = EmailChannel(host="smtp.example.vn", sender=SENDER, user=LOGIN[0],
                           password=LOGIN[1])
    assert LOGIN[1] not in repr(channel)
