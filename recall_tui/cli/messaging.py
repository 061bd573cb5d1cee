"""`recall remind` (cron), `recall daemon` (a timer of its own), `recall inbox` (replies)."""

from __future__ import annotations

import logging
import os
from typing import Annotated

import typer

from ..core.privacy import mask_recipient, redact
from .common import ConfigOpt, JsonOpt, NowOpt, run

log = logging.getLogger("recall.daemon")


def remind(dry_run: Annotated[bool, typer.Option(
               "--dry-run", help="Show what is due; send nothing, change nothing.")] = False,
           limit: Annotated[int | None, typer.Option(
               min=1, max=1_000_000, help="Send at most this many messages in this run.")] = None,
           json_: JsonOpt = False, now: NowOpt = None, config: ConfigOpt = None):
    """Send the confirmations and reminders that are due, once, and exit (for cron)."""
    from ..services import messaging
    from .logs import setup

    setup(logging.WARNING)  # a channel's trouble, redacted, on stderr
    with run(json_, config) as r:
        channels = {} if dry_run else messaging.build_channels(r.cfg, os.environ)
        res = messaging.remind(r.ctx, now=r.now(now), channels=channels, dry_run=dry_run,
                               limit=limit)
        r.done(res, _show_remind)


def _show_remind(res) -> None:
    if res.outside_hours:
        typer.echo("Outside the allowed hours: nothing sent.")
        return
    if res.dry_run:
        for i in res.items:
            what = "would send" if i.result == "would_send" else "superseded"
            typer.echo(f"{what:<11} {i.key:<28} {i.channel:<6} {mask_recipient(i.recipient)}")
        typer.echo(f"{sum(i.result == 'would_send' for i in res.items)} message(s) due.")
        return
    if res.no_channels:
        typer.echo("No channel is configured ([channels.*] in recall.toml): nothing sent; "
                   "the messages wait in the outbox.")
        return
    for i in res.items:
        if i.result != "sent":
            typer.echo(redact(f"{i.result:<10} {i.key:<28} {i.channel:<6} "
                              f"{mask_recipient(i.recipient):<24} {i.detail}"))
    typer.echo(f"Sent {res.sent}; retry later {res.retried}; next channel {res.fell_over}; "
               f"failed {res.failed}; cancelled {res.cancelled}; expired {res.expired}; "
               f"superseded {res.superseded}; maybe sent (check with the patient) "
               f"{res.maybe_sent}; no-shows marked {res.no_shows}.")


def inbox(json_: JsonOpt = False, now: NowOpt = None, config: ConfigOpt = None):
    """Read patients' replies (drop folder, Twilio) and apply them: confirm, cancel,
    change, stop."""
    from ..services import inbox as svc
    from ..services import messaging

    with run(json_, config) as r:
        res = svc.read_all(r.ctx, folder=messaging.settings(r.cfg).inbox_dir, env=os.environ,
                           now=r.now(now))
        r.done(res, lambda x: typer.echo(
            f"Replies read {x.read}; new {x.new}; confirmed {x.confirmed}; cancelled "
            f"{x.cancelled}; change requested {x.change}; opted out {x.opted_out}; "
            f"to the call list {x.unclear}; unmatched {x.unmatched}."))


def daemon(every: Annotated[int, typer.Option(
               min=1, max=60, help="Minutes between reminder runs.")] = 1,
           backup_at: Annotated[str, typer.Option(
               help="Local time of the nightly backup (SQLite only).")] = "02:30",
           backup_dir: Annotated[str | None, typer.Option(
               help="Folder for nightly backups (default: backups/ next to the database).")]
           = None,
           config: ConfigOpt = None):
    """Send due reminders (and mark no-shows) every minute, mail the day's no-show report
    to the staff after the last session ([reports] staff_email), back up nightly; logs
    what it does; stops cleanly on SIGTERM or Ctrl-C."""
    from .logs import setup

    setup(logging.INFO)
    with run(False, config) as r:
        _serve(r, every=every, backup_at=backup_at, backup_dir=backup_dir)


