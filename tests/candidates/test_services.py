"""Writes of candidate vetting (candidates.services), with the vetting read back through the selectors."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import Role
from candidates import codes, services
from candidates.choices import BODY_OF_POSITION, NominationState, Position, Source, VettingStatus
from candidates.models import (
    Approval,
    CandidateRuleSettings,
    ElectionCommitteeMember,
    NegativeListItem,
    Nomination,
    PreviousTermMember,
    QualificationReview,
    ReviewUnit,
)
from candidates.selectors import election_vetting, negative_list_for
from elections.models import Stage
from tests.candidates.factories import (
    NominationFactory,
    ResidentFactory,
    id_number,
    kin,
    move_to,
    pass_everything,
    voter,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def code_of(excinfo) -> str:
    return excinfo.value.error_list[0].code


def status(nomination) -> VettingStatus:
    return election_vetting(election=nomination.election).row(nomination.pk).status


def findings(nomination) -> list[str]:
    return [f.code for f in election_vetting(election=nomination.election).row(nomination.pk).findings]


# --- Rules as data -----------------------------------------------------------------------------------


def test_rule_settings_and_the_negative_list_are_created_once_with_the_defaults(cycle):
    first = services.ensure_rule_settings(cycle=cycle)
    again = services.ensure_rule_settings(cycle=cycle)
    assert first.pk == again.pk and CandidateRuleSettings.objects.count() == 1
    assert first.head_max_age_male == 60 and first.party_initial_minimums == {"3": 5, "5": 7}
    assert NegativeListItem.objects.filter(cycle=cycle).count() == 10


def test_a_county_may_add_negative_list_items_up_to_fifteen(election, people):
    county = election.village.parent.parent
    for i in range(5):
        item = services.add_negative_list_item(
            cycle=election.cycle, region=county, text=f"县加项{i}", by=people["county"]
        )
    assert item.number == 15
    with pytest.raises(ValidationError) as excinfo:
        services.add_negative_list_item(
            cycle=election.cycle, region=county, text="第16项", by=people["county"]
        )
    assert code_of(excinfo) == codes.NEGATIVE_LIST_FULL
    assert len(negative_list_for(election)) == 15


def test_another_countys_items_do_not_apply(election, outside, people):
    other = outside.village.parent.parent
    services.ensure_rule_settings(cycle=election.cycle)
    services.add_negative_list_item(cycle=election.cycle, region=other, text="外县加项", by=people["county"])
    assert len(negative_list_for(election)) == 10


def test_default_departments_are_named_after_the_county(units):
    assert len(units) == 11
    names = {u.name for u in units}
    assert {"婺城区公安分局", "婺城区人民法院", "婺城区纪委监委", "婺城区信访局"} <= names


# --- Nominating --------------------------------------------------------------------------------------


@pytest.mark.usefixtures("party_stage")
def test_nominate_a_resident(election, people):
    person = ResidentFactory(village=election.village)
    nomination = services.nominate(
        election=election,
        resident=person,
        position=Position.SECRETARY,
        source=Source.PARTY_MEMBERS,
        votes=40,
        by=people["township"],
    )
    assert nomination.body == "party" and nomination.division_code == election.division_code


@pytest.mark.parametrize(
    ("position", "source", "nominators", "code"),
    [
        (Position.CHAIR, Source.PARTY_MEMBERS, None, codes.SOURCE_NOT_ALLOWED),
        (Position.SECRETARY, Source.DIRECT, 30, codes.SOURCE_NOT_ALLOWED),
        (Position.CHAIR, Source.DIRECT, None, codes.NOMINATORS_REQUIRED),
        (Position.CHAIR, Source.JOINT, 9, codes.JOINT_NEEDS_TEN),
    ],
)
def test_nomination_shape_rules(election, people, position, source, nominators, code):
    if BODY_OF_POSITION[position] == "party":
        move_to(election, Stage.PARTY_ELECTION)
    person = ResidentFactory(village=election.village)
    with pytest.raises(ValidationError) as excinfo:
        services.nominate(
            election=election,
            resident=person,
            position=position,
            source=source,
            nominators=nominators,
            by=people["clerk"],
        )
    assert code_of(excinfo) == code


def test_a_joint_nomination_of_exactly_ten_voters_is_valid(election, people):
    person = voter(election)
    nomination = services.nominate(
        election=election,
        resident=person,
        position=Position.CHAIR,
        source=Source.JOINT,
        nominators=10,
        by=people["clerk"],
    )
    assert nomination.nominators == 10


def test_one_nomination_per_person_and_body_but_both_committees_allowed(election, people):
    person = voter(election)
    move_to(election, Stage.PARTY_ELECTION)
    first = services.nominate(
        election=election,
        resident=person,
        position=Position.SECRETARY,
        source=Source.PARTY_MEMBERS,
        by=people["township"],
    )
    with pytest.raises(ValidationError) as excinfo:
        services.nominate(
            election=election,
            resident=person,
            position=Position.PARTY_MEMBER,
            source=Source.PARTY_MEMBERS,
            by=people["township"],
        )
    assert code_of(excinfo) == codes.ALREADY_NOMINATED
    move_to(election, Stage.COMMITTEE_ELECTION)
    services.nominate(
        election=election,
        resident=person,
        position=Position.CHAIR,
        source=Source.DIRECT,
        nominators=50,
        by=people["township"],
    )
    move_to(election, Stage.PARTY_ELECTION)  # a test's shortcut: the lifecycle never moves back
    services.withdraw_nomination(nomination=first, reason="本人放弃", by=people["township"])
    services.nominate(
        election=election,
        resident=person,
        position=Position.PARTY_MEMBER,
        source=Source.PARTY_MEMBERS,
        by=people["township"],
    )


@pytest.mark.usefixtures("party_stage")
def test_a_resident_of_another_village_cannot_be_nominated(election, neighbour, people):
    stranger = ResidentFactory(village=neighbour.village)
    with pytest.raises(ValidationError) as excinfo:
        services.nominate(
            election=election,
            resident=stranger,
            position=Position.SECRETARY,
            source=Source.TOWNSHIP,
            by=people["township"],
        )
    assert code_of(excinfo) == codes.RESIDENT_OUTSIDE_VILLAGE


@pytest.mark.usefixtures("party_stage")
def test_withdrawal_needs_a_reason_and_is_final(election, people):
    nomination = NominationFactory(election=election)
    with pytest.raises(ValidationError):
        services.withdraw_nomination(nomination=nomination, reason=" ", by=people["township"])
    services.withdraw_nomination(nomination=nomination, reason="本人放弃", by=people["township"])
    assert status(nomination) == VettingStatus.WITHDRAWN
    with pytest.raises(ValidationError) as excinfo:
        services.withdraw_nomination(nomination=nomination, reason="again", by=people["township"])
    assert code_of(excinfo) == codes.TRANSITION_NOT_ALLOWED


# --- Joint qualification review ----------------------------------------------------------------------


@pytest.mark.usefixtures("party_stage")
def test_first_review_failure_needs_a_note_and_the_verdict_is_final(election, people):
    nomination = NominationFactory(election=election)
    with pytest.raises(ValidationError) as excinfo:
        services.record_first_review(nomination=nomination, passed=False, note="", by=people["township"])
    assert code_of(excinfo) == codes.NOTE_REQUIRED
    review = services.record_first_review(
        nomination=nomination, passed=False, note="道德品行差", by=people["township"]
    )
    assert (review.reviewer, review.unit, review.decided_at is not None) == (
        people["township"],
        "白龙镇",
        True,
    )
    assert status(nomination) == VettingStatus.BLOCKED
    with pytest.raises(ValidationError) as excinfo:
        services.record_first_review(nomination=nomination, passed=True, note="", by=people["township"])
    assert code_of(excinfo) == codes.REVIEW_ALREADY_DECIDED


@pytest.mark.usefixtures("party_stage")
def test_departments_review_only_after_the_first_review_passed(election, people, units):
    nomination = NominationFactory(election=election)
    with pytest.raises(ValidationError) as excinfo:
        services.request_reviews(nominations=[nomination], units=units, by=people["township"])
    assert code_of(excinfo) == codes.FIRST_REVIEW_REQUIRED
    services.record_first_review(nomination=nomination, passed=True, note="", by=people["township"])
    assert findings(nomination)[0] == codes.REVIEWS_NOT_REQUESTED
    services.request_reviews(nominations=[nomination], units=units[:3], by=people["township"])
    services.request_reviews(nominations=[nomination], units=units[:4], by=people["township"])
    assert nomination.reviews.filter(kind="department").count() == 4
    assert status(nomination) == VettingStatus.AWAITING


@pytest.mark.usefixtures("party_stage")
def test_units_of_another_county_cannot_be_asked(election, outside, people):
    nomination = NominationFactory(election=election)
    services.record_first_review(nomination=nomination, passed=True, note="", by=people["township"])
    other = ReviewUnit.objects.create(region=outside.village.parent.parent, kind="police", name="外县公安局")
    with pytest.raises(ValidationError) as excinfo:
        services.request_reviews(nominations=[nomination], units=[other], by=people["township"])
    assert code_of(excinfo) == codes.WRONG_ELECTION


@pytest.mark.usefixtures("party_stage")
def test_a_department_decides_only_its_own_units_reviews(election, people, units):
    nomination = NominationFactory(election=election)
    services.record_first_review(nomination=nomination, passed=True, note="", by=people["township"])
    police, court = [u for u in units if u.name in ("婺城区公安分局", "婺城区人民法院")]
    services.request_reviews(nominations=[nomination], units=[police, court], by=people["township"])
    review = nomination.reviews.get(unit=police.name)
    for wrong in (people["court"], people["township"]):
        with pytest.raises(ValidationError) as excinfo:
            services.decide_review(review=review, passed=True, note="", by=wrong)
        assert code_of(excinfo) == codes.NOT_YOUR_UNIT
    with pytest.raises(ValidationError) as excinfo:
        services.decide_review(review=review, passed=False, note="", by=people["police"])
    assert code_of(excinfo) == codes.NOTE_REQUIRED
    decided = services.decide_review(review=review, passed=False, note="2019年行政拘留", by=people["police"])
    assert (decided.reviewer, decided.reviewer_unit, decided.verdict) == (
        people["police"],
        "婺城区公安分局",
        "failed",
    )
    assert decided.decided_at is not None
    with pytest.raises(ValidationError) as excinfo:
        services.decide_review(review=review, passed=True, note="", by=people["police"])
    assert code_of(excinfo) == codes.REVIEW_ALREADY_DECIDED
    assert status(nomination) == VettingStatus.BLOCKED


@pytest.mark.usefixtures("party_stage")
def test_qualified_once_every_step_has_passed(election, people, units):
    nomination = pass_everything(
        NominationFactory(election=election), township=people["township"], units=units[:2]
    )
    assert status(nomination) == VettingStatus.QUALIFIED


@pytest.mark.usefixtures("party_stage")
def test_negative_list_answers_need_evidence_and_a_hit_blocks(election, people, units):
    nomination = pass_everything(
        NominationFactory(election=election), township=people["township"], units=units[:1]
    )
    item = negative_list_for(election)[6]
    with pytest.raises(ValidationError) as excinfo:
        services.answer_negative_list(
            nomination=nomination, answers={item.pk: (True, "", "certificate")}, by=people["township"]
        )
    assert code_of(excinfo) == codes.EVIDENCE_REQUIRED
    services.answer_negative_list(
        nomination=nomination, answers={item.pk: (True, "违法建房未整改", "visit")}, by=people["township"]
    )
    assert codes.NEGATIVE_LIST_HIT in findings(nomination) and status(nomination) == VettingStatus.BLOCKED


@pytest.mark.usefixtures("party_stage")
def test_an_unsuitable_inspection_blocks(election, people, units):
    nomination = pass_everything(
        NominationFactory(election=election), township=people["township"], units=units[:1]
    )
    services.record_inspection(
        nomination=nomination,
        evaluation_score=40,
        interviews=10,
        site_visit=True,
        conclusion="unsuitable",
        by=people["township"],
    )
    assert status(nomination) == VettingStatus.BLOCKED


# --- County approval ---------------------------------------------------------------------------------


@pytest.fixture
def old_secretary(election, people, units):
    person = ResidentFactory(village=election.village, birth_date=date(1965, 3, 1))
    nomination = NominationFactory(election=election, resident=person, position=Position.SECRETARY)
    PreviousTermMember.objects.create(
        election=election,
        resident=person,
        name=person.name,
        sex="M",
        birth_date=person.birth_date,
        party_position="secretary",
    )
    return pass_everything(nomination, township=people["township"], units=units[:1])


@pytest.mark.usefixtures("party_stage")
def test_an_in_principle_breach_passes_with_the_countys_approval(old_secretary, people):
    assert status(old_secretary) == VettingStatus.NEEDS_APPROVAL
    with pytest.raises(ValidationError) as excinfo:
        services.request_approval(
            nomination=old_secretary, code=codes.HEAD_OVER_AGE, justification=" ", by=people["township"]
        )
    assert code_of(excinfo) == codes.JUSTIFICATION_REQUIRED
    approval = services.request_approval(
        nomination=old_secretary,
        code=codes.HEAD_OVER_AGE,
        justification="表现优秀，群众公认",
        by=people["township"],
    )
    assert approval.params["limit"] == "60" and approval.params["born"] == "1965-03-01"
    assert "1965-03-01" in approval.message
    with pytest.raises(ValidationError) as excinfo:
        services.request_approval(
            nomination=old_secretary, code=codes.HEAD_OVER_AGE, justification="再次", by=people["township"]
        )
    assert code_of(excinfo) == codes.APPROVAL_EXISTS
    assert status(old_secretary) == VettingStatus.NEEDS_APPROVAL
    services.decide_approval(approval=approval, approve=True, note="", by=people["county"])
    assert status(old_secretary) == VettingStatus.QUALIFIED
    with pytest.raises(ValidationError) as excinfo:
        services.decide_approval(approval=approval, approve=False, note="改主意", by=people["county"])
    assert code_of(excinfo) == codes.APPROVAL_ALREADY_DECIDED


@pytest.mark.usefixtures("party_stage")
def test_a_refused_breach_blocks_and_may_be_asked_again(old_secretary, people):
    approval = services.request_approval(
        nomination=old_secretary, code=codes.HEAD_OVER_AGE, justification="表现优秀", by=people["township"]
    )
    with pytest.raises(ValidationError) as excinfo:
        services.decide_approval(approval=approval, approve=False, note="", by=people["county"])
    assert code_of(excinfo) == codes.NOTE_REQUIRED
    services.decide_approval(approval=approval, approve=False, note="年龄偏大", by=people["county"])
    assert status(old_secretary) == VettingStatus.BLOCKED
    services.request_approval(
        nomination=old_secretary, code=codes.HEAD_OVER_AGE, justification="补充材料", by=people["township"]
    )
    assert status(old_secretary) == VettingStatus.NEEDS_APPROVAL


@pytest.mark.usefixtures("party_stage")
def test_approval_only_for_a_breach_the_nominee_has(election, people):
    nomination = NominationFactory(election=election, position=Position.SECRETARY)
    with pytest.raises(ValidationError) as excinfo:
        services.request_approval(
            nomination=nomination, code=codes.HEAD_OVER_AGE, justification="x", by=people["township"]
        )
    assert code_of(excinfo) == codes.NO_SUCH_BREACH


# --- Close relatives, election committee, supervision ------------------------------------------------


def test_avoidance_through_a_grandparent_found_via_the_parent(election, people, units):
    grandfather = ResidentFactory(village=election.village, name="王祖", birth_date=date(1968, 1, 1))
    father = ResidentFactory(village=election.village, name="王父", birth_date=date(1975, 1, 1))
    grandson = ResidentFactory(village=election.village, name="王孙", birth_date=date(1995, 1, 1))
    kin(grandfather, father, "parent")
    kin(father, grandson, "parent")
    move_to(election, Stage.PARTY_ELECTION)
    old = pass_everything(
        NominationFactory(election=election, resident=grandfather),
        township=people["township"],
        units=units[:1],
    )
    move_to(election, Stage.COMMITTEE_ELECTION)
    young = pass_everything(
        NominationFactory(election=election, resident=grandson, position=Position.COMMITTEE_MEMBER),
        township=people["township"],
        units=units[:1],
    )
    vetting = election_vetting(election=election)
    for nomination, other, relation in ((old, "王孙", "grandchild"), (young, "王祖", "grandparent")):
        row = vetting.row(nomination.pk)
        assert row.status == VettingStatus.BLOCKED
        finding = next(f for f in row.findings if f.code == codes.CLOSE_RELATIVE)
        assert finding.params["other"] == other and finding.params["relation_code"] == relation


def test_election_committee_member_withdraws_and_the_next_of_the_vote_takes_the_seat(election, people):
    residents = [ResidentFactory(village=election.village) for _ in range(4)]
    members = [
        services.record_election_committee_vote(
            election=election, resident=r, votes=votes, seated=seated, role="member", by=people["clerk"]
        )
        for r, votes, seated in zip(residents, (100, 90, 60, 70), (True, True, False, False), strict=True)
    ]
    nomination = NominationFactory(
        election=election, resident=residents[0], position=Position.COMMITTEE_MEMBER
    )
    assert codes.ELECTION_COMMITTEE_MEMBER in findings(nomination)
    assert status(nomination) == VettingStatus.BLOCKED
    replacement = services.withdraw_from_election_committee(
        member=members[0], reason="被提名为候选人", by=people["township"]
    )
    assert replacement == members[3] and replacement.replaces == members[0] and replacement.seated
    assert codes.ELECTION_COMMITTEE_MEMBER not in findings(nomination)
    with pytest.raises(ValidationError) as excinfo:
        services.withdraw_from_election_committee(member=members[0], reason="again", by=people["township"])
    assert code_of(excinfo) == codes.NOT_SEATED
    services.withdraw_from_election_committee(member=members[1], reason="x", by=people["township"])
    assert ElectionCommitteeMember.objects.get(pk=members[2].pk).seated
    assert (
        services.withdraw_from_election_committee(member=members[3], reason="x", by=people["township"])
        is None
    )


def test_supervision_nominee_who_is_a_relative_of_a_committee_nominee_is_blocked(election):
    chair = ResidentFactory(village=election.village, name="李主任")
    wife = ResidentFactory(village=election.village, name="张某", sex="F")
    kin(chair, wife, "spouse")
    NominationFactory(election=election, resident=chair, position=Position.CHAIR)
    supervisor = NominationFactory(election=election, resident=wife, position=Position.SUPERVISION_MEMBER)
    accountant = NominationFactory(
        election=election, position=Position.SUPERVISION_MEMBER, village_post="accountant"
    )
    assert codes.SUPERVISION_COMMITTEE_RELATIVE in findings(supervisor)
    assert codes.SUPERVISION_VILLAGE_POST in findings(accountant)


def test_committee_nominee_not_on_a_kept_roll_is_warned(election):
    from voters.models import VoterRegistration

    nomination = NominationFactory(election=election, position=Position.CHAIR)
    assert codes.NOT_ON_ROLL not in findings(nomination)
    voter = ResidentFactory(village=election.village)
    VoterRegistration.objects.create(
        election=election, cycle=election.cycle, resident=voter, division_code=election.division_code
    )
    assert codes.NOT_ON_ROLL in findings(nomination)


# --- Lists -------------------------------------------------------------------------------------------


def qualified(election, people, units, count, position, **resident):
    return [
        pass_everything(
            NominationFactory(
                election=election,
                position=position,
                resident=ResidentFactory(village=election.village, **resident),
            ),
            township=people["township"],
            units=units[:1],
        )
        for _ in range(count)
    ]


@pytest.mark.usefixtures("party_stage")
def test_the_preliminary_list_has_exactly_seats_plus_one(election, people, units):
    nominees = qualified(election, people, units, 5, Position.PARTY_MEMBER)
    for wrong in (nominees[:3], nominees[:5]):
        with pytest.raises(ValidationError) as excinfo:
            services.set_list(election=election, body="party", nominations=wrong, by=people["township"])
        assert code_of(excinfo) == codes.PRELIMINARY_COUNT
    listed, added = services.set_list(
        election=election, body="party", nominations=nominees[:4], by=people["township"]
    )
    assert len(listed) == 4 and added is None
    assert Nomination.objects.filter(state="listed").count() == 4
    services.set_list(election=election, body="party", nominations=nominees[1:5], by=people["township"])
    assert Nomination.objects.get(pk=nominees[0].pk).state == "nominated"


@pytest.mark.usefixtures("party_stage")
def test_an_unqualified_nominee_cannot_be_listed(election, people, units):
    nominees = qualified(election, people, units, 3, Position.PARTY_MEMBER)
    nominees.append(NominationFactory(election=election))
    with pytest.raises(ValidationError) as excinfo:
        services.set_list(election=election, body="party", nominations=nominees, by=people["township"])
    assert code_of(excinfo) == codes.NOT_QUALIFIED


def test_no_woman_chosen_adds_the_woman_with_the_most_votes_and_records_it(election, people, units):
    chairs = qualified(election, people, units, 2, Position.CHAIR)
    men = qualified(election, people, units, 2, Position.COMMITTEE_MEMBER)
    women = qualified(election, people, units, 2, Position.COMMITTEE_MEMBER, sex="F")
    Nomination.objects.filter(pk=women[0].pk).update(votes=30)
    Nomination.objects.filter(pk=women[1].pk).update(votes=80)
    listed, added = services.set_list(
        election=election, body="committee", nominations=chairs + men, by=people["township"]
    )
    assert added.pk == women[1].pk and len(listed) == 5
    assert Nomination.objects.get(pk=women[1].pk).listed_by_rule
    body = election_vetting(election=election).body_findings["committee"]
    assert [f.code for f in body] == [codes.WOMEN_RULE_APPLIED]


def test_no_qualified_woman_means_no_list(election, people, units):
    chairs = qualified(election, people, units, 2, Position.CHAIR)
    men = qualified(election, people, units, 2, Position.COMMITTEE_MEMBER)
    NominationFactory(
        election=election,
        position=Position.COMMITTEE_MEMBER,
        resident=ResidentFactory(village=election.village, sex="F"),
    )
    with pytest.raises(ValidationError) as excinfo:
        services.set_list(
            election=election, body="committee", nominations=chairs + men, by=people["township"]
        )
    assert code_of(excinfo) == codes.NO_WOMAN_CANDIDATE


def test_the_formal_list_needs_two_chair_candidates_and_more_than_seats(election, people, units):
    chair = qualified(election, people, units, 1, Position.CHAIR)
    members = qualified(election, people, units, 3, Position.COMMITTEE_MEMBER, sex="F")
    with pytest.raises(ValidationError) as excinfo:
        services.set_list(
            election=election, body="committee", nominations=chair + members, by=people["township"]
        )
    assert code_of(excinfo) == codes.CHAIR_NOT_COMPETITIVE
    second = qualified(election, people, units, 1, Position.CHAIR)
    with pytest.raises(ValidationError) as excinfo:
        services.set_list(
            election=election,
            body="committee",
            nominations=chair + second + members[:1],
            by=people["township"],
        )
    assert code_of(excinfo) == codes.COMMITTEE_NOT_COMPETITIVE
    listed, _added = services.set_list(
        election=election, body="committee", nominations=chair + second + members[:2], by=people["township"]
    )
    assert len(listed) == 4


def test_proposed_and_elected_teams(election, people):
    a = NominationFactory(election=election, position=Position.SECRETARY)
    b = NominationFactory(election=election, position=Position.CHAIR, resident=a.resident)
    c = NominationFactory(election=election, position=Position.SUPERVISION_CHAIR)
    assert services.set_proposed(election=election, nominations=[a, b], by=people["township"]) == 2
    with pytest.raises(ValidationError):
        services.set_proposed(election=election, nominations=[c], by=people["township"])
    services.mark_elected(election=election, nominations=[a], by=None)
    assert list(Nomination.objects.filter(elected=True)) == [a]


def test_notice_publication_is_recorded(election, people):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as excinfo:  # nobody listed yet
        services.record_notice_publication(
            election=election, kind="formal", published_on=today, by=people["township"]
        )
    assert excinfo.value.code == codes.NOTICE_EMPTY
    NominationFactory(election=election, position=Position.CHAIR, state=NominationState.LISTED)
    publication = services.record_notice_publication(
        election=election, kind="formal", published_on=today, by=people["township"]
    )
    assert publication.division_code == election.division_code


def test_a_list_dated_after_the_vote_or_in_the_future_is_refused(election, people):
    NominationFactory(election=election, position=Position.CHAIR, state=NominationState.LISTED)
    today = timezone.localdate()
    election.election_day = today - timedelta(days=2)
    election.save()
    for day, code in (
        (today - timedelta(days=1), codes.NOTICE_AFTER_VOTE),
        (today + timedelta(days=1), codes.NOTICE_AFTER_VOTE),
    ):
        with pytest.raises(ValidationError) as excinfo:
            services.record_notice_publication(
                election=election, kind="formal", published_on=day, by=people["township"]
            )
        assert excinfo.value.code == code
    election.election_day = today + timedelta(days=20)
    election.save()
    with pytest.raises(ValidationError) as excinfo:
        services.record_notice_publication(
            election=election, kind="formal", published_on=today + timedelta(days=1), by=people["township"]
        )
    assert excinfo.value.code == codes.NOTICE_IN_FUTURE


# --- The outgoing team -------------------------------------------------------------------------------


def test_import_previous_term_links_residents_and_replaces_the_old_rows(election, people):
    sitting = ResidentFactory(village=election.village, name="王书记", birth_date=date(1968, 5, 2))
    text = "姓名\t身份证号\t党组织职务\t村委会职务\t学历\t党员\n"
    text += f"王书记\t{sitting.id_number}\t书记\t主任\t高中\t是\n"
    text += f"李委员\t{id_number(election.division_code, date(1970, 1, 1), 'F')}\t-\t委员\t初中\t否\n"
    count, errors = services.import_previous_term(election=election, text=text, by=people["clerk"])
    assert (count, errors) == (2, [])
    first = PreviousTermMember.objects.get(name="王书记")
    assert (first.resident, first.party_position, first.committee_position, first.education) == (
        sitting,
        "secretary",
        "chair",
        "senior",
    )
    assert PreviousTermMember.objects.get(name="李委员").sex == "F"
    count, errors = services.import_previous_term(
        election=election, text="王某\t123\t书记", by=people["clerk"]
    )
    assert count == 0 and errors[0]["code"] == codes.PREVIOUS_TERM_ROW_INVALID
    assert PreviousTermMember.objects.count() == 2


def test_previous_term_tells_new_entrants_from_sitting_cadres(election, people):
    person = ResidentFactory(village=election.village, birth_date=date(1975, 1, 1))
    nomination = NominationFactory(election=election, resident=person, position=Position.SECRETARY)
    vetting = election_vetting(election=election)
    assert vetting.row(nomination.pk).facts.is_new is None
    assert codes.PREVIOUS_TERM_MISSING in [f.code for f in vetting.body_findings["party"]]
    PreviousTermMember.objects.create(
        election=election, name="别人", sex="M", birth_date=date(1960, 1, 1), party_position="secretary"
    )
    assert codes.NEW_HEAD_OVER_AGE in findings(nomination)


# --- Reading stays cheap -----------------------------------------------------------------------------


@pytest.mark.usefixtures("party_stage")
def test_vetting_an_election_takes_the_same_queries_for_any_number_of_nominees(election, people, units):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            election_vetting(election=election)
        return len(ctx.captured_queries)

    pass_everything(NominationFactory(election=election), township=people["township"], units=units[:2])
    queries()  # the first read creates the cycle's settings
    few = queries()
    for _ in range(5):
        pass_everything(NominationFactory(election=election), township=people["township"], units=units[:2])
    assert queries() == few


@pytest.mark.usefixtures("party_stage")
def test_a_department_user_with_the_same_unit_elsewhere_sees_nothing_here(election, outside, people, units):
    nomination = NominationFactory(election=election)
    services.record_first_review(nomination=nomination, passed=True, note="", by=people["township"])
    services.request_reviews(nominations=[nomination], units=units, by=people["township"])
    elsewhere = UserFactory(
        username="elsewhere",
        role=Role.DEPARTMENT,
        region=outside.village.parent.parent,
        unit="婺城区公安分局",
    )
    assert not QualificationReview.objects.visible_to(elsewhere).exists()
    assert QualificationReview.objects.visible_to(people["police"]).count() == 1
    assert not Approval.objects.visible_to(people["police"]).exists()


def test_the_command_adds_a_county_item_and_refuses_the_sixteenth(election):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    county = election.village.parent.parent
    services.ensure_rule_settings(cycle=election.cycle)
    for i in range(5):
        call_command("add_negative_list_item", election.cycle.pk, county.code, f"县加项{i}")
    with pytest.raises(CommandError):
        call_command("add_negative_list_item", election.cycle.pk, county.code, "第16项")
