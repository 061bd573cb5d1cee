"""Fewer bytes on the wire: what Textual writes, without what changes nothing on screen.

Textual ends every styled run with a reset and starts the next line with a line feed and a
cursor move; a line that looks like the one before then sets the very same colours again.
On a list that is ~26 of the ~120 bytes of each line. Here a reset followed (through line
feeds and cursor moves only) by the same colours it cleared is dropped with them, and a line
feed followed by a cursor move is dropped (the move places the cursor anyway). The screen
a terminal shows is the same (tests/ui/test_wire.py compares them in a terminal emulator).
"""

from __future__ import annotations

import re

_TOKENS = re.compile(r"(\x1b\[[0-9;]*m|\x1b\[\d+;\d+H|\r?\n)")
_FEEDS = ("\n", "\r\n")
_RESET = ("\x1b[0m", "\x1b[m")


def _sgr(tok: str) -> bool:
    return tok.startswith("\x1b[") and tok.endswith("m")


def _move(tok: str) -> bool:
    return tok.startswith("\x1b[") and tok.endswith("H")


def compact(data: str) -> str:
    out: list[str] = []
    # The terminal's look: "reset", one SGR written right after a reset (the whole look),
    # or None when unknown (the start of a write, or SGRs on top of each other).
    state: str | None = None
    before: str | None = None  # the whole look a held reset clears
    held: list[str] = []  # a reset and the line feeds and moves after it, not yet written
    for tok in _TOKENS.split(data):
        if not tok:
            continue
        if held:
            if tok in _FEEDS or _move(tok):
                if _move(tok) and held[-1] in _FEEDS:
                    held.pop()  # the move places the cursor: the line feed is not needed
                held.append(tok)
                continue
            if before is not None and tok == before:
                out.extend(held[1:])  # the same look again: neither the reset nor the SGR
                held = []
                state = before
                continue
            out.extend(held)
            held = []
            state = "reset"
        if tok in _RESET:
            before = state if state not in (None, "reset") else None
            held = [tok]
            continue
        if _sgr(tok):
            state = tok if state == "reset" else None
        out.append(tok)
    out.extend(held)
    return "".join(out)


def compact_driver(base: type) -> type:
    """``base`` (a Textual driver class) writing compacted frames."""
    from .textual_internals import writing_through

    return writing_through(base, compact)
