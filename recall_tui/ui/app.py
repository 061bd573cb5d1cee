"""The desk app: screens for today, booking, check-in, the call list."""

from __future__ import annotations

from datetime import datetime

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from ..config import Config


class RecallApp(App):
    TITLE = "recall — Hẹn tái khám"
    BINDINGS = [Binding("q", "quit", "Thoát / Quit", id="quit"),
                Binding("r", "refresh", "Làm mới", id="refresh")]

    def __init__(self, cfg: Config, *, now: datetime | None = None):
        super().__init__()
        self.cfg = cfg
        self.fixed_now = now
        self.ctx = None

    def now(self) -> datetime:
        return self.fixed_now or datetime.now(self.cfg.tz)

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("Đang tải… / Loading…", id="counts")
        yield DataTable(id="today", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("PK", "Buổi", "STT", "Mã", "Bệnh nhân", "Điện thoại", "Trạng thái")
        self.action_refresh()

    def action_refresh(self) -> None:
        self.run_worker(self._load, thread=True, exclusive=True)

    def _load(self) -> None:
        from ..services.context import Context
        from ..services.today import day_list
        from ..store.database import Database

        if self.ctx is None:
            self.ctx = Context(cfg=self.cfg, db=Database(self.cfg.database_url))
        day = self.ctx.today(self.now())
        d = day_list(self.ctx, day=day)
        self.call_from_thread(self._show, d)

    def _show(self, d) -> None:
        from ..core.calendar import Part
        from ..core.lifecycle import STATUS_VI, Status

        c = d.counts
        self.query_one("#counts", Static).update(
            f"{d.day:%d/%m/%Y} — hẹn {c['expected']} · đã đến {c['arrived']} · "
            f"chưa đến {c['not_yet']} · không đến {c['no_show']}")
        table = self.query_one(DataTable)
        table.clear()
        for r in d.rows:
            table.add_row(r.clinic, Part(r.part).vi, str(r.queue_no), r.display_code, r.patient,
                          r.phone, STATUS_VI[Status(r.status)], key=r.code)
