"""`recall import`: mapping, checks row by row, all-or-nothing, no duplicates, history kept
as facts (dates never shifted through a zone), on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from recall_tui.entry import main

pytestmark = pytest.mark.storage
NOW = "2026-11-25T08:00"

APPT_MAP = """
kind = "appointments"
clinic = "NOI"
timezone = "Asia/Ho_Chi_Minh"

[columns]
external_id = "ApptId"
patient_mrn = "PatientId"
patient_name = "Name"
sex = "Sex"
booked_at = "Booked"
day = "Day"
age = "Age"
reminded = "SMS"
status = "NoShow"

[values.status]
"Yes" = "no_show"
"No" = "completed"
"Cancel" = "cancelled"

[values.sex]
"Nam" = "M"
"Nữ" = "F"
"""

HEADER = "PatientId,ApptId,Name,Sex,Booked,Day,Age,SMS,NoShow\n"
GOOD = [
    # booked 00:30 local on 2 Nov (17:30 UTC on 1 Nov): lead 0, not 1
    "9377952927E-5,A1,Nguyễn Thị Hồng,Nữ,2026-11-01T17:30:00Z,2026-11-02T00:00:00Z,40,0,No",
    # the same patient twice on one day
    "9377952927E-5,A2,Nguyễn Thị Hồng,Nữ,2026-10-20T02:00:00Z,2026-11-02T00:00:00Z,40,1,Yes",
    # booked after the day it is for (as real history has), unknown age
    "P2,A3,,Nam,2026-11-05T03:00:00Z,2026-11-03T00:00:00Z,-1,0,No",
    "P3,A4,Trần Văn Nam,Nam,2026-10-01T03:00:00Z,2026-10-15T00:00:00Z,67,1,Cancel",
]


@pytest.fixture
def recall(config_file, capsys):
    def run(*args: str) -> tuple[int, str, str]:
        now = [] if args[:2] == ("patient", "search") else ["--now", NOW]
        code = main([*args, "--config", str(config_file), *now])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


@pytest.fixture
def files(tmp_path):
    (tmp_path / "map.toml").write_text(APPT_MAP, encoding="utf-8")

    def write(lines: list[str], name: str = "appts.csv"):
        path = tmp_path / name
        path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
        return str(path), str(tmp_path / "map.toml")

    return write


def _count(ctx, table: str) -> int:
    with ctx.db.read() as conn:
        return int(conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())


def test_history_imports_as_facts(ctx, recall, files):
    path, mapping = files(GOOD)
    code, out, err = recall("import", "appointments", path, "--mapping", mapping, "--json")
    rep = json.loads(out)
    assert code == 0, err
    assert (rep["appointments_created"], rep["patients_created"]) == (4, 3)
    with ctx.db.read() as conn:
        rows = {r.external_id: r for r in conn.execute(text(
            "SELECT a.external_id, a.day, a.status, a.reminded, a.source, a.active_key, "
            "a.cancelled_by, p.mrn, p.full_name, p.birth_year FROM appointment a "
            "JOIN patient p ON p.id = a.patient_id"))}
    assert str(rows["A1"].day)[:10] == "2026-11-02"  # a date stays its date
    assert rows["A1"].mrn == "9377952927E-5" and rows["A1"].full_name == "Nguyễn Thị Hồng"
    assert rows["A2"].status == "no_show" and bool(rows["A2"].reminded)
    assert {r.source for r in rows.values()} == {"import"}
    assert all(r.active_key is None for r in rows.values())
    assert rows["A3"].full_name == "BN P2" and rows["A3"].birth_year is None
    assert rows["A4"].status == "cancelled" and rows["A4"].cancelled_by == "patient"

    code, out, _ = recall("stats", "--by", "lead", "--json")
    groups = {g["key"]: g["figures"] for g in json.loads(out)["groups"]}
    assert groups["0"]["booked"] == 1 and groups["<0"]["booked"] == 1  # A1 lead 0, A3 -2
    code, out, _ = recall("stats", "--by", "age", "--json")
    groups = {g["key"]: g["figures"] for g in json.loads(out)["groups"]}
    assert groups["unknown"]["booked"] == 1 and groups["40-49"]["booked"] == 2


def test_importing_again_adds_nothing(ctx, recall, files):
    path, mapping = files(GOOD)
    assert recall("import", "appointments", path, "--mapping", mapping)[0] == 0
    code, out, _ = recall("import", "appointments", path, "--mapping", mapping, "--json")
    rep = json.loads(out)
    assert code == 0 and rep["already"] == 4 and rep["appointments_created"] == 0
    assert _count(ctx, "appointment") == 4 and _count(ctx, "patient") == 3


def test_bad_rows_are_named_and_nothing_is_written(ctx, recall, files):
    bad = GOOD + [
        "P9,B1,X,Nam,2026-10-01T03:00:00Z,2026-13-01T00:00:00Z,30,0,No",   # row 6: month 13
        "P9,B2,X,Nam,yesterday,2026-10-01T00:00:00Z,30,0,No",              # row 7: booked
        "P9,B3,X,Nam,2026-10-01T03:00:00Z,2026-10-02T00:00:00Z,30,0,Maybe",  # row 8
        "P9,B4,X,Nam,2026-10-01T03:00:00Z,2026-10-02T00:00:00Z,thirty,0,No",  # row 9
        ",B5,X,Nam,2026-10-01T03:00:00Z,2026-10-02T00:00:00Z,30,0,No",      # row 10
        "P9,A1,X,Nam,2026-10-01T03:00:00Z,2026-10-02T00:00:00Z,30,0,No",    # row 11: repeat
        "P9,B6,X,Nam,2026-10-01T03:00:00Z,2026-10-02T00:00:00Z,30,2,No",    # row 12: SMS 2
    ]
    path, mapping = files(bad)
    code, _, err = recall("import", "appointments", path, "--mapping", mapping)
    assert code == 1
    for row, word in ((6, "Day"), (7, "Booked"), (8, "Maybe"), (9, "thirty"),
                      (10, "patient_mrn"), (11, "repeats row 2"), (12, "SMS")):
        line = next((ln for ln in err.splitlines() if ln.strip().startswith(f"row {row}:")), "")
        assert word in line, (row, err)
    assert "row 2:" not in err and "Nothing was written" in err
    assert _count(ctx, "appointment") == 0 and _count(ctx, "patient") == 0

    code, out, _ = recall("import", "appointments", path, "--mapping", mapping, "--skip-bad",
                          "--json")
    rep = json.loads(out)
    assert code == 0 and rep["bad_count"] == 7 and rep["appointments_created"] == 4
    assert _count(ctx, "appointment") == 4


def test_dry_run_checks_and_writes_nothing(ctx, recall, files):
    path, mapping = files(GOOD)
    code, out, _ = recall("import", "appointments", path, "--mapping", mapping, "--dry-run")
    assert code == 0 and "Would import: 4 appointments, 3 new patients" in out
    assert _count(ctx, "appointment") == 0


def test_a_broken_mapping_or_file_is_a_clear_error(recall, files, tmp_path):
    path, mapping = files(GOOD)
    broken = tmp_path / "broken.toml"
    broken.write_text(APPT_MAP.replace('status = "NoShow"', 'colour = "NoShow"'))
    code, _, err = recall("import", "appointments", path, "--mapping", str(broken))
    assert code == 1 and "colour" in err and "Traceback" not in err
    code, _, err = recall("import", "appointments", str(tmp_path / "none.csv"), "--mapping",
                          mapping)
    assert code == 1 and "none.csv" in err
    code, _, err = recall("import", "patients", path, "--mapping", mapping)
    assert code == 1 and "appointments" in err
    elsewhere = tmp_path / "elsewhere.toml"
    elsewhere.write_text(APPT_MAP.replace('clinic = "NOI"', 'clinic = "VIT"'))
    code, _, err = recall("import", "appointments", path, "--mapping", str(elsewhere))
    assert code == 1 and "VIT" in err and err.count("\n") <= 2


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # refused before any storage
@pytest.mark.parametrize(("old", "new", "key", "words"), [
    ('timezone = "Asia/Ho_Chi_Minh"', 'timezone = "Asia/Ho_Chi_Minh"\ncolour = "red"',
     "colour", ("không có thiết lập này", "delimiter")),
    ('age = "Age"', 'age = "Age"\ncolour = "Colour"', "columns.colour",
     ("không có thiết lập này", "patient_mrn")),
    ('[values.sex]', '[values.colour]', "values.colour", ("không có thiết lập này",)),
    ('clinic = "NOI"', 'clinic = "NOI"\ndelimiter = ";;"', "delimiter", ("một ký tự",)),
    ('clinic = "NOI"', 'clinic = "NOI"\nencoding = "klingon"', "encoding",
     ("không biết bảng mã",)),
    ('clinic = "NOI"', 'clinic = "NOI"\nunnamed = "BN {name}"', "unnamed", ("{mrn}",)),
    ('clinic = "NOI"', 'clinic = "NOI"\npart = "noon"', "part", ("morning",)),
    ('"Cancel" = "cancelled"\n', '"Cancel" = "cancelled"\n[formats]\nstatus = "%d"',
     "formats.status", ("không có thiết lập này", "booked_at")),
    ('booked_at = "Booked"\n', '', "columns.booked_at", ("thiếu: cột chứa booked_at",)),
])
def test_a_wrong_mapping_setting_is_named_with_file_line_and_key(recall, files, tmp_path, old,
                                                                 new, key, words):
    path, _ = files(GOOD)
    text = APPT_MAP.replace(old, new, 1)
    assert text != APPT_MAP
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    code, _, err = recall("import", "appointments", path, "--mapping", str(bad))
    assert code == 1 and "Traceback" not in err
    needle = (new or "[columns]").splitlines()[-1]
    line = next(i + 1 for i, ln in enumerate(text.splitlines()) if needle in ln)
    assert f"{bad}:{line}: {key}: " in err, err
    for w in words:
        assert w in err, err


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_folder_is_not_a_mapping(recall, files, tmp_path):
    path, _ = files(GOOD)
    code, _, err = recall("import", "appointments", path, "--mapping", str(tmp_path))
    assert code == 1 and "thư mục" in err and "Traceback" not in err


PATIENT_MAP = """
kind = "patients"
[columns]
mrn = "Ma BN"
full_name = "Ho ten"
birth_date = "Ngay sinh"
phone = "Dien thoai"
[formats]
birth_date = "%d/%m/%Y"
"""


def test_patients_import_by_mrn(ctx, recall, tmp_path):
    (tmp_path / "p.toml").write_text(PATIENT_MAP, encoding="utf-8")
    csv_path = tmp_path / "p.csv"
    csv_path.write_text("Ma BN,Ho ten,Ngay sinh,Dien thoai\n"
                        "BV001,Lê Thị Mai,05/03/1958,0912 345 678\n"
                        "BV002,Phạm Văn Long,31/12/1990,\n", encoding="utf-8")
    code, out, _ = recall("import", "patients", str(csv_path), "--mapping",
                          str(tmp_path / "p.toml"), "--json")
    assert code == 0 and json.loads(out)["patients_created"] == 2
    code, out, _ = recall("patient", "search", "le thi mai", "--json")
    assert json.loads(out)[0]["mrn"] == "BV001"
    code, out, _ = recall("import", "patients", str(csv_path), "--mapping",
                          str(tmp_path / "p.toml"), "--json")
    assert json.loads(out)["already"] == 2 and _count(ctx, "patient") == 2
    csv_path.write_text("Ma BN,Ho ten,Ngay sinh,Dien thoai\n"
                        "BV003,Ngô Văn A,31/02/1990,\n"
                        "BV004,Ngô Văn B,01/01/1990,12\n", encoding="utf-8")
    code, _, err = recall("import", "patients", str(csv_path), "--mapping",
                          str(tmp_path / "p.toml"))
    assert code == 1 and "row 2:" in err and "row 3:" in err and _count(ctx, "patient") == 2


def test_xlsx_reads_like_csv_ids_as_text(ctx, recall, files, tmp_path):
    openpyxl = pytest.importorskip("openpyxl", reason="XLSX import needs openpyxl (optional)")
    from datetime import datetime

    _, mapping = files(GOOD)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER.strip().split(","))
    ws.append(["9377952927E-5", 5642903, "Lê Thị Mai", "Nữ", "2026-10-01T03:00:00Z",
               datetime(2026, 10, 15), 40, 1, "No"])
    ws.append([12345, "X2", "Lê Văn Ba", "Nam", "2026-10-01T03:00:00Z", "2026-10-16", 33,
               0, "Yes"])
    path = tmp_path / "appts.xlsx"
    wb.save(path)
    code, out, err = recall("import", "appointments", str(path), "--mapping", mapping, "--json")
    assert code == 0, err
    with ctx.db.read() as conn:
        got = {r.external_id: (r.mrn, str(r.day)[:10]) for r in conn.execute(text(
            "SELECT a.external_id, p.mrn, a.day FROM appointment a "
            "JOIN patient p ON p.id = a.patient_id"))}
    assert got == {"5642903": ("9377952927E-5", "2026-10-15"), "X2": ("12345", "2026-10-16")}
