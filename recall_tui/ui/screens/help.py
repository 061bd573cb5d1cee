"""The help screen: every key of the screen below, and the screens' keys."""

from __future__ import annotations

from dataclasses import replace

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from .. import i18n
from ..i18n import t


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,f1,q", "dismiss", t("close"), id="help.close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help", classes="dialog"):
            yield Static(t("help"), classes="title", markup=False)
            yield Static(t("help.text"), id="help-text", markup=False)
            yield Static(self._keys(), id="help-keys", markup=False)

    def _keys(self) -> str:
        """Every key of the screen below and of the app, two to a line."""
        below = next((s for s in reversed(self.app.screen_stack) if s is not self), None)
        cells = []
        for holder in (below, self.app):
            for b in getattr(holder, "BINDINGS", []):
                label = i18n.key_label(b) if isinstance(b, Binding) else None
                if label:  # "enter,space": the first key names it
                    first = replace(b, key=b.key.split(",")[0], key_display=None)
                    cells.append(f"{self.app.get_key_display(first):<6} {label}")
        width = max((cell_len(c) for c in cells), default=0) + 2
        return "\n".join("".join(_pad(c, width) for c in cells[i:i + 2]).rstrip()
                         for i in range(0, len(cells), 2))

    def action_dismiss(self) -> None:
        self.dismiss()


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - cell_len(text))
