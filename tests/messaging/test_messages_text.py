"""The words patients read: shipped templates, a clinic's own, the one-segment SMS."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recall_tui.config import ConfigError, parse
from recall_tui.core import messages_text as mt
from recall_tui.core.errors import BadInput
from recall_tui.services import messaging
from tests.conftest import TEST_TOML

SHIPPED = messaging.load_templates(None)


def values(**kw):
    base = dict(patient_name="Nguyễn Thị Hồng", public_name="Khu khám bệnh A",
                facility="Bệnh viện Đa khoa Recall", day=date(2026, 11, 26), part="morning",
                starts=time(7, 0), queue_no=12, code="K7M2-QX4",
                address="215 Hồng Bàng, Quận 5", phone="028 3855 4269",
                instructions="Nhịn ăn sáng")
    return mt.Values(**{**base, **kw})


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("kind", mt.KINDS)
@pytest.mark.parametrize("two_way", [True, False])
def test_every_message_fits_one_sms_and_says_what_matters(lang, kind, two_way):
    r = mt.render(SHIPPED[lang], kind, lang, values(), two_way=two_way)
    assert r.sms_segments == 1 and mt.gsm_length(r.sms_text) <= 160, r.sms_text
    assert r.sms_text.isascii()
    for text in (r.text, r.sms_text):
        assert "K7M2-QX4" in text and "26/11" in text.replace("26 November", "26/11")
    if kind != "cancellation":
        assert "12" in r.sms_text and "07:00" in r.sms_text
    if not two_way:
        assert "028 3855 4269" in r.sms_text  # one-way SMS: how to answer is a phone call


def test_vietnamese_text_and_unaccented_sms():
    r = mt.render(SHIPPED["vi"], "reminder", "vi", values(), two_way=False)
    assert "Thứ Năm, 26/11/2026" in r.text and "Số thứ tự: 12" in r.text
    assert "Lưu ý: Nhịn ăn sáng" in r.text
    assert "Khu kham benh A" in r.sms_text and "T5 26/11" in r.sms_text
    assert "Nhin an sang" in r.sms_text


def test_reply_hint_replaces_the_call_line():
    r = mt.render(SHIPPED["vi"], "confirmation", "vi",
                  values(reply_hint="Nhắn Zalo OA Bệnh viện Recall để đổi lịch"), two_way=False)
    assert "Nhan Zalo OA Benh vien Recall de doi lich." in r.sms_text


def test_long_instructions_fall_back_to_the_short_sms():
    r = mt.render(SHIPPED["vi"], "confirmation", "vi",
                  values(instructions="Mang theo sổ khám, kết quả xét nghiệm cũ và thẻ BHYT"),
                  two_way=True)
    assert r.sms_segments == 1 and "Luu y" not in r.sms_text
    assert "Mang theo sổ khám" in r.text  # the e-mail keeps everything


def test_empty_address_leaves_no_empty_line():
    r = mt.render(SHIPPED["vi"], "confirmation", "vi", values(address=""), two_way=True)
    assert "Địa chỉ" not in r.text


@given(st.text(max_size=80))
def test_sms_is_always_gsm(name):
    r = mt.render(SHIPPED["vi"], "reminder", "vi", values(public_name=name or "A"),
                  two_way=False)
    assert all(c in mt.GSM_BASIC or c in mt.GSM_EXTENDED for c in r.sms_text)


def test_clinic_templates_override_field_by_field(tmp_path):
    folder = tmp_path / "mau-tin"
    folder.mkdir()
    (folder / "messages.vi.toml").write_text(
        '[reminder]\nsms = "{public_name}: nho den kham {date_short} STT {queue}. {reply}"\n',
        encoding="utf-8")
    conf = tmp_path / "recall.toml"
    conf.write_text(TEST_TOML + '\n[messages]\ntemplates_dir = "mau-tin"\n', encoding="utf-8")
    settings = messaging.settings(parse(conf.read_text(encoding="utf-8"), conf, env={}))
    t = settings.templates["vi"]
    r = mt.render(t, "reminder", "vi", values(), two_way=False)
    assert r.sms_text.startswith("Khu kham benh A: nho den kham 26/11 STT 12.")
    assert r.subject.startswith("Nhắc lịch hẹn")  # not overridden: the shipped one


def test_a_wrong_placeholder_is_named(tmp_path):
    (tmp_path / "messages.en.toml").write_text('[reminder]\nsms = "{diagnosis}"\n',
                                               encoding="utf-8")
    with pytest.raises(BadInput) as exc:
        messaging.load_templates(tmp_path)
    assert "{diagnosis}" in exc.value.en and "messages.en.toml" in exc.value.en


def test_shipped_templates_never_name_a_reason_or_specialty():
    for lang in ("vi", "en"):
        text = (Path(messaging.TEMPLATES_DIR) / f"messages.{lang}.toml").read_text("utf-8")
        for forbidden in ("{reason}", "{clinic_name}", "{specialty}", "{doctor}"):
            assert forbidden not in text


def test_a_mistyped_messages_setting_is_named(tmp_path):
    conf = tmp_path / "recall.toml"
    conf.write_text(TEST_TOML + '\n[messages]\ninbox_dri = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as exc:  # as the file is read, not at the first send
        parse(conf.read_text(encoding="utf-8"), conf, env={})
    assert exc.value.key == "messages.inbox_dri" and "inbox_dir" in str(exc.value)
