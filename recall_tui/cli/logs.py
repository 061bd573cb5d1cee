"""Logging for the daemon and cron runs: what happened, without secrets or personal data.

Every line passes ``core.privacy.redact`` (phone numbers and e-mail addresses masked, secret
URL parameters, URL passwords and bearer tokens removed), whoever wrote it: our modules or a
library's. httpx's request line (the gateway's URL, an ``apikey=`` in it) is not logged at
all. A traceback keeps its frames (file and line) but not the exception's text: a driver's
holds the SQL and its parameters (names, fasting instructions); our own errors keep their
message, which never quotes more than an excerpt.
"""

from __future__ import annotations

import logging
import sys
import traceback

from ..core.errors import DomainError
from ..core.privacy import redact

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
QUIET = ("httpx", "httpcore", "urllib3", "imap_tools", "sqlalchemy")


class Redacting(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed call still logs something
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        return True


class PrivateFormatter(logging.Formatter):
    def formatException(self, ei) -> str:  # noqa: N802 - logging's name
        return private_traceback(ei[1])

    def formatStack(self, stack_info: str) -> str:  # noqa: N802 - logging's name
        return redact(stack_info)


def private_traceback(exc: BaseException | None) -> str:
    """A traceback's frames and each exception's kind; our errors' message, no other
    text."""
    if exc is None:
        return ""
    lines: list[str] = []
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        lines.append("Traceback (most recent call last):")
        lines.extend(traceback.format_list(traceback.extract_tb(exc.__traceback__)))
        said = redact(exc.en) if isinstance(exc, DomainError) else "(text withheld: it may " \
            "hold personal data)"
        lines.append(f"{type(exc).__module__}.{type(exc).__name__}: {said}")
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    return "\n".join(line.rstrip("\n") for line in lines)


class _Stderr(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time of each line."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def setup(level: int = logging.INFO) -> logging.Handler:
    """One handler on stderr for the whole process, redacting; libraries' chatter off."""
    handler = _Stderr()
    handler.addFilter(Redacting())
    handler.setFormatter(PrivateFormatter(FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_recall", False):
            root.removeHandler(old)
    handler._recall = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    return handler
