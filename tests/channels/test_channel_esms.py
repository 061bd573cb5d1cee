"""eSMS brandname SMS against a local server speaking eSMS's JSON API."""

from __future__ import annotations

import pytest
from channel_fakes.esms import API_KEY, PATH, SECRET_KEY
from channel_fakes.http_server import Reply
from channel_fakes.texts import SMS_TEXT

from recall_tui.channels.base import PermanentError, TransientError
from recall_tui.channels.esms import EsmsChannel


def _channel(base_url: str, **changes: object) -> EsmsChannel:
    settings: dict[str, object] = dict(api_key=API_KEY, secret_key=SECRET_KEY,
                                       brandname="PK_ANBINH", base_url=base_url, timeout=2.0)
    settings.update(changes)
    return EsmsChannel(**settings)  # type: ignore[arg-type]


def test_an_accepted_message_and_the_request_eSMS_documents(esms, outgoing):
    fake, url = esms
    result = _channel(url).send(outgoing())

    (request,) = fake.requests
    assert (request.method, request.path) == ("POST", PATH)
    assert request.headers["content-type"].startswith("application/json")
    body = request.json()
    assert body == {"ApiKey": API_KEY, "SecretKey": SECRET_KEY, "Brandname": "PK_ANBINH",
                    "SmsType": "2", "Phone": "0912345678", "Content": SMS_TEXT,
                    "IsUnicode": "0", "Sandbox": "0", "RequestId": "msg-0042-remind-1"}
    assert result.provider_id and len(result.provider_id) == 32


def test_text_with_diacritics_is_sent_as_unicode(esms, outgoing):
    fake, url = esms
    _channel(url).send(outgoing(sms_text="Nhắc lịch tái khám sáng T3"))
    assert fake.accepted[0]["IsUnicode"] == "1"
    assert fake.accepted[0]["Content"] == "Nhắc lịch tái khám sáng T3"


def test_a_repeated_request_id_is_the_same_message_already_accepted(esms, outgoing):
    fake, url = esms
    channel = _channel(url)
    channel.send(outgoing())
    channel.send(outgoing())  # a crash inside the lease window sends again: eSMS says 124
    assert len(fake.accepted) == 1


@pytest.mark.parametrize("arrange, code", [
    (lambda fake: setattr(fake, "balance", 0), "balance"),
    (lambda fake: fake.blocked.add("0912345678"), "opted_out"),
    (lambda fake: setattr(fake, "networks_without_brandname", ("091",)), "invalid_recipient"),
    (lambda fake: setattr(fake, "brandnames", ("OTHER",)), "config"),
])
def test_documented_refusals_are_permanent(esms, outgoing, arrange, code):
    fake, url = esms
    arrange(fake)
    with pytest.raises(PermanentError) as caught:
        _channel(url).send(outgoing())
    assert caught.value.code == code
    assert fake.accepted == []


def test_wrong_keys_are_a_configuration_error_that_names_no_secret(esms, outgoing):
    _, url = esms
    with pytest.raises(PermanentError) as caught:
        _channel(url, secret_key="stale-secret-key").send(outgoing())
    assert caught.value.code == "config"
    assert "101" in str(caught.value)
    assert "stale-secret-key" not in str(caught.value) and API_KEY not in str(caught.value)


def test_a_landline_is_refused_as_an_invalid_number(esms, outgoing):
    _, url = esms
    with pytest.raises(PermanentError) as caught:
        _channel(url).send(outgoing(recipient="+842838123456"))
    assert caught.value.code == "invalid_recipient"
    assert "108" in str(caught.value)


def test_content_outside_the_registered_templates_is_rejected(serve, outgoing):
    from channel_fakes.esms import FakeEsms
    fake = FakeEsms(templates=(r"PK AN BINH: nhac lich .*",))
    url = serve(fake).base_url
    _channel(url).send(outgoing())
    with pytest.raises(PermanentError) as caught:
        _channel(url).send(outgoing(idempotency_key="k2", sms_text="Khuyen mai 50%"))
    assert caught.value.code == "rejected"
    assert "146" in str(caught.value)


def test_a_foreign_number_never_reaches_esms(esms, outgoing):
    fake, url = esms
    with pytest.raises(PermanentError) as caught:
        _channel(url).send(outgoing(recipient="+14155550123"))
    assert caught.value.code == "invalid_recipient"
    assert fake.requests == []


@pytest.mark.parametrize("reply, code", [
    (Reply(503, "Service Unavailable"), "unavailable"),
    (Reply(200, "<html>gateway error</html>"), "unavailable"),
    (Reply(200, {"error": "Invalid request"}), "unavailable"),
    (Reply(200, {"CodeResult": "100"}, delay=0.5), "network"),
])
def test_outages_and_odd_answers_are_transient(esms, outgoing, reply, code):
    fake, url = esms
    fake.fail_next(reply)
    with pytest.raises(TransientError) as caught:
        _channel(url, timeout=0.2).send(outgoing())
    assert caught.value.code == code


def test_no_server_is_transient(outgoing, closed_port):
    with pytest.raises(TransientError) as caught:
        _channel(f"http://127.0.0.1:{closed_port}").send(outgoing())
    assert caught.value.code == "network"
