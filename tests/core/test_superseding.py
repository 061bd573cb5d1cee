"""One reminder per visit: when a later reminder of the same visit is due too, only the
latest goes, the earlier is superseded; nothing goes after the visit has started."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from recall_tui.core.outbox_rules import Reminder, after_lost_run, sendable, superseded

PROPS = settings(max_examples=300, deadline=None)
BEGINS = datetime(2026, 12, 16, 0, 30, tzinfo=UTC)  # 07:30 in Hà Nội: the visit starts
STATUSES = ("pending", "sending", "in_flight", "sent", "maybe_sent", "failed", "cancelled",
            "expired", "superseded")


def reminders_of_one_visit(statuses=st.just("pending")):
    """1 to 5 reminders with distinct planned times in the 10 days before the visit."""
    offsets = st.lists(st.integers(min_value=1, max_value=10 * 24 * 60), min_size=1,
                       max_size=5, unique=True)
    return offsets.flatmap(lambda mins: st.lists(statuses, min_size=len(mins),
                                                 max_size=len(mins)).map(
        lambda sts: [Reminder(id=i + 1, planned_at=BEGINS - timedelta(minutes=m), status=s,
                              expires_at=BEGINS) for i, (m, s) in enumerate(zip(mins, sts))]))


instants = st.integers(min_value=-11 * 24 * 60, max_value=24 * 60).map(
    lambda m: BEGINS + timedelta(minutes=m))


def test_after_downtime_only_the_one_day_reminder_goes():
    three = Reminder(1, datetime(2026, 12, 13, 2, 0, tzinfo=UTC), "pending", BEGINS)
    one = Reminder(2, datetime(2026, 12, 15, 2, 0, tzinfo=UTC), "pending", BEGINS)
    now = datetime(2026, 12, 15, 13, 0, tzinfo=UTC)  # 20:00 in Hà Nội, the day before
    assert superseded([three, one], now=now) == {1}
    assert sendable([three, one], now=now) == {2}
    # On time, each goes in its turn.
    assert sendable([three, one], now=three.planned_at) == {1}
    sent = Reminder(1, three.planned_at, "sent", BEGINS)
    assert sendable([sent, one], now=one.planned_at) == {2}


@PROPS
@given(reminders_of_one_visit(), instants)
def test_exactly_the_latest_due_one_is_sent_none_after_expiry(reminders, now):
    go = sendable(reminders, now=now)
    due = [r for r in reminders if r.planned_at <= now]
    if now >= BEGINS or not due:
        assert go == set()
    else:
        assert go == {max(due, key=lambda r: r.planned_at).id}


@PROPS
@given(reminders_of_one_visit(), st.lists(instants, min_size=1, max_size=6))
def test_runs_over_time_never_send_two_at_once_nor_out_of_order(reminders, runs):
    state = {r.id: r for r in reminders}
    sent_order = []
    for now in sorted(runs):
        items = list(state.values())
        gone = superseded(items, now=now)
        go = sendable(items, now=now)
        assert len(go) <= 1
        assert now < BEGINS or not go
        for rid in gone:
            state[rid] = Reminder(rid, state[rid].planned_at, "superseded", BEGINS)
        for rid in go:
            state[rid] = Reminder(rid, state[rid].planned_at, "sent", BEGINS)
            sent_order.append(state[rid].planned_at)
        # Every reminder due by now is decided (sent or superseded) unless the visit began.
        if now < BEGINS:
            assert not [r for r in state.values()
                        if r.status == "pending" and r.planned_at <= now]
    assert sent_order == sorted(sent_order)


@PROPS
@given(reminders_of_one_visit(st.sampled_from(STATUSES)), instants,
       st.lists(st.integers(min_value=0, max_value=3 * 24 * 60), min_size=5, max_size=5))
def test_only_pending_due_unexpired_reminders_are_superseded_never_the_latest(reminders, now,
                                                                              waits):
    # Some wait for a retry: due later than planned.
    reminders = [Reminder(r.id, r.planned_at, r.status, r.expires_at,
                          r.planned_at + timedelta(minutes=w)) for r, w in zip(reminders, waits)]
    gone = superseded(reminders, now=now)
    by_id = {r.id: r for r in reminders}
    for rid in gone:
        r = by_id[rid]
        assert r.status == "pending" and r.due_at <= now < r.expires_at
    standing = [r for r in reminders if r.status not in ("cancelled", "superseded")
                and r.planned_at <= now]
    if standing:
        assert max(standing, key=lambda r: r.planned_at).id not in gone


def test_a_run_that_died_mid_send():
    assert after_lost_run(channel_dedupes=True) == "retry"
    assert after_lost_run(channel_dedupes=False) == "maybe_sent"


@PROPS
@given(reminders_of_one_visit(), st.lists(instants, min_size=1, max_size=6),
       st.lists(st.integers(min_value=0, max_value=2 * 24 * 60), min_size=5, max_size=5))
def test_a_reminder_waiting_for_a_retry_never_goes_after_a_later_one(reminders, runs, waits):
    state = {r.id: Reminder(r.id, r.planned_at, r.status, r.expires_at,
                            r.planned_at + timedelta(minutes=w))
             for r, w in zip(reminders, waits)}
    sent_order = []
    for now in sorted(runs):
        items = list(state.values())
        go = sendable(items, now=now)
        assert len(go) <= 1 and (now < BEGINS or not go)
        for rid in superseded(items, now=now):
            state[rid] = Reminder(rid, state[rid].planned_at, "superseded", BEGINS)
        for rid in go:
            state[rid] = Reminder(rid, state[rid].planned_at, "sent", BEGINS)
            sent_order.append(state[rid].planned_at)
    assert sent_order == sorted(sent_order)
