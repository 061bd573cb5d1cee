"""Text entering the system: NFC storage and the folded search key."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recall_tui.core.errors import BadInput
from recall_tui.core.text import LIMITS, clean, excerpt, fold, scrub, title_name, tokens

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
                     "\ud800-\udfff]")

PROPS = settings(max_examples=200, deadline=None)

VIETNAMESE = "aàáảãạăằắẳẵặâầấẩẫậđeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ"
vn_text = st.text(
    alphabet=st.sampled_from(VIETNAMESE + VIETNAMESE.upper() + " \t\n\u00a0-.,'0123456789"),
    max_size=40,
)
any_text = st.one_of(vn_text, st.text(max_size=40))


@pytest.mark.parametrize(("name", "key"), [
    ("Nguyễn Thị Hồng", "nguyen thi hong"),
    ("Đặng", "dang"),
    ("ĐỖ VĂN ĐỨC", "do van duc"),
    ("Trần   Thị\tThu-Hà", "tran thi thu ha"),
    ("  Lê Quý Đôn  ", "le quy don"),
    ("Phạm Ngọc Thạch", "pham ngoc thach"),
    ("Huỳnh Ưng Ơn", "huynh ung on"),
    ("", ""),
    (None, ""),
])
def test_fold_examples(name, key):
    assert fold(name) == key


def test_search_key_matches_decomposed_input_from_an_input_method():
    typed = unicodedata.normalize("NFD", "Nguyễn Thị Hồng")
    assert typed != "Nguyễn Thị Hồng"
    assert fold(typed) == fold("Nguyễn Thị Hồng") == "nguyen thi hong"


def test_tokens():
    assert tokens("  Nguyễn  Thị Hồng ") == ["nguyen", "thi", "hong"]
    assert tokens("") == []
    assert tokens(None) == []


def test_clean_stores_nfc_trimmed_single_spaced():
    raw = unicodedata.normalize("NFD", "  Nguyễn \t Thị\n Hồng ")
    out = clean(raw)
    assert out == "Nguyễn Thị Hồng"
    assert unicodedata.is_normalized("NFC", out)
    assert clean(None) == ""


def test_title_name_as_on_a_slip():
    assert title_name("nguyễn  THỊ hồng") == "Nguyễn Thị Hồng"
    assert title_name(unicodedata.normalize("NFD", "đặng văn lâm")) == "Đặng Văn Lâm"


@PROPS
@given(any_text)
def test_fold_is_idempotent(s):
    assert fold(fold(s)) == fold(s)


@PROPS
@given(any_text)
def test_fold_ignores_normal_form(s):
    assert fold(unicodedata.normalize("NFD", s)) == fold(unicodedata.normalize("NFC", s))


@PROPS
@given(vn_text)
def test_fold_of_vietnamese_is_plain_ascii_lowercase(s):
    key = fold(s)
    assert key == key.lower()
    assert all(ch.isascii() for ch in key)
    assert "  " not in key and key == key.strip()


@PROPS
@given(any_text)
def test_clean_is_nfc_trimmed_and_idempotent_or_refuses_control_characters(s):
    try:
        out = clean(s)
    except BadInput as exc:
        assert exc.code == "text.control" and exc.field == "text"
        assert CONTROL.search(s)
        return
    assert not CONTROL.search(s)
    assert unicodedata.is_normalized("NFC", out)
    assert out == out.strip()
    assert clean(out) == out
    assert fold(out) == fold(s)


@PROPS
@given(vn_text)
def test_folded_name_finds_itself_by_token(s):
    for word in tokens(s):
        assert word in fold(s).split(" ")


@pytest.mark.parametrize("raw", ["Lê\x00Văn", "Lê\x1b[31mVăn", "a\x7fb", "a\x9bb",
                                 "\u202eLê Văn", "bad\udcffbytes"])
def test_clean_refuses_control_characters_naming_the_field(raw):
    with pytest.raises(BadInput) as exc:
        clean(raw, "name")
    assert exc.value.field == "name" and exc.value.code == "text.control"
    assert "name" in exc.value.en and "U+" in exc.value.en


def test_clean_refuses_text_over_the_fields_limit_naming_it():
    for field in ("name", "email", "bhyt", "cccd", "address"):
        assert clean("x" * LIMITS[field], field) == "x" * LIMITS[field]
        with pytest.raises(BadInput) as exc:
            clean("x" * 100_000, field)
        assert exc.value.field == field and exc.value.code == "text.too_long"
        assert field in exc.value.en and str(LIMITS[field]) in exc.value.en
        assert len(exc.value.en) < 200


def test_white_space_is_not_a_control_character():
    assert clean("Lê\tVăn\r\nA") == "Lê Văn A"


def test_excerpt_quotes_briefly():
    assert excerpt("abc") == "'abc'"
    long = excerpt("x" * 100_000)
    assert len(long) < 80 and "100,000" in long


@PROPS
@given(st.text(max_size=60))
def test_scrub_takes_anything_and_leaves_no_control_character(s):
    out = scrub(s)
    assert not CONTROL.search(out) and clean(out) == out
