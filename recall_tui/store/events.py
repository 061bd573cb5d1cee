"""The append-only event log."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from .bulk import insert_plain
from .rows import event

_INSERT = event.insert()  # built once: every write appends


def _details(details: dict | None) -> str | None:
    """An event's details as stored: JSON, Vietnamese as it is, dates and the like as text."""
    return json.dumps(details, ensure_ascii=False, default=str) if details else None


def append(conn: Connection, *, at: datetime, actor: str, kind: str,
           patient_id: int | None = None, appointment_id: int | None = None,
           order_id: int | None = None, from_state: str | None = None,
           to_state: str | None = None, reason: str | None = None,
           details: dict | None = None) -> None:
    conn.execute(_INSERT, {
        "at": at, "actor": actor, "kind": kind, "patient_id": patient_id,
        "appointment_id": appointment_id, "order_id": order_id, "from_state": from_state,
        "to_state": to_state, "reason": reason, "details": _details(details),
    })


_OPTIONAL = ("patient_id", "appointment_id", "order_id", "from_state", "to_state", "reason")


def append_many(conn: Connection, rows: Iterable[Mapping[str, Any]]) -> None:
    """Many events in one statement (an import's batch): each row has ``append``'s keyword
    arguments (``at``, ``actor`` and ``kind`` required; ``details`` a dict), and is stored
    exactly as ``append`` stores it."""
    insert_plain(conn, event, [{"at": r["at"], "actor": r["actor"], "kind": r["kind"],
                                **{k: r.get(k) for k in _OPTIONAL},
                                "details": _details(r.get("details"))} for r in rows])


def for_patient(conn: Connection, patient_id: int, limit: int = 200) -> list:
    return list(conn.execute(
        select(event).where(event.c.patient_id == patient_id)
        .order_by(event.c.at.desc(), event.c.id.desc()).limit(limit)))
