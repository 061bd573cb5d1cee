"""Two gateways of the kinds Vietnamese SMS resellers offer, for the configurable channel:
a JSON API with a bearer key, and an old-style GET URL answering plain text."""

from __future__ import annotations

import re
import uuid

from .http_server import FakeProvider, Reply, Request

GATEWAY_KEY = "gw-key-5f4e3d2c"
_PHONE_84 = re.compile(r"^84[35789]\d{8}$")
_PHONE_0 = re.compile(r"^0[35789]\d{8}$")


class JsonGateway(FakeProvider):
    """POST /api/v2/sms, header ``Authorization: Bearer <key>``, JSON
    ``{"destination", "message", "reference"}``; answers
    ``{"result": {"status": "accepted", "id": ...}}`` or ``{"result": {"status":
    "failed", "reason": ...}}``."""

    def __init__(self) -> None:
        super().__init__()
        self.accepted: list[dict] = []

    def handle(self, request: Request) -> Reply:
        if (request.method, request.path) != ("POST", "/api/v2/sms"):
            return Reply(404, {"error": "not found"})
        if request.headers.get("authorization") != f"Bearer {GATEWAY_KEY}":
            return Reply(401, {"error": "unauthorized"})
        body = request.json()
        if not _PHONE_84.match(str(body.get("destination", ""))):
            return Reply(200, {"result": {"status": "failed", "reason": "bad destination",
                                          "echo_key": GATEWAY_KEY}})
        self.accepted.append(body)
        return Reply(200, {"result": {"status": "accepted", "id": uuid.uuid4().hex[:12]}})


class TextGateway(FakeProvider):
    """GET /send.php?user=&pass=&to=0...&msg=; answers ``OK <id>`` or ``ERR <code>``."""

    def __init__(self) -> None:
        super().__init__()
        self.accepted: list[dict[str, str]] = []

    def handle(self, request: Request) -> Reply:
        if (request.method, request.path) != ("GET", "/send.php"):
            return Reply(404, "ERR 404")
        query = {k: v[-1] for k, v in request.query.items()}
        if query.get("pass") != GATEWAY_KEY:
            return Reply(200, "ERR 2 wrong password")
        if not _PHONE_0.match(query.get("to", "")):
            return Reply(200, "ERR 5 invalid number")
        self.accepted.append(query)
        return Reply(200, f"OK {700000 + len(self.accepted)}")
