"""The call list's rule: what each call outcome does; giving up needs two days."""

from __future__ import annotations

from datetime import date

import pytest

from recall_tui.core.errors import BadInput, Refused
from recall_tui.core.outreach import Outcome, decide, may_give_up, parse_outcome

MON, TUE = date(2026, 11, 23), date(2026, 11, 24)


def test_no_answer_keeps_the_task_open_for_tomorrow():
    d = decide(Outcome.NO_ANSWER, attempts=[], today=MON)
    assert not d.closes and d.next_action_on == TUE


def test_call_back_needs_a_date_not_in_the_past():
    with pytest.raises(BadInput):
        decide(Outcome.CALL_BACK, attempts=[], today=TUE)
    with pytest.raises(BadInput):
        decide(Outcome.CALL_BACK, attempts=[], today=TUE, call_back_on=MON)
    d = decide(Outcome.CALL_BACK, attempts=[], today=MON, call_back_on=date(2026, 12, 1))
    assert not d.closes and d.next_action_on == date(2026, 12, 1)


@pytest.mark.parametrize("outcome", [Outcome.DECLINED, Outcome.MOVED, Outcome.DECEASED,
                                     Outcome.REBOOKED])
def test_final_outcomes_close(outcome):
    assert decide(outcome, attempts=[], today=MON).closes


def test_failed_to_reach_only_after_two_unanswered_days():
    same_day = [(MON, "no_answer"), (MON, "no_answer")]
    with pytest.raises(Refused) as exc:
        decide(Outcome.FAILED, attempts=same_day, today=MON)
    assert "2" in exc.value.vi and "different days" in exc.value.en
    assert not may_give_up(same_day)
    answered = [(MON, "no_answer"), (TUE, "call_back")]
    assert not may_give_up(answered)
    two_days = [(MON, "no_answer"), (TUE, "wrong_number")]
    assert may_give_up(two_days)
    assert decide(Outcome.FAILED, attempts=two_days, today=TUE).closes


def test_unknown_outcome_is_bad_input_in_both_languages():
    with pytest.raises(BadInput) as exc:
        parse_outcome("maybe")
    assert exc.value.vi != exc.value.en
    assert parse_outcome(" No_Answer ") is Outcome.NO_ANSWER
