"""Zalo's ZNS send API and OA OAuth v4 token refresh, as their documentation describes
them: ``access_token`` header and JSON body for /message/template with ``error`` codes in
the answer; ``secret_key`` header and form body for /v4/oa/access_token, where each
refresh token works once and the answer carries a new pair."""

from __future__ import annotations

import itertools
import re

from .http_server import FakeProvider, Reply, Request

SEND_PATH = "/message/template"
TOKEN_PATH = "/v4/oa/access_token"
APP_ID = "4318000000000000001"
SECRET_KEY = "zalo-app-secret-key"
FIRST_ACCESS = "zalo-access-0"
FIRST_REFRESH = "zalo-refresh-0"
TEMPLATES = {"231677": {"patient_name", "date", "session", "queue_number", "code"}}
_PHONE = re.compile(r"^84\d{9,10}$")


def _zns(error: int, message: str) -> Reply:
    return Reply(200, {"error": error, "message": message})


class FakeZalo(FakeProvider):
    """``tracking_id`` is kept with each delivery for reconciliation, as ZNS documents it;
    ZNS does not refuse a repeated one: a repeated request is a second notification."""

    def __init__(self, *, without_zalo: tuple[str, ...] = ()):
        super().__init__()
        self.without_zalo = set(without_zalo)
        self.access_token = FIRST_ACCESS
        self.refresh_token = FIRST_REFRESH
        self.night = False
        self.refreshes = 0
        self.delivered: list[dict] = []
        self._ids = itertools.count(1)

    def expire_access_token(self) -> None:
        self.access_token = "expired-nobody-has-this"

    def handle(self, request: Request) -> Reply:
        if request.method == "POST" and request.path == SEND_PATH:
            return self._send(request)
        if request.method == "POST" and request.path == TOKEN_PATH:
            return self._refresh(request)
        return Reply(404, "Not Found")

    def _send(self, request: Request) -> Reply:
        if request.headers.get("access_token") != self.access_token:
            return _zns(-124, "Access token invalid")
        body = request.json()
        phone = str(body.get("phone", ""))
        template = TEMPLATES.get(str(body.get("template_id")))
        data = body.get("template_data")
        if not _PHONE.match(phone):
            return _zns(-108, "Phone number invalid")
        if template is None:
            return _zns(-109, "Template ID invalid")
        if not data:
            return _zns(-111, "Template data empty")
        if set(data) != template:
            return _zns(-112, "Template data invalid")
        if phone in self.without_zalo:
            return _zns(-118, "Zalo account not existed")
        if self.night:
            return _zns(-133, "Can not send ZNS in night time")
        self.delivered.append(body)
        return Reply(200, {"error": 0, "message": "Success", "data": {
            "msg_id": f"zns-{next(self._ids)}", "sent_time": "1741052400000",
            "quota": {"dailyQuota": "500", "remainingQuota": "499"}}})

    def _refresh(self, request: Request) -> Reply:
        form = request.form()
        if request.headers.get("secret_key") != SECRET_KEY or form.get("app_id") != APP_ID:
            return Reply(200, {"error": -14001, "error_name": "Invalid app",
                               "error_reason": "app_id or secret_key is invalid",
                               "error_description": "Invalid app"})
        if form.get("grant_type") != "refresh_token" or \
                form.get("refresh_token") != self.refresh_token:
            return Reply(200, {"error": -14014, "error_name": "Invalid refresh token",
                               "error_reason": "refresh_token is invalid or already used",
                               "error_description": "Invalid refresh token"})
        self.refreshes += 1
        self.access_token = f"zalo-access-{self.refreshes}"
        self.refresh_token = f"zalo-refresh-{self.refreshes}"
        return Reply(200, {"access_token": self.access_token,
                           "refresh_token": self.refresh_token, "expires_in": "90000"})
