"""Phone numbers as a desk types them, stored as E.164."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recall_tui.core.errors import BadInput
from recall_tui.core.phones import (
    OLD_MOBILE_PREFIXES,
    convert_old_mobile,
    display_phone,
    normalise_phone,
    search_prefix,
)

PROPS = settings(max_examples=200, deadline=None)

# Two-digit mobile prefixes of the 10-digit plan (Viettel, MobiFone, VinaPhone, Vietnamobile,
# Gmobile, Itelecom...), every one of which takes any seven digits after it.
MOBILE_PREFIXES = ["32", "33", "34", "35", "36", "37", "38", "39", "56", "58", "59", "70",
                   "76", "77", "78", "79", "81", "82", "83", "84", "85", "86", "87", "88",
                   "90", "91", "92", "93", "94", "96", "97", "98"]


@pytest.mark.parametrize("typed", [
    "0912 345 678", "+84 912 345 678", "84912345678", "0912.345.678", "0912-345-678",
    "(091) 234-5678", "0084 912 345 678", "+84 0912 345 678", "912345678", " 0912345678 ",
])
def test_common_forms_of_one_mobile(typed):
    assert normalise_phone(typed) == "+84912345678"


def test_pre_2018_mobile_is_converted():
    assert normalise_phone("01662345678") == "+84362345678"
    assert normalise_phone("0166 234 5678") == "+84362345678"
    assert normalise_phone("+84 166 234 5678") == "+84362345678"


@pytest.mark.parametrize(("old", "new"), sorted(OLD_MOBILE_PREFIXES.items()))
def test_each_old_prefix_of_the_table(old, new):
    assert normalise_phone(f"0{old}2345678") == f"+84{new}2345678"
    assert normalise_phone(f"+84{old}2345678") == f"+84{new}2345678"
    assert convert_old_mobile(f"{old}2345678") == f"{new}2345678"


def test_the_2018_table_is_the_official_one():
    assert OLD_MOBILE_PREFIXES["120"] == "70"  # MobiFone 0120 -> 070
    assert OLD_MOBILE_PREFIXES["123"] == "83"  # VinaPhone 0123 -> 083
    assert OLD_MOBILE_PREFIXES["169"] == "39"  # Viettel 0169 -> 039
    assert OLD_MOBILE_PREFIXES["186"] == "56"  # Vietnamobile
    assert OLD_MOBILE_PREFIXES["199"] == "59"  # Gmobile
    assert len(OLD_MOBILE_PREFIXES) == 21  # Viettel 8, MobiFone 5, VinaPhone 5, others 3
    assert len(set(OLD_MOBILE_PREFIXES.values())) == 21


def test_new_plan_numbers_are_not_converted():
    assert convert_old_mobile("912345678") == "912345678"
    assert convert_old_mobile("2438252050") == "2438252050"  # a Hà Nội landline


@pytest.mark.parametrize(("typed", "e164"), [
    ("024 3825 2050", "+842438252050"),
    ("(024) 38252050", "+842438252050"),
    ("028 3829 5555", "+842838295555"),
    ("+84 24 3825 2050", "+842438252050"),
])
def test_landlines_are_valid(typed, e164):
    assert normalise_phone(typed) == e164


def test_foreign_numbers_keep_their_country():
    assert normalise_phone("+1 201 555 0123") == "+12015550123"
    assert normalise_phone("+44 20 7946 0958") == "+442079460958"


@pytest.mark.parametrize("garbage", ["abc", "12345", "0912", "091234567890123", "+84 12",
                                     "không có", "++", "0000000000"])
def test_garbage_is_bad_input_naming_the_field(garbage):
    with pytest.raises(BadInput) as info:
        normalise_phone(garbage, field="caregiver_phone")
    err = info.value
    assert err.field == "caregiver_phone"
    assert err.exit_code == 1
    assert err.code == "phone.invalid"
    assert err.vi and err.en and err.vi != err.en


@pytest.mark.parametrize("empty", ["", "   ", None])
def test_empty_is_bad_input(empty):
    with pytest.raises(BadInput) as info:
        normalise_phone(empty)
    assert info.value.code == "phone.empty"
    assert info.value.field == "phone"


def test_display_as_a_desk_writes_it():
    assert display_phone("+84912345678") == "0912 345 678"
    assert display_phone("+842438252050") == "024 3825 2050"
    assert display_phone("+12015550123").startswith("+1 ")
    assert display_phone("not a number") == "not a number"


@pytest.mark.parametrize(("typed", "prefix"), [
    ("0912", "+84912"), ("84912", "+84912"), ("+8491", "+8491"), ("091", "+8491"),
    ("01662345678", "+84362345678"), ("09", None), ("", None), ("abc", None),
])
def test_search_prefix(typed, prefix):
    assert search_prefix(typed) == prefix


def test_search_prefix_of_a_full_number_is_the_stored_form():
    for typed in ("0912 345 678", "84912345678", "+84912345678", "0166 234 5678"):
        assert search_prefix(typed) == normalise_phone(typed)


# --- properties -----------------------------------------------------------------------

@st.composite
def vn_mobile(draw) -> str:
    """A national significant number of the 10-digit plan (9 digits)."""
    return draw(st.sampled_from(MOBILE_PREFIXES)) + draw(st.text("0123456789", min_size=7,
                                                                 max_size=7))


def _group(digits: str, sizes: tuple[int, ...], sep: str) -> str:
    out, i = [], 0
    for n in sizes:
        out.append(digits[i:i + n])
        i += n
    out.append(digits[i:])
    return sep.join(p for p in out if p)


@st.composite
def typed_forms(draw, nsn: str) -> str:
    leads = ["0", "+84", "84", "0084", "+84 ", "+84 0"]
    if nsn[0] in "35789":
        leads.append("")  # the leading 0 forgotten: only a new-plan mobile is unambiguous
    lead = draw(st.sampled_from(leads))
    sep = draw(st.sampled_from(["", " ", ".", "-"]))
    sizes = draw(st.sampled_from([(3, 3), (2, 3, 2), (4,), ()]))
    body = _group(nsn, sizes, sep)
    pad = draw(st.sampled_from(["", " ", "  "]))
    return f"{pad}{lead}{body}{pad}"


@PROPS
@given(st.data())
def test_any_typed_form_of_a_mobile_is_its_e164(data):
    nsn = data.draw(vn_mobile())
    typed = data.draw(typed_forms(nsn))
    assert normalise_phone(typed) == "+84" + nsn


@PROPS
@given(st.data())
def test_old_mobile_in_any_form_is_converted(data):
    old = data.draw(st.sampled_from(sorted(OLD_MOBILE_PREFIXES)))
    rest = data.draw(st.text("0123456789", min_size=7, max_size=7))
    typed = data.draw(typed_forms(old + rest))
    assert normalise_phone(typed) == "+84" + OLD_MOBILE_PREFIXES[old] + rest


@PROPS
@given(st.data())
def test_display_round_trips(data):
    nsn = data.draw(st.one_of(
        vn_mobile(),
        st.sampled_from(sorted(OLD_MOBILE_PREFIXES)).map(lambda p: p + "2345678"),
        st.sampled_from(["24", "28"]).map(lambda a: a + "38252050"),
    ))
    typed = data.draw(typed_forms(nsn))
    e164 = normalise_phone(typed)
    shown = display_phone(e164)
    assert normalise_phone(shown) == e164
    assert display_phone(normalise_phone(shown)) == shown
    if e164.startswith("+84") and len(e164) == 12:
        assert shown.startswith("0") and len(shown.replace(" ", "")) == 10


@PROPS
@given(st.text(max_size=20))
def test_normalise_never_fails_other_than_bad_input(raw):
    try:
        out = normalise_phone(raw)
    except BadInput as err:
        assert err.field == "phone"
    else:
        assert out.startswith("+") and out[1:].isdigit()
        assert normalise_phone(out) == out
