"""Sending what the outbox holds: claim, re-check, send, record.

One run (``remind``) first sets aside the reminders a later due reminder of the same visit
replaces (``superseded``: after downtime the patient gets one reminder, the latest) and
settles the messages a dead run left in flight (``maybe_sent``, below); then it claims due
messages in small batches with a lease, re-reads their
appointments in one read just before sending the batch (again when sends are slow), and
for each: checks its appointment (a cancelled, moved or started visit gets nothing; nothing
is sent after its expiry), renders it in the patient's language, sends it through its channel and
records the provider's id. A transient failure is tried again later with a growing wait; a
permanent one falls over to the patient's next channel; when none is left the message is
``failed`` and the appointment goes on the call list ("message_failed").

Crash safety: a claimed message is ``sending`` until recorded. If the run dies, another run
takes it again once the lease has run out, so nothing is lost. The one message a dying run
was sending is the only one whose fate is unknown: on a channel that recognises a repeat
(``dedupes``: e-mail by its Message-ID, eSMS by RequestId, a gateway by its reference) it
is simply sent again and the patient gets it once; on any other channel the message is
marked ``in_flight`` (one UPDATE, committed) just before the send, and a run that finds it
so after the lease becomes its heir: ``maybe_sent``, shown to staff, never sent a second
time. Overlapping runs never claim the same row (see ``store.outbox``). Each send is
recorded in its own durable transaction (one UPDATE). Channels that keep a connection
open for the run (e-mail) are closed at its end.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ..channels.base import Channel, Outgoing, PermanentError, TransientError
from ..core import codes, contact, outbox_rules
from ..core import messages_text as mt
from ..core.errors import BadInput
from ..core.privacy import mask_recipient
from ..core.reminders import in_allowed_hours
from ..store import outbox, outreach
from .context import Context

log = logging.getLogger("recall.messaging")

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
LANGUAGES = ("vi", "en")
# A batch's re-check is read again before a send when it is older than this (slow sends).
RECHECK_SECONDS = 5.0


# -- settings ([messages] in recall.toml) ---------------------------------------------------------

@dataclass(frozen=True)
class Settings:
    templates: dict[str, dict[str, dict[str, str]]]  # language -> kind -> field -> text
    two_way: frozenset[str] = frozenset({"email", "zalo"})
    lease: timedelta = timedelta(minutes=10)
    batch: int = 20
    max_attempts: int = outbox_rules.MAX_ATTEMPTS
    zalo_templates: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    inbox_dir: Path | None = None


def _bad(key: str, vi: str, en: str) -> BadInput:
    return BadInput("messages.config", f"recall.toml [messages] {key}: {vi}",
                    f"recall.toml [messages] {key}: {en}", field=f"messages.{key}")


def load_templates(folder: Path | None) -> dict[str, dict[str, dict[str, str]]]:
    """The shipped templates, with a clinic's files (messages.vi.toml, messages.en.toml in
    ``folder``) laid over them field by field."""
    out = {}
    for lang in LANGUAGES:
        name = f"messages.{lang}.toml"
        base = mt.parse_templates((TEMPLATES_DIR / name).read_text(encoding="utf-8"),
                                  source=name)
        if folder is not None and (folder / name).is_file():
            path = folder / name
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise _bad("templates_dir", f"không đọc được {path}: {exc}",
                           f"cannot read {path}: {exc}") from None
            try:
                base = mt.merge(base, mt.parse_templates(text, source=str(path)))
            except mt.TemplateError as exc:
                raise _bad("templates_dir", str(exc), str(exc)) from None
        out[lang] = base
    return out


def settings(cfg) -> Settings:
    """What a run needs of ``[messages]`` (``Config.messages``, checked as the file was
    read), with the message templates loaded."""
    m = cfg.messages
    return Settings(templates=load_templates(m.templates_dir), two_way=m.two_way,
                    lease=timedelta(minutes=m.lease_minutes), batch=m.batch,
                    max_attempts=m.max_attempts, zalo_templates=dict(m.zalo_templates),
                    inbox_dir=m.inbox_dir)


def build_channels(cfg, env: Mapping[str, str]) -> dict[str, Channel]:
    """The channels configured in recall.toml, with their secrets from ``env``."""
    from ..channels.registry import build_channels as build

    try:
        return build(cfg.channels, env)
    except ValueError as exc:
        raise BadInput("channels.config", f"Cấu hình kênh gửi tin sai: {exc}",
                       f"Channel settings are wrong: {exc}", field="channels") from None


# -- one run -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    message_id: int
    key: str
    kind: str
    channel: str
    recipient: str
    # sent | retry | fell_over | failed | cancelled | expired | superseded | maybe_sent |
    # lost_lease | would_send | would_supersede
    result: str
    detail: str = ""


@dataclass
class RemindResult:
    runner: str
    now: datetime
    dry_run: bool = False
    outside_hours: bool = False
    no_channels: bool = False
    sent: int = 0
    retried: int = 0
    fell_over: int = 0
    failed: int = 0
    cancelled: int = 0
    expired: int = 0
    superseded: int = 0
    maybe_sent: int = 0
    items: list[Outcome] = field(default_factory=list)
    no_shows: int = 0

    def add(self, outcome: Outcome) -> None:
        self.items.append(outcome)
        name = {"sent": "sent", "retry": "retried", "fell_over": "fell_over",
                "failed": "failed", "cancelled": "cancelled", "expired": "expired",
                "superseded": "superseded", "maybe_sent": "maybe_sent"}.get(outcome.result)
        if name:
            setattr(self, name, getattr(self, name) + 1)


def runner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def remind(ctx: Context, *, now: datetime, channels: Mapping[str, Channel],
           dry_run: bool = False, limit: int | None = None, sweep: bool = True,
           config: Settings | None = None,
           timer: Callable[[], float] = time.monotonic) -> RemindResult:
    """Send every due message once (the cron job's run); returns what happened to each."""
    conf = config or settings(ctx.cfg)
    result = RemindResult(runner=runner_name(), now=now, dry_run=dry_run)
    if sweep and not dry_run:
        from . import attendance

        result.no_shows = len(attendance.sweep(ctx, now=now).no_shows)
    if not in_allowed_hours(now, ctx.tz, ctx.cfg.reminders):
        result.outside_hours = True
        return result
    if dry_run:
        with ctx.db.read() as conn:
            for row in outbox.would_supersede(conn, now=now):
                result.items.append(Outcome(row.id, row.idempotency_key, row.kind, row.channel,
                                            row.recipient, "would_supersede",
                                            outbox.SUPERSEDED_NOTE))
            for row in outbox.due(conn, now=now, limit=limit or 1000):
                result.items.append(Outcome(row.id, row.idempotency_key, row.kind, row.channel,
                                            row.recipient, "would_send"))
        return result
    _housekeeping(ctx, result, now=now)
    if not channels:
        result.no_channels = True
        return result
    done = 0
    try:
        while limit is None or done < limit:
            size = conf.batch if limit is None else min(conf.batch, limit - done)
            with ctx.db.write() as conn:
                rows = outbox.claim(conn, now=now, lease_until=now + conf.lease,
                                    runner=result.runner, limit=size)
            if not rows:
                break
            claimed_at = timer()
            checked = 0.0  # seconds after the claim when the batch was last re-read
            subjects, phones = _recheck(ctx, rows)
            for n, row in enumerate(rows):
                elapsed = timer() - claimed_at
                if elapsed > conf.lease.total_seconds() / 2:
                    # Slow sends: give the rest back before the lease runs out (another
                    # run could take them), and claim afresh.
                    with ctx.db.write() as conn:
                        outbox.release(conn, [r.id for r in rows[n:]], result.runner)
                    break
                if elapsed - checked > RECHECK_SECONDS:  # slow sends: look again
                    subjects, phones = _recheck(ctx, rows[n:])
                    checked = elapsed
                s = subjects.get(row.id)
                result.add(_deliver(ctx, row, s, phones.get(s.patient_id, []) if s else [],
                                    now=now, channels=channels, conf=conf,
                                    runner=result.runner))
                done += 1
    finally:
        _hang_up(channels)
    return result


def _housekeeping(ctx: Context, result: RemindResult, *, now: datetime) -> None:
    """Before claiming: reminders a later due one replaces are superseded; messages a dead
    run left in flight on a channel that cannot recognise a repeat become maybe_sent."""
    with ctx.db.write() as conn:
        gone = outbox.supersede(conn, now=now)
        lost = outbox.settle_lost(conn, now=now)
    for r in gone:
        result.add(Outcome(r.id, r.idempotency_key, r.kind, r.channel, r.recipient,
                           "superseded", outbox.SUPERSEDED_NOTE))
    for r in lost:
        log.warning("message %s: its run stopped while sending by %s to %s; maybe delivered, "
                    "not sent again (maybe_sent)", r.idempotency_key, r.channel, r.recipient)
        result.add(Outcome(r.id, r.idempotency_key, r.kind, r.channel, r.recipient,
                           "maybe_sent", outbox.LOST_NOTE))


def _recheck(ctx: Context, rows: list) -> tuple[dict[int, Any], dict[int, list]]:
    """The claimed messages' appointments and patients as they are now, in one read: the
    status re-check before sending (a message whose visit was cancelled after the claim
    is not sent)."""
    with ctx.db.read() as conn:
        subjects = outbox.subjects(conn, [r.id for r in rows])
        phones = outbox.phones_of(conn, [s.patient_id for s in subjects.values()])
    return subjects, phones


def _hang_up(channels: Mapping[str, Channel]) -> None:
    """End the connections a run kept open (e-mail's SMTP session); the channels stay
    usable, the daemon's next run connects again."""
    for channel in channels.values():
        if getattr(channel, "reconnects", False):
            try:
                channel.close()  # type: ignore[attr-defined]
            except Exception:  # a goodbye that fails changes nothing that was sent
                log.debug("closing %s failed", channel.name, exc_info=True)


# -- one message ---------------------------------------------------------------------------------------

def _deliver(ctx: Context, row, s, phone_rows: list, *, now: datetime,
             channels: Mapping[str, Channel], conf: Settings, runner: str) -> Outcome:
    """One claimed message, with its appointment and patient as re-read for its batch."""

    def outcome(result: str, detail: str = "", channel: str | None = None,
                recipient: str | None = None) -> Outcome:
        return Outcome(row.id, row.idempotency_key, row.kind, channel or row.channel,
                       recipient or row.recipient, result, detail)

    if s is None:  # its appointment is gone: nothing to tell
        with ctx.db.write() as conn:
            outbox.finish(conn, row.id, runner, status="cancelled", error="appointment gone")
        return outcome("cancelled", "appointment gone")
    verdict = outbox_rules.fate(kind=row.kind, appointment_status=s.appt_status,
                                expires_at=row.expires_at, now=now)
    if verdict != "send":
        detail = f"appointment {s.appt_status}" if verdict == "cancelled" else "past expiry"
        with ctx.db.write() as conn:
            outbox.finish(conn, row.id, runner, status=verdict, error=detail)
        return outcome(verdict, detail)

    consent = _consent(s.consent)
    channel = channels.get(row.channel)
    if channel is None or consent.get(row.channel) is False:
        why = "channel not configured" if channel is None else "patient opted out"
        return _fall_over(ctx, row, s, phone_rows, now=now, channels=channels, runner=runner,
                          error=f"{row.channel}: {why}", outcome=outcome)
    dedupes = bool(getattr(channel, "dedupes", False))
    try:
        message = compose(ctx, row, s, now=now, conf=conf)
        if not dedupes:  # a repeat would be a second message: say it is in flight first
            with ctx.db.write() as conn:
                if not outbox.mark_in_flight(conn, row.id, runner):
                    return outcome("lost_lease", "another run holds it")
        sent = channel.send(message)
    except PermanentError as exc:
        log.warning("message %s: %s refused for good: %s", row.idempotency_key, row.channel, exc)
        return _fall_over(ctx, row, s, phone_rows, now=now, channels=channels, runner=runner,
                          error=f"{row.channel}: {exc}", outcome=outcome)
    except (TransientError, Exception) as exc:  # an unexpected error is retried, not lost
        retry_after = getattr(exc, "retry_after", None)
        if getattr(exc, "maybe_delivered", False) and not dedupes:
            # The request went out and its answer was lost: sending it again could be a
            # second message. Staff see it as maybe sent.
            log.warning("message %s: %s answer lost, maybe delivered: %s",
                        row.idempotency_key, row.channel, exc)
            with ctx.db.write() as conn:
                outbox.finish(conn, row.id, runner, status="maybe_sent",
                              error=f"{row.channel}: {exc}")
            return outcome("maybe_sent", str(exc))
        log.warning("message %s: %s failed for now: %s", row.idempotency_key, row.channel, exc)
        if row.attempts >= conf.max_attempts:
            return _fall_over(ctx, row, s, phone_rows, now=now, channels=channels,
                              runner=runner, error=f"{row.channel}: {exc}", outcome=outcome)
        due = now + outbox_rules.backoff(row.attempts, retry_after=retry_after)
        if due >= row.expires_at:
            return _fall_over(ctx, row, s, phone_rows, now=now, channels=channels,
                              runner=runner, error=f"{row.channel}: {exc}", outcome=outcome)
        with ctx.db.write() as conn:
            outbox.retry_later(conn, row.id, runner, due_at=due, error=f"{row.channel}: {exc}")
        return outcome("retry", str(exc))
    with ctx.db.write() as conn:
        held = outbox.mark_sent(conn, row.id, runner, now=now, provider_id=sent.provider_id,
                                channel=row.channel, recipient=row.recipient)
    log.info("message %s sent by %s to %s", row.idempotency_key, row.channel,
             mask_recipient(row.recipient))
    return outcome("sent" if held else "lost_lease", sent.provider_id or "")


def _consent(raw: str | None) -> dict[str, bool]:
    out = {}
    for item in filter(None, (raw or "").split(",")):
        k, _, v = item.partition("=")
        out[k.strip()] = v.strip() == "1"
    return out


def _fall_over(ctx: Context, row, s, phone_rows, *, now: datetime,
               channels: Mapping[str, Channel], runner: str, error: str, outcome) -> Outcome:
    preferred = [c for c in (s.preferred_channels or "").split(",") if c]
    routes = contact.routes(
        phones=[contact.Phone(p.e164, p.label, p.name) for p in phone_rows], email=s.email,
        preferred=preferred, consent=_consent(s.consent), enabled=list(channels))
    nxt = outbox_rules.next_route(routes, current=row.channel, preferred=preferred)
    history = f"{row.last_error}; {error}" if row.last_error else error
    with ctx.db.write() as conn:
        if nxt is not None:
            outbox.retry_later(conn, row.id, runner, due_at=now, error=history,
                               channel=nxt.channel.value, recipient=nxt.recipient,
                               reset_attempts=True)
            return outcome("fell_over", f"{error} -> {nxt.channel.value}")
        outbox.finish(conn, row.id, runner, status="failed", error=history)
        outreach.open_task(conn, {
            "patient_id": s.patient_id, "appointment_id": row.appointment_id,
            "order_id": s.order_id, "reason": "message_failed", "created_at": now,
            "next_action_on": ctx.today(now), "note": history[:500],
            "open_key": f"message_failed|{row.appointment_id}"})
    log.error("message %s failed on every channel: %s", row.idempotency_key, history)
    return outcome("failed", history)


def compose(ctx: Context, row, s, *, now: datetime, conf: Settings) -> Outgoing:
    """The message as a channel takes it: text in the patient's language, an invitation for
    e-mail, the template and its values for Zalo."""
    clinic = ctx.cfg.clinic(ctx.clinic_code(s.clinic_id))
    public = (clinic.public_name if clinic else "") or ctx.cfg.facility_name
    kind = "rescheduled" if row.kind == "confirmation" and s.previous_id else row.kind
    lang = row.language if row.language in LANGUAGES else "vi"
    starts = s.at_time or s.starts
    values = mt.Values(patient_name=s.full_name, public_name=public,
                       facility=ctx.cfg.facility_name, day=s.day, part=s.part, starts=starts,
                       queue_no=s.queue_no, code=codes.display_code(s.appt_code),
                       address=ctx.cfg.facility_address, phone=ctx.cfg.facility_phone,
                       instructions=s.instructions or "", reply_hint=ctx.cfg.reply_hint)
    text = mt.render(conf.templates[lang], kind, lang, values, two_way=row.channel in conf.two_way)
    ics = method = None
    if row.channel == "email" and kind != "reminder":  # the invitation came with the
        # confirmation; a reminder does not add the visit to the calendar again
        ics, method = _invitation(ctx, row, s, text, public=public, now=now)
    template_id, params = conf.zalo_templates.get(kind, (None, ()))
    every = {"patient_name": s.full_name, "code": values.code,
             "date": f"{s.day:%d/%m/%Y}", "time": text.data["time"],
             "session": text.data["part"], "queue_number": str(s.queue_no), "place": public,
             "weekday": text.data["weekday"]}
    data = {k: every[k] for k in params}
    return Outgoing(idempotency_key=row.idempotency_key, channel=row.channel,
                    recipient=row.recipient, language=lang, subject=text.subject,
                    text=text.text, sms_text=text.sms_text,
                    template_id=template_id, template_data=data, ics=ics,
                    ics_method=method)


def _invitation(ctx: Context, row, s, text: mt.Rendered, *, public: str,
                now: datetime) -> tuple[bytes | None, str | None]:
    from ..channels.ics import build_ics

    sender = (ctx.cfg.channels.get("email") or {}).get("sender")
    if not sender:
        return None, None
    method = "CANCEL" if row.kind == "cancellation" else "REQUEST"
    start = datetime.combine(s.day, s.at_time or s.starts, tzinfo=ctx.tz)
    end = datetime.combine(s.day, s.ends, tzinfo=ctx.tz)
    if end <= start:
        end = start + timedelta(minutes=30)
    location = ", ".join(x for x in (public, ctx.cfg.facility_name, ctx.cfg.facility_address)
                         if x)
    ics = build_ics(uid=f"{s.appt_code}@recall", sequence=1 if method == "CANCEL" else 0,
                    method=method, summary=f"{public} – {codes.display_code(s.appt_code)}",
                    location=location, start=start, end=end, tz_name=ctx.cfg.timezone,
                    organizer_email=sender, attendee_email=row.recipient,
                    description=text.text, stamp=now, organizer_name=public,
                    attendee_name=s.full_name)
    return ics, method


# -- what the desk sees ------------------------------------------------------------------------

@dataclass(frozen=True)
class MessageView:
    kind: str
    channel: str
    recipient: str
    status: str
    due_at: datetime
    sent_at: datetime | None
    attempts: int
    last_error: str | None


def for_appointment(ctx: Context, *, code: str) -> list[MessageView]:
    """An appointment's messages and their states, in order (for the desk app)."""
    from ..store import messages as message_repo
    from .steps import load_appointment

    with ctx.db.read() as conn:
        appt = load_appointment(conn, code, lock=False)
        rows = message_repo.for_appointment(conn, appt.id)
    return [MessageView(r.kind, r.channel, r.recipient, r.status, r.due_at, r.sent_at,
                        r.attempts, r.last_error) for r in rows]
