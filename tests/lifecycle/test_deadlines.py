"""The statutory deadlines at their boundaries (lifecycle.deadlines, pure)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifecycle.deadlines import Kind, State, days_before, due_date, evaluate, published_in_time

DAY = date(2027, 1, 20)
TODAY = date(2027, 1, 1)


@pytest.mark.parametrize(
    ("days_ahead", "required", "in_time"),
    [
        (21, 20, True),
        (20, 20, True),  # exactly 20 days before is on time
        (19, 20, False),  # 19 is late
        (6, 5, True),
        (5, 5, True),
        (4, 5, False),
        (4, 3, True),
        (3, 3, True),
        (2, 3, False),
    ],
)
def test_published_at_least_n_days_before_election_day(days_ahead, required, in_time):
    assert published_in_time(DAY - timedelta(days=days_ahead), DAY, required) is in_time


def test_roll_published_20_days_before_is_on_time_and_19_is_one_day_late():
    due = due_date(Kind.BEFORE_ELECTION, 20, election_day=DAY)
    assert due == date(2026, 12, 31)
    on_time = evaluate(due_on=due, done_on=DAY - timedelta(days=20), today=DAY, window=3)
    late = evaluate(due_on=due, done_on=DAY - timedelta(days=19), today=DAY, window=3)
    assert on_time.state == State.ON_TIME and not on_time.flagged
    assert (late.state, late.days) == (State.LATE, 1) and late.flagged


def test_candidate_list_5_days_before_is_on_time_4_is_late():
    due = due_date(Kind.BEFORE_ELECTION, 5, election_day=DAY)
    assert evaluate(due_on=due, done_on=DAY - timedelta(days=5), today=DAY, window=3).state == State.ON_TIME
    assert evaluate(due_on=due, done_on=DAY - timedelta(days=4), today=DAY, window=3).state == State.LATE


def test_voting_notice_3_days_before_is_on_time_2_is_late():
    due = due_date(Kind.BEFORE_ELECTION, 3, election_day=DAY)
    assert evaluate(due_on=due, done_on=DAY - timedelta(days=3), today=DAY, window=3).state == State.ON_TIME
    assert evaluate(due_on=due, done_on=DAY - timedelta(days=2), today=DAY, window=3).state == State.LATE


def test_objection_answered_within_3_days_on_day_3_is_on_time_day_4_late():
    received = date(2027, 1, 2)
    due = due_date(Kind.AFTER_OPENED, 3, opened_on=received)
    assert due == date(2027, 1, 5)
    assert evaluate(due_on=due, done_on=date(2027, 1, 5), today=DAY, window=3).state == State.ON_TIME
    assert evaluate(due_on=due, done_on=date(2027, 1, 6), today=DAY, window=3).state == State.LATE
    assert due_date(Kind.AFTER_OPENED, 3, opened_on=None) is None


def test_handover_on_day_10_after_the_result_is_on_time_day_11_late():
    result = date(2027, 1, 20)
    due = due_date(Kind.AFTER_RESULT, 10, result_on=result)
    assert due == date(2027, 1, 30)
    assert evaluate(due_on=due, done_on=date(2027, 1, 30), today=DAY, window=3).state == State.ON_TIME
    late = evaluate(due_on=due, done_on=date(2027, 1, 31), today=DAY, window=3)
    assert (late.state, late.days) == (State.LATE, 1)
    assert due_date(Kind.AFTER_RESULT, 10, result_on=None) is None


def test_training_by_the_cycle_date():
    due = due_date(Kind.CYCLE_DATE, None, cycle_date=date(2027, 6, 30))
    assert evaluate(due_on=due, done_on=date(2027, 6, 30), today=DAY, window=3).state == State.ON_TIME
    assert evaluate(due_on=due, done_on=date(2027, 7, 1), today=DAY, window=3).state == State.LATE
    assert evaluate(due_on=due, done_on=None, today=date(2027, 7, 1), window=3).state == State.OVERDUE


def test_no_deadline_without_an_election_day():
    assert due_date(Kind.BEFORE_ELECTION, 20, election_day=None) is None
    assert due_date(Kind.NONE, None, election_day=DAY) is None


@pytest.mark.parametrize(
    ("today", "state", "days"),
    [
        (date(2026, 12, 27), State.PENDING, 0),  # 4 days ahead: outside the 3-day window
        (date(2026, 12, 28), State.DUE_SOON, 0),  # 3 days ahead
        (date(2026, 12, 31), State.DUE_SOON, 0),  # due today
        (date(2027, 1, 1), State.OVERDUE, 1),
        (date(2027, 1, 10), State.OVERDUE, 10),
    ],
)
def test_open_step_is_due_soon_within_the_window_and_overdue_after(today, state, days):
    evaluation = evaluate(due_on=date(2026, 12, 31), done_on=None, today=today, window=3)
    assert (evaluation.state, evaluation.days) == (state, days)


def test_a_required_step_left_behind_by_its_stage_is_missing():
    assert (
        evaluate(due_on=None, done_on=None, today=TODAY, window=3, stage_passed=True).state == State.MISSING
    )
    assert evaluate(due_on=None, done_on=None, today=TODAY, window=3).state == State.PENDING
    assert evaluate(due_on=None, done_on=TODAY, today=TODAY, window=3, stage_passed=True).state == State.DONE


def test_a_step_whose_deadline_is_still_ahead_is_not_missing_when_its_stage_ends():
    later = TODAY + timedelta(days=30)
    assert (
        evaluate(due_on=later, done_on=None, today=TODAY, window=3, stage_passed=True).state == State.PENDING
    )


def test_not_applicable_is_never_flagged():
    evaluation = evaluate(due_on=date(2026, 1, 1), done_on=None, today=TODAY, window=3, not_applicable=True)
    assert evaluation.state == State.NOT_APPLICABLE and not evaluation.flagged


@given(
    election_day=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
    n=st.integers(min_value=0, max_value=60),
    offset=st.integers(min_value=-90, max_value=90),
)
def test_evaluation_agrees_with_days_before(election_day, n, offset):
    """Done `offset` days before election day is on time exactly when offset ≥ N, and late by N − offset."""
    done = election_day - timedelta(days=offset)
    evaluation = evaluate(
        due_on=due_date(Kind.BEFORE_ELECTION, n, election_day=election_day),
        done_on=done,
        today=done,
        window=3,
    )
    assert days_before(done, election_day) == offset
    assert (evaluation.state == State.ON_TIME) == published_in_time(done, election_day, n) == (offset >= n)
    assert evaluation.days == max(0, n - offset)
