"""core.figures.counts_of (what the database's grouped rows count as) agrees with counting
the same appointments one by one."""

from __future__ import annotations

import pytest

from recall_tui.core import figures as fig


@pytest.mark.parametrize("status, by, late", [
    ("completed", None, False), ("checked_in", None, False), ("no_show", None, False),
    ("booked", None, False), ("confirmed", None, False), ("cancelled", "patient", True),
    ("cancelled", "patient", False), ("cancelled", "clinic", True),
    ("cancelled", "clinic", 0), ("rescheduled", None, False), ("entered_in_error", None, 0),
])
def test_a_group_counts_as_its_appointments(status, by, late):
    leads = [3, 0, 12]
    one_by_one = fig.tally(fig.Fact(status, lead, by, bool(late)) for lead in leads)
    assert fig.counts_of(status, by, late, len(leads), sum(leads), len(leads)) == one_by_one
