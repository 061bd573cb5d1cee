"""Reminder throughput: `services.messaging.remind` vs a bare yagmail loop, same mails.

    python bench/reminders_bench.py                 # 10,000 reminders, SQLite
    python bench/reminders_bench.py --count 2000 --db postgres

Both send to the same local SMTP server (aiosmtpd, in a thread of this process, counting
what it receives):
- recall: 10,000 due reminders in the outbox (1,000 booked appointments, ten reminders
  each), sent by one `remind` run: claimed with a lease in batches, the batch's
  appointments and patients re-read in one read just before its sends (the status
  re-check), each rendered (Vietnamese text, SMS variant; a reminder carries no .ics, the
  confirmation did) and sent through the e-mail channel over one kept SMTP connection,
  each recorded in its own durable transaction (one UPDATE);
- floor: one yagmail.SMTP object and `yag.send(to, subject, text)` in a loop, with the
  subjects and texts recall rendered (no database, no records). yagmail 0.16's send()
  logs in again, so the floor opens a connection per mail.
The ratio is recall's throughput over the floor's (target >= 0.8). For reference it also
times a stricter loop: yagmail's message builder over one kept connection (smtplib's
sendmail), and prints the load average before and after. On a shared machine the wall
clock follows the neighbours: each loop's CPU time (this process: the sender and the SMTP
server thread alike) is printed too, with the ratio it gives; and ``--rounds N`` (default
3) runs recall and the floor N times each, interleaved (the outbox set back to pending
between recall's rounds), and keeps the best of each, as the other benchmarks do.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yagmail  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402

from recall_tui.config import parse  # noqa: E402
from recall_tui.services import booking, messaging, patients, setup  # noqa: E402
from recall_tui.services.context import Context  # noqa: E402
from recall_tui.store import messages as message_repo  # noqa: E402
from recall_tui.store.database import Database  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=TZ)
DAY = date(2026, 12, 2)
PER_APPOINTMENT = 10
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"

TOML = """
[facility]
name = "Bệnh viện Đa khoa Recall"
address = "215 Hồng Bàng, Quận 5, TP. Hồ Chí Minh"
phone = "028 3855 4269"

[[clinics]]
code = "NOI"
name = "Khám Nội"
public_name = "Khu khám bệnh A"

[[templates]]
clinic = "NOI"
days = ["mon", "tue", "wed", "thu", "fri"]
part = "morning"
start = "07:00"
end = "11:30"
capacity = 5000

[channels.email]
host = "127.0.0.1"
port = {port}
tls = "none"
sender = "hen-kham@benhvien.test"
sender_name = "Bệnh viện Recall"
timeout = 30

