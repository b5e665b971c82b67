"""Late, overdue and missing steps per village, township and county; the board and the to-do list."""

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ballots.models import VotingMethod
from ballots.notices import publish_voting_notice
from elections.models import Stage, VillageElection
from lifecycle import progress, workflow
from tests.factories import VillageElectionFactory, region_chain

from .conftest import complete_audit, force_record, force_stage, publish_roll

pytestmark = pytest.mark.django_db


def states(village) -> dict[str, str]:
    return {s.step.code: s.state for s in village.steps}


def test_a_village_voting_in_two_days_with_nothing_published_is_overdue(world, today):
    VillageElection.objects.filter(pk=world["home"].pk).update(election_day=today + timedelta(days=2))
    village = progress.village_checklist(election=world["home"])
    found = states(village)
    assert found["roll_published"] == found["candidates_published"] == found["voting_notice"] == "overdue"
    roll = next(s for s in village.steps if s.step.code == "roll_published")
    assert roll.evaluation.days == 18  # due 20 days before election day, which is 2 days away


def test_roll_published_late_is_flagged_with_its_days(world, today):
    VillageElection.objects.filter(pk=world["home"].pk).update(election_day=today + timedelta(days=10))
    publish_roll(world["home"], today - timedelta(days=9), world["township"])  # 19 days before
    village = progress.village_checklist(election=world["home"])
    roll = next(s for s in village.steps if s.step.code == "roll_published")
    assert (roll.state, roll.evaluation.days) == ("late", 1)


def test_required_steps_left_behind_are_missing_optional_ones_are_not(world, today):
    complete_audit(world["home"])
    force_stage(world["home"], Stage.PARTY_ELECTION)
    found = states(progress.village_checklist(election=world["home"]))
    assert found["prep_organization"] == "missing"
    assert found["prep_rectification"] == "pending"  # optional
    assert found["prep_audit"] == "done"  # derived from the completed audit


def test_postponed_villages_are_not_flagged(world, today):
    VillageElection.objects.filter(pk=world["home"].pk).update(election_day=today + timedelta(days=2))
    force_stage(world["home"], Stage.POSTPONED)
    assert progress.village_checklist(election=world["home"]).flagged == []


def test_the_result_date_is_the_vote_or_election_day_once_voted(today):
    assert progress.result_date(stage="handover", election_day=today, voting_done_on=None) == today
    assert progress.result_date(stage="committee_election", election_day=today, voting_done_on=None) is None
    day = today - timedelta(days=1)
    assert progress.result_date(stage="handover", election_day=today, voting_done_on=day) == day


def _villages(n: int, cycle, today, by):
    for i in range(n):
        election = VillageElectionFactory(
            cycle=cycle,
            village=region_chain(f"330702003{i + 1:03d}", name=f"村{i}"),
            election_day=today + timedelta(days=2),
            stage=Stage.PREPARATION,
        )
        force_record(election, "prep_organization", today)
        publish_roll(election, today - timedelta(days=1), by)


@pytest.mark.parametrize("extra", [0, 12])
def test_the_board_takes_the_same_number_of_queries_for_any_number_of_villages(world, today, extra):
    _villages(extra, world["cycle"], today, world["township"])
    county = world["home"].village.parent.parent
    with CaptureQueriesContext(connection) as queries:
        rows, villages = progress.board(
            user=world["county"], region=county, cycle=world["cycle"], today=today
        )
    assert len(villages) == 2 + extra
    assert len(queries) <= 15, [q["sql"] for q in queries]  # fixed: the records read are eleven queries


def test_the_board_counts_stages_and_overdue_steps_per_township(world, today):
    VillageElection.objects.filter(pk=world["home"].pk).update(election_day=today + timedelta(days=2))
    complete_audit(world["neighbour"])
    force_stage(world["neighbour"], Stage.PARTY_ELECTION)
    county = world["home"].village.parent.parent
    rows, villages = progress.board(user=world["county"], region=county, cycle=world["cycle"], today=today)
    by_name = {r.region.code: r for r in rows}
    home_row = by_name[world["home"].village.parent.code]
    assert home_row.total == 1 and home_row.stages == {Stage.PREPARATION: 1}
    assert home_row.overdue >= 3 and home_row.villages_flagged == 1
    neighbour_row = by_name[world["neighbour"].village.parent.code]
    assert neighbour_row.stages == {Stage.PARTY_ELECTION: 1} and neighbour_row.missing > 0
    items = progress.flagged_items(villages)
    assert items[0].step.state == "overdue"
    assert [i.step.evaluation.days for i in items if i.step.state == "overdue"] == sorted(
        (i.step.evaluation.days for i in items if i.step.state == "overdue"), reverse=True
    )


def test_a_township_user_sees_only_its_villages_on_the_board(world, today):
    county = world["home"].village.parent.parent
    rows, villages = progress.board(user=world["township"], region=county, cycle=world["cycle"], today=today)
    assert {v.division_code for v in villages} == {world["home"].division_code}


def test_the_todo_list_holds_reminders_and_the_countys_approvals(world, today):
    VillageElection.objects.filter(pk=world["home"].pk).update(election_day=today + timedelta(days=2))
    workflow.refresh_reminders(cycle=world["cycle"], prefix="330702", today=today)
    workflow.request_exception(
        election=world["home"], kind="postponement", reason="选情复杂", by=world["township"]
    )
    township = progress.todo(user=world["township"], cycle=world["cycle"])
    county = progress.todo(user=world["county"], cycle=world["cycle"])
    assert township["reminder_count"] > 0 and township["approval_count"] == 0
    assert county["approval_count"] == 1
    assert {r.division_code for r in township["reminders"]} == {world["home"].division_code}


def test_a_village_page_shows_that_village_s_todo_only(client, world, today):
    for election in (world["home"], world["neighbour"]):
        VillageElection.objects.filter(pk=election.pk).update(election_day=today + timedelta(days=2))
    workflow.refresh_reminders(cycle=world["cycle"], prefix="330702", today=today)
    mine = progress.todo(user=world["county"], cycle=world["cycle"], election=world["home"])
    everything = progress.todo(user=world["county"], cycle=world["cycle"])
    assert {r.division_code for r in mine["reminders"]} == {world["home"].division_code}
    assert everything["reminder_count"] > mine["reminder_count"] > 0
    client.force_login(world["county"])
    text = client.get(f"/elections/{world['home'].pk}/").content.decode()
    assert 'id="todo"' in text and world["neighbour"].village.name not in text


def test_publishing_the_voting_notice_takes_it_off_the_todo_list(world, today):
    VillageElection.objects.filter(pk=world["home"].pk).update(election_day=today + timedelta(days=2))
    complete_audit(world["home"])
    workflow.refresh_reminders(cycle=world["cycle"], prefix="330702", today=today)
    election = force_stage(world["home"], Stage.COMMITTEE_ELECTION)
    codes = {r.step.code for r in progress.todo(user=world["township"], cycle=world["cycle"])["reminders"]}
    assert "voting_notice" in codes
    publish_voting_notice(
        election=election,
        voting_on=election.election_day,
        starts_at=time(8),
        method=VotingMethod.CENTRAL,
        place="村文化礼堂",
        published_on=today - timedelta(days=1),
        by=world["township"],
    )
    codes = {r.step.code for r in progress.todo(user=world["township"], cycle=world["cycle"])["reminders"]}
    assert "voting_notice" not in codes
