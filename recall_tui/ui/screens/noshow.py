"""Không đến: everyone to call, oldest first, with phones; log a call; rebook in place."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...core.calendar import Part
from ...core.outreach import Outcome
from .. import i18n
from ..forms import parse_day
from ..i18n import t
from ..widgets.table import Table
from .base import DeskScreen
from .form import FormScreen, Spec
from .rebook import RebookScreen

REASONS = [None, "no_show", "lapsed", "session_closed", "change_requested", "message_failed",
           "reply_unclear"]


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

    def compose(self) -> ComposeResult:
        yield from self.header()
        yield Static(t("loading"), id="calls-head", classes="head")
        yield Table(id="calls")
        yield Static("", id="phones", classes="counts")
        yield from self.footer()

    def on_mount(self) -> None:
        self._columns()
        self.query_one(Table).focus()
        self.refresh_data()

    def _columns(self) -> None:
        table = self.query_one(Table)
        table.clear(columns=True)
        for key, w in (("col.since", 5), ("col.reason", 9), ("col.patient", 17),
                       ("col.born", 10), ("col.phone", 12), ("col.tries", 3),
                       ("col.next", 7), ("col.mrn", 10)):
            table.add_column(t(key), width=w, key=key)

    def relabel(self) -> None:
        self._columns()
        super().relabel()

    def refresh_data(self) -> None:
        reason = self.reason

        def load(ctx):
            from ...services.outreach import open_tasks

            return open_tasks(ctx, reason=reason)

        self.app.work(load, self._show, group="calls", exclusive=True, failed=self.fail)

    def _show(self, tasks) -> None:
        self.tasks = tasks
        self.query_one("#calls-head", Static).update(t(
            "calls.count", n=len(tasks),
            reason=t(f"reason.{self.reason}") if self.reason else t("all")))
        self.query_one(Table).fill([(str(x.id), (
            f"{x.created:%d/%m}", t(f"reason.{x.reason}"), x.patient, x.born,
            x.phones[0].split(" (")[0] if x.phones else "", str(x.attempts),
            f"{x.next_action_on:%d/%m}", x.mrn)) for x in tasks])
        self._phones()

    def current(self):
        key = self.query_one(Table).current_key()
        return next((x for x in self.tasks if str(x.id) == key), None)

    def on_data_table_row_highlighted(self, _event) -> None:
        self._phones()

    def _phones(self) -> None:
        x = self.current()
        self.query_one("#phones", Static).update(
            " · ".join(x.phones) + (f" · {x.note}" if x.note else "") if x else "")

    def on_data_table_row_selected(self, event) -> None:
        event.stop()
        self.action_log()

    def action_reason(self) -> None:
        self.reason = REASONS[(REASONS.index(self.reason) + 1) % len(REASONS)]
        self.refresh_data()

    def action_log(self) -> None:
        x = self.current()
        if x is None:
            return
        now, today = self.app.now(), self.app.today()

        def act(ctx, v):
            from ...services.outreach import log_call

            back = parse_day(v["call_back"], field="call_back_on", today=today) \
                if v["call_back"].strip() else None
            return log_call(ctx, task_id=x.id, outcome=v["outcome"], note=v["note"],
                            call_back_on=back, now=now)

        en = i18n.lang() == "en"
        options = [(o.en if en else o.vi, o.value) for o in Outcome if o is not Outcome.REBOOKED]
        self.app.push_screen(
            FormScreen(f"{t('k.log')}: {x.patient} · {' · '.join(x.phones)}",
                       [Spec("outcome", t("f.outcome"), Outcome.NO_ANSWER.value, options),
                        Spec("call_back", t("f.call_back")), Spec("note", t("f.note"))],
                       act, id="log-form"),
            lambda r: r and self._after(t("logged", outcome=Outcome(r.outcome).en if en
                                          else Outcome(r.outcome).vi)))

    def _after(self, message: str) -> None:
        self.say(message)
        self.refresh_data()

    def action_rebook(self) -> None:
        x = self.current()
        if x is None:
            return
        if x.order_id is None:
            self.say(t("no_order"), error=True)
            return
        self.app.push_screen(RebookScreen(x), lambda b: b and self._after(
            t("booked", code=b.display_code, part=Part(b.part).vi, day=f"{b.day:%d/%m/%Y}",
              clinic=b.clinic, queue=b.queue_no)))

    def action_open(self) -> None:
        x = self.current()
        if x is not None:
            self.app.open_patient(x.mrn)
