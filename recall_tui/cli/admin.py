"""`recall init`, `demo`, `config check`, `sweep`, `backup`, `restore`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..core.errors import BadInput
from ..core.text import excerpt
from .common import ConfigOpt, JsonOpt, NowOpt, run

config_app = typer.Typer(help="recall.toml.", no_args_is_help=True)


def init(json_: JsonOpt = False, config: ConfigOpt = None):
    """Create or upgrade the database and apply recall.toml (safe to run again)."""
    from ..services import setup

    with run(json_, config) as r:
        res = setup.init(r.raw_ctx)
        r.done(res, lambda x: typer.echo(
            f"Database ready (schema {x.before or 'new'} → {x.after}); "
            f"{x.clinics} clinics, {x.doctors} doctors."))


def demo(patients: Annotated[int, typer.Option(min=1, max=2_000_000)] = 400,
         days: Annotated[int, typer.Option(min=1, max=3650, help="Days of history.")] = 120,
         seed: Annotated[int, typer.Option(min=-(2**63), max=2**63 - 1)] = 7,
         json_: JsonOpt = False, now: NowOpt = None, config: ConfigOpt = None):
    """Fill the database with a realistic Vietnamese clinic (runs init first)."""
    from ..core.errors import Refused
    from ..services import demo as demo_svc
    from ..services import setup

    with run(json_, config) as r:
        setup.init(r.raw_ctx)
        if demo_svc.has_data(r.ctx):
            raise Refused("demo.not_empty", "Cơ sở dữ liệu đã có bệnh nhân; dùng tệp mới.",
                          "The database already has patients; use a new file.")
        res = demo_svc.generate(r.ctx, patients=patients, days=days, seed=seed, now=r.now(now))
        r.done(res, lambda x: typer.echo(
            f"Demo: {x.patients} patients, {x.appointments} appointments "
            f"({x.start:%d/%m/%Y}–{x.end:%d/%m/%Y}), {x.messages} messages planned."))


@config_app.command("check")
def config_check(file: Annotated[str | None, typer.Argument(help="The file (default: found).")] = None,
                 json_: JsonOpt = False, config: ConfigOpt = None):
    """Validate a recall.toml; names the file, line and setting that is wrong."""
    with run(json_, file or config) as r:
        if file is not None and not Path(file).is_file():
            raise BadInput("config.file", f"Không có tệp {excerpt(file)}.",
                           f"No such file: {excerpt(file)}.", field="file")
        cfg = r.cfg
        r.done({"file": str(cfg.path) if cfg.path else None, "ok": True,
                "clinics": len(cfg.clinics), "templates": len(cfg.templates),
                "database": _safe_url(cfg.database_url)},
               lambda x: typer.echo(f"{x['file'] or 'built-in defaults'}: OK "
                                    f"({x['clinics']} clinics, {x['templates']} weekly sessions)"))


def _safe_url(url: str) -> str:
    if "@" in url:
        scheme, rest = url.split("://", 1)
        return scheme + "://" + rest.split("@", 1)[1]
    return url


def sweep(json_: JsonOpt = False, now: NowOpt = None, config: ConfigOpt = None):
    """Mark no-shows of ended sessions, complete past check-ins, lapse expired orders."""
    from ..services import attendance

    with run(json_, config) as r:
        res = attendance.sweep(r.ctx, now=r.now(now))
        r.done(res, lambda x: typer.echo(
            f"No-shows: {len(x.no_shows)}; completed: {x.completed}; lapsed orders: "
            f"{len(x.lapsed)}."))


def backup(file: Annotated[str, typer.Argument(help="Where to write the copy.")],
           json_: JsonOpt = False, config: ConfigOpt = None):
    """A consistent copy of the live SQLite database (others keep working)."""
    from ..services import backup as svc

    with run(json_, config) as r:
        res = svc.backup(r.raw_ctx, dest=file)
        r.done(res, lambda x: typer.echo(f"Backup written: {x.path} ({x.bytes:,} bytes)."))


def restore(file: Annotated[str, typer.Argument(help="The backup to restore.")],
            force: Annotated[bool, typer.Option(
                "--force", help="Restore even while a desk is writing.")] = False,
            json_: JsonOpt = False, now: NowOpt = None, config: ConfigOpt = None):
    """Replace the SQLite database by a backup: the copy is checked first, the database it
    replaces is kept beside it (NAME.before-restore-…). PostgreSQL: pg_restore (README)."""
    from ..services import backup as svc

    with run(json_, config) as r:
        res = svc.restore(r.raw_ctx, source=file, now=r.now(now), force=force)

        def human(x) -> None:
            typer.echo(f"Restored {x.database} from {x.restored_from} (schema {x.revision}"
                       + (f", upgraded to {x.upgraded_to}" if x.upgraded_to else "") + ").")
            if x.kept_aside:
                typer.echo(f"The database it replaced is kept as {x.kept_aside}.")

        r.done(res, human)
