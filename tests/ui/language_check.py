"""Which words on a screen are not in the active language's catalogue.

The screen is read as a person reads it, then every piece of data from the test database
and the clinic's set-up (patients' names, order instructions, clinic and doctor names ...)
is taken out; each word left must be a word of the catalogue (`ui/i18n.py`) in the active
language, a key cap ("esc", "^n", "f1"), or carry no letters of a language (numbers, dates,
codes, lines). A word cut short must end with "…" and begin a word that is allowed. A raw
key ("appointment.cancel", "TM|BS02|2026-12-03|afternoon") is never allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from recall_tui.ui import i18n

KEYCAPS = {"space", "enter", "esc", "tab", "shift+tab", "delete", "backspace", "home", "end",
           "pageup", "pagedown", "up", "down", "left", "right"}
_EDGE = "·,:;()[]{}\"'!?.…/–—-=+*<>%#@&_▼▲★✓✗│└─┌┐┘├┤╭╮╯╰━╸╺▌▐█▄▀▁▃"
_PLACEHOLDER = re.compile(r"\{[^}]*\}")
_DOTTED_KEY = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")
_CODE = re.compile(r"^[0-9A-Z]{4}-[0-9A-Z]{3}$")  # an appointment's code as shown
_FILE = re.compile(r"\.(json|pdf|csv|db)\W*$")  # a file's name, or the end of its path


def words_of(text: str) -> list[str]:
    return [w for w in (raw.strip(_EDGE) for raw in text.split()) if w]


def catalogue_words(lang: str) -> set[str]:
    pos = 1 if lang == "en" else 0
    out: set[str] = set()
    for pair in i18n.S.values():
        out.update(words_of(_PLACEHOLDER.sub(" ", pair[pos])))
    return out


@dataclass
class Data:
    """The data a screen may show as it is: whole strings, and the words of names (a name
    cut short keeps its first words)."""
    strings: list[str]
    name_words: set[str]

    def __post_init__(self) -> None:
        wanted = sorted({s.strip() for s in self.strings if s and s.strip()}, key=len,
                        reverse=True)
        self._strip = re.compile("|".join(re.escape(s) for s in wanted)) if wanted else None

    def add(self, text: str) -> None:
        """Words shown as they are from now on (a service's message, which a screen may
        wrap anywhere)."""
        self.name_words.update(words_of(text))

    def without(self, line: str) -> str:
        return self._strip.sub(" ", line) if self._strip else line


def fixture_data(ctx, typed: list[str] = ()) -> Data:
    """Every string of the test database and the set-up a screen may show unchanged, and
    what the test ``typed``."""
    from sqlalchemy import select

    from recall_tui.store import tables as tb

    strings: list[str] = []
    names: list[str] = []
    with ctx.db.engine.connect() as conn:
        for col in (tb.patient.c.full_name, tb.patient_phone.c.name):
            names += [v for (v,) in conn.execute(select(col).distinct()) if v]
        for col in (tb.patient.c.address, tb.patient.c.note, tb.order.c.instructions,
                    tb.order.c.reason, tb.event.c.actor, tb.event.c.reason,
                    tb.outreach_task.c.note, tb.call_attempt.c.note, tb.call_attempt.c.actor,
                    tb.session.c.closed_reason):
            strings += [v for (v,) in conn.execute(select(col).distinct()) if v]
    cfg = ctx.cfg
    strings += [cfg.facility_name, *(c.code for c in cfg.clinics), *(c.name for c in cfg.clinics),
                *(d.code for d in cfg.doctors), *(d.name for d in cfg.doctors)]
    name_words = {w for n in names for w in words_of(n)}
    return Data(strings=names + strings + list(typed), name_words=name_words)


def foreign_words(text: str, *, lang: str, data: Data) -> list[str]:
    """The words of ``text`` (a screen) that are not in ``lang``'s catalogue nor data."""
    allowed = catalogue_words(lang) | data.name_words
    bad: list[str] = []
    for line in text.splitlines():
        for raw in data.without(line).split():
            word = raw.strip(_EDGE)
            if _FILE.search(raw) or raw.startswith("/"):
                continue  # a file's name or path (of a slip, an export, a model)
            if "|" in raw or _DOTTED_KEY.match(word):
                bad.append(raw)  # a raw key, never shown to a person
                continue
            if not word or not any(ch.isalpha() for ch in word):
                continue  # numbers, dates, times, lines
            if any(ch.isdigit() for ch in word) or _CODE.match(word):
                continue  # codes, MRNs, card numbers, file paths
            if word in allowed or word.lower() in KEYCAPS or re.fullmatch(r"\^?[a-z]", word):
                continue
            if raw.rstrip(_EDGE.replace("…", "")).endswith("…") and any(
                    w.startswith(word) for w in allowed):
                continue  # a name or note cut short
            bad.append(raw)
    return bad
