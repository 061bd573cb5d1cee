"""Issue 9's bugs, each through the public entry point (`recall ...`), on both databases."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from recall_tui.entry import main

pytestmark = pytest.mark.storage
NOW = "2026-11-25T08:00"  # Wednesday


@pytest.fixture
def recall(config_file, capsys):
    def run(*args: str) -> tuple[int, dict | list | None, str]:
        code = main([*args, "--config", str(config_file), "--json"])
        out = capsys.readouterr()
        return code, json.loads(out.out) if out.out.strip() else None, out.err

    return run


def _patient(recall, name="Nguyễn Thị Hồng", phone="0912 345 678") -> str:
    code, out, _ = recall("patient", "add", "--name", name, "--phone", phone, "--now", NOW)
    assert code == 0, out
    return out["mrn"]


def test_a_target_outside_its_own_window_is_refused(recall):
    mrn = _patient(recall)
    code, out, _ = recall("order", "add", "--patient", mrn, "--clinic", "NOI", "--target",
                          "2026-12-30", "--earliest", "2026-12-10", "--latest", "2026-12-18",
                          "--now", NOW)
    assert code == 1 and out["error"]["code"] == "order.target_outside"
    code, out, _ = recall("patient", "show", mrn)
    assert out["orders"] == []  # nothing written


def test_an_order_may_be_a_window_alone(recall):
    mrn = _patient(recall)
    code, out, _ = recall("order", "add", "--patient", mrn, "--clinic", "NOI", "--earliest",
                          "2026-12-10", "--latest", "2026-12-18", "--now", NOW)
    assert code == 0, out
    assert (out["target_date"], out["earliest"], out["latest"]) == (
        "2026-12-10", "2026-12-10", "2026-12-18")


def test_a_series_keeps_its_own_cadence_after_check_in(recall):
    mrn = _patient(recall)
    code, out, _ = recall("order", "add", "--patient", mrn, "--clinic", "NOI", "--interval",
                          "14 ngày", "--series", "hàng tháng x 6", "--now", NOW)
    assert code == 0 and out["target_date"] == "2026-12-09", out
    order = out["id"]
    code, b, _ = recall("book", "--suggest", "--order", str(order), "--now", NOW)
    assert code == 0, b
    code, m, _ = recall("checkin", b["code"], "--now", f"{b['day']}T07:30")
    assert code == 0, m
    visit = b["day"]
    from datetime import date

    from recall_tui.core.parse import add_months
    assert m["next_target"] == add_months(date.fromisoformat(visit), 1).isoformat()


@pytest.mark.parametrize(("args", "code_"), [
    (("--interval", "-14 ngày"), "interval.negative"),
    (("--interval", "14 ngày", "--series", "monthly x -1"), "series.negative"),
    (("--interval", "mười ngày"), "interval.invalid"),
])
def test_negative_or_unreadable_intervals_are_refused(recall, args, code_):
    mrn = _patient(recall)
    code, out, _ = recall("order", "add", "--patient", mrn, "--clinic", "NOI", *args,
                          "--now", NOW)
    assert code == 1 and out["error"]["code"] == code_


def test_a_year_is_understood(recall):
    mrn = _patient(recall)
    code, out, _ = recall("order", "add", "--patient", mrn, "--clinic", "NOI", "--interval",
                          "1 năm", "--now", NOW)
    assert code == 0 and out["target_date"] == "2027-11-25"


def test_a_doctor_must_work_in_the_orders_clinic(recall):
    mrn = _patient(recall)
    code, out, _ = recall("order", "add", "--patient", mrn, "--clinic", "NOI", "--doctor",
                          "BS1", "--interval", "14 ngày", "--now", NOW)
    assert code == 1 and out["error"]["code"] == "doctor.clinic"
    assert "TM" in out["error"]["message"]
    code, out, _ = recall("book", "--patient", mrn, "--clinic", "MAT", "--doctor", "BS1",
                          "--date", "2026-11-26", "--session", "afternoon", "--now", NOW)
    assert code == 1 and out["error"]["code"] == "doctor.clinic"


def test_an_ended_session_cannot_be_booked_and_says_why(recall):
    mrn = _patient(recall)
    # 22:46: that morning's session is over
    code, out, _ = recall("book", "--patient", mrn, "--clinic", "NOI", "--date", "2026-11-25",
                          "--session", "morning", "--now", "2026-11-25T22:46")
    assert code == 3 and out["error"]["code"] == "session.ended"
    code, out, _ = recall("book", "--patient", mrn, "--clinic", "NOI", "--date", "2026-11-25",
                          "--session", "morning", "--now", "2026-11-25T09:00")
    assert code == 3 and out["error"]["code"] == "session.started"
    code, out, _ = recall("book", "--patient", mrn, "--clinic", "NOI", "--date", "hôm nay",
                          "--session", "afternoon", "--now", "2026-11-25T09:00")
    assert code == 0, out


def test_the_cli_reads_dates_and_times_as_the_desk_does(recall):
    mrn = _patient(recall)
    for raw in ("26/11", "27.11.2026", "+5"):
        code, out, _ = recall("book", "--patient", mrn, "--clinic", "NOI", "--date", raw,
                              "--session", "morning", "--now", NOW)
        assert code == 0, (raw, out)
    code, out, _ = recall("book", "--patient", mrn, "--clinic", "MAT", "--date", "26/11",
                          "--session", "afternoon", "--time", "13h45", "--now", NOW)
    assert code == 0 and out["at_time"] == "13:45:00", out


def test_patient_show_lists_the_orders(config_file, recall, capsys):
    mrn = _patient(recall)
    recall("order", "add", "--patient", mrn, "--clinic", "NOI", "--interval", "2 tuần",
           "--instructions", "Nhịn ăn sáng", "--now", NOW)
    code = main(["patient", "show", mrn, "--config", str(config_file)])
    shown = capsys.readouterr().out
    assert code == 0
    assert "Chỉ định tái khám" in shown and "09/12/2026" in shown and "Nhịn ăn sáng" in shown


def test_stats_csv_into_a_closed_pipe_stops_quietly(config_file, recall):
    """`recall stats --csv | head -3`: the reader is gone before recall writes."""
    mrn = _patient(recall)
    recall("book", "--patient", mrn, "--clinic", "NOI", "--date", "26/11", "--session",
           "morning", "--now", NOW)
    exe = Path(sys.executable).with_name("recall")
    proc = subprocess.Popen([str(exe), "stats", "--csv", "--by", "weekday", "--config",
                             str(config_file), "--now", NOW], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.close()  # like `head` that has read what it wanted
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0
    assert err == "", err
