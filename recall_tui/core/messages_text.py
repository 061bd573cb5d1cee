"""The words of a patient message: templates filled with plain values.

Pure. Templates are a mapping ``{kind: {"subject", "text", "sms", "sms_short"}, "reply":
{"two_way", "call"}}`` (read from the shipped TOML files and a clinic's overrides by the
caller). ``render`` fills them: the e-mail subject and text with diacritics, and the SMS
without (GSM-7 characters only), taking ``sms_short`` when ``sms`` does not fit one
160-character segment. What a message says comes only from these values: the clinic's
public name, never its internal name, the order's reason or a specialty.
"""

from __future__ import annotations

import re
import string
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time

KINDS = ("confirmation", "reminder", "cancellation", "rescheduled")
FIELDS = ("subject", "text", "sms", "sms_short")
REPLY_FIELDS = ("two_way", "call")
PLACEHOLDERS = frozenset({
    "patient_name", "public_name", "facility", "address", "phone", "weekday", "weekday_short",
    "date", "date_short", "part", "time", "queue", "code", "instructions", "instructions_line",
    "reply",
})
SEGMENT = 160  # GSM-7 characters in one SMS
# Zalo ZNS templates take exactly the parameters they were registered with, from these.
ZNS_PARAMS = ("patient_name", "code", "date", "time", "session", "queue_number", "place",
              "weekday")
ZNS_DEFAULT_PARAMS = ("patient_name", "date", "session", "queue_number", "code")

