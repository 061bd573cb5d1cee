"""``recall init``: create or upgrade the schema and apply recall.toml. Safe to re-run."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.errors import DomainError
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


def check_schema(ctx: Context) -> None:
    """Refuse a database this recall cannot use (not set up or older: run `recall init`;
    newer; not made by recall), before a command touches it."""
    migrate.check(ctx.db)


def is_initialised(ctx: Context) -> bool:
    try:
        migrate.check(ctx.db)
    except DomainError:
        return False
    return True
