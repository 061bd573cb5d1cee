"""The text on an app's screen, as a person would read it (for assertions)."""

from __future__ import annotations

from recall_tui.ui.textual_internals import screen_text

__all__ = ["screen_text"]
