"""Many desks at once: 20 processes book the last places of one session.

On each database: never over capacity, each process exits 0 (booked) or 3 (full), no
traceback and no "database is locked" reaches a user.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from recall_tui.services import booking, patients
from recall_tui.services.patients import PhoneIn
from recall_tui.services.today import day_list

pytestmark = [pytest.mark.storage, pytest.mark.xdist_group("race")]

WORKER = Path(__file__).with_name("race_worker.py")
THU = date(2026, 11, 26)
N = 20


def test_twenty_desks_never_overfill_a_session(ctx, now, config_file, tmp_path):
    mrns = [patients.add(ctx, name=f"Bệnh Nhân Số {i}", phones_in=[PhoneIn(f"09120001{i:02d}")],
                         now=now).mrn for i in range(N + 1)]
    # one place already taken: the race is for the last two of three
    booking.book(ctx, patient=mrns[-1], clinic="NOI", day=THU, part="morning", now=now)
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("RECALL_DATABASE_URL", None)
    procs = [subprocess.Popen(
        [sys.executable, str(WORKER), str(go), "book", "--config", str(config_file),
         "--patient", m, "--clinic", "NOI", "--date", THU.isoformat(), "--session", "morning",
         "--now", now.isoformat(), "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for m in mrns[:N]]
    for p in procs:  # every desk has imported everything and waits at the line
        assert p.stderr.readline().strip() == "ready"
    go.touch()
    results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]
    codes = [r[0] for r in results]
    assert set(codes) <= {0, 3}, results
    assert codes.count(0) == 2
    for _, out, err in results:
        assert "Traceback" not in out + err
        assert "locked" not in (out + err).lower()
    rows = day_list(ctx, day=THU, clinic="NOI").rows
    assert len(rows) == 3
    assert sorted(r.queue_no for r in rows) == [1, 2, 3]
    sess = [x for x in booking.loads(ctx, clinic="NOI", start=THU, end=THU) if x.part == "morning"]
    assert sess[0].booked == 3
