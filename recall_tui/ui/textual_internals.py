"""Every Textual internal the desk relies on, in one place.

Textual's public API covers nearly all the desk needs; four things it does not, and each is
used here only, behind a guard: when the private name has gone (a new Textual), the desk
falls back to Textual's stock behaviour (never a crash), and tests/ui/test_textual_internals.py
fails, so the upgrade looks here first. Textual is pinned below its next major version
(pyproject.toml). No other module of the desk may touch a name Textual keeps private
(tests/ui/test_textual_internals.py checks that too).

1. A DataTable's render caches, sized for 10,000 cells (`shrink_table_caches`).
2. A DataTable's hook for bringing the cursor into view (`on_cursor_out_of_view`).
3. The style-cache memo, ``StylesCache.get_inner_outer`` (`clear_style_memo`).
4. The driver's ``write``, through which every frame reaches the terminal in one call
   (`writing_through`), and the compositor that makes a frame (`screen_lines`, for tests
   and screenshots that read the screen as text).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from textual.cache import LRUCache
from textual.widgets import DataTable

# 1 -------------------------------------------------------------------------------------
# Textual sizes a DataTable's render caches for 10,000 cells. The desk's tables show a page
# of 100 rows, a screenful of it drawn, and each cursor position makes new entries: left at
# the stock sizes, a list a desk moves around in all day grows to several MB.
TABLE_CACHES: dict[str, int] = {"_row_render_cache": 200, "_cell_render_cache": 1200,
                                "_row_renderable_cache": 200, "_line_cache": 200}


def shrink_table_caches(table: DataTable) -> bool:
    """Give ``table`` small render caches; False (stock sizes kept) where a cache is gone."""
    found = True
    for name, size in TABLE_CACHES.items():
        if isinstance(getattr(table, name, None), LRUCache):
            setattr(table, name, LRUCache(size))
        else:
            found = False
    return found


# 2 -------------------------------------------------------------------------------------
CURSOR_HOOK = "_scroll_cursor_into_view"


def cursor_hook_present() -> bool:
    """DataTable still brings its cursor into view through ``CURSOR_HOOK(animate=...)``."""
    hook = getattr(DataTable, CURSOR_HOOK, None)
    if not callable(hook):
        return False
    try:
        params = inspect.signature(hook).parameters
    except (TypeError, ValueError):
        return False
    return list(params)[:2] == ["self", "animate"]


def on_cursor_out_of_view(cls: type[DataTable],
                          scroll: Callable[[Any, bool], bool]) -> bool:
    """Make ``scroll(table, animate)`` what a ``cls`` table runs when its cursor moves (to
    bring it into view); when ``scroll`` returns False, Textual's own scrolling runs.
    False (stock behaviour) where the hook is gone."""
    if not cursor_hook_present():
        return False
    stock = getattr(DataTable, CURSOR_HOOK)

    def hook(self, animate: bool = False) -> None:
        if not scroll(self, animate):
            stock(self, animate=animate)

    setattr(cls, CURSOR_HOOK, hook)
    return True


# 3 -------------------------------------------------------------------------------------
def _style_memo():
    try:
        from textual._styles_cache import StylesCache
    except ImportError:
        return None
    memo = getattr(StylesCache, "get_inner_outer", None)
    return memo if callable(getattr(memo, "cache_clear", None)) else None


def clear_style_memo() -> bool:
    """Textual memoises ``StylesCache.get_inner_outer`` with ``lru_cache(1024)`` on the
    instance, so up to 1,024 widgets' style caches (with their rendered lines) outlive the
    widgets: ~1 MB per round of the screens. A pure cache: clearing it costs a recompute.
    False where there is no such memo (nothing is held then)."""
    memo = _style_memo()
    if memo is None:
        return False
    memo.cache_clear()
    return True


# 4 -------------------------------------------------------------------------------------
def writing_through(base: type, transform: Callable[[str], str]) -> type:
    """``base`` (a Textual driver class) sending every write through ``transform``. Textual
    writes each frame with one ``Driver.write(data)`` call."""
    write = getattr(base, "write", None)
    if not callable(write):
        return base

    class Writer(base):  # type: ignore[misc, valid-type]
        def write(self, data: str) -> None:
            super().write(transform(data))

    Writer.__name__ = f"Compact{base.__name__}"
    Writer.__qualname__ = Writer.__name__
    return Writer


def screen_lines(app) -> list[list]:
    """The app's screen as Textual composes a full frame: for each line, its segments (what
    a terminal shows, dialogs over the screens below them)."""
    update = app.screen._compositor.render_update(full=True,
                                                  screen_stack=app._background_screens)
    return [[seg for strip in line for seg in strip if not seg.control]
            for line in update.strips]


def screen_text(app) -> str:
    """The app's screen as plain text, a line per row."""
    return "\n".join("".join(seg.text for seg in line).rstrip() for line in screen_lines(app))
