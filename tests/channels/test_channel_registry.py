"""Building the channels from recall.toml's settings and the environment."""

from __future__ import annotations

import tomllib

import pytest
from channel_fakes.esms import API_KEY, SECRET_KEY
from channel_fakes.zalo import APP_ID, FIRST_REFRESH
from channel_fakes.zalo import SECRET_KEY as ZALO_SECRET

from recall_tui.channels.email import EmailChannel
from recall_tui.channels.esms import EsmsChannel
from recall_tui.channels.http_sms import HttpSmsChannel
from recall_tui.channels.registry import build_channels
from recall_tui.channels.speedsms import SpeedSmsChannel
from recall_tui.channels.twilio import TwilioChannel
from recall_tui.channels.zalo import ZaloChannel, ZaloTokens

RECALL_TOML = """
[channels.email]
host = "smtp.pk-anbinh.vn"
tls = "ssl"
user = "nhaclich@pk-anbinh.vn"
sender = "nhaclich@pk-anbinh.vn"
sender_name = "Phòng khám An Bình"

[channels.sms]
provider = "esms"
brandname = "PK_ANBINH"

[channels.zalo]
app_id = "4318000000000000001"
"""

ENV = {
    "RECALL_SMTP_PASSWORD": "smtp-secret-9f8e7d",
    "RECALL_ESMS_API_KEY": API_KEY, "RECALL_ESMS_SECRET_KEY": SECRET_KEY,
    "RECALL_SPEEDSMS_TOKEN": "speedsms-token", "RECALL_TWILIO_AUTH_TOKEN": "twilio-token",
    "RECALL_ZALO_SECRET_KEY": ZALO_SECRET, "RECALL_ZALO_REFRESH_TOKEN": FIRST_REFRESH,
    "RECALL_SMS_HTTP_KEY": "gw-key",
}


def _settings() -> dict:
    return tomllib.loads(RECALL_TOML)["channels"]


def _build(settings: dict, env: dict | None = None, **options) -> dict:
    return build_channels(settings, ENV if env is None else env, use_keyring=False, **options)


def test_the_channels_of_a_recall_toml():
    channels = _build(_settings())
    assert set(channels) == {"email", "sms", "zalo"}
    email, sms, zalo = channels["email"], channels["sms"], channels["zalo"]
    assert isinstance(email, EmailChannel)
    assert (email.port, email.tls, email.sender_name) == (465, "ssl", "Phòng khám An Bình")
    assert isinstance(sms, EsmsChannel) and sms.brandname == "PK_ANBINH"
    assert isinstance(zalo, ZaloChannel) and zalo.app_id == APP_ID
    # Which channels recognise a repeat of one message (e-mail by Message-ID, eSMS by
    # RequestId): after a lost run those are sent again, the others marked maybe_sent.
    assert (email.dedupes, sms.dedupes, zalo.dedupes) == (True, True, False)
    assert {ch.name for ch in channels.values()} == {"email", "sms", "zalo"}
    for channel in channels.values():
        for secret in ENV.values():
            assert secret not in repr(channel)


@pytest.mark.parametrize("sms, kind", [
    ({"provider": "speedsms", "sender": "PK_ANBINH", "sms_type": 3}, SpeedSmsChannel),
    ({"provider": "twilio", "account_sid": "AC123", "from": "+15005550006"}, TwilioChannel),
    ({"provider": "http", "url": "https://gw.example.vn/send?key={key}&to={phone}",
      "method": "GET", "phone_format": "0", "success_regex": "^OK"}, HttpSmsChannel),
])
def test_each_sms_provider(sms, kind):
    assert isinstance(_build({"sms": sms})["sms"], kind)


def test_plain_values_under_channels_are_left_to_others():
    settings = {**_settings(), "order": ["zalo", "sms", "email"]}
    assert set(_build(settings)) == {"email", "sms", "zalo"}


def test_a_disabled_section_is_skipped():
    settings = _settings()
    settings["zalo"]["enabled"] = False
    assert "zalo" not in _build(settings)


def test_the_registry_built_channel_sends_to_its_base_url(esms, outgoing):
    fake, url = esms
    channels = _build({"sms": {"provider": "esms", "brandname": "PK_ANBINH", "base_url": url}})
    channels["sms"].send(outgoing())
    assert len(fake.accepted) == 1


