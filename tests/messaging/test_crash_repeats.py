"""`kill -9` of a `recall remind` run in the middle of a send, then runs after it: each
message reaches the patient once where the channel recognises a repeat, and is never sent
twice where it cannot (the one in flight is shown as maybe sent). Real processes, a real
SMTP server (aiosmtpd), local HTTP gateways; on SQLite and PostgreSQL.

Each server takes the n-th message and then holds its answer until the test releases it,
so the run is killed with that message delivered and its answer not yet read: the one
moment a repeat can come from.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from recall_tui.config import parse
from recall_tui.services.context import Context
from recall_tui.store.database import Database
from recall_tui.store.rows import message
from tests.channels.channel_fakes.gateways import GATEWAY_KEY, JsonGateway
from tests.channels.channel_fakes.http_server import FakeServer
from tests.channels.channel_fakes.twilio import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, FakeTwilio
from tests.conftest import TEST_TOML

from .conftest import SENDER, book_many
from .smtp_counter import CountingSmtp

pytestmark = pytest.mark.storage

RECALL = str(Path(sys.executable).with_name("recall"))
AT = datetime(2026, 11, 25, 9, 30)  # clinic time: confirmations and Wednesday's reminders due
KILL_AT = 3  # the run dies with the third message delivered, its answer unread


def configure(tmp_path: Path, db_url: str, channel_toml: str) -> tuple[Path, Context]:
    path = tmp_path / "recall.toml"
    path.write_text(TEST_TOML + channel_toml + f'\n[database]\nurl = "{db_url}"\n'
                    "\n[messages]\nbatch = 2\n", encoding="utf-8")
    cfg = parse(path.read_text(encoding="utf-8"), path, env={})
    return path, Context(cfg=cfg, db=Database(db_url), actor="lan")


@pytest.fixture
def setup(tmp_path, db_url):
    made: list[Context] = []

    def make(channel_toml: str) -> tuple[Path, Context]:
        path, ctx = configure(tmp_path, db_url, channel_toml)
        made.append(ctx)
        return path, ctx

    yield make
    for ctx in made:
        ctx.db.dispose()


def start(config: Path, at: datetime, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([RECALL, "remind", "--json", "--config", str(config),
                             "--now", at.isoformat()], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1", **env})


def finish(proc: subprocess.Popen) -> dict:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err or out
    return json.loads(out)


def kill_when(proc: subprocess.Popen, taken) -> None:
    """SIGKILL the run once the server has taken KILL_AT messages (its answer is held)."""
    deadline = time.monotonic() + 60
    while taken() < KILL_AT and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert taken() == KILL_AT, "the run did not reach the held message"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)


def due(ctx: Context) -> dict[str, str]:
    """Due messages: idempotency key -> recipient."""
    with ctx.db.read() as conn:
        rows = conn.execute(select(message.c.idempotency_key, message.c.recipient).where(
            message.c.status == "pending", message.c.due_at <= AT.replace(tzinfo=ctx.tz)))
        return {r[0]: r[1] for r in rows}


def statuses(ctx: Context, keys) -> Counter:
    """The statuses of the messages ``keys``."""
    with ctx.db.read() as conn:
        return Counter(r[0] for r in conn.execute(select(message.c.status).where(
            message.c.idempotency_key.in_(list(keys)))))


def rerun(config: Path, env: dict[str, str]) -> list[dict]:
    """A run inside the dead run's lease, then one after it has run out."""
    return [finish(start(config, AT + timedelta(minutes=m), env)) for m in (1, 11)]


def test_email_each_delivered_once_by_message_id(setup):
    with CountingSmtp() as smtp:
        config, ctx = setup(f'\n[channels.email]\nhost = "127.0.0.1"\nport = {smtp.port}\n'
                            f'tls = "none"\nsender = "{SENDER}"\n')
        book_many(ctx, AT.replace(tzinfo=ctx.tz) - timedelta(hours=1, minutes=30), 7)
        expected = due(ctx)
        smtp.box.hold_from = KILL_AT
        kill_when(start(config, AT, {}), lambda: len(smtp.box.ids))
        smtp.box.released.set()
        rerun(config, {})
        received = Counter(i.strip("<>").rsplit("@", 1)[0] for i in smtp.box.ids)
    assert set(received) == {k.replace(":", "-") for k in expected}
    # The mail in flight at the kill went again with its own Message-ID: the receiving
    # side holds one message per Message-ID. Nothing else went twice.
    assert sum(received.values()) == len(expected) + 1
    assert statuses(ctx, expected) == Counter({"sent": len(expected)})


