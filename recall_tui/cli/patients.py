"""`recall patient add|show|search|edit`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from ..core.errors import BadInput
from ..core.text import excerpt
from .common import ConfigOpt, JsonOpt, NowOpt, console, parse_date, run

app = typer.Typer(help="Patients: register, correct, find.", no_args_is_help=True)

PhoneOpt = Annotated[list[str] | None, typer.Option(
    "--phone", help="The patient's own phone (repeat for more).")]
CaregiverOpt = Annotated[list[str] | None, typer.Option(
    "--caregiver", help="A caregiver's phone, optionally 'NAME=PHONE' (repeatable).")]


def _phones(own: list[str] | None, caregivers: list[str] | None):
    from ..services.patients import PhoneIn

    out = [PhoneIn(p, "self") for p in own or []]
    for c in caregivers or []:
        name, sep, number = c.rpartition("=")
        out.append(PhoneIn(number if sep else c, "caregiver", name if sep else ""))
    return out


def _consent(raw: list[str] | None) -> dict[str, bool] | None:
    if raw is None:
        return None
    out = {}
    for item in raw:
        k, sep, v = item.partition("=")
        if not sep or v.lower() not in ("yes", "no", "1", "0", "true", "false"):
            raise BadInput("consent.invalid", f"Đồng ý không hợp lệ: {excerpt(item)} (vd. sms=no).",
                           f"Consent must look like sms=no or zalo=yes: {excerpt(item)}.",
                           field="consent")
        out[k.strip().lower()] = v.lower() in ("yes", "1", "true")
    return out


def _split(raw: str | None) -> list[str] | None:
    return None if raw is None else [x.strip() for x in raw.split(",") if x.strip()]


def _show_card(card) -> None:
    c = console()
    c.print(Text.assemble((card.full_name, "bold"), "  MRN ", (card.mrn, "cyan"),
                          f"  {card.born}  {card.sex or ''}"))
    for p in card.phones:
        who = "" if p["label"] == "self" else f" ({p['label']}{': ' + p['name'] if p['name'] else ''})"
        c.print(f"  ☎ {p['display']}{who}")
    if card.email:
        c.print(f"  ✉ {card.email}")
    if card.bhyt:
        c.print(f"  BHYT {card.bhyt}")


@app.command("add")
def add(name: Annotated[str, typer.Option("--name", help="Full name (Vietnamese, any form).")],
        phone: PhoneOpt = None, caregiver: CaregiverOpt = None,
        mrn: Annotated[str | None, typer.Option(help="Hospital MRN; assigned when absent.")] = None,
        sex: Annotated[str | None, typer.Option(help="M, F or O.")] = None,
        born: Annotated[str | None, typer.Option(help="Birth date (2026-01-31) or year.")] = None,
        email: Annotated[str | None, typer.Option()] = None,
        language: Annotated[str, typer.Option(help="vi or en.")] = "vi",
        channels: Annotated[str | None, typer.Option(help="Preferred order, e.g. zalo,sms.")] = None,
        consent: Annotated[list[str] | None, typer.Option(help="e.g. sms=no (repeatable).")] = None,
        parts: Annotated[str | None, typer.Option(help="Preferred parts of day: morning,afternoon.")] = None,
        bhyt: Annotated[str | None, typer.Option(help="Health-insurance card number.")] = None,
        cccd: Annotated[str | None, typer.Option(help="National ID number.")] = None,
        address: Annotated[str | None, typer.Option()] = None,
        json_: JsonOpt = False, now: NowOpt = None, config: ConfigOpt = None):
    """Register a patient; prints the MRN (assigned when none is given)."""
    from ..services import patients

    with run(json_, config) as r:
        bd, by = _born(born)
        card = patients.add(r.ctx, name=name, phones_in=_phones(phone, caregiver), mrn=mrn,
                            sex=sex, birth_date=bd, birth_year=by, email=email,
                            language=language, channels=_split(channels),
                            consent=_consent(consent), parts=_split(parts), bhyt=bhyt,
                            cccd=cccd, address=address, now=r.now(now))
        r.done(card, lambda c: (_show_card(c), typer.echo(c.mrn)))


def _born(raw: str | None):
    if raw is None:
        return None, None
    if raw.strip().isdigit() and len(raw.strip()) == 4:
        return None, int(raw.strip())
    return parse_date(raw, "born"), None


@app.command("edit")
def edit(mrn: Annotated[str, typer.Argument(help="The patient's MRN.")],
         name: Annotated[str | None, typer.Option()] = None, phone: PhoneOpt = None,
         caregiver: CaregiverOpt = None,
         sex: Annotated[str | None, typer.Option()] = None,
         born: Annotated[str | None, typer.Option()] = None,
         email: Annotated[str | None, typer.Option()] = None,
         language: Annotated[str | None, typer.Option()] = None,
         channels: Annotated[str | None, typer.Option()] = None,
         consent: Annotated[list[str] | None, typer.Option()] = None,
         parts: Annotated[str | None, typer.Option()] = None,
         bhyt: Annotated[str | None, typer.Option()] = None,
         cccd: Annotated[str | None, typer.Option()] = None,
         address: Annotated[str | None, typer.Option()] = None,
         json_: JsonOpt = False, now: NowOpt = None, config: ConfigOpt = None):
    """Correct a patient's details (phones given replace the old ones); logged as an event."""
    from ..services import patients

    with run(json_, config) as r:
        bd, by = _born(born)
        phones_in = _phones(phone, caregiver) if (phone or caregiver) else None
        card = patients.edit(r.ctx, mrn=mrn, name=name, phones_in=phones_in, sex=sex,
                             birth_date=bd, birth_year=by, email=email, language=language,
                             channels=_split(channels), consent=_consent(consent),
                             parts=_split(parts), bhyt=bhyt, cccd=cccd, address=address,
                             now=r.now(now))
        r.done(card, _show_card)


