"""Shared fixtures: local provider servers on 127.0.0.1, and a message to send."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import replace

import pytest
from channel_fakes.esms import FakeEsms
from channel_fakes.http_server import FakeProvider, FakeServer
from channel_fakes.smtp_server import SmtpServer
from channel_fakes.speedsms import FakeSpeedSms
from channel_fakes.texts import SMS_TEXT, VI_SUBJECT, VI_TEXT
from channel_fakes.twilio import FakeTwilio
from channel_fakes.zalo import FakeZalo

from recall_tui.channels.base import Outgoing


@pytest.fixture(autouse=True)
def _only_localhost(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy from the environment may take a request to 127.0.0.1 elsewhere."""
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture
def outgoing() -> Callable[..., Outgoing]:
    """A message as the outbox hands it over; keyword arguments change fields."""
    base = Outgoing(idempotency_key="msg-0042-remind-1", channel="sms",
                    recipient="+84912345678", language="vi", subject=VI_SUBJECT, text=VI_TEXT,
                    sms_text=SMS_TEXT, template_id="231677",
                    template_data={"patient_name": "Nguyễn Thị Ánh", "date": "04/03/2025",
                                   "session": "Sáng", "queue_number": "12", "code": "A7K2-9"})

    def make(**changes: object) -> Outgoing:
        return replace(base, **changes)

    return make


@pytest.fixture
def serve() -> Iterator[Callable[[FakeProvider], FakeServer]]:
    """Start a provider fake on its own HTTP server; every server stops after the test."""
    with ExitStack() as stack:
        def start(fake: FakeProvider) -> FakeServer:
            return stack.enter_context(FakeServer(fake))
        yield start


@pytest.fixture
def esms(serve: Callable[[FakeProvider], FakeServer]) -> Iterator[tuple[FakeEsms, str]]:
    fake = FakeEsms()
    yield fake, serve(fake).base_url


@pytest.fixture
def speedsms(serve: Callable[[FakeProvider], FakeServer]) -> Iterator[tuple[FakeSpeedSms, str]]:
    fake = FakeSpeedSms()
    yield fake, serve(fake).base_url


@pytest.fixture
def twilio(serve: Callable[[FakeProvider], FakeServer]) -> Iterator[tuple[FakeTwilio, str]]:
    fake = FakeTwilio()
    yield fake, serve(fake).base_url


@pytest.fixture
def zalo(serve: Callable[[FakeProvider], FakeServer]) -> Iterator[tuple[FakeZalo, str]]:
    fake = FakeZalo(without_zalo=("84987000111",))
    yield fake, serve(fake).base_url


@pytest.fixture
def smtp() -> Iterator[Callable[..., SmtpServer]]:
    """Start a local SMTP server: ``smtp(tls="none"|"starttls"|"ssl", login=(u, p))``."""
    with ExitStack() as stack:
        def start(**options: object) -> SmtpServer:
            return stack.enter_context(SmtpServer(**options))
        yield start


@pytest.fixture
def closed_port() -> int:
    """A local port with nothing listening on it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
