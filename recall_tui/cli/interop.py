"""The hospital's system and other systems: `recall import his|fhir`, `recall export
xml14|fhir`."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import EXIT_BAD_INPUT, ConfigOpt, JsonOpt, NowOpt, parse_date, run

export_app = typer.Typer(help="Export follow-up slips for other systems (XML14, FHIR R4).",
                         no_args_is_help=True)

DryOpt = Annotated[bool, typer.Option("--dry-run", help="Check and report; write nothing.")]
FromOpt = Annotated[str, typer.Option("--from", help="First day the slips were issued.")]
ToOpt = Annotated[str, typer.Option("--to", help="Last day the slips were issued.")]


# -- import ------------------------------------------------------------------------------

_WORDS = {
    "vi": {"created": "tạo", "unchanged": "không đổi", "moved": "dời", "closed": "đã đóng",
           "ok": "đã nhập", "refused": "TỪ CHỐI (không ghi gì)", "visits": "lượt khám",
           "no_slip": "không có giấy hẹn", "order": "chỉ định", "booked": "đã đặt lịch",
           "new": "mới"},
    "en": {"created": "created", "unchanged": "unchanged", "moved": "moved", "closed": "closed",
           "ok": "imported", "refused": "REFUSED (nothing written)", "visits": "visits",
           "no_slip": "without a slip", "order": "order", "booked": "booked", "new": "new"},
}


def _show_his(rep, lang: str) -> None:
    w = _WORDS["vi" if lang == "vi" else "en"]
    for fr in rep.files:
        if not fr.ok:
            typer.secho(f"{fr.name}: {w['refused']}", err=True, fg=typer.colors.RED)
            for e in fr.errors:
                typer.secho(f"  {e.message(lang)}", err=True, fg=typer.colors.RED)
            continue
        extra = f", {fr.without_slip} {w['no_slip']}" if fr.without_slip else ""
        typer.echo(f"{fr.name}: {w['ok']} — {fr.visits} {w['visits']}{extra}"
                   + (f" → {fr.moved_to}" if fr.moved_to else ""))
        for s in fr.slips:
            who = f"{s.patient_mrn} {s.patient_name}" + (f" ({w['new']})" if s.patient_created
                                                          else "")
            doc = f", {s.doctor}" if s.doctor else ""
            line = (f"  {s.visit}/{s.slip}: {w['order']} {s.order_id} {w[s.outcome]} — {who}, "
                    f"{s.target:%d/%m/%Y} ({s.clinic}{doc})")
            if s.booked:
                line += f"; {w['booked']} {s.booked}"
            typer.echo(line)
            for n in s.notes:
                typer.echo(f"    · {n.vi if lang == 'vi' else n.en}")
    verb = "Would import" if rep.dry_run else "Imported"
    typer.echo(f"{verb} {rep.imported} file(s), refused {rep.refused}: orders created "
               f"{rep.created}, moved {rep.moved}, unchanged {rep.unchanged}, closed "
               f"{rep.closed}; new patients {rep.patients_created}; booked {rep.booked}.")


def his(paths: Annotated[list[str], typer.Argument(
            help="GIAMDINHHS envelopes, bare XML14/XML1 files, or folders of them.")],
        dry_run: DryOpt = False,
        book: Annotated[bool | None, typer.Option(
            "--book/--no-book", help="Book the new orders at once (default: [his] auto_book).")]
        = None,
        json_: JsonOpt = False, now: NowOpt = None, config: ConfigOpt = None):
    """Follow-up slips (giấy hẹn khám lại, XML14 of QĐ 130/4750) from the hospital's system."""
    from ..services import his_import

    with run(json_, config) as r:
        rep = his_import.import_paths(r.ctx, paths=paths, now=r.now(now), dry_run=dry_run,
                                      book=book)
        r.done(rep, lambda x: _show_his(x, r.lang()))
        if rep.refused:
            raise typer.Exit(EXIT_BAD_INPUT)


