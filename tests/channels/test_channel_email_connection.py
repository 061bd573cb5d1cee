"""E-mail keeps one SMTP connection for a run's sends, against a real local server (aiosmtpd)
that counts connections, drops idle ones and limits messages per connection."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from channel_fakes.smtp_server import _Controller

from recall_tui.channels.base import Outgoing, PermanentError, TransientError
from recall_tui.channels.email import EmailChannel

SENDER = "nhaclich@pk-anbinh.vn"


class Server:
    """Counts the messages each connection carried and the goodbyes (QUIT) it heard."""

    def __init__(self, *, per_connection: int | None = None, drop_after_each: bool = False):
        self.per_connection = per_connection
        self.drop_after_each = drop_after_each
        self.carried: Counter[Any] = Counter()  # connection (client address) -> messages
        self.keys: list[str] = []
        self.quits = 0
        self.refuse: set[str] = set()

    async def handle_MAIL(self, server, session, envelope, address, options) -> str:
        if self.per_connection is not None and \
                self.carried[session.peer] >= self.per_connection:
            return "421 4.7.0 Too many messages on this connection, try again"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options) -> str:
        if address in self.refuse:
            return "550 5.1.1 User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        self.carried[session.peer] += 1
        text = envelope.content.decode("ascii")
        self.keys.append(text.split("Message-ID: <", 1)[1].split("@", 1)[0])
        if self.drop_after_each:  # the server hangs up an idle connection
            asyncio.get_running_loop().call_later(0.05, server.transport.close)
        return "250 2.0.0 Accepted"

    async def handle_QUIT(self, server, session, envelope) -> str:
        self.quits += 1
        return "221 Bye"


@pytest.fixture
def server() -> Iterator[Callable[..., tuple[Server, EmailChannel]]]:
    controllers = []

    def start(**options: Any) -> tuple[Server, EmailChannel]:
        handler = Server(**options)
        controller = _Controller(handler, hostname="127.0.0.1", port=0, ready_timeout=5.0)
        controller.start()
        controllers.append(controller)
        return handler, EmailChannel(host="127.0.0.1", port=controller.port, tls="none",
                                     sender=SENDER, timeout=5.0)

    yield start
    for controller in controllers:
        controller.stop()


def mails(outgoing: Callable[..., Outgoing], n: int) -> list[Outgoing]:
    return [outgoing(channel="email", recipient=f"bn{i}@benhnhan.test",
                     idempotency_key=f"msg-{i}") for i in range(n)]


def wait_for(check: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 5
    while not check() and time.monotonic() < deadline:
        time.sleep(0.01)


def test_one_connection_carries_every_mail_and_close_says_goodbye(server, outgoing):
    handler, channel = server()
    for mail in mails(outgoing, 5):
        channel.send(mail)
    assert list(handler.carried.values()) == [5]
    channel.close()
    wait_for(lambda: handler.quits == 1)
    assert handler.quits == 1
    channel.send(mails(outgoing, 6)[5])  # usable again after close: a new connection
    assert sorted(handler.carried.values()) == [1, 5]
    channel.close()


def test_a_dropped_idle_connection_is_replaced_and_nothing_goes_twice(server, outgoing):
    handler, channel = server(drop_after_each=True)
    for mail in mails(outgoing, 4):
        channel.send(mail)
        time.sleep(0.15)  # the server has hung up by the next send
    assert handler.keys == ["msg-0", "msg-1", "msg-2", "msg-3"]
    assert sorted(handler.carried.values()) == [1, 1, 1, 1]
    channel.close()


def test_a_per_connection_limit_means_a_new_connection_not_a_failure(server, outgoing):
    handler, channel = server(per_connection=2)
    for mail in mails(outgoing, 5):
        channel.send(mail)
    assert handler.keys == [f"msg-{i}" for i in range(5)]
    assert sorted(handler.carried.values()) == [1, 2, 2]
    channel.close()


def test_a_refused_recipient_leaves_the_connection_good_for_the_next(server, outgoing):
    handler, channel = server()
    handler.refuse.add("bn1@benhnhan.test")
    batch = mails(outgoing, 3)
    channel.send(batch[0])
    with pytest.raises(PermanentError) as caught:
        channel.send(batch[1])
    assert caught.value.code == "invalid_recipient"
    channel.send(batch[2])
    assert handler.keys == ["msg-0", "msg-2"] and list(handler.carried.values()) == [2]
    channel.close()


def test_a_server_gone_for_good_is_still_a_transient_error(server, outgoing):
    handler, channel = server()
    batch = mails(outgoing, 2)
    channel.send(batch[0])
    channel.port = 1  # nothing listens there: the kept connection is closed, no new one
    channel.close()
    with pytest.raises(TransientError) as caught:
        channel.send(batch[1])
    assert caught.value.code == "network"
    assert handler.keys == ["msg-0"]
