"""eSMS.vn's SendMultipleMessage_V4_post_json, as their developer documentation describes
it: the JSON fields it reads and the CodeResult answers of its table of error codes."""

from __future__ import annotations

import re
import uuid

from .http_server import FakeProvider, Reply, Request

PATH = "/MainService.svc/json/SendMultipleMessage_V4_post_json/"
API_KEY = "esms-api-key-0123"
SECRET_KEY = "esms-secret-key-4567"
_PHONE = re.compile(r"^0[35789]\d{8}$")


def _code(code: str, message: str, **extra: object) -> Reply:
    return Reply(200, {"CodeResult": code, "CountRegenerate": 0, "ErrorMessage": message,
                       **extra})


class FakeEsms(FakeProvider):
    def __init__(self, *, brandnames: tuple[str, ...] = ("PK_ANBINH",), balance: int = 100,
                 blocked: tuple[str, ...] = (), networks_without_brandname: tuple[str, ...] = (),
                 templates: tuple[str, ...] = ()):
        super().__init__()
        self.brandnames = brandnames
        self.balance = balance
        self.blocked = set(blocked)
        self.networks_without_brandname = networks_without_brandname  # e.g. ("092", "056")
        self.templates = [re.compile(t, re.DOTALL) for t in templates]
        self.accepted: list[dict] = []
        self._request_ids: set[str] = set()

    def handle(self, request: Request) -> Reply:
        if request.method != "POST" or request.path != PATH:
            return Reply(404, "Endpoint not found.")
        try:
            body = request.json()
        except ValueError:
            return Reply(200, {"error": "Invalid request"})
        if (body.get("ApiKey"), body.get("SecretKey")) != (API_KEY, SECRET_KEY):
            return _code("101", "Authorize Failed")
        if str(body.get("SmsType")) != "2":
            return _code("118", "Loai tin nhan khong hop le")
        if body.get("Brandname") not in self.brandnames:
            return _code("104", "Brand name code is not exist")
        request_id = body.get("RequestId")
        if request_id and request_id in self._request_ids:
            return _code("124", "Request exist 1", SendStatus="5")
        phone = str(body.get("Phone", ""))
        if not _PHONE.match(phone):
            return _code("108", "Phone number is not in correct format")
        if phone in self.blocked:
            return _code("99", "The phone number is blocked in the system")
        if phone[:3] in self.networks_without_brandname:
            return _code("177", "The network is not registered")
        sms_id = uuid.uuid4().hex
        content = str(body.get("Content", ""))
        if self.templates and not any(t.fullmatch(content) for t in self.templates):
            return _code("146", "Sai template Brandname CSKH", SMSID=sms_id)
        if self.balance <= 0:
            return _code("103", "Not enough balance to send message")
        self.balance -= 1
        if request_id:
            self._request_ids.add(request_id)
        self.accepted.append(body)
        return Reply(200, {"CodeResult": "100", "CountRegenerate": 0, "SMSID": sms_id})
