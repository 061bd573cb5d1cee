"""Any HTTP SMS gateway, described in configuration rather than in code.

A request is a method, a URL, headers and a body table sent as JSON or as a form. In the
URL, the header values and the body's strings these placeholders are filled in:
``{phone}`` (in ``phone_format``), ``{text}`` (the SMS text), ``{key}`` (the gateway's API
key, from the environment) and ``{id}`` (the message's idempotency key). Values are
URL-encoded in the URL and left to the JSON / form encoding in the body.

An answer is a success when its HTTP status is 2xx and, when given, the JSON field
``success_field`` (a dotted path, "data.0.status") equals ``success_value`` (or is truthy),
or ``success_regex`` is found in the body. ``id_field`` / ``id_regex`` pick the gateway's
message id. HTTP 429 and 5xx are transient; any other refusal is permanent.

``{id}`` is the message's reference: the same for every attempt at one outbox message.
Many gateways take such a reference ("reference", "RequestId", "client_ref") and refuse
or ignore a second request with one they have seen. Only the operator knows whether theirs
does: ``dedupes_by_reference = true`` says so (it needs ``{id}`` in the request), and the
outbox then sends a message again after a run died mid-send. Without it, a message whose
run died mid-send is marked ``maybe_sent`` for staff instead of going a second time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import httpx

from .base import (
    CONFIG,
    REJECTED,
    UNAVAILABLE,
    Outgoing,
    PermanentError,
    SendResult,
    TransientError,
)
from .http_common import DEFAULT_TIMEOUT, call, clip, make_client, raise_if_busy
from .phones import in_form

PLACEHOLDER = re.compile(r"\{(phone|text|key|id)\}")
BODY_FORMATS = ("json", "form")


class HttpSmsChannel:
    name = "sms"
    provider = "http"

    def __init__(self, *, url: str, method: str = "POST",
                 headers: Mapping[str, str] | None = None,
                 body: Mapping[str, Any] | None = None, body_format: str = "json",
                 phone_format: str = "84", api_key: str = "",
                 success_field: str | None = None, success_value: Any = None,
                 success_regex: str | None = None, id_field: str | None = None,
                 id_regex: str | None = None, timeout: float = DEFAULT_TIMEOUT,
                 dedupes_by_reference: bool = False):
        if body_format not in BODY_FORMATS:
            raise ValueError(f"unknown body format {body_format!r} (known: json, form)")
        if dedupes_by_reference and not mentions(
                [url, dict(headers or {}), dict(body) if body is not None else None], "{id}"):
            raise ValueError("dedupes_by_reference needs {id} (the message's reference) in "
                             "the url, a header or the body")
        in_form("+84912345678", phone_format)  # fails early on an unknown form
        self.url = url
        self.method = method.upper()
        self.headers = dict(headers or {})
        self.body = dict(body) if body is not None else None
        self.body_format = body_format
        self.phone_format = phone_format
        self._api_key = api_key
        self.success_field = success_field
        self.success_value = success_value
        self.success_regex = re.compile(success_regex) if success_regex else None
        self.id_field = id_field
        self.id_regex = re.compile(id_regex) if id_regex else None
        self.dedupes = dedupes_by_reference  # the gateway refuses a reference it has seen
        self._client = make_client(timeout=timeout)

    def __repr__(self) -> str:
        return f"HttpSmsChannel(method={self.method!r})"

    def close(self) -> None:
        self._client.close()

    def send(self, message: Outgoing) -> SendResult:
        values = {"phone": in_form(message.recipient, self.phone_format),
                  "text": message.sms_text, "key": self._api_key,
                  "id": message.idempotency_key}
        url = _fill(self.url, {k: quote(v, safe="") for k, v in values.items()})
        headers = {name: _fill(value, values) for name, value in self.headers.items()}
        kwargs: dict[str, Any] = {"headers": headers}
        if self.body is not None:
            body = _fill_all(self.body, values)
            kwargs["json" if self.body_format == "json" else "data"] = body
        response = call(self._client, self.method, url, provider="SMS gateway", **kwargs)
        return self._result(response)

    def _result(self, response: httpx.Response) -> SendResult:
        raise_if_busy(response, provider="SMS gateway")
        status = response.status_code
        if not 200 <= status < 300:
            kind = CONFIG if status in (401, 403, 404, 405) else REJECTED
            raise PermanentError(f"SMS gateway: HTTP {status} ({self._detail(response)})",
                                 code=kind)
        data = self._json(response) if (self.success_field or self.id_field) else None
        if self.success_field:
            value = _dig(data, self.success_field)
            ok = bool(value) if self.success_value is None else \
                str(value) == str(self.success_value)
        elif self.success_regex:
            ok = self.success_regex.search(response.text) is not None
        else:
            ok = True
        if not ok:
            raise PermanentError(f"SMS gateway refused the message ({self._detail(response)})",
                                 code=REJECTED)
        return SendResult(provider_id=self._provider_id(response, data))

    def _json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise TransientError("SMS gateway: unexpected answer (not JSON)",
                                 code=UNAVAILABLE) from None

    def _provider_id(self, response: httpx.Response, data: Any) -> str | None:
        if self.id_field:
            value = _dig(data, self.id_field)
            return None if value is None else str(value)
        if self.id_regex:
            found = self.id_regex.search(response.text)
            return found.group(1) if found and found.groups() else None
        return None

    def _detail(self, response: httpx.Response) -> str:
        text = response.text
        if self._api_key:
            text = text.replace(self._api_key, "***")
        return clip(text)


def mentions(node: Any, placeholder: str) -> bool:
    """Whether ``placeholder`` ("{key}", "{id}") is in any string of ``node``."""
    if isinstance(node, str):
        return placeholder in node
    if isinstance(node, Mapping):
        return any(mentions(v, placeholder) for v in node.values())
    if isinstance(node, list):
        return any(mentions(v, placeholder) for v in node)
    return False


def _fill(template: str, values: Mapping[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def _fill_all(node: Any, values: Mapping[str, str]) -> Any:
    if isinstance(node, str):
        return _fill(node, values)
    if isinstance(node, Mapping):
        return {key: _fill_all(value, values) for key, value in node.items()}
    if isinstance(node, list):
        return [_fill_all(item, values) for item in node]
    return node


def _dig(data: Any, path: str) -> Any:
    """``data["a"]["b"][0]`` for the path "a.b.0"; None where the path leads nowhere."""
    for part in path.split("."):
        if isinstance(data, Mapping):
            data = data.get(part)
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data
