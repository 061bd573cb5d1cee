"""The `recall` command: registers every command group. `recall` alone opens the desk app."""

from __future__ import annotations

from typing import Annotated

import typer

from . import admin, booking, messaging, patients, views
from .common import set_global_config

app = typer.Typer(
    name="recall", no_args_is_help=False, add_completion=False,
    help="recall — hẹn tái khám: the follow-up appointment manager for clinic front desks. "
         "Run with no command to open the desk app.",
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback(invoke_without_command=True)
def root(ctx: typer.Context,
         config: Annotated[str | None, typer.Option(
             "--config", help="recall.toml to use.")] = None) -> None:
    set_global_config(config)
    if ctx.invoked_subcommand is None:  # `recall` alone opens the app (see entry.py)
        typer.echo(ctx.get_help())


app.add_typer(patients.app, name="patient")
app.add_typer(booking.orders_app, name="order")
app.add_typer(admin.config_app, name="config")
for fn in (admin.init, admin.demo, admin.sweep, admin.backup, admin.restore, views.today, views.sessions,
           booking.book, booking.confirm, booking.cancel, booking.reschedule, booking.checkin,
           booking.noshow, booking.undo):
    app.command(fn.__name__.rstrip("_"))(fn)

from . import stats as _stats  # noqa: E402

app.command("stats")(_stats.stats)
for fn in (messaging.remind, messaging.daemon, messaging.inbox):
    app.command(fn.__name__)(fn)

from . import importing as _importing  # noqa: E402
from . import interop as _interop  # noqa: E402

_importing.import_app.command("his")(_interop.his)
_importing.import_app.command("fhir")(_interop.fhir)
app.add_typer(_importing.import_app, name="import")
app.add_typer(_interop.export_app, name="export")

from . import risk as _risk  # noqa: E402

app.add_typer(_risk.risk_app, name="risk")

from . import slips as _slips  # noqa: E402

app.command("slip")(_slips.slip)

from . import reports as _reports  # noqa: E402

app.add_typer(_reports.report_app, name="report")
