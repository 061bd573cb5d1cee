"""Phone numbers: every common Vietnamese form to E.164, and search forms.

``0912 345 678``, ``+84 912 345 678``, ``84912345678`` and ``(091) 234-5678`` all mean
``+84912345678``. Mobile numbers of the pre-2018 11-digit plan (``0166 234 5678``) are
converted to the 10-digit plan the operators moved to in 2018 (``036 234 5678``).
"""

from __future__ import annotations

import re

import phonenumbers

from .errors import BadInput
from .text import excerpt

# Operator prefix changes of 2018 (Ministry of Information and Communications):
# old 11-digit prefix (without the leading 0) -> new 10-digit prefix (without the 0).
OLD_MOBILE_PREFIXES: dict[str, str] = {
    # Viettel
    "162": "32", "163": "33", "164": "34", "165": "35", "166": "36", "167": "37",
    "168": "38", "169": "39",
    # MobiFone
    "120": "70", "121": "79", "122": "77", "126": "76", "128": "78",
    # VinaPhone
    "123": "83", "124": "84", "125": "85", "127": "81", "129": "82",
    # Vietnamobile
    "186": "56", "188": "58",
    # Gmobile
    "199": "59",
}

_NON_DIGITS = re.compile(r"[^\d+]")


def _vn_national_digits(raw: str) -> str | None:
    """The national significant number of a Vietnamese-looking input, or None."""
    compact = _NON_DIGITS.sub("", raw)
    if compact.startswith("+84"):
        nsn = compact[3:]
    elif compact.startswith("0084"):
        nsn = compact[4:]
    elif compact.startswith("84") and len(compact) in (11, 12):
        nsn = compact[2:]
    elif compact.startswith("0") and not compact.startswith("00"):
        nsn = compact[1:]
    elif compact.startswith("+"):
        return None
    elif len(compact) in (9, 10) and compact[0] in "35789":
        nsn = compact  # the leading 0 forgotten
    else:
        return None
    if nsn.startswith("0"):
        nsn = nsn[1:]  # "+84 0912..." is a common mistake
    return nsn


def convert_old_mobile(nsn: str) -> str:
    """An 11-digit-plan national number (10 digits after the 0) in the new plan."""
    if len(nsn) == 10 and nsn[:3] in OLD_MOBILE_PREFIXES:
        return OLD_MOBILE_PREFIXES[nsn[:3]] + nsn[3:]
    return nsn


# A Vietnamese mobile number as phonenumbers' metadata defines one (its mobile pattern),
# checked without parsing: most numbers a desk or an import sees are these.
_VN_MOBILE = re.compile(
    phonenumbers.PhoneMetadata.metadata_for_region("VN").mobile.national_number_pattern)

# E.164 forms already found valid (an import checks a number, then registers it): a
# number given again in its E.164 form is not parsed again.
_VALID_E164: dict[str, None] = {}


def normalise_phone(raw: str, *, region: str = "VN", field: str = "phone") -> str:
    """E.164 form of a phone number, or BadInput naming the field."""
    text = (raw or "").strip()
    if not text:
        raise BadInput("phone.empty", "Chưa nhập số điện thoại.", "No phone number given.",
                       field=field)
    if text in _VALID_E164:
        return text
    nsn = _vn_national_digits(text) if region == "VN" else None
    if nsn is not None:
        nsn = convert_old_mobile(nsn)
        if _VN_MOBILE.fullmatch(nsn):  # phonenumbers' own rule for a Vietnamese mobile
            return "+84" + nsn
        candidate = "+84" + nsn
    else:
        candidate = text
    try:
        parsed = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise BadInput(
            "phone.invalid",
            f"Số điện thoại không hợp lệ: {excerpt(text)}.",
            f"Not a valid phone number: {excerpt(text)}.",
            field=field,
        )
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if len(_VALID_E164) > 10_000:
        _VALID_E164.clear()
    _VALID_E164[e164] = None
    return e164


def search_prefix(raw: str) -> str | None:
    """For search-as-you-type: the E.164 prefix a partial number stands for, or None.

    ``0912`` -> ``+84912``; ``84912`` -> ``+84912``; ``+8491`` -> ``+8491``.
    Needs at least three digits so that a short number does not match half the city.
    """
    compact = _NON_DIGITS.sub("", raw or "")
    digits = compact.lstrip("+")
    if len(digits) < 3 or not digits.isdigit():
        return None
    if compact.startswith("+"):
        return "+" + digits
    if digits.startswith("0") and not digits.startswith("00"):
        nsn = digits[1:]
        if len(nsn) == 10:
            nsn = convert_old_mobile(nsn)
        return "+84" + nsn
    if digits.startswith("84") and len(digits) >= 4:
        return "+" + digits
    return None


def display_phone(e164: str) -> str:
    """A number as a Vietnamese desk writes it: ``0912 345 678``; foreign ones international."""
    if len(e164) == 12 and e164.startswith("+84") and e164[3:].isdigit() and e164[3] != "0":
        # the common case (a mobile: +84 and nine digits) without parsing: day lists of
        # thousands of rows spent most of their time in phonenumbers here
        return f"0{e164[3:6]} {e164[6:9]} {e164[9:]}"
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if parsed.country_code == 84:
        nsn = str(parsed.national_number)
        local = "0" + nsn
        if len(local) == 10:
            return f"{local[:4]} {local[4:7]} {local[7:]}"
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
