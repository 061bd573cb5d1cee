"""The desk app: screens one key away, database work in workers, live refresh."""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from textual.app import App
from textual.binding import Binding

from ..config import Config
from ..core.errors import DomainError
from . import i18n, memory
from .backend import Backend
from .i18n import t
from .screens.today import TodayScreen

POLL_SECONDS = 1.0
# Screens kept when left: Today, Booking (a half-made booking survives a look elsewhere) and
# Check-in (this desk's running list). The others are built again on each visit (they read
# their data again anyway), so a desk's memory stays flat however many screens it visits.
KEPT_MODES = frozenset({"today", "booking", "checkin"})


class RecallApp(App):
    CSS_PATH = Path(__file__).with_name("app.tcss")
    ENABLE_COMMAND_PALETTE = False
    DEFAULT_MODE = "today"  # the first frame is Today itself, no blank screen before it
    MODES = {"today": TodayScreen, "booking": lambda: _screen("booking", "BookingScreen"),
             "checkin": lambda: _screen("checkin", "CheckinScreen"),
             "noshow": lambda: _screen("noshow", "NoShowScreen"),
             "patient": lambda: _screen("patient", "PatientScreen"),
             "sessions": lambda: _screen("sessions", "SessionsScreen"),
             "statistics": lambda: _screen("statistics", "StatisticsScreen")}
    BINDINGS = [
        Binding("f1", "help", t("help"), id="help"),
        Binding("f2", "switch_mode('today')", t("today"), id="today"),
        Binding("f3", "switch_mode('booking')", t("booking"), id="booking"),
        Binding("f4", "switch_mode('checkin')", t("checkin"), id="checkin"),
        Binding("f5", "switch_mode('noshow')", t("noshow"), id="noshow"),
        Binding("f6", "switch_mode('patient')", t("patient"), id="patient"),
        Binding("f7", "switch_mode('sessions')", t("sessions"), id="sessions"),
        Binding("f8", "toggle_lang", "EN/VI", id="lang"),
        Binding("f9", "switch_mode('statistics')", t("statistics"), id="statistics", show=False),
        Binding("ctrl+q", "quit", t("quit"), id="quit", priority=True),
    ]

    def __init__(self, cfg: Config, *, now: datetime | None = None, actor: str | None = None,
                 poll: bool = True, blink: bool = True):
        super().__init__()
        self.cfg = cfg
        self.fixed_now = now
        self.blink = blink and cfg.cursor_blink
        self.poll = poll
        self.backend = Backend(cfg, actor=actor, on_wait=self._waiting)
        self._marker: int | None = None
        self.last_patient: str | None = None  # the Patient screen opens on it again
        i18n.set_lang(cfg.language)
        self.title = t("app.title")
        self.sub_title = cfg.facility_name
        if cfg.keys:
            self.set_keymap(dict(cfg.keys))

    def get_driver_class(self):
        """Textual's driver for this terminal, writing compacted frames (see wire.py)."""
        from .wire import compact_driver

        return compact_driver(super().get_driver_class())

    # -- time ---------------------------------------------------------------------------
    def now(self) -> datetime:
        return self.fixed_now or datetime.now(self.cfg.tz)

    def today(self):
        return self.now().astimezone(self.cfg.tz).date()

    # -- lifecycle ------------------------------------------------------------------------
    def on_mount(self) -> None:
        if self.poll:
            self.call_after_refresh(self._start_polling)

    def _start_polling(self) -> None:
        # Everything loaded so far (modules, the first screen) lives as long as the app: out
        # of the collector's sight, a full collection is quick and touches none of it.
        gc.freeze()
        self._poll()  # the marker the first reads are measured against
        self.set_interval(POLL_SECONDS, self._poll)

    def on_unmount(self) -> None:
        self.backend.close()

    # -- workers ---------------------------------------------------------------------------
    def work(self, fn: Callable[[Any], Any], done: Callable[[Any], None] | None = None, *,
             group: str = "db", exclusive: bool = False,
             failed: Callable[[Exception], None] | None = None) -> None:
        """Run ``fn(ctx)`` in a thread; ``done(result)`` or ``failed(error)`` on the UI thread.

        Domain errors become a message (``failed`` or a notification), never a traceback."""
        def run() -> None:
            try:
                result = fn(self.backend.ctx)
            except DomainError as exc:
                self._back(failed or self._notify_error, exc)
                return
            except Exception as exc:  # noqa: BLE001 - shown, not raised
                self._back(failed or self._notify_error, _environment(exc))
                return
            if done is not None:
                self._back(done, result)

        self.run_worker(run, thread=True, group=group, exclusive=exclusive, exit_on_error=False)

    def _back(self, fn, arg) -> None:
        try:
            self.call_from_thread(fn, arg)
        except RuntimeError:  # the app is closing
            pass

    def notify(self, message: str, *, title: str = "", severity="information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Textual's notification, with the message shown as written (it often quotes a
        patient's name or what was typed): never read as markup unless asked."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def _waiting(self) -> None:
        """A write waits for another desk's lock (called from the worker's thread)."""
        self._back(lambda _: self.notify(t("waiting"), timeout=4), None)

    def _notify_error(self, exc: Exception) -> None:
        """An error no screen asked to handle: on the status line of the screen in front."""
        fail = getattr(self.screen, "fail", None)
        if fail is not None:
            fail(exc)
        else:
            self.notify(i18n.err(exc), title=t("error"), severity="error", timeout=6)

    # -- live refresh --------------------------------------------------------------------
    def _poll(self) -> None:
        if any(w.group == "poll" and w.is_running for w in self.workers):
            return
        self.work(lambda _ctx: self.backend.marker(), self._marked, group="poll",
                  failed=lambda _e: None)

    def _marked(self, value: int) -> None:
        if self._marker is not None and value != self._marker:
            self.data_changed()
        self._marker = value

    def data_changed(self) -> None:
        """Something changed in the database: the screen in front reads again."""
        refresh = getattr(self.screen, "refresh_data", None)
        if refresh is not None:
            refresh()

    # -- actions ----------------------------------------------------------------------------
    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_lang(self) -> None:
        i18n.set_lang("en" if i18n.lang() == "vi" else "vi")
        self.title = t("app.title")
        relabel = getattr(self.screen, "relabel", None)
        if relabel is not None:
            relabel()
        self.refresh_bindings()

    async def action_switch_mode(self, mode: str) -> None:
        await self.go(mode)

    async def go(self, mode: str) -> None:
        """Switch to a screen; the one left is dropped unless it is one of KEPT_MODES."""
        left = self.current_mode
        await self.switch_mode(mode)
        if left != mode and left not in KEPT_MODES and left in self.MODES:
            await self.remove_mode(left)
            self.add_mode(left, self.MODES[left])
            self.set_timer(0.5, memory.release)  # after the switch is drawn

    async def open_patient(self, mrn: str) -> None:
        self.last_patient = mrn
        await self.go("patient")
        self.screen.show_patient(mrn)


def _screen(module: str, name: str):
    """A screen made on first use: its module (and widgets) load only then."""
    import importlib

    return getattr(importlib.import_module(f"{__package__}.screens.{module}"), name)()


class _Unexpected(DomainError):
    pass


def _environment(exc: Exception) -> DomainError:
    """A failure that is not one of ours (the store translates every driver error): a bug.
    Its kind only, never its text (a driver's holds SQL and patients' data)."""
    name = type(exc).__name__
    return _Unexpected("internal", f"{i18n.S['unexpected'][0]}: {name}",
                       f"{i18n.S['unexpected'][1]}: {name}")
