"""A small form in a dialog: fields, Enter saves by calling a service in a worker.

The dialog stays open on a refused or malformed value, says why next to the form and
keeps what was typed; it closes with the service's answer when it succeeds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Select, Static

from ...core.errors import BadInput
from ...core.text import check
from .. import i18n
from ..i18n import t
from ..widgets.field import Field


@dataclass
class Spec:
    name: str
    label: str
    value: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)  # (shown, value): a Select


class FormScreen(ModalScreen):
    """``action(ctx, values)`` runs in a worker; the dialog closes with its result."""

    BINDINGS = [Binding("escape", "cancel", t("close"), id="form.cancel"),
                Binding("ctrl+s", "save", t("ok"), id="form.save")]

    def __init__(self, title: str, specs: list[Spec],
                 action: Callable[[Any, dict[str, str]], Any], *, id: str | None = None):
        super().__init__(name=id)
        self.title_text = title
        self.specs = specs
        self.action = action
        self._saving = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(self.title_text, classes="title", markup=False)
            for s in self.specs:
                with Horizontal(classes="form-row"):
                    yield Label(s.label)
                    if s.options:
                        yield Select(s.options, value=s.value or s.options[0][1],
                                     allow_blank=False, compact=True, id=f"f-{s.name}")
                    else:
                        yield Field(value=s.value, id=f"f-{s.name}")
            yield Static("", id="form-error", classes="error", markup=False)
            yield Static(f"{t('ok')} · {t('close')}", classes="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).can_focus = False
        first = self.query("Field, Select").first()
        first.focus()

    def values(self) -> dict[str, str]:
        out = {}
        for s in self.specs:
            w = self.query_one(f"#f-{s.name}")
            out[s.name] = str(w.value) if w.value is not None else ""
        return out

    def on_input_submitted(self, event) -> None:
        event.stop()
        fields = [f for f in self.query(Field)]
        idx = fields.index(event.input) if event.input in fields else -1
        if 0 <= idx < len(fields) - 1 and not fields[idx + 1].value:
            fields[idx + 1].focus()
            return
        self.action_save()

    def action_save(self) -> None:
        if self._saving:
            return
        self._saving = True
        values = self.values()
        try:  # the desk's edge: no control characters, no text past its field's limit
            for name, value in values.items():
                check(value, name)
        except BadInput as exc:
            self._failed(exc)
            return
        self.query_one("#form-error", Static).update(t("working"))
        self.app.work(lambda ctx: self.action(ctx, values), self._done, failed=self._failed)

    def _done(self, result: Any) -> None:
        self._saving = False
        self.dismiss(result)

    def _failed(self, exc: Exception) -> None:
        self._saving = False
        self.query_one("#form-error", Static).update(i18n.err(exc))
        name = getattr(exc, "field", None)
        if name:
            for w in self.query(f"#f-{name}"):
                w.focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
