"""How the statistics count (DOMAIN.md, Figures): rates with confidence intervals, bands.

Pure: plain values in, plain values out. The database does the counting in bulk
(``store.stats``); this module says what the counts mean, and ``tally`` is the same
counting done in Python over plain facts (the reference the storage tests compare with).

- No-show rate: no_show / (checked_in + completed + no_show), by appointment date.
- Cancellation rate: cancelled / all booked, split by patient / clinic and late / not.
- Lead time: appointment date - booking date (clinic-local), in days; bands below.
- A reschedule chain counts once, by its last appointment: the ``rescheduled`` links are
  left out of every rate and counted on their own.
- Age band: by decade of age on the appointment date (0-9, ..., 90+); unknown age apart.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

Z95 = 1.959963984540054

# (label, lowest, highest) in days; None = open-ended. Negative leads (a booking dated
# after its appointment, as some imported history has) get their own band.
LEAD_BANDS: tuple[tuple[str, int | None, int | None], ...] = (
    ("<0", None, -1), ("0", 0, 0), ("1-2", 1, 2), ("3-7", 3, 7), ("8-14", 8, 14),
    ("15-30", 15, 30), ("31-60", 31, 60), ("61-90", 61, 90), (">90", 91, None),
)
LEAD_ORDER = tuple(b[0] for b in LEAD_BANDS)
AGE_BANDS = tuple(f"{d}-{d + 9}" for d in range(0, 90, 10)) + ("90+",)
UNKNOWN = "unknown"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

ATTENDED = frozenset({"checked_in", "completed"})
OPEN = frozenset({"booked", "confirmed"})


# -- rates ------------------------------------------------------------------------------

def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of k successes in n trials (0 <= k <= n); (0, 1) if n = 0."""
    if n < 0 or k < 0 or k > n:
        raise ValueError(f"need 0 <= k <= n, got k={k}, n={n}")
    if n == 0:
        return 0.0, 1.0
    p = k / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    lo, hi = max(0.0, centre - half), min(1.0, centre + half)
    if k == 0:
        lo = 0.0
    if k == n:
        hi = 1.0
    return lo, hi


@dataclass(frozen=True)
class Rate:
    """k of n, with its 95% Wilson interval; ``value`` is None when n is 0."""

    k: int
    n: int
    value: float | None = field(init=False)
    low: float | None = field(init=False)
    high: float | None = field(init=False)

    def __post_init__(self) -> None:
        if self.n == 0:
            lo = hi = val = None
        else:
            val = self.k / self.n
            lo, hi = wilson(self.k, self.n)
        object.__setattr__(self, "value", val)
        object.__setattr__(self, "low", lo)
        object.__setattr__(self, "high", hi)

    def pct(self, digits: int = 1) -> str:
        if self.value is None:
            return "–"
        return (f"{100 * self.value:.{digits}f}% "
                f"[{100 * self.low:.{digits}f}–{100 * self.high:.{digits}f}]")


# -- bands ------------------------------------------------------------------------------

def lead_band(days: int | None) -> str:
    if days is None:
        return UNKNOWN
    for label, lo, hi in LEAD_BANDS:
        if (lo is None or days >= lo) and (hi is None or days <= hi):
            return label
    raise AssertionError(days)  # the bands cover every integer


def age_on(day: date, birth_date: date | None, birth_year: int | None) -> int | None:
    """Age in whole years on ``day``; from the birth year alone when that is all we know."""
    if birth_date is not None:
        return day.year - birth_date.year - ((day.month, day.day) <
                                             (birth_date.month, birth_date.day))
    if birth_year is not None:
        return day.year - birth_year
    return None


def age_band(age: int | None) -> str:
    if age is None or age < 0:
        return UNKNOWN
    return "90+" if age >= 90 else f"{age // 10 * 10}-{age // 10 * 10 + 9}"


def band_order(kind: str) -> tuple[str, ...]:
    return {"lead": LEAD_ORDER + (UNKNOWN,), "age": AGE_BANDS + (UNKNOWN,),
            "weekday": WEEKDAYS}.get(kind, ())


# -- counts and what they mean ----------------------------------------------------------------

@dataclass
class Counts:
    """What the database counts for one group of appointments (all additive)."""

    booked: int = 0  # every appointment but reschedule links and entries in error
    attended: int = 0
    no_show: int = 0
    cancel_patient: int = 0
    cancel_patient_late: int = 0
    cancel_clinic: int = 0
    cancel_clinic_late: int = 0
    rescheduled: int = 0
    lead_sum: int = 0
    lead_n: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(**{k: getattr(self, k) + getattr(other, k) for k in self.__dataclass_fields__})

    @property
    def cancelled(self) -> int:
        return self.cancel_patient + self.cancel_clinic

    @property
    def open(self) -> int:
        """Booked or confirmed: not yet happened."""
        return self.booked - self.attended - self.no_show - self.cancelled


