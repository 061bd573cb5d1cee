"""Zalo ZNS against a local server speaking Zalo's ZNS and OAuth v4 APIs."""

from __future__ import annotations

import logging
import threading

import pytest
from channel_fakes.http_server import Reply
from channel_fakes.zalo import (
    APP_ID,
    FIRST_ACCESS,
    FIRST_REFRESH,
    SECRET_KEY,
    SEND_PATH,
    TOKEN_PATH,
)

from recall_tui.channels.base import PermanentError, TransientError
from recall_tui.channels.zalo import ZaloChannel, ZaloTokens


def _channel(base_url: str, **changes: object) -> ZaloChannel:
    settings: dict[str, object] = dict(app_id=APP_ID, secret_key=SECRET_KEY,
                                       access_token=FIRST_ACCESS, refresh_token=FIRST_REFRESH,
                                       base_url=base_url, oauth_url=base_url, timeout=2.0)
    settings.update(changes)
    return ZaloChannel(**settings)  # type: ignore[arg-type]


def _zalo(make, **changes):
    return make(**{"channel": "zalo", **changes})


def test_a_delivered_template_and_the_request_zalo_documents(zalo, outgoing):
    fake, url = zalo
    result = _channel(url).send(_zalo(outgoing))

    (request,) = fake.requests
    assert (request.method, request.path) == ("POST", SEND_PATH)
    assert request.headers["access_token"] == FIRST_ACCESS
    assert request.json() == {
        "phone": "84912345678", "template_id": "231677", "tracking_id": "msg-0042-remind-1",
        "template_data": {"patient_name": "Nguyễn Thị Ánh", "date": "04/03/2025",
                          "session": "Sáng", "queue_number": "12", "code": "A7K2-9"}}
    assert result.provider_id == "zns-1"


def test_a_phone_without_zalo_is_permanent_no_account(zalo, outgoing):
    _, url = zalo
    with pytest.raises(PermanentError) as caught:
        _channel(url).send(_zalo(outgoing, recipient="+84987000111"))
    assert caught.value.code == "no_account"
    assert "-118" in str(caught.value)


def test_an_expired_token_is_refreshed_once_and_the_send_retried(zalo, outgoing):
    fake, url = zalo
    stored: list[ZaloTokens] = []
    channel = _channel(url, on_tokens=stored.append)
    fake.expire_access_token()

    result = channel.send(_zalo(outgoing))

    assert [r.path for r in fake.requests] == [SEND_PATH, TOKEN_PATH, SEND_PATH]
    refresh = fake.requests[1]
    assert refresh.headers["secret_key"] == SECRET_KEY
    assert refresh.form() == {"refresh_token": FIRST_REFRESH, "app_id": APP_ID,
                              "grant_type": "refresh_token"}
    assert fake.requests[2].headers["access_token"] == "zalo-access-1"
    assert result.provider_id == "zns-1"
    assert stored == [ZaloTokens("zalo-access-1", "zalo-refresh-1", 90000)]


def test_each_refresh_spends_the_newest_refresh_token(zalo, outgoing):
    fake, url = zalo
    stored: list[ZaloTokens] = []
    channel = _channel(url, on_tokens=stored.append)
    for _ in range(2):
        fake.expire_access_token()
        channel.send(_zalo(outgoing))
    assert [t.refresh_token for t in stored] == ["zalo-refresh-1", "zalo-refresh-2"]
    assert fake.refreshes == 2


def test_without_an_access_token_the_first_send_refreshes(zalo, outgoing):
    fake, url = zalo
    stored: list[ZaloTokens] = []
    _channel(url, access_token="", on_tokens=stored.append).send(_zalo(outgoing))
    assert [r.path for r in fake.requests] == [TOKEN_PATH, SEND_PATH]
    assert stored[0].access_token == "zalo-access-1"


def test_threads_meeting_an_expired_token_refresh_it_once(zalo, outgoing):
    fake, url = zalo
    channel = _channel(url)
    fake.expire_access_token()
    errors: list[Exception] = []

    def send(n: int) -> None:
        try:
            channel.send(_zalo(outgoing, idempotency_key=f"msg-{n}"))
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert errors == []
    assert fake.refreshes == 1
    assert len(fake.delivered) == 4


def test_a_spent_refresh_token_is_a_configuration_error(zalo, outgoing):
    fake, url = zalo
    fake.expire_access_token()
    with pytest.raises(PermanentError) as caught:
        _channel(url, refresh_token="zalo-refresh-used-before").send(_zalo(outgoing))
    assert caught.value.code == "config"
    assert "zalo-refresh-used-before" not in str(caught.value)
    assert fake.delivered == []


def test_an_oauth_outage_is_transient(zalo, outgoing):
    fake, url = zalo
    fake.expire_access_token()
    fake.fail_next(Reply(200, {"error": -124, "message": "Access token invalid"}))
    fake.fail_next(Reply(503, "Service Unavailable"))
    with pytest.raises(TransientError):
        _channel(url).send(_zalo(outgoing))


def test_a_failing_token_store_does_not_stop_the_send_and_logs_no_secret(zalo, outgoing,
                                                                          caplog):
    fake, url = zalo
    fake.expire_access_token()

    def broken_store(tokens: ZaloTokens) -> None:
        raise OSError("disk full")

    with caplog.at_level(logging.DEBUG):
        result = _channel(url, on_tokens=broken_store).send(_zalo(outgoing))
    assert result.provider_id == "zns-1"
    assert "could not store" in caplog.text
    for secret in (SECRET_KEY, FIRST_REFRESH, "zalo-refresh-1", "zalo-access-1"):
        assert secret not in caplog.text


def test_night_time_is_transient(zalo, outgoing):
    fake, url = zalo
    fake.night = True
    with pytest.raises(TransientError) as caught:
        _channel(url).send(_zalo(outgoing))
    assert "-133" in str(caught.value)


@pytest.mark.parametrize("changes, zalo_code", [
    ({"template_id": "999999"}, "-109"),
    ({"template_data": {"patient_name": "Ánh"}}, "-112"),
    ({"template_data": {}}, "-111"),
])
def test_template_problems_are_rejected(zalo, outgoing, changes, zalo_code):
    _, url = zalo
    with pytest.raises(PermanentError) as caught:
        _channel(url).send(_zalo(outgoing, **changes))
    assert caught.value.code == "rejected"
    assert zalo_code in str(caught.value)


def test_a_message_without_a_template_never_reaches_zalo(zalo, outgoing):
    fake, url = zalo
    with pytest.raises(PermanentError) as caught:
        _channel(url).send(_zalo(outgoing, template_id=None))
    assert caught.value.code == "rejected"
    assert fake.requests == []


def test_secrets_stay_out_of_repr(zalo):
    _, url = zalo
    text = repr(_channel(url)) + repr(ZaloTokens("a-secret", "r-secret", 1))
    assert SECRET_KEY not in text and FIRST_REFRESH not in text and "secret" not in text


def test_a_repeated_tracking_id_is_a_second_notification(zalo, outgoing):
    """ZNS keeps tracking_id for reconciliation; it does not refuse a repeat. So the channel
    says it does not dedupe, and the outbox never repeats a Zalo message whose fate is
    unknown (it is marked maybe_sent)."""
    fake, url = zalo
    channel = _channel(url)
    channel.send(_zalo(outgoing))
    channel.send(_zalo(outgoing))
    assert [d["tracking_id"] for d in fake.delivered] == ["msg-0042-remind-1"] * 2
    assert channel.dedupes is False
