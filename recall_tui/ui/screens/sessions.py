"""Buổi khám: the coming sessions' load; a manager closes one (its patients go to calls)."""

from __future__ import annotations

from datetime import timedelta

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from .. import i18n
from ..i18n import t
from ..widgets.table import Table
from .base import DeskScreen
from .form import FormScreen, Spec
from .session_list import in_time_order, show_loads

DAYS_AHEAD = 14


class SessionsScreen(DeskScreen):
    BINDINGS = [Binding("x", "close_session", t("k.close_session"), id="sessions.close"),
                Binding("p", "print_day", t("k.print_day"), id="sessions.print")]

    def __init__(self) -> None:
        super().__init__()
        self.loads: list = []

    def compose(self) -> ComposeResult:
        yield from self.header()
        yield Static(t("sessions.head"), id="sessions-head", classes="head", markup=False)
        yield Table(id="sessions")
        yield from self.footer()

    def on_mount(self) -> None:
        self.query_one(Table).focus()
        self.refresh_data()

    def relabel(self) -> None:
        self.query_one(Table).relabel()
        self.query_one("#sessions-head", Static).update(t("sessions.head"))
        super().relabel()

    def refresh_data(self) -> None:
        start = self.app.today()
        end = start + timedelta(days=DAYS_AHEAD)

        def load(ctx):
            from ...services.booking import loads

            return loads(ctx, clinic=None, start=start, end=end)

        self.app.work(load, self._show, group="sessions", exclusive=True, failed=self.fail)

    def _show(self, loads) -> None:
        self.loads = in_time_order(loads)
        show_loads(self.query_one(Table), self.loads)

    def action_close_session(self) -> None:
        key = self.query_one(Table).current_key()
        load = next((x for x in self.loads if x.key == key), None)
        if load is None or load.closed_reason:
            return
        now = self.app.now()

        def act(ctx, v):
            from ...services.sessions_admin import close_session

            return close_session(ctx, key=load.key, reason=v["reason"], now=now,
                                 move_to=v["move_to"] or None)

        targets = [(t("to.calls"), "")] + [
            (f"{i18n.session_label(x)} ({x.booked}/{x.capacity})", x.key)
            for x in self.loads if x.clinic == load.clinic and x.key != load.key
            and not x.closed_reason and x.capacity - x.booked >= load.booked]
        self.app.push_screen(
            FormScreen(t("close.title", session=i18n.session_label(load)),
                       [Spec("reason", t("f.reason")),
                        Spec("move_to", t("f.move_to"), "", targets[:40])], act,
                       id="close-form"),
            lambda c: c and self._session_closed(c))

    def action_print_day(self) -> None:
        """The day list of the clinic and day under the cursor, as a PDF in the slips folder."""
        key = self.query_one(Table).current_key()
        load = next((x for x in self.loads if x.key == key), None)
        if load is None:
            return
        now, lang = self.app.now(), i18n.lang()

        def act(ctx):
            from ...services.day_list_print import print_day_list

            return print_day_list(ctx, day=load.day, clinic=load.clinic, now=now,
                                  language=lang)

        self.say(t("working"), transient=True)
        self.app.work(act, self._day_printed, failed=self.fail)

    def _day_printed(self, done) -> None:
        message = t("day.printed", clinic=done.clinic, day=f"{done.day:%d/%m/%Y}",
                    n=done.patients, where=done.where)
        self.say(message)

    def _session_closed(self, c) -> None:
        if c.moved_to_session:
            self.say(t("moved_done", n=len(c.moved_to_session)))
        else:
            self.say(t("closed_done", n=len(c.moved_to_calls)))
        self.refresh_data()
