"""`recall import patients|appointments FILE --mapping MAP.toml [--dry-run] [--skip-bad]`."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import EXIT_BAD_INPUT, ConfigOpt, JsonOpt, NowOpt, console, run

import_app = typer.Typer(help="Import patients or appointment history (CSV, CSV.GZ, XLSX), "
                         "the hospital's follow-up slips (XML), FHIR bundles.",
                         no_args_is_help=True)

FileArg = Annotated[str, typer.Argument(help="The file: .csv, .csv.gz or .xlsx.")]
MappingOpt = Annotated[str, typer.Option("--mapping", help="The mapping (TOML): docs/import.md.")]
DryOpt = Annotated[bool, typer.Option("--dry-run", help="Check everything, write nothing.")]
SkipOpt = Annotated[bool, typer.Option("--skip-bad", help="Write the good rows, report the bad.")]


def _progress(quiet: bool):
    """A rich progress bar on stderr (not with --json)."""
    if quiet:
        return None, None
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed:,}"),
                   TimeElapsedColumn(), console=console(stderr=True), transient=True)
    tasks: dict[str, int] = {}

    def update(phase: str, done: int, total: int) -> None:
        label = {"check": "Kiểm tra / checking", "write": "Ghi / writing"}.get(phase, phase)
        if phase not in tasks:
            tasks[phase] = bar.add_task(label, total=total or None)
        bar.update(tasks[phase], completed=done, total=total or None)

    return bar, update


def _report(rep) -> None:
    verb = "Would import" if rep.dry_run else ("Imported" if rep.committed else "Nothing imported")
    typer.echo(f"{rep.file}: {rep.rows:,} rows, {rep.good:,} good, {rep.bad_count:,} bad, "
               f"{rep.already:,} already there.")
    if rep.bad:
        for b in rep.bad:
            typer.secho(f"  row {b.row}: {b.reason}", err=True, fg=typer.colors.RED)
        if rep.bad_count > len(rep.bad):
            typer.secho(f"  ... and {rep.bad_count - len(rep.bad):,} more bad rows", err=True,
                        fg=typer.colors.RED)
    if rep.bad_count and not rep.committed and not rep.dry_run:
        typer.secho("Nothing was written (fix the rows, or use --skip-bad). "
                    "Không ghi gì: sửa các dòng lỗi hoặc dùng --skip-bad.", err=True,
                    fg=typer.colors.RED)
        return
    if rep.kind == "appointments":
        typer.echo(f"{verb}: {rep.appointments_created:,} appointments, "
                   f"{rep.patients_created:,} new patients, {rep.sessions_created:,} new sessions.")
    else:
        typer.echo(f"{verb}: {rep.patients_created:,} patients.")


def _run(kind: str, file: str, mapping: str, dry_run: bool, skip_bad: bool, json_: bool,
         now: str | None, config: str | None) -> None:
    from ..services import importing

    fn = importing.import_appointments if kind == "appointments" else importing.import_patients
    with run(json_, config) as r:
        bar, update = _progress(json_)
        if bar is not None:
            with bar:
                rep = fn(r.ctx, path=file, mapping=mapping, now=r.now(now), dry_run=dry_run,
                         skip_bad=skip_bad, progress=update)
        else:
            rep = fn(r.ctx, path=file, mapping=mapping, now=r.now(now), dry_run=dry_run,
                     skip_bad=skip_bad)
        r.done(rep, _report)
        if rep.bad_count and not skip_bad:
            raise typer.Exit(EXIT_BAD_INPUT)


@import_app.command("appointments")
def appointments(file: FileArg, mapping: MappingOpt, dry_run: DryOpt = False,
                 skip_bad: SkipOpt = False, json_: JsonOpt = False, now: NowOpt = None,
                 config: ConfigOpt = None):
    """Appointment history (outcomes of past visits), with their patients."""
    _run("appointments", file, mapping, dry_run, skip_bad, json_, now, config)


@import_app.command("patients")
def patients(file: FileArg, mapping: MappingOpt, dry_run: DryOpt = False,
             skip_bad: SkipOpt = False, json_: JsonOpt = False, now: NowOpt = None,
             config: ConfigOpt = None):
    """Patients (matched by MRN: importing again adds no duplicates)."""
    _run("patients", file, mapping, dry_run, skip_bad, json_, now, config)
