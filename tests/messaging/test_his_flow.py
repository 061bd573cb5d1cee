"""Slips from the hospital's system end at the patient: the drop folder watched by a real
`recall daemon`, bookings made at once and confirmations counted at a real SMTP server,
exactly once; and no diagnosis in any message or slip meant for the patient."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from recall_tui.entry import main
from recall_tui.store.rows import appointment, his_slip, order
from tests.interop import builders as b

pytestmark = pytest.mark.storage
RECALL = str(Path(sys.executable).with_name("recall"))
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DIAGNOSIS = ("I10", "E11", "E78", "huyết áp", "Huyết áp", "HUYẾT ÁP", "đái tháo", "ICD")


def with_his(config: Path, inbox: Path | None = None, **extra: str) -> Path:
    lines = ['[his]', 'default_clinic = "NOI"', 'auto_book = true']
    if inbox is not None:
        lines += [f'inbox = "{inbox}"', "scan_seconds = 1", "settle_seconds = 0"]
    lines += [f"{k} = {v}" for k, v in extra.items()]
    config.write_text(config.read_text(encoding="utf-8") + "\n" + "\n".join(lines) + "\n",
                      encoding="utf-8")
    return config


def mail_text(msg) -> str:
    out = []
    for part in msg.walk():
        if part.get_content_maintype() == "multipart":
            continue
        payload = part.get_payload(decode=True) or b""
        out.append(payload.decode("utf-8", "replace"))
    out.append(str(msg["Subject"]))
    return "\n".join(out)


def register(config: Path, i: int, now: str) -> None:
    """The desk knew these patients already (with an e-mail address)."""
    code = main(["patient", "add", "--name", f"Bệnh Nhân {i}", "--email", f"bn{i}@benhnhan.test",
                 "--channels", "email", "--cccd", f"07907000{i:04d}", "--config", str(config),
                 "--now", now])
    assert code == 0


def slip_file(i: int, target: date, **x14) -> bytes:
    ma_lk, card = f"LK{i:08d}", f"DN47979151{i:05d}"
    return b.envelope(b.visit(ma_lk, x1={"SO_CCCD": f"07907000{i:04d}", "MA_BN": f"BN{i}",
                                          "HO_TEN": f"BỆNH NHÂN {i}", "MA_THE_BHYT": card},
                              x14={"HO_TEN": f"BỆNH NHÂN {i}", "MA_THE_BHYT": card,
                                   "NGAY_HEN_KL": f"{target:%Y%m%d}", **x14}))


def test_no_diagnosis_reaches_the_patient(ctx, smtp, msg_config, tmp_path, capsys):
    config = with_his(msg_config)
    now = "2026-11-25T09:00"
    register(config, 1, now)
    capsys.readouterr()
    f = b.write(tmp_path, "a.xml", slip_file(1, date(2026, 12, 10)))
    assert main(["import", "his", str(f), "--config", str(config), "--now", now, "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    code = rep["files"][0]["slips"][0]["booked"]
    with ctx.db.read() as conn:
        slip = conn.execute(select(his_slip)).one()
        day = conn.execute(select(appointment.c.day).where(appointment.c.code == code)
                           ).scalar_one()
    assert slip.icd_main == "I10"  # kept, for the statistics only
    # the confirmation now, the reminder three days before
    assert main(["remind", "--config", str(config), "--now", now]) == 0
    reminder_at = datetime.combine(day - timedelta(days=3), datetime.min.time()).replace(hour=10)
    assert main(["remind", "--config", str(config), "--now", reminder_at.isoformat()]) == 0
    capsys.readouterr()
    kinds = sorted(str(m["Message-ID"]).split(":")[-1].split("@")[0] for m in smtp.box.mails)
    assert len(smtp.box.mails) == 2, kinds
    for m in smtp.box.mails:
        text = mail_text(m)
        assert "Bệnh Nhân 1" in text or "Benh Nhan 1" in text
        for word in DIAGNOSIS:
            assert word not in text, (word, text)
    # the printed slip
    pdf = tmp_path / "slip.pdf"
    assert main(["slip", code, "--pdf", str(pdf), "--config", str(config), "--now", now]) == 0
    pypdf = pytest.importorskip("pypdf")
    printed = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(
        pdf.read_bytes())).pages)
    assert "Bệnh Nhân 1" in printed or "BỆNH NHÂN 1" in printed.upper()
    for word in DIAGNOSIS:
        assert word not in printed, word


def drop(inbox: Path, name: str, data: bytes) -> None:
    """As a hospital's system should: written aside, then renamed into the folder."""
    tmp = inbox / f".{name}.part"
    tmp.write_bytes(data)
    os.replace(tmp, inbox / name)


def wait_for(cond, timeout: float = 90.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.1)
    return cond()


def test_the_daemon_turns_dropped_files_into_bookings_and_confirmations_once(
        ctx, smtp, msg_config, tmp_path):
    inbox = tmp_path / "his-inbox"
    config = with_his(msg_config, inbox)
    config.write_text(config.read_text(encoding="utf-8") +
                      '\n[reminders]\nallowed_hours = ["00:00", "23:59:59"]\n', encoding="utf-8")
    today = datetime.now(TZ).date()
    for i in (1, 2, 3):
        register(config, i, datetime.now(TZ).isoformat(timespec="minutes"))
    target = today + timedelta(days=14)
    proc = subprocess.Popen([RECALL, "daemon", "--config", str(config)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stderr), daemon=True)
    reader.start()
    done = inbox / "done"
    try:
        assert wait_for(lambda: any("HIS drop folder" in ln for ln in lines)), "".join(lines)
        drop(inbox, "GDHS_0001.xml", slip_file(1, target))
        assert wait_for(lambda: (done / "GDHS_0001.xml").exists()), "".join(lines)
        drop(inbox, "GDHS_0002.xml", slip_file(2, target))
        drop(inbox, "GDHS_0003.xml", slip_file(3, target + timedelta(days=1)))
        drop(inbox, "GDHS_0001-resent.xml", slip_file(1, target))  # the HIS sent it again
        drop(inbox, "broken.xml", b"<GIAMDINHHS><THONGTINDONVI>")  # cut short
        assert wait_for(lambda: len(list(done.glob("*.xml"))) == 4
                        and (inbox / "failed" / "broken.xml").exists()), "".join(lines)
        assert wait_for(lambda: len(smtp.box.ids) >= 3), "".join(lines)
        time.sleep(1.5)  # a scan or two more: nothing else may arrive
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
        reader.join(timeout=5)
    err = "".join(lines)
    assert proc.returncode == 0, err
    reason = (inbox / "failed" / "broken.xml.reason.txt").read_text(encoding="utf-8")
    assert "broken.xml" in reason and "XML" in reason
    with ctx.db.read() as conn:
        orders = conn.execute(select(func.count()).select_from(order)).scalar_one()
        booked = conn.execute(select(func.count()).select_from(appointment).where(
            appointment.c.source == "auto")).scalar_one()
    assert (orders, booked) == (3, 3)
    counts = smtp.box.counts()
    assert len(counts) == 3 and set(counts.values()) == {1}, counts  # each confirmation once
    assert list(inbox.glob("*.xml")) == []
