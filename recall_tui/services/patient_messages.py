"""The messages a patient was sent or will be sent (for the patient screen)."""

from __future__ import annotations

from ..store import patient_messages
from .context import Context
from .patients import resolve


def messages_of(ctx: Context, *, mrn: str) -> list:
    with ctx.db.read() as conn:
        p = resolve(conn, mrn)
        return patient_messages.for_patient(conn, p.id)
