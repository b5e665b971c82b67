"""The four indicators that read the real process: the candidate search (candidates' nominations) and the
overdue statutory steps (the lifecycle's provider), each scored on real villages by the recompute."""

from datetime import date, timedelta
from decimal import Decimal
from itertools import count

import pytest

from candidates.choices import Body, NominationState, Position, Source
from candidates.models import CandidateRuleSettings, Nomination
from elections.models import Stage, VillageElection
from lifecycle import risk_feed
from lifecycle.models import StepDefinition, StepRecord, StepStatus
from risk import recompute, sources
from risk.models import RiskSnapshot
from tests.factories import make_id_number
from tests.risk.conftest import COUNTY, MONDAY, add_villages
from voters.models import Resident, RollPublication
from voters.rules import age_on

pytestmark = pytest.mark.django_db
_serial = count(1)


@pytest.fixture
def world(world):
    """The risk world with a fourth village in the home township (the tests compare four cases)."""
    world["home"] = [*world["home"], *add_villages(world["cycle"], "330702001", 1, start=4)]
    return world


def person(election, *, sex="M", born=date(1975, 3, 1), education="senior", name="张三") -> Resident:
    village = election.village
    return Resident.objects.create(
        village=village,
        division_code=village.code,
        name=name,
        id_number=make_id_number(birth=born, serial=next(_serial), sex=sex),
        sex=sex,
        birth_date=born,
        education=education,
    )


def nominate(election, resident, position, *, proposed=False, state=NominationState.NOMINATED):
    body = Body.PARTY if position in (Position.SECRETARY, Position.PARTY_MEMBER) else Body.COMMITTEE
    source = Source.PARTY_MEMBERS if body == Body.PARTY else Source.DIRECT
    return Nomination.objects.create(
        election=election,
        resident=resident,
        body=body,
        position=position,
        source=source,
        nominators=12 if source == Source.DIRECT else None,
        proposed=proposed,
        state=state,
    )


def run(world, week=MONDAY):
    return recompute.recompute_county(cycle=world["cycle"], county_code=COUNTY, week=week)


def line(election, code, week=MONDAY):
    return RiskSnapshot.objects.get(election=election, week=week).breakdown["indicators"][code]


def values(world, code, villages):
    return [line(election, code)["value"] for election in villages]


def scope(world, week=MONDAY):
    return sources.SourceScope(cycle=world["cycle"], prefix=COUNTY[:6], as_of=week)


# --- "一肩挑": a person nominated both for secretary and for chair ---------------------------------------


def test_no_one_shoulder_candidate_deducts_ten_points(world):
    both, apart, party_only, none_yet = world["home"]
    secretary = person(both)
    nominate(both, secretary, Position.SECRETARY)
    nominate(both, secretary, Position.CHAIR)
    nominate(apart, person(apart), Position.SECRETARY)
    nominate(apart, person(apart), Position.CHAIR)  # another person stands for chair
    nominate(party_only, person(party_only), Position.SECRETARY)  # chair nominations not open yet
    run(world)
    assert values(world, "no_secretary_chair_candidate", [both, apart, party_only, none_yet]) == [0, 1, 0, 0]
    assert line(apart, "no_secretary_chair_candidate")["deduction"] == "10.00"
    # Both also lack a woman and a young graduate (5 + 5); only `apart` lacks the one-shoulder candidate.
    assert RiskSnapshot.objects.get(election=apart, week=MONDAY).score == Decimal("80.00")
    assert RiskSnapshot.objects.get(election=both, week=MONDAY).score == Decimal("90.00")
    assert RiskSnapshot.objects.get(election=none_yet, week=MONDAY).score == Decimal("100.00")


def test_a_party_nomination_without_a_secretary_has_no_one_shoulder_in_sight(world):
    village = world["home"][0]
    nominate(village, person(village), Position.PARTY_MEMBER)
    run(world)
    assert line(village, "no_secretary_chair_candidate")["value"] == 1


def test_withdrawn_nominations_and_the_slate_decide_who_is_in_sight(world):
    withdrawn, slate, _rest, _fourth = world["home"]
    secretary = person(withdrawn)
    nominate(withdrawn, secretary, Position.SECRETARY)
    nominate(withdrawn, secretary, Position.CHAIR, state=NominationState.WITHDRAWN)
    nominate(withdrawn, person(withdrawn), Position.VICE_CHAIR)
    # On the slate the secretary is not proposed as chair: the one-shoulder nominee is out of sight.
    head = person(slate)
    nominate(slate, head, Position.SECRETARY, proposed=True)
    nominate(slate, head, Position.CHAIR)
    nominate(slate, person(slate), Position.CHAIR, proposed=True)
    run(world)
    assert values(world, "no_secretary_chair_candidate", [withdrawn, slate]) == [1, 1]


