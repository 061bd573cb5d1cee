"""Reading a patient's answer: confirm, cancel, change, stop; and the appointment code.

Pure. Vietnamese with or without diacritics, and English: "1", "C", "XN", "có", "OK",
"yes" confirm; "2", "H", "HUỶ", "no" cancel; "3", "ĐỔI" ask for a change; "STOP",
"TỪ CHỐI" stop messages on that channel. One letter or digit counts only as the first word
(so "c" inside a sentence is not a yes); words and phrases count anywhere. An answer that
says two different things ("có ... huỷ") is ``unclear``: a person calls back.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from .codes import ALPHABET, looks_like_code, parse_code
from .text import fold


class Intent(enum.StrEnum):
    CONFIRM = "confirm"
    CANCEL = "cancel"
    CHANGE = "change"
    OPT_OUT = "opt_out"
    UNCLEAR = "unclear"


# Only as the first word.
FIRST_WORD = {
    "1": Intent.CONFIRM, "c": Intent.CONFIRM, "y": Intent.CONFIRM, "co": Intent.CONFIRM,
    "2": Intent.CANCEL, "h": Intent.CANCEL, "n": Intent.CANCEL, "k": Intent.CANCEL,
    "khong": Intent.CANCEL, "ko": Intent.CANCEL, "no": Intent.CANCEL,
    "3": Intent.CHANGE, "d": Intent.CHANGE,
}
# Anywhere (folded words; phrases are matched as whole words in order).
WORDS = {
    "xn": Intent.CONFIRM, "ok": Intent.CONFIRM, "oke": Intent.CONFIRM, "okay": Intent.CONFIRM,
    "yes": Intent.CONFIRM, "confirm": Intent.CONFIRM, "confirmed": Intent.CONFIRM,
    "xac nhan": Intent.CONFIRM, "dong y": Intent.CONFIRM, "se den": Intent.CONFIRM,
    "huy": Intent.CANCEL, "cancel": Intent.CANCEL, "khong den": Intent.CANCEL,
    "khong di": Intent.CANCEL, "ko den": Intent.CANCEL,
    "doi": Intent.CHANGE, "doi lich": Intent.CHANGE, "change": Intent.CHANGE,
    "reschedule": Intent.CHANGE, "hen lai": Intent.CHANGE,
}
OPT_OUT = ("stop", "tu choi", "unsubscribe", "dung gui", "ngung gui", "huy dang ky")

_CODE_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])([0-9A-Za-z]{4})[- ]?([0-9A-Za-z]{3})(?![0-9A-Za-z])")


@dataclass(frozen=True)
class Reply:
    intent: Intent
    code: str | None = None  # canonical appointment code, when the text carries a valid one


def find_code(text: str) -> tuple[str | None, str]:
    """The first valid appointment code in ``text``, and the text without it."""
    for m in _CODE_CANDIDATE.finditer(text or ""):
        raw = m.group(1) + m.group(2)
        if all(ch in ALPHABET for ch in raw.upper()) and looks_like_code(raw):
            return parse_code(raw), (text[:m.start()] + " " + text[m.end():])
    return None, text or ""


def _has(words: list[str], phrase: str) -> bool:
    parts = phrase.split(" ")
    n = len(parts)
    return any(words[i:i + n] == parts for i in range(len(words) - n + 1))


def parse(text: str) -> Reply:
    code, rest = find_code(text)
    words = fold(rest).split()
    if not words:
        return Reply(Intent.UNCLEAR, code)
    if any(_has(words, p) for p in OPT_OUT):
        return Reply(Intent.OPT_OUT, code)
    found: set[Intent] = set()
    if words[0] in FIRST_WORD:
        found.add(FIRST_WORD[words[0]])
    for phrase, intent in WORDS.items():
        if _has(words, phrase):
            found.add(intent)
    if _has(words, "khong den") or _has(words, "khong di") or _has(words, "ko den"):
        found.discard(Intent.CONFIRM)  # "không đến" is not the "đến" of "sẽ đến"
    if len(found) == 1:
        return Reply(found.pop(), code)
    return Reply(Intent.UNCLEAR, code)
