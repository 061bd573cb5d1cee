"""Zalo ZNS: template notifications to a phone number, from the clinic's Official Account.

Sending: ``POST https://business.openapi.zalo.me/message/template``, header
``access_token``, JSON ``{"phone": "84...", "template_id", "template_data",
"tracking_id"}``; the answer's ``error`` is 0 on success, a negative code otherwise
(codes from ZNS's "Cách xử lý mã lỗi" table).

Access tokens live about 25 hours. On a token error the channel refreshes once
(``POST https://oauth.zaloapp.com/v4/oa/access_token``, header ``secret_key``, form
``refresh_token``, ``app_id``, ``grant_type=refresh_token``) and retries. A refresh token
is good for one use: the new pair is handed to ``on_tokens`` so the caller can store it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from .base import (
    BALANCE,
    CONFIG,
    INVALID_RECIPIENT,
    NO_ACCOUNT,
    OPTED_OUT,
    REJECTED,
    UNAVAILABLE,
    Outgoing,
    PermanentError,
    SendResult,
    TransientError,
)
from .http_common import DEFAULT_TIMEOUT, call, clip, json_object, make_client, raise_if_busy
from .phones import international_digits

log = logging.getLogger(__name__)

ZNS_BASE_URL = "https://business.openapi.zalo.me"
OAUTH_BASE_URL = "https://oauth.zaloapp.com"
TEMPLATE_PATH = "/message/template"
TOKEN_PATH = "/v4/oa/access_token"

TOKEN_ERRORS = {-124, -216, -220}  # access token invalid / expired / removed
TRANSIENT: dict[int, str] = {
    -100: "unknown error, try again later",
    -133: "ZNS cannot be sent at night (22:00-06:00)",
}
PERMANENT: dict[int, tuple[str, str]] = {
    -101: (CONFIG, "application invalid"),
    -102: (CONFIG, "application does not exist"),
    -103: (CONFIG, "application not activated"),
    -104: (CONFIG, "application secret key invalid"),
    -105: (CONFIG, "application not linked to an Official Account"),
    -106: (CONFIG, "method not supported"),
    -108: (INVALID_RECIPIENT, "phone number invalid"),
    -109: (REJECTED, "template ID invalid"),
    -110: (INVALID_RECIPIENT, "the recipient's Zalo version cannot show ZNS"),
    -111: (REJECTED, "template data empty"),
    -112: (REJECTED, "template data invalid"),
    -114: (INVALID_RECIPIENT, "user inactive, refused the message or has an old Zalo"),
    -115: (BALANCE, "out of ZNS quota"),
    -117: (CONFIG, "no permission to use this template"),
    -118: (NO_ACCOUNT, "no Zalo account for this phone number"),
    -119: (INVALID_RECIPIENT, "this account cannot receive ZNS"),
    -139: (OPTED_OUT, "the user refused this kind of ZNS"),
    -144: (BALANCE, "the Official Account's daily quota is used up"),
}


@dataclass(frozen=True)
class ZaloTokens:
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_in: int | None = None  # seconds


class ZaloChannel:
    name = "zalo"
    # ``tracking_id`` is documented for reconciliation only ("đối soát"), not as a key ZNS
    # refuses a repeat by: a repeat is a second notification.
    dedupes = False

    def __init__(self, *, app_id: str, secret_key: str, refresh_token: str,
                 access_token: str = "", on_tokens: Callable[[ZaloTokens], None] | None = None,
                 base_url: str = ZNS_BASE_URL, oauth_url: str = OAUTH_BASE_URL,
                 timeout: float = DEFAULT_TIMEOUT):
        self.app_id = app_id
        self._secret_key = secret_key
        self._access_token = access_token
        self._refresh_token = refresh_token
        self._on_tokens = on_tokens
        self._send_url = base_url.rstrip("/") + TEMPLATE_PATH
        self._token_url = oauth_url.rstrip("/") + TOKEN_PATH
        self._lock = threading.Lock()
        self._client = make_client(timeout=timeout)

    def __repr__(self) -> str:
        return f"ZaloChannel(app_id={self.app_id!r})"

    def close(self) -> None:
        self._client.close()

    def send(self, message: Outgoing) -> SendResult:
        if not message.template_id:
            raise PermanentError("Zalo: this message has no ZNS template", code=REJECTED)
        payload = {
            "phone": international_digits(message.recipient),
            "template_id": message.template_id,
            "template_data": dict(message.template_data),
            "tracking_id": message.idempotency_key,
        }
        token = self._access_token or self._refresh(used="")
        body = self._post(payload, token)
        if _error(body) in TOKEN_ERRORS:
            body = self._post(payload, self._refresh(used=token))
            if _error(body) in TOKEN_ERRORS:
                raise PermanentError("Zalo: access token refused even after a refresh",
                                     code=CONFIG)
        return _result(body)

    def _post(self, payload: dict[str, Any], token: str) -> dict[str, Any]:
        response = call(self._client, "POST", self._send_url, provider="Zalo",
                        json=payload, headers={"access_token": token})
        raise_if_busy(response, provider="Zalo")
        if response.status_code >= 400:
            raise PermanentError(f"Zalo: HTTP {response.status_code} (check base_url)",
                                 code=CONFIG)
        return json_object(response, provider="Zalo")

    def _refresh(self, *, used: str) -> str:
        """A fresh access token. ``used`` is the one that failed: when another thread has
        already replaced it, that newer token is used rather than spending the refresh
        token a second time."""
        with self._lock:
            if self._access_token and self._access_token != used:
                return self._access_token
            response = call(
                self._client, "POST", self._token_url, provider="Zalo OAuth",
                headers={"secret_key": self._secret_key},
                data={"refresh_token": self._refresh_token, "app_id": self.app_id,
                      "grant_type": "refresh_token"},
            )
            tokens = _tokens(response, keep_refresh=self._refresh_token)
            self._access_token, self._refresh_token = tokens.access_token, tokens.refresh_token
            if self._on_tokens is not None:
                try:
                    self._on_tokens(tokens)
                except Exception as exc:  # the send goes on; the operator must see this
                    log.error("Zalo: could not store the new refresh token (%s)",
                              type(exc).__name__)
            return tokens.access_token


def _tokens(response: httpx.Response, *, keep_refresh: str) -> ZaloTokens:
    raise_if_busy(response, provider="Zalo OAuth")
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        if response.status_code >= 400:
            raise PermanentError(f"Zalo OAuth: HTTP {response.status_code}", code=CONFIG)
        raise TransientError("Zalo OAuth: unexpected answer (not a JSON object)",
                             code=UNAVAILABLE)
    if not body.get("access_token"):
        reason = clip(body.get("error_description") or body.get("error_reason")
                      or body.get("error_name") or body.get("message") or "")
        raise PermanentError(f"Zalo OAuth {body.get('error', '')}: could not refresh the "
                             f"access token ({reason})", code=CONFIG)
    try:
        expires_in: int | None = int(body.get("expires_in"))
    except (TypeError, ValueError):
        expires_in = None
    return ZaloTokens(access_token=str(body["access_token"]),
                      refresh_token=str(body.get("refresh_token") or keep_refresh),
                      expires_in=expires_in)


def _error(body: dict[str, Any]) -> int:
    try:
        return int(body.get("error", 0))
    except (TypeError, ValueError):
        return -100


def _result(body: dict[str, Any]) -> SendResult:
    code = _error(body)
    if code == 0:
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        return SendResult(provider_id=data.get("msg_id"))
    detail = clip(body.get("message") or "")
    if code in TRANSIENT:
        raise TransientError(f"Zalo {code}: {TRANSIENT[code]} ({detail})", code=UNAVAILABLE)
    if code in PERMANENT:
        kind, meaning = PERMANENT[code]
        raise PermanentError(f"Zalo {code}: {meaning} ({detail})", code=kind)
    raise PermanentError(f"Zalo {code}: {detail or 'undocumented code'}", code=REJECTED)
