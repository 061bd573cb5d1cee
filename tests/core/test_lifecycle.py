"""The appointment and order lifecycles: forward only, undo same day with a reason."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recall_tui.core.errors import BadInput, DomainError, Refused
from recall_tui.core.lifecycle import (
    ACTIVE,
    ATTENDED,
    OPEN,
    ORDER_TRANSITIONS,
    STATUS_VI,
    TRANSITIONS,
    UNDOABLE,
    Action,
    OrderAction,
    OrderStatus,
    Status,
    check_undo,
    is_late_cancellation,
    next_status,
    order_after,
    order_move,
    undo_move,
)

PROPS = settings(max_examples=300, deadline=None)
TERMINAL = {Status.CANCELLED, Status.RESCHEDULED, Status.NO_SHOW, Status.ENTERED_IN_ERROR,
            Status.COMPLETED}
TODAY = date(2026, 3, 2)

# The diagram of DOMAIN.md, written out by hand.
EXPECTED = {
    (Status.BOOKED, Action.CONFIRM): Status.CONFIRMED,
    (Status.BOOKED, Action.CHECK_IN): Status.CHECKED_IN,
    (Status.CONFIRMED, Action.CHECK_IN): Status.CHECKED_IN,
    (Status.CHECKED_IN, Action.COMPLETE): Status.COMPLETED,
    **{(s, a): t for s in (Status.BOOKED, Status.CONFIRMED) for a, t in (
        (Action.CANCEL, Status.CANCELLED), (Action.RESCHEDULE, Status.RESCHEDULED),
        (Action.NO_SHOW, Status.NO_SHOW), (Action.ENTERED_IN_ERROR, Status.ENTERED_IN_ERROR))},
}


def test_transitions_are_the_domain_diagram():
    assert TRANSITIONS == EXPECTED


def test_terminal_states_accept_nothing():
    for status in TERMINAL:
        assert not [a for (s, a) in TRANSITIONS if s is status], status


def test_a_typical_visit():
    s = Status.BOOKED
    for action, expected in ((Action.CONFIRM, Status.CONFIRMED),
                             (Action.CHECK_IN, Status.CHECKED_IN),
                             (Action.COMPLETE, Status.COMPLETED)):
        s = next_status(s, action)
        assert s is expected


def test_strings_are_accepted():
    assert next_status("booked", "confirm") is Status.CONFIRMED


def test_a_walk_in_without_confirmation_can_check_in():
    assert next_status(Status.BOOKED, Action.CHECK_IN) is Status.CHECKED_IN


def test_a_checked_in_patient_cannot_be_cancelled():
    with pytest.raises(Refused) as info:
        next_status(Status.CHECKED_IN, Action.CANCEL)
    err = info.value
    assert err.exit_code == 3
    assert err.code == "transition.illegal"
    assert err.details == {"status": "checked_in", "action": "cancel"}
    assert "huỷ" in err.vi and "Đã đến" in err.vi
    assert err.en == "Cannot cancel an appointment that is checked_in."
    assert err.message("vi") == err.vi and err.message("en") == err.en
    assert err.as_dict("en")["message"] == err.en


def test_statuses_read_in_vietnamese():
    assert set(STATUS_VI) == set(Status)
    assert Status.NO_SHOW.vi == "Không đến"


def test_which_statuses_hold_a_place():
    assert {s for s in Status if s.active} == ACTIVE
    assert Status.CANCELLED not in ACTIVE and Status.NO_SHOW not in ACTIVE
    assert OPEN <= ACTIVE and ATTENDED <= ACTIVE


# --- property: random action sequences -----------------------------------------------

actions = st.lists(st.sampled_from(list(Action)), max_size=12)


@PROPS
@given(st.sampled_from(list(Status)), actions)
def test_random_action_sequences_follow_the_table(start, seq):
    status = start
    visited = [status]
    for action in seq:
        legal = (status, action) in TRANSITIONS
        try:
            after = next_status(status, action)
        except Refused as err:
            assert not legal
            assert err.exit_code == 3
            assert isinstance(err, DomainError)
            assert err.vi and err.en and err.vi != err.en
            assert err.details == {"status": status.value, "action": action.value}
            continue  # a refused move changes nothing
        assert legal
        assert after is TRANSITIONS[(status, action)]
        assert after not in visited  # forward only: never back to an earlier state
        assert status not in TERMINAL
        status = after
        visited.append(status)
    if status in TERMINAL:
        for action in Action:
            with pytest.raises(Refused):
                next_status(status, action)


@PROPS
@given(actions)
def test_from_booked_every_path_ends_in_a_known_place(seq):
    status = Status.BOOKED
    for action in seq:
        try:
            status = next_status(status, action)
        except Refused:
            pass
    assert status in TERMINAL | OPEN | {Status.CHECKED_IN}


@PROPS
@given(actions)
def test_order_follows_its_appointment_along_the_order_table(seq):
    """Whatever its visit goes through, the order's moves are legal moves of its own table,
    and it ends booked while the visit waits, fulfilled once attended, open once not."""
    status, order = Status.BOOKED, OrderStatus.BOOKED
    for action in seq:
        try:
            status = next_status(status, action)
        except Refused:
            continue
        effect = order_after(action)
        if effect is not None:
            order = OrderStatus(order_move(order, effect).to)  # raises on an illegal move
    if status in OPEN or status is Status.RESCHEDULED:
        assert order is OrderStatus.BOOKED
    elif status in ATTENDED:
        assert order is OrderStatus.FULFILLED
    else:
        assert order is OrderStatus.OPEN


# --- undo ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("current", "previous", "restores"), [
    (Status.CHECKED_IN, Status.BOOKED, Status.BOOKED),
    (Status.CHECKED_IN, Status.CONFIRMED, Status.CONFIRMED),
    (Status.NO_SHOW, Status.CONFIRMED, Status.CONFIRMED),
    (Status.NO_SHOW, "booked", Status.BOOKED),
    (Status.NO_SHOW, None, Status.BOOKED),
])
def test_undo_restores_the_state_before(current, previous, restores):
    out = check_undo(current, previous, changed_on=TODAY, today=TODAY, reason="Bấm nhầm")
    assert out.restores is restores


@pytest.mark.parametrize("current", sorted(set(Status) - UNDOABLE))
def test_only_check_in_and_no_show_can_be_undone(current):
    with pytest.raises(Refused) as info:
        check_undo(current, Status.BOOKED, changed_on=TODAY, today=TODAY, reason="x")
    assert info.value.code == "undo.illegal"
    assert info.value.exit_code == 3
    assert info.value.vi != info.value.en


def test_undo_is_same_day_only():
    with pytest.raises(Refused) as info:
        check_undo(Status.CHECKED_IN, Status.BOOKED, changed_on=TODAY - timedelta(days=1),
                   today=TODAY, reason="Bấm nhầm")
    assert info.value.code == "undo.too_late"


@pytest.mark.parametrize("reason", ["", "   ", "\t\n"])
def test_undo_needs_a_reason(reason):
    with pytest.raises(BadInput) as info:
        check_undo(Status.NO_SHOW, Status.BOOKED, changed_on=TODAY, today=TODAY, reason=reason)
    assert info.value.field == "reason"
    assert info.value.exit_code == 1


@PROPS
@given(st.lists(st.sampled_from(list(Action)), max_size=6),
       st.sampled_from([Action.CHECK_IN, Action.NO_SHOW]),
       st.integers(min_value=-3, max_value=3),
       st.text(max_size=5))
def test_undo_property(prefix, last, days_ago, reason):
    status = Status.BOOKED
    for action in prefix:
        try:
            status = next_status(status, action)
        except Refused:
            pass
    before = status
    try:
        status = next_status(status, last)
    except Refused:
        return
    changed_on = TODAY - timedelta(days=days_ago)
    if days_ago != 0:
        with pytest.raises(Refused):
            check_undo(status, before, changed_on=changed_on, today=TODAY, reason=reason)
    elif not reason.strip():
        with pytest.raises(BadInput):
            check_undo(status, before, changed_on=changed_on, today=TODAY, reason=reason)
    else:
        out = check_undo(status, before, changed_on=changed_on, today=TODAY, reason=reason)
        assert out.restores is before
        assert (out.restores, last) in TRANSITIONS  # the move can be made again


# --- orders -----------------------------------------------------------------------------

def test_what_a_visit_does_to_its_order():
    assert order_after(Action.CHECK_IN) is OrderAction.FULFIL
    for a in (Action.CANCEL, Action.NO_SHOW, Action.ENTERED_IN_ERROR):
        assert order_after(a) is OrderAction.UNBOOK
    for a in (Action.CONFIRM, Action.COMPLETE, Action.RESCHEDULE):
        assert order_after(a) is None  # a move keeps its order booked


def test_order_table():
    assert order_move("open", "book").to == "booked"
    assert order_move("lapsed", "book").to == "booked"  # booked late after all
    assert order_move("booked", "fulfil").to == "fulfilled"
    assert order_move("fulfilled", "unfulfil").to == "booked"  # undo of a check-in
    assert order_move("open", "lapse").to == "lapsed"
    assert order_move("booked", "unbook").to == "open"
    for (status, _action), target in ORDER_TRANSITIONS.items():
        assert status is not target
    assert not any(s is OrderStatus.CANCELLED for s, _a in ORDER_TRANSITIONS)  # final


@pytest.mark.parametrize(("status", "action"), [
    ("cancelled", "book"), ("fulfilled", "book"), ("booked", "book"), ("booked", "lapse"),
    ("open", "fulfil"), ("booked", "cancel"), ("lapsed", "lapse")])
def test_illegal_order_moves_are_refused_in_both_languages(status, action):
    with pytest.raises(Refused) as info:
        order_move(status, action)
    assert info.value.code == "order.transition.illegal"
    assert info.value.vi != info.value.en


@PROPS
@given(st.lists(st.sampled_from(list(OrderAction)), max_size=20))
def test_an_order_never_leaves_cancelled_and_every_move_is_one_of_the_table(seq):
    status = OrderStatus.OPEN
    for a in seq:
        was = status
        try:
            move = order_move(status, a)
        except Refused:
            assert (status, a) not in ORDER_TRANSITIONS
            continue
        assert was is not OrderStatus.CANCELLED  # nothing leaves cancelled
        assert ORDER_TRANSITIONS[(was, a)].value == move.to and move.from_ == was.value
        status = OrderStatus(move.to)


def test_undo_move_restores_the_state_before():
    m = undo_move("checked_in", "confirmed", changed_on=TODAY, today=TODAY, reason="Nhầm")
    assert (m.from_, m.to, m.action) == ("checked_in", "confirmed", "undo")


@pytest.mark.parametrize(("hours", "late"), [(0.5, True), (23.9, True), (24, False), (72, False),
                                             (-1, True)])
def test_late_cancellation(hours, late):
    assert is_late_cancellation(hours_before_start=hours) is late


def test_late_cancellation_threshold_is_configurable():
    assert is_late_cancellation(hours_before_start=30, late_hours=48)
    assert not is_late_cancellation(hours_before_start=30, late_hours=12)
