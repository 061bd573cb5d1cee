"""The statistics screen (F9): figures with CIs, the monthly trend, breakdowns, CSV export."""

from __future__ import annotations

import csv
from datetime import timedelta

import pytest

from tests.ui.conftest import make_app, settle

SIZES = [(80, 24), (120, 40)]


def _text(app) -> str:
    from textual.widgets import Static

    return "\n".join(str(w.render()) for w in app.screen.query(Static))


async def _open(pilot):
    await settle(pilot.app, pilot)
    await pilot.press("f9")
    await settle(pilot.app, pilot)


@pytest.mark.anyio
async def test_statistics_shows_figures_trend_and_breakdowns_and_exports(ui_cfg, ui_ctx, db_path):
    from recall_tui.services.statistics import compute
    from recall_tui.ui.screens.statistics import StatisticsScreen, pct
    from tests.conftest import NOW

    app = make_app(ui_cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot)
        screen = app.screen
        assert isinstance(screen, StatisticsScreen)
        text = _text(app)
        expected = compute(ui_ctx, now=NOW, start=NOW.date() - timedelta(days=364),
                           end=NOW.date(), by="clinic")
        assert expected.headline.no_show_rate.value is not None
        assert pct(expected.headline.no_show_rate) in text  # the same figure, with its CI
        assert pct(expected.headline.adherence) in text
        assert "█" in text or "▄" in text  # the trend chart
        assert "11/26" in text  # this month's column
        table = screen.query_one("#breakdown")
        assert table.row_count == len(expected.groups) > 0
        # the breakdown cycles: clinic -> weekday
        await pilot.press("g")
        await settle(app, pilot)
        weekday = compute(ui_ctx, now=NOW, start=NOW.date() - timedelta(days=364),
                          end=NOW.date(), by="weekday")
        assert table.row_count == len(weekday.groups)
        assert "T4" in [table.row_cells(i)[0] for i in range(table.row_count)]
        # export: a CSV beside the database, named on the status line
        await pilot.press("x")
        await settle(app, pilot)
        files = list((db_path.parent / "exports").glob("recall-stats-weekday-*.csv"))
        assert len(files) == 1
        assert screen.said == (f"Đã xuất CSV: {files[0]}", False)
        rows = list(csv.DictReader(files[0].open(encoding="utf-8-sig")))
        assert rows[0]["group"] == "all" and {r["group"] for r in rows[1:]} == {
            g.key for g in weekday.groups}
        assert int(rows[0]["no_show"]) == weekday.headline.no_show
        # the period: the last 3 months
        await pilot.press("p")
        await settle(app, pilot)
        quarter = compute(ui_ctx, now=NOW, start=NOW.date() - timedelta(days=90),
                          end=NOW.date(), by="weekday")
        assert "27/08/2026 - 25/11/2026 (3 tháng)" in _text(app)
        assert pct(quarter.headline.no_show_rate) in _text(app)


@pytest.mark.anyio
async def test_statistics_in_english_and_on_a_linux_console(ui_cfg, monkeypatch):
    monkeypatch.setenv("TERM", "linux")
    app = make_app(ui_cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot)
        await pilot.press("f8")
        await settle(app, pilot)
        text = _text(app)
        assert "No-show" in text and "Follow-up adherence" in text
        # every character of the figures and chart is one a Linux console font has
        cp437 = set("█▄│└─·") | {chr(c) for c in range(32, 127)}
        chart = str(app.screen.query_one("#trend").render())
        assert set(chart.replace("\n", "")) <= cp437


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_statistics_snapshot(size, ui_cfg, snap_compare):
    assert snap_compare(make_app(ui_cfg), terminal_size=size, run_before=_open)


def _flat_model(cfg, score: float = 0.5):
    """A saved model giving everyone the same risk (the threshold at it: all are high)."""
    import math

    from recall_tui.core import risk_features as rf
    from recall_tui.services import risk_model

    names = rf.feature_names()
    risk_model.save(cfg, risk_model.Model(
        trained_at="2026-11-24T20:00:00+07:00", features=names, coefficients=[0.0] * len(names),
        intercept=math.log(score / (1 - score)), high_risk=score - 1e-9, visits=1000,
        no_shows=150, time_cutoff="2026-10-01", auc={"patient": 0.7, "time": 0.7}))


async def _call_ahead(app, pilot):
    await settle(app, pilot)
    await pilot.press("f5")
    await settle(app, pilot)
    for _ in range(7):  # the filter cycles: all, six reasons, then "call ahead"
        await pilot.press("f")
    await settle(app, pilot)


@pytest.mark.anyio
async def test_call_ahead_lists_tomorrows_high_risk_patients(ui_cfg, ui_ctx):
    from recall_tui.services.risk import score_upcoming
    from tests.conftest import NOW

    app = make_app(ui_cfg)
    async with app.run_test(size=(80, 24)) as pilot:  # no model yet: says how to make one
        await _call_ahead(app, pilot)
        assert "recall risk train" in _text(app)
        assert app.screen.query_one("#calls").row_count == 0
    _flat_model(ui_cfg)
    tomorrow = score_upcoming(ui_ctx, now=NOW, days=1,
                              start=NOW.date() + timedelta(days=1)).appointments
    assert tomorrow
    app = make_app(ui_cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        assert "nguy cơ cao trước" in _text(app)  # the call list, highest risk first
        await _call_ahead(app, pilot)
        table = app.screen.query_one("#calls")
        assert "Cần gọi trước" in _text(app) and "26/11" in _text(app)
        assert table.row_count == len(tomorrow)
        assert {table.row_cells(i)[7] for i in range(table.row_count)} == {
            a.mrn for a in tomorrow}
        await pilot.press("l")  # not a task: the desk is told to call, nothing logged
        assert "Gọi số" in _text(app)
        await pilot.press("f")  # back to every call task
        await settle(app, pilot)
        assert "việc cần gọi" in _text(app)
