"""A real local SMTP server (aiosmtpd) that counts what it receives, by Message-ID.

The e-mail channel gives every attempt at one outbox message the same Message-ID (built
from the message's idempotency key), so duplicates are visible at the receiving end.
``delay`` slows each DATA down, to catch a sender in the middle of a run; ``hold_from`` = n
takes the n-th message and the ones after it but answers none until ``release()``: a sender
caught with a mail delivered and its "250 OK" not yet read.
"""

from __future__ import annotations

import email
import email.policy
import threading
import time
from collections import Counter
from typing import Any

from aiosmtpd.controller import Controller


class Counting:
    def __init__(self, delay: float = 0.0):
        self.delay = delay
        self.hold_from: int | None = None
        self.released = threading.Event()
        self.lock = threading.Lock()
        self.ids: list[str] = []
        self.mails: list[email.message.EmailMessage] = []
        self.recipients: list[list[str]] = []  # each mail's envelope recipients
        self.refuse: set[str] = set()  # recipients answered "550 no such user"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            time.sleep(self.delay)  # blocks the server's loop: one mail at a time, slowly
        msg = email.message_from_bytes(envelope.original_content or envelope.content,
                                       policy=email.policy.default)
        with self.lock:
            self.ids.append(str(msg["Message-ID"]))
            self.mails.append(msg)
            self.recipients.append(list(envelope.rcpt_tos))
            taken = len(self.ids)
        if self.hold_from is not None and taken >= self.hold_from:
            self.released.wait(timeout=60)  # blocks the server's loop, as ``delay`` does
        return "250 2.0.0 OK"

    def counts(self) -> Counter:
        with self.lock:
            return Counter(self.ids)


class _Controller(Controller):
    def _trigger_server(self) -> None:
        if self.port == 0:
            self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class CountingSmtp:
    def __init__(self, delay: float = 0.0):
        self.box = Counting(delay)
        self._controller = _Controller(self.box, hostname="127.0.0.1", port=0,
                                       ready_timeout=5.0)

    @property
    def port(self) -> int:
        return self._controller.port

    def __enter__(self) -> CountingSmtp:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.box.released.set()
        self._controller.stop()
