"""`recall remind`, `recall inbox`, `recall daemon` as an operator runs them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import book_many

pytestmark = pytest.mark.storage
RECALL = str(Path(sys.executable).with_name("recall"))


def recall(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([RECALL, *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ})


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # both: test_remind*.py
def test_dry_run_lists_then_remind_sends(ctx, now, smtp, msg_config):
    book_many(ctx, now, 2)
    at = "2026-11-25T08:30"
    out = recall("remind", "--dry-run", "--json", "--config", str(msg_config), "--now", at)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert len(data["items"]) == 2 and smtp.box.ids == []
    out = recall("remind", "--config", str(msg_config), "--now", at)
    assert out.returncode == 0 and "Sent 2;" in out.stdout
    assert len(smtp.box.ids) == 2
    night = recall("remind", "--config", str(msg_config), "--now", "2026-11-25T23:00")
    assert night.returncode == 0 and "Outside the allowed hours" in night.stdout


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # no database work
def test_bad_channel_settings_are_named_not_a_traceback(ctx, msg_config):
    msg_config.write_text(msg_config.read_text(encoding="utf-8").replace(
        'tls = "none"', 'tls = "maybe"'), encoding="utf-8")
    out = recall("remind", "--config", str(msg_config), "--now", "2026-11-25T08:30")
    # refused as the configuration is read (exit 4, its line named), not at the first send
    assert out.returncode == 4 and "channels.email.tls" in out.stderr
    assert "recall.toml:" in out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # both: test_inbox.py
def test_inbox_reads_the_drop_folder(ctx, now, msg_config, tmp_path):
    [b] = book_many(ctx, now, 1, phone=True)
    folder = tmp_path / "replies"
    folder.mkdir()
    (folder / "a.csv").write_text("channel,sender,text,received_at,id\n"
                                  "sms,0912000000,XN,2026-11-25T08:01,g-1\n", encoding="utf-8")
    msg_config.write_text(msg_config.read_text(encoding="utf-8") +
                          f'\n[messages]\ninbox_dir = "{folder}"\n', encoding="utf-8")
    out = recall("inbox", "--json", "--config", str(msg_config), "--now", "2026-11-25T08:05")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["confirmed"] == 1 and data["items"][0]["code"] == b.code


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_daemon_runs_and_stops_cleanly_on_sigterm(ctx, msg_config):
    import threading

    proc = subprocess.Popen([RECALL, "daemon", "--config", str(msg_config)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stderr), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any("daemon started" in ln for ln in lines):
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)
        reader.join(timeout=5)
    finally:
        if proc.poll() is None:
            proc.kill()
    err = "".join(lines)
    assert proc.returncode == 0, err
    assert "recall daemon started: reminders every 1 min" in err
    assert "signal 15" in err and "recall daemon stopped" in err
