"""The help screen: every key of the screen below, and the screens' keys."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from .. import i18n
from ..i18n import t


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,f1,q", "dismiss", t("close"), id="help.close")]

    def __init__(self) -> None:
        super().__init__()
        i18n.relabel_bindings(self)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help", classes="dialog"):
            yield Static(t("help"), classes="title", markup=False)
            yield Static(t("help.text"), id="help-text", markup=False)
            yield Static(self._keys(), id="help-keys", markup=False)

    def _keys(self) -> str:
        below = next((s for s in reversed(self.app.screen_stack) if s is not self), None)
        lines = []
        for holder in (below, self.app):
            for b in getattr(holder, "BINDINGS", []):
                if isinstance(b, Binding) and b.description:
                    keys = self.app.get_key_display(b)
                    lines.append(f"  {keys:<12} {i18n.key_label(b)}")
        return "\n".join(lines)

    def action_dismiss(self) -> None:
        self.dismiss()