[messages]
batch = 50
"""


class Counter:
    def __init__(self) -> None:
        self.n = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        self.n += 1
        return "250 OK"


class _Controller(Controller):
    def _trigger_server(self) -> None:
        if self.port == 0:
            self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


def make_db(url: str, cfg, appointments: int) -> Context:
    ctx = Context(cfg=cfg, db=Database(url), actor="bench")
    setup.init(ctx)
    t0 = time.perf_counter()
    for i in range(appointments):
        p = patients.add(ctx, name=f"Bệnh Nhân {i}", email=f"bn{i}@benhnhan.test",
                         channels=["email"], now=NOW)
        b = booking.book(ctx, patient=p.mrn, clinic="NOI", day=DAY, part="morning", now=NOW)
        with ctx.db.write() as conn:
            appt = booking.load_appointment(conn, b.code)
            message_repo.cancel_pending(conn, appt.id)  # only the bench's reminders remain
            message_repo.plan(conn, [{
                "idempotency_key": f"{b.code}:bench-{k}", "appointment_id": appt.id,
                "kind": "reminder", "channel": "email", "recipient": f"bn{i}@benhnhan.test",
                "language": "vi", "due_at": NOW - timedelta(minutes=1),
                "expires_at": datetime.combine(DAY, datetime.min.time(), TZ),
                "status": "pending", "created_at": NOW} for k in range(PER_APPOINTMENT)])
    print(f"  database: {appointments} appointments, {appointments * PER_APPOINTMENT} "
          f"reminders due ({time.perf_counter() - t0:.1f} s to set up)")
    return ctx


def _back_to_pending(ctx: Context) -> None:
    """The outbox as before a run: every bench reminder pending again."""
    from recall_tui.store.rows import message

    with ctx.db.write() as conn:
        conn.execute(message.update().where(message.c.kind == "reminder").values(
            status="pending", attempts=0, lease_until=None, leased_by=None, sent_at=None,
            provider_id=None, last_error=None))


def pg_fresh(name: str) -> str:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + name


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=10_000)
    ap.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    appointments = max(1, args.count // PER_APPOINTMENT)
    counter = Counter()
    server = _Controller(counter, hostname="127.0.0.1", port=0, ready_timeout=5.0)
    server.start()
    tmp = Path(tempfile.mkdtemp(prefix="recall-remind-bench-"))
    try:
        url = f"sqlite:///{tmp / 'bench.db'}" if args.db == "sqlite" else \
            pg_fresh("recall_bench_reminders")
        cfg = parse(TOML.replace("{port}", str(server.port)), None,
                    env={"RECALL_DATABASE_URL": url})
        print(f"reminders bench: {appointments * PER_APPOINTMENT} mails, {args.db}, "
              f"load average {_load()}")
        ctx = make_db(url, cfg, appointments)
        channels = messaging.build_channels(cfg, {})
        conf = messaging.settings(cfg)

        # The same mails for the floor: recall's own rendering of each message.
        with ctx.db.read() as conn:
            rows = messaging.outbox.due(conn, now=NOW, limit=10**7)
            mails = []
            for row in rows:
                s = messaging.outbox.subject_of(conn, row.id)
                m = messaging.compose(ctx, row, s, now=NOW, conf=conf)
                mails.append((m.recipient, m.subject, m.text))

        recall_runs, floor_runs = [], []
        for r in range(max(1, args.rounds)):
            if r:
                _back_to_pending(ctx)
            start = counter.n
            t0, c0 = time.perf_counter(), time.process_time()
            res = messaging.remind(ctx, now=NOW, channels=channels, config=conf, sweep=False)
            recall_runs.append((time.perf_counter() - t0, time.process_time() - c0))
            assert res.sent == len(mails) == counter.n - start, (res.sent, len(mails))

            start = counter.n
            yag = yagmail.SMTP(user="hen-kham@benhvien.test", host="127.0.0.1",
                               port=server.port, smtp_ssl=False, smtp_starttls=False,
                               smtp_skip_login=True, soft_email_validation=False)
            t0, c0 = time.perf_counter(), time.process_time()
            for to, subject, text in mails:
                yag.send(to=to, subject=subject, contents=text)
            floor_runs.append((time.perf_counter() - t0, time.process_time() - c0))
            yag.close()
            assert counter.n - start == len(mails)
            print(f"  round {r + 1}: recall {recall_runs[-1][0]:.1f} s (CPU "
                  f"{recall_runs[-1][1]:.1f}), yagmail {floor_runs[-1][0]:.1f} s (CPU "
                  f"{floor_runs[-1][1]:.1f}); load average {_load()}")
        t_recall, c_recall = min(recall_runs)[0], min(c for _, c in recall_runs)
        t_floor, c_floor = min(floor_runs)[0], min(c for _, c in floor_runs)

        start = counter.n
        yag = yagmail.SMTP(user="hen-kham@benhvien.test", host="127.0.0.1", port=server.port,
                           smtp_ssl=False, smtp_starttls=False, smtp_skip_login=True,
                           soft_email_validation=False)
        t0 = time.perf_counter()
        yag.login()
        for to, subject, text in mails:
            recipients, raw = yag.prepare_send(to=to, subject=subject, contents=text)
            yag.smtp.sendmail(yag.user, recipients, raw)
        t_kept = time.perf_counter() - t0
        yag.close()
        assert counter.n - start == len(mails)

        n = len(mails)
        print(f"  best of {max(1, args.rounds)} round(s) each:")
        print(f"  recall remind : {n / t_recall:8.1f} mails/s ({t_recall:.1f} s)")
        print(f"  bare yagmail  : {n / t_floor:8.1f} mails/s ({t_floor:.1f} s)")
        print(f"  ratio         : {t_floor / t_recall:.2f} (target >= 0.8)")
        print(f"  CPU           : recall {c_recall:.1f} s, yagmail {c_floor:.1f} s, "
              f"ratio {c_floor / c_recall:.2f}")
        print(f"  (yagmail, one kept connection: {n / t_kept:.1f} mails/s, recall "
              f"{t_kept / t_recall:.2f}x of it; load average {_load()})")
        ctx.db.dispose()
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
