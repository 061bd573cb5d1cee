"""Twilio Programmable Messaging (SMS).

Their API: ``POST /2010-04-01/Accounts/{AccountSid}/Messages.json``, HTTP Basic
``AccountSid:AuthToken``, form fields To (E.164), Body, and From or MessagingServiceSid.
HTTP 201 answers the message resource (``sid`` "SM..."); an error answers
``{"code": 21211, "message": ..., "more_info": ..., "status": 400}``. HTTP 429 and 5xx
are worth a retry; error codes from Twilio's error dictionary.
"""

from __future__ import annotations

import httpx

from .base import (
    CONFIG,
    INVALID_RECIPIENT,
    OPTED_OUT,
    RATE_LIMITED,
    REJECTED,
    Outgoing,
    PermanentError,
    SendResult,
    TransientError,
)
from .http_common import DEFAULT_TIMEOUT, call, clip, json_object, make_client, raise_if_busy
from .phones import check_e164

TWILIO_BASE_URL = "https://api.twilio.com"

ERRORS: dict[int, tuple[str, str]] = {
    20003: (CONFIG, "authentication failed"),
    20404: (CONFIG, "account not found"),
    21211: (INVALID_RECIPIENT, "invalid 'To' phone number"),
    21212: (CONFIG, "invalid 'From' phone number"),
    21214: (INVALID_RECIPIENT, "'To' phone number cannot be reached"),
    21217: (INVALID_RECIPIENT, "phone number does not appear to be valid"),
    21408: (CONFIG, "permission to send to this region is not enabled"),
    21602: (REJECTED, "message body is required"),
    21606: (CONFIG, "'From' is not a valid message-capable number for this destination"),
    21610: (OPTED_OUT, "the recipient unsubscribed (replied STOP)"),
    21612: (INVALID_RECIPIENT, "'To' cannot be reached from this 'From'"),
    21614: (INVALID_RECIPIENT, "'To' is not a mobile number"),
    21617: (REJECTED, "message body exceeds 1600 characters"),
    21659: (CONFIG, "'From' is not a Twilio phone number or alphanumeric sender"),
}
TOO_MANY_REQUESTS = 20429


class TwilioChannel:
    name = "sms"
    provider = "twilio"
    # The Messages resource has no idempotency key (each POST creates a message): a repeat
    # is a second SMS.
    dedupes = False

    def __init__(self, *, account_sid: str, auth_token: str, from_number: str | None = None,
                 messaging_service_sid: str | None = None, base_url: str = TWILIO_BASE_URL,
                 timeout: float = DEFAULT_TIMEOUT):
        if not (from_number or messaging_service_sid):
            raise ValueError("Twilio needs a 'from' number or a messaging_service_sid")
        self.account_sid = account_sid
        self.from_number = from_number
        self.messaging_service_sid = messaging_service_sid
        self._client = make_client(base_url=base_url, timeout=timeout,
                                   auth=httpx.BasicAuth(account_sid, auth_token))

    def __repr__(self) -> str:
        return f"TwilioChannel(account_sid={self.account_sid!r})"

    def close(self) -> None:
        self._client.close()

    def send(self, message: Outgoing) -> SendResult:
        form = {"To": check_e164(message.recipient), "Body": message.sms_text}
        if self.messaging_service_sid:
            form["MessagingServiceSid"] = self.messaging_service_sid
        else:
            form["From"] = self.from_number or ""
        path = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        response = call(self._client, "POST", path, provider="Twilio", data=form)
        return _result(response)


def _result(response: httpx.Response) -> SendResult:
    raise_if_busy(response, provider="Twilio")
    status = response.status_code
    if status < 300:
        body = json_object(response, provider="Twilio")
        return SendResult(provider_id=body.get("sid"))
    try:
        body = response.json()
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    code = body.get("code")
    detail = clip(body.get("message") or "")
    if code == TOO_MANY_REQUESTS:
        raise TransientError(f"Twilio {code}: too many requests", code=RATE_LIMITED)
    if code in ERRORS:
        kind, meaning = ERRORS[code]
        raise PermanentError(f"Twilio {code}: {meaning} ({detail})", code=kind)
    if status in (401, 403, 404):
        raise PermanentError(f"Twilio {code or status}: {detail or 'credentials or account'}",
                             code=CONFIG)
    raise PermanentError(f"Twilio {code or status}: {detail or 'request refused'}",
                         code=REJECTED)
