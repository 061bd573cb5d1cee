"""Sessions with their load, as the Sessions screen, Booking and Rebook list them."""

from __future__ import annotations

from .. import i18n
from ..i18n import t
from ..widgets.table import Col

COLUMNS = (Col("col.day"), Col("col.part"), Col("col.clinic"), Col("col.doctor", drop=2),
           Col("col.load"), Col("col.note", width=6, max=40, grow=True))


def in_time_order(loads: list) -> list:
    """Day by day, and in a day the morning's sessions before the afternoon's."""
    return sorted(loads, key=lambda x: (x.day, x.starts, x.clinic, x.doctor or ""))


def show_loads(table, loads: list, *, best: str | None = None, note: bool = True) -> None:
    """``loads`` in ``table``: a doctor column where sessions name one, a note column
    unless ``note`` is False."""
    hidden = set() if any(x.doctor for x in loads) else {"col.doctor"}
    if not note:
        hidden.add("col.note")
    table.set_columns(COLUMNS, hidden=hidden)
    table.fill(load_rows(loads, best=best))


def load_rows(loads: list, *, best: str | None = None) -> list[tuple[str, tuple]]:
    """A row per session: day, part, clinic, doctor, booked/capacity, a note (closed, full,
    or the suggested one)."""
    rows = []
    for x in loads:
        if x.key == best:
            note = t("best")
        elif x.closed_reason:
            note = f"{t('closed')}: {x.closed_reason}"
        else:
            note = t("full") if x.booked >= x.capacity else ""
        rows.append((x.key, (i18n.day_label(x.day), i18n.part(x.part), x.clinic,
                             x.doctor or "", f"{x.booked}/{x.capacity}", note)))
    return rows
