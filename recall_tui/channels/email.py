"""E-mail to any SMTP server, through yagmail.

yagmail opens the connection (TLS mode none / starttls / ssl) and logs in; the message is
built here with the standard library, because an invitation needs what yagmail's builder
cannot express: a ``text/calendar; method=REQUEST`` alternative next to the plain text
(how calendar clients recognise an invitation), plus the same .ics as an attachment.
yagmail's own send loop is not used either: it sleeps and retries on a dropped connection
and reports failure as ``False``, where the outbox needs an error it can classify.

SMTP replies: 4xx and connection failures are transient; a 5xx for the recipient is
permanent ("invalid_recipient"), for the message "rejected", for login / sender / TLS set-up
"config".
"""

from __future__ import annotations

import re
import smtplib
import ssl
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate

import yagmail
from yagmail.error import YagInvalidEmailAddress
from yagmail.validate import validate_email_with_regex

from .base import (
    CONFIG,
    INVALID_RECIPIENT,
    NETWORK,
    REJECTED,
    UNAVAILABLE,
    ChannelError,
    Outgoing,
    PermanentError,
    SendResult,
    TransientError,
)

TLS_MODES = ("none", "starttls", "ssl")
DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}
ICS_METHODS = ("REQUEST", "CANCEL", "PUBLISH")
_METHOD_LINE = re.compile(rb"^METHOD:(\w+)", re.MULTILINE)
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
# CRLF line ends, and every part 7-bit clean (quoted-printable / base64), so any server,
# with or without 8BITMIME, carries the Vietnamese text intact.
POLICY = SMTP.clone(cte_type="7bit")


class EmailChannel:
    name = "email"

    def __init__(self, *, host: str, sender: str, port: int | None = None,
                 tls: str = "starttls", user: str | None = None, password: str | None = None,
                 sender_name: str = "", reply_to: str | None = None, timeout: float = 30.0,
                 ca_file: str | None = None):
        if tls not in TLS_MODES:
            raise ValueError(f"unknown TLS mode {tls!r} (known: {', '.join(TLS_MODES)})")
        self.host = host
        self.port = port or DEFAULT_PORTS[tls]
        self.tls = tls
        self.user = user
        self._password = password
        self.sender = sender
        self.sender_name = sender_name
        self.reply_to = reply_to
        self.timeout = timeout
        self.ca_file = ca_file

    def __repr__(self) -> str:
        return f"EmailChannel(host={self.host!r}, port={self.port}, tls={self.tls!r})"

    def send(self, message: Outgoing) -> SendResult:
        recipient = message.recipient.strip()
        try:
            validate_email_with_regex(recipient)
        except YagInvalidEmailAddress:
            raise PermanentError(f"not an e-mail address: {recipient!r}",
                                 code=INVALID_RECIPIENT) from None
        mime = self.compose(message)
        try:
            client = self._client()
            try:
                _login(client)
                client.smtp.sendmail(self.sender, [recipient], mime.as_bytes())
            finally:
                client.close()
        except (smtplib.SMTPException, OSError) as exc:
            raise _classify(exc) from None
        return SendResult(provider_id=mime["Message-ID"])

    def compose(self, message: Outgoing) -> EmailMessage:
        """The MIME message: plain text, and the invitation when there is one."""
        mime = EmailMessage(policy=POLICY)
        mime["From"] = Address(display_name=self.sender_name, addr_spec=self.sender)
        mime["To"] = message.recipient.strip()
        if self.reply_to:
            mime["Reply-To"] = self.reply_to
        mime["Subject"] = message.subject
        mime["Date"] = formatdate(usegmt=True)
        mime["Message-ID"] = _message_id(message.idempotency_key, self.sender)
        mime["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies back
        mime.set_content(message.text, charset="utf-8")
        if message.ics:
            method = _ics_method(message)
            text = message.ics.decode("utf-8")
            mime.add_alternative(text, subtype="calendar", charset="utf-8",
                                 params={"method": method})
            mime.add_attachment(message.ics, maintype="application", subtype="ics",
                                filename="invite.ics")
        if message.language:
            mime["Content-Language"] = message.language  # after the parts: they move headers
        return mime

    def _client(self) -> yagmail.SMTP:
        options: dict[str, object] = {"timeout": self.timeout}
        starttls: bool | dict[str, object] = False
        if self.tls == "ssl":
            options["context"] = self._tls_context()
        elif self.tls == "starttls":
            starttls = {"context": self._tls_context()}
        client = yagmail.SMTP(
            user=self.user or self.sender, password=self._password, host=self.host,
            port=self.port, smtp_ssl=self.tls == "ssl", smtp_starttls=starttls,
            smtp_skip_login=not self._password, soft_email_validation=False, **options,
        )
        client.set_logging(None)  # yagmail logs to stderr by default; errors come back here
        return client

    def _tls_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_file)


def _login(client: yagmail.SMTP) -> None:
    """Connect, secure and log in (when there is a password), as yagmail does it."""
    try:
        client.login()
    except UnicodeEncodeError:  # smtplib sends AUTH in ASCII only
        raise PermanentError("SMTP: the login or password has non-ASCII characters, "
                             "which the SMTP client cannot send", code=CONFIG) from None


def _classify(exc: smtplib.SMTPException | OSError) -> ChannelError:
    """The outbox's reading of an SMTP or socket failure."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(exc.recipients.values()), (550, b""))
        return _by_reply(code, reply, permanent_kind=INVALID_RECIPIENT, what="recipient refused")
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return _by_reply(exc.smtp_code, exc.smtp_error, permanent_kind=CONFIG,
                         what="sender refused")
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return _by_reply(exc.smtp_code, exc.smtp_error, permanent_kind=CONFIG,
                         what="login refused")
    if isinstance(exc, smtplib.SMTPDataError):
        return _by_reply(exc.smtp_code, exc.smtp_error, permanent_kind=REJECTED,
                         what="message refused")
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return PermanentError(f"SMTP: not supported by the server ({exc})", code=CONFIG)
    if isinstance(exc, smtplib.SMTPResponseException):
        return _by_reply(exc.smtp_code, exc.smtp_error, permanent_kind=CONFIG,
                         what="command refused")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return PermanentError(f"SMTP: the server's certificate is not trusted "
                              f"({exc.verify_message})", code=CONFIG)
    return TransientError(f"SMTP: could not reach the server ({type(exc).__name__}: "
                          f"{str(exc)[:120]})", code=NETWORK)


def _by_reply(code: int, reply: bytes | str, *, permanent_kind: str, what: str) -> ChannelError:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    detail = f"SMTP {code}: {what} ({' '.join(text.split())[:160]})"
    if 400 <= code < 500:
        return TransientError(detail, code=UNAVAILABLE)
    return PermanentError(detail, code=permanent_kind)


def _ics_method(message: Outgoing) -> str:
    method = message.ics_method
    if not method and message.ics:
        found = _METHOD_LINE.search(message.ics)
        method = found.group(1).decode() if found else None
    method = (method or "REQUEST").upper()
    if method not in ICS_METHODS:
        raise ValueError(f"unknown calendar method {method!r}")
    return method


def _message_id(key: str, sender: str) -> str:
    """The same Message-ID for every attempt at one message, so repeats can be recognised."""
    domain = sender.rpartition("@")[2] or "recall.invalid"
    return f"<{_ID_UNSAFE.sub('-', key)}@{domain}>"
