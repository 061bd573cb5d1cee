"""Clinics and doctors: kept in step with recall.toml by ``recall init``."""

from __future__ import annotations

from sqlalchemy import Connection, select

from .rows import clinic, doctor, upsert


def sync(conn: Connection, *, clinics: list[dict], doctors: list[dict]) -> None:
    for c in clinics:
        upsert(conn, clinic, {**c, "active": True}, ["code"], ["name", "active"])
    for d in doctors:
        upsert(conn, doctor, {**d, "active": True}, ["code"], ["name", "licence", "active"])
    codes = [c["code"] for c in clinics]
    conn.execute(clinic.update().where(clinic.c.code.not_in(codes)).values(active=False))
    dcodes = [d["code"] for d in doctors]
    conn.execute(doctor.update().where(doctor.c.code.not_in(dcodes)).values(active=False))


def ids(conn: Connection) -> tuple[dict[str, int], dict[str, int]]:
    """(clinic code -> id, doctor code -> id)."""
    cl = {r.code: r.id for r in conn.execute(select(clinic.c.code, clinic.c.id))}
    dr = {r.code: r.id for r in conn.execute(select(doctor.c.code, doctor.c.id))}
    return cl, dr