# --- women ---------------------------------------------------------------------------------------------


def test_no_woman_candidate_on_the_villagers_committee_deducts_five_points(world):
    men, woman_on_committee, woman_in_party_only, party_stage = world["home"]
    nominate(men, person(men), Position.CHAIR)
    nominate(men, person(men), Position.COMMITTEE_MEMBER)
    nominate(woman_on_committee, person(woman_on_committee), Position.CHAIR)
    nominate(woman_on_committee, person(woman_on_committee, sex="F"), Position.COMMITTEE_MEMBER)
    # A woman on the Party committee does not fill the villagers' committee's place once it is nominated.
    nominate(woman_in_party_only, person(woman_in_party_only, sex="F"), Position.PARTY_MEMBER)
    nominate(woman_in_party_only, person(woman_in_party_only), Position.CHAIR)
    # Before any villagers' committee nomination, the Party committee's women count.
    nominate(party_stage, person(party_stage, sex="F"), Position.PARTY_MEMBER)
    run(world)
    villages = [men, woman_on_committee, woman_in_party_only, party_stage]
    assert values(world, "no_woman_candidate", villages) == [1, 0, 1, 0]
    assert line(men, "no_woman_candidate")["deduction"] == "5.00"
    untouched = world["neighbour"][0]  # no nomination yet: nothing to say
    assert line(untouched, "no_woman_candidate")["value"] == 0


def test_a_woman_left_off_the_slate_is_not_in_sight(world):
    village = world["home"][0]
    nominate(village, person(village), Position.CHAIR, proposed=True)
    nominate(village, person(village, sex="F"), Position.COMMITTEE_MEMBER)
    run(world)
    assert line(village, "no_woman_candidate")["value"] == 1


# --- young members with a college degree -----------------------------------------------------------------


def test_no_young_graduate_deducts_five_points_age_on_the_reference_date(world):
    reference = world["cycle"].reference_date  # 1 January 2027
    young, too_old, no_degree, just_35 = world["home"]
    nominate(young, person(young, born=date(1995, 6, 1), education="bachelor"), Position.COMMITTEE_MEMBER)
    nominate(too_old, person(too_old, born=date(1991, 12, 31), education="college"), Position.CHAIR)
    nominate(no_degree, person(no_degree, born=date(1998, 1, 1), education="senior"), Position.CHAIR)
    nominate(just_35, person(just_35, born=date(1991, 1, 1), education="college"), Position.CHAIR)
    assert age_on(date(1991, 12, 31), reference) == 35 and age_on(date(1991, 1, 1), reference) == 36
    run(world)
    assert values(world, "no_young_graduate_candidate", [young, too_old, no_degree, just_35]) == [0, 0, 1, 1]
    assert line(no_degree, "no_young_graduate_candidate")["deduction"] == "5.00"


def test_the_cycles_young_member_rule_is_used(world):
    village = world["home"][0]
    nominate(village, person(village, born=date(1985, 6, 1), education="college"), Position.CHAIR)
    run(world)
    assert line(village, "no_young_graduate_candidate")["value"] == 1  # 41 on the reference date
    CandidateRuleSettings.objects.filter(cycle=world["cycle"]).update(young_max_age=45)
    run(world)
    assert line(village, "no_young_graduate_candidate")["value"] == 0


@pytest.mark.parametrize(
    "reference", [date(2027, 1, 1), date(2028, 2, 29), date(2027, 3, 1), date(2027, 2, 28)]
)
def test_the_birth_date_bound_agrees_with_age_on(reference):
    bound = sources.latest_birth_date_at_age(reference, 36)
    for born in (bound - timedelta(days=1), bound, bound + timedelta(days=1), bound + timedelta(days=2)):
        assert (age_on(born, reference) >= 36) == (born <= bound)


# --- overdue statutory steps (the lifecycle's provider) ---------------------------------------------------


def set_day(election, day):
    VillageElection.objects.filter(pk=election.pk).update(election_day=day)


def test_overdue_statutory_steps_deduct_two_points_each(world):
    late, in_time, postponed, _fourth = world["home"]
    for election in (late, in_time, postponed):
        set_day(election, MONDAY + timedelta(days=10))  # roll due 10 days before the Monday
    RollPublication.objects.create(
        election=in_time,
        division_code=in_time.division_code,
        published_on=MONDAY - timedelta(days=12),
        voters=300,
        published_by=world["township_user"],
    )
    VillageElection.objects.filter(pk=postponed.pk).update(stage=Stage.POSTPONED)
    run(world)
    assert values(world, "overdue_election_steps", [late, in_time, postponed]) == [1, 0, 0]
    assert line(late, "overdue_election_steps")["deduction"] == "2.00"


