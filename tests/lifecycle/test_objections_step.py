""" "Objections to the roll handled" (roll_objections) is read from the objections (voters.RollObjection),
not ticked (ARCHITECTURE.md "records, not checkboxes"; DOMAIN.md: answered within 3 days of receipt).

No objection on a published roll: done. One open: the step is open from its receipt and due N days later
(due soon, then overdue). All answered: done on time, or late when one was answered after its N days.
The to-do list shows an open objection at once and drops it when answered.
"""

from datetime import timedelta

import pytest

from elections.models import Stage
from lifecycle import deadlines, progress, risk_feed
from lifecycle.models import Reminder
from tests.candidates.factories import voter
from voters import services
from voters.models import RollObjection, VoterRegistration

from .conftest import complete_audit, force_stage, publish_roll

pytestmark = pytest.mark.django_db
State = deadlines.State


@pytest.fixture
def home(world, today):
    complete_audit(world["home"])
    election = force_stage(world["home"], Stage.COMMITTEE_ELECTION)
    publish_roll(election, today - timedelta(days=10), world["township"])
    return election


def objection(election, by, received, answered=None) -> RollObjection:
    """An objection written directly (the rules of recording and answering are voters' tests)."""
    return RollObjection.objects.create(
        election=election,
        division_code=election.division_code,
        objector_name="赵大",
        kind=RollObjection.Kind.ADD,
        person_name="孙三",
        ground="年满18周岁",
        received_on=received,
        recorded_by=by,
        answer=RollObjection.Answer.REJECTED if answered else "",
        answer_text="不符合登记条件" if answered else "",
        answered_on=answered,
        answered_by=by if answered else None,
    )


def objections_step(election, today) -> progress.StepState:
    checklist = progress.village_checklist(election=election, today=today)
    return next(s for s in checklist.steps if s.step.code == "roll_objections")


def test_before_the_roll_is_published_there_is_nothing_to_answer_yet(world, today):
    complete_audit(world["home"])
    election = force_stage(world["home"], Stage.COMMITTEE_ELECTION)
    assert objections_step(election, today).state == State.PENDING


def test_a_published_roll_without_objections_is_done(home, today):
    item = objections_step(home, today)
    assert (item.state, item.done_on) == (State.DONE, today - timedelta(days=10))


def test_an_open_objection_is_due_3_days_after_its_receipt(home, world, today):
    objection(home, world["township"], received=today - timedelta(days=1))
    item = objections_step(home, today)
    assert (item.state, item.evaluation.due_on) == (State.DUE_SOON, today + timedelta(days=2))


def test_an_open_objection_past_its_3_days_is_overdue(home, world, today):
    objection(home, world["township"], received=today - timedelta(days=4))
    item = objections_step(home, today)
    assert (item.state, item.evaluation.days) == (State.OVERDUE, 1)
    checklist = progress.village_checklist(election=home, today=today)
    assert item.step in [s.step for s in checklist.flagged]


def test_one_open_objection_among_answered_ones_keeps_the_step_open(home, world, today):
    objection(home, world["township"], received=today - timedelta(days=6), answered=today - timedelta(days=5))
    objection(home, world["township"], received=today - timedelta(days=2))
    item = objections_step(home, today)
    assert item.done_on is None and item.evaluation.due_on == today + timedelta(days=1)


def test_every_objection_answered_within_3_days_is_done_on_time(home, world, today):
    objection(home, world["township"], received=today - timedelta(days=8), answered=today - timedelta(days=5))
    objection(home, world["township"], received=today - timedelta(days=3), answered=today - timedelta(days=2))
    item = objections_step(home, today)
    assert (item.state, item.done_on) == (State.ON_TIME, today - timedelta(days=2))


def test_an_objection_answered_on_day_4_makes_the_step_late(home, world, today):
    objection(home, world["township"], received=today - timedelta(days=9), answered=today - timedelta(days=6))
    objection(home, world["township"], received=today - timedelta(days=6), answered=today - timedelta(days=2))
    objection(home, world["township"], received=today - timedelta(days=2), answered=today - timedelta(days=1))
    item = objections_step(home, today)
    assert (item.state, item.evaluation.days, item.done_on) == (State.LATE, 1, today - timedelta(days=2))


def test_the_days_are_the_cycles_setting(home, world, today):
    home.cycle.objection_answer_days = 5
    home.cycle.save()
    objection(home, world["township"], received=today - timedelta(days=6), answered=today - timedelta(days=2))
    assert objections_step(home, today).state == State.ON_TIME


def test_the_risk_feed_counts_an_overdue_objection(home, world, today):
    objection(home, world["township"], received=today - timedelta(days=5))
    found = risk_feed.overdue_steps(
        elections=type(home).objects.filter(pk=home.pk),
        cycle=world["cycle"],
        prefix=home.division_code,
        as_of=today,
    )
    overdue = [i.step.code for village, _n in found for i in village.steps if risk_feed.overdue_on(i, today)]
    assert "roll_objections" in overdue


def test_the_to_do_list_shows_an_objection_at_once_and_drops_it_once_answered(home, world, today):
    clerk = world["clerk"]
    about = VoterRegistration.objects.get(resident=voter(home, name="王一"))
    recorded = services.record_objection(
        election=home,
        objector_name="赵大",
        kind=RollObjection.Kind.REMOVE,
        registration=about,
        ground="已迁出",
        received_on=today - timedelta(days=1),
        by=clerk,
    )
    reminder = Reminder.objects.get(election=home, step__code="roll_objections")
    assert reminder.due_on == today + timedelta(days=2)
    todo = progress.todo(user=clerk, cycle=world["cycle"])
    assert "roll_objections" in [r.step.code for r in todo["reminders"]]
    services.answer_objection(
        objection=recorded, upheld=False, answer_text="经核实仍在本村居住", answered_on=today, by=clerk
    )
    assert not Reminder.objects.filter(election=home, step__code="roll_objections").exists()


def test_the_steps_page_sends_the_clerk_to_the_objections_page(client, home, world):
    client.force_login(world["clerk"])
    text = client.get(f"/elections/{home.pk}/steps/roll_objections/").content.decode()
    assert f"/voters/election/{home.pk}/objections/" in text
