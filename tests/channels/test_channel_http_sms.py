"""The configurable HTTP SMS gateway against two local gateways of different styles."""

from __future__ import annotations

import pytest
from channel_fakes.gateways import GATEWAY_KEY, JsonGateway, TextGateway
from channel_fakes.http_server import Reply
from channel_fakes.texts import SMS_TEXT

from recall_tui.channels.base import PermanentError, TransientError
from recall_tui.channels.http_sms import HttpSmsChannel


@pytest.fixture
def json_gateway(serve):
    fake = JsonGateway()
    url = serve(fake).base_url
    channel = HttpSmsChannel(
        url=f"{url}/api/v2/sms", headers={"Authorization": "Bearer {key}"},
        body={"destination": "{phone}", "message": "{text}", "reference": "{id}"},
        body_format="json", phone_format="84", api_key=GATEWAY_KEY,
        success_field="result.status", success_value="accepted", id_field="result.id",
        timeout=2.0)
    return fake, channel


@pytest.fixture
def text_gateway(serve):
    fake = TextGateway()
    url = serve(fake).base_url
    channel = HttpSmsChannel(
        url=f"{url}/send.php?user=pkanbinh&pass={{key}}&to={{phone}}&msg={{text}}",
        method="GET", phone_format="0", api_key=GATEWAY_KEY, success_regex=r"^OK\b",
        id_regex=r"^OK (\d+)", timeout=2.0)
    return fake, channel


def test_a_json_gateway_gets_the_filled_in_request(json_gateway, outgoing):
    fake, channel = json_gateway
    result = channel.send(outgoing())

    (request,) = fake.requests
    assert request.headers["authorization"] == f"Bearer {GATEWAY_KEY}"
    assert request.json() == {"destination": "84912345678", "message": SMS_TEXT,
                              "reference": "msg-0042-remind-1"}
    assert result.provider_id and len(result.provider_id) == 12


def test_a_get_gateway_gets_its_values_url_encoded(text_gateway, outgoing):
    fake, channel = text_gateway
    result = channel.send(outgoing(sms_text="Lich tai kham: 04/03 & STT=12?"))

    assert fake.accepted == [{"user": "pkanbinh", "pass": GATEWAY_KEY, "to": "0912345678",
                              "msg": "Lich tai kham: 04/03 & STT=12?"}]
    assert result.provider_id == "700001"


def test_a_refusal_is_permanent_and_the_key_is_not_repeated(json_gateway, outgoing):
    _, channel = json_gateway
    with pytest.raises(PermanentError) as caught:
        channel.send(outgoing(recipient="+842838123456"))
    assert caught.value.code == "rejected"
    assert "bad destination" in str(caught.value)
    assert GATEWAY_KEY not in str(caught.value)


def test_a_text_refusal_is_permanent(text_gateway, outgoing):
    _, channel = text_gateway
    with pytest.raises(PermanentError) as caught:
        channel.send(outgoing(recipient="+842838123456"))
    assert "ERR 5" in str(caught.value)


def test_a_wrong_key_is_a_configuration_error(serve, outgoing):
    fake = JsonGateway()
    url = serve(fake).base_url
    channel = HttpSmsChannel(url=f"{url}/api/v2/sms", headers={"Authorization": "Bearer {key}"},
                             body={"destination": "{phone}"}, api_key="wrong-key")
    with pytest.raises(PermanentError) as caught:
        channel.send(outgoing())
    assert caught.value.code == "config"


@pytest.mark.parametrize("reply", [Reply(503, "busy"), Reply(429, "slow down"),
                                   Reply(200, "<html>proxy error</html>")])
def test_outages_and_unreadable_answers_are_transient(json_gateway, outgoing, reply):
    fake, channel = json_gateway
    fake.fail_next(reply)
    with pytest.raises(TransientError):
        channel.send(outgoing())


def test_an_unknown_body_format_is_refused():
    with pytest.raises(ValueError):
        HttpSmsChannel(url="http://127.0.0.1:9/x", body_format="xml")


def test_a_repeated_reference_is_answered_again_not_sent_again(serve, outgoing):
    fake = JsonGateway()
    url = serve(fake).base_url
    channel = HttpSmsChannel(
        url=f"{url}/api/v2/sms", headers={"Authorization": "Bearer {key}"},
        body={"destination": "{phone}", "message": "{text}", "reference": "{id}"},
        api_key=GATEWAY_KEY, success_field="result.status", success_value="accepted",
        id_field="result.id", dedupes_by_reference=True)
    first = channel.send(outgoing())
    again = channel.send(outgoing())  # a run died before it recorded the first answer

    assert channel.dedupes
    assert len(fake.accepted) == 1 and fake.replayed == ["msg-0042-remind-1"]
    assert again.provider_id == first.provider_id
    channel.send(outgoing(idempotency_key="msg-0043-remind-1"))
    assert len(fake.accepted) == 2


def test_dedupes_by_reference_needs_the_reference_in_the_request():
    with pytest.raises(ValueError, match=r"\{id\}"):
        HttpSmsChannel(url="http://127.0.0.1:9/x", body={"to": "{phone}", "msg": "{text}"},
                       dedupes_by_reference=True)
    assert not HttpSmsChannel(url="http://127.0.0.1:9/x?ref={id}").dedupes


def test_a_lost_answer_may_have_been_delivered_a_refused_connection_was_not(
        serve, outgoing, closed_port):
    fake = JsonGateway(answer_delay=1.0)
    url = serve(fake).base_url
    slow = HttpSmsChannel(url=f"{url}/api/v2/sms", headers={"Authorization": "Bearer {key}"},
                          body={"destination": "{phone}", "reference": "{id}"},
                          api_key=GATEWAY_KEY, timeout=0.3)
    with pytest.raises(TransientError) as caught:
        slow.send(outgoing())
    assert caught.value.maybe_delivered and len(fake.accepted) == 1
    down = HttpSmsChannel(url=f"http://127.0.0.1:{closed_port}/api/v2/sms", timeout=0.3)
    with pytest.raises(TransientError) as caught:
        down.send(outgoing())
    assert not caught.value.maybe_delivered
