"""`recall stats` counted by the database agrees with the same counting done in Python
(core.figures over the rows), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import text

from recall_tui.core import figures as fig
from recall_tui.entry import main
from recall_tui.services import demo, statistics
from tests import status_guard

pytestmark = pytest.mark.storage


def _rows(ctx):
    with ctx.db.read() as conn:
        return list(conn.execute(text(
            "SELECT a.id, a.status, a.day, a.booked_at, a.cancelled_by, a.late_cancel, "
            "a.reminded, a.clinic_id, a.part, p.birth_date, p.birth_year FROM appointment a "
            "JOIN patient p ON p.id = a.patient_id")).mappings())


def _expected(ctx, rows, key):
    from recall_tui.store.types import Instant  # read back as the app does

    out: dict = {}
    for r in rows:
        booked = r["booked_at"]
        if isinstance(booked, str):
            booked = Instant().process_result_value(booked, None)
        day = r["day"] if isinstance(r["day"], date) else date.fromisoformat(r["day"])
        lead = (day - booked.astimezone(ctx.tz).date()).days
        f = fig.Fact(r["status"], lead, r["cancelled_by"], bool(r["late_cancel"]))
        bd = r["birth_date"]
        if isinstance(bd, str):
            bd = date.fromisoformat(bd)
        k = key(r, day, lead, fig.age_on(day, bd, r["birth_year"]))
        out[k] = out.get(k, fig.Counts()) + fig.count(f)
    return out


@pytest.fixture
def history(ctx, now):
    demo.generate(ctx, patients=150, days=90, seed=3, now=now)
    return _rows(ctx)


def _same(got: fig.Figures, want: fig.Counts):
    w = fig.figures(want)
    assert (got.booked, got.attended, got.no_show, got.cancelled, got.rescheduled) == \
        (w.booked, w.attended, w.no_show, w.cancelled, w.rescheduled)
    assert got.no_show_rate == w.no_show_rate and got.late_cancel_rate == w.late_cancel_rate
    assert got.lead_mean_days == pytest.approx(w.lead_mean_days)


def test_headline_matches_python_counting(ctx, now, history):
    res = statistics.compute(ctx, now=now)
    _same(res.headline, _expected(ctx, history, lambda r, d, lead, age: ())[()])
    assert res.headline.booked > 200
    assert res.headline.utilisation is not None and res.headline.adherence is not None


@pytest.mark.parametrize("by, key", [
    ("lead", lambda r, d, lead, age: (fig.lead_band(lead), None)),
    ("age", lambda r, d, lead, age: (fig.age_band(age), None)),
    ("weekday", lambda r, d, lead, age: (fig.WEEKDAYS[d.weekday()], None)),
    ("month", lambda r, d, lead, age: (d.isoformat()[:7], None)),
    ("session", lambda r, d, lead, age: (r["part"], None)),
])
def test_breakdowns_match_python_counting(ctx, now, history, by, key):
    res = statistics.compute(ctx, now=now, by=by)
    want = _expected(ctx, history, key)
    got = {(g.key, g.sub): g.figures for g in res.groups}
    assert set(got) == set(want)
    for k in want:
        _same(got[k], want[k])


def test_reminded_reads_the_fact_or_a_sent_reminder(ctx, now, history):
    # one future appointment's reminder goes out (a row arranged by hand: the fact tested)
    with ctx.db.write() as conn, status_guard.off():
        conn.execute(text("UPDATE message SET status = 'sent' WHERE id = "
                          "(SELECT MIN(id) FROM message WHERE kind = 'reminder')"))
        sent = conn.execute(text("SELECT appointment_id FROM message WHERE status = 'sent'")) \
            .scalar_one()
    rows = _rows(ctx)
    reminded = {r["id"]: bool(r["reminded"]) or r["id"] == sent for r in rows}
    want = _expected(ctx, rows, lambda r, d, lead, age: (
        fig.lead_band(lead), "yes" if reminded[r["id"]] else "no"))
    res = statistics.compute(ctx, now=now, by="reminded")
    got = {(g.key, g.sub): g.figures for g in res.groups}
    assert set(got) == set(want)
    for k in want:
        _same(got[k], want[k])


def test_a_period_counts_only_its_days(ctx, now, history):
    start, end = date(2026, 10, 1), date(2026, 10, 31)
    res = statistics.compute(ctx, now=now, start=start, end=end)
    inside = [r for r in history
              if start.isoformat() <= str(r["day"])[:10] <= end.isoformat()]
    assert res.headline.booked == sum(1 for r in inside if r["status"] != "rescheduled")


def test_cli_json_csv_and_bad_by(ctx, config_file, now, history, capsys):
    def run(*args):
        code = main([*args, "--config", str(config_file), "--now", "2026-11-25T08:00"])
        out = capsys.readouterr()
        return code, out.out, out.err

    code, out, _ = run("stats", "--by", "clinic", "--json")
    data = json.loads(out)
    assert code == 0 and {g["key"] for g in data["groups"]} <= {"NOI", "TM", "MAT"}
    assert sum(g["figures"]["booked"] for g in data["groups"]) == data["headline"]["booked"]
    code, out, _ = run("stats", "--by", "weekday", "--csv", "--from", "2026-09-01")
    lines = out.strip().splitlines()
    assert code == 0 and lines[0].startswith("group,sub,booked") and lines[1].startswith("all,")
    code, out, err = run("stats", "--by", "colour")
    assert code == 1 and "colour" in err and "Traceback" not in err
    code, out, err = run("stats", "--from", "2026-12-01", "--to", "2026-11-01")
    assert code == 1


def test_adherence_and_utilisation_match_their_definitions(ctx, now, history):
    with ctx.db.read() as conn:
        orders = list(conn.execute(text(
            "SELECT id, earliest, latest, status FROM follow_up_order")).mappings())
        visits = list(conn.execute(text(
            "SELECT order_id, day, status FROM appointment")).mappings())
        places = conn.execute(text(
            "SELECT SUM(booked), SUM(capacity) FROM session WHERE closed_reason IS NULL")).one()
    today = now.date().isoformat()
    ended = [o for o in orders if o["status"] != "cancelled" and str(o["latest"]) < today]
    kept = [o for o in ended if any(
        v["order_id"] == o["id"] and v["status"] in ("checked_in", "completed")
        and str(o["earliest"]) <= str(v["day"]) <= str(o["latest"]) for v in visits)]
    res = statistics.compute(ctx, now=now)
    assert (res.headline.adherence.k, res.headline.adherence.n) == (len(kept), len(ended))
    assert res.headline.utilisation.n == places[1]
    by_clinic = statistics.compute(ctx, now=now, by="clinic")
    assert sum(g.figures.adherence.n for g in by_clinic.groups if g.figures.adherence) == \
        len(ended)
