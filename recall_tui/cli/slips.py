"""`recall slip CODE`: print an appointment's follow-up slip (giấy hẹn khám lại)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import EXIT_BAD_INPUT, EXIT_ENV, ConfigOpt, JsonOpt, NowOpt, run

# A printer that cannot be reached or a file that cannot be written is the environment's
# fault (exit 4); a malformed printer address is the user's (exit 1).
_INPUT_PROBLEMS = {"print.bad_uri"}


def slip(code: Annotated[str, typer.Argument(help="The appointment code (e.g. K7M2-QX4).")],
         pdf: Annotated[Path | None, typer.Option(
             "--pdf", help="Write an A5 PDF to this file.")] = None,
         printer: Annotated[str | None, typer.Option(
             "--printer", help="Send to a thermal printer: tcp://host:9100 or file:/dev/usb/lp0 "
                               "(default: printing.printer in recall.toml).")] = None,
         width: Annotated[int | None, typer.Option(
             "--width", help="Receipt width in dots: 384 (58 mm) or 576 (80 mm).")] = None,
         language: Annotated[str | None, typer.Option(
             "--language", help="vi or en (default: the patient's language).")] = None,
         json_: JsonOpt = False, now: NowOpt = None, config: ConfigOpt = None):
    """Print the follow-up slip: a PDF, or a receipt on a thermal printer.

    With neither --pdf nor --printer: the printer named in recall.toml (printing.printer), else a
    PDF in the slips folder."""
    from ..print.printer import PrintError
    from ..services.slips import print_slip

    with run(json_, config) as r:
        try:
            p = print_slip(r.ctx, code=code, pdf=pdf, printer=printer, width=width,
                           language=language, now=r.now(now))
        except PrintError as exc:
            lang = r.lang()
            r.fail(EXIT_BAD_INPUT if exc.code in _INPUT_PROBLEMS else EXIT_ENV,
                   exc.as_dict(lang), exc.message(lang))
            return
        r.done(p, lambda p: typer.echo(
            f"Đã in giấy hẹn {p.display_code} ({p.patient_name}): {p.where}\n"
            f"Printed slip {p.display_code} to {p.where} ({p.size} bytes)."))
