"""Statistics: the headline figures and one breakdown, for a period (one read transaction).

The database counts (``store.stats``); ``core.figures`` says what the counts mean. The
headline is the sum of the breakdown's groups, so both come from one scan.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime

from ..core import figures as fig
from ..core import icd10
from ..core.calendar import WEEKDAY_NAMES
from ..core.errors import BadInput
from ..core.text import excerpt
from ..store import his as his_repo
from ..store import stats as repo
from .context import Context


@dataclass(frozen=True)
class Group:
    key: str  # the band, clinic code, month, ...
    sub: str | None  # the second key ("reminded" breakdown: yes / no)
    figures: fig.Figures


@dataclass(frozen=True)
class Stats:
    start: date | None
    end: date | None
    by: str | None
    headline: fig.Figures
    groups: list[Group]


# From the hospital's slips (store.his): managers only (they are about diagnoses).
SLIP_DIMENSIONS = ("icd", "insurance")
INSURANCE_ORDER = ("covered", "lapses", "none", "-")


def _check(by: str | None, start: date | None, end: date | None) -> None:
    if by is not None and by not in repo.DIMENSIONS + SLIP_DIMENSIONS:
        known = ", ".join(repo.DIMENSIONS + SLIP_DIMENSIONS)
        raise BadInput("stats.by", f"Không phân nhóm theo {excerpt(by)} được (có: {known}).",
                       f"Cannot break down by {excerpt(by)} (known: {known}).", field="by")
    if start and end and end < start:
        raise BadInput("range.order", "--to trước --from.", "--to is before --from.",
                       field="to")


def _label(by: str | None, key: tuple, clinics: dict, doctors: dict) -> tuple[str, str | None]:
    """A group's name from the raw values the database grouped by (bands folded here)."""
    if by == "lead":
        return fig.lead_band(None if key[0] is None else int(key[0])), None
    if by == "age":
        return fig.age_band(None if key[0] is None else int(key[0])), None
    if by == "clinic":
        cid = key[-1]  # appointments group by (day, clinic), sessions and orders by clinic
        return clinics.get(cid, str(cid)), None
    if by == "doctor":
        return (doctors.get(key[0], str(key[0])) if key[0] is not None else "-"), None
    if by == "month":
        return str(key[0])[:7], None
    if by == "weekday":
        v = key[0]
        if isinstance(v, str):
            v = date.fromisoformat(v[:10])
        return WEEKDAY_NAMES[v.weekday() if isinstance(v, date) else int(v)], None
    if by == "reminded":
        return (fig.lead_band(None if key[0] is None else int(key[0])),
                "yes" if key[1] and int(key[1]) else "no")
    return str(key[0]), None


def _adherence(ctx: Context, *, by, start, end, today) -> tuple[dict, dict | None]:
    with ctx.db.read() as conn:
        orders = repo.order_adherence(conn, by=by, start=start, end=end, today=today) or {}
        total = _total(orders) if orders else repo.order_adherence(
            conn, by=None, start=start, end=end, today=today)
    return orders, total


def _total(pairs: dict) -> dict:
    return {(): (sum(a for a, _ in pairs.values()), sum(b for _, b in pairs.values()))}


def _fold_pairs(by, pairs: dict, clinics, doctors) -> dict:
    out: dict = {}
    for key, (a, b) in pairs.items():
        label = _label(by, key, clinics, doctors)
        x, y = out.get(label, (0, 0))
        out[label] = (x + a, y + b)
    return out


def _sort_key(by: str | None, g: Group):
    order = fig.band_order("lead" if by == "reminded" else (by or ""))
    first = order.index(g.key) if g.key in order else len(order)
    return (first, g.key, g.sub or "")


def compute(ctx: Context, *, now: datetime, start: date | None = None,
            end: date | None = None, by: str | None = None) -> Stats:
    """The figures of appointments dated in [start, end] (either end open), by ``by``."""
    _check(by, start, end)
    if by in SLIP_DIMENSIONS:
        return _by_slip(ctx, by=by, start=start, end=end, now=now)
    today = ctx.today(now)
    # The orders (adherence) are counted on a second connection while the appointments
    # are scanned: two read transactions, each a consistent snapshot of its own table(s).
    with ThreadPoolExecutor(max_workers=1) as pool:
        later = pool.submit(_adherence, ctx, by=by, start=start, end=end, today=today)
        with ctx.db.read() as conn:
            counts = repo.appointment_counts(conn, tz=ctx.tz, by=by, start=start, end=end)
            places = repo.session_places(conn, by=by, start=start, end=end) or {}
            # the totals are the sums of the groups, when the groups were counted
            total_places = _total(places) if places else repo.session_places(
                conn, by=None, start=start, end=end)
            clinics, doctors = repo.names(conn)
        orders, total_orders = later.result()
    total = fig.Counts()
    for c in counts.values():
        total = total + c
    headline = fig.figures(total, places=(total_places or {}).get(()),
                           orders=(total_orders or {}).get(()))
    groups = []
    if by is not None:
        folded: dict[tuple[str, str | None], fig.Counts] = {}
        for key, c in counts.items():
            label = _label(by, key, clinics, doctors)
            folded[label] = folded[label] + c if label in folded else c
        places_by = _fold_pairs(by, places, clinics, doctors)
        orders_by = _fold_pairs(by, orders, clinics, doctors)
        for label, c in folded.items():
            groups.append(Group(label[0], label[1], fig.figures(
                c, places=places_by.get(label), orders=orders_by.get(label))))
        groups.sort(key=lambda g: _sort_key(by, g))
    return Stats(start=start, end=end, by=by, headline=headline, groups=groups)


def _by_slip(ctx: Context, *, by: str, start: date | None, end: date | None,
             now: datetime) -> Stats:
    """By the ICD-10 chapter of the slip's main diagnosis, or by insurance status (the
    card covers the follow-up date, lapses before it, none): adherence of the orders and
    the appointments' figures. Orders without a slip from the hospital are the group
    "-". Managers only."""
    ctx.require("manager", "xem thống kê theo nhóm bệnh và bảo hiểm",
                "see figures by diagnosis group or insurance status")
    head = compute(ctx, now=now, start=start, end=end, by=None)
    with ctx.db.read() as conn:
        pairs = his_repo.adherence_by(conn, by=by, start=start, end=end, today=ctx.today(now))
        rows = his_repo.appointment_counts_by(conn, by=by, start=start, end=end)
    counts: dict = {}
    for key, status, cancelled_by, late, n, lead_sum, lead_n in rows:
        c = fig.counts_of(status, cancelled_by, late, int(n), int(lead_sum or 0), int(lead_n))
        counts[key] = counts[key] + c if key in counts else c
    keys = set(counts) | {k[0] for k in pairs}
    order = (icd10.ORDER + ("-",)) if by == "icd" else INSURANCE_ORDER
    groups = []
    for k in keys:
        label = k or "-"
        name = icd10.title(label, ctx.cfg.language) if by == "icd" and k else label
        groups.append((order.index(label) if label in order else len(order), Group(
            name, None, fig.figures(counts.get(k, fig.Counts()), orders=pairs.get((k,))))))
    groups.sort(key=lambda x: (x[0], x[1].key))
    return Stats(start=start, end=end, by=by, headline=head.headline,
                 groups=[g for _, g in groups])
