"""The quick check of a Vietnamese mobile number agrees with phonenumbers itself."""

from __future__ import annotations

import phonenumbers
from hypothesis import given
from hypothesis import strategies as st

from recall_tui.core import phones
from recall_tui.core.errors import BadInput


@given(st.text(alphabet="123456789", min_size=1, max_size=1),
       st.text(alphabet="0123456789", min_size=8, max_size=9))
def test_the_fast_path_agrees_with_phonenumbers(first, rest):
    nsn = first + rest  # a national number (written after the trunk 0)
    number = "0" + nsn
    try:
        got = phones.normalise_phone(number)
    except BadInput:
        got = None
    converted = phones.convert_old_mobile(nsn)
    parsed = phonenumbers.parse("+84" + converted, "VN")
    expected = "+84" + converted if phonenumbers.is_valid_number(parsed) else None
    assert got == expected
