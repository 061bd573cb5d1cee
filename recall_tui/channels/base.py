"""The one small interface every channel implements.

A channel takes an ``Outgoing`` message and either returns a ``SendResult`` (the provider's
id for the message) or raises:
- ``TransientError``: worth retrying later on the same channel (timeouts, 5xx, rate limits);
- ``PermanentError``: this channel will never deliver this message (bad number, no Zalo
  account, template rejected); the sender falls over to the patient's next channel.
Secrets (passwords, API keys, tokens) come from the environment (or keyring), never from
recall.toml.

A repeat: a run can die (or lose the answer) after the provider took a message and before
the outbox recorded it. A channel whose provider recognises a repeat of the same message
sets ``dedupes = True``: the outbox sends it again with the same ``idempotency_key`` (an
e-mail's Message-ID, eSMS's RequestId, a gateway's reference) and the patient gets it
once. Any other channel (``dedupes`` False or absent) gets each message in flight marked
first; one whose fate is unknown becomes ``maybe_sent`` for staff to check, never a second
send. A ``TransientError`` with ``maybe_delivered`` says the request went out and its answer
was lost (a read timeout): retried only where the channel dedupes.

Where the line falls: an error that clears by itself (network, 5xx, rate limit, a provider's
"try later") is transient; one that needs a person (a bad number, no account, a rejected
template, wrong credentials, no credit) is permanent, so the patient is still reached by
the next channel and the operator sees ``code`` ("config", "balance") on the message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Outgoing:
    idempotency_key: str  # unique per message; providers that accept one get it
    channel: str  # "email" | "sms" | "zalo"
    recipient: str  # E.164 phone number or e-mail address
    language: str  # "vi" | "en"
    subject: str  # e-mail subject
    text: str  # the full text (e-mail body, Zalo fallback)
    sms_text: str  # the short, unaccented SMS variant
    template_id: str | None = None  # Zalo ZNS template
    template_data: dict[str, str] = field(default_factory=dict)
    ics: bytes | None = None  # calendar invitation for e-mail
    ics_method: str | None = None  # "REQUEST" | "CANCEL"


@dataclass(frozen=True)
class SendResult:
    provider_id: str | None = None


class ChannelError(Exception):
    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.code = code


class TransientError(ChannelError):
    """Try again later on this channel (after ``retry_after`` seconds, when known)."""

    def __init__(self, message: str, *, code: str | None = None,
                 retry_after: float | None = None, maybe_delivered: bool = False):
        super().__init__(message, code=code)
        self.retry_after = retry_after
        self.maybe_delivered = maybe_delivered  # sent, but the answer was lost


class PermanentError(ChannelError):
    """Never on this channel: fall over to the next one."""


class Channel(Protocol):
    name: str
    dedupes: bool  # the provider (or receiver) recognises a repeat of one message

    def send(self, message: Outgoing) -> SendResult: ...


# The ``code`` of a ChannelError, shared by every channel so the sender can act on it.
NO_ACCOUNT = "no_account"  # permanent: the recipient has no account here (not on Zalo)
INVALID_RECIPIENT = "invalid_recipient"  # permanent: bad or unreachable number / address
OPTED_OUT = "opted_out"  # permanent: the recipient refused or blocked these messages
REJECTED = "rejected"  # permanent: the provider refused this message (content, template)
CONFIG = "config"  # permanent: credentials, sender, brandname or permissions are wrong
BALANCE = "balance"  # permanent: out of credit or quota until someone tops it up
NETWORK = "network"  # transient: could not reach the provider, or no answer in time
UNAVAILABLE = "unavailable"  # transient: the provider failed (5xx) or said "try later"
RATE_LIMITED = "rate_limited"  # transient: too many requests; see retry_after
