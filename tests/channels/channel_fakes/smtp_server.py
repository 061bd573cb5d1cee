"""A local SMTP server (aiosmtpd) in plain, STARTTLS or implicit-TLS mode, with optional
login, that keeps what it receives and can refuse recipients or messages."""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

CERT = Path(__file__).with_name("localhost-test-only.pem")


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    login: str | None
    tls: bool


@dataclass
class Mailbox:
    """The aiosmtpd handler: replies it is told to give, and the messages it took."""

    messages: list[Received] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)  # address -> SMTP reply
    data_reply: str | None = None  # answer DATA with this instead of accepting

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.data_reply:
            return self.data_reply
        login = session.auth_data if session.authenticated else None
        tls = session.ssl is not None or \
            server.transport.get_extra_info("ssl_object") is not None
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                      envelope.original_content or envelope.content,
                                      login, tls))
        return "250 2.0.0 Message accepted for delivery"


class _Controller(Controller):
    """aiosmtpd's Controller, on a free port chosen by the system (port 0)."""

    def _trigger_server(self) -> None:
        if self.port == 0:
            self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


def server_tls_context() -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(CERT)
    return context


class SmtpServer:
    def __init__(self, *, tls: str = "none", login: tuple[str, str] | None = None):
        self.mailbox = Mailbox()
        self._login = login
        # aiosmtpd sees only STARTTLS as TLS; over implicit TLS the login is encrypted too.
        options: dict[str, Any] = {"auth_require_tls": tls == "starttls",
                                   "authenticator": self._authenticate}
        if tls == "starttls":
            options.update(tls_context=server_tls_context(), require_starttls=True)
        elif tls == "ssl":
            options.update(ssl_context=server_tls_context())
        self._controller = _Controller(self.mailbox, hostname="127.0.0.1", port=0,
                                       ready_timeout=5.0, **options)

    @property
    def port(self) -> int:
        return self._controller.port

    @property
    def messages(self) -> list[Received]:
        return self.mailbox.messages

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                      auth_data: Any) -> AuthResult:
        if not isinstance(auth_data, LoginPassword) or self._login is None:
            return AuthResult(success=False, handled=False)
        user = auth_data.login.decode()
        ok = (user, auth_data.password.decode()) == self._login
        return AuthResult(success=ok, handled=False, auth_data=user if ok else None)

    def __enter__(self) -> SmtpServer:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()
