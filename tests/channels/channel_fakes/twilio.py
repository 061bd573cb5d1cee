"""Twilio's Messages resource (POST /2010-04-01/Accounts/{Sid}/Messages.json), as the API
reference describes it: Basic auth AccountSid:AuthToken, form fields To / From / Body,
HTTP 201 with the message resource, and error bodies with Twilio error codes."""

from __future__ import annotations

import re
import uuid

from .http_server import FakeProvider, Reply, Request

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "twilio-auth-token-cdef"
FROM_NUMBER = "+15005550006"
MESSAGING_SERVICE_SID = "MG" + "fedcba9876543210" * 2
# Twilio's documented magic 'To' numbers for test credentials, and the error each gives.
MAGIC_TO = {
    "+15005550001": (21211, "The 'To' number +15005550001 is not a valid phone number."),
    "+15005550002": (21612, "The 'To' phone number is not currently reachable."),
    "+15005550003": (21408, "Permission to send an SMS has not been enabled for the region."),
    "+15005550004": (21610, "Attempt to send to unsubscribed recipient"),
    "+15005550009": (21614, "'To' number is not a valid mobile number"),
}
_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<sid>[^/]+)/Messages\.json$")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def _error(status: int, code: int, message: str) -> Reply:
    return Reply(status, {"code": code, "message": message, "status": status,
                          "more_info": f"https://www.twilio.com/docs/errors/{code}"})


class FakeTwilio(FakeProvider):
    """Each accepted POST is a new message: the Messages resource takes no idempotency key,
    so a repeated request is a second SMS. ``answer_delay``: seconds between taking a
    message and answering."""

    def __init__(self, *, unsubscribed: tuple[str, ...] = (), answer_delay: float = 0.0):
        super().__init__()
        self.unsubscribed = set(unsubscribed)
        self.answer_delay = answer_delay
        self.accepted: list[dict[str, str]] = []

    def handle(self, request: Request) -> Reply:
        found = _PATH.match(request.path)
        if request.method != "POST" or not found:
            return _error(404, 20404, "The requested resource was not found")
        if request.basic_auth() != (ACCOUNT_SID, AUTH_TOKEN):
            return _error(401, 20003, "Authenticate")
        if found["sid"] != ACCOUNT_SID:
            return _error(404, 20404, "The requested resource was not found")
        if not request.headers.get("content-type", "").startswith(
                "application/x-www-form-urlencoded"):
            return _error(400, 21601, "Invalid request body")  # stand-in: form bodies only
        form = request.form()
        to, body = form.get("To", ""), form.get("Body", "")
        if not _E164.match(to):
            return _error(400, 21211, f"The 'To' number {to} is not a valid phone number.")
        if to in MAGIC_TO:
            return _error(400, *MAGIC_TO[to])
        if form.get("From") != FROM_NUMBER and \
                form.get("MessagingServiceSid") != MESSAGING_SERVICE_SID:
            return _error(400, 21606, f"The From phone number {form.get('From')} is not a "
                                      "valid, SMS-capable inbound phone number or short code "
                                      "for your account.")
        if not body:
            return _error(400, 21602, "Message body is required.")
        if len(body) > 1600:
            return _error(400, 21617, "The concatenated message body exceeds the 1600 "
                                      "character limit.")
        if to in self.unsubscribed:
            return _error(400, 21610, "Attempt to send to unsubscribed recipient")
        sid = "SM" + uuid.uuid4().hex
        self.accepted.append(form)
        return self.answer(Reply(201, {
            "sid": sid, "account_sid": ACCOUNT_SID, "to": to, "from": form.get("From"),
            "body": body, "status": "queued", "num_segments": "1", "direction": "outbound-api",
            "api_version": "2010-04-01", "error_code": None, "error_message": None,
            "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}.json",
        }, delay=self.answer_delay), len(self.accepted))


RATE_LIMITED = Reply(429, {"code": 20429, "message": "Too Many Requests", "status": 429,
                           "more_info": "https://www.twilio.com/docs/errors/20429"},
                     headers={"Retry-After": "3"})
