"""The append-only event log."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Connection, select

from .rows import event

_INSERT = event.insert()  # built once: every write appends


def append(conn: Connection, *, at: datetime, actor: str, kind: str,
           patient_id: int | None = None, appointment_id: int | None = None,
           order_id: int | None = None, from_state: str | None = None,
           to_state: str | None = None, reason: str | None = None,
           details: dict | None = None) -> None:
    conn.execute(_INSERT, {
        "at": at, "actor": actor, "kind": kind, "patient_id": patient_id,
        "appointment_id": appointment_id, "order_id": order_id, "from_state": from_state,
        "to_state": to_state, "reason": reason,
        "details": json.dumps(details, ensure_ascii=False, default=str) if details else None,
    })


def for_patient(conn: Connection, patient_id: int, limit: int = 200) -> list:
    return list(conn.execute(
        select(event).where(event.c.patient_id == patient_id)
        .order_by(event.c.at.desc(), event.c.id.desc()).limit(limit)))
