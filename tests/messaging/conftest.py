"""Messaging fixtures: a counting SMTP server, a configuration that sends e-mail to it,
and booked appointments whose messages are due."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from recall_tui.services import booking, patients
from recall_tui.services.patients import PhoneIn
from tests.conftest import TEST_TOML

from .smtp_counter import CountingSmtp

SENDER = "hen-kham@phongkham.test"


def channel_toml(port: int) -> str:
    return (f'\n[channels.email]\nhost = "127.0.0.1"\nport = {port}\ntls = "none"\n'
            f'sender = "{SENDER}"\n')


@pytest.fixture
def smtp() -> Iterator[CountingSmtp]:
    with CountingSmtp() as server:
        yield server


@pytest.fixture
def cfg(db_url, smtp):
    """The test clinic, e-mail through the local SMTP server."""
    from recall_tui.config import parse

    return parse(TEST_TOML + channel_toml(smtp.port), None, env={"RECALL_DATABASE_URL": db_url})


@pytest.fixture
def msg_config(tmp_path, db_url, smtp):
    """recall.toml on disk for `recall remind` processes."""
    path = tmp_path / "recall.toml"
    path.write_text(TEST_TOML + channel_toml(smtp.port) + f'\n[database]\nurl = "{db_url}"\n',
                    encoding="utf-8")
    return path


# Sessions with room in the test clinic: (clinic, day, part, doctor).
SLOTS = [("TM", date(2026, 11, 27), "morning", "BS1"), ("TM", date(2026, 11, 27), "morning", "BS2"),
         ("TM", date(2026, 11, 30), "morning", "BS1"), ("TM", date(2026, 11, 30), "morning", "BS2"),
         ("NOI", date(2026, 11, 26), "morning", None), ("NOI", date(2026, 11, 27), "morning", None)]


def book_many(ctx, now, n: int, *, channels=("email",), phone: bool = False, **kw):
    """``n`` patients with e-mail, each booked; returns their bookings."""
    out = []
    capacity = {("TM",): 5, ("NOI",): 3}
    used: dict[int, int] = {}
    for i in range(n):
        slot = next(j for j, s in enumerate(SLOTS) if used.get(j, 0) < capacity[(s[0],)])
        used[slot] = used.get(slot, 0) + 1
        clinic, day, part, doctor = SLOTS[slot]
        p = patients.add(ctx, name=f"Bệnh Nhân {i}", email=f"bn{i}@benhnhan.test",
                         phones_in=[PhoneIn(f"09120{i:05d}")] if phone else [],
                         channels=list(channels), now=now, **kw)
        out.append(booking.book(ctx, patient=p.mrn, clinic=clinic, day=day, part=part,
                                doctor=doctor, now=now))
    return out
