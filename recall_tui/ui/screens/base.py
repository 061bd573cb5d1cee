"""What every desk screen shares: header, footer, a status line, refresh on resume."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from .. import i18n
from ..widgets.key_line import KeyLine


class DeskScreen(Screen):
    """A screen that reads its data in a worker and reads again when told."""

    def __init__(self) -> None:
        super().__init__()
        self._lang = i18n.lang()
        i18n.relabel_bindings(self)

    def header(self) -> ComposeResult:
        # A plain line, not Textual's Header: a Header watches the app's title, and the app
        # keeps such watchers (and the widget) until the title changes, long after a
        # dropped screen is gone.
        yield Static(self.title_text(), id="title-bar", markup=False)

    def title_text(self) -> str:
        app = self.app
        return f"{app.title} — {app.sub_title}" if app.sub_title else str(app.title)

    def footer(self) -> ComposeResult:
        yield Static("", id="status", classes="status", markup=False)
        yield KeyLine()

    def on_screen_resume(self) -> None:
        if self._lang != i18n.lang():
            self.relabel()
        self.refresh_data()

    def relabel(self) -> None:
        self._lang = i18n.lang()
        for bar in self.query("#title-bar").results(Static):
            bar.update(self.title_text())
        i18n.relabel_bindings(self)
        self.refresh_bindings()
        self.refresh_data()

    def refresh_data(self) -> None:  # pragma: no cover - each screen reads its own
        pass

    def say(self, text: str, *, error: bool = False) -> None:
        line = self.query_one("#status", Static)
        line.set_class(error, "error")
        line.update(text)

    def fail(self, exc: Exception) -> None:
        self.say(i18n.err(exc), error=True)
