"""A DataTable for desks on slow links: filled a page at a time, the cursor kept on the same
row across refreshes, and few bytes per cursor move.

A stock DataTable sends each cell as its own styled run and scrolls by one line, so every
move past the edge redraws the whole table (~8 KB at 80x24). Here a line's runs of one look
are sent as one run, there is no scrollbar (lists are paged; the page is in the screen's
head line), and a move past the edge turns half a page, so most moves redraw two lines.
"""

from __future__ import annotations

from collections import UserString

from rich.segment import Segment
from textual.cache import LRUCache
from textual.strip import Strip
from textual.widgets import DataTable

PAGE = 100
# Textual sizes a DataTable's render caches for 10,000 cells; ours show a page of 100 rows,
# of which a screenful is drawn, and every cursor position makes new entries: left at the
# stock sizes, a list a desk moves around in all day grows to several MB.
CACHE_SIZES = (("_row_render_cache", 200), ("_cell_render_cache", 1200),
               ("_row_renderable_cache", 200), ("_line_cache", 200))


def merged(strip: Strip) -> Strip:
    """The same line with neighbouring runs of one look joined. Cell coordinates (mouse
    meta) are kept from the first run of a join: in a row-cursor table a click needs the
    row only."""
    out: list[Segment] = []
    look = None
    for seg in strip:
        text, style, control = seg
        key = style.clear_meta_and_links() if style is not None and not control else seg
        if out and key == look:
            prev = out[-1]
            out[-1] = Segment(prev.text + text, prev.style)
        else:
            out.append(seg)
            look = key
    if len(out) == len(strip._segments):
        return strip
    return Strip(out, strip.cell_length)


class Plain(UserString):
    """A cell's text, shown as written. DataTable reads a ``str`` cell as markup: a name
    such as "Lê [/] Văn" would stop the table, and "[@click=app.quit]…" would become an
    action. A ``UserString`` is not a ``str`` nor a Rich renderable, so the table shows it
    as plain text; it still compares and searches like the string it holds."""

    __slots__ = ()


class Table(DataTable):
    DEFAULT_CSS = """
    Table {
        scrollbar-size-vertical: 0;
        scrollbar-size-horizontal: 0;
    }
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("cursor_type", "row")
        # One look for every row (the cursor row stands out): a line that looks like the one
        # before costs ~26 bytes less on the wire (wire.py).
        kwargs.setdefault("zebra_stripes", False)
        super().__init__(*args, **kwargs)
        for name, size in CACHE_SIZES:
            if isinstance(getattr(self, name, None), LRUCache):
                setattr(self, name, LRUCache(size))

    def render_line(self, y: int) -> Strip:
        return merged(super().render_line(y))

    def _scroll_cursor_into_view(self, animate: bool = False) -> None:
        """Past the bottom or the top, turn half a page (the cursor lands mid-table)."""
        if self.cursor_type != "row" or not self.row_count:
            return super()._scroll_cursor_into_view(animate)
        header = self.header_height if self.show_header else 0
        shown = max(1, self.scrollable_content_region.height - header)
        first = round(self.scroll_y)
        row = self._get_row_region(self.cursor_row)
        top = row.y - header
        if first <= top and top + row.height <= first + shown:
            return
        target = max(0, min(top - shown // 2, round(self.max_scroll_y)))
        self.scroll_to(y=target, animate=False, immediate=True)

    def fill(self, rows: list[tuple[str, tuple]], *, keep_cursor: bool = True) -> None:
        """Replace the rows ((key, cells) pairs), keeping the cursor's row when it remains
        (a refresh), or from the top (``keep_cursor=False``: new results)."""
        keep = self.current_key() if keep_cursor else None
        old_row = self.cursor_row
        self.clear()
        for key, cells in rows:
            self.add_row(*(Plain(c) if isinstance(c, str) else c for c in cells), key=key)
        if not rows:
            return
        keys = [k for k, _ in rows]
        if keep in keys:
            self.move_cursor(row=keys.index(keep), animate=False)
        elif keep_cursor:
            self.move_cursor(row=min(max(old_row, 0), len(rows) - 1), animate=False)
        else:
            self.move_cursor(row=0, animate=False)
            self.scroll_home(animate=False)

    def current_key(self) -> str | None:
        if not self.row_count:
            return None
        try:
            return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except Exception:  # noqa: BLE001 - no cursor row
            return None
