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
        self.said: tuple[str, bool] = ("", False)  # what the status line says; an error?
        self.failed: Exception | None = None  # the error it says, if any

    def header(self) -> ComposeResult:
        # A plain line, not Textual's Header: a Header watches the app's title, and the app
        # keeps such watchers (and the widget) until the title changes, long after a
        # dropped screen is gone.
        yield Static(self.title_text(), id="title-bar", markup=False)

    def title_text(self) -> str:
        app = self.app
        return f"{app.title} — {app.sub_title}" if app.sub_title else str(app.title)

    def footer(self) -> ComposeResult:
        yield Static("", id="status", classes="status", markup=False)  # data, never markup
        yield KeyLine()

    def on_screen_resume(self) -> None:
        if self._lang != i18n.lang():
            self.relabel()
        self.refresh_data()

    def relabel(self) -> None:
        self._lang = i18n.lang()
        # What the status line said, said again in the new language: an error is, other
        # messages (about what was just done) are not kept in the language of before.
        failed = self.failed
        if failed is not None and self.said[1]:
            self.fail(failed)
        else:
            self.say("")
        for bar in self.query("#title-bar").results(Static):
            bar.update(self.title_text())
        self.refresh_bindings()
        self.refresh_data()

    def refresh_data(self) -> None:  # pragma: no cover - each screen reads its own
        pass

    def say(self, text: str, *, error: bool = False, transient: bool = False) -> None:
        """Put ``text`` on the status line. A ``transient`` text (work under way, a slip
        saved, an empty list) never hides an error: the error stays until an outcome of
        the person's next action replaces it."""
        if transient and self.said[1]:
            return
        self.said = (text, error)
        if not error:
            self.failed = None
        for line in self.query("#status").results(Static):
            line.set_class(error, "error")
            line.update(text)

    def add_note(self, text: str, *, error: bool = False) -> None:
        """Add ``text`` to what the status line says (the slip after a booking); a note
        that is not an error never hides one."""
        said, was_error = self.said
        if was_error and not error:
            return
        self.say(f"{said} · {text}" if said else text, error=error)

    def fail(self, exc: Exception) -> None:
        self.say(i18n.err(exc), error=True)
        self.failed = exc
