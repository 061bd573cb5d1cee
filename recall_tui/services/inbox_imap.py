"""Replies to our e-mails, read from the clinic's IMAP mailbox (imap-tools).

Settings ``[messages.imap]``: host (required), port, tls = "ssl" (default) | "starttls" |
"none", user (required), folder = "INBOX"; secret ``RECALL_IMAP_PASSWORD``. Unseen mails are
read and then flagged seen; each is applied once (its Message-ID is the reply's external
id), so a run that dies before flagging changes nothing twice. Only the patient's own
words count: quoted text ("> ...", "On ... wrote:", "Vào ... đã viết:") is cut off; a code
in the subject ("Re: Nhắc lịch hẹn K7M2-QX4") picks the visit when the body has none.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from ..core.errors import BadInput, Refused
from ..core.replies import find_code
from .inbox import Inbound

QUOTE_START = re.compile(r"^\s*(>|On .+wrote:|Vào .+viết:|-----\s*Original Message|"
                         r"From:\s|Từ:\s)", re.IGNORECASE)


def enabled(cfg) -> bool:
    return cfg.messages.imap is not None


def own_words(body: str) -> str:
    out = []
    for line in (body or "").splitlines():
        if QUOTE_START.match(line):
            break
        out.append(line)
    return "\n".join(out).strip()


def fetch(cfg, env: Mapping[str, str], *, now: datetime) -> tuple[list[Inbound], object]:
    """The unseen replies, and a function that flags them seen (call it once applied)."""
    from imap_tools import AND, MailBox, MailBoxStartTls, MailBoxUnencrypted

    s = cfg.messages.imap
    password = env.get("RECALL_IMAP_PASSWORD", "")
    if s is None or not password:
        raise BadInput("inbox.imap", "[messages.imap] cần host, user, tls (ssl, starttls, none) "
                       "và RECALL_IMAP_PASSWORD.",
                       "[messages.imap] needs host, user, tls (ssl, starttls, none) and "
                       "RECALL_IMAP_PASSWORD.", field="messages.imap")
    host = s.host
    kind = {"ssl": MailBox, "starttls": MailBoxStartTls, "none": MailBoxUnencrypted}[s.tls]
    port = s.port or (993 if s.tls == "ssl" else 143)
    try:
        box = kind(host, port=port, timeout=s.timeout or 30.0)
        box.login(s.user, password, initial_folder=s.folder)
        replies, uids = [], []
        for msg in box.fetch(AND(seen=False), mark_seen=False, bulk=True):
            text = own_words(msg.text or re.sub(r"<[^>]+>", " ", msg.html or ""))
            if find_code(text)[0] is None:
                code, _ = find_code(msg.subject or "")
                text = f"{text} {code}" if code else text
            ext = (msg.headers.get("message-id") or (f"uid-{msg.uid}",))[0].strip()
            replies.append(Inbound(channel="email", sender=msg.from_, text=text,
                                   received_at=msg.date if msg.date.tzinfo else now,
                                   external_id=f"imap-{ext}"[:120]))
            uids.append(msg.uid)
    except Exception as exc:  # imaplib, socket and imap-tools errors: the mailbox failed
        raise Refused("inbox.imap", f"Không đọc được hộp thư IMAP {host}: {exc}",
                      f"Could not read the IMAP mailbox {host}: {exc}") from None

    def flag_seen() -> None:
        try:
            if uids:
                box.flag(uids, "\\Seen", True)
        finally:
            box.logout()

    return replies, flag_seen
