"""No-show risk: features never see the outcome nor anything from the day on; the splits
are fixed; training runs on the clinic's own database (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recall_tui.core import risk_features as rf

visit = st.builds(
    rf.Visit, patient=st.integers(1, 4), day=st.dates(date(2026, 1, 1), date(2026, 1, 20)),
    lead=st.integers(-2, 120), age=st.one_of(st.none(), st.integers(0, 100)),
    part=st.sampled_from(rf.PARTS), reminded=st.booleans(),
    no_show=st.one_of(st.none(), st.booleans()))


@settings(max_examples=150)
@given(st.lists(visit, min_size=1, max_size=25), st.data())
def test_a_visit_features_ignore_its_outcome_and_everything_from_its_day_on(visits, data):
    i = data.draw(st.integers(0, len(visits) - 1))
    before = rf.features(visits)[i]
    day = visits[i].day
    flipped = [replace(v, no_show=data.draw(st.one_of(st.none(), st.booleans())))
               if v.patient == visits[i].patient and v.day >= day else v for v in visits]
    assert rf.features(flipped)[i] == before


def test_history_counts_only_earlier_days():
    d = date(2026, 3, 2)
    vs = [rf.Visit(1, d, 5, 40, "morning", False, True),
          rf.Visit(1, d, 5, 40, "morning", False, True),
          rf.Visit(1, d + timedelta(days=7), 5, 40, "morning", True, None)]
    names = rf.feature_names()
    rows = [dict(zip(names, r)) for r in rf.features(vs)]
    assert rows[0]["prior_no_shows"] == rows[1]["prior_no_shows"] == 0
    assert rows[2]["prior_no_shows"] == 2 and rows[2]["first_visit"] == 0


def test_splits_are_fixed():
    vs = [rf.Visit(p, date(2026, 1, 1) + timedelta(days=p % 50), 3, 30, "morning", False,
                   False) for p in range(1, 2001)]
    test = rf.split_by_patient(vs)
    assert test == rf.split_by_patient(vs) and 0.15 < sum(test) / len(test) < 0.25
    train, test_t, cut = rf.split_by_time(vs)
    assert all(v.day < cut for v, t in zip(vs, train) if t)
    assert not any(a and b for a, b in zip(train, test_t))


@pytest.mark.storage
def test_risk_train_on_the_clinic_history(ctx, now):
    pytest.importorskip("sklearn", reason="scikit-learn is the optional risk extra")
    from recall_tui.services import demo, risk

    demo.generate(ctx, patients=250, days=120, seed=5, now=now)
    res = risk.train(ctx, now=now)
    assert {v.split for v in res.validations} == {"patient", "time"}
    assert all(0.0 <= v.auc <= 1.0 and v.test > 0 for v in res.validations)
    assert res.coefficients["prior_no_shows"] != 0
