"""Statistics: the headline figures and one breakdown, for a period (one read transaction).

The database counts (``store.stats``); ``core.figures`` says what the counts mean. The
headline is the sum of the breakdown's groups, so both come from one scan.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime

from ..core import figures as fig
from ..core.calendar import WEEKDAY_NAMES
from ..core.errors import BadInput
from ..core.text import excerpt
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


def _check(by: str | None, start: date | None, end: date | None) -> None:
    if by is not None and by not in repo.DIMENSIONS:
        known = ", ".join(repo.DIMENSIONS)
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
