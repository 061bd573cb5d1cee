"""In a real terminal (tmux): open `recall`, find a patient by an unaccented name, book
for today, check in at the check-in screen, and read the result back from the screen."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

TOML = """
[facility]
name = "Phòng khám E2E"
timezone = "Asia/Ho_Chi_Minh"

[holidays]
observe = false

[[clinics]]
code = "NOI"
name = "Khám Nội"

[[templates]]
clinic = "NOI"
days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
part = "evening"
start = "07:00"
end = "23:00"
capacity = 30

[database]
url = "sqlite:///{db}"
"""


def _recall(*args: str, cfg: Path) -> str:
    exe = Path(sys.executable).with_name("recall")
    out = subprocess.run([str(exe), "--config", str(cfg), *args], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


class Terminal:
    def __init__(self, command: str, *, width: int = 100, height: int = 30):
        self.name = f"recall-e2e-{uuid.uuid4().hex[:8]}"
        term = os.environ.get("RECALL_E2E_TERM", "xterm-256color")  # e.g. linux: 16 colours
        subprocess.run(["tmux", "new-session", "-d", "-s", self.name, "-x", str(width), "-y",
                        str(height), f"env TERM={term} {command}"], check=True)

    def screen(self) -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name],
                              capture_output=True, text=True).stdout

    def keys(self, *keys: str) -> None:
        for k in keys:
            subprocess.run(["tmux", "send-keys", "-t", self.name, k], check=True)
            time.sleep(0.05)

    def type(self, text: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, "-l", text], check=True)

    def wait_for(self, text: str, timeout: float = 15.0) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


def test_find_book_and_check_in_in_a_real_terminal(tmp_path):
    cfg = tmp_path / "recall.toml"
    cfg.write_text(TOML.format(db=tmp_path / "desk.db"), encoding="utf-8")
    _recall("init", cfg=cfg)
    _recall("patient", "add", "--name", "Trương Thị Xuân Mai", "--phone", "0909 888 777",
            "--born", "1970", cfg=cfg)
    today = date(2026, 12, 3)  # the desk's clock stands at 06:30, before the session opens
    exe = Path(sys.executable).with_name("recall")
    term = Terminal(f"{exe} --config {cfg} --now {today.isoformat()}T06:30")
    try:
        term.wait_for("Hẹn 0")
        term.keys("F3")
        term.wait_for("Tìm bệnh nhân")
        term.type("truong thi xuan")
        term.wait_for("Trương Thị Xuân Mai")
        term.keys("Enter")
        time.sleep(0.3)
        term.keys("Enter")
        term.wait_for("Bệnh nhân: Trương Thị Xuân Mai")
        term.type(f"{today:%d/%m/%Y}")
        term.keys("Enter")
        term.wait_for("★")
        term.keys("Enter")
        term.wait_for("Đã hẹn")
        term.keys("F4")
        term.wait_for("Mã phiếu")
        term.type("0909888777")
        term.keys("Enter")
        term.wait_for("Đã điểm danh Trương Thị Xuân Mai")
        term.wait_for("1 đã điểm danh")
        term.keys("F2")
        term.wait_for("Đã đến 1")
        term.keys("C-q")
    finally:
        term.close()
