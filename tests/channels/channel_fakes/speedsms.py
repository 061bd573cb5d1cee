"""SpeedSMS.vn's POST /index.php/sms/send, as their API page describes it: the access token
as the Basic-auth user, the JSON body, the success / error answers and error codes, and
the rate limit's HTTP 429 answer."""

from __future__ import annotations

import re

from .http_server import FakeProvider, Reply, Request

PATH = "/index.php/sms/send"
TOKEN = "speedsms-access-token-89ab"
_PHONE = re.compile(r"^84[35789]\d{8}$")
PRICE = 250


def _error(code: str, message: str, **extra: object) -> Reply:
    return Reply(200, {"status": "error", "code": code, "message": message, **extra})


class FakeSpeedSms(FakeProvider):
    def __init__(self, *, balance: int = 10_000, max_length: int = 612):
        super().__init__()
        self.balance = balance
        self.max_length = max_length
        self.accepted: list[dict] = []
        self.internal_error = False

    def handle(self, request: Request) -> Reply:
        if request.method != "POST" or request.path != PATH:
            return Reply(404, {"name": "Not Found", "message": "Page not found.", "code": 0,
                               "status": 404})
        auth = request.basic_auth()
        if auth is None or auth[0] != TOKEN:
            return Reply(401, {"name": "Unauthorized", "code": 0, "status": 401,
                               "message": "Your request was made with invalid credentials."})
        try:
            body = request.json()
        except ValueError:
            return _error("101", "Invalid or missing parameters")
        to, content = body.get("to"), body.get("content")
        if not isinstance(to, list) or not to or not isinstance(content, str) or not content \
                or body.get("sms_type") not in (2, 3, 4, 5) or "sender" not in body:
            return _error("101", "Invalid or missing parameters")
        if self.internal_error:
            return _error("500", "Internal error, please try again")
        invalid = [p for p in to if not _PHONE.match(str(p))]
        if len(invalid) == len(to):
            return _error("105", "Phone number invalid", invalidPhone=invalid)
        if len(content) > self.max_length:
            return _error("113", "Sms content too long")
        price = PRICE * (len(to) - len(invalid))
        if self.balance < price:
            return _error("300", "Your account balance not enough to send sms")
        self.balance -= price
        self.accepted.append(body)
        return Reply(200, {"status": "success", "code": "00",
                           "data": {"tranId": 1000 + len(self.accepted),
                                    "totalSMS": len(to) - len(invalid),
                                    "totalPrice": price, "invalidPhone": invalid}})


RATE_LIMITED = Reply(429, {"name": "Too Many Requests", "message": "Rate limit exceeded.",
                           "code": 0, "status": 429},
                     headers={"X-Rate-Limit-Limit": "60", "X-Rate-Limit-Remaining": "0",
                              "X-Rate-Limit-Reset": "42"})
