"""Patients' replies: match the sender and the code to an appointment, and act on it.

Each reply is one transaction: stored in ``inbound_reply`` (its external id is unique, so
reading the same reply twice does nothing the second time) and applied:
- confirm: the appointment is confirmed (already confirmed: nothing to do);
- cancel: cancelled by the patient (its pending reminders go, the notice is planned);
- change: a "change_requested" task on the call list (a person finds the new date);
- opt-out (STOP, TỪ CHỐI): the patient's consent for that channel is withdrawn;
- anything unclear, or a sender with several upcoming visits and no code: "reply_unclear"
  on the call list. A sender matching no patient is kept, unmatched, and changes nothing.
The sender must be the patient (their phone, a caregiver's phone, or their e-mail): a code
alone, from an unknown sender, is not enough to move an appointment.

Sources: a drop folder (``[messages] inbox_dir``) of CSV or JSON files with the columns
channel, sender, text, received_at (ISO), id — what gateways and Zalo chats can export.
Processed files move to ``done/`` inside it.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..core import replies
from ..core.errors import BadInput, DomainError
from ..core.phones import normalise_phone
from ..core.text import scrub
from ..files import private_dir
from ..store import outreach
from ..store import replies as repo
from .booking import cancel, confirm
from .context import Context

log = logging.getLogger("recall.inbox")
CHANNELS = ("sms", "zalo", "email")


@dataclass(frozen=True)
class Inbound:
    channel: str
    sender: str
    text: str
    received_at: datetime
    external_id: str = ""

    def key(self) -> str:
        if self.external_id:
            return f"{self.channel}:{self.external_id}"[:128]
        digest = hashlib.sha256(f"{self.channel}|{self.sender}|{self.received_at.isoformat()}|"
                                f"{self.text}".encode()).hexdigest()[:40]
        return f"{self.channel}:h:{digest}"


@dataclass(frozen=True)
class Applied:
    action: str  # confirmed | already_confirmed | cancelled | change_requested | opted_out |
    #              unclear | unmatched | duplicate
    code: str | None = None
    detail: str = ""


def apply_reply(ctx: Context, *, reply: Inbound, now: datetime) -> Applied:
    """Store one reply and do what it asks (one transaction)."""
    if reply.channel not in CHANNELS:
        raise BadInput("reply.channel", f"Kênh không hợp lệ: {reply.channel!r}.",
                       f"Unknown channel {reply.channel!r} (sms, zalo, email).", field="channel")
    text = scrub(reply.text)
    parsed = replies.parse(text)
    with ctx.db.write() as conn:
        rid = repo.record(conn, {"channel": reply.channel, "sender": reply.sender.strip(),
                                 "received_at": reply.received_at, "text": text,
                                 "external_id": reply.key()})
        if rid is None:
            return Applied("duplicate")
        result = _act(conn, ctx, reply, parsed, text, now)
        repo.set_result(conn, rid, appointment_id=result[1], action=result[0].action)
        return result[0]


def _patients(conn, reply: Inbound) -> list[int]:
    if reply.channel == "email":
        addr = reply.sender.strip()
        if "<" in addr and addr.endswith(">"):
            addr = addr[addr.rindex("<") + 1:-1]
        return repo.patients_by_email(conn, addr)
    try:
        return repo.patients_by_phone(conn, normalise_phone(reply.sender))
    except BadInput:
        return []


def _act(conn, ctx: Context, reply: Inbound, parsed: replies.Reply, text: str,
         now: datetime) -> tuple[Applied, int | None]:
    pids = _patients(conn, reply)
    if not pids:
        return Applied("unmatched", parsed.code, "sender is no known patient"), None
    if parsed.intent is replies.Intent.OPT_OUT:
        for pid in pids:
            consent = dict(item.partition("=")[::2] for item in
                           filter(None, repo.consent_of(conn, pid).split(",")))
            consent[reply.channel] = "0"
            repo.set_consent(conn, pid, ",".join(f"{k}={v}" for k, v in sorted(consent.items())),
                             now)
        return Applied("opted_out", parsed.code, reply.channel), None
    upcoming = repo.open_appointments(conn, pids, ctx.today(now))
    if parsed.code:
        chosen = [a for a in upcoming if a.code == parsed.code]
    else:
        chosen = upcoming if len(upcoming) == 1 else []
    if parsed.intent is replies.Intent.UNCLEAR or len(chosen) != 1:
        why = "unclear answer" if parsed.intent is replies.Intent.UNCLEAR else \
            f"{len(upcoming)} upcoming visits match"
        appt = chosen[0] if len(chosen) == 1 else None
        _task(conn, ctx, "reply_unclear", patient_id=appt.patient_id if appt else pids[0],
              appt=appt, now=now, note=f"{reply.channel} {reply.sender}: {text}"[:500])
        return Applied("unclear", parsed.code, why), appt.id if appt else None
    appt = chosen[0]
    sp = conn.begin_nested()
    try:
        if parsed.intent is replies.Intent.CONFIRM:
            if appt.status == "confirmed":
                sp.commit()
                return Applied("already_confirmed", appt.code), appt.id
            confirm(ctx, code=appt.code, now=now, via=f"reply:{reply.channel}", within=conn)
            sp.commit()
            return Applied("confirmed", appt.code), appt.id
        if parsed.intent is replies.Intent.CANCEL:
            cancel(ctx, code=appt.code, by="patient",
                   reason=f"patient reply ({reply.channel})", now=now, within=conn)
            sp.commit()
            return Applied("cancelled", appt.code), appt.id
        sp.commit()
    except DomainError as exc:  # moved meanwhile: a person looks at it
        sp.rollback()
        _task(conn, ctx, "reply_unclear", patient_id=appt.patient_id, appt=appt, now=now,
              note=f"{reply.channel} {reply.sender}: {text} ({exc.code})"[:500])
        return Applied("unclear", appt.code, exc.code), appt.id
    _task(conn, ctx, "change_requested", patient_id=appt.patient_id, appt=appt, now=now,
          note=f"{reply.channel} {reply.sender}: {text}"[:500])
    return Applied("change_requested", appt.code), appt.id


def _task(conn, ctx: Context, reason: str, *, patient_id: int, appt, now: datetime,
          note: str) -> None:
    subject = f"{appt.id}" if appt is not None else f"p{patient_id}"
    outreach.open_task(conn, {
        "patient_id": patient_id, "appointment_id": appt.id if appt is not None else None,
        "order_id": appt.order_id if appt is not None else None, "reason": reason,
        "created_at": now, "next_action_on": ctx.today(now), "note": note,
        "open_key": f"{reason}|{subject}"})


# -- the drop folder -------------------------------------------------------------------------------

@dataclass
class InboxResult:
    folder: str | None
    read: int = 0
    new: int = 0
    confirmed: int = 0
    cancelled: int = 0
    change: int = 0
    opted_out: int = 0
    unclear: int = 0
    unmatched: int = 0
    bad: list[str] = field(default_factory=list)
    items: list[Applied] = field(default_factory=list)

    def add(self, applied: Applied) -> None:
        self.read += 1
        self.items.append(applied)
        if applied.action == "duplicate":
            return
        self.new += 1
        name = {"confirmed": "confirmed", "already_confirmed": "confirmed",
                "cancelled": "cancelled", "change_requested": "change",
                "opted_out": "opted_out", "unclear": "unclear",
                "unmatched": "unmatched"}[applied.action]
        setattr(self, name, getattr(self, name) + 1)


def _parse_time(raw: str, ctx: Context, now: datetime) -> datetime:
    if not raw:
        return now
    value = datetime.fromisoformat(raw.strip())
    return value if value.tzinfo else value.replace(tzinfo=ctx.tz)


def _rows(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".json":
        data = json.loads(text)
        return data if isinstance(data, list) else [data]
    return list(csv.DictReader(text.splitlines()))


def read_drop_folder(ctx: Context, *, folder: Path | None, now: datetime) -> InboxResult:
    """Apply every reply in the folder's CSV and JSON files; move each file to ``done/``."""
    if folder is None:
        raise BadInput("inbox.folder", "Chưa đặt [messages] inbox_dir trong recall.toml.",
                       "No [messages] inbox_dir in recall.toml.", field="messages.inbox_dir")
    result = InboxResult(folder=str(folder))
    if not folder.is_dir():
        return result
    for path in sorted(p for p in folder.iterdir()
                       if p.is_file() and p.suffix.lower() in (".csv", ".json")):
        try:
            rows = _rows(path)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            result.bad.append(f"{path.name}: {exc}")
            continue
        for n, row in enumerate(rows, 1):
            try:
                reply = Inbound(channel=str(row.get("channel", "")).strip().lower(),
                                sender=str(row.get("sender", "")), text=str(row.get("text", "")),
                                received_at=_parse_time(str(row.get("received_at") or ""), ctx,
                                                        now),
                                external_id=str(row.get("id") or "").strip())
                result.add(apply_reply(ctx, reply=reply, now=now))
            except (BadInput, ValueError, AttributeError) as exc:
                result.bad.append(f"{path.name} row {n}: {exc}")
        done = private_dir(folder / "done")  # 0700: replies hold phone numbers
        path.replace(done / path.name)
    return result


def read_all(ctx: Context, *, folder: Path | None, env, now: datetime) -> InboxResult:
    """Every configured source: the drop folder, then the Twilio number's inbound SMS."""
    from . import inbox_imap, inbox_twilio

    twilio, imap = inbox_twilio.enabled(ctx.cfg), inbox_imap.enabled(ctx.cfg)
    if folder is None and not twilio and not imap:
        raise BadInput("inbox.none",
                       "Chưa có nguồn tin trả lời: đặt [messages] inbox_dir, imap hoặc "
                       "twilio_inbox.",
                       "No source of replies: set [messages] inbox_dir, imap or twilio_inbox.",
                       field="messages.inbox_dir")
    result = read_drop_folder(ctx, folder=folder, now=now) if folder is not None else \
        InboxResult(folder=None)
    if imap:
        found, flag_seen = inbox_imap.fetch(ctx.cfg, env, now=now)
        for reply in found:
            result.add(apply_reply(ctx, reply=reply, now=now))
        flag_seen()
    if twilio:
        for reply in inbox_twilio.fetch(ctx.cfg, env, now=now):
            result.add(apply_reply(ctx, reply=reply, now=now))
    return result