def test_a_step_done_after_the_monday_was_overdue_on_that_monday(world):
    village = world["home"][0]
    set_day(village, MONDAY + timedelta(days=10))  # roll due on MONDAY - 10, the list on MONDAY + 5
    RollPublication.objects.create(
        election=village,
        division_code=village.division_code,
        published_on=MONDAY + timedelta(days=1),
        voters=300,
        published_by=world["township_user"],
    )
    run(world)
    assert line(village, "overdue_election_steps")["value"] == 1  # the roll, published a day later
    week = MONDAY + timedelta(days=7)
    run(world, week=week)
    found = risk_feed.overdue_steps(
        elections=VillageElection.objects.filter(pk=village.pk),
        cycle=world["cycle"],
        prefix=village.division_code,
        as_of=week,
    )
    assert [i.step.code for v, _n in found for i in v.steps if risk_feed.overdue_on(i, week)] == [
        "candidates_published"
    ]
    assert line(village, "overdue_election_steps", week)["value"] == 1


def hand_ticked_step() -> StepDefinition:
    """A province's own step, ticked by hand and due 3 days after the day it was opened."""
    return StepDefinition.objects.create(
        code="local_hearing",
        stage=Stage.COMMITTEE_ELECTION,
        order=345,
        title="村民代表会议听证",
        deadline_kind="after_opened",
        deadline_days=3,
    )


def test_a_hand_ticked_step_past_its_deadline_counts_until_done_in_time(world):
    village = world["home"][0]
    record = StepRecord.objects.create(
        election=village,
        step=hand_ticked_step(),
        status=StepStatus.OPEN,
        opened_on=MONDAY - timedelta(days=10),
    )
    run(world)
    assert line(village, "overdue_election_steps")["value"] == 1
    record.status, record.done_on = StepStatus.DONE, MONDAY - timedelta(days=8)
    record.save()
    run(world)
    assert line(village, "overdue_election_steps")["value"] == 0


def test_the_provider_computes_per_election_for_a_set_of_elections(world):
    village = world["home"][0]
    set_day(village, MONDAY + timedelta(days=10))
    elections = VillageElection.objects.filter(pk=village.pk)
    found = risk_feed.overdue_steps(
        elections=elections, cycle=world["cycle"], prefix=village.division_code, as_of=MONDAY
    )
    assert [(v.election_id, n) for v, n in found] == [(village.pk, 1)]


# --- the provider hook -------------------------------------------------------------------------------------


@pytest.fixture
def no_providers(monkeypatch):
    monkeypatch.setattr(sources, "_PROVIDERS", {})


def test_without_a_provider_overdue_steps_report_nothing_and_the_recompute_runs(world, no_providers):
    village = world["home"][0]
    set_day(village, MONDAY + timedelta(days=2))
    assert sources.overdue_election_steps(scope(world)) == {}
    run(world)
    assert line(village, "overdue_election_steps") == {"value": 0, "deduction": "0.00"}


def test_the_lifecycle_registers_its_providers(world):
    assert sources._PROVIDERS[sources.OVERDUE_STEPS] is risk_feed.overdue_election_steps
    assert sources._PROVIDERS[sources.RED_CLOSE_OUT_APPROVED] is risk_feed.red_close_out_approved


def test_a_registered_provider_is_read(world, no_providers):
    village = world["home"][1]
    sources.register_provider(sources.OVERDUE_STEPS, lambda s: {village.division_code: 4})
    run(world)
    assert line(village, "overdue_election_steps") == {"value": 4, "deduction": "8.00"}


def test_an_unknown_provider_name_is_refused(no_providers):
    with pytest.raises(ValueError):
        sources.register_provider("overdue_stpes", lambda s: {})


def test_the_feed_agrees_with_the_progress_board(world):
    from lifecycle import progress

    village = world["home"][0]
    set_day(village, MONDAY + timedelta(days=1))  # roll, list and voting notice all overdue
    StepRecord.objects.create(
        election=village,
        step=hand_ticked_step(),
        status=StepStatus.OPEN,
        opened_on=MONDAY - timedelta(days=10),
    )
    village.refresh_from_db()
    board = progress.village_checklist(election=village, today=MONDAY)
    found = risk_feed.overdue_steps(
        elections=VillageElection.objects.filter(pk=village.pk),
        cycle=world["cycle"],
        prefix=village.division_code,
        as_of=MONDAY,
    )
    assert board.overdue_count == 4
    assert [n for _v, n in found] == [board.overdue_count]
