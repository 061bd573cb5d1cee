"""Two gateways of the kinds Vietnamese SMS resellers offer, for the configurable channel:
a JSON API with a bearer key, and an old-style GET URL answering plain text."""

from __future__ import annotations

import re
import threading
import uuid

from .http_server import FakeProvider, Reply, Request

GATEWAY_KEY = "gw-key-5f4e3d2c"
_PHONE_84 = re.compile(r"^84[35789]\d{8}$")
_PHONE_0 = re.compile(r"^0[35789]\d{8}$")


class JsonGateway(FakeProvider):
    """POST /api/v2/sms, header ``Authorization: Bearer <key>``, JSON
    ``{"destination", "message", "reference"}``; answers
    ``{"result": {"status": "accepted", "id": ...}}`` or ``{"result": {"status":
    "failed", "reason": ...}}``. A request with a ``reference`` the gateway has accepted
    before sends nothing and answers that first acceptance again (an idempotent replay).
    ``answer_delay`` seconds pass between taking a message and answering (a slow gateway:
    a sender can be caught with the message accepted and its answer not yet read)."""

    def __init__(self, answer_delay: float = 0.0) -> None:
        super().__init__()
        self.answer_delay = answer_delay
        self.accepted: list[dict] = []
        self.replayed: list[str] = []  # references answered again, not sent again
        self._by_reference: dict[str, str] = {}
        self._lock = threading.Lock()

    def handle(self, request: Request) -> Reply:
        if (request.method, request.path) != ("POST", "/api/v2/sms"):
            return Reply(404, {"error": "not found"})
        if request.headers.get("authorization") != f"Bearer {GATEWAY_KEY}":
            return Reply(401, {"error": "unauthorized"})
        body = request.json()
        if not _PHONE_84.match(str(body.get("destination", ""))):
            return Reply(200, {"result": {"status": "failed", "reason": "bad destination",
                                          "echo_key": GATEWAY_KEY}})
        reference = str(body.get("reference") or "")
        with self._lock:
            if reference and reference in self._by_reference:
                self.replayed.append(reference)
                sms_id = self._by_reference[reference]
            else:
                sms_id = uuid.uuid4().hex[:12]
                if reference:
                    self._by_reference[reference] = sms_id
                self.accepted.append(body)
        return self.answer(Reply(200, {"result": {"status": "accepted", "id": sms_id}},
                                 delay=self.answer_delay), len(self.accepted))


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
