"""Today marks the appointments a trained no-show model says are worth a phone call."""

from __future__ import annotations

import pytest

from tests.ui.conftest import make_app, settle
from tests.ui.screen_text import screen_text

pytestmark = pytest.mark.anyio


def _save_model(cfg, *, high_risk: float) -> None:
    """A model as `recall risk train` saves it: every visit scores 0.5."""
    from recall_tui.core import risk_features as rf
    from recall_tui.services import risk_model

    names = rf.feature_names()
    risk_model.save(cfg, risk_model.Model(
        trained_at="2026-11-24T08:00:00+07:00", features=names,
        coefficients=[0.0] * len(names), intercept=0.0, high_risk=high_risk, visits=100,
        no_shows=10, time_cutoff="2026-11-01", auc={"time": 0.7}))


def _line_of(text: str, name: str) -> str:
    return next(line for line in text.splitlines() if name in line)


async def test_high_risk_patients_booked_today_are_marked(ui_cfg):
    _save_model(ui_cfg, high_risk=0.5)
    app = make_app(ui_cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "! Đỗ Thị Hoà" in _line_of(text, "Hoà")  # booked, still to come
        assert "! Phạm" not in _line_of(text, "Khoa")  # did not come: no call ahead
        assert "! nguy cơ cao, nên gọi: 1" in text


async def test_below_the_high_risk_line_nothing_is_marked(ui_cfg):
    _save_model(ui_cfg, high_risk=0.9)
    app = make_app(ui_cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "Đỗ Thị Hoà" in text and "! " not in text and "nguy cơ" not in text


async def test_an_unreadable_model_leaves_the_day_list_as_it_is(ui_cfg):
    from recall_tui.services import risk_model

    risk_model.path(ui_cfg).write_text("{not json", encoding="utf-8")
    app = make_app(ui_cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "Đỗ Thị Hoà" in text and "Hẹn 3" in text and "! " not in text
