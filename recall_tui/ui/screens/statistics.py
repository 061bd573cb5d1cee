"""Thống kê: the headline figures with 95% CIs, the monthly no-show trend, one breakdown.

Read in a worker (two scans: by month for the trend, by the chosen dimension for the
table); ``x`` writes the breakdown to a CSV file. The chart is plain block characters
(█ ▄) and box lines (│ └ ─), all in the Linux console's font.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from .. import i18n
from ..i18n import t
from ..widgets.table import Col, Table
from .base import DeskScreen

DIMENSIONS = ("clinic", "weekday", "session", "lead", "age", "reminded")
PERIODS = (("12m", 365), ("3m", 91), ("all", None))
MONTHS = 12
CHART_HEIGHT = 3
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
COLUMNS = (Col("st.col.group", width=8, max=28, grow=True), Col("st.col.booked"),
           Col("st.col.no_show"), Col("st.col.cancel_patient", drop=2),
           Col("st.col.cancel_clinic", drop=3), Col("st.col.adherence", drop=1))


# -- pure helpers ---------------------------------------------------------------------------

def pct(rate, *, ci: bool = True) -> str:
    """'12.3% (10.1-14.9)' (ASCII apart from the digits' sake), or '-' without data."""
    if rate is None or rate.value is None:
        return "-"
    if not ci:
        return f"{100 * rate.value:.1f}%"
    return f"{100 * rate.value:.1f}% ({100 * rate.low:.1f}-{100 * rate.high:.1f})"


def last_months(today: date, n: int = MONTHS) -> list[str]:
    """The ``n`` months up to today's, oldest first, as 'YYYY-MM'."""
    y, m = today.year, today.month
    out = []
    for _ in range(n):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out[::-1]


def chart(points: list[tuple[str, float | None]], *, height: int = CHART_HEIGHT,
          col: int = 6) -> str:
    """A bar chart of rates (0..1): full and half blocks, a y scale rounded up to 5%."""
    top = max((v for _, v in points if v is not None), default=0.0)
    scale = max(0.05, math.ceil(top * 20 - 1e-9) / 20)
    levels = 2 * height
    lines = []
    for row in range(height, 0, -1):
        cells = []
        for _, v in points:
            if v is None:
                cells.append(" " * col)
                continue
            h = round(v / scale * levels)
            ch = "█" if h >= 2 * row else "▄" if h == 2 * row - 1 else " "
            cells.append(" " + ch * (col - 2) + " ")
        axis = f"{100 * scale:3.0f}%│" if row == height else "    │"
        lines.append(axis + "".join(cells))
    lines.append("  0%└" + "─" * (col * len(points)))
    lines.append("     " + "".join(f"{lab:^{col}}" for lab, _ in points))
    return "\n".join(lines)


def group_label(by: str, key: str, sub: str | None) -> str:
    if by == "weekday" and key in WEEKDAYS:
        return t(f"wd.{WEEKDAYS.index(key)}")
    if by == "session":
        return i18n.part(key)
    if key == "unknown":
        return t("st.unknown")
    if by == "reminded":
        return f"{key} · {t('st.yes') if sub == 'yes' else t('st.no')}"
    return key


# -- the screen ----------------------------------------------------------------------------

class StatisticsScreen(DeskScreen):
    DEFAULT_CSS = """
    StatisticsScreen #headline, StatisticsScreen #trend { height: auto; padding: 0 1; }
    """
    BINDINGS = [
        Binding("g", "group", t("k.group"), id="statistics.group"),
        Binding("p", "period", t("k.period"), id="statistics.period"),
        Binding("x", "export", t("k.export"), id="statistics.export"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.by = DIMENSIONS[0]
        self.period = PERIODS[0]
        self.trend = None
        self.breakdown = None
        self._trend_range: tuple | None = None

    def compose(self) -> ComposeResult:
        yield from self.header()
        yield Static(t("loading"), id="stats-head", classes="head", markup=False)
        yield Static("", id="headline", markup=False)
        yield Static("", id="trend-head", classes="counts", markup=False)
        yield Static("", id="trend", markup=False)
        yield Static("", id="by-head", classes="head", markup=False)
        yield Table(id="breakdown")
        yield from self.footer()

    def on_mount(self) -> None:
        self._columns()
        self.query_one(Table).focus()
        self.refresh_data()

    def _columns(self) -> None:
        self.query_one(Table).set_columns(COLUMNS)

    def relabel(self) -> None:
        self.query_one(Table).relabel()
        super().relabel()

    def _range(self) -> tuple[date | None, date]:
        today = self.app.today()
        days = self.period[1]
        return (None if days is None else today - timedelta(days=days - 1)), today

    def refresh_data(self, *, trend: bool = True) -> None:
        """Read again; ``trend=False`` (another grouping, same period) reuses the trend."""
        start, end = self._range()
        by, now = self.by, self.app.now()
        old = self.trend if not trend and self._trend_range == (start, end) else None

        def load(ctx):
            from ...services.statistics import compute

            months = old or compute(ctx, now=now, start=start, end=end, by="month")
            return months, compute(ctx, now=now, start=start, end=end, by=by), (start, end)

        self.app.work(load, self._show, group="statistics", exclusive=True, failed=self.fail)

    def _show(self, result) -> None:
        self.trend, self.breakdown, self._trend_range = result
        start, end = self._trend_range
        h = self.breakdown.headline
        self.query_one("#stats-head", Static).update(t(
            "st.head", start=f"{start:%d/%m/%Y}" if start else "…", end=f"{end:%d/%m/%Y}",
            period=t(f"st.period.{self.period[0]}")))
        lead = "-" if h.lead_mean_days is None else f"{h.lead_mean_days:.1f}"
        self.query_one("#headline", Static).update("\n".join((
            t("st.line1", adherence=pct(h.adherence), no_show=pct(h.no_show_rate)),
            t("st.line2", patient=pct(h.cancel_patient_rate), clinic=pct(h.cancel_clinic_rate),
              late=pct(h.late_cancel_rate)),
            t("st.line3", util=pct(h.utilisation), booked=f"{h.booked:,}", lead=lead))))
        months = {g.key: g.figures.no_show_rate.value for g in self.trend.groups}
        shown = [m for m in last_months(end) if start is None or m >= f"{start:%Y-%m}"]
        self.query_one("#trend-head", Static).update(t("st.trend"))
        self.query_one("#trend", Static).update(
            chart([(f"{m[5:]}/{m[2:4]}", months.get(m)) for m in shown]))
        self.query_one("#by-head", Static).update(t("st.by", by=t(f"st.by.{self.by}")))
        self.query_one(Table).fill([(f"{g.key}|{g.sub or ''}", (
            group_label(self.by, g.key, g.sub), f"{g.figures.booked:,}",
            pct(g.figures.no_show_rate), pct(g.figures.cancel_patient_rate, ci=False),
            pct(g.figures.cancel_clinic_rate, ci=False), pct(g.figures.adherence, ci=False)))
            for g in self.breakdown.groups])

    def action_group(self) -> None:
        self.by = DIMENSIONS[(DIMENSIONS.index(self.by) + 1) % len(DIMENSIONS)]
        self.query_one("#by-head", Static).update(t("loading"))
        self.refresh_data(trend=False)

    def action_period(self) -> None:
        self.period = PERIODS[(PERIODS.index(self.period) + 1) % len(PERIODS)]
        self.refresh_data()

    def action_export(self) -> None:
        stats = self.breakdown
        if stats is None:
            return
        now = self.app.now()

        def write(ctx):
            from ...services.stats_export import export_csv

            return export_csv(ctx.cfg, stats, now=now)

        self.app.work(write, self._exported, group="export", failed=self.fail)

    def _exported(self, path) -> None:
        self.say(t("st.exported") + f": {path}")
