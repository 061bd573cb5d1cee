"""core.figures: rates and their 95% intervals, bands, ages, and how appointments count."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recall_tui.core import figures as fig

counts = st.integers(min_value=0, max_value=100_000).flatmap(
    lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n)))


@given(counts)
def test_wilson_interval_holds_the_rate_and_stays_in_0_1(kn):
    k, n = kn
    lo, hi = fig.wilson(k, n)
    assert 0.0 <= lo <= hi <= 1.0
    if n:
        assert lo - 1e-12 <= k / n <= hi + 1e-12


@given(counts)
def test_wilson_is_symmetric_in_successes_and_failures(kn):
    k, n = kn
    lo, hi = fig.wilson(k, n)
    lo2, hi2 = fig.wilson(n - k, n)
    assert lo == pytest.approx(1 - hi2, abs=1e-12) and hi == pytest.approx(1 - lo2, abs=1e-12)


@given(st.integers(min_value=1, max_value=5000), st.floats(min_value=0, max_value=1))
def test_more_data_narrows_the_interval(n, p):
    k = round(p * n)
    lo, hi = fig.wilson(k, n)
    lo4, hi4 = fig.wilson(4 * k, 4 * n)
    assert hi4 - lo4 < hi - lo


def test_wilson_known_value_and_edges():
    lo, hi = fig.wilson(20, 100)  # 0.1334 .. 0.2888 (z = 1.96)
    assert (round(lo, 4), round(hi, 4)) == (0.1334, 0.2888)
    assert fig.wilson(0, 10)[0] == 0.0 and fig.wilson(10, 10)[1] == 1.0
    assert fig.wilson(0, 0) == (0.0, 1.0)
    with pytest.raises(ValueError):
        fig.wilson(3, 2)


def test_rate_without_data_has_no_value():
    r = fig.Rate(0, 0)
    assert r.value is None and r.pct() == "–"
    assert fig.Rate(1, 4).pct() == "25.0% [4.6–69.9]"


@pytest.mark.parametrize("days, band", [
    (-6, "<0"), (-1, "<0"), (0, "0"), (1, "1-2"), (2, "1-2"), (3, "3-7"), (7, "3-7"),
    (8, "8-14"), (14, "8-14"), (15, "15-30"), (30, "15-30"), (31, "31-60"), (60, "31-60"),
    (61, "61-90"), (90, "61-90"), (91, ">90"), (400, ">90"), (None, "unknown")])
def test_lead_bands_follow_the_domain(days, band):
    assert fig.lead_band(days) == band


@given(st.integers(min_value=-1000, max_value=1000))
def test_every_lead_has_exactly_one_band(days):
    assert fig.lead_band(days) in fig.LEAD_ORDER


@pytest.mark.parametrize("age, band", [(None, "unknown"), (-1, "unknown"), (0, "0-9"),
                                       (9, "0-9"), (10, "10-19"), (89, "80-89"),
                                       (90, "90+"), (115, "90+")])
def test_age_bands_by_decade(age, band):
    assert fig.age_band(age) == band


def test_age_on_the_appointment_day():
    born = date(1990, 6, 15)
    assert fig.age_on(date(2026, 6, 14), born, None) == 35
    assert fig.age_on(date(2026, 6, 15), born, None) == 36
    assert fig.age_on(date(2026, 1, 1), None, 1990) == 36
    assert fig.age_on(date(2026, 1, 1), None, None) is None


@given(st.dates(min_value=date(1920, 1, 1), max_value=date(2020, 12, 31)),
       st.lists(st.integers(min_value=0, max_value=2000), min_size=1, max_size=6))
def test_birth_from_ages_reproduces_every_age_seen(born, offsets):
    seen = [(born + timedelta(days=400 + o * 7), 0) for o in offsets]
    seen = [(d, fig.age_on(d, born, None)) for d, _ in seen]
    bd, by = fig.birth_from_ages(seen)
    for d, age in seen:
        assert fig.age_on(d, bd, by) == age


def test_birth_from_ages_ignores_unknown_ages():
    assert fig.birth_from_ages([(date(2016, 5, 1), -1)]) == (None, None)
    assert fig.birth_from_ages([(date(2016, 5, 1), 30), (date(2016, 5, 9), -1)]) == (None, 1986)


def test_a_reschedule_chain_counts_once_by_its_last_appointment():
    chain = [fig.Fact("rescheduled", 10), fig.Fact("rescheduled", 5), fig.Fact("no_show", 3)]
    c = fig.tally(chain)
    assert (c.booked, c.no_show, c.rescheduled, c.lead_sum, c.lead_n) == (1, 1, 2, 3, 1)
    f = fig.figures(c)
    assert f.no_show_rate.value == 1.0


def test_cancellations_split_by_who_and_lateness():
    facts = [fig.Fact("cancelled", 1, "patient", True), fig.Fact("cancelled", 1, "patient"),
             fig.Fact("cancelled", 2, "clinic", True), fig.Fact("completed", 3),
             fig.Fact("booked", 4), fig.Fact("entered_in_error", 4)]
    f = fig.figures(fig.tally(facts))
    assert f.booked == 5 and f.cancelled == 3
    assert (f.cancel_patient_rate.k, f.cancel_clinic_rate.k, f.late_cancel_rate.k) == (2, 1, 2)
    assert f.no_show_rate.n == 1 and f.no_show_rate.k == 0
    assert f.lead_mean_days == pytest.approx(11 / 5)
