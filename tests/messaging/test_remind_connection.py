"""A run's mails share one SMTP connection, closed at the end of the run; a batch's status
re-check is read again when its sends are slow. Real SMTP server, SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import replace
from typing import Any

import pytest

from recall_tui.services import booking, messaging

from .conftest import book_many
from .smtp_counter import Counting, _Controller

pytestmark = pytest.mark.storage


class Connections(Counting):
    """Counts the mails each connection carried, and the goodbyes (QUIT)."""

    def __init__(self) -> None:
        super().__init__()
        self.carried: Counter[Any] = Counter()
        self.quits = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.carried[session.peer] += 1
        return await super().handle_DATA(server, session, envelope)

    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:
        self.quits += 1
        return "221 Bye"


def test_one_connection_per_run_closed_at_its_end(ctx, now):
    box = Connections()
    server = _Controller(box, hostname="127.0.0.1", port=0, ready_timeout=5.0)
    server.start()
    try:
        ctx.cfg = replace(ctx.cfg, channels={
            **ctx.cfg.channels, "email": {**ctx.cfg.channels["email"], "port": server.port}})
        channels = messaging.build_channels(ctx.cfg, {})  # kept across runs, as the daemon
        book_many(ctx, now, 3)
        assert messaging.remind(ctx, now=now, channels=channels).sent == 3
        deadline = time.monotonic() + 5
        while box.quits < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert list(box.carried.values()) == [3] and box.quits == 1
        book_many(ctx, now, 1)  # the daemon's next run connects again
        assert messaging.remind(ctx, now=now, channels=channels).sent == 1
        assert sorted(box.carried.values()) == [1, 3]
    finally:
        server.stop()


def test_slow_sends_read_the_batch_again_before_sending(ctx, now, smtp):
    """Cancelled while the batch is being sent, more than a few seconds after its re-check:
    read again, not sent."""
    first, second = book_many(ctx, now, 2)
    calls = []

    def timer() -> float:
        calls.append(1)
        if len(calls) == 3:  # before the second mail: the desk cancels it meanwhile
            booking.cancel(ctx, code=second.code, by="clinic", reason="bác sĩ nghỉ", now=now)
        return 0.0 if len(calls) < 3 else messaging.RECHECK_SECONDS + 1

    res = messaging.remind(ctx, now=now, channels=messaging.build_channels(ctx.cfg, {}),
                           timer=timer)
    assert res.cancelled == 1
    confirmations = [m["Subject"] for m in smtp.box.mails
                     if "Xác nhận lịch hẹn" in m["Subject"]]
    assert confirmations == [next(s for s in confirmations if
                                  booking.codes.display_code(first.code) in s)]
    views = messaging.for_appointment(ctx, code=second.code)
    assert ("confirmation", "cancelled") in [(v.kind, v.status) for v in views]
