"""Không đến: everyone to call, oldest first, with phones; log a call; rebook in place."""

from __future__ import annotations

from datetime import timedelta

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...core.outreach import Outcome
from ...core.parse import parse_date
from .. import i18n
from ..i18n import t
from ..widgets.table import Col, Table
from .base import DeskScreen
from .form import FormScreen, Spec
from .rebook import RebookScreen

REASONS = [None, "no_show", "lapsed", "session_closed", "change_requested", "message_failed",
           "reply_unclear", "ahead"]
AHEAD = "ahead"  # not a task: tomorrow's high-risk appointments, worth a call before the day
TASK_COLUMNS = (Col("col.since", drop=3), Col("col.reason", max=14, drop=2),
                Col("col.patient", width=20, max=30, grow=True), Col("col.born", drop=4),
                Col("col.phone"), Col("col.tries", drop=5), Col("col.next", drop=1),
                Col("col.mrn", drop=6))
AHEAD_COLUMNS = (Col("col.day", drop=3), Col("col.part", drop=4), Col("col.clinic"),
                 Col("col.patient", width=20, max=30, grow=True), Col("col.born", drop=5),
                 Col("col.phone"), Col("col.risk"), Col("col.mrn", drop=6))


class NoShowScreen(DeskScreen):
    BINDINGS = [
        Binding("l", "log", t("k.log"), id="noshow.log"),
        Binding("b", "rebook", t("k.rebook"), id="noshow.rebook"),
        Binding("f", "reason", t("k.reason"), id="noshow.reason"),
        Binding("o", "open", t("k.open"), id="noshow.open"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.reason: str | None = None
        self.tasks: list = []
        self.ahead: list = []  # the "call ahead" rows (services.risk.Scored)

    def compose(self) -> ComposeResult:
        yield from self.header()
        yield Static(t("loading"), id="calls-head", classes="head", markup=False)
        yield Table(id="calls")
        yield Static("", id="phones", classes="counts", markup=False)
        yield from self.footer()

    def on_mount(self) -> None:
        self._columns()
        self.query_one(Table).focus()
        self.refresh_data()

    def _columns(self) -> None:
        self.query_one(Table).set_columns(AHEAD_COLUMNS if self.reason == AHEAD
                                          else TASK_COLUMNS)

    def relabel(self) -> None:
        self.query_one(Table).relabel()
        super().relabel()

    def refresh_data(self) -> None:
        reason, now = self.reason, self.app.now()
        if reason == AHEAD:
            self._load_ahead(now)
            return

        def load(ctx):
            from ...services.outreach import open_tasks

            return open_tasks(ctx, reason=reason, now=now)

        self.app.work(load, self._show, group="calls", exclusive=True, failed=self.fail)

    def _load_ahead(self, now) -> None:
        tomorrow = self.app.today() + timedelta(days=1)

        def load(ctx):
            from ...services.risk import score_upcoming

            res = score_upcoming(ctx, now=now, days=1, start=tomorrow)
            return [a for a in res.appointments if a.high]

        def missing(exc) -> None:
            self._show_ahead([], tomorrow)
            self.query_one("#calls-head", Static).update(t("ahead.none"))
            self.fail(exc)

        self.app.work(load, lambda rows: self._show_ahead(rows, tomorrow), group="calls",
                      exclusive=True, failed=missing)

    def _show_ahead(self, rows, day) -> None:
        if self.reason != AHEAD:
            return
        self.tasks, self.ahead = [], rows
        self.query_one("#calls-head", Static).update(t("ahead.count", n=len(rows),
                                                       day=f"{day:%d/%m}"))
        self.query_one(Table).fill([(f"a{x.appointment_id}", (
            f"{x.day:%d/%m}", i18n.part(x.part), x.clinic, x.patient, x.born,
            x.phones[0].split(" (")[0] if x.phones else "", f"{100 * x.risk:.0f}%", x.mrn))
            for x in rows])
        self._phones()

    def _show(self, tasks) -> None:
        if self.reason == AHEAD:
            return
        self.tasks, self.ahead = tasks, []
        scored = any(x.risk is not None for x in tasks)
        self.query_one("#calls-head", Static).update(t(
            "calls.risk" if scored else "calls.count", n=len(tasks),
            reason=t(f"reason.{self.reason}") if self.reason else t("all")))
        self.query_one(Table).fill([(str(x.id), (
            f"{x.created:%d/%m}", t(f"reason.{x.reason}"), x.patient, x.born,
            x.phones[0].split(" (")[0] if x.phones else "", str(x.attempts),
            f"{x.next_action_on:%d/%m}", x.mrn)) for x in tasks])
        self._phones()

    def current(self):
        key = self.query_one(Table).current_key()
        return next((x for x in self.tasks if str(x.id) == key), None)

    def current_ahead(self):
        key = self.query_one(Table).current_key()
        return next((x for x in self.ahead if f"a{x.appointment_id}" == key), None)

    def on_data_table_row_highlighted(self, _event) -> None:
        self._phones()

    def _phones(self) -> None:
        if self.reason == AHEAD:
            a = self.current_ahead()
            self.query_one("#phones", Static).update(
                f"{' · '.join(map(i18n.phone, a.phones))} · {a.prior_no_shows}/{a.prior_visits} "
                f"{t('reason.no_show').lower()} · {a.code}" if a else "")
            return
        x = self.current()
        self.query_one("#phones", Static).update(
            " · ".join(map(i18n.phone, x.phones)) + (f" · {x.note}" if x.note else "")
            if x else "")

    def on_data_table_row_selected(self, event) -> None:
        event.stop()
        self.action_log()

    def action_reason(self) -> None:
        was_ahead = self.reason == AHEAD
        self.reason = REASONS[(REASONS.index(self.reason) + 1) % len(REASONS)]
        if was_ahead or self.reason == AHEAD:
            self.tasks, self.ahead = [], []
            self._columns()
        self.refresh_data()

    def action_log(self) -> None:
        if self.reason == AHEAD:
            self.say(t("ahead.no_task"))
            return
        x = self.current()
        if x is None:
            return
        now, today = self.app.now(), self.app.today()

        def act(ctx, v):
            from ...services.outreach import log_call

            back = parse_date(v["call_back"], field="call_back_on", today=today, future=True) \
                if v["call_back"].strip() else None
            return log_call(ctx, task_id=x.id, outcome=v["outcome"], note=v["note"],
                            call_back_on=back, now=now)

        options = [(i18n.outcome(o), o.value) for o in Outcome if o is not Outcome.REBOOKED]
        self.app.push_screen(
            FormScreen(f"{t('k.log')}: {x.patient} · {' · '.join(map(i18n.phone, x.phones))}",
                       [Spec("outcome", t("f.outcome"), Outcome.NO_ANSWER.value, options),
                        Spec("call_back", t("f.call_back")), Spec("note", t("f.note"))],
                       act, id="log-form"),
            lambda r: r and self._after(t("logged", outcome=i18n.outcome(r.outcome))))

    def _after(self, message: str) -> None:
        self.say(message)
        self.refresh_data()

    def action_rebook(self) -> None:
        if self.reason == AHEAD:
            self.say(t("ahead.no_task"))
            return
        x = self.current()
        if x is None:
            return
        if x.order_id is None:
            self.say(t("no_order"), error=True)
            return
        self.app.push_screen(RebookScreen(x), lambda b: b and self._after(i18n.booked(b)))

    async def action_open(self) -> None:
        x = self.current_ahead() if self.reason == AHEAD else self.current()
        if x is not None:
            await self.app.open_patient(x.mrn)
