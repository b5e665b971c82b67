"""The red flag (VillageElection.risk_red_open) follows the weekly rating: the recompute raises it on red
villages and lowers it once the county closed the plan out; close-out and the approved exception lower it
at once. Every move goes through elections.red_flag and reaches the trail."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from elections.models import Stage, VillageElection
from lifecycle import workflow
from lifecycle.models import ExceptionKind
from risk import recompute, services, sources
from risk.recompute import FlaggedVillage, red_flag_moves
from risk.scoring import Colour
from tests.risk.conftest import COUNTY, MONDAY, add_villages
from trail.models import TrailEntry

pytestmark = pytest.mark.django_db
WEEK = timedelta(days=7)


@pytest.fixture(autouse=True)
def not_started(world):
    """The weekly rating raises the flag of villages whose election has not started (DOMAIN.md
    "不启动换届"; settings.RISK_RED_FLAG_STAGES)."""
    VillageElection.objects.filter(cycle=world["cycle"]).update(stage=Stage.PREPARATION)


def rate(world, election, week, *, red: bool):
    levels = 3 if red else 0
    services.record_assessment(
        election=election,
        week=week,
        values={"clan_gang_interference": levels, "team_disunity": levels, "township_assessment": levels},
        by=world["county_user"],
    )


def run(world, week=MONDAY):
    return recompute.recompute_county(cycle=world["cycle"], county_code=COUNTY, week=week)


def flag(election) -> bool:
    return VillageElection.objects.get(pk=election.pk).risk_red_open


def flag_entries():
    return TrailEntry.objects.filter(model_label="elections.villageelection", extra__operation="red_flag")


def field_entries(election):
    """The trail's single-object entries of the election's saves (set_red_flag)."""
    return TrailEntry.objects.filter(model_label="elections.villageelection", object_pk=str(election.pk))


def closed_out_plan(world, election, on):
    by = world["county_user"]
    plan = services.open_plan(
        election=election,
        city_leader="市委常委 张明",
        county_leader="县委副书记 李强",
        township_leader="镇党委书记 王刚",
        work_team="县委组织部驻村工作组",
        stationed_on=on - WEEK,
        by=by,
    )
    task = services.add_task(plan=plan, description="化解信访积案", owner="镇信访办", due_on=on, by=by)
    services.close_task(task=task, closed_on=on, result="已化解", by=by)
    return plan


def test_the_recompute_raises_the_flag_of_red_villages_with_one_trail_entry(world):
    red, other_red, quiet = world["home"]
    rate(world, red, MONDAY, red=True)
    rate(world, other_red, MONDAY, red=True)
    result = run(world)
    assert [flag(e) for e in (red, other_red, quiet)] == [True, True, False]
    assert (result.flags_raised, result.flags_lowered) == (2, 0)
    entry = flag_entries().get()
    assert entry.division_code == COUNTY
    assert entry.extra["raised"] == sorted([red.pk, other_red.pk]) and entry.extra["lowered"] == []
    assert entry.extra["counts"] == {"raised": 2, "lowered": 0}
    run(world)  # the retry changes nothing and writes nothing more
    assert flag_entries().count() == 1


@pytest.mark.parametrize("stage", [Stage.PARTY_ELECTION, Stage.COMMITTEE_ELECTION, Stage.COMPLETED])
def test_a_started_election_is_not_flagged_by_the_weekly_rating(world, stage):
    election, postponed = world["home"][:2]
    VillageElection.objects.filter(pk=election.pk).update(stage=stage)
    VillageElection.objects.filter(pk=postponed.pk).update(stage=Stage.POSTPONED)
    rate(world, election, MONDAY, red=True)
    rate(world, postponed, MONDAY, red=True)
    run(world)
    assert (flag(election), flag(postponed)) == (False, True)


def test_a_province_that_halts_started_elections_lists_their_stages(world, settings):
    settings.RISK_RED_FLAG_STAGES = ["preparation", "postponed", "party_election"]
    election = world["home"][0]
    VillageElection.objects.filter(pk=election.pk).update(stage=Stage.PARTY_ELECTION)
    rate(world, election, MONDAY, red=True)
    run(world)
    assert flag(election) is True


def test_a_village_that_leaves_red_without_a_close_out_stays_flagged(world):
    election = world["home"][0]
    rate(world, election, MONDAY - WEEK, red=True)
    run(world, MONDAY - WEEK)
    rate(world, election, MONDAY, red=False)
    run(world)
    assert flag(election) is True  # 不销号、不启动换届


def test_the_close_out_lowers_the_flag_trailed_and_red_again_raises_it(world):
    election = world["home"][0]
    rate(world, election, MONDAY - WEEK, red=True)
    run(world, MONDAY - WEEK)
    plan = closed_out_plan(world, election, MONDAY)
    rate(world, election, MONDAY, red=False)
    run(world)
    assert flag(election) is True  # the plan is still open
    before = field_entries(election).count()
    services.close_out(plan=plan, note="整转到位", by=world["county_user"], on=MONDAY + timedelta(days=1))
    assert flag(election) is False
    entry = field_entries(election).order_by("-seq").first()
    assert field_entries(election).count() == before + 1
    assert entry.actor == world["county_user"] and "risk_red_open" in entry.changes
    run(world)  # not red: stays lowered
    assert flag(election) is False
    rate(world, election, MONDAY + WEEK, red=True)
    run(world, MONDAY + WEEK)
    assert flag(election) is True


def test_the_recompute_lowers_a_flag_the_close_out_left_raised(world):
    """A flag still raised after its plan was closed out (written before the one writer existed) is
    lowered on the Monday; in the same run another village is raised: one trail entry for both."""
    mended, newly_red = world["home"][:2]
    rate(world, mended, MONDAY - WEEK, red=True)
    run(world, MONDAY - WEEK)
    plan = closed_out_plan(world, mended, MONDAY)
    rate(world, mended, MONDAY, red=False)
    run(world)
    services.close_out(plan=plan, note="", by=world["county_user"], on=MONDAY + timedelta(days=1))
    VillageElection.objects.filter(pk=mended.pk).update(risk_red_open=True)  # test set-up only
    rate(world, newly_red, MONDAY + WEEK, red=True)
    entries = flag_entries().count()
    result = run(world, MONDAY + WEEK)
    assert (flag(mended), flag(newly_red)) == (False, True)
    assert (result.flags_raised, result.flags_lowered) == (1, 1)
    entry = flag_entries().order_by("-seq").first()
    assert flag_entries().count() == entries + 1
    assert entry.extra["raised"] == [newly_red.pk] and entry.extra["lowered"] == [mended.pk]


def test_a_close_out_before_the_last_red_week_does_not_lower(world):
    facts = {1: FlaggedVillage(open_plan=False, closed_out_on=MONDAY - WEEK, last_red_week=MONDAY)}
    villages = [(1, "330702001001", Stage.PREPARATION, True, Colour.ORANGE)]
    assert red_flag_moves(villages, flagged=facts, approved={}) == ([], [])
    facts[1] = FlaggedVillage(open_plan=False, closed_out_on=MONDAY, last_red_week=MONDAY)
    assert red_flag_moves(villages, flagged=facts, approved={}) == ([], [1])
    facts[1] = FlaggedVillage(open_plan=True, closed_out_on=MONDAY, last_red_week=MONDAY)
    assert red_flag_moves(villages, flagged=facts, approved={}) == ([], [])


def test_the_approved_close_out_exception_lowers_the_flag_and_the_recompute_keeps_it_down(world):
    election = world["home"][0]
    rate(world, election, MONDAY, red=True)
    run(world)
    assert flag(election) is True
    county = world["county_user"]
    requested = workflow.request_exception(
        election=election, kind=ExceptionKind.RED_CLOSE_OUT, reason="整顿到位，县委同意启动", by=county
    )
    before = field_entries(election).count()
    workflow.decide_exception(exception=requested, approve=True, by=county, note="同意")
    assert flag(election) is False
    entry = field_entries(election).order_by("-seq").first()
    assert field_entries(election).count() == before + 1 and entry.actor == county
    run(world)  # still rated red, but the county approved its close-out: the doors stay open
    assert flag(election) is False


def test_a_rejected_exception_leaves_the_flag(world):
    election = world["home"][0]
    rate(world, election, MONDAY, red=True)
    run(world)
    county = world["county_user"]
    requested = workflow.request_exception(
        election=election, kind=ExceptionKind.RED_CLOSE_OUT, reason="申请销号", by=county
    )
    workflow.decide_exception(exception=requested, approve=False, by=county)
    assert flag(election) is True


def test_recomputing_an_older_week_leaves_the_flags(world):
    election = world["home"][0]
    rate(world, election, MONDAY - WEEK, red=True)
    rate(world, election, MONDAY, red=False)
    run(world)
    run(world, MONDAY - WEEK)  # a week before the county's latest: the flags are Monday's business
    assert flag(election) is False


def test_without_the_lifecycle_provider_an_approved_village_is_raised_again(world, monkeypatch):
    monkeypatch.setattr(sources, "_PROVIDERS", {})
    election = world["home"][0]
    rate(world, election, MONDAY, red=True)
    run(world)
    assert flag(election) is True


def test_the_flags_cost_the_same_queries_for_one_village_or_many(world):
    def queries():
        VillageElection.objects.update(risk_red_open=False)  # test set-up only: every red flag to raise
        with CaptureQueriesContext(connection) as ctx:
            run(world)
        return len(ctx.captured_queries), VillageElection.objects.filter(risk_red_open=True).count()

    rate(world, world["home"][0], MONDAY, red=True)
    run(world)  # the week's run record exists: later runs update it
    one = queries()
    added = add_villages(world["cycle"], "330702003", 20)
    VillageElection.objects.filter(pk__in=[e.pk for e in added]).update(stage=Stage.PREPARATION)
    for election in added:
        rate(world, election, MONDAY, red=True)
    many = queries()
    assert (one[1], many[1]) == (1, 21)
    assert one[0] == many[0]
