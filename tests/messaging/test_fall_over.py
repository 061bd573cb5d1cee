"""Zalo first, SMS next: the outbox against local servers speaking Zalo's ZNS and eSMS's
documented APIs (the fakes in tests/channels/channel_fakes)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from recall_tui.config import parse
from recall_tui.services import messaging, patients
from recall_tui.services.patients import PhoneIn
from tests.channels.channel_fakes import esms as esms_fake
from tests.channels.channel_fakes import zalo as zalo_fake
from tests.channels.channel_fakes.http_server import FakeServer
from tests.conftest import TEST_TOML

from .conftest import SLOTS

pytestmark = pytest.mark.storage
ENV = {"RECALL_ESMS_API_KEY": esms_fake.API_KEY, "RECALL_ESMS_SECRET_KEY": esms_fake.SECRET_KEY,
       "RECALL_ZALO_SECRET_KEY": zalo_fake.SECRET_KEY,
       "RECALL_ZALO_REFRESH_TOKEN": zalo_fake.FIRST_REFRESH}


def test_no_zalo_account_falls_to_brandname_sms(ctx, now):
    from recall_tui.services import booking

    zalo = zalo_fake.FakeZalo(without_zalo=("84987000111",))
    sms = esms_fake.FakeEsms()
    with FakeServer(zalo) as zs, FakeServer(sms) as ss:
        channels = {"zalo": {"app_id": zalo_fake.APP_ID, "base_url": zs.base_url,
                             "oauth_url": zs.base_url},
                    "sms": {"provider": "esms", "brandname": "PK_ANBINH",
                            "base_url": ss.base_url}}
        written = parse(TEST_TOML + '[messages.zalo_templates]\nconfirmation = "231677"\n',
                        None, env={})
        ctx.cfg = replace(ctx.cfg, channels=channels, messages=written.messages)
        clinic, day, part, doctor = SLOTS[0]
        codes = []
        for name, phone in (("Có Zalo", "0912 000 111"), ("Không Zalo", "0987 000 111")):
            p = patients.add(ctx, name=name, phones_in=[PhoneIn(phone)],
                             channels=["zalo", "sms"], now=now)
            codes.append(booking.book(ctx, patient=p.mrn, clinic=clinic, day=day, part=part,
                                      doctor=doctor, now=now).code)
        res = messaging.remind(ctx, now=now, channels=messaging.build_channels(ctx.cfg, ENV))
    assert [(i.channel, i.result) for i in res.items] == [
        ("zalo", "sent"), ("zalo", "fell_over"), ("sms", "sent")]
    [zns] = zalo.delivered
    assert zns["phone"] == "84912000111" and zns["template_id"] == "231677"
    assert zns["template_data"]["queue_number"] == "1"
    [text] = sms.accepted
    assert text["Phone"] == "0987000111" and text["Content"].isascii()
    assert "Phong kham TM" in text["Content"] and "Tim mach" not in text["Content"]
    assert codes[1][:4] in text["Content"]
    views = messaging.for_appointment(ctx, code=codes[1])
    assert views[0].channel == "sms" and views[0].status == "sent"
    assert "no_account" in (views[0].last_error or "") or "Zalo" in (views[0].last_error or "")
