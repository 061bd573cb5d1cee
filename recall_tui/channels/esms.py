"""eSMS.vn brandname SMS (customer-care messages, SmsType 2).

Their JSON API: ``POST /MainService.svc/json/SendMultipleMessage_V4_post_json/`` with
ApiKey, SecretKey, Brandname, SmsType, Content, Phone, IsUnicode and RequestId, which eSMS
uses to refuse a repeated request (CodeResult 124). The answer's CodeResult "100" means
eSMS accepted the message (not yet that the handset got it). Codes from eSMS's table of
error codes (developers.esms.vn, "Table of error codes").
"""

from __future__ import annotations

import httpx

from .base import (
    BALANCE,
    CONFIG,
    INVALID_RECIPIENT,
    OPTED_OUT,
    REJECTED,
    UNAVAILABLE,
    Outgoing,
    PermanentError,
    SendResult,
    TransientError,
)
from .http_common import DEFAULT_TIMEOUT, call, clip, json_object, make_client, raise_if_busy
from .phones import vietnamese_national

ESMS_BASE_URL = "https://rest.esms.vn"
SEND_PATH = "/MainService.svc/json/SendMultipleMessage_V4_post_json/"
ACCEPTED = "100"
DUPLICATE_REQUEST = "124"  # this RequestId was already received: the message is on its way

# CodeResult -> (error code, what it means). Every one needs a person or another channel.
PERMANENT: dict[str, tuple[str, str]] = {
    "99": (OPTED_OUT, "the phone number is blocked"),
    "101": (CONFIG, "wrong ApiKey or SecretKey"),
    "102": (CONFIG, "no price list for this account"),
    "103": (BALANCE, "not enough balance"),
    "104": (CONFIG, "brandname not registered"),
    "108": (INVALID_RECIPIENT, "phone number not in a correct format"),
    "118": (CONFIG, "unsupported SmsType"),
    "140": (CONFIG, "this server's IP address is not whitelisted"),
    "146": (REJECTED, "content does not match a registered customer-care template"),
    "177": (INVALID_RECIPIENT, "brandname not registered with the recipient's network"),
    "300": (CONFIG, "missing message type"),
}


class EsmsChannel:
    name = "sms"
    provider = "esms"
    dedupes = True  # RequestId: eSMS refuses a repeat (CodeResult 124), sending nothing

    def __init__(self, *, api_key: str, secret_key: str, brandname: str, sms_type: int = 2,
                 sandbox: bool = False, callback_url: str | None = None,
                 base_url: str = ESMS_BASE_URL, timeout: float = DEFAULT_TIMEOUT):
        self._api_key = api_key
        self._secret_key = secret_key
        self.brandname = brandname
        self.sms_type = sms_type
        self.sandbox = sandbox
        self.callback_url = callback_url
        self._client = make_client(base_url=base_url, timeout=timeout)

    def __repr__(self) -> str:
        return f"EsmsChannel(brandname={self.brandname!r})"

    def close(self) -> None:
        self._client.close()

    def send(self, message: Outgoing) -> SendResult:
        payload = {
            "ApiKey": self._api_key,
            "SecretKey": self._secret_key,
            "Brandname": self.brandname,
            "SmsType": str(self.sms_type),
            "Phone": vietnamese_national(message.recipient),
            "Content": message.sms_text,
            "IsUnicode": "0" if message.sms_text.isascii() else "1",
            "Sandbox": "1" if self.sandbox else "0",
            "RequestId": message.idempotency_key,
        }
        if self.callback_url:
            payload["CallbackUrl"] = self.callback_url
        response = call(self._client, "POST", SEND_PATH, provider="eSMS", json=payload)
        return _result(response)


def _result(response: httpx.Response) -> SendResult:
    raise_if_busy(response, provider="eSMS")
    if response.status_code >= 400:
        raise PermanentError(f"eSMS: HTTP {response.status_code} (check base_url)", code=CONFIG)
    body = json_object(response, provider="eSMS")
    code = str(body.get("CodeResult", "")).strip()
    sms_id = body.get("SMSID") or None
    if code in (ACCEPTED, DUPLICATE_REQUEST):
        return SendResult(provider_id=str(sms_id) if sms_id else None)
    detail = clip(body.get("ErrorMessage") or body.get("error") or "")
    if not code:
        raise TransientError(f"eSMS: answer without CodeResult ({detail})", code=UNAVAILABLE)
    if code in PERMANENT:
        kind, meaning = PERMANENT[code]
        raise PermanentError(f"eSMS {code}: {meaning} ({detail})", code=kind)
    raise PermanentError(f"eSMS {code}: {detail or 'undocumented code'}", code=REJECTED)
