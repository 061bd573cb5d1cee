"""How a patient is reached: channels in their order, with consent and an address."""

from __future__ import annotations

from recall_tui.core.contact import Channel, Phone, Route, routes

SELF = Phone("+84912345678")
CAREGIVER = Phone("+84362345678", label="caregiver", name="Nguyễn Văn Nam")


def test_clinic_order_by_default():
    assert routes(phones=[SELF], email="a@example.vn") == [
        Route(Channel.ZALO, SELF.e164), Route(Channel.SMS, SELF.e164),
        Route(Channel.EMAIL, "a@example.vn"),
    ]


def test_patient_order_comes_first():
    out = routes(phones=[SELF], email="a@example.vn", preferred=["email", "sms"])
    assert [r.channel for r in out] == [Channel.EMAIL, Channel.SMS, Channel.ZALO]


def test_unknown_preferences_are_ignored():
    out = routes(phones=[SELF], email=None, preferred=["fax", "sms"])
    assert [r.channel for r in out] == [Channel.SMS, Channel.ZALO]


def test_own_phone_before_the_caregivers():
    out = routes(phones=[CAREGIVER, SELF], email=None)
    assert {r.recipient for r in out} == {SELF.e164}


def test_caregiver_phone_when_no_own_phone():
    out = routes(phones=[CAREGIVER], email=None)
    assert [r.recipient for r in out] == [CAREGIVER.e164] * 2


def test_consent_withdrawn_drops_the_channel():
    out = routes(phones=[SELF], email="a@example.vn", consent={"zalo": False, "email": True})
    assert [r.channel for r in out] == [Channel.SMS, Channel.EMAIL]


def test_disabled_channels_and_missing_addresses():
    assert routes(phones=[SELF], email="a@example.vn", enabled=["sms"]) == [
        Route(Channel.SMS, SELF.e164)]
    assert routes(phones=[], email=None) == []
    assert routes(phones=[], email="a@example.vn") == [Route(Channel.EMAIL, "a@example.vn")]
