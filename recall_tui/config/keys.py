"""The desk app's key bindings as ``[keys]`` in recall.toml can remap them.

``[keys]`` maps a binding id to its keys (``"f2"``, ``"ctrl+b"``, several as ``"f2,ctrl+t"``),
and the desk hands it to Textual's keymap. The table below is the desk's bindings (id ->
where it acts, its default keys); ``tests/ui`` checks that it matches the screens' own
``BINDINGS``, so a new binding must be added here to be remappable.

A key acts on one screen ("scope"); the app's own bindings act on every screen. Remapping
may not put two actions on one key where both act: ``booking = "f9"`` takes F9 from the
statistics unless ``statistics`` is moved too. Overlaps that the defaults already have (F1
opens help and, inside help, closes it) are the desk's design and stay allowed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

APP = "app"  # the scope of bindings that act on every screen

# id -> (scope, default keys): the desk's bindings (ui/app.py and ui/screens/*.py).
BINDINGS: dict[str, tuple[str, str]] = {
    "help": (APP, "f1"), "today": (APP, "f2"), "booking": (APP, "f3"),
    "checkin": (APP, "f4"), "noshow": (APP, "f5"), "patient": (APP, "f6"),
    "sessions": (APP, "f7"), "lang": (APP, "f8"), "statistics": (APP, "f9"),
    "quit": (APP, "ctrl+q"),
    "today.checkin": ("today", "enter,space"), "today.undo": ("today", "u"),
    "today.reschedule": ("today", "r"), "today.cancel": ("today", "x"),
    "today.clinic": ("today", "c"), "today.part": ("today", "s"),
    "today.status": ("today", "t"), "today.prev": ("today", "left_square_bracket"),
    "today.next": ("today", "right_square_bracket"), "today.page": ("today", "n"),
    "today.open": ("today", "o"), "today.print": ("today", "p"),
    "booking.new": ("booking", "ctrl+n"), "booking.suggest": ("booking", "ctrl+g"),
    "booking.book": ("booking", "ctrl+o"), "booking.print": ("booking", "ctrl+p"),
    "noshow.log": ("noshow", "l"), "noshow.rebook": ("noshow", "b"),
    "noshow.reason": ("noshow", "f"), "noshow.open": ("noshow", "o"),
    "patient.edit": ("patient", "ctrl+t"),
    "sessions.close": ("sessions", "x"), "sessions.print": ("sessions", "p"),
    "statistics.group": ("statistics", "g"), "statistics.period": ("statistics", "p"),
    "statistics.export": ("statistics", "x"),
    "form.cancel": ("form", "escape"), "form.save": ("form", "ctrl+s"),
    "help.close": ("help", "escape,f1,q"),
    "rebook.cancel": ("rebook", "escape"),
}

MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
_KEY = re.compile(rf"((?:{'|'.join(MODIFIERS)})\+)*[A-Za-z0-9_]+")


def split_keys(spec: str) -> list[str]:
    return [k.strip() for k in spec.split(",") if k.strip()]


def bad_key_spec(spec: str) -> str | None:
    """Why ``spec`` is not a list of key names, or None."""
    keys = split_keys(spec)
    if not keys:
        return "expected a key name, like \"f2\", \"ctrl+b\" or \"f2,ctrl+t\""
    for key in keys:
        if not _KEY.fullmatch(key):
            return (f"not a key name: {key[:20]!r} (like \"f2\", \"ctrl+b\", \"x\", "
                    f"\"left_square_bracket\"; several: \"f2,ctrl+t\")")
    return None


def clashes(remap: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """(id, key, other id) for each key that remapping gives to two actions that act on
    the same screen, where the defaults did not."""
    def keys_of(table: Mapping[str, str]) -> dict[str, set[str]]:
        return {bid: set(split_keys(table.get(bid, default)))
                for bid, (_scope, default) in BINDINGS.items()}

    before = keys_of({})
    after = keys_of(remap)
    out = []
    for bid in remap:
        if bid not in BINDINGS:
            continue
        scope = BINDINGS[bid][0]
        for other, (other_scope, _) in BINDINGS.items():
            if other == bid or not (scope == other_scope or APP in (scope, other_scope)):
                continue
            if other in remap and other < bid:
                continue  # said once, at the first of the two
            shared = (after[bid] & after[other]) - (before[bid] & before[other])
            for key in sorted(shared):
                out.append((bid, key, other))
    return out


def describe_scope(bid: str) -> str:
    scope = BINDINGS[bid][0]
    return "every screen" if scope == APP else f"the {scope} screen"
