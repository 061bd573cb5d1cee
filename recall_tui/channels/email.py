"""E-mail to any SMTP server, through yagmail.

yagmail opens the connection (TLS mode none / starttls / ssl) and logs in; the message is
built here with the standard library, because an invitation needs what yagmail's builder
cannot express: a ``text/calendar; method=REQUEST`` alternative next to the plain text
(how calendar clients recognise an invitation), plus the same .ics as an attachment.
yagmail's own send loop is not used either: it sleeps and retries on a dropped connection
and reports failure as ``False``, where the outbox needs an error it can classify.

One connection carries the sends of a run (``close()`` ends it; the next send connects
again). A kept connection the server has dropped meanwhile is replaced once, and only when
it failed before the message text went out, so a mail is never sent twice that way.

``send_mail`` sends a mail to staff (a report with files attached), built by yagmail's own
message builder, on the same connection.

SMTP replies: 4xx and connection failures are transient; a 5xx for the recipient is
permanent ("invalid_recipient"), for the message "rejected", for login / sender / TLS set-up
"config".
"""

from __future__ import annotations

import contextlib
import io
import re
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from email.header import Header
from email.message import Message
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import formataddr, formatdate

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
# CRLF line ends; every part is 7-bit clean (RFC 2047 headers, base64 bodies), so any
# server, with or without 8BITMIME, carries the Vietnamese text intact.
POLICY = compat32.clone(linesep="\r\n")


