"""The keys of the screen in front, on the bottom line: one widget.

Textual's Footer makes a widget per key (fifteen on Today) and builds them again whenever
the screen's bindings change (every visit, every focus move): a tenth of a second at start,
and a watcher per key left on the Footer each time (Textual prunes them only when the
Footer's ``compact`` changes), so kept screens gathered dead keys. This line is drawn
from the same bindings, in the theme's footer colours; a click on a key presses it.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widgets import Static


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

    def _line(self) -> Text:
        key_style = self.get_component_rich_style("keyline--key", partial=True)
        desc_style = self.get_component_rich_style("keyline--description", partial=True)
        dim = self.get_component_rich_style("keyline--disabled", partial=True)
        line = Text(no_wrap=True, end="")
        spans = []
        seen: set[str] = set()
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue  # one entry per action ("enter,space" is one key)
            seen.add(binding.action)
            start = line.cell_len
            line.append(f" {self.app.get_key_display(binding)} ",
                        key_style if enabled else key_style + dim)
            line.append(f"{binding.description} ", desc_style if enabled else desc_style + dim)
            spans.append((start, line.cell_len, binding.key.split(",")[0]))
        self._spans = spans
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return
