"""Follow-up slips issued in a period, written as the hospital's systems read them: XML14
of Quyết định 130/4750 in GIAMDINHHS envelopes (for an HIS that does not issue them).

A slip issued in recall gets its keys the first time it is exported, kept beside its order
(``his_slip``, origin "recall"): MA_CSKCB ``[his] ma_cskcb``, MA_LK ``RECALL-<order>``,
SO_GIAYHEN_KL the order number; exported again, it keeps them, and imported back it is the
same order. A slip that came from the HIS keeps the HIS's keys. Every value is checked
against the standard before it is written; an optional value that does not fit is left
out (said), an order that lacks a required one (no doctor with a licence number for
MA_BAC_SI) is skipped (said).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from ..core.errors import BadInput
from ..files import kind_of, write_private
from ..interop import his_xml, qd130
from ..interop.his_xml import Xml14
from ..store import his as repo
from .context import Context


@dataclass(frozen=True)
class Skipped:
    order_id: int
    en: str
    vi: str


@dataclass
class Xml14Export:
    start: date
    end: date
    slips: int = 0
    files: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    dropped: list[Skipped] = field(default_factory=list)  # optional values left out


def period(ctx: Context, start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, end + 1 day 00:00) in the clinic's zone."""
    if end < start:
        raise BadInput("range.order", "--to trước --from.", "--to is before --from.", field="to")
    return (datetime.combine(start, time(0), tzinfo=ctx.tz),
            datetime.combine(end + timedelta(days=1), time(0), tzinfo=ctx.tz))


def _doctor_code(ctx: Context, row, conf) -> str | None:
    """MA_BAC_SI of an order: as the HIS sent it, else the doctor's licence number, else
    the [his.doctors] line that names the doctor."""
    if row.ma_bac_si:
        return row.ma_bac_si
    if row.doctor_licence:
        return row.doctor_licence
    return next((k for k, v in conf.doctors.items() if v == row.doctor_code), None)


def _slip_of(ctx: Context, row, keys: tuple[str, str, str], ma_bac_si: str, ma_ttdv: str,
             dropped: list[Skipped]) -> Xml14:
    def keep(name: str, value: str | None) -> str | None:
        if not value:
            return None
        f = qd130.XML14.field(name)
        bad = qd130.problem(f, value)
        if bad:
            dropped.append(Skipped(row.order_id, f"{name} left out: {bad[0]}",
                                   f"bỏ {name}: {bad[1]}"))
            return None
        return value

    card = keep("MA_THE_BHYT", (row.bhyt or "").upper() or None)
    issued = row.issued_on or row.ordered_at.astimezone(ctx.tz).date()
    return Xml14(
        ma_cskcb=keys[0], ma_lk=keys[1], so_giayhen_kl=keys[2], ho_ten=row.full_name,
        ngay_hen_kl=row.target_date, ma_bac_si=ma_bac_si, ma_ttdv=ma_ttdv, ngay_ct=issued,
        birth_date=row.birth_date, birth_year=row.birth_year,
        gioi_tinh={"M": 1, "F": 2}.get(row.sex or ""),
        dia_chi=keep("DIA_CHI", row.address), ma_the_bhyt=(card,) if card else (),
        gt_the_den=(row.card_valid_to,) if card and row.card_valid_to else (),
        ma_benh_chinh=row.icd_main,
        ma_benh_kt=tuple(c for c in (row.icd_other or "").split(";") if c),
        ma_doituong_kcb=row.ma_doituong_kcb)


def export_xml14(ctx: Context, *, start: date, end: date, out: str,
                 now: datetime) -> Xml14Export:
    conf = ctx.cfg.his
    if not conf.ma_cskcb:
        raise BadInput("his.ma_cskcb", "Cần mã cơ sở KBCB ([his] ma_cskcb) để xuất XML14.",
                       "Exporting XML14 needs the facility code ([his] ma_cskcb).",
                       field="his.ma_cskcb")
    lo, hi = period(ctx, start, end)
    res = Xml14Export(start, end)
    slips: list[Xml14] = []
    with ctx.db.write() as conn:  # keys given to slips exported for the first time
        for row in repo.orders_issued(conn, lo, hi):
            ma_bac_si = _doctor_code(ctx, row, conf)
            if not ma_bac_si:
                res.skipped.append(Skipped(
                    row.order_id, "no doctor with a licence number (MA_BAC_SI is required)",
                    "không có bác sĩ có số chứng chỉ hành nghề (MA_BAC_SI bắt buộc)"))
                continue
            ma_ttdv = row.ma_ttdv or conf.ma_ttdv
            if not ma_ttdv:
                raise BadInput("his.ma_ttdv",
                               "Cần mã người ký giấy hẹn ([his] ma_ttdv) để xuất XML14.",
                               "Exporting XML14 needs the signer's code ([his] ma_ttdv).",
                               field="his.ma_ttdv")
            keys = ((row.ma_cskcb, row.ma_lk, row.so_giayhen_kl) if row.slip_id else
                    (conf.ma_cskcb, f"RECALL-{row.order_id}", f"{row.order_id:08d}"))
            slip = _slip_of(ctx, row, keys, ma_bac_si, ma_ttdv, res.dropped)
            try:
                his_xml.xml14_bytes(slip)
            except his_xml.WriteError as exc:
                res.skipped.append(Skipped(row.order_id, exc.en, exc.vi))
                continue
            if not row.slip_id:
                repo.insert_slip(conn, {
                    "ma_cskcb": keys[0], "ma_lk": keys[1], "so_giayhen_kl": keys[2],
                    "order_id": row.order_id, "patient_id": row.patient_id,
                    "origin": "recall", "ma_bac_si": ma_bac_si, "ma_ttdv": ma_ttdv,
                    "issued_on": slip.ngay_ct, "created_at": now, "updated_at": now})
            slips.append(slip)
    res.slips = len(slips)
    if slips:
        res.files = _write(slips, Path(out), facility=conf.ma_cskcb,
                           made_on=now.astimezone(ctx.tz).date())
    return res


def _write(slips: list[Xml14], out: Path, *, facility: str, made_on: date) -> list[str]:
    """One envelope with a HOSO per visit, or (``out`` a folder) one envelope per visit;
    each written whole and private (``files``)."""
    visits: dict[str, list[tuple[str, bytes]]] = {}
    for s in slips:
        visits.setdefault(s.ma_lk, []).append(("XML14", his_xml.xml14_bytes(s)))
    if kind_of(out, field="out") == "folder":
        written = []
        for ma_lk, parts in visits.items():
            name = "".join(c if c.isalnum() or c in "-_." else "_" for c in ma_lk) + ".xml"
            path = out / name
            write_private(path, his_xml.envelope(facility=facility, made_on=made_on,
                                                 visits=[parts]), field="out")
            written.append(str(path))
        return written
    write_private(out, his_xml.envelope(facility=facility, made_on=made_on,
                                        visits=list(visits.values())), field="out")
    return [str(out)]