def test_sms_through_a_gateway_that_dedupes_by_reference(setup):
    gateway = JsonGateway()
    with FakeServer(gateway) as server:
        config, ctx = setup(f'''
[channels.sms]
provider = "http"
url = "{server.base_url}/api/v2/sms"
headers = {{ Authorization = "Bearer {{key}}" }}
body = {{ destination = "{{phone}}", message = "{{text}}", reference = "{{id}}" }}
success_field = "result.status"
success_value = "accepted"
id_field = "result.id"
dedupes_by_reference = true
''')
        env = {"RECALL_SMS_HTTP_KEY": GATEWAY_KEY}
        book_many(ctx, AT.replace(tzinfo=ctx.tz) - timedelta(hours=1, minutes=30), 7,
                  channels=("sms",), phone=True)
        expected = due(ctx)
        gateway.hold_from = KILL_AT
        kill_when(start(config, AT, env), lambda: len(gateway.accepted))
        gateway.hold_from = None
        gateway.release()
        rerun(config, env)
    sent = Counter(a["reference"] for a in gateway.accepted)
    assert set(sent) == set(expected) and set(sent.values()) == {1}  # each SMS once
    assert len(gateway.replayed) == 1  # the one in flight was asked again, and not sent
    assert statuses(ctx, expected) == Counter({"sent": len(expected)})


def test_sms_through_twilio_the_one_in_flight_is_maybe_sent_never_repeated(setup):
    twilio = FakeTwilio()
    with FakeServer(twilio) as server:
        config, ctx = setup(f'''
[channels.sms]
provider = "twilio"
account_sid = "{ACCOUNT_SID}"
from = "{FROM_NUMBER}"
base_url = "{server.base_url}"
''')
        env = {"RECALL_TWILIO_AUTH_TOKEN": AUTH_TOKEN}
        book_many(ctx, AT.replace(tzinfo=ctx.tz) - timedelta(hours=1, minutes=30), 7,
                  channels=("sms",), phone=True)
        expected = due(ctx)
        twilio.hold_from = KILL_AT
        kill_when(start(config, AT, env), lambda: len(twilio.accepted))
        twilio.hold_from = None
        twilio.release()
        inside, after = rerun(config, env)
    sent = Counter((a["To"], a["Body"]) for a in twilio.accepted)
    assert len(sent) == len(expected) and set(sent.values()) == {1}  # nothing twice
    assert statuses(ctx, expected) == Counter({"sent": len(expected) - 1, "maybe_sent": 1})
    # The run that found it says so (and the desk shows it: see tests/ui).
    assert inside["maybe_sent"] == 0 and after["maybe_sent"] == 1
    [item] = [i for i in after["items"] if i["result"] == "maybe_sent"]
    assert item["key"] in expected and item["recipient"] == expected[item["key"]]


def test_a_lost_answer_is_maybe_sent_not_sent_again(setup):
    """The run lives but Twilio's answer never comes (a read timeout): the SMS may have
    gone, so it is not tried again; staff see it as maybe sent."""
    from recall_tui.channels.twilio import TwilioChannel
    from recall_tui.services import messaging

    twilio = FakeTwilio(answer_delay=2.0)
    with FakeServer(twilio) as server:
        config, ctx = setup(f'''
[channels.sms]
provider = "twilio"
account_sid = "{ACCOUNT_SID}"
from = "{FROM_NUMBER}"
base_url = "{server.base_url}"
''')
        book_many(ctx, AT.replace(tzinfo=ctx.tz) - timedelta(hours=1, minutes=30), 1,
                  channels=("sms",), phone=True)
        expected = due(ctx)
        channel = TwilioChannel(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN,
                                from_number=FROM_NUMBER, base_url=server.base_url,
                                timeout=0.3)
        now = AT.replace(tzinfo=ctx.tz)
        res = messaging.remind(ctx, now=now, channels={"sms": channel}, sweep=False)
        assert res.maybe_sent == len(expected) and res.retried == 0
        later = messaging.remind(ctx, now=now + timedelta(hours=1), channels={"sms": channel},
                                 sweep=False)
        assert later.sent == 0
    assert len(twilio.accepted) == len(expected)  # each went once
    assert statuses(ctx, expected) == Counter({"maybe_sent": len(expected)})
