"""The statutory deadlines of a village's election, computed from the election day (pure: no ORM).

DOMAIN.md "The lifecycle of one village's election" and the Organic Law of Villagers' Committees:
- the roll is published at least 20 days before election day, the formal candidate list at least 5, the
  voting arrangements at least 3 ("at least N days before": published exactly N days before is on time,
  N − 1 days before is one day late);
- an objection to the roll is answered within 3 days of being received;
- the handover is made within 10 days of the result;
- pre-service training is done by the cycle's date.
N is a setting of the cycle (ElectionCycle.roll_publication_days …); the caller passes it in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Kind(StrEnum):
    """The same values as lifecycle.models.DeadlineKind."""

    NONE = "none"
    BEFORE_ELECTION = "before_election"
    AFTER_RESULT = "after_result"
    AFTER_OPENED = "after_opened"
    CYCLE_DATE = "cycle_date"


class State(StrEnum):
    PENDING = "pending"  # not done, not due soon (or no deadline)
    DUE_SOON = "due_soon"  # not done, due within the reminder window (today included)
    OVERDUE = "overdue"  # not done, its day has passed
    MISSING = "missing"  # not done though its stage has ended, and no deadline says by how much
    DONE = "done"  # done, no deadline
    ON_TIME = "on_time"  # done by its deadline
    LATE = "late"  # done after its deadline
    NOT_APPLICABLE = "not_applicable"


FLAGGED = frozenset({State.OVERDUE, State.MISSING, State.LATE})
OPEN_STATES = frozenset({State.PENDING, State.DUE_SOON, State.OVERDUE, State.MISSING})


@dataclass(frozen=True)
class Evaluation:
    state: State
    due_on: date | None = None
    days: int = 0  # days overdue (OVERDUE) or days late (LATE); 0 otherwise

    @property
    def flagged(self) -> bool:
        return self.state in FLAGGED


def due_date(
    kind: str,
    days: int | None,
    *,
    election_day: date | None = None,
    result_on: date | None = None,
    opened_on: date | None = None,
    cycle_date: date | None = None,
) -> date | None:
    """The last day a step may be done on, or None when its deadline cannot be known yet.

    BEFORE_ELECTION: election day − N ("at least N days before"); AFTER_RESULT: result + N; AFTER_OPENED:
    opened + N ("within N days"); CYCLE_DATE: the cycle's date.
    """
    kind = Kind(kind)
    if kind == Kind.CYCLE_DATE:
        return cycle_date
    if kind == Kind.NONE or days is None:
        return None
    anchor = {
        Kind.BEFORE_ELECTION: election_day,
        Kind.AFTER_RESULT: result_on,
        Kind.AFTER_OPENED: opened_on,
    }[kind]
    if anchor is None:
        return None
    return anchor - timedelta(days=days) if kind == Kind.BEFORE_ELECTION else anchor + timedelta(days=days)


def days_before(done_on: date, election_day: date) -> int:
    """Whole days from `done_on` to election day (published 20 days before → 20)."""
    return (election_day - done_on).days


def published_in_time(published_on: date, election_day: date, days: int) -> bool:
    """At least `days` days before election day: exactly `days` is on time, one fewer is late."""
    return days_before(published_on, election_day) >= days


def evaluate(
    *,
    due_on: date | None,
    done_on: date | None,
    today: date,
    window: int,
    not_applicable: bool = False,
    stage_passed: bool = False,
) -> Evaluation:
    """The state of one step of one village on `today`.

    `window` is the reminder window (ElectionCycle.reminder_days); `stage_passed` says the village has
    moved beyond the step's stage, which makes a required step "missing" unless a deadline still ahead
    says it may yet be done in time (pre-service training after the handover).
    """
    if not_applicable:
        return Evaluation(State.NOT_APPLICABLE, due_on)
    if done_on is not None:
        if due_on is None:
            return Evaluation(State.DONE)
        late = (done_on - due_on).days
        return Evaluation(State.LATE, due_on, late) if late > 0 else Evaluation(State.ON_TIME, due_on)
    if due_on is not None:
        overdue = (today - due_on).days
        if overdue > 0:
            return Evaluation(State.OVERDUE, due_on, overdue)
        if -overdue <= window:
            return Evaluation(State.DUE_SOON, due_on)
        return Evaluation(State.PENDING, due_on)  # its day is still ahead, whatever the stage
    if stage_passed:
        return Evaluation(State.MISSING)
    return Evaluation(State.PENDING)
