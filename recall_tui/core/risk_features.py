"""No-show risk: the features of an appointment, and the validation splits (pure).

Leakage is kept out by construction: a feature uses only what was known before the
appointment's day: its lead time, the patient's age on the day, the weekday and part of
day, whether a reminder was sent (reminders go out before the day), and the patient's
own history *strictly before that date* (appointments on the same day, or later, never
count). The outcome being predicted is never an input.

The splits are fixed here, before any result is seen:
- by patient: a patient's appointments all go to test when a stable hash of the patient
  id falls in the last fifth (about 20% of patients), else to train;
- by time: the appointments of the last fifth of days (by appointment date; the cut-off
  is the first day at or after the 80th percentile of appointment dates) are the test set;
  training uses only the days before it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from .figures import age_band, lead_band

LEAD_BANDS = ("<0", "0", "1-2", "3-7", "8-14", "15-30", "31-60", "61-90", ">90")
AGE_BANDS = ("unknown", "0-9", "10-19", "20-29", "30-39", "40-49", "50-59", "60-69",
             "70-79", "80-89", "90+")
PARTS = ("morning", "afternoon", "evening")


@dataclass(frozen=True)
class Visit:
    """One appointment as the model sees it."""

    patient: int
    day: date
    lead: int
    age: int | None
    part: str
    reminded: bool
    no_show: bool | None  # the outcome (None: not yet happened)


def feature_names() -> list[str]:
    return ([f"lead={b}" for b in LEAD_BANDS] + ["log_lead"]
            + [f"age={b}" for b in AGE_BANDS]
            + [f"weekday={d}" for d in range(7)] + [f"part={p}" for p in PARTS]
            + ["reminded", "reminded*log_lead", "prior_visits", "prior_no_shows",
               "prior_no_show_rate", "first_visit"])


def _one_hot(value: str, options: Sequence[str]) -> list[float]:
    return [1.0 if value == o else 0.0 for o in options]


def features(visits: Sequence[Visit], only: Sequence[int] | None = None) -> list[list[float]]:
    """One row of features per visit, in the order given (or for the visits at the indices
    ``only``, in that order: the others then serve as history alone)."""
    # the patient's history strictly before each date: (visits, no-shows) with an outcome
    by_patient: dict[int, list[int]] = defaultdict(list)
    for i, v in enumerate(visits):
        by_patient[v.patient].append(i)
    prior: list[tuple[int, int]] = [(0, 0)] * len(visits)
    for idx in by_patient.values():
        idx.sort(key=lambda i: visits[i].day)
        seen = shown_no = 0
        j = 0
        while j < len(idx):
            day = visits[idx[j]].day
            k = j
            while k < len(idx) and visits[idx[k]].day == day:
                prior[idx[k]] = (seen, shown_no)
                k += 1
            for m in idx[j:k]:  # the day's outcomes count only from the next date on
                if visits[m].no_show is not None:
                    seen += 1
                    shown_no += int(visits[m].no_show)
            j = k
    chosen = range(len(visits)) if only is None else only
    return [row(visits[i], *prior[i]) for i in chosen]


def row(v: Visit, n_prior: int, ns_prior: int) -> list[float]:
    """The features of one visit given the patient's history before its date: how many
    visits had an outcome, and how many of them were no-shows."""
    log_lead = math.log1p(max(v.lead, 0))
    return (_one_hot(lead_band(v.lead), LEAD_BANDS) + [log_lead]
            + _one_hot(age_band(v.age), AGE_BANDS)
            + _one_hot(str(v.day.weekday()), [str(d) for d in range(7)])
            + _one_hot(v.part, PARTS)
            + [float(v.reminded), float(v.reminded) * log_lead, math.log1p(n_prior),
               float(ns_prior), (ns_prior + 0.2) / (n_prior + 1.0), float(n_prior == 0)])


def stable_bucket(patient: int, buckets: int = 5) -> int:
    """A hash of the patient id that does not change between runs or machines."""
    x = (patient * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    x ^= x >> 31
    return x % buckets


def split_by_patient(visits: Sequence[Visit]) -> list[bool]:
    """True where the visit is in the test set (its patient's bucket is the last)."""
    return [stable_bucket(v.patient) == 4 for v in visits]


def time_cutoff(days: Iterable[date]) -> date:
    ordered = sorted(days)
    return ordered[min(len(ordered) - 1, int(0.8 * len(ordered)))]


def split_by_time(visits: Sequence[Visit]) -> tuple[list[bool], list[bool], date]:
    """(train, test, cut-off): train = days before the cut-off, test = from it on."""
    cut = time_cutoff(v.day for v in visits)
    return [v.day < cut for v in visits], [v.day >= cut for v in visits], cut
