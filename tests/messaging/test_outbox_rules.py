"""The sender's rules, pure: what to do with a due message, where to fall over, when to retry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from recall_tui.core.contact import Channel, Route
from recall_tui.core.outbox_rules import backoff, fate, next_route

NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=1)


def test_fate_of_reminders_and_notices():
    assert fate(kind="reminder", appointment_status="booked", expires_at=LATER, now=NOW) == "send"
    assert fate(kind="reminder", appointment_status="confirmed", expires_at=LATER,
                now=NOW) == "send"
    for st in ("cancelled", "rescheduled", "entered_in_error"):
        assert fate(kind="reminder", appointment_status=st, expires_at=LATER,
                    now=NOW) == "cancelled"
    for st in ("checked_in", "completed", "no_show"):
        assert fate(kind="confirmation", appointment_status=st, expires_at=LATER,
                    now=NOW) == "expired"
    assert fate(kind="reminder", appointment_status="booked", expires_at=NOW,
                now=NOW) == "expired"
    assert fate(kind="cancellation", appointment_status="cancelled", expires_at=LATER,
                now=NOW) == "send"
    assert fate(kind="cancellation", appointment_status="booked", expires_at=LATER,
                now=NOW) == "cancelled"


def test_fall_over_goes_forward_in_the_patients_order_only():
    routes = [Route(Channel.ZALO, "+84912345678"), Route(Channel.SMS, "+84912345678"),
              Route(Channel.EMAIL, "a@b.vn")]
    assert next_route(routes, current="zalo", preferred=[]).channel is Channel.SMS
    assert next_route(routes, current="sms", preferred=[]).channel is Channel.EMAIL
    assert next_route(routes, current="email", preferred=[]) is None
    pref = ["email", "zalo"]
    ordered = [routes[2], routes[0], routes[1]]
    assert next_route(ordered, current="email", preferred=pref).channel is Channel.ZALO
    assert next_route(ordered, current="sms", preferred=pref) is None
    # consent withdrawn for SMS: the route is gone, the order still moves on
    assert next_route([routes[0], routes[2]], current="zalo",
                      preferred=[]).channel is Channel.EMAIL


def test_backoff_grows_and_respects_retry_after():
    waits = [backoff(n) for n in range(1, 7)]
    assert waits == sorted(waits) and waits[0] == timedelta(minutes=1)
    assert waits[-1] == timedelta(minutes=60)
    assert backoff(1, retry_after=600) == timedelta(minutes=10)
