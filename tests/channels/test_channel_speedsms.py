"""SpeedSMS against a local server speaking SpeedSMS's API."""

from __future__ import annotations

import pytest
from channel_fakes.http_server import Reply
from channel_fakes.speedsms import PATH, RATE_LIMITED, TOKEN
from channel_fakes.texts import SMS_TEXT

from recall_tui.channels.base import PermanentError, TransientError
from recall_tui.channels.speedsms import SpeedSmsChannel


def _channel(base_url: str, **changes: object) -> SpeedSmsChannel:
    settings: dict[str, object] = dict(access_token=TOKEN, sender="PK_ANBINH", sms_type=3,
                                       base_url=base_url, timeout=2.0)
    settings.update(changes)
    return SpeedSmsChannel(**settings)  # type: ignore[arg-type]


def test_an_accepted_message_and_the_request_speedsms_documents(speedsms, outgoing):
    fake, url = speedsms
    result = _channel(url).send(outgoing())

    (request,) = fake.requests
    assert (request.method, request.path) == ("POST", PATH)
    assert request.basic_auth() == (TOKEN, "x")
    assert request.json() == {"to": ["84912345678"], "content": SMS_TEXT, "sms_type": 3,
                              "sender": "PK_ANBINH"}
    assert result.provider_id == "1001"


def test_a_wrong_token_is_a_configuration_error(speedsms, outgoing):
    _, url = speedsms
    with pytest.raises(PermanentError) as caught:
        _channel(url, access_token="old-token").send(outgoing())
    assert caught.value.code == "config"
    assert "old-token" not in str(caught.value)


@pytest.mark.parametrize("arrange, message, code", [
    (lambda fake: setattr(fake, "balance", 0), {}, "balance"),
    (lambda fake: setattr(fake, "max_length", 20), {}, "rejected"),
    (lambda fake: None, {"recipient": "+842838123456"}, "invalid_recipient"),
])
def test_documented_errors_are_permanent(speedsms, outgoing, arrange, message, code):
    fake, url = speedsms
    arrange(fake)
    with pytest.raises(PermanentError) as caught:
        _channel(url).send(outgoing(**message))
    assert caught.value.code == code
    assert fake.accepted == []


def test_an_internal_error_is_transient(speedsms, outgoing):
    fake, url = speedsms
    fake.internal_error = True
    with pytest.raises(TransientError) as caught:
        _channel(url).send(outgoing())
    assert caught.value.code == "unavailable"
    assert "500" in str(caught.value)


def test_the_rate_limit_is_transient_with_its_reset_time(speedsms, outgoing):
    fake, url = speedsms
    fake.fail_next(RATE_LIMITED)
    channel = _channel(url)
    with pytest.raises(TransientError) as caught:
        channel.send(outgoing())
    assert caught.value.code == "rate_limited"
    assert caught.value.retry_after == 42
    channel.send(outgoing())  # the next minute
    assert len(fake.accepted) == 1


def test_a_server_error_is_transient(speedsms, outgoing):
    fake, url = speedsms
    fake.fail_next(Reply(502, "Bad Gateway"))
    with pytest.raises(TransientError):
        _channel(url).send(outgoing())


def test_a_repeated_request_is_a_second_sms(speedsms, outgoing):
    """/sms/send takes no request key: the channel says it does not dedupe."""
    fake, url = speedsms
    channel = _channel(url)
    channel.send(outgoing())
    channel.send(outgoing())
    assert len(fake.accepted) == 2 and channel.dedupes is False