@dataclass(frozen=True)
class Figures:
    booked: int
    attended: int
    no_show: int
    cancelled: int
    rescheduled: int
    no_show_rate: Rate
    cancellation_rate: Rate
    cancel_patient_rate: Rate
    cancel_clinic_rate: Rate
    late_cancel_rate: Rate
    lead_mean_days: float | None
    utilisation: Rate | None = None  # booked places / capacity of the sessions
    adherence: Rate | None = None  # orders whose window ended, attended inside it


def figures(c: Counts, *, places: tuple[int, int] | None = None,
            orders: tuple[int, int] | None = None) -> Figures:
    """Counts -> rates. ``places`` = (booked, capacity); ``orders`` = (kept, ended)."""
    return Figures(
        booked=c.booked, attended=c.attended, no_show=c.no_show, cancelled=c.cancelled,
        rescheduled=c.rescheduled,
        no_show_rate=Rate(c.no_show, c.attended + c.no_show),
        cancellation_rate=Rate(c.cancelled, c.booked),
        cancel_patient_rate=Rate(c.cancel_patient, c.booked),
        cancel_clinic_rate=Rate(c.cancel_clinic, c.booked),
        late_cancel_rate=Rate(c.cancel_patient_late + c.cancel_clinic_late, c.booked),
        lead_mean_days=(c.lead_sum / c.lead_n) if c.lead_n else None,
        utilisation=Rate(min(places[0], places[1]), places[1]) if places else None,
        adherence=Rate(*orders) if orders else None,
    )


@dataclass(frozen=True)
class Fact:
    """One appointment as the figures see it (plain values)."""

    status: str
    lead: int | None = None
    cancelled_by: str | None = None
    late_cancel: bool = False


def count(f: Fact) -> Counts:
    c = Counts()
    if f.status == "rescheduled":
        c.rescheduled = 1
        return c
    if f.status == "entered_in_error":
        return c
    c.booked = 1
    if f.status in ATTENDED:
        c.attended = 1
    elif f.status == "no_show":
        c.no_show = 1
    elif f.status == "cancelled":
        if f.cancelled_by == "clinic":
            c.cancel_clinic = 1
            c.cancel_clinic_late = int(bool(f.late_cancel))
        else:
            c.cancel_patient = 1
            c.cancel_patient_late = int(bool(f.late_cancel))
    if f.lead is not None:
        c.lead_sum, c.lead_n = f.lead, 1
    return c


def counts_of(status: str, cancelled_by: str | None, late_cancel, n: int,
              lead_sum: int = 0, lead_n: int = 0) -> Counts:
    """The counts of ``n`` appointments sharing one outcome (what ``count`` gives one),
    with the sum and number of their known lead times."""
    one = count(Fact(status, None, cancelled_by, bool(late_cancel)))
    c = Counts(**{k: v * n for k, v in vars(one).items()})
    if c.booked:
        c.lead_sum, c.lead_n = lead_sum, lead_n
    return c


def tally(facts: Iterable[Fact]) -> Counts:
    total = Counts()
    for f in facts:
        total = total + count(f)
    return total


# -- ages known only as "age on the day" (imports) ------------------------------------------

def _minus_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


def birth_from_ages(seen: Iterable[tuple[date, int]]) -> tuple[date | None, int | None]:
    """(birth date, birth year) that reproduce every (day, age on that day) seen.

    When all ages agree on one birth year (``day.year - age``), only the year is kept.
    When they do not (a birthday fell between two visits), the earliest birth date that
    gives every age exactly is returned; when the ages contradict each other, the year from
    the latest visit. Negative ages mean unknown and are ignored.
    """
    pairs = [(d, a) for d, a in seen if a is not None and a >= 0]
    if not pairs:
        return None, None
    years = {d.year - a for d, a in pairs}
    if len(years) == 1:
        return None, years.pop()
    # birth date b gives age a on d when d - (a+1) years < b <= d - a years
    from datetime import timedelta

    lo = max(_minus_years(d, a + 1) + timedelta(days=1) for d, a in pairs)
    hi = min(_minus_years(d, a) for d, a in pairs)
    if lo <= hi and all(age_on(d, lo, None) == a for d, a in pairs):
        return lo, lo.year
    d, a = max(pairs)
    return None, d.year - a
