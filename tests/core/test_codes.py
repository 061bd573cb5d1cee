"""Appointment codes: typeable, with a check character that catches typing slips."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recall_tui.core.codes import (
    ALPHABET,
    DATA_LEN,
    SPACE,
    display_code,
    is_valid,
    looks_like_code,
    make_code,
    parse_code,
)
from recall_tui.core.errors import BadInput

PROPS = settings(max_examples=300, deadline=None)
numbers = st.integers(min_value=0, max_value=SPACE - 1)


def test_alphabet_is_crockford_without_confusable_letters():
    assert len(ALPHABET) == 32 == len(set(ALPHABET))
    assert not set("ILOU") & set(ALPHABET)


def test_code_shape():
    code = make_code(123456)
    assert len(code) == DATA_LEN + 1
    assert is_valid(code)
    shown = display_code(code)
    assert shown == f"{code[:4]}-{code[4:]}"
    assert parse_code(shown) == code


@pytest.mark.parametrize("number", [-1, SPACE, SPACE * 2])
def test_out_of_range_numbers(number):
    with pytest.raises(ValueError):
        make_code(number)


def test_distinct_numbers_give_distinct_codes():
    codes = {make_code(n) for n in range(2000)}
    assert len(codes) == 2000


@pytest.mark.parametrize("raw", ["", "ABC", "ABCDEFGH", "K7M2-QX!", "ĐĐĐĐ-ĐĐĐ"])
def test_malformed_codes(raw):
    with pytest.raises(BadInput) as info:
        parse_code(raw, field="appointment")
    assert info.value.code == "code.malformed"
    assert info.value.field == "appointment"
    assert not looks_like_code(raw)


def test_a_wrong_check_character_is_named():
    code = make_code(42)
    wrong = code[:-1] + next(c for c in ALPHABET if c != code[-1])
    with pytest.raises(BadInput) as info:
        parse_code(wrong)
    assert info.value.code == "code.check"
    assert info.value.vi != info.value.en


def test_is_valid_is_strict_about_the_canonical_form():
    code = make_code(99)
    assert not is_valid(code.lower()) or code.lower() == code
    assert not is_valid(display_code(code))
    assert not is_valid("")


def _number(body: str) -> int:
    return sum(ALPHABET.index(c) * 32 ** (DATA_LEN - 1 - k) for k, c in enumerate(body))


@pytest.mark.parametrize("body", ["K70ZQX", "KZ0M2Q", "00000Z", "ZZZZZ0"])
def test_zero_and_z_swapped_is_caught(body):
    """Luhn mod 32 lets 0Z <-> Z0 through; the check character must not."""
    code = make_code(_number(body))
    assert code[:DATA_LEN] == body
    for i in range(DATA_LEN):
        if {code[i], code[i + 1]} == {"0", "Z"}:
            assert not is_valid(code[:i] + code[i + 1] + code[i] + code[i + 2:])


def _lookalike(code: str, draw) -> str:
    out = []
    for ch in code:
        choices = [ch, ch.lower()]
        if ch == "0":
            choices += ["O", "o"]
        if ch == "1":
            choices += ["I", "i", "L", "l"]
        if ch == "V":
            choices += ["U", "u"]
        out.append(draw(st.sampled_from(choices)))
    typed = "".join(out)
    sep = draw(st.sampled_from(["", "-", " ", " - "]))
    pad = draw(st.sampled_from(["", " ", "  "]))
    return f"{pad}{typed[:4]}{sep}{typed[4:]}{pad}"


@PROPS
@given(numbers)
def test_every_code_is_valid(n):
    code = make_code(n)
    assert is_valid(code)
    assert parse_code(code) == code
    assert parse_code(display_code(code)) == code
    assert looks_like_code(code)


@PROPS
@given(numbers, st.data())
def test_parse_round_trips_typed_forms(n, data):
    code = make_code(n)
    typed = _lookalike(code, data.draw)
    assert parse_code(typed) == code


@PROPS
@given(numbers)
def test_every_single_substitution_is_caught(n):
    code = make_code(n)
    for i in range(len(code)):
        for ch in ALPHABET:
            if ch != code[i]:
                assert not is_valid(code[:i] + ch + code[i + 1:]), (code, i, ch)


@PROPS
@given(numbers)
def test_every_adjacent_transposition_is_caught(n):
    code = make_code(n)
    for i in range(len(code) - 1):
        if code[i] != code[i + 1]:
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2:]
            assert not is_valid(swapped), (code, swapped)


@PROPS
@given(st.integers(0, 31), st.integers(0, 31), st.integers(0, DATA_LEN - 2), numbers)
def test_adjacent_transposition_of_any_pair_is_caught(a, b, i, n):
    """Plant the pair (a, b) at position i of the body, then swap it."""
    body = list(make_code(n)[:DATA_LEN])
    body[i], body[i + 1] = ALPHABET[a], ALPHABET[b]
    code = make_code(_number("".join(body)))
    if a != b:
        assert not is_valid(code[:i] + code[i + 1] + code[i] + code[i + 2:])
