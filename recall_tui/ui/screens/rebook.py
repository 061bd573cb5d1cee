"""Rebook from the call list: the order's sessions with their load; Enter books and closes."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from .. import i18n
from ..i18n import t
from ..widgets.table import Table
from .session_list import in_time_order, show_loads

AHEAD = 14


class RebookScreen(ModalScreen):
    BINDINGS = [Binding("escape", "cancel", t("close"), id="rebook.cancel")]

    def __init__(self, task) -> None:
        super().__init__(id="rebook")
        self.call = task
        self.loads: list = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("rebook.title", name=self.call.patient), classes="title", markup=False)
            yield Static(t("loading"), id="rebook-hint", markup=False)
            yield Table(id="rebook-loads")
            yield Static("", id="form-error", classes="error", markup=False)

    def on_mount(self) -> None:
        order_id, now, today = self.call.order_id, self.app.now(), self.app.today()
        clinic = self.call.clinic

        def load(ctx):
            from ...services.booking import loads, suggest

            s = suggest(ctx, order_id=order_id, now=now)
            if s.best is None and clinic:  # the window has passed: the coming weeks
                s = replace(s, loads=loads(ctx, clinic=clinic, start=today,
                                           end=today + timedelta(days=AHEAD)))
            return s

        self.app.work(load, self._show, failed=self._failed)

    def _show(self, s) -> None:
        self.loads = in_time_order([x for x in s.loads
                                    if not x.closed_reason and x.booked < x.capacity])
        table = self.query_one(Table)
        show_loads(table, self.loads, note=False)
        if s.best is None and self.loads:
            self.query_one("#rebook-hint", Static).update(t("k.rebook") + ": Enter")
        elif s.best is not None and s.best.key in [x.key for x in self.loads]:
            table.move_cursor(row=[x.key for x in self.loads].index(s.best.key), animate=False)
            b = s.best
            self.query_one("#rebook-hint", Static).update(t(
                "suggested", part=i18n.part(b.part), day=f"{b.day:%d/%m/%Y}", clinic=b.clinic,
                booked=b.booked, cap=b.capacity))
        else:
            self.query_one("#rebook-hint", Static).update(t(
                "no_suggestion", a=f"{s.earliest:%d/%m/%Y}", b=f"{s.latest:%d/%m/%Y}"))
        table.focus()

    def on_data_table_row_selected(self, event) -> None:
        event.stop()
        load = next((x for x in self.loads if x.key == event.row_key.value), None)
        if load is None:
            return
        task_id, now = self.call.id, self.app.now()

        def act(ctx):
            from ...services.outreach import rebook

            return rebook(ctx, task_id=task_id, clinic=load.clinic, day=load.day,
                          part=load.part, doctor=load.doctor, now=now)

        self.app.work(act, self.dismiss, failed=self._failed)

    def _failed(self, exc: Exception) -> None:
        self.query_one("#form-error", Static).update(i18n.err(exc))

    def action_cancel(self) -> None:
        self.dismiss(None)
