"""The real Vitória no-show data: imported, then `recall stats` checked against figures this
test computes itself from the raw CSV (csv module only, its own bands) to 0.01 points.

Skips, saying why, when ../shared/data/noshow-vitoria is absent. SQLite only (slow: the
import of 110,527 rows takes most of the time). The lead time here is the date written in
AppointmentDay minus the date part of ScheduledDay: every booking in the file is between
06:00 and 21:59 UTC, so in the clinics' own zone (UTC-3) it falls on the same date.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from recall_tui.entry import main

REPO = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("RECALL_VITORIA_DIR", REPO.parent / "shared/data/noshow-vitoria"))
FILE = DATA / "KaggleV2-May-2016.csv.gz"
MAPPING = REPO / "data/mappings/vitoria.toml"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("vitoria"),  # one worker imports the file once
    pytest.mark.skipif(not FILE.exists(), reason=f"the Vitória data is not here ({FILE}): "
                       "it lives in ../shared beside the clone, never in the repo"),
]

TOML = """
[facility]
name = "Vitória"
timezone = "America/Sao_Paulo"

[[clinics]]
code = "VIT"
name = "Vitória"

[[templates]]
clinic = "VIT"
days = ["mon", "tue", "wed", "thu", "fri", "sat"]
part = "morning"
start = "07:00"
end = "12:00"
capacity = 50

[database]
url = "{url}"
"""


def lead_band(days: int) -> str:
    if days < 0:
        return "<0"
    for hi, label in ((0, "0"), (2, "1-2"), (7, "3-7"), (14, "8-14"), (30, "15-30"),
                      (60, "31-60"), (90, "61-90")):
        if days <= hi:
            return label
    return ">90"


def age_band(age: int) -> str:
    if age < 0:
        return "unknown"
    return "90+" if age >= 90 else f"{age // 10 * 10}-{age // 10 * 10 + 9}"


class Tally:
    def __init__(self):
        self.n, self.k = Counter(), Counter()

    def add(self, key, no_show: bool) -> None:
        self.n[key] += 1
        self.k[key] += no_show


@pytest.fixture(scope="module")
def expected() -> dict[str, Tally]:
    t = {name: Tally() for name in ("all", "lead", "reminded", "age", "weekday")}
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    with gzip.open(FILE, "rt", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            ns = row["No-show"] == "Yes"
            day = date.fromisoformat(row["AppointmentDay"][:10])
            lead = (day - date.fromisoformat(row["ScheduledDay"][:10])).days
            t["all"].add("all", ns)
            t["lead"].add(lead_band(lead), ns)
            t["reminded"].add((lead_band(lead), "yes" if row["SMS_received"] == "1" else "no"), ns)
            t["age"].add(age_band(int(row["Age"])), ns)
            t["weekday"].add(days[day.weekday()], ns)
    assert t["all"].n["all"] == 110_527
    return t


@pytest.fixture(scope="module")
def recall(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("vitoria")
    cfg = tmp / "recall.toml"
    cfg.write_text(TOML.format(url=f"sqlite:///{tmp / 'vit.db'}"), encoding="utf-8")

    def run(*args: str) -> tuple[int, str]:
        import contextlib
        import io

        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main([*args, "--config", str(cfg)])
        return code, out.getvalue()

    assert run("init")[0] == 0
    code, out = run("import", "appointments", str(FILE), "--mapping", str(MAPPING), "--json",
                    "--now", "2026-11-25T08:00")
    assert code == 0, out
    rep = json.loads(out)
    assert rep["appointments_created"] == 110_527 and rep["bad_count"] == 0
    assert rep["patients_created"] == 62_299
    return run


def stats(recall, by: str | None = None) -> dict:
    args = ["stats", "--json", "--now", "2026-11-25T08:00"] + (["--by", by] if by else [])
    code, out = recall(*args)
    assert code == 0, out
    return json.loads(out)


def check(got_rate: dict, n: int, k: int) -> None:
    assert (got_rate["k"], got_rate["n"]) == (k, n)
    assert abs(100 * got_rate["value"] - 100 * k / n) < 0.01


def test_overall_no_show_rate(recall, expected):
    res = stats(recall)
    check(res["headline"]["no_show_rate"], expected["all"].n["all"], expected["all"].k["all"])
    assert round(100 * res["headline"]["no_show_rate"]["value"], 2) == 20.19


@pytest.mark.parametrize("by", ["lead", "age", "weekday"])
def test_no_show_rate_by_band(recall, expected, by):
    res = stats(recall, by)
    t = expected[by]
    got = {g["key"]: g["figures"]["no_show_rate"] for g in res["groups"]}
    assert set(got) == set(t.n)
    for key in t.n:
        check(got[key], t.n[key], t.k[key])


def test_reminded_within_each_lead_band(recall, expected):
    res = stats(recall, "reminded")
    t = expected["reminded"]
    got = {(g["key"], g["sub"]): g["figures"]["no_show_rate"] for g in res["groups"]}
    assert set(got) == set(t.n)
    for key in t.n:
        check(got[key], t.n[key], t.k[key])


def test_a_corrupted_copy_is_rejected_row_by_row_committing_nothing(tmp_path, capsys):
    with gzip.open(FILE, "rt", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))[:2001]
    header = rows[0]
    col = {name: i for i, name in enumerate(header)}
    broken = {  # spreadsheet row number (the header is row 1) -> (column, bad value)
        11: ("AppointmentDay", "2016-04-31T00:00:00Z"),
        25: ("ScheduledDay", "29/04/2016 18:38"),
        100: ("No-show", "Maybe"),
        512: ("Age", "sixty"),
        777: ("SMS_received", "2"),
        1500: ("PatientId", ""),
        2001: ("Age", "131"),
    }
    for n, (name, value) in broken.items():
        rows[n - 1][col[name]] = value
    path = tmp_path / "corrupted.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    cfg = tmp_path / "recall.toml"
    cfg.write_text(TOML.format(url=f"sqlite:///{tmp_path / 'c.db'}"), encoding="utf-8")
    assert main(["init", "--config", str(cfg)]) == 0
    capsys.readouterr()
    code = main(["import", "appointments", str(path), "--mapping", str(MAPPING),
                 "--config", str(cfg), "--now", "2026-11-25T08:00"])
    err = capsys.readouterr().err
    assert code == 1
    named = {int(ln.split(":")[0].split()[1]) for ln in err.splitlines()
             if ln.strip().startswith("row ")}
    assert named == set(broken)
    for n, (name, _) in broken.items():
        line = next(ln for ln in err.splitlines() if ln.strip().startswith(f"row {n}:"))
        assert name in line or (name == "PatientId" and "patient_mrn" in line), line
    import sqlite3

    with sqlite3.connect(tmp_path / "c.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM appointment").fetchone()[0] == 0
        assert conn.execute("SELECT COUNT(*) FROM patient").fetchone()[0] == 0
        assert conn.execute("SELECT COUNT(*) FROM session").fetchone()[0] == 0


def test_no_show_risk_reaches_auc_072_on_both_splits(recall):
    pytest.importorskip("sklearn", reason="scikit-learn is the optional risk extra")
    code, out = recall("risk", "train", "--json", "--now", "2026-11-25T08:00")
    assert code == 0, out
    aucs = {v["split"]: v["auc"] for v in json.loads(out)["validations"]}
    assert aucs["patient"] >= 0.72 and aucs["time"] >= 0.72, aucs
