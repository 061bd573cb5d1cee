"""The keys of the screen in front, on the bottom line: one widget.

Textual's Footer makes a widget per key (fifteen on Today) and builds them again whenever
the screen's bindings change (every visit, every focus move): a tenth of a second at start,
and a watcher per key left on the Footer each time (Textual prunes them only when the
Footer's ``compact`` changes), so kept screens gathered dead keys. This line is drawn
from the same bindings, in the theme's footer colours; a click on a key presses it.

Every word comes from the catalogue (a key without a word there is not shown), and only
whole keys are shown: when the line is too narrow the last ones are left out, F1 (help,
which lists them all) kept.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.widgets import Static

from .. import i18n

HELP_KEY = "f1"


class KeyLine(Static):
    COMPONENT_CLASSES = {"keyline--key", "keyline--description", "keyline--disabled"}
    DEFAULT_CSS = """
    KeyLine {
        dock: bottom;
        height: 1;
        width: 1fr;
        text-wrap: nowrap;
        text-overflow: clip;
        background: $footer-background;
        color: $footer-foreground;
        & > .keyline--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .keyline--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .keyline--disabled {
            text-style: dim;
        }
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)
        self._spans: list[tuple[int, int, str]] = []  # (start, end, key) for clicks

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen) -> None:
        if self.is_attached and screen is self.screen:
            self.update(self._line())

    def on_resize(self, _event) -> None:
        if self.is_attached:
            self.update(self._line())

    def entries(self) -> list[tuple[str, str, str, bool]]:
        """(key shown, word, key pressed, enabled) of every key shown, in order: the
        screen's and its widgets' keys, help, then the app's other keys."""
        own, help_, app = [], [], []
        seen: set[str] = set()
        for node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue  # one entry per action ("enter,space" is one key)
            label = i18n.key_label(binding)
            if label is None:
                continue
            seen.add(binding.action)
            press = binding.key.split(",")[0]
            entry = (self.app.get_key_display(binding), label, press, enabled)
            (help_ if press == HELP_KEY else app if node is self.app else own).append(entry)
        return own + help_ + app

    def _line(self) -> Text:
        key_style = self.get_component_rich_style("keyline--key", partial=True)
        desc_style = self.get_component_rich_style("keyline--description", partial=True)
        dim = self.get_component_rich_style("keyline--disabled", partial=True)
        width = self.size.width or self.app.size.width
        line = Text(no_wrap=True, end="")
        spans = []
        for key, label, press, enabled in self.entries():
            cost = cell_len(key) + cell_len(label) + 3
            if line.cell_len + cost > width:
                break  # whole keys only, in their order
            start = line.cell_len
            line.append(f" {key} ", key_style if enabled else key_style + dim)
            line.append(f"{label} ", desc_style if enabled else desc_style + dim)
            spans.append((start, line.cell_len, press))
        self._spans = spans
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return

