"""A text input that keeps its value in NFC (one Backspace removes one letter)."""

from __future__ import annotations

import unicodedata

from textual.widgets import Input


class Field(Input):
    def on_mount(self) -> None:
        if not getattr(self.app, "blink", True):
            self.cursor_blink = False

    def on_input_changed(self, event: Input.Changed) -> None:
        nfc = unicodedata.normalize("NFC", event.value)
        if nfc != event.value:
            pos = len(unicodedata.normalize("NFC", event.value[:self.cursor_position]))
            self.value = nfc
            self.cursor_position = pos