WEEKDAYS = {
    "vi": ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
WEEKDAYS_SHORT = {
    "vi": ("T2", "T3", "T4", "T5", "T6", "T7", "CN"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
PARTS = {
    "vi": {"morning": "sáng", "afternoon": "chiều", "evening": "tối"},
    "en": {"morning": "morning", "afternoon": "afternoon", "evening": "evening"},
}
NOTE_LABEL = {"vi": "Lưu ý", "en": "Note"}
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")

# GSM 03.38: the basic set (one character each) and the extension (two: escape + char).
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXTENDED = frozenset("^{}\\[~]|€")
_UNACCENT = str.maketrans({"đ": "d", "Đ": "D", "–": "-", "—": "-", "‘": "'", "’": "'",
                           "“": '"', "”": '"', "…": "...", "`": "'", "\t": " "})


class TemplateError(ValueError):
    """A template that cannot be used: names the kind, the field and what is wrong."""


@dataclass(frozen=True)
class Values:
    """What one message is about, as plain values."""

    patient_name: str
    public_name: str
    facility: str
    day: date
    part: str  # morning | afternoon | evening
    starts: time
    queue_no: int
    code: str  # as shown: K7M2-QX4
    address: str = ""
    phone: str = ""
    instructions: str = ""
    reply_hint: str = ""  # the clinic's own words for how to answer a one-way SMS


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    sms_text: str
    sms_segments: int
    data: dict[str, str]  # the values, for providers' own templates (Zalo ZNS)


# -- templates ------------------------------------------------------------------------------

def parse_templates(text: str, *, source: str = "templates") -> dict[str, dict[str, str]]:
    """One TOML document of templates, checked (unknown kinds, fields or placeholders)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"{source}: not valid TOML: {exc}") from None
    out: dict[str, dict[str, str]] = {}
    for kind, table in data.items():
        allowed = REPLY_FIELDS if kind == "reply" else FIELDS
        if kind != "reply" and kind not in KINDS:
            raise TemplateError(f"{source}: unknown message kind [{kind}] "
                                f"(known: reply, {', '.join(KINDS)})")
        if not isinstance(table, dict):
            raise TemplateError(f"{source}: [{kind}] must be a table")
        for name, value in table.items():
            if name not in allowed:
                raise TemplateError(f"{source}: [{kind}] unknown field {name!r} "
                                    f"(known: {', '.join(allowed)})")
            if not isinstance(value, str):
                raise TemplateError(f"{source}: [{kind}] {name} must be text")
            _check_placeholders(value, f"{source}: [{kind}] {name}")
        out[kind] = dict(table)
    return out


def _check_placeholders(template: str, where: str) -> None:
    try:
        names = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    except ValueError as exc:
        raise TemplateError(f"{where}: {exc} (write {{{{ and }}}} for braces)") from None
    for name in names:
        if name not in PLACEHOLDERS:
            raise TemplateError(f"{where}: unknown placeholder {{{name}}} "
                                f"(known: {', '.join(sorted(PLACEHOLDERS))})")


def merge(base: Mapping[str, Mapping[str, str]],
          override: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """``base`` with every field ``override`` gives replaced."""
    out = {k: dict(v) for k, v in base.items()}
    for kind, table in override.items():
        out.setdefault(kind, {}).update(table)
    return out


# -- SMS text ---------------------------------------------------------------------------------

def unaccent(value: str) -> str:
    """Vietnamese without diacritics, in GSM-7 characters only (others become '?')."""
    decomposed = unicodedata.normalize("NFD", value.translate(_UNACCENT))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = unicodedata.normalize("NFC", plain).translate(_UNACCENT)
    return "".join(ch if ch in GSM_BASIC or ch in GSM_EXTENDED else "?" for ch in plain)


def gsm_length(value: str) -> int:
    return sum(2 if ch in GSM_EXTENDED else 1 for ch in value)


def segments(value: str) -> int:
    n = gsm_length(value)
    return 1 if n <= SEGMENT else -(-n // 153)  # concatenated parts carry 153 each


# -- rendering ----------------------------------------------------------------------------------

class _Missing(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _date_text(day: date, language: str) -> str:
    if language == "en":
        return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"
    return f"{day:%d/%m/%Y}"


def fields_of(values: Values, language: str) -> dict[str, str]:
    lang = language if language in WEEKDAYS else "vi"
    wd = values.day.weekday()
    return {
        "patient_name": values.patient_name, "public_name": values.public_name,
        "facility": values.facility, "address": values.address, "phone": values.phone,
        "weekday": WEEKDAYS[lang][wd], "weekday_short": WEEKDAYS_SHORT[lang][wd],
        "date": _date_text(values.day, lang), "date_short": f"{values.day:%d/%m}",
        "part": PARTS[lang].get(values.part, values.part), "time": f"{values.starts:%H:%M}",
        "queue": str(values.queue_no), "code": values.code,
        "instructions": values.instructions,
    }


def _sentence(value: str) -> str:
    value = value.strip()
    return value if not value or value[-1] in ".!?" else value + "."


def _fill(template: str, fields: Mapping[str, str]) -> str:
    return template.format_map(_Missing(fields))


def _tidy(text: str) -> str:
    """Drop label lines left empty ("Address: ") and runs of blank lines."""
    lines = [ln.rstrip() for ln in text.splitlines()]
    lines = [ln for ln in lines if not re.fullmatch(r"[-\s]*[^:]{1,30}:", ln)]
    out = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return out + "\n"


def render(templates: Mapping[str, Mapping[str, str]], kind: str, language: str,
           values: Values, *, two_way: bool) -> Rendered:
    """The subject, text and SMS of one message.

    ``two_way``: the patient can answer on this channel (e-mail, Zalo, an SMS number that
    receives); otherwise the message gives the clinic's phone (or ``reply_hint``) instead.
    """
    if kind not in KINDS:
        raise TemplateError(f"unknown message kind {kind!r}")
    table = templates.get(kind) or {}
    missing = [f for f in ("subject", "text", "sms") if not table.get(f)]
    if missing:
        raise TemplateError(f"[{kind}] has no {missing[0]}")
    lang = language if language in WEEKDAYS else "vi"
    fields = fields_of(values, lang)
    reply_t = templates.get("reply") or {}
    if two_way:
        reply = _fill(reply_t.get("two_way", ""), fields)
    elif values.reply_hint.strip():
        reply = values.reply_hint.strip()
    else:
        reply = _fill(reply_t.get("call", ""), fields) if values.phone else ""
    note = values.instructions.strip()
    text_fields = {**fields, "reply": reply,
                   "instructions_line": f"- {NOTE_LABEL[lang]}: {note}" if note else ""}
    sms_fields = {**fields, "reply": _sentence(reply),
                  "instructions_line": f"{NOTE_LABEL[lang]}: {_sentence(note)} " if note else ""}
    subject = " ".join(_fill(table["subject"], text_fields).split())
    text = _tidy(_fill(table["text"], text_fields))
    sms = _sms(table["sms"], sms_fields)
    if gsm_length(sms) > SEGMENT and table.get("sms_short"):
        short = _sms(table["sms_short"], sms_fields)
        if gsm_length(short) < gsm_length(sms):
            sms = short
    return Rendered(subject=subject, text=text, sms_text=sms, sms_segments=segments(sms),
                    data={**fields, "reply": reply})


def _sms(template: str, fields: Mapping[str, str]) -> str:
    return " ".join(unaccent(_fill(template, fields)).split())
