"""E.164 numbers in the forms the gateways ask for."""

from __future__ import annotations

import pytest

from recall_tui.channels.base import PermanentError
from recall_tui.channels.phones import in_form, international_digits, vietnamese_national


def test_vietnamese_forms():
    assert international_digits("+84912345678") == "84912345678"
    assert vietnamese_national("+84912345678") == "0912345678"
    assert in_form("+84362345678", "0") == "0362345678"
    assert in_form("+84362345678", "84") == "84362345678"
    assert in_form("+84362345678", "e164") == "+84362345678"


@pytest.mark.parametrize("bad", ["0912345678", "84912345678", "+84 912 345 678", "", "+0123"])
def test_a_recipient_that_is_not_e164_is_permanent(bad: str):
    with pytest.raises(PermanentError) as caught:
        international_digits(bad)
    assert caught.value.code == "invalid_recipient"


def test_a_foreign_number_has_no_vietnamese_national_form():
    assert international_digits("+14155550123") == "14155550123"
    with pytest.raises(PermanentError) as caught:
        vietnamese_national("+14155550123")
    assert caught.value.code == "invalid_recipient"


def test_an_unknown_form_is_a_programming_error():
    with pytest.raises(ValueError):
        in_form("+84912345678", "00")
