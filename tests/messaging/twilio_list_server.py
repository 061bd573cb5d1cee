"""A local HTTP server answering Twilio's "Read multiple Message resources" request
(GET /2010-04-01/Accounts/{AccountSid}/Messages.json), as Twilio documents it: HTTP Basic
AccountSid:AuthToken, filters To and DateSent>, pages linked by next_page_uri, and the
error body {"code", "message", "more_info", "status"} (20003 for bad credentials)."""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

SID = "AC" + "0" * 32
TOKEN = "test-auth-token"


class TwilioList:
    def __init__(self, messages: list[dict], page_size: int = 2):
        self.messages = messages
        self.page_size = page_size
        self.requests: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                outer.handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        q = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        self.requests.append({"path": parts.path, "query": q})
        auth = h.headers.get("Authorization", "")
        expected = "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
        if auth != expected:
            return self.reply(h, 401, {"code": 20003, "message": "Authenticate",
                                       "more_info": "https://www.twilio.com/docs/errors/20003",
                                       "status": 401})
        if parts.path != f"/2010-04-01/Accounts/{SID}/Messages.json":
            return self.reply(h, 404, {"code": 20404, "message": "not found", "status": 404})
        chosen = [m for m in self.messages if m["to"] == q.get("To", m["to"])]
        page = int(q.get("Page", 0))
        size = self.page_size
        items = chosen[page * size:(page + 1) * size]
        more = (page + 1) * size < len(chosen)
        nxt = (f"{parts.path}?" + urlencode({"To": q.get("To", ""), "PageSize": size,
                                             "Page": page + 1, "PageToken": f"PA{page + 1}"})
               ) if more else None
        self.reply(h, 200, {"messages": items, "page": page, "page_size": size,
                            "next_page_uri": nxt, "uri": h.path})

    @staticmethod
    def reply(h: BaseHTTPRequestHandler, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    def __enter__(self) -> TwilioList:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def message(sid: str, frm: str, body: str, *, to: str = "+15005550006",
            direction: str = "inbound") -> dict:
    return {"sid": sid, "account_sid": SID, "from": frm, "to": to, "body": body,
            "direction": direction, "status": "received" if direction == "inbound" else "sent",
            "date_sent": "Wed, 25 Nov 2026 01:05:00 +0000", "num_segments": "1"}
