"""Patients' replies applied to their appointments, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from recall_tui.core.codes import display_code
from recall_tui.services import booking, inbox, messaging, patients
from recall_tui.services.inbox import Inbound
from recall_tui.services.patients import PhoneIn
from recall_tui.store import messages as messages_repo
from recall_tui.store import outreach
from recall_tui.store import replies as reply_repo

pytestmark = pytest.mark.storage
FRI = date(2026, 11, 27)


def patient(ctx, now, phone="0912 345 678", email=None, name="Nguyễn Thị Hồng"):
    return patients.add(ctx, name=name, phones_in=[PhoneIn(phone)], email=email, now=now)


def book(ctx, now, p, day=FRI, doctor="BS1"):
    return booking.book(ctx, patient=p.mrn, clinic="TM", day=day, part="morning",
                        doctor=doctor, now=now)


def status(ctx, code):
    with ctx.db.read() as conn:
        return booking.load_appointment(conn, code, lock=False).status


def tasks(ctx, reason):
    with ctx.db.read() as conn:
        return [t for t in outreach.open_tasks(conn) if t.reason == reason]


def reply(ctx, now, text, sender="+84912345678", channel="sms", ext="m1"):
    return inbox.apply_reply(ctx, reply=Inbound(channel, sender, text, now, ext), now=now)


def test_yes_confirms_and_the_same_reply_twice_does_nothing_more(ctx, now):
    b = book(ctx, now, patient(ctx, now))
    assert reply(ctx, now, "Có").action == "confirmed"
    assert status(ctx, b.code) == "confirmed"
    assert reply(ctx, now, "Có").action == "duplicate"
    assert reply(ctx, now, "ok", ext="m2").action == "already_confirmed"
    with ctx.db.read() as conn:
        stored = reply_repo.replies(conn)
    assert len(stored) == 2 and stored[-1].action == "confirmed"


def test_huy_cancels_by_the_patient_and_stops_its_reminders(ctx, now):
    b = book(ctx, now, patient(ctx, now))
    assert reply(ctx, now, "HUY", sender="0912 345 678").action == "cancelled"
    assert status(ctx, b.code) == "cancelled"
    with ctx.db.read() as conn:
        appt = booking.load_appointment(conn, b.code, lock=False)
        msgs = messages_repo.for_appointment(conn, appt.id)
    assert appt.cancelled_by == "patient"
    assert all(m.status != "pending" for m in msgs if m.kind == "reminder")


def test_change_goes_to_the_call_list(ctx, now):
    b = book(ctx, now, patient(ctx, now))
    assert reply(ctx, now, "3").action == "change_requested"
    assert status(ctx, b.code) == "booked"
    [t] = tasks(ctx, "change_requested")
    assert "3" in t.note


def test_code_picks_the_visit_when_there_are_several(ctx, now):
    p = patient(ctx, now)
    b1 = book(ctx, now, p)
    b2 = book(ctx, now, p, day=date(2026, 11, 30))
    assert reply(ctx, now, "1").action == "unclear"  # which one?
    assert len(tasks(ctx, "reply_unclear")) == 1
    got = reply(ctx, now, f"xac nhan {display_code(b2.code).lower()}", ext="m2")
    assert got.action == "confirmed" and got.code == b2.code
    assert status(ctx, b1.code) == "booked" and status(ctx, b2.code) == "confirmed"


def test_stranger_changes_nothing_even_with_a_code(ctx, now):
    b = book(ctx, now, patient(ctx, now))
    got = reply(ctx, now, f"huy {b.code}", sender="+84987654321")
    assert got.action == "unmatched" and status(ctx, b.code) == "booked"


def test_stop_withdraws_consent_for_that_channel_only(ctx, now):
    from dataclasses import replace

    # SMS is set up too (its gateway is never reached: the patient says stop first).
    sms = {"provider": "http", "url": "http://127.0.0.1:9/send"}
    ctx.cfg = replace(ctx.cfg, channels={**ctx.cfg.channels, "sms": sms})
    p = patients.add(ctx, name="Lê Văn Tám", phones_in=[PhoneIn("0912 345 678")],
                     email="tam@benhnhan.test", channels=["sms", "email"], now=now)
    b = book(ctx, now, p)
    assert reply(ctx, now, "TU CHOI").action == "opted_out"
    with ctx.db.read() as conn:
        pid = booking.load_appointment(conn, b.code, lock=False).patient_id
        assert reply_repo.consent_of(conn, pid) == "sms=0"
    # the planned SMS goes by e-mail instead
    res = messaging.remind(ctx, now=now, channels=messaging.build_channels(ctx.cfg, {}))
    assert [(i.channel, i.result) for i in res.items] == [("sms", "fell_over"),
                                                           ("email", "sent")]


def test_drop_folder_csv_and_json(ctx, now, tmp_path):
    p = patient(ctx, now)
    b = book(ctx, now, p)
    q = patient(ctx, now, phone="0903 111 222", email="an@benhnhan.test", name="Trần Văn An")
    b2 = book(ctx, now, q, doctor="BS2")
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "esms-2026-11-25.csv").write_text(
        "channel,sender,text,received_at,id\n"
        "sms,84912345678,Huỷ,2026-11-25T08:05:00,esms-1\n"
        "sms,84912345678,Huỷ,2026-11-25T08:05:00,esms-1\n", encoding="utf-8")
    (folder / "zalo.json").write_text(json.dumps([
        {"channel": "email", "sender": "Trần Văn An <an@benhnhan.test>", "text": "OK",
         "received_at": "2026-11-25T08:06:00+07:00", "id": "imap-77"},
        {"channel": "fax", "sender": "x", "text": "1"}]), encoding="utf-8")
    res = inbox.read_drop_folder(ctx, folder=folder, now=now + timedelta(minutes=10))
    assert (res.read, res.new, res.cancelled, res.confirmed) == (3, 2, 1, 1)
    assert len(res.bad) == 1 and "fax" in res.bad[0]
    assert status(ctx, b.code) == "cancelled" and status(ctx, b2.code) == "confirmed"
    assert sorted(x.name for x in (folder / "done").iterdir()) == ["esms-2026-11-25.csv",
                                                                   "zalo.json"]
    again = inbox.read_drop_folder(ctx, folder=folder, now=now)
    assert again.read == 0


def test_twilio_inbound_replies_are_pulled_and_applied_once(ctx, now):
    from dataclasses import replace

    from recall_tui.core.errors import Refused

    from .twilio_list_server import SID, TOKEN, TwilioList, message

    b = book(ctx, now, patient(ctx, now))
    msgs = [message("SM1", "+84912345678", "XN"),
            message("SM2", "+15005550006", "reminder text", to="+84912345678",
                    direction="outbound-api"),
            message("SM3", "+84987654321", "1"), message("SM4", "+84912345678", "ok")]
    with TwilioList(msgs) as server:
        sms = {"provider": "twilio", "account_sid": SID, "from": "+15005550006",
               "base_url": server.base_url}
        ctx.cfg = replace(ctx.cfg, channels={**ctx.cfg.channels, "sms": sms},
                          messages=replace(ctx.cfg.messages, twilio_inbox=True))
        env = {"RECALL_TWILIO_AUTH_TOKEN": TOKEN}
        res = inbox.read_all(ctx, folder=None, env=env, now=now)
        assert (res.read, res.confirmed, res.unmatched) == (3, 2, 1)
        assert status(ctx, b.code) == "confirmed"
        assert server.requests[0]["query"]["To"] == "+15005550006"
        assert server.requests[0]["query"]["DateSent>"] == "2026-11-23"
        assert len(server.requests) == 2  # two pages
        again = inbox.read_all(ctx, folder=None, env=env, now=now)
        assert again.new == 0
        with pytest.raises(Refused) as exc:
            inbox.read_all(ctx, folder=None, env={"RECALL_TWILIO_AUTH_TOKEN": "wrong"},
                           now=now)
        assert "401" in exc.value.en and "20003" in exc.value.en


def _mail(frm: str, subject: str, body: str, mid: str) -> bytes:
    from email.message import EmailMessage

    m = EmailMessage()
    m["From"], m["To"], m["Subject"], m["Message-ID"] = frm, "hen-kham@phongkham.test", \
        subject, mid
    m.set_content(body)
    return m.as_bytes()


def test_email_replies_are_read_from_a_real_imap_mailbox(ctx, now):
    from dataclasses import replace

    from imap_tools import MailBoxUnencrypted

    from .imap_server import DOVECOT, PASSWORD, USER, Dovecot

    if DOVECOT is None:
        pytest.skip("dovecot is not installed (apt-get install dovecot-imapd)")
    p = patient(ctx, now, email="hong@benhnhan.test")
    b1 = book(ctx, now, p)
    b2 = book(ctx, now, p, day=date(2026, 11, 30))
    shown = display_code(b2.code)
    with Dovecot() as server:
        box = MailBoxUnencrypted("127.0.0.1", port=server.port)
        box.login(USER, PASSWORD)
        # The patient's own words say yes; the quoted reminder below says "2 = huỷ".
        box.append(_mail("Nguyễn Thị Hồng <hong@benhnhan.test>",
                         f"Re: Nhắc lịch hẹn {shown} – Thứ Hai, 30/11/2026",
                         "Có, tôi sẽ đến.\n\nVào 25/11/2026 lúc 08:00, Phòng khám đã viết:\n"
                         "> Trả lời tin này: 1 = xác nhận, 2 = huỷ, 3 = đổi lịch.\n",
                         "<r1@benhnhan.test>"), "INBOX")
        box.append(_mail("la@example.test", "Re: xin chào", "huỷ", "<r2@example.test>"),
                   "INBOX")
        from recall_tui.config import ImapSettings

        imap = ImapSettings(host="127.0.0.1", port=server.port, tls="none", user=USER)
        ctx.cfg = replace(ctx.cfg, messages=replace(ctx.cfg.messages, imap=imap))
        env = {"RECALL_IMAP_PASSWORD": PASSWORD}
        res = inbox.read_all(ctx, folder=None, env=env, now=now)
        assert (res.read, res.confirmed, res.unmatched, res.cancelled) == (2, 1, 1, 0)
        assert status(ctx, b2.code) == "confirmed" and status(ctx, b1.code) == "booked"
        again = inbox.read_all(ctx, folder=None, env=env, now=now)
        assert again.read == 0  # flagged seen
        assert all("\\Seen" in m.flags for m in box.fetch())
        box.logout()
