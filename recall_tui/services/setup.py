"""``recall init``: create or upgrade the schema and apply recall.toml. Safe to re-run."""

from __future__ import annotations

from dataclasses import dataclass

from ..store import clinics as clinic_repo
from ..store import migrate, stats
from .context import Context


@dataclass(frozen=True)
class InitResult:
    before: str | None
    after: str
    clinics: int
    doctors: int


def init(ctx: Context) -> InitResult:
    before, after = migrate.upgrade(ctx.db)
    with ctx.db.write() as conn:
        clinic_repo.sync(
            conn,
            clinics=[{"code": c.code, "name": c.name} for c in ctx.cfg.clinics],
            doctors=[{"code": d.code, "name": d.name, "licence": d.licence}
                     for d in ctx.cfg.doctors])
        stats.backfill_lead_days(conn, tz=ctx.tz)
    ctx.forget_ids()
    return InitResult(before, after, len(ctx.cfg.clinics), len(ctx.cfg.doctors))


def is_initialised(ctx: Context) -> bool:
    try:
        return migrate.current(ctx.db) == migrate.head()
    except Exception:
        return False
