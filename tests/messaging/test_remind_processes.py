"""Real `recall remind` processes against a real SMTP server: overlapping runs, a run killed
with SIGKILL. Each due message is counted where it arrives (by its Message-ID)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from recall_tui.store.rows import message

from .conftest import book_many
from .smtp_counter import CountingSmtp

pytestmark = pytest.mark.storage

RECALL = str(Path(sys.executable).with_name("recall"))
AT = datetime(2026, 11, 25, 9, 30)  # clinic time: confirmations and Wednesday's reminders due


def start(config: Path, at: datetime) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([RECALL, "remind", "--json", "--config", str(config),
                             "--now", at.isoformat()], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def finish(proc: subprocess.Popen) -> dict:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err or out
    return json.loads(out)


def due_keys(ctx, at: datetime) -> set[str]:
    with ctx.db.read() as conn:
        rows = conn.execute(select(message.c.idempotency_key).where(
            message.c.status == "pending", message.c.due_at <= at.replace(tzinfo=ctx.tz)))
        return {r[0].replace(":", "-") for r in rows}


def received_keys(smtp) -> dict[str, int]:
    return {k.strip("<>").rsplit("@", 1)[0]: n for k, n in smtp.box.counts().items()}


def with_batch(config: Path, n: int) -> Path:
    config.write_text(config.read_text(encoding="utf-8") + f"\n[messages]\nbatch = {n}\n",
                      encoding="utf-8")
    return config


def test_three_runs_at_once_deliver_each_message_exactly_once(ctx, now, msg_config):
    book_many(ctx, now, 14)
    expected = due_keys(ctx, AT)
    assert len(expected) >= 14
    with CountingSmtp(delay=0.2) as slow:  # slow enough that the three runs overlap
        config = with_batch(_to(msg_config, slow.port), 2)  # small batches interleave
        procs = [start(config, AT) for _ in range(3)]
        results = [finish(p) for p in procs]
        got = received_keys(slow)
    assert sum(1 for r in results if r["sent"]) >= 2  # they did overlap
    assert set(got) == expected
    assert all(n == 1 for n in got.values()), got
    assert sum(r["sent"] for r in results) == len(expected)
    assert due_keys(ctx, AT) == set()


def test_a_killed_run_loses_nothing(ctx, now, msg_config):
    book_many(ctx, now, 8)
    expected = due_keys(ctx, AT)
    with CountingSmtp(delay=0.25) as slow:
        config = with_batch(_to(msg_config, slow.port), 3)
        proc = start(config, AT)
        deadline = time.monotonic() + 60
        while len(slow.box.ids) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        before = len(slow.box.ids)
        assert 3 <= before < len(expected)
        # A run inside the dead run's lease sends the rest, but not what the dead run holds.
        finish(start(config, AT + timedelta(minutes=1)))
        held = expected - set(received_keys(slow))
        assert len(held) <= 3
        # Once the lease has run out, the held messages go too.
        finish(start(config, AT + timedelta(minutes=11)))
        got = received_keys(slow)
    assert set(got) == expected  # nothing lost
    duplicates = sum(n - 1 for n in got.values())
    assert duplicates <= 1  # only a mail accepted just before the kill, not yet recorded


def _to(config: Path, port: int) -> Path:
    """The configuration, sending to another SMTP port."""
    text = config.read_text(encoding="utf-8")
    old = next(ln for ln in text.splitlines() if ln.startswith("port = "))
    config.write_text(text.replace(old, f"port = {port}"), encoding="utf-8")
    return config
