"""Hôm nay: the day's follow-ups by clinic and session; check in, undo, reschedule, cancel."""

from __future__ import annotations

from datetime import timedelta

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

from ...core.parse import parse_date, parse_time
from .. import i18n
from ..i18n import t
from ..widgets.table import PAGE, Col, Table
from .base import DeskScreen
from .form import FormScreen, Spec

STATUSES = [None, "booked", "confirmed", "checked_in", "no_show", "cancelled"]
PARTS = [None, "morning", "afternoon", "evening"]


# The day list's columns, most wanted first at 80 columns; a wide terminal shows them all.
COLUMNS = (Col("col.clinic"), Col("col.doctor", drop=3), Col("col.queue"),
           Col("col.time", drop=4), Col("col.patient", width=20, max=30, grow=True),
           Col("col.born", drop=7), Col("col.phone", drop=2), Col("col.status", max=12),
           Col("col.reminder", drop=5), Col("col.code", drop=1), Col("col.mrn", drop=6))


def several_doctors(rows) -> bool:
    """Whether a clinic's rows name more than one doctor (a doctor column is then needed:
    queue numbers repeat, one series per doctor)."""
    seen: dict[str, str] = {}
    for r in rows:
        if r.doctor and seen.setdefault(r.clinic, r.doctor) != r.doctor:
            return True
    return False


def high_risk_codes(ctx, day, now) -> frozenset[str]:
    """The codes of the day's booked appointments a trained no-show model puts in its
    high-risk fifth (worth a phone call); empty for a past day or without a model.

    Runs in the worker; plain-Python scoring from the saved coefficients (no scikit-learn)."""
    from ...services import risk_model

    if day < ctx.today(now) or not risk_model.path(ctx.cfg).exists():
        return frozenset()
    from ...core.errors import DomainError
    from ...services.risk import score_upcoming

    try:
        scores = score_upcoming(ctx, now=now, days=1, start=day)
    except DomainError:  # an unreadable or stale model: the day list without marks
        return frozenset()
    return frozenset(a.code for a in scores.appointments if a.high)


