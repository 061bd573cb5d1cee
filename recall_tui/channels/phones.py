"""Phone numbers in the forms gateways ask for, from the E.164 form the outbox holds.

``+84912345678`` is ``84912345678`` in the international digits form and ``0912345678`` in
the Vietnamese national form. A recipient that is not E.164, or not Vietnamese where a
gateway only reaches Vietnam, is a permanent failure of that channel.
"""

from __future__ import annotations

import re

from .base import INVALID_RECIPIENT, PermanentError

_E164 = re.compile(r"^\+[1-9]\d{6,14}$")

FORMS = ("e164", "84", "0")


def check_e164(recipient: str) -> str:
    """The recipient itself when it is an E.164 number, else PermanentError."""
    number = recipient.strip()
    if not _E164.match(number):
        raise PermanentError(f"not an E.164 phone number: {recipient!r}",
                             code=INVALID_RECIPIENT)
    return number


def international_digits(recipient: str) -> str:
    """``+84912345678`` -> ``84912345678`` (any country)."""
    return check_e164(recipient)[1:]


def vietnamese_national(recipient: str) -> str:
    """``+84912345678`` -> ``0912345678``; a foreign number is a permanent failure."""
    number = check_e164(recipient)
    if not number.startswith("+84"):
        raise PermanentError(f"this gateway only reaches Vietnamese numbers: {recipient!r}",
                             code=INVALID_RECIPIENT)
    return "0" + number[3:]


def in_form(recipient: str, form: str) -> str:
    """The recipient in one of ``FORMS``: "e164", "84" (digits) or "0" (national)."""
    if form == "e164":
        return check_e164(recipient)
    if form == "84":
        return international_digits(recipient)
    if form == "0":
        return vietnamese_national(recipient)
    raise ValueError(f"unknown phone form {form!r} (known: {', '.join(FORMS)})")
