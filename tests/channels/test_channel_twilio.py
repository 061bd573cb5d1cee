"""Twilio against a local server speaking Twilio's Messages API, with Twilio's documented
magic test numbers for its errors."""

from __future__ import annotations

import pytest
from channel_fakes.http_server import Reply
from channel_fakes.texts import SMS_TEXT
from channel_fakes.twilio import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    FROM_NUMBER,
    MESSAGING_SERVICE_SID,
    RATE_LIMITED,
)

from recall_tui.channels.base import PermanentError, TransientError
from recall_tui.channels.twilio import TwilioChannel


def _channel(base_url: str, **changes: object) -> TwilioChannel:
    settings: dict[str, object] = dict(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN,
                                       from_number=FROM_NUMBER, base_url=base_url, timeout=2.0)
    settings.update(changes)
    return TwilioChannel(**settings)  # type: ignore[arg-type]


def test_an_accepted_message_and_the_request_twilio_documents(twilio, outgoing):
    fake, url = twilio
    result = _channel(url).send(outgoing())

    (request,) = fake.requests
    assert request.method == "POST"
    assert request.path == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert request.basic_auth() == (ACCOUNT_SID, AUTH_TOKEN)
    assert request.headers["content-type"].startswith("application/x-www-form-urlencoded")
    assert request.form() == {"To": "+84912345678", "From": FROM_NUMBER, "Body": SMS_TEXT}
    assert result.provider_id is not None and result.provider_id.startswith("SM")


def test_a_messaging_service_instead_of_a_number(twilio, outgoing):
    fake, url = twilio
    _channel(url, from_number=None, messaging_service_sid=MESSAGING_SERVICE_SID).send(outgoing())
    assert fake.accepted[0]["MessagingServiceSid"] == MESSAGING_SERVICE_SID
    assert "From" not in fake.accepted[0]


@pytest.mark.parametrize("to, twilio_code, code", [
    ("+15005550001", 21211, "invalid_recipient"),
    ("+15005550002", 21612, "invalid_recipient"),
    ("+15005550003", 21408, "config"),
    ("+15005550004", 21610, "opted_out"),
    ("+15005550009", 21614, "invalid_recipient"),
])
def test_documented_400_errors_are_permanent(twilio, outgoing, to, twilio_code, code):
    _, url = twilio
    with pytest.raises(PermanentError) as caught:
        _channel(url).send(outgoing(recipient=to))
    assert caught.value.code == code
    assert str(twilio_code) in str(caught.value)


def test_a_too_long_body_is_rejected(twilio, outgoing):
    _, url = twilio
    with pytest.raises(PermanentError) as caught:
        _channel(url).send(outgoing(sms_text="x" * 1601))
    assert caught.value.code == "rejected"


def test_a_wrong_auth_token_is_a_configuration_error_that_names_no_secret(twilio, outgoing):
    _, url = twilio
    with pytest.raises(PermanentError) as caught:
        _channel(url, auth_token="rotated-token").send(outgoing())
    assert caught.value.code == "config"
    assert "20003" in str(caught.value)
    assert "rotated-token" not in str(caught.value)


def test_a_number_twilio_does_not_own_is_a_configuration_error(twilio, outgoing):
    _, url = twilio
    with pytest.raises(PermanentError) as caught:
        _channel(url, from_number="+15005550000").send(outgoing())
    assert caught.value.code == "config"


@pytest.mark.parametrize("reply, code, retry_after", [
    (RATE_LIMITED, "rate_limited", 3.0),
    (Reply(503, {"code": 20503, "message": "Service Unavailable", "status": 503}),
     "unavailable", None),
])
def test_429_and_5xx_are_transient(twilio, outgoing, reply, code, retry_after):
    fake, url = twilio
    fake.fail_next(reply)
    with pytest.raises(TransientError) as caught:
        _channel(url).send(outgoing())
    assert caught.value.code == code
    assert caught.value.retry_after == retry_after


def test_neither_from_nor_service_is_refused_at_construction():
    with pytest.raises(ValueError):
        TwilioChannel(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN)


def test_a_repeated_request_is_a_second_sms(twilio, outgoing):
    """The Messages resource takes no idempotency key: the channel says it does not dedupe,
    and the outbox never repeats a Twilio SMS whose fate is unknown (maybe_sent)."""
    fake, url = twilio
    channel = _channel(url)
    channel.send(outgoing())
    channel.send(outgoing())
    assert len(fake.accepted) == 2 and channel.dedupes is False
