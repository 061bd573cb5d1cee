"""SpeedSMS.vn SMS.

Their API: ``POST /index.php/sms/send`` with the access token as the HTTP Basic user name
(password ``x``) and JSON ``{"to": ["84..."], "content", "sms_type", "sender"}``. sms_type:
2 a random number, 3 your brandname (``sender``), 4 their default brandname (Notify /
Verify), 5 your own Android phone (``sender`` = device id). The answer is
``{"status": "success", "code": "00", "data": {"tranId": ...}}`` or
``{"status": "error", "code": "105", "message": ...}``; too many calls answer HTTP 429.
Codes from SpeedSMS's API page ("Error codes").
"""

from __future__ import annotations

import httpx

from .base import (
    BALANCE,
    CONFIG,
    INVALID_RECIPIENT,
    REJECTED,
    UNAVAILABLE,
    Outgoing,
    PermanentError,
    SendResult,
    TransientError,
)
from .http_common import DEFAULT_TIMEOUT, call, clip, json_object, make_client, raise_if_busy
from .phones import international_digits

SPEEDSMS_BASE_URL = "https://api.speedsms.vn"
SEND_PATH = "/index.php/sms/send"

PERMANENT: dict[str, tuple[str, str]] = {
    "007": (CONFIG, "this server's IP address is locked"),
    "008": (CONFIG, "account blocked"),
    "009": (CONFIG, "account not allowed to call the API"),
    "101": (REJECTED, "invalid or missing parameters"),
    "105": (INVALID_RECIPIENT, "phone number invalid"),
    "110": (REJECTED, "content encoding not supported"),
    "113": (REJECTED, "content too long"),
    "300": (BALANCE, "balance too low"),
}
TRANSIENT = {"500": "internal error, try again"}


class SpeedSmsChannel:
    name = "sms"
    provider = "speedsms"
    dedupes = False  # /sms/send takes no request key: a repeat is a second SMS

    def __init__(self, *, access_token: str, sender: str = "", sms_type: int = 2,
                 base_url: str = SPEEDSMS_BASE_URL, timeout: float = DEFAULT_TIMEOUT):
        self.sender = sender
        self.sms_type = sms_type
        self._client = make_client(base_url=base_url, timeout=timeout,
                                   auth=httpx.BasicAuth(access_token, "x"))

    def __repr__(self) -> str:
        return f"SpeedSmsChannel(sender={self.sender!r}, sms_type={self.sms_type})"

    def close(self) -> None:
        self._client.close()

    def send(self, message: Outgoing) -> SendResult:
        phone = international_digits(message.recipient)
        payload = {"to": [phone], "content": message.sms_text, "sms_type": self.sms_type,
                   "sender": self.sender}
        response = call(self._client, "POST", SEND_PATH, provider="SpeedSMS", json=payload)
        return _result(response, phone)


def _result(response: httpx.Response, phone: str) -> SendResult:
    raise_if_busy(response, provider="SpeedSMS")
    if response.status_code in (401, 403):
        raise PermanentError(f"SpeedSMS: access token refused (HTTP {response.status_code})",
                             code=CONFIG)
    if response.status_code >= 400:
        raise PermanentError(f"SpeedSMS: HTTP {response.status_code} (check base_url)",
                             code=CONFIG)
    body = json_object(response, provider="SpeedSMS")
    status = str(body.get("status", "")).lower()
    code = str(body.get("code", "")).strip()
    if status == "success":
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        if phone in (data.get("invalidPhone") or []):
            raise PermanentError("SpeedSMS: phone number invalid", code=INVALID_RECIPIENT)
        tran_id = data.get("tranId")
        return SendResult(provider_id=str(tran_id) if tran_id is not None else None)
    detail = clip(body.get("message") or "")
    if status != "error":
        raise TransientError(f"SpeedSMS: unexpected answer ({detail})", code=UNAVAILABLE)
    if code in TRANSIENT:
        raise TransientError(f"SpeedSMS {code}: {TRANSIENT[code]} ({detail})", code=UNAVAILABLE)
    if code in PERMANENT:
        kind, meaning = PERMANENT[code]
        raise PermanentError(f"SpeedSMS {code}: {meaning} ({detail})", code=kind)
    raise PermanentError(f"SpeedSMS {code}: {detail or 'undocumented code'}", code=REJECTED)
