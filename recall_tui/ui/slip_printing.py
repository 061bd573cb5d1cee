"""Printing a follow-up slip from the desk app, in a worker; the outcome on the status line
of the screen that asked (never a pop-up over another screen)."""

from __future__ import annotations

from . import i18n
from .i18n import t


def print_slip_later(screen, code: str, *, after: bool = False) -> None:
    """Print the slip of appointment ``code`` (to the configured printer, else a PDF in the
    slips folder) off the event loop; ``screen`` says where it went, or why it did not:
    added to what its status line says when ``after`` (a booking's slip), else instead."""
    app = screen.app
    now = app.now()

    def go(ctx):
        from ..services.slips import print_slip

        return print_slip(ctx, code=code, now=now)

    def done(p) -> None:
        key = "slip.sent" if p.kind == "printer" else "slip.saved"
        if after:  # the booking's message says the code already
            screen.add_note(t(f"{key}.after", where=p.where))
        else:
            screen.say(t(key, code=p.display_code, where=p.where))

    def failed(exc: Exception) -> None:
        screen.add_note(f"{t('slip.failed')}: {i18n.err(exc)}", error=True)

    app.work(go, done, group="slip", failed=failed)
