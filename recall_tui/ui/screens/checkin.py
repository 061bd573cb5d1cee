"""Điểm danh: one input for the front of the queue; Enter checks in; running totals."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from ..i18n import t
from ..widgets.field import Field
from ..widgets.table import Col, Table
from .base import DeskScreen
from .today import several_doctors

COLUMNS = (Col("col.clinic"), Col("col.doctor", drop=3), Col("col.queue"),
           Col("col.patient", width=20, max=34, grow=True), Col("col.mrn", drop=2),
           Col("col.born", drop=1), Col("col.code", drop=4))


class CheckinScreen(DeskScreen):
    def __init__(self) -> None:
        super().__init__()
        self.done: list = []
        self.last = None  # the row checked in last
        self.counts: dict = {}

    def compose(self) -> ComposeResult:
        yield from self.header()
        yield Field(placeholder=t("scan"), id="scan")
        yield Static("", id="last", markup=False)
        yield Static("", id="totals", markup=False)
        yield Table(id="done")
        yield from self.footer()

    def on_mount(self) -> None:
        self._columns()
        self.query_one("#scan").focus()
        self.refresh_data()

    def _columns(self) -> None:
        doctors = several_doctors(self.done)
        self.query_one(Table).set_columns(COLUMNS, hidden=() if doctors else ("col.doctor",))

    def relabel(self) -> None:
        self.query_one(Table).relabel()
        self.query_one("#scan", Field).placeholder = t("scan")
        self._show_last()
        self._show_done()
        super().relabel()

    def refresh_data(self) -> None:
        day = self.app.today()

        def load(ctx):
            from ...services.today import day_counts

            return day_counts(ctx, day=day)

        self.app.work(load, self._counts, group="checkin-counts", exclusive=True,
                      failed=self.fail)

    def _counts(self, counts: dict) -> None:
        self.counts = counts
        self.query_one("#totals", Static).update(t(
            "checkin.totals", n=len(self.done), arrived=counts.get("arrived", 0),
            expected=counts.get("expected", 0)))

    def on_input_submitted(self, event) -> None:
        query = event.value
        if not query.strip():
            return
        now = self.app.now()

        def act(ctx):
            from ...services.desk_checkin import check_in_any

            return check_in_any(ctx, query=query, now=now)

        self.say(t("working"), transient=True)
        self.app.work(act, self._checked, failed=self._failed)

    def _checked(self, answer) -> None:
        row, _done = answer
        self.done.insert(0, row)
        scan = self.query_one("#scan", Field)
        scan.value = ""
        self.last = row
        self._show_last()
        self.say("")
        self._show_done()
        self.refresh_data()

    def _show_last(self) -> None:
        row = self.last
        self.query_one("#last", Static).update("" if row is None else (
            f"✓ {t('checked_in', name=row.patient, clinic=row.clinic, queue=row.queue_no)}"
            f" · {row.born}"))

    def _failed(self, exc: Exception) -> None:
        self.last = None
        self._show_last()
        self.fail(exc)

    def _show_done(self) -> None:
        self._columns()
        self.query_one(Table).fill([(f"{i}:{r.code}", (
            r.clinic, r.doctor, str(r.queue_no), r.patient, r.mrn, r.born, r.display_code))
            for i, r in enumerate(self.done[:200])])