class EmailChannel:
    name = "email"
    reconnects = True  # close() only ends the kept connection: the next send opens one
    # Every attempt at one outbox message carries the same Message-ID (``_message_id``):
    # a repeat after a lost run is recognised (and collapsed) by the receiving side.
    dedupes = True

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
        self._open: yagmail.SMTP | None = None  # kept across sends until close()

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
        data = mime.as_bytes(policy=POLICY)
        try:
            reused = self._open is not None
            try:
                self._transaction(self._connection(), recipient, data)
            except _Stale as stale:
                self.close()
                if not reused:
                    raise stale.cause from None
                # The kept connection had gone (idle timeout, per-connection limit) before
                # the message text was sent: nothing was delivered; once more on a new one.
                try:
                    self._transaction(self._connection(), recipient, data)
                except _Stale as again:
                    self.close()
                    raise again.cause from None
        except (smtplib.SMTPException, OSError) as exc:
            if not isinstance(exc, _KEEPS_CONNECTION) or getattr(exc, "smtp_code", 0) == 421:
                self.close()
            raise _classify(exc) from None
        except BaseException:  # in an unknown state: the next send starts afresh
            self.close()
            raise
        return SendResult(provider_id=mime["Message-ID"])

    def send_mail(self, *, to: Sequence[str], subject: str, text: str,
                  attachments: Mapping[str, bytes] | None = None,
                  message_id: str | None = None) -> list[str]:
        """A mail to staff: ``text``, with ``attachments`` (file name -> content) attached,
        built by yagmail and sent on this channel's connection. ``message_id`` (the same for
        a repeat) lets the receiving side recognise it. Returns the recipients the server
        refused (all refused, or a failure to send, raise like ``send``)."""
        for address in to:
            try:
                validate_email_with_regex(address)
            except YagInvalidEmailAddress:
                raise PermanentError(f"not an e-mail address: {address!r}",
                                     code=INVALID_RECIPIENT) from None
        builder = yagmail.SMTP(user={self.sender: self.sender_name} if self.sender_name
                               else self.sender, smtp_skip_login=True,
                               soft_email_validation=False)
        builder.set_logging(None)
        files = []
        for name, content in (attachments or {}).items():
            handle = io.BytesIO(content)
            handle.name = name  # yagmail names the part (and guesses its type) from it
            files.append(handle)
        headers = {"Auto-Submitted": "auto-generated"}
        if self.reply_to:
            headers["Reply-To"] = self.reply_to
        recipients, data = builder.prepare_send(
            to=list(to), subject=_header(subject), contents=text, attachments=files or None,
            headers=headers, prettify_html=False, message_id=message_id)
        try:
            refused = self._connection().sendmail(self.sender, recipients, data)
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise _classify(exc) from None
        except BaseException:
            self.close()
            raise
        return sorted(refused)

    def close(self) -> None:
        """Say goodbye to the server (the end of a run). The channel stays usable: the next
        send connects again."""
        client, self._open = self._open, None
        if client is not None:
            try:
                client.close()  # QUIT
            except (smtplib.SMTPException, OSError):
                pass
            with contextlib.suppress(OSError, AttributeError):
                client.smtp.close()

    def __enter__(self) -> EmailChannel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _connection(self) -> smtplib.SMTP:
        """The open connection, or a new one (connected, secured and logged in)."""
        if self._open is None:
            client = self._client()
            try:
                _login(client)
            except BaseException:
                with contextlib.suppress(OSError, AttributeError):
                    if client.smtp is not None:
                        client.smtp.close()
                raise
            self._open = client
        return self._open.smtp

    def _transaction(self, smtp: smtplib.SMTP, recipient: str, data: bytes) -> None:
        """MAIL, RCPT, DATA on ``smtp`` (what ``smtplib.SMTP.sendmail`` does, for one
        recipient), telling apart a connection that failed before the text was sent
        (``_Stale``: safe to try again) from one that failed after (maybe delivered)."""
        try:
            smtp.ehlo_or_helo_if_needed()
            options = [f"size={len(data)}"] if smtp.does_esmtp and smtp.has_extn("size") \
                else []
            code, reply = smtp.mail(self.sender, options)
            if code == 250:
                code, reply = smtp.rcpt(recipient)
                refused: smtplib.SMTPException = smtplib.SMTPRecipientsRefused(
                    {recipient: (code, reply)})
                accepted = code in (250, 251)
            else:
                refused = smtplib.SMTPSenderRefused(code, reply, self.sender)
                accepted = False
        except smtplib.SMTPServerDisconnected as exc:
            raise _Stale(exc) from None
        except (smtplib.SMTPException, TimeoutError):  # a reply (SMTPException is an
            raise  # OSError), or a server that hangs: not a connection that had gone
        except OSError as exc:
            raise _Stale(exc) from None
        if code == 421:  # the server is closing this connection: nothing was sent
            raise _Stale(refused)
        if not accepted:
            _reset(smtp)
            raise refused
        code, reply = smtp.data(data)
        if code != 250:
            if code != 421:
                _reset(smtp)
            raise smtplib.SMTPDataError(code, reply)

    def compose(self, message: Outgoing) -> Message:
        """The MIME message: plain text, and the invitation when there is one.

        Built with the standard library's ``email.mime`` classes (the compat32 policy):
        the same message as ``EmailMessage`` would make, in a quarter of the time; every
        header and part is 7-bit (RFC 2047 words, base64)."""
        body: Message = MIMEText(message.text, "plain", "utf-8")
        if message.ics:
            method = _ics_method(message)
            calendar = MIMEText(message.ics.decode("utf-8"), "calendar", "utf-8")
            calendar.set_param("method", method)
            alternative = MIMEMultipart("alternative", _subparts=[body, calendar])
            attachment = MIMEApplication(message.ics, "ics")
            attachment.add_header("Content-Disposition", "attachment", filename="invite.ics")
            for part in (body, calendar, alternative, attachment):
                del part["MIME-Version"]  # the message's own header says it once
            body = MIMEMultipart("mixed", _subparts=[alternative, attachment])
        body["From"] = formataddr((self.sender_name, self.sender), charset="utf-8") \
            if self.sender_name else self.sender
        body["To"] = message.recipient.strip()
        if self.reply_to:
            body["Reply-To"] = self.reply_to
        body["Subject"] = _header(message.subject)
        body["Date"] = formatdate(usegmt=True)
        body["Message-ID"] = _message_id(message.idempotency_key, self.sender)
        body["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies back
        if message.language:
            body["Content-Language"] = message.language
        return body

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


class _Stale(Exception):
    """The connection failed before the message text went out: nothing was delivered."""

    def __init__(self, cause: smtplib.SMTPException | OSError):
        super().__init__(str(cause))
        self.cause = cause


# Refusals after which the connection is still good for the next message.
_KEEPS_CONNECTION = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused,
                     smtplib.SMTPDataError)


def _reset(smtp: smtplib.SMTP) -> None:
    """RSET after a refusal, so the connection can carry the next message."""
    try:
        smtp.rset()
    except smtplib.SMTPServerDisconnected:
        pass


def _header(value: str) -> str | Header:
    """ASCII as it is; anything else as RFC 2047 UTF-8 words."""
    return value if value.isascii() else Header(value, "utf-8")


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
