"""Text entering the system: NFC normalisation and the folded search key.

Vietnamese input methods can send decomposed characters (NFD); everything is stored NFC.
The search key drops diacritics (including đ -> d) and case, so ``nguyen thi hong`` finds
``Nguyễn Thị Hồng`` and ``dang`` finds ``Đặng``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")
_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "ł": "l", "Ł": "l"})


def clean(value: str | None) -> str:
    """NFC, trimmed, inner runs of white space collapsed to one space."""
    if value is None:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


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


def title_name(value: str) -> str:
    """A person's name as written on a slip: each word capitalised, NFC."""
    return " ".join(w[:1].upper() + w[1:].lower() for w in clean(value).split(" ") if w)
