"""Appointment codes: short, typeable, with a check character.

Six Crockford base-32 characters (no I, L, O, U) carry the number; a seventh is a check
character, so one mistyped or two swapped characters are caught. The check is a weighted
sum over GF(32) with distinct non-zero weights: unlike Luhn mod 32 (which misses the swap
``0Z`` <-> ``Z0``), it catches every single substitution and every transposition. Shown as
``K7M2-QX4``; read back case-insensitively, with or without the dash, and with the usual
look-alikes (O -> 0, I/L -> 1).
"""

from __future__ import annotations

from .errors import BadInput
from .text import excerpt

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_INDEX = {ch: i for i, ch in enumerate(ALPHABET)}
_LOOKALIKE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
DATA_LEN = 6
SPACE = 32**DATA_LEN


def _gf32_mul(a: int, b: int) -> int:
    """Product in GF(2**5) modulo the primitive polynomial x**5 + x**2 + 1."""
    out = 0
    while b:
        if b & 1:
            out ^= a
        b >>= 1
        a <<= 1
        if a & 0b100000:
            a ^= 0b100101
    return out


def _weights(length: int) -> list[int]:
    """alpha**length, ..., alpha**1 (alpha = x): distinct and non-zero for length < 31."""
    out, w = [], 1
    for _ in range(length):
        w = _gf32_mul(w, 2)
        out.append(w)
    return out[::-1]


def _check_char(body: str) -> str:
    total = 0
    for w, ch in zip(_weights(len(body)), body, strict=True):
        total ^= _gf32_mul(w, _INDEX[ch])
    return ALPHABET[total]  # the check character has weight 1: the whole sum is then 0


def make_code(number: int) -> str:
    """The code for a number in [0, 32**6)."""
    if not 0 <= number < SPACE:
        raise ValueError("code number out of range")
    body = ""
    for _ in range(DATA_LEN):
        number, digit = divmod(number, 32)
        body = ALPHABET[digit] + body
    return body + _check_char(body)


def is_valid(code: str) -> bool:
    body = code[:-1]
    return len(code) == DATA_LEN + 1 and all(c in _INDEX for c in code) and \
        _check_char(body) == code[-1]


def parse_code(raw: str, *, field: str = "code") -> str:
    """The canonical code (7 characters, no dash) of a typed one, or BadInput."""
    text = (raw or "").strip().upper().replace("-", "").replace(" ", "").translate(_LOOKALIKE)
    if len(text) != DATA_LEN + 1 or not all(c in _INDEX for c in text):
        raise BadInput("code.malformed", f"Mã lịch hẹn không đúng dạng: {excerpt(raw)}.",
                       f"Not an appointment code: {excerpt(raw)}.", field=field)
    if not is_valid(text):
        raise BadInput("code.check", f"Mã lịch hẹn sai (ký tự kiểm tra): {excerpt(raw)}.",
                       f"Appointment code fails its check character: {excerpt(raw)}.", field=field)
    return text


def looks_like_code(raw: str) -> bool:
    try:
        parse_code(raw)
    except BadInput:
        return False
    return True


def display_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"
