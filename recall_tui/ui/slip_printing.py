"""Printing a follow-up slip from the desk app, in a worker; the result as a notification."""

from __future__ import annotations

from . import i18n
from .i18n import t


def print_slip_later(app, code: str) -> None:
    """Print the slip of appointment ``code`` (to the configured printer, else a PDF in the
    slips folder) off the event loop; say where it went, or why it did not."""
    now = app.now()

    def go(ctx):
        from ..services.slips import print_slip

        return print_slip(ctx, code=code, now=now)

    def done(p) -> None:
        key = "slip.sent" if p.kind == "printer" else "slip.saved"
        app.notify(t(key, code=p.display_code, where=p.where), title=t("slip"), timeout=8)

    def failed(exc: Exception) -> None:
        app.notify(i18n.err(exc), title=t("slip.failed"), severity="error", timeout=10)

    app.work(go, done, group="slip", failed=failed)