def test_new_zalo_tokens_reach_the_callers_store(zalo, outgoing):
    fake, url = zalo
    stored: list[ZaloTokens] = []
    channels = _build({"zalo": {"app_id": APP_ID, "base_url": url, "oauth_url": url}},
                      on_zalo_tokens=stored.append)
    channels["zalo"].send(outgoing(channel="zalo"))  # no access token yet: refresh first
    assert stored and stored[0].refresh_token == fake.refresh_token


@pytest.mark.parametrize("change, message", [
    (lambda s: s["email"].pop("host"), r"channels\.email\.host is required"),
    (lambda s: s["email"].pop("sender"), r"channels\.email\.sender is required"),
    (lambda s: s["email"].update(tls="tls"), r"channels\.email\.tls must be one of"),
    (lambda s: s["email"].update(port="587"), r"channels\.email\.port must be int"),
    (lambda s: s["email"].update(hots="x"), r"channels\.email: unknown setting 'hots'"),
    (lambda s: s["sms"].pop("brandname"), r"channels\.sms\.brandname is required"),
    (lambda s: s["sms"].update(provider="vnpt"), r"channels\.sms\.provider must be one of"),
    (lambda s: s["sms"].pop("provider"), r"channels\.sms\.provider is required"),
    (lambda s: s["zalo"].pop("app_id"), r"channels\.zalo\.app_id is required"),
    (lambda s: s.update(fax={}), r"channels\.fax: unknown channel"),
    (lambda s: s.update(sms="esms"), r"channels\.sms must be a table"),
])
def test_a_wrong_setting_is_named(change, message):
    settings = _settings()
    change(settings)
    with pytest.raises(ValueError, match=message):
        _build(settings)


@pytest.mark.parametrize("var", ["RECALL_SMTP_PASSWORD", "RECALL_ESMS_API_KEY",
                                 "RECALL_ESMS_SECRET_KEY", "RECALL_ZALO_SECRET_KEY",
                                 "RECALL_ZALO_REFRESH_TOKEN"])
def test_a_missing_secret_is_named(var):
    env = {k: v for k, v in ENV.items() if k != var}
    with pytest.raises(ValueError, match=var):
        _build(_settings(), env)


def test_a_relay_without_login_needs_no_password():
    settings = {"email": {"host": "127.0.0.1", "tls": "none", "sender": "a@b.vn"}}
    channel = _build(settings, env={})["email"]
    assert isinstance(channel, EmailChannel) and channel.port == 25


def test_the_http_gateway_needs_its_key_only_when_it_uses_one():
    sms = {"provider": "http", "url": "https://gw.example.vn/send", "body": {"to": "{phone}"}}
    assert isinstance(_build({"sms": sms}, env={})["sms"], HttpSmsChannel)
    sms["headers"] = {"X-Api-Key": "{key}"}
    with pytest.raises(ValueError, match="RECALL_SMS_HTTP_KEY"):
        _build({"sms": sms}, env={})


def test_twilio_account_sid_may_come_from_the_environment():
    sms = {"provider": "twilio", "messaging_service_sid": "MG1"}
    with pytest.raises(ValueError, match="account_sid"):
        _build({"sms": sms})
    channel = _build({"sms": sms}, env={**ENV, "RECALL_TWILIO_ACCOUNT_SID": "AC9"})["sms"]
    assert isinstance(channel, TwilioChannel) and channel.account_sid == "AC9"


def test_the_http_gateway_dedupes_only_when_told_and_with_a_reference():
    sms = {"provider": "http", "url": "https://gw.example.vn/send",
           "body": {"to": "{phone}", "msg": "{text}"}}
    assert _build({"sms": dict(sms)}, env={})["sms"].dedupes is False
    with pytest.raises(ValueError, match=r"channels\.sms\.dedupes_by_reference needs \{id\}"):
        _build({"sms": {**sms, "dedupes_by_reference": True}}, env={})
    told = {**sms, "body": {**sms["body"], "ref": "{id}"}, "dedupes_by_reference": True}
    assert _build({"sms": told}, env={})["sms"].dedupes is True
