"""The scriptable CLI: exit codes, --json, bad input changes nothing, never a traceback."""

from __future__ import annotations

import json

import pytest

from recall_tui.entry import main

pytestmark = pytest.mark.storage
NOW = "2026-11-25T08:00"


@pytest.fixture
def recall(config_file, capsys):
    def run(*args: str) -> tuple[int, str, str]:
        code = main([*args, "--config", str(config_file)])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def j(out: str) -> dict:
    return json.loads(out)


def add_patient(recall, name="Nguyễn Thị Hồng", phone="0912 345 678") -> str:
    code, out, _ = recall("patient", "add", "--name", name, "--phone", phone, "--now", NOW,
                          "--json")
    assert code == 0, out
    return j(out)["mrn"]


def test_patient_add_assigns_mrn_and_search_finds_unaccented(recall):
    mrn = add_patient(recall)
    assert mrn == "TS0000001"
    code, out, _ = recall("patient", "search", "nguyen thi hong", "--json")
    assert code == 0 and j(out)[0]["mrn"] == mrn
    for form in ("+84 912 345 678", "84912345678", "0912345678"):
        code, out, _ = recall("patient", "search", form, "--json")
        assert [h["mrn"] for h in j(out)] == [mrn], form


def test_book_flow_and_json_shape(recall):
    mrn = add_patient(recall)
    code, out, _ = recall("book", "--patient", mrn, "--clinic", "NOI", "--date", "2026-11-26",
                          "--session", "morning", "--now", NOW, "--json")
    assert code == 0
    b = j(out)
    assert b["day"] == "2026-11-26" and b["queue_no"] == 1 and len(b["display_code"]) == 8
    code, out, _ = recall("confirm", b["display_code"].lower(), "--now", NOW, "--json")
    assert code == 0 and j(out)["status"] == "confirmed"
    code, out, _ = recall("today", "--date", "2026-11-26", "--now", NOW, "--json")
    assert [r["status"] for r in j(out)["rows"]] == ["confirmed"]
    code, out, _ = recall("reschedule", b["code"], "--date", "2026-11-27", "--session",
                          "afternoon", "--now", NOW, "--json")
    assert code == 0 and j(out)["previous_code"] == b["code"]
    code, out, _ = recall("cancel", j(out)["code"], "--by", "clinic", "--reason",
                          "Bác sĩ nghỉ", "--now", NOW, "--json")
    assert code == 0 and j(out)["status"] == "cancelled"


@pytest.mark.parametrize("args,field", [
    (["book", "--patient", "TS0000001", "--clinic", "NOI", "--date", "2026-02-30",
      "--session", "morning"], "date"),
    (["book", "--patient", "TS0000001", "--clinic", "NOI", "--date", "2026-11-26",
      "--session", "midnight"], "session"),
    (["book", "--patient", "TS0000001", "--clinic", "XYZ", "--date", "2026-11-26",
      "--session", "morning"], "clinic"),
    (["book", "--patient", "NOBODY", "--clinic", "NOI", "--date", "2026-11-26",
      "--session", "morning"], "patient"),
    (["patient", "add", "--name", "Lê Văn A", "--phone", "12345"], "phone"),
    (["patient", "add", "--name", "  ", "--phone", "0912345678"], "name"),
    (["patient", "add", "--name", "Lê Văn A", "--email", "not-an-email"], "email"),
    (["confirm", "ZZZZ-ZZZ"], "code"),
    (["order", "add", "--patient", "TS0000001", "--clinic", "NOI", "--interval", "soon"],
     "interval"),
    (["today", "--date", "31/02/2026"], "date"),
    (["book", "--patient", "TS0000001", "--clinic", "NOI", "--date", "2026-11-26",
      "--session", "morning", "--now", "yesterday-ish"], "now"),
])
def test_bad_input_exits_1_names_the_field_and_changes_nothing(recall, args, field):
    add_patient(recall)
    _, before, _ = recall("patient", "search", "a", "--json")
    code, out, err = recall(*args, "--json")
    assert code == 1, (out, err)
    assert j(out)["error"]["field"] == field
    assert "Traceback" not in out + err
    _, after, _ = recall("patient", "search", "a", "--json")
    assert before == after
    code, out, _ = recall("today", "--date", "2026-11-26", "--now", NOW, "--json")
    assert j(out)["rows"] == []


def test_refusals_exit_3_with_reason(recall):
    mrns = [add_patient(recall, f"Người Số {i}", f"091200000{i}") for i in range(4)]
    for m in mrns[:3]:
        assert recall("book", "--patient", m, "--clinic", "NOI", "--date", "2026-11-26",
                      "--session", "morning", "--now", NOW)[0] == 0
    code, out, err = recall("book", "--patient", mrns[3], "--clinic", "NOI", "--date",
                            "2026-11-26", "--session", "morning", "--now", NOW)
    assert code == 3 and "đủ" in err  # Vietnamese by default
    code, out, _ = recall("book", "--patient", mrns[3], "--clinic", "NOI", "--date",
                          "2026-12-24", "--session", "morning", "--now", NOW, "--json")
    assert code == 3 and j(out)["error"]["code"] == "session.closed"


def test_ambiguous_session_exits_1_listing_doctors(recall):
    mrn = add_patient(recall)
    code, out, _ = recall("book", "--patient", mrn, "--clinic", "TM", "--date", "2026-11-27",
                          "--session", "morning", "--now", NOW, "--json")
    assert code == 1 and j(out)["error"]["details"]["doctors"] == ["BS1", "BS2"]


def test_usage_error_exits_2(recall):
    code, _, err = recall("book", "--no-such-option")
    assert code == 2 and "Traceback" not in err


def test_sessions_and_sweep_and_backup(recall, tmp_path, db_url):
    code, out, _ = recall("sessions", "--clinic", "NOI", "--from", "2026-12-21", "--to",
                          "2026-12-26", "--now", NOW, "--json")
    assert code == 0
    closed = {(s["day"], s["part"]): s["closed_reason"] for s in j(out)}
    assert closed[("2026-12-24", "morning")] == "Hội nghị"
    assert closed[("2026-12-23", "morning")] is None
    assert recall("sweep", "--now", NOW, "--json")[0] == 0
    code, out, _ = recall("backup", str(tmp_path / "copy.db"), "--json")
    if db_url.startswith("sqlite"):
        assert code == 0 and (tmp_path / "copy.db").stat().st_size > 0
    else:
        assert code == 1 and j(out)["error"]["field"] == "database"
