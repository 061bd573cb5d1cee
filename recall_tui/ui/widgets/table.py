"""A DataTable filled a page at a time, keeping the cursor on the same row across refreshes."""

from __future__ import annotations

from textual.widgets import DataTable

PAGE = 100


class Table(DataTable):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("cursor_type", "row")
        kwargs.setdefault("zebra_stripes", True)
        super().__init__(*args, **kwargs)

    def fill(self, rows: list[tuple[str, tuple]]) -> None:
        """Replace the rows ((key, cells) pairs), keeping the cursor's row when it remains."""
        keep = self.current_key()
        old_row = self.cursor_row
        self.clear()
        for key, cells in rows:
            self.add_row(*cells, key=key)
        if not rows:
            return
        keys = [k for k, _ in rows]
        if keep in keys:
            self.move_cursor(row=keys.index(keep), animate=False)
        else:
            self.move_cursor(row=min(max(old_row, 0), len(rows) - 1), animate=False)

    def current_key(self) -> str | None:
        if not self.row_count:
            return None
        try:
            return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except Exception:  # noqa: BLE001 - no cursor row
            return None