def _serve(r, *, every: int, backup_at: str, backup_dir: str | None) -> None:
    import signal
    import threading
    from datetime import datetime
    from pathlib import Path

    import schedule

    from ..services import backup, messaging, noshow_report
    from .common import parse_time

    backup_time = parse_time(backup_at, "backup-at")
    ctx = r.ctx
    channels = messaging.build_channels(r.cfg, os.environ)
    conf = messaging.settings(r.cfg)
    reports = r.cfg.reports
    mailer = channels.get("email")
    stop = threading.Event()

    def remind_job() -> None:
        try:
            res = messaging.remind(ctx, now=datetime.now(ctx.tz), channels=channels,
                                   config=conf)
            if res.items or res.no_shows:
                log.info("reminders: sent %d, retry %d, next channel %d, failed %d, "
                         "cancelled %d, expired %d, superseded %d, maybe sent %d; no-shows %d",
                         res.sent, res.retried, res.fell_over, res.failed, res.cancelled,
                         res.expired, res.superseded, res.maybe_sent, res.no_shows)
        except Exception:  # one bad run must not stop the daemon
            log.exception("reminder run failed")

    started = datetime.now(ctx.tz)
    last_backup = [started.date() if started.time() >= backup_time else None]

    def backup_job() -> None:
        """Nightly, at ``backup_at`` clinic time (checked every minute: no pytz needed)."""
        local = datetime.now(ctx.tz)
        if local.time() < backup_time or last_backup[0] == local.date():
            return
        last_backup[0] = local.date()
        src = ctx.db.sqlite_path()
        if src is None:
            log.info("nightly backup skipped: not SQLite (use pg_dump)")
            return
        folder = Path(backup_dir) if backup_dir else Path(src).parent / "backups"
        dest = folder / f"recall-{datetime.now(ctx.tz):%Y%m%d-%H%M}.db"
        try:
            res = backup.backup(ctx, dest=str(dest))
            log.info("backup written: %s (%d bytes)", res.path, res.bytes)
        except Exception:
            log.exception("backup failed")

    his_job, his_conf = _his_job(r, ctx, remind_job)
    def report_job() -> None:
        """Today's no-show report, once, after the last session (checked every minute)."""
        try:
            sent = noshow_report.send_if_due(ctx, now=datetime.now(ctx.tz), mailer=mailer)
            if sent is not None:
                log.info("no-show report of %s sent to %s: %d no-shows, %d open tasks%s",
                         sent.day, ", ".join(sent.to), sent.no_shows, sent.open_tasks,
                         f" (refused: {', '.join(sent.refused)})" if sent.refused else "")
        except Exception:  # tried again at the next minute; the daemon goes on
            log.exception("no-show report failed")

    def on_signal(signum, _frame) -> None:
        log.info("signal %d: stopping after the current job", signum)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    sched = schedule.Scheduler()
    sched.every(every).minutes.do(remind_job)
    sched.every(1).minutes.do(backup_job)
    if his_job is not None:
        sched.every(his_conf.scan_seconds).seconds.do(his_job)
    if reports.staff_email and reports.noshows_daily:
        if mailer is None:
            log.error("[reports] staff_email is set but [channels.email] is not: the daily "
                      "no-show report cannot be mailed")
        else:
            sched.every(1).minutes.do(report_job)
    log.info("recall daemon started: reminders every %d min, backup at %s %s (channels: %s)",
             every, backup_at, r.cfg.timezone, ", ".join(channels) or "none")
    if his_job is not None:
        log.info("HIS drop folder %s: read every %d s (auto_book %s)", his_conf.inbox,
                 his_conf.scan_seconds, "on" if his_conf.auto_book else "off")
        his_job()
    remind_job()
    while not stop.is_set():
        sched.run_pending()
        stop.wait(timeout=min(max(sched.idle_seconds or 1.0, 0.2), 5.0))
    log.info("recall daemon stopped")


def _his_job(r, ctx, remind_job):
    """The drop folder's job ([his] inbox), or (None, settings) when none is set: files
    become orders (and bookings, with [his] auto_book, whose confirmations go at once)."""
    from datetime import datetime

    from ..services import his_import
    conf = r.cfg.his
    if conf.inbox is None:
        return None, conf

    def job() -> None:
        try:
            rep = his_import.run_inbox(ctx, now=datetime.now(ctx.tz), settings=conf)
        except Exception:  # one bad run must not stop the daemon
            log.exception("HIS drop folder run failed")
            return
        for fr in rep.files:
            if fr.ok:
                log.info("HIS %s: %d slip(s) (%s) -> %s", fr.name, len(fr.slips),
                         ", ".join(f"{s.slip} {s.outcome}" for s in fr.slips) or "no slip",
                         fr.moved_to)
            else:
                log.warning("HIS %s refused: %s", fr.name,
                            "; ".join(his_import.said_safely(e) for e in fr.errors))
        if rep.booked:
            remind_job()  # the confirmations of what was just booked, now

    return job, conf
