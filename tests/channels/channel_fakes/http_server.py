"""A small threaded HTTP server that hands each request to a provider fake."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # names in lower case
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    def form(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.body.decode("utf-8"),
                                                keep_blank_values=True).items()}

    def basic_auth(self) -> tuple[str, str] | None:
        value = self.headers.get("authorization", "")
        if not value.startswith("Basic "):
            return None
        user, _, password = base64.b64decode(value[6:]).decode("utf-8").partition(":")
        return user, password


@dataclass
class Reply:
    status: int = 200
    body: Any = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (for timeouts)
    wait: threading.Event | None = None  # answer only once this is set (a held answer)

    def payload(self) -> tuple[bytes, str]:
        if isinstance(self.body, (dict, list)):
            return json.dumps(self.body).encode("utf-8"), "application/json; charset=utf-8"
        if isinstance(self.body, str):
            return self.body.encode("utf-8"), "text/plain; charset=utf-8"
        return bytes(self.body), "application/octet-stream"


class FakeProvider:
    """A provider's behaviour: ``handle`` a request. Records every request; can be told to
    fail the next calls with a given reply (an outage, a rate limit, a slow answer), or to
    hold its answers from the n-th accepted message on (``hold_from``) until ``release()``:
    a sender caught with a message taken and its answer not yet read."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self._failures: list[Reply] = []
        self.hold_from: int | None = None
        self._released = threading.Event()

    def fail_next(self, reply: Reply, times: int = 1) -> None:
        self._failures.extend([reply] * times)

    def release(self) -> None:
        self._released.set()

    def answer(self, reply: Reply, accepted: int) -> Reply:
        """``reply`` to the ``accepted``-th accepted message, held when asked."""
        if self.hold_from is not None and accepted >= self.hold_from:
            reply.wait = self._released
        return reply

    def __call__(self, request: Request) -> Reply:
        self.requests.append(request)
        if self._failures:
            return self._failures.pop(0)
        return self.handle(request)

    def handle(self, request: Request) -> Reply:
        raise NotImplementedError


class FakeServer:
    def __init__(self, app: Callable[[Request], Reply]):
        self.app = app
        self._server = _QuietServer(("127.0.0.1", 0), _handler_for(app))
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.01}, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        release = getattr(self.app, "release", None)
        if release is not None:
            release()  # no held answer keeps a handler thread waiting
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up (a timeout test) is not a failure of the fake


def _handler_for(app: Callable[[Request], Reply]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            url = urlsplit(self.path)
            request = Request(method=self.command, path=url.path, query=parse_qs(url.query),
                              headers={k.lower(): v for k, v in self.headers.items()},
                              body=body)
            reply = app(request)
            if reply.delay:
                time.sleep(reply.delay)
            if reply.wait is not None:
                reply.wait.wait(timeout=60)
            payload, content_type = reply.payload()
            self.send_response(reply.status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = _serve

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep test output clean

    return Handler
