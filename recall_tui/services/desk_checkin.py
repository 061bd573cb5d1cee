"""Check-in from one input at the front of the queue: slip code, MRN, phone or queue number."""

from __future__ import annotations

import re
from datetime import datetime

from ..core import codes, phones
from ..core.errors import BadInput, NotFound
from ..core.text import excerpt
from .attendance import CheckedIn, check_in
from .context import Context
from .today import Row, day_list

WAITING = ("booked", "confirmed")


def find_today(ctx: Context, *, query: str, now: datetime, clinic: str | None = None) -> Row:
    """The one appointment of today the typed or scanned text stands for."""
    q = (query or "").strip()
    if not q:
        raise BadInput("checkin.empty", "Nhập mã phiếu, mã BN, số điện thoại hoặc số thứ tự.",
                       "Type the slip code, MRN, phone or queue number.", field="query")
    rows = day_list(ctx, day=ctx.today(now), clinic=clinic).rows
    if codes.looks_like_code(q):
        code = codes.parse_code(q)
        hits = [r for r in rows if r.code == code]
        if not hits:  # a slip of another day: let check_in say why
            return Row(code=code, clinic="", part="", starts=None, at_time=None, queue_no=0,
                       mrn="", patient="", born="", phone="", status="", reminder="none")
    elif re.fullmatch(r"\d{1,4}", q):
        hits = [r for r in rows if r.queue_no == int(q)]
    else:
        compact = re.sub(r"[\s.\-()]", "", q)
        hits = [r for r in rows if r.mrn.upper() == compact.upper()]
        if not hits and re.fullmatch(r"\+?\d{9,15}", compact):
            shown = phones.display_phone(phones.normalise_phone(compact, field="query"))
            hits = [r for r in rows if r.phone == shown]
    waiting = [r for r in hits if r.status in WAITING] or hits
    if not waiting:
        raise NotFound("checkin.none", f"Hôm nay không có lịch hẹn nào khớp {excerpt(q)}.",
                       f"No appointment today matches {excerpt(q)}.", field="query")
    if len(waiting) > 1:
        names = "; ".join(f"{r.clinic} {r.queue_no} {r.patient}" for r in waiting[:5])
        raise BadInput("checkin.ambiguous", f"Nhiều lịch hẹn khớp {excerpt(q)}: {names}. Nhập mã phiếu.",
                       f"Several appointments match {excerpt(q)}: {names}. Type the slip code.",
                       field="query")
    return waiting[0]


def check_in_any(ctx: Context, *, query: str, now: datetime,
                 clinic: str | None = None) -> tuple[Row, CheckedIn]:
    row = find_today(ctx, query=query, now=now, clinic=clinic)
    return row, check_in(ctx, code=row.code, now=now)
