"""Text entering the system: one door that checks it, NFC normalisation and the search key.

Everything a person or a file gives us passes ``clean``: control characters (NUL, ESC, the
C1 set, bidi overrides, unpaired surrogates from bytes that were not UTF-8) are refused with
the field named, and so is text longer than the field's limit. Vietnamese input methods can
send decomposed characters (NFD); everything is stored NFC. The search key drops diacritics
(including đ -> d) and case, so ``nguyen thi hong`` finds ``Nguyễn Thị Hồng`` and ``dang``
finds ``Đặng``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .errors import BadInput

_SPACES = re.compile(r"\s+")
_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "ł": "l", "Ł": "l"})

# Refused anywhere in text: C0 controls but tab, line feed and carriage return (white space,
# collapsed), DEL and the C1 set, the bidi embeddings/overrides/isolates (they make a name
# read backwards on a screen or a slip), unpaired surrogates (bytes that were not UTF-8).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
                      "\ud800-\udfff]")

# Longest text each field takes (characters, after cleaning). Any field not named: DEFAULT.
LIMITS: dict[str, int] = {
    "name": 120, "full_name": 120, "patient_name": 120, "caregiver_name": 120,
    "email": 254, "bhyt": 32, "cccd": 20, "address": 300, "phone": 40, "mrn": 32,
    "code": 32, "query": 200, "reason": 500, "instructions": 1000, "note": 1000,
    "clinic": 32, "doctor": 32, "external_id": 64,
}
DEFAULT_LIMIT = 1000
EXCERPT = 40  # characters of a person's input quoted back in a message


def excerpt(value: object, size: int = EXCERPT) -> str:
    """A short quotation of input for a message: repr of at most ``size`` characters, with
    the full length said when cut (input is never echoed at length)."""
    s = str(value)
    if len(s) <= size:
        return repr(s)
    return f"{s[:size]!r}… ({len(s):,} characters)"


def check(value: str, field: str = "text", limit: int | None = None) -> None:
    """Refuse control characters and text over the field's limit (BadInput naming it)."""
    bad = _CONTROL.search(value)
    if bad is not None:
        ch = bad.group()
        raise BadInput("text.control",
                       f"{field}: có ký tự điều khiển U+{ord(ch):04X} ở vị trí {bad.start() + 1}; "
                       "hãy nhập lại bằng chữ thường.",
                       f"{field}: contains the control character U+{ord(ch):04X} at position "
                       f"{bad.start() + 1}; type it again as plain text.", field=field)
    most = limit if limit is not None else LIMITS.get(field, DEFAULT_LIMIT)
    if len(value) > most:
        raise BadInput("text.too_long",
                       f"{field}: quá dài ({len(value):,} ký tự, tối đa {most}).",
                       f"{field}: too long ({len(value):,} characters, at most {most}).",
                       field=field, details={"limit": most, "length": len(value)})


def clean(value: str | None, field: str = "text", limit: int | None = None) -> str:
    """NFC, trimmed, inner runs of white space collapsed to one space; refuses control
    characters and text longer than the field's limit, naming ``field``."""
    if value is None:
        return ""
    if _CONTROL.search(value) is not None:
        check(value, field, limit)
    out = _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()
    most = limit if limit is not None else LIMITS.get(field, DEFAULT_LIMIT)
    if len(out) > most:
        check(out, field, limit)
    return out


def scrub(value: str | None) -> str:
    """Text we must take whatever it holds (a patient's reply from a gateway): control
    characters dropped rather than refused, then ``clean``ed without a limit."""
    if value is None:
        return ""
    return clean(_CONTROL.sub("", value), "text", limit=len(value) + 1)


@lru_cache(maxsize=4096)  # an import folds each name several times
def fold(value: str | None) -> str:
    """The search key: no diacritics, đ -> d, lower case, single spaces."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFD", value.translate(_FOLD_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.translate(_FOLD_EXTRA).lower()
    stripped = re.sub(r"[^\w\s]", " ", stripped)
    return _SPACES.sub(" ", stripped).strip()


def tokens(value: str | None) -> list[str]:
    """Words of the folded key, in order."""
    key = fold(value)
    return key.split(" ") if key else []


def title_name(value: str, field: str = "name") -> str:
    """A person's name as written on a slip: each word capitalised, NFC (``clean``ed)."""
    return " ".join(w[:1].upper() + w[1:].lower() for w in clean(value, field).split(" ") if w)
