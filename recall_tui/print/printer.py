"""Sending printer bytes (ESC/POS, or a PDF to a printer that takes one) to a printer.

Two kinds of address:
- ``tcp://host:9100``: a network printer's raw port (JetDirect / AppSocket); the port
  defaults to 9100;
- ``file:/path``: a device or file written directly, e.g. ``file:/dev/usb/lp0``.

Every failure is a ``PrintError`` with a reason in Vietnamese and English, never a bare
socket error.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from urllib.parse import SplitResult, unquote, urlsplit

from recall_tui.core.errors import DomainError
from recall_tui.core.text import excerpt

DEFAULT_PORT = 9100
DEFAULT_TIMEOUT = 10.0  # seconds, for connecting and for each send


class PrintError(DomainError):
    """The printer could not be reached or did not take the job."""

    def __str__(self) -> str:
        return f"{self.vi} / {self.en}"


def send_to_printer(data: bytes, uri: str, *, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Send ``data`` to the printer at ``uri`` (``tcp://host[:port]`` or ``file:/path``)."""
    parts = urlsplit(uri.strip())
    if parts.scheme == "tcp":
        _send_tcp(data, uri, parts, timeout)
    elif parts.scheme == "file" and parts.path:
        _write_file(data, Path(unquote(parts.path)))
    else:
        raise PrintError(
            "print.bad_uri",
            f"Địa chỉ máy in không hợp lệ: {excerpt(uri)} (dùng tcp://máy:9100 hoặc file:/dev/usb/lp0).",
            f"Not a printer address: {excerpt(uri)} (use tcp://host:9100 or file:/dev/usb/lp0).",
            field="printer",
        )


def _send_tcp(data: bytes, uri: str, parts: SplitResult, timeout: float) -> None:
    host = parts.hostname
    try:
        port = parts.port or DEFAULT_PORT
    except ValueError:
        port = None
    if not host or port is None:
        raise PrintError(
            "print.bad_uri",
            f"Địa chỉ máy in không hợp lệ: {excerpt(uri)} (dùng tcp://máy:9100).",
            f"Not a printer address: {excerpt(uri)} (use tcp://host:9100).",
            field="printer",
        )
    where = f"{host}:{port}"
    try:
        with socket.create_connection((host, port), timeout=timeout) as conn:
            conn.sendall(data)
            conn.shutdown(socket.SHUT_WR)  # tell the printer the job is complete
    except ConnectionRefusedError as exc:
        raise PrintError(
            "print.refused",
            f"Máy in {where} từ chối kết nối: kiểm tra máy in đã bật và đúng địa chỉ.",
            f"Printer {where} refused the connection: check it is on and the address is right.",
            details={"uri": uri},
        ) from exc
    except TimeoutError as exc:
        raise PrintError(
            "print.timeout",
            f"Máy in {where} không phản hồi sau {timeout:g} giây.",
            f"Printer {where} did not answer within {timeout:g} s.",
            details={"uri": uri},
        ) from exc
    except socket.gaierror as exc:
        raise PrintError(
            "print.unknown_host",
            f"Không tìm thấy máy in {excerpt(host)} trên mạng.",
            f"Printer host {excerpt(host)} not found.",
            details={"uri": uri},
        ) from exc
    except OSError as exc:
        raise PrintError(
            "print.failed",
            f"Không gửi được tới máy in {where}: {exc.strerror or exc}.",
            f"Could not send to printer {where}: {exc.strerror or exc}.",
            details={"uri": uri},
        ) from exc


def _write_file(data: bytes, path: Path) -> None:
    try:
        # A device (/dev/usb/lp0) as it is; a file made here is private (0600).
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
    except OSError as exc:
        raise PrintError(
            "print.failed",
            f"Không ghi được tới máy in {path}: {exc.strerror or exc}.",
            f"Could not write to printer {path}: {exc.strerror or exc}.",
            details={"uri": f"file:{path}"},
        ) from exc
