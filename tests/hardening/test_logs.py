"""Issue 11, item 2: logs and errors say what happened without secrets or personal data.

`recall daemon` sending through an HTTP SMS gateway whose URL holds ``apikey={key}`` logs
neither the key (httpx's request line) nor the phone number (masked: 0912 ••• 678). An
error nobody foresaw prints its kind and place, never the SQL and its parameters (names,
instructions), to stderr or to --json."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import TEST_TOML

from .conftest import NOW, error_of

pytestmark = pytest.mark.storage

RECALL = str(Path(sys.executable).with_name("recall"))
KEY = "sk_live_Z9q8W7e6R5t4"
PHONE = "0912345678"


class _Gateway(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's name
        type(self).hits.append(self.path)
        body = b"OK 4242"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def gateway():
    _Gateway.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()


def _book_now(ctx) -> None:
    """A patient reached by SMS, booked in the next days: the confirmation is due now."""
    from recall_tui.core.calendar import Part
    from recall_tui.core.errors import DomainError
    from recall_tui.services import booking, patients

    now = datetime.now(ctx.tz)
    card = patients.add(ctx, name="Nguyễn Thị Bí Mật", now=now, channels=["sms"],
                        phones_in=[patients.PhoneIn(PHONE)])
    for days in range(2, 12):
        try:
            booking.book(ctx, patient=card.mrn, clinic="NOI", day=now.date() +
                         timedelta(days=days), part=Part.MORNING, now=now)
            return
        except DomainError:
            continue
    raise AssertionError("no session to book")


def test_the_daemon_logs_neither_the_gateways_key_nor_phone_numbers(
        db_url, tmp_path, gateway, monkeypatch):
    monkeypatch.setenv("RECALL_SMS_HTTP_KEY", KEY)
    config = tmp_path / "recall.toml"
    config.write_text(
        TEST_TOML + '\n[reminders]\nallowed_hours = ["00:00", "23:59"]\n'
        f'\n[channels.sms]\nprovider = "http"\nmethod = "GET"\nphone_format = "0"\n'
        f'url = "http://127.0.0.1:{gateway}/send?apikey={{key}}&to={{phone}}&msg={{text}}"\n'
        'success_regex = "^OK"\n'
        f'\n[database]\nurl = "{db_url}"\n', encoding="utf-8")
    from recall_tui.config import load
    from recall_tui.services.context import Context
    from recall_tui.store.database import Database

    sms_ctx = Context(cfg=load(str(config)), db=Database(db_url), actor="lan")
    _book_now(sms_ctx)  # its messages planned for SMS, the channel now configured
    sms_ctx.db.dispose()
    env = {**os.environ, "RECALL_SMS_HTTP_KEY": KEY, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([RECALL, "daemon", "--config", str(config)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(300):
            if _Gateway.hits:
                break
            time.sleep(0.05)
        time.sleep(0.5)  # the sent line is written after the gateway answers
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert _Gateway.hits and KEY in _Gateway.hits[0], (out, err)  # the gateway got its key
    logged = out + err
    assert "sent by sms to 0912 ••• 678" in logged, logged
    assert KEY not in logged
    for form in (PHONE, "84912345678", "912345678", "0912 345 678"):
        assert form not in logged, form
    assert "HTTP Request" not in logged and "apikey=" not in logged.replace("apikey=***", "")


def _booby_trap(db_url) -> None:
    """A trigger that fails every new patient, with a message of its own."""
    from recall_tui.store.database import Database

    db = Database(db_url)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if db.is_sqlite:
            conn.execute(text("CREATE TRIGGER trap BEFORE INSERT ON patient "
                              "BEGIN SELECT RAISE(ABORT, 'trap sprung'); END"))
        else:
            conn.execute(text("CREATE OR REPLACE FUNCTION trap() RETURNS trigger AS $$ "
                              "BEGIN RAISE EXCEPTION 'trap sprung'; END; $$ LANGUAGE plpgsql"))
            conn.execute(text("CREATE TRIGGER trap BEFORE INSERT ON patient "
                              "FOR EACH ROW EXECUTE FUNCTION trap()"))
    db.dispose()


def _disarm(db_url) -> None:
    from recall_tui.store.database import Database

    db = Database(db_url)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("DROP TRIGGER trap" if db.is_sqlite else
                          "DROP TRIGGER trap ON patient"))
    db.dispose()


def test_an_unforeseen_error_shows_no_sql_and_no_patient_data(recall, db_url):
    _booby_trap(db_url)
    try:
        for json_flag in ([], ["--json"]):
            code, out, err = recall("patient", "add", "--name", "Trần Bí Mật",
                                    "--address", "Số 7 Ngõ Kín", "--phone", PHONE,
                                    "--now", NOW, *json_flag)
            assert code == 4, (out, err)
            said = out + err
            for private in ("Bí Mật", "Ngõ Kín", "84912345678", "INSERT", "SELECT",
                            "patient (", "trap sprung", "Traceback"):
                assert private not in said, (private, said)
            assert "IntegrityError" in said or "InternalError" in said or "Error" in said
            if json_flag:
                assert error_of(out)["code"] == "internal"
    finally:
        _disarm(db_url)


def test_the_remind_command_masks_recipients_in_its_report(db_url, tmp_path, capsys,
                                                          monkeypatch):
    from recall_tui.config import load
    from recall_tui.entry import main
    from recall_tui.services import booking, patients
    from recall_tui.services.context import Context
    from recall_tui.store.database import Database

    monkeypatch.setenv("RECALL_SMS_HTTP_KEY", KEY)
    config = tmp_path / "recall.toml"
    config.write_text(TEST_TOML + '\n[channels.sms]\nprovider = "http"\nmethod = "GET"\n'
                      'url = "http://127.0.0.1:9/send?apikey={key}&to={phone}"\n'
                      f'\n[database]\nurl = "{db_url}"\n', encoding="utf-8")
    ctx = Context(cfg=load(str(config)), db=Database(db_url), actor="lan")
    now = datetime.fromisoformat(NOW).replace(tzinfo=ctx.tz)
    card = patients.add(ctx, name="Lê Văn A", now=now, phones_in=[patients.PhoneIn(PHONE)],
                        channels=["sms"])
    booking.book(ctx, patient=card.mrn, clinic="NOI", day=now.date() + timedelta(days=1),
                 part="morning", now=now)
    ctx.db.dispose()
    code = main(["remind", "--dry-run", "--now", "2026-11-25T09:00", "--config", str(config)])
    out = capsys.readouterr().out
    assert code == 0
    assert "would send" in out and "0912 ••• 678" in out
    assert PHONE not in out and "84912345678" not in out