class TodayScreen(DeskScreen):
    BINDINGS = [
        Binding("enter,space", "check_in", t("k.checkin"), id="today.checkin"),
        Binding("u", "undo", t("k.undo"), id="today.undo"),
        Binding("r", "reschedule", t("k.resched"), id="today.reschedule"),
        Binding("x", "cancel", t("k.cancel"), id="today.cancel"),
        Binding("c", "cycle('clinic')", t("k.clinic"), id="today.clinic",
                show=False),
        Binding("s", "cycle('part')", t("k.part"), id="today.part",
                show=False),
        Binding("t", "cycle('status')", t("k.status"), id="today.status",
                show=False),
        Binding("left_square_bracket", "day(-1)", t("k.prev_day"), id="today.prev",
                show=False),
        Binding("right_square_bracket", "day(1)", t("k.next_day"), id="today.next",
                show=False),
        Binding("n", "page", t("k.page"), id="today.page", show=False),
        Binding("o", "open", t("k.open"), id="today.open"),
        Binding("p", "print_slip", t("k.print"), id="today.print"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.day = None
        self.clinic: str | None = None
        self.part: str | None = None
        self.status: str | None = None
        self.page = 0
        self.rows: list = []
        self.day_data = None
        self.high: frozenset[str] = frozenset()  # codes a trained model puts at high risk

    def compose(self) -> ComposeResult:
        yield from self.header()
        yield Static(t("loading"), id="today-head", classes="head", markup=False)
        yield Static("", id="today-counts", classes="counts", markup=False)
        yield Table(id="today-table")
        yield from self.footer()

    def on_mount(self) -> None:
        self.day = self.app.today()
        self._columns()
        self.query_one(Table).focus()
        self.call_after_refresh(self.refresh_data)  # drawn first, then read

    def _columns(self, *, doctors: bool = False) -> None:
        self.query_one(Table).set_columns(COLUMNS, hidden=() if doctors else ("col.doctor",))

    def relabel(self) -> None:
        self.query_one(Table).relabel()
        self._draw()
        super().relabel()

    # -- reading ----------------------------------------------------------------------
    def refresh_data(self) -> None:
        """Read the whole day once (one query); filters and pages then work in memory."""
        if self.day is None:
            return
        day, now = self.day, self.app.now()

        def load(ctx):
            from ...services.today import day_list

            return day_list(ctx, day=day), high_risk_codes(ctx, day, now)

        self.app.work(load, self._loaded_day, group="today", exclusive=True, failed=self.fail)

    def _loaded_day(self, loaded) -> None:
        d, high = loaded
        if d.day != self.day:
            return  # another day was asked for meanwhile
        self.day_data, self.high = d, high
        self._draw()

    def _draw(self) -> None:
        from ...services.today import counts_of

        d = self.day_data
        if d is None:
            return
        scope = [r for r in d.rows if (self.clinic is None or r.clinic == self.clinic)
                 and (self.part is None or r.part == self.part)]
        self.rows = [r for r in scope if self.status is None or r.status == self.status]
        pages = max(1, -(-len(self.rows) // PAGE))
        self.page = min(self.page, pages - 1)
        shown = self.rows[self.page * PAGE:(self.page + 1) * PAGE]
        rest = " · " + t(
            "filters", clinic=self.clinic or t("all"),
            part=i18n.part(self.part) if self.part else t("all"),
            status=i18n.status(self.status) if self.status else t("all"))
        if pages > 1:
            rest += " · " + t("page", page=self.page + 1, pages=pages, n=len(self.rows))
        # Content, not markup: what is shown here is data, never read as markup.
        self.query_one("#today-head", Static).update(Content.assemble(
            f"{i18n.day_label(d.day)} ", ("[ ]", "dim"), rest))
        counts = t("counts", **counts_of(scope))
        if self.high:
            counts += " · " + t("risk.legend", n=sum(r.code in self.high for r in scope))
        self.query_one("#today-counts", Static).update(counts)
        self._columns(doctors=several_doctors(shown))
        self.query_one(Table).fill([(r.code, (
            r.clinic, r.doctor, str(r.queue_no),
            f"{(r.at_time or r.starts):%H:%M}" if (r.at_time or r.starts) else "",
            f"! {r.patient}" if r.code in self.high else r.patient, r.born, r.phone,
            i18n.status(r.status), t(f"rem.{r.reminder}"), r.display_code, r.mrn))
            for r in shown])
        if not self.rows:
            self.say(t("no_rows"), transient=True)
        elif self.said == (t("no_rows"), False):
            self.say("")

    def current(self):
        key = self.query_one(Table).current_key()
        return next((r for r in self.rows if r.code == key), None)

    # -- filters -------------------------------------------------------------------------
    def action_cycle(self, what: str) -> None:
        if what == "clinic":
            options = [None] + [c.code for c in self.app.cfg.clinics]
        elif what == "part":
            options = PARTS
        else:
            options = STATUSES
        now = getattr(self, what)
        setattr(self, what, options[(options.index(now) + 1) % len(options)])
        self.page = 0
        self._draw()

    def action_day(self, step: int) -> None:
        self.day = self.day + timedelta(days=int(step))
        self.page = 0
        self.day_data = None
        self.refresh_data()

    def action_page(self) -> None:
        pages = max(1, -(-len(self.rows) // PAGE))
        self.page = (self.page + 1) % pages
        self._draw()

    # -- acts ---------------------------------------------------------------------------
    def action_check_in(self) -> None:
        row = self.current()
        if row is None:
            return
        now = self.app.now()

        def act(ctx):
            from ...services.attendance import check_in

            return check_in(ctx, code=row.code, now=now)

        self.say(t("working"), transient=True)
        self.app.work(act, lambda _d: self._after(t("checked_in", name=row.patient,
                                                        clinic=row.clinic, queue=row.queue_no)),
                      failed=self.fail)

    def _after(self, message: str) -> None:
        self.say(message)
        self.refresh_data()

    def action_undo(self) -> None:
        row = self.current()
        if row is None:
            return
        now = self.app.now()

        def act(ctx, v):
            from ...services.attendance import undo

            return undo(ctx, code=row.code, reason=v["reason"], now=now)

        self.app.push_screen(
            FormScreen(f"{t('k.undo')} {row.display_code} — {row.patient}",
                       [Spec("reason", t("undo.reason"))], act, id="undo-form"),
            lambda m: m and self._after(t("undone", code=row.display_code,
                                          status=i18n.status(m.status))))

    def action_reschedule(self) -> None:
        row = self.current()
        if row is None:
            return
        now, today = self.app.now(), self.app.today()

        def act(ctx, v):
            from ...services.booking import reschedule

            return reschedule(ctx, code=row.code, day=parse_date(v["date"], field="date", today=today, future=True),
                              part=v["part"], at_time=parse_time(v["time"]),
                              reason=v["reason"], now=now)

        parts = [(i18n.part(p), p) for p in ("morning", "afternoon", "evening")]
        self.app.push_screen(
            FormScreen(f"{t('k.resched')} {row.display_code} — {row.patient}",
                       [Spec("date", t("f.date")), Spec("part", t("f.part"), row.part, parts),
                        Spec("time", t("f.time")), Spec("reason", t("f.reason"))],
                       act, id="reschedule-form"),
            lambda b: b and self._after(i18n.booked(b)))

    def action_cancel(self) -> None:
        row = self.current()
        if row is None:
            return
        now = self.app.now()

        def act(ctx, v):
            from ...services.booking import cancel

            return cancel(ctx, code=row.code, by=v["by"], reason=v["reason"], now=now)

        self.app.push_screen(
            FormScreen(f"{t('k.cancel')} {row.display_code} — {row.patient}",
                       [Spec("by", t("f.by"), "patient",
                             [(t("by.patient"), "patient"), (t("by.clinic"), "clinic")]),
                        Spec("reason", t("f.reason"))], act, id="cancel-form"),
            lambda m: m and self._after(t("cancelled", code=row.display_code)))

    async def action_open(self) -> None:
        row = self.current()
        if row is not None:
            await self.app.open_patient(row.mrn)

    def action_print_slip(self) -> None:
        row = self.current()
        if row is not None:
            from ..slip_printing import print_slip_later

            print_slip_later(self, row.code)

    def on_data_table_row_selected(self, event) -> None:
        event.stop()
        self.action_check_in()

