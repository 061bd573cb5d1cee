"""Điểm danh: one input for the front of the queue; Enter checks in; running totals."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from ..i18n import t
from ..widgets.field import Field
from ..widgets.table import Table
from .base import DeskScreen


class CheckinScreen(DeskScreen):
    def __init__(self) -> None:
        super().__init__()
        self.done: list = []
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
        table = self.query_one(Table)
        table.clear(columns=True)
        for key, w in (("col.clinic", 4), ("col.queue", 3), ("col.patient", 22),
                       ("col.mrn", 10), ("col.born", 10), ("col.code", 8)):
            table.add_column(t(key), width=w, key=key)

    def relabel(self) -> None:
        self._columns()
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

        self.say(t("working"))
        self.app.work(act, self._checked, failed=self._failed)

    def _checked(self, answer) -> None:
        row, _done = answer
        self.done.insert(0, row)
        scan = self.query_one("#scan", Field)
        scan.value = ""
        self.query_one("#last", Static).update(
            f"✓ {t('checked_in', name=row.patient, clinic=row.clinic, queue=row.queue_no)}"
            f" · {row.born}")
        self.say("")
        self._show_done()
        self.refresh_data()

    def _failed(self, exc: Exception) -> None:
        self.query_one("#last", Static).update("")
        self.fail(exc)

    def _show_done(self) -> None:
        self.query_one(Table).fill([(f"{i}:{r.code}", (
            r.clinic, str(r.queue_no), r.patient, r.mrn, r.born, r.display_code))
            for i, r in enumerate(self.done[:200])])
