"""Registering, correcting and finding patients, on SQLite and PostgreSQL."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from recall_tui.core.errors import BadInput, Refused
from recall_tui.services import patients
from recall_tui.services.patients import PhoneIn

pytestmark = pytest.mark.storage


@pytest.fixture
def people(ctx, now):
    made = {}
    for name, phone, born in [
        ("Nguyễn Thị Hồng", "0912 345 678", date(1958, 3, 2)),
        ("Nguyễn Thị Hồng", "0987 000 111", date(1990, 7, 9)),  # a namesake
        ("Nguyễn Thị Hồng Nhung", "0903 222 333", None),
        ("Đặng Văn Hùng", "01662345678", None),  # pre-2018 number
        ("Trần Hồng Sơn", "+84 28 3855 4269", None),
        ("Hồng Thị Mai", "0934 555 666", None),
    ]:
        card = patients.add(ctx, name=name, phones_in=[PhoneIn(phone)], birth_date=born, now=now)
        made.setdefault(name, []).append(card)
    return made


def names(hits):
    return [h.full_name for h in hits]


def test_name_without_diacritics_best_first(ctx, people):
    hits = patients.search(ctx, query="nguyen thi hong")
    assert names(hits)[:3] == ["Nguyễn Thị Hồng", "Nguyễn Thị Hồng", "Nguyễn Thị Hồng Nhung"]
    assert {h.born for h in hits[:2]} == {"02/03/1958", "09/07/1990"}  # namesakes told apart
    assert names(patients.search(ctx, query="dang")) == ["Đặng Văn Hùng"]
    assert names(patients.search(ctx, query="ĐẶNG VĂN")) == ["Đặng Văn Hùng"]
    # word prefixes, in any position, typed as you go
    assert set(names(patients.search(ctx, query="hong"))) >= {"Nguyễn Thị Hồng", "Hồng Thị Mai",
                                                             "Trần Hồng Sơn"}
    assert names(patients.search(ctx, query="hong"))[0] == "Hồng Thị Mai"  # name starts with it
    assert names(patients.search(ctx, query="nguyen t h n")) == ["Nguyễn Thị Hồng Nhung"]


def test_decomposed_input_is_stored_nfc_and_found(ctx, now):
    nfd = unicodedata.normalize("NFD", "Phạm Thị Ngọc Ánh")
    card = patients.add(ctx, name=nfd, phones_in=[PhoneIn("0977123456")], now=now)
    assert card.full_name == unicodedata.normalize("NFC", "Phạm Thị Ngọc Ánh")
    assert names(patients.search(ctx, query=nfd)) == [card.full_name]
    assert names(patients.search(ctx, query="pham thi ngoc anh")) == [card.full_name]


def test_phone_in_every_common_form(ctx, people):
    for q in ("0912 345 678", "+84 912 345 678", "84912345678", "0912.345.678", "0912345"):
        assert [h.born for h in patients.search(ctx, query=q)] == ["02/03/1958"], q
    # an old 11-digit number was stored in the new plan, and is found by either form
    assert names(patients.search(ctx, query="0362345678")) == ["Đặng Văn Hùng"]
    assert names(patients.search(ctx, query="0166 234 5678")) == ["Đặng Văn Hùng"]


def test_mrn_search_and_assignment(ctx, people, now):
    first = people["Nguyễn Thị Hồng"][0]
    assert first.mrn == "TS0000001"
    assert patients.search(ctx, query="ts0000001")[0].mrn == "TS0000001"
    imported = patients.add(ctx, name="Lý Văn Tám", mrn="TS0000008", now=now)
    assert imported.mrn == "TS0000008"
    nxt = patients.add(ctx, name="Lý Văn Bảy", now=now)
    assert nxt.mrn == "TS0000007"
    again = patients.add(ctx, name="Lý Văn Chín", now=now)
    assert again.mrn == "TS0000009"  # skips the imported TS0000008
    with pytest.raises(Refused):
        patients.add(ctx, name="Ai Đó", mrn="TS0000008", now=now)


def test_edit_is_an_event_and_phones_keep_caregiver(ctx, people, now):
    mrn = people["Đặng Văn Hùng"][0].mrn
    card = patients.edit(ctx, mrn=mrn, name="đặng văn hùng cường", phones_in=[
        PhoneIn("0362345678"), PhoneIn("0909 888 777", "caregiver", "Đặng Thị Lan")], now=now)
    assert card.full_name == "Đặng Văn Hùng Cường"
    assert [p["label"] for p in card.phones] == ["self", "caregiver"]
    f = patients.show(ctx, mrn=mrn)
    edited = [e for e in f.events if e.kind == "patient.edited"]
    assert edited and "full_name" in edited[0].details and "phones" in edited[0].details
    assert names(patients.search(ctx, query="cuong")) == ["Đặng Văn Hùng Cường"]
    assert names(patients.search(ctx, query="0909888777")) == ["Đặng Văn Hùng Cường"]


def test_bad_details_are_refused_with_field(ctx, now):
    for kwargs, field in [({"email": "x@"}, "email"), ({"language": "fr"}, "language"),
                          ({"birth_date": date(2030, 1, 1)}, "birth_date"),
                          ({"channels": ["fax"]}, "channels"), ({"sex": "Q"}, "sex")]:
        with pytest.raises(BadInput) as exc:
            patients.add(ctx, name="Lê Văn A", now=now, **kwargs)
        assert exc.value.field == field
    assert patients.search(ctx, query="le van a") == []