def fhir(file: Annotated[str, typer.Argument(help="A FHIR R4 Bundle (JSON).")],
         dry_run: DryOpt = False, json_: JsonOpt = False, now: NowOpt = None,
         config: ConfigOpt = None):
    """ServiceRequest and Appointment resources of a FHIR R4 Bundle, as orders and
    appointments."""
    from ..services import fhir_exchange

    with run(json_, config) as r:
        rep = fhir_exchange.import_bundle(r.ctx, path=file, now=r.now(now), dry_run=dry_run)
        r.done(rep, lambda x: _show_fhir(x, r.lang()))
        if not rep.ok:
            raise typer.Exit(EXIT_BAD_INPUT)


def _show_fhir(rep, lang: str) -> None:
    if not rep.ok:
        typer.secho(f"{rep.file}: " + ("TỪ CHỐI (không ghi gì)" if lang == "vi"
                                        else "REFUSED (nothing written)"), err=True,
                    fg=typer.colors.RED)
        for e in rep.errors:
            typer.secho(f"  {e.vi if lang == 'vi' else e.en}", err=True, fg=typer.colors.RED)
        return
    for item in rep.items:
        line = f"  {item.resource} {item.reference}: {item.outcome}"
        if item.order_id:
            line += f" (order {item.order_id}"
            line += f", appointment {item.appointment})" if item.appointment else ")"
        typer.echo(line)
        for n in item.notes:
            typer.echo(f"    · {n.vi if lang == 'vi' else n.en}")
    verb = "Would import" if rep.dry_run else "Imported"
    typer.echo(f"{verb} {rep.file}: orders created {rep.orders_created}, moved "
               f"{rep.orders_moved}, unchanged {rep.unchanged}; appointments booked "
               f"{rep.appointments_booked}; new patients {rep.patients_created}.")


# -- export ------------------------------------------------------------------------------

@export_app.command("xml14")
def xml14(from_: FromOpt, to: ToOpt,
          out: Annotated[str, typer.Option(
              "--out", help="The envelope file to write; an existing folder gets one "
                            "envelope per slip.")],
          json_: JsonOpt = False, now: NowOpt = None, config: ConfigOpt = None):
    """Follow-up slips issued in the period as XML14 in GIAMDINHHS envelopes (QĐ 130/4750)."""
    from ..services import his_export

    with run(json_, config) as r:
        today = r.today(now)
        res = his_export.export_xml14(
            r.ctx, start=parse_date(from_, "from", today=today),
            end=parse_date(to, "to", today=today), out=out, now=r.now(now))
        r.done(res, lambda x: _show_export(x, r.lang()))


def _show_export(res, lang: str) -> None:
    for s in res.skipped:
        typer.secho(f"  order {s.order_id}: {s.vi if lang == 'vi' else s.en}", err=True,
                    fg=typer.colors.YELLOW)
    where = ", ".join(res.files) if res.files else "-"
    typer.echo(f"Wrote {res.slips} slip(s) to {where}; skipped {len(res.skipped)}.")


@export_app.command("fhir")
def fhir_export(from_: FromOpt, to: ToOpt,
                out: Annotated[str, typer.Option("--out", help="The Bundle file (JSON).")],
                json_: JsonOpt = False, now: NowOpt = None, config: ConfigOpt = None):
    """Orders issued in the period, their patients and appointments, as a FHIR R4 Bundle
    (validated before it is written)."""
    from ..services import fhir_exchange

    with run(json_, config) as r:
        today = r.today(now)
        res = fhir_exchange.export_bundle(
            r.ctx, start=parse_date(from_, "from", today=today),
            end=parse_date(to, "to", today=today), out=out, now=r.now(now))
        r.done(res, lambda x: typer.echo(
            f"Wrote {x.path}: {x.patients} patients, {x.orders} service requests, "
            f"{x.appointments} appointments (FHIR R4, validated)."))
