"""What the HTTP channels share: an httpx client, and the failures every provider has.

Transport failures (refused, reset, timed out) are transient; so are HTTP 429 and 5xx.
Error messages name the provider and the failure, never a URL, header or body that could
carry a secret.
"""

from __future__ import annotations

import ssl
from functools import cache
from typing import Any

import httpx

from .base import NETWORK, RATE_LIMITED, UNAVAILABLE, TransientError

DEFAULT_TIMEOUT = 15.0


@cache
def _tls_context() -> ssl.SSLContext:
    """One verifying TLS context for every channel (loading the CA bundle takes ~0.1 s)."""
    return httpx.create_ssl_context()


def make_client(*, base_url: str = "", timeout: float = DEFAULT_TIMEOUT,
                auth: httpx.Auth | tuple[str, str] | None = None) -> httpx.Client:
    """One client per channel: connection reuse, a timeout, no redirects followed."""
    return httpx.Client(base_url=base_url, timeout=timeout, auth=auth, verify=_tls_context(),
                        follow_redirects=False)


def call(client: httpx.Client, method: str, url: str, *, provider: str,
         **kwargs: Any) -> httpx.Response:
    """``client.request``, with transport failures raised as TransientError."""
    try:
        return client.request(method, url, **kwargs)
    except httpx.TimeoutException as exc:
        raise TransientError(f"{provider}: no answer in time ({type(exc).__name__})",
                             code=NETWORK, maybe_delivered=_after_sending(exc)) from None
    except httpx.HTTPError as exc:
        raise TransientError(f"{provider}: could not reach the provider "
                             f"({type(exc).__name__}: {str(exc)[:120]})", code=NETWORK,
                             maybe_delivered=_after_sending(exc)) from None


def _after_sending(exc: httpx.HTTPError) -> bool:
    """Whether the request may have reached the provider: any failure but one to connect
    (refused, unreachable, connect timeout, a pool with no room)."""
    return not isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout
                          | httpx.UnsupportedProtocol | httpx.ProxyError
                          | httpx.LocalProtocolError)


def retry_after(response: httpx.Response) -> float | None:
    """Seconds to wait, from ``Retry-After`` (or ``X-Rate-Limit-Reset``), when given."""
    for header in ("Retry-After", "X-Rate-Limit-Reset"):
        value = response.headers.get(header)
        if value is None:
            continue
        try:
            return max(0.0, float(value))
        except ValueError:
            continue  # an HTTP date: let the sender's own back-off decide
    return None


def raise_if_busy(response: httpx.Response, *, provider: str) -> None:
    """TransientError for HTTP 429 (rate limited) and 5xx (the provider failed)."""
    status = response.status_code
    if status == 429:
        raise TransientError(f"{provider}: rate limited (HTTP 429)", code=RATE_LIMITED,
                             retry_after=retry_after(response))
    if status >= 500:
        raise TransientError(f"{provider}: provider error (HTTP {status})", code=UNAVAILABLE,
                             retry_after=retry_after(response))


def json_object(response: httpx.Response, *, provider: str) -> dict[str, Any]:
    """The JSON object of an answer; anything else (an HTML error page) is transient."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise TransientError(f"{provider}: unexpected answer (HTTP {response.status_code}, "
                             "not a JSON object)", code=UNAVAILABLE)
    return body


def clip(text: object, limit: int = 160) -> str:
    """A provider's own error text, shortened for a message's last_error."""
    value = " ".join(str(text).split())
    return value if len(value) <= limit else value[: limit - 1] + "…"
