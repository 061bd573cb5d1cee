"""What a log may say: phones and e-mail addresses masked, secrets in URLs removed; and
what a text meant for the patient may not say (``diagnosis_in``).

``mask_phone("+84912345678")`` is ``0912 ••• 678``: enough for staff to tell two numbers
apart, not enough to call. ``redact`` is applied to every log line (``cli.logs``): it masks
phone numbers and addresses written anywhere in it, and removes the values of secret-looking
URL parameters (``apikey=``, ``token=``, …), passwords in URLs and bearer tokens.
"""

from __future__ import annotations

import re

from .text import fold

DOTS = "•••"

_SECRET_PARAM = re.compile(
    r"(?i)\b((?:api[_-]?key|apikey|access[_-]?token|refresh[_-]?token|token|secret|"
    r"secret[_-]?key|password|passwd|pwd|pass|sig|signature|auth|key|client[_-]?secret)"
    r"\s*[=:]\s*)(\"?)[^&\s\"',;)]+")
_URL_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^:/\s@]+:)[^@\s/]+@")
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}")
# A phone number as written in text: +84…, 84…, 0… (VN), or any +E.164 number, with the
# usual separators; not a part of a longer run of digits.
_PHONE = re.compile(r"(?<![\w+])(?:(?:\+\d{1,3}[\s.-]?|0)\d(?:[\s.-]?\d){7,12}|84\d{9,10})(?!\w)")
_EMAIL = re.compile(r"(?<![\w.+-])([\w.+-])[\w.+-]*@([\w-]+(?:\.[\w-]+)+)")


def mask_phone(value: str) -> str:
    """``+84912345678`` or ``0912 345 678`` -> ``0912 ••• 678``; other countries keep their
    code: ``+1 ••• 567``."""
    digits = re.sub(r"\D", "", value or "")
    if len(digits) < 7:
        return DOTS
    if value.strip().startswith("+") and not digits.startswith("84"):
        return f"+{digits[:2]} {DOTS} {digits[-3:]}"
    national = "0" + digits[2:] if digits.startswith("84") else digits
    return f"{national[:4]} {DOTS} {national[-3:]}"


def mask_email(value: str) -> str:
    """``nguyen.hong@gmail.com`` -> ``n•••@gmail.com``."""
    local, at, domain = (value or "").partition("@")
    if not at:
        return DOTS
    return f"{local[:1]}{DOTS}@{domain}"


def mask_recipient(value: str | None) -> str:
    """A message's recipient (a phone number or an e-mail address), masked."""
    if not value:
        return ""
    return mask_email(value) if "@" in value else mask_phone(value)


def redact(text: str) -> str:
    """A log line without secrets, phone numbers or e-mail addresses."""
    text = _URL_PASSWORD.sub(r"\1***@", text)
    text = _SECRET_PARAM.sub(r"\1\2***", text)
    text = _BEARER.sub(r"\1 ***", text)
    text = _EMAIL.sub(lambda m: f"{m.group(1)}{DOTS}@{m.group(2)}", text)
    return _PHONE.sub(lambda m: mask_phone(m.group()), text)


# -- a diagnosis in text meant for the patient -------------------------------------------------

# An ICD-10-looking code written anywhere in a text (I10, E11.9, J45.909, k35): a letter,
# two digits, optionally a dot and up to four more; not part of a longer word or number.
_ICD10_IN_TEXT = re.compile(r"(?<![\w.])[A-Za-z]\d{2}(?:\.\d[0-9A-Za-z]{0,3})?(?![\w])")
# Words that introduce one ("chẩn đoán", "diagnosis", "ICD"), compared folded.
_DIAGNOSIS_WORDS = re.compile(r"(?i)\b(chan\s*doan|diagnos\w*|icd(?:-?10)?|benh\s+chinh)\b")


def diagnosis_in(text: str | None) -> str | None:
    """What in ``text`` looks like a diagnosis (an ICD-10-looking code, or a word such as
    "chẩn đoán" / "diagnosis"), or None. A text meant for the patient (SMS, Zalo, e-mail,
    the slip) that says one is not sent as it is."""
    m = _ICD10_IN_TEXT.search(text or "")
    if m:
        return m.group()
    m = _DIAGNOSIS_WORDS.search(fold(text or ""))
    return m.group() if m else None
