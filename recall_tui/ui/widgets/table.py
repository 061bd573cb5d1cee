"""A DataTable for desks on slow links and narrow terminals: columns laid out for the width
there is, filled a page at a time, the cursor kept on the same row across refreshes, and
few bytes per cursor move.

Columns: each has a header from the catalogue, a width that fits its header and its cells
(never a header or a code cut), and a rank: when the terminal is narrow the lowest-ranked
columns are left out (``drop``), and a growing column (names, notes) takes what is left, its
longer cells ending in "…". On a wide terminal every column shows and names show whole.
Columns are one space apart.

Bytes: a stock DataTable sends each cell as its own styled run and scrolls by one line, so
every move past the edge redraws the whole table (~8 KB at 80x24). Here a line's runs of one
look are sent as one run, there is no scrollbar (lists are paged; the page is in the
screen's head line), and a move past the edge turns half a page, so most moves redraw two
lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.text import Text
from textual.strip import Strip
from textual.widgets import DataTable

from .. import textual_internals
from ..i18n import t

PAGE = 100
ELLIPSIS = "…"


@dataclass(frozen=True)
class Col:
    """A column: ``key`` is its header's catalogue key (and the column's key)."""
    key: str
    width: int = 0  # at least this wide
    max: int = 0  # at most this wide (0: as wide as its widest cell); longer cells end in "…"
    drop: int = 0  # 0: always shown; otherwise left out, highest first, when there is no room
    grow: bool = False  # may shrink to ``width`` when room is short, "…" ending longer cells


def fit(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells: cut with a closing "…" when longer."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    return set_cell_size(text, width - 1).rstrip() + ELLIPSIS


def layout(cols: Sequence[Col], labels: Sequence[str], rows: Sequence[Sequence[str]],
           room: int, hidden: Sequence[bool] = ()) -> list[tuple[int, int]]:
    """(column index, width) of the columns shown in ``room`` cells, in their order.

    A column's width fits its header and its widest cell (within ``width``..``max``); a
    growing column may give up room down to ``width`` (its header's width at least). The
    columns ranked lowest (highest ``drop``) are left out until the rest fit."""
    natural, least = [], []
    for i, c in enumerate(cols):
        head = cell_len(labels[i])
        widest = max((cell_len(r[i]) for r in rows), default=0)
        w = max(head, widest, c.width)
        if c.max:
            w = max(head, min(w, c.max))
        natural.append(w)
        least.append(max(head, c.width) if c.grow else w)
    shown = [i for i in range(len(cols)) if not (hidden and hidden[i])]

    def need(idx) -> int:
        return sum(least[i] + 1 for i in idx)

    while need(shown) > room:
        droppable = [i for i in shown if cols[i].drop]
        if not droppable:
            break
        shown.remove(max(droppable, key=lambda i: (cols[i].drop, i)))
    widths = {i: least[i] for i in shown}
    spare = room - need(shown)
    for i in shown:
        if cols[i].grow and spare > 0:
            extra = min(spare, natural[i] - widths[i])
            widths[i] += extra
            spare -= extra
    return [(i, widths[i]) for i in shown]


def _cell(text: str) -> Text:
    """A cell as plain text (a name is never read as markup), one space before it."""
    return Text(" " + text, no_wrap=True, end="")


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
    if len(out) == len(strip):
        return strip
    return Strip(out, strip.cell_length)


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
        kwargs.setdefault("cell_padding", 0)  # columns are one space apart (see layout)
        super().__init__(*args, **kwargs)
        textual_internals.shrink_table_caches(self)
        self.desk_cols: list[Col] = []
        self.desk_rows: list[tuple[str, tuple]] = []
        self.desk_hidden: frozenset[str] = frozenset()
        self.desk_layout: list[tuple[int, int]] | None = None
        self.desk_room = 0

    # -- columns -----------------------------------------------------------------------------
    def set_columns(self, cols: Sequence[Col], *, hidden: Iterable[str] = ()) -> None:
        """The columns every row of ``fill`` gives a cell for, in order (headers in the
        current language); shown as the width allows, never those ``hidden`` (keys).
        Nothing is done when they are the same as before."""
        cols, hidden = list(cols), frozenset(hidden)
        if cols == self.desk_cols and hidden == self.desk_hidden:
            return
        self.desk_cols, self.desk_hidden = cols, hidden
        self.desk_layout = None
        self._show(keep_cursor=True)

    def relabel(self) -> None:
        """Headers in the current language (the layout follows their widths)."""
        self.desk_layout = None
        self._show(keep_cursor=True)

    def shown_columns(self) -> list[str]:
        """The keys of the columns on screen, in order."""
        return [self.desk_cols[i].key for i, _w in self.desk_layout or []]

    def on_resize(self, _event) -> None:
        if self.desk_cols and self._room() != self.desk_room:
            self._show(keep_cursor=True)

    def _room(self) -> int:
        return self.size.width or self.app.size.width

    # -- rows --------------------------------------------------------------------------------
    def fill(self, rows: list[tuple[str, tuple]], *, keep_cursor: bool = True) -> None:
        """Replace the rows ((key, cells) pairs, a cell per column of ``set_columns``),
        keeping the cursor's row when it remains (a refresh), or from the top
        (``keep_cursor=False``: new results)."""
        self.desk_rows = [(key, tuple("" if c is None else str(c) for c in cells))
                          for key, cells in rows]
        self._show(keep_cursor=keep_cursor)

    def _show(self, *, keep_cursor: bool) -> None:
        if not self.desk_cols:
            return
        keep = self.current_key() if keep_cursor else None
        old_row = self.cursor_row
        labels = [t(c.key) for c in self.desk_cols]
        room = self._room()
        shape = layout(self.desk_cols, labels, [cells for _k, cells in self.desk_rows], room,
                       hidden=[c.key in self.desk_hidden for c in self.desk_cols])
        self.desk_room = room
        if shape != self.desk_layout:
            self.clear(columns=True)
            for i, w in shape:
                self.add_column(_cell(labels[i]), width=w + 1, key=self.desk_cols[i].key)
            self.desk_layout = shape
        else:
            self.clear()
        rows = self.desk_rows
        for key, cells in rows:
            self.add_row(*(_cell(fit(cells[i], w)) for i, w in shape), key=key)
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

    def render_line(self, y: int) -> Strip:
        return merged(super().render_line(y))

    def turn_half_page(self, animate: bool = False) -> bool:
        """Past the bottom or the top, turn half a page (the cursor lands mid-table).
        False: not a row cursor, Textual scrolls."""
        if self.cursor_type != "row" or not self.row_count:
            return False
        header = self.header_height if self.show_header else 0
        shown = max(1, self.scrollable_content_region.height - header)
        first = round(self.scroll_y)
        rows = self.ordered_rows
        cursor = min(self.cursor_row, len(rows) - 1)
        top = sum(r.height for r in rows[:cursor])
        if first <= top and top + rows[cursor].height <= first + shown:
            return True
        target = max(0, min(top - shown // 2, round(self.max_scroll_y)))
        self.scroll_to(y=target, animate=False, immediate=True)
        return True

    def row_cells(self, index: int) -> tuple[str, ...]:
        """The cells given for the row at ``index`` (every column's, shown or not, whole)."""
        return self.desk_rows[index][1]

    def current_key(self) -> str | None:
        if not self.row_count:
            return None
        try:
            return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except Exception:  # noqa: BLE001 - no cursor row
            return None


textual_internals.on_cursor_out_of_view(Table, Table.turn_half_page)
