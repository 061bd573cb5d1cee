"""Replies that reached the clinic's Twilio number, pulled from Twilio's Messages list.

Follows the documented API: ``GET /2010-04-01/Accounts/{AccountSid}/Messages.json`` with
``To`` (our number) and ``DateSent>`` (a day), HTTP Basic ``AccountSid:AuthToken``; the
answer is ``{"messages": [{"sid", "from", "to", "body", "direction", "date_sent"}, ...],
"next_page_uri": ...}`` (``date_sent`` in RFC 2822). Only ``direction == "inbound"`` are
replies. Pulling (rather than a webhook) needs no public address: cron or the daemon can
run it, and re-reading the same days is harmless (each message's ``sid`` is applied once).

Settings: ``[channels.sms]`` with ``provider = "twilio"`` (``account_sid``, ``from``,
``base_url``) and ``[messages] twilio_inbox = true``; secret ``RECALL_TWILIO_AUTH_TOKEN``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx

from ..core.errors import BadInput, Refused
from .inbox import Inbound

TWILIO_BASE_URL = "https://api.twilio.com"
MAX_PAGES = 50


def enabled(cfg) -> bool:
    return cfg.messages.twilio_inbox


def fetch(cfg, env: Mapping[str, str], *, now: datetime, days: int = 2) -> list[Inbound]:
    """Inbound SMS to our Twilio number sent since ``days`` before ``now``."""
    sms = cfg.channels.get("sms") or {}
    if sms.get("provider") != "twilio":
        raise BadInput("inbox.twilio", "twilio_inbox cần [channels.sms] provider = \"twilio\".",
                       "twilio_inbox needs [channels.sms] provider = \"twilio\".",
                       field="messages.twilio_inbox")
    sid = sms.get("account_sid") or env.get("RECALL_TWILIO_ACCOUNT_SID", "")
    token = env.get("RECALL_TWILIO_AUTH_TOKEN", "")
    number = sms.get("from")
    if not (sid and token and number):
        raise BadInput("inbox.twilio",
                       "Thiếu account_sid, from hoặc RECALL_TWILIO_AUTH_TOKEN cho Twilio.",
                       "Twilio needs account_sid, from and RECALL_TWILIO_AUTH_TOKEN.",
                       field="channels.sms")
    base = (sms.get("base_url") or TWILIO_BASE_URL).rstrip("/")
    since = (now - timedelta(days=days)).date().isoformat()
    url: str | None = f"/2010-04-01/Accounts/{sid}/Messages.json"
    params: dict | None = {"To": number, "DateSent>": since, "PageSize": 100}
    out: list[Inbound] = []
    try:
        with httpx.Client(base_url=base, auth=(sid, token),
                          timeout=float(sms.get("timeout", 15))) as client:
            for _ in range(MAX_PAGES):
                if url is None:
                    break
                res = client.get(url, params=params)
                if res.status_code != 200:
                    raise Refused("inbox.twilio",
                                  f"Twilio trả lời {res.status_code}: {res.text[:200]}",
                                  f"Twilio answered {res.status_code}: {res.text[:200]}")
                page = res.json()
                for m in page.get("messages", []):
                    if m.get("direction") != "inbound":
                        continue
                    out.append(Inbound(channel="sms", sender=str(m.get("from", "")),
                                       text=str(m.get("body", "")),
                                       received_at=_when(m.get("date_sent"), now),
                                       external_id=f"twilio-{m.get('sid')}"))
                url, params = page.get("next_page_uri"), None
    except httpx.HTTPError as exc:
        raise Refused("inbox.twilio", f"Không kết nối được Twilio: {exc}",
                      f"Could not reach Twilio: {exc}") from None
    return out


def _when(raw, now: datetime) -> datetime:
    try:
        return parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return now