@app.command("show")
def show(mrn: Annotated[str, typer.Argument(help="The patient's MRN.")],
         json_: JsonOpt = False, config: ConfigOpt = None):
    """A patient's card, orders, appointments and history."""
    from ..core.codes import display_code
    from ..core.lifecycle import OrderStatus
    from ..services import patients

    def order_status_text(status: str) -> str:
        s = OrderStatus(status)
        return f"{s.vi} ({s.value})"

    with run(json_, config) as r:
        f = patients.show(r.ctx, mrn=mrn)

        def human(f):
            _show_card(f.card)
            t = Table(title="Lịch hẹn / Appointments", show_lines=False)
            for col in ("Mã", "Ngày", "Buổi", "STT", "PK", "Trạng thái"):
                t.add_column(col)
            for a in f.appointments:
                t.add_row(display_code(a.code), a.day.strftime("%d/%m/%Y"), a.part,
                          str(a.queue_no), a.clinic_code, a.status)
            console().print(t)
            t = Table(title="Chỉ định tái khám / Follow-up orders", show_lines=False)
            for col in ("Số", "PK", "Ngày hẹn", "Hiệu lực", "Chuỗi", "Trạng thái", "Dặn dò"):
                t.add_column(col)
            for o in f.orders:
                series = f"{o.series_index}/{o.series_count}" if o.series_count else ""
                t.add_row(str(o.id), r.ctx.clinic_code(o.clinic_id),
                          o.target_date.strftime("%d/%m/%Y"),
                          f"{o.earliest:%d/%m/%Y}–{o.latest:%d/%m/%Y}", series,
                          order_status_text(o.status), o.instructions or "")
            console().print(t)
            for e in f.events[:10]:
                typer.echo(f"  {e.at:%Y-%m-%d %H:%M} {e.actor}: {e.kind} "
                           f"{(e.from_state or '') + '→' + (e.to_state or '') if e.to_state else ''}")

        r.done(f, human)


@app.command("search")
def search(query: Annotated[str, typer.Argument(help="Name (no accents needed), phone or MRN.")],
           limit: Annotated[int, typer.Option(min=1, max=200)] = 20,
           json_: JsonOpt = False, config: ConfigOpt = None):
    """Find patients: best matches first."""
    from ..services import patients

    with run(json_, config) as r:
        hits = patients.search(r.ctx, query=query, limit=limit)

        def human(hits):
            if not hits:
                typer.echo("Không tìm thấy. (No match.)")
                return
            t = Table()
            for col in ("MRN", "Họ tên", "Ngày sinh", "Điện thoại"):
                t.add_column(col)
            for h in hits:
                t.add_row(h.mrn, h.full_name, h.born, h.phone)
            console().print(t)

        r.done(hits, human)
