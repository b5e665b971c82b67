"""Writes of the risk records (risk.services) and the lifecycle gate (risk.selectors.red_village_open)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from risk import codes, recompute, services
from risk.models import PlanStatus
from risk.selectors import red_village_open
from tests.risk.conftest import COUNTY, MONDAY

pytestmark = pytest.mark.django_db
WEEK = timedelta(days=7)


def code_of(excinfo) -> str:
    return excinfo.value.error_list[0].code


def rate(world, election, week, red: bool):
    levels = 3 if red else 0
    services.record_assessment(
        election=election,
        week=week,
        values={"clan_gang_interference": levels, "team_disunity": levels, "township_assessment": levels},
        by=world["township_user"],
    )
    recompute.recompute_county(cycle=world["cycle"], county_code=COUNTY, week=week)


def plan_for(world, election, by=None):
    return services.open_plan(
        election=election,
        city_leader="市委常委 张明",
        county_leader="县委副书记 李强",
        township_leader="镇党委书记 王刚",
        work_team="县委组织部驻村工作组（3人）",
        stationed_on=MONDAY - WEEK,
        by=by or world["county_user"],
    )


def test_a_village_never_rated_is_not_held_by_the_gate(world):
    assert red_village_open(world["home"][0]) is False


def test_a_red_village_holds_its_election_until_closed_out(world):
    election = world["home"][0]
    rate(world, election, MONDAY - WEEK, red=True)
    assert red_village_open(election) is True
    plan = plan_for(world, election)
    task = services.add_task(
        plan=plan, description="化解信访积案", owner="镇信访办", due_on=MONDAY, by=world["township_user"]
    )
    services.close_task(task=task, closed_on=MONDAY, result="已化解", by=world["township_user"])
    rate(world, election, MONDAY, red=False)
    assert red_village_open(election) is True  # the plan is still open
    services.close_out(plan=plan, note="整转到位", by=world["county_user"], on=MONDAY + timedelta(days=1))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED_OUT and plan.closed_out_by == world["county_user"]
    assert red_village_open(election) is False


def test_red_again_after_a_close_out_holds_the_election_again(world):
    election = world["home"][0]
    rate(world, election, MONDAY - WEEK, red=True)
    plan = plan_for(world, election)
    task = services.add_task(
        plan=plan, description="调整班子", owner="镇党委", due_on=MONDAY, by=world["county_user"]
    )
    services.close_task(task=task, closed_on=MONDAY - WEEK, result="已调整", by=world["county_user"])
    rate(world, election, MONDAY - WEEK, red=False)
    services.close_out(plan=plan, note="", by=world["county_user"], on=MONDAY - WEEK)
    assert red_village_open(election) is False
    rate(world, election, MONDAY, red=True)
    assert red_village_open(election) is True


def test_close_out_needs_every_task_closed(world):
    election = world["home"][0]
    plan = plan_for(world, election)
    with pytest.raises(ValidationError) as excinfo:
        services.close_out(plan=plan, note="", by=world["county_user"])
    assert code_of(excinfo) == codes.NO_TASKS
    services.add_task(
        plan=plan, description="清理财务", owner="镇三资中心", due_on=MONDAY, by=world["county_user"]
    )
    with pytest.raises(ValidationError) as excinfo:
        services.close_out(plan=plan, note="", by=world["county_user"])
    assert code_of(excinfo) == codes.TASKS_OPEN


def test_close_out_is_refused_while_the_village_is_still_red(world):
    election = world["home"][0]
    rate(world, election, MONDAY, red=True)
    plan = plan_for(world, election)
    task = services.add_task(
        plan=plan, description="清理财务", owner="镇三资中心", due_on=MONDAY, by=world["county_user"]
    )
    services.close_task(task=task, closed_on=MONDAY, result="已完成", by=world["county_user"])
    with pytest.raises(ValidationError) as excinfo:
        services.close_out(plan=plan, note="", by=world["county_user"])
    assert code_of(excinfo) == codes.STILL_RED


@pytest.mark.parametrize("who", ["township_user", "city_user", "clerk"])
def test_only_the_county_closes_out(world, who):
    plan = plan_for(world, world["home"][0])
    with pytest.raises(ValidationError) as excinfo:
        services.close_out(plan=plan, note="", by=world[who])
    assert code_of(excinfo) == codes.NOT_ALLOWED


def test_one_open_plan_per_village(world):
    plan_for(world, world["home"][0])
    with pytest.raises(ValidationError) as excinfo:
        plan_for(world, world["home"][0])
    assert code_of(excinfo) == codes.PLAN_ALREADY_OPEN


def test_a_township_user_cannot_plan_for_another_township(world):
    with pytest.raises(ValidationError) as excinfo:
        plan_for(world, world["neighbour"][0], by=world["township_user"])
    assert code_of(excinfo) == codes.NOT_ALLOWED


@pytest.mark.parametrize(
    ("values", "ok"),
    [
        ({"team_disunity": 3}, True),
        ({"team_disunity": 4}, False),
        ({"key_persons_disputes": 99}, True),
        ({"key_persons_disputes": 100}, False),
        ({"negative_public_opinion": -1}, False),
    ],
)
def test_assessment_levels_run_from_0_to_3_and_counts_to_99(world, values, ok):
    call = lambda: services.record_assessment(  # noqa: E731
        election=world["home"][0], week=MONDAY, values=values, by=world["township_user"]
    )
    if ok:
        call()
    else:
        with pytest.raises(ValidationError) as excinfo:
            call()
        assert code_of(excinfo) == codes.VALUE_OUT_OF_RANGE


def test_an_assessment_names_its_week_by_the_monday(world):
    with pytest.raises(ValidationError) as excinfo:
        services.record_assessment(
            election=world["home"][0], week=MONDAY + timedelta(days=1), values={}, by=world["township_user"]
        )
    assert code_of(excinfo) == codes.NOT_A_MONDAY


def test_recording_the_same_week_again_corrects_it(world):
    election = world["home"][0]
    services.record_assessment(
        election=election, week=MONDAY, values={"team_disunity": 1}, by=world["township_user"]
    )
    again = services.record_assessment(
        election=election,
        week=MONDAY,
        values={"team_disunity": 2},
        note="班子矛盾加剧",
        by=world["township_user"],
    )
    assert again.team_disunity == 2 and again.note == "班子矛盾加剧"
    assert election.weeklyassessment_set.count() == 1


def test_a_clerk_cannot_assess(world):
    with pytest.raises(ValidationError) as excinfo:
        services.record_assessment(election=world["home"][0], week=MONDAY, values={}, by=world["clerk"])
    assert code_of(excinfo) == codes.NOT_ALLOWED


def test_a_petition_cannot_be_resolved_before_it_was_received_or_twice(world):
    by = world["township_user"]
    petition = services.record_petition(
        election=world["home"][0], subject="宅基地纠纷", received_on=MONDAY, channel="visit", by=by
    )
    with pytest.raises(ValidationError) as excinfo:
        services.resolve_petition(petition=petition, resolved_on=MONDAY - WEEK, resolution="x", by=by)
    assert code_of(excinfo) == codes.RESOLVED_BEFORE_RECEIVED
    services.resolve_petition(petition=petition, resolved_on=MONDAY, resolution="调解成功", by=by)
    with pytest.raises(ValidationError) as excinfo:
        services.resolve_petition(petition=petition, resolved_on=MONDAY, resolution="x", by=by)
    assert code_of(excinfo) == codes.ALREADY_RESOLVED


def test_interviews_are_recorded_by_city_and_county_only(world):
    election = world["home"][0]
    interview = services.record_interview(
        election=election,
        interviewee="李强",
        post="县委组织部部长",
        held_on=MONDAY,
        reason="stuck",
        outcome="限期两周整改到位",
        by=world["city_user"],
    )
    assert interview.division_code == election.division_code
    with pytest.raises(ValidationError) as excinfo:
        services.record_interview(
            election=election,
            interviewee="王刚",
            post="镇党委书记",
            held_on=MONDAY,
            reason="stuck",
            outcome="x",
            by=world["township_user"],
        )
    assert code_of(excinfo) == codes.NOT_ALLOWED
