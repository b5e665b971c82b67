"""Pure rules of candidate vetting (candidates.rules): every rule at its boundary and on each side."""

from __future__ import annotations

import datetime
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from candidates import codes, rules
from candidates.choices import (
    ApprovalState,
    InspectionConclusion,
    NominationState,
    NoticeOrder,
    Position,
    Relation,
    ReviewKind,
    Rounding,
    Verdict,
    VettingStatus,
)
from candidates.codes import Severity
from candidates.rules import Finding, Nominee, Process, Review, Thresholds

REF = datetime.date(2027, 1, 1)
T = Thresholds(reference_date=REF)
ALL_SIGNED = frozenset({"pledge", "campaign", "work", "resignation"})
ITEMS = tuple((n, f"item {n}") for n in range(1, 11))


def nominee(id=1, position=Position.PARTY_MEMBER, **kw) -> Nominee:
    values = {
        "person": id,
        "name": f"王{id}",
        "sex": "M",
        "birth_date": datetime.date(1980, 6, 1),
        "education": "senior",
        "party_member": True,
    }
    return Nominee(id=id, position=position, **(values | kw))


def done(**kw) -> Process:
    """A process with every step passed."""
    values = {
        "reviews": (
            Review(ReviewKind.TOWNSHIP, "白龙镇", Verdict.PASSED),
            Review(ReviewKind.DEPARTMENT, "公安局", Verdict.PASSED),
        ),
        "negative_items": ITEMS,
        "negative_answers": dict.fromkeys(range(1, 11), False),
        "inspection": InspectionConclusion.SUITABLE,
        "signed": ALL_SIGNED,
    }
    return Process(**(values | kw))


def codes_of(findings) -> list[str]:
    return [f.code for f in findings]


# --- Age at the reference date -----------------------------------------------------------------------


def test_exactly_at_the_limit_on_the_reference_date_is_not_over_it():
    assert not rules.is_over_age(datetime.date(1967, 1, 1), REF, 60)


def test_one_day_past_the_limit_is_over_it():
    # The township plan: "男60周岁（1961年1月1日前出生）以上" for the reference date 1 January 2021.
    assert rules.is_over_age(datetime.date(1966, 12, 31), REF, 60)
    assert rules.is_over_age(datetime.date(1960, 12, 31), datetime.date(2021, 1, 1), 60)
    assert not rules.is_over_age(datetime.date(1961, 1, 1), datetime.date(2021, 1, 1), 60)


def test_a_day_younger_than_the_limit_is_not_over_it():
    assert not rules.is_over_age(datetime.date(1967, 1, 2), REF, 60)


def test_leap_day_reference_date_falls_back_to_the_first_of_march():
    reference = datetime.date(2024, 2, 29)
    assert rules.years_before(reference, 61) == datetime.date(1963, 3, 1)
    assert rules.is_over_age(datetime.date(1963, 2, 28), reference, 61)
    assert not rules.is_over_age(datetime.date(1963, 3, 1), reference, 61)


@given(
    st.dates(min_value=datetime.date(1930, 1, 1), max_value=datetime.date(2005, 12, 31)), st.integers(18, 70)
)
def test_over_age_agrees_with_completed_years_except_on_the_birthday(born, limit):
    age = rules.age_on(born, REF)
    birthday = (born.month, born.day) == (REF.month, REF.day)
    assert rules.is_over_age(born, REF, limit) == (age > limit or (age == limit and not birthday))


@pytest.mark.parametrize(
    ("position", "sex", "limit", "code"),
    [
        (Position.SECRETARY, "M", 60, codes.HEAD_OVER_AGE),
        (Position.SECRETARY, "F", 55, codes.HEAD_OVER_AGE),
        (Position.CHAIR, "M", 60, codes.HEAD_OVER_AGE),
        (Position.CHAIR, "F", 55, codes.HEAD_OVER_AGE),
        (Position.DEPUTY_SECRETARY, "M", 55, codes.DEPUTY_OVER_AGE),
        (Position.DEPUTY_SECRETARY, "F", 50, codes.DEPUTY_OVER_AGE),
        (Position.VICE_CHAIR, "M", 55, codes.DEPUTY_OVER_AGE),
        (Position.VICE_CHAIR, "F", 50, codes.DEPUTY_OVER_AGE),
    ],
)
def test_age_limits_by_position_and_sex_at_their_boundary(position, sex, limit, code):
    at_limit = nominee(position=position, sex=sex, birth_date=rules.years_before(REF, limit), was_head=True)
    over = replace(at_limit, birth_date=at_limit.birth_date - datetime.timedelta(days=1))
    assert code not in codes_of(rules.age_findings(at_limit, T))
    found = [f for f in rules.age_findings(over, T) if f.code == code]
    assert len(found) == 1 and found[0].severity == Severity.APPROVAL
    assert found[0].params["limit"] == limit


def test_age_limits_are_blocks_when_the_cycle_makes_them_hard():
    over = nominee(position=Position.SECRETARY, birth_date=datetime.date(1960, 1, 1), was_head=True)
    hard = replace(T, age_limits_hard=True)
    assert [f.severity for f in rules.age_findings(over, hard)] == [Severity.BLOCK]


def test_configured_limits_are_read_from_the_thresholds():
    at_58 = nominee(position=Position.SECRETARY, birth_date=datetime.date(1968, 6, 1), was_head=True)
    assert rules.age_findings(at_58, T) == []
    assert codes_of(rules.age_findings(at_58, replace(T, head_max_age_male=58))) == [codes.HEAD_OVER_AGE]


def test_a_newly_nominated_secretary_over_45_needs_approval_but_a_sitting_one_does_not():
    born = rules.years_before(REF, 45) - datetime.timedelta(days=1)
    new = nominee(position=Position.SECRETARY, birth_date=born, was_head=False, is_new=False)
    assert codes_of(rules.age_findings(new, T)) == [codes.NEW_HEAD_OVER_AGE]
    assert rules.age_findings(replace(new, was_head=True), T) == []
    assert rules.age_findings(replace(new, birth_date=rules.years_before(REF, 45)), T) == []


def test_new_head_rule_is_skipped_when_the_previous_term_is_unknown():
    old = nominee(position=Position.CHAIR, birth_date=datetime.date(1970, 1, 1), was_head=None)
    assert rules.age_findings(old, T) == []


def test_new_entrant_over_45_or_without_senior_education_is_a_warning():
    old = nominee(birth_date=datetime.date(1970, 1, 1), education="junior", is_new=True)
    found = rules.age_findings(old, T)
    assert codes_of(found) == [codes.NEW_ENTRANT_OVER_AGE, codes.NEW_ENTRANT_EDUCATION]
    assert {f.severity for f in found} == {Severity.WARNING}
    assert rules.age_findings(replace(old, is_new=False), T) == []
    young = nominee(birth_date=datetime.date(1990, 1, 1), education="senior", is_new=True)
    assert rules.age_findings(young, T) == []
    unknown = replace(young, education="")
    assert codes_of(rules.age_findings(unknown, T)) == [codes.NEW_ENTRANT_EDUCATION]


def test_education_order():
    assert rules.education_at_least("college", "college")
    assert rules.education_at_least("postgraduate", "senior")
    assert not rules.education_at_least("senior", "college")
    assert not rules.education_at_least("", "primary")


# --- Party membership --------------------------------------------------------------------------------


def test_party_positions_need_party_membership():
    assert codes_of(rules.membership_findings(nominee(party_member=False))) == [
        codes.PARTY_MEMBERSHIP_REQUIRED
    ]
    assert rules.membership_findings(nominee(position=Position.CHAIR, party_member=False)) == []
    chair = nominee(position=Position.SUPERVISION_CHAIR, party_member=False)
    assert [(f.code, f.severity) for f in rules.membership_findings(chair)] == [
        (codes.SUPERVISION_CHAIR_NOT_PARTY_MEMBER, Severity.WARNING)
    ]


# --- Close relatives ---------------------------------------------------------------------------------

GRANDPA, FATHER, MOTHER, CHILD, SIBLING, UNCLE, COUSIN, WIFE, FATHER_IN_LAW, GREAT = range(1, 11)


def family():
    return [
        (GRANDPA, FATHER, "parent"),
        (FATHER, CHILD, "parent"),
        (MOTHER, CHILD, "parent"),
        (FATHER, SIBLING, "parent"),
        (GRANDPA, UNCLE, "parent"),
        (UNCLE, COUSIN, "parent"),
        (CHILD, WIFE, "spouse"),
        (FATHER_IN_LAW, WIFE, "parent"),
        (GREAT, GRANDPA, "parent"),
    ]


def test_grandparent_through_a_parent_is_a_close_relative():
    found = rules.close_relatives(family(), {GRANDPA, CHILD})
    assert found == {(GRANDPA, CHILD): Relation.GRANDPARENT, (CHILD, GRANDPA): Relation.GRANDCHILD}


def test_maternal_grandparent_counts_the_same():
    links = [(10, MOTHER, "parent"), (MOTHER, CHILD, "parent")]
    assert rules.close_relatives(links, {10, CHILD})[(CHILD, 10)] == Relation.GRANDCHILD


def test_children_of_one_parent_are_siblings():
    assert rules.close_relatives(family(), {CHILD, SIBLING})[(CHILD, SIBLING)] == Relation.SIBLING


def test_a_siblings_sibling_is_a_sibling():
    links = [(1, 2, "sibling"), (2, 3, "sibling")]
    assert rules.close_relatives(links, {1, 3}) == {(1, 3): Relation.SIBLING, (3, 1): Relation.SIBLING}


def test_direct_links_in_both_directions():
    found = rules.close_relatives(family(), {FATHER, CHILD, WIFE})
    assert found[(FATHER, CHILD)] == Relation.PARENT
    assert found[(CHILD, FATHER)] == Relation.CHILD
    assert found[(CHILD, WIFE)] == found[(WIFE, CHILD)] == Relation.SPOUSE


def test_stored_grandparent_link_is_read_directly():
    found = rules.close_relatives([(1, 2, "grandparent")], {1, 2})
    assert found == {(1, 2): Relation.GRANDPARENT, (2, 1): Relation.GRANDCHILD}


@pytest.mark.parametrize(
    "pair",
    [
        (UNCLE, CHILD),
        (COUSIN, CHILD),
        (FATHER_IN_LAW, CHILD),
        (FATHER, WIFE),
        (GREAT, CHILD),
        (MOTHER, FATHER),
    ],
    ids=["uncle", "cousin", "spouse's parent", "child's spouse", "great-grandparent", "co-parents"],
)
def test_other_relatives_are_not_close(pair):
    assert rules.close_relatives(family(), set(pair)) == {}


def test_avoidance_flags_both_nominees_of_a_pair_with_the_others_relation():
    father = nominee(1, name="王父", person=FATHER)
    son = nominee(2, Position.COMMITTEE_MEMBER, name="王子", person=CHILD)
    relatives = rules.close_relatives(family(), {FATHER, CHILD})
    found = rules.avoidance_findings([father, son], relatives)
    assert codes_of(found[1]) == codes_of(found[2]) == [codes.CLOSE_RELATIVE]
    assert found[1][0].params["other"] == "王子" and found[1][0].params["relation_code"] == Relation.CHILD
    assert found[2][0].params["relation_code"] == Relation.PARENT


def test_avoidance_ignores_withdrawn_and_supervision_nominees_and_oneself():
    relatives = rules.close_relatives(family(), {FATHER, CHILD})
    father = nominee(1, person=FATHER)
    son = nominee(2, person=CHILD)
    assert rules.avoidance_findings([father, replace(son, state=NominationState.WITHDRAWN)], relatives) == {}
    supervisor = nominee(2, Position.SUPERVISION_MEMBER, person=CHILD)
    assert rules.avoidance_findings([father, supervisor], relatives) == {}
    twice = [nominee(1, person=FATHER), nominee(3, Position.CHAIR, person=FATHER)]
    assert rules.avoidance_findings(twice, relatives) == {}


# --- Election committee and supervision committee -----------------------------------------------------


def test_election_committee_member_nominated_for_the_villagers_committee_must_withdraw():
    member = nominee(position=Position.COMMITTEE_MEMBER, person=7)
    assert codes_of(rules.election_committee_findings(member, {7})) == [codes.ELECTION_COMMITTEE_MEMBER]
    assert rules.election_committee_findings(member, set()) == []
    assert rules.election_committee_findings(nominee(person=7), {7}) == []


def test_the_next_person_of_the_original_vote_replaces_a_withdrawn_member():
    members = [(1, 120, True, False), (2, 80, False, False), (3, 95, False, False), (4, 99, False, True)]
    assert rules.next_in_vote(members) == 3
    assert rules.next_in_vote([(1, 50, False, False), (2, 50, False, False)]) == 1
    assert rules.next_in_vote([(1, 50, True, False)]) is None


def test_supervision_excludes_committee_members_their_relatives_and_village_posts():
    relatives = rules.close_relatives(family(), {FATHER, CHILD})
    committee = {FATHER: "王父"}
    member = nominee(2, Position.SUPERVISION_MEMBER, person=FATHER)
    assert codes_of(rules.supervision_findings(member, committee, relatives)) == [
        codes.SUPERVISION_COMMITTEE_MEMBER
    ]
    son = nominee(3, Position.SUPERVISION_MEMBER, person=CHILD)
    assert codes_of(rules.supervision_findings(son, committee, relatives)) == [
        codes.SUPERVISION_COMMITTEE_RELATIVE
    ]
    accountant = nominee(4, Position.SUPERVISION_MEMBER, person=99, village_post="accountant")
    assert codes_of(rules.supervision_findings(accountant, committee, relatives)) == [
        codes.SUPERVISION_VILLAGE_POST
    ]
    for post in ("clerk", "collective_head"):
        assert rules.supervision_findings(replace(accountant, village_post=post), committee, relatives)
    assert (
        rules.supervision_findings(nominee(5, Position.SUPERVISION_MEMBER, person=98), committee, relatives)
        == []
    )


def test_the_committee_for_the_supervision_rule_is_the_elected_one_once_recorded():
    a = nominee(1, Position.CHAIR, person=1, name="甲")
    b = nominee(2, Position.COMMITTEE_MEMBER, person=2, name="乙")
    assert rules.committee_people([a, b]) == {1: "甲", 2: "乙"}
    assert rules.committee_people([replace(a, elected=True), b]) == {1: "甲"}


# --- The process -------------------------------------------------------------------------------------


def test_nothing_done_is_pending_first_review():
    found = rules.process_findings(Process(negative_items=ITEMS))
    assert codes_of(found) == [
        codes.FIRST_REVIEW_PENDING,
        codes.NEGATIVE_LIST_INCOMPLETE,
        codes.INSPECTION_MISSING,
        codes.COMMITMENTS_UNSIGNED,
    ]
    assert rules.status_of(found) == VettingStatus.AWAITING


def test_a_failed_first_review_blocks():
    process = done(reviews=(Review(ReviewKind.TOWNSHIP, "白龙镇", Verdict.FAILED, "道德品行差"),))
    found = rules.process_findings(process)
    assert codes_of(found) == [codes.FIRST_REVIEW_FAILED]
    assert rules.status_of(found) == VettingStatus.BLOCKED


def test_passed_first_review_without_departments_is_not_yet_sent():
    process = done(reviews=(Review(ReviewKind.TOWNSHIP, "白龙镇", Verdict.PASSED),))
    assert codes_of(rules.process_findings(process)) == [codes.REVIEWS_NOT_REQUESTED]


def test_qualified_only_when_every_requested_review_has_passed():
    first = Review(ReviewKind.TOWNSHIP, "白龙镇", Verdict.PASSED)
    police = Review(ReviewKind.DEPARTMENT, "公安局", Verdict.PASSED)
    court = Review(ReviewKind.DEPARTMENT, "法院", Verdict.PENDING)
    assert (
        rules.status_of(rules.process_findings(done(reviews=(first, police, court))))
        == VettingStatus.AWAITING
    )
    failed = replace(court, verdict=Verdict.FAILED, note="失信被执行人")
    found = rules.process_findings(done(reviews=(first, police, failed)))
    assert codes_of(found) == [codes.REVIEW_FAILED] and found[0].params["unit"] == "法院"
    assert rules.status_of(found) == VettingStatus.BLOCKED
    passed = replace(court, verdict=Verdict.PASSED)
    assert (
        rules.status_of(rules.process_findings(done(reviews=(first, police, passed))))
        == VettingStatus.QUALIFIED
    )


def test_any_negative_list_hit_blocks():
    answers = dict.fromkeys(range(1, 11), False) | {7: True}
    found = rules.process_findings(done(negative_answers=answers))
    assert codes_of(found) == [codes.NEGATIVE_LIST_HIT] and found[0].params["number"] == 7
    assert rules.status_of(found) == VettingStatus.BLOCKED


def test_unanswered_negative_list_items_are_pending():
    found = rules.process_findings(done(negative_answers={1: False}))
    assert codes_of(found) == [codes.NEGATIVE_LIST_INCOMPLETE] and found[0].params["missing"] == 9


def test_county_additions_to_the_negative_list_must_be_answered_too():
    items = (*ITEMS, (11, "county item"))
    assert codes_of(rules.process_findings(done(negative_items=items))) == [codes.NEGATIVE_LIST_INCOMPLETE]


def test_inspection_and_commitments():
    assert codes_of(rules.process_findings(done(inspection=None))) == [codes.INSPECTION_MISSING]
    found = rules.process_findings(done(inspection=InspectionConclusion.UNSUITABLE))
    assert rules.status_of(found) == VettingStatus.BLOCKED
    found = rules.process_findings(done(signed=frozenset({"pledge"})))
    assert codes_of(found) == [codes.COMMITMENTS_UNSIGNED]
    assert rules.status_of(found) == VettingStatus.QUALIFIED


def test_not_on_the_roll_is_a_warning():
    assert codes_of(rules.process_findings(done(on_roll=False))) == [codes.NOT_ON_ROLL]
    assert rules.process_findings(done(on_roll=None)) == []


def test_an_approved_breach_passes_a_pending_one_waits_a_refused_one_blocks():
    over = nominee(position=Position.SECRETARY, birth_date=datetime.date(1960, 1, 1), was_head=True)

    def status(approvals):
        return rules.vet(
            nominees=[over],
            processes={1: done(approvals=approvals)},
            relatives={},
            seated=set(),
            thresholds=T,
        )[1].status

    assert status({}) == VettingStatus.NEEDS_APPROVAL
    assert status({codes.HEAD_OVER_AGE: ApprovalState.PENDING}) == VettingStatus.NEEDS_APPROVAL
    assert status({codes.HEAD_OVER_AGE: ApprovalState.APPROVED}) == VettingStatus.QUALIFIED
    assert status({codes.HEAD_OVER_AGE: ApprovalState.REFUSED}) == VettingStatus.BLOCKED


def test_status_priority_blocked_then_approval_then_awaiting():
    block = Finding.of(codes.NEGATIVE_LIST_HIT, number=1, item="x")
    approval = Finding.of(codes.HEAD_OVER_AGE, limit=60, date="2027-01-01", born="1960-01-01")
    pending = Finding.of(codes.REVIEW_PENDING, unit="x")
    warning = Finding.of(codes.INSPECTION_MISSING)
    assert rules.status_of([pending, approval, block]) == VettingStatus.BLOCKED
    assert rules.status_of([pending, approval]) == VettingStatus.NEEDS_APPROVAL
    assert rules.status_of([pending, warning]) == VettingStatus.AWAITING
    assert rules.status_of([warning]) == VettingStatus.QUALIFIED


def test_withdrawn_nominees_are_only_marked_withdrawn():
    gone = nominee(state=NominationState.WITHDRAWN, party_member=False)
    result = rules.vet(nominees=[gone], processes={}, relatives={}, seated=set(), thresholds=T)
    assert result[1] == rules.Vetting((), VettingStatus.WITHDRAWN)


def test_finding_messages_are_filled_in():
    finding = Finding.of(codes.REVIEW_FAILED, unit="婺城区公安分局", note="行政拘留")
    assert "婺城区公安分局" in finding.message and "行政拘留" in finding.message
    for code, message in codes.MESSAGES.items():
        assert code.startswith("candidate.") and str(message)
        assert code in codes.SEVERITY


# --- Counts per body ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("seats", "minimum"), [(3, 5), (5, 7), (4, 6), (6, 9), (7, 11)])
def test_initial_party_candidates_with_the_default_settings(seats, minimum):
    assert rules.minimum_initial_candidates(seats, T) == minimum


@pytest.mark.parametrize(
    ("rounding", "three", "five"),
    [(Rounding.UP, 5, 8), (Rounding.HALF_UP, 5, 8), (Rounding.DOWN, 4, 7)],
)
def test_initial_party_candidates_by_rounding_without_the_table(rounding, three, five):
    t = replace(T, party_initial_minimums={}, party_initial_rounding=rounding)
    assert rules.minimum_initial_candidates(3, t) == three
    assert rules.minimum_initial_candidates(5, t) == five


def test_initial_party_candidates_ratio_is_a_setting():
    t = replace(T, party_initial_minimums={}, party_initial_ratio=Decimal("2"))
    assert rules.minimum_initial_candidates(3, t) == 6


def party(count, seats_listed=0, **kw):
    return [
        nominee(i, state=NominationState.LISTED if i <= seats_listed else NominationState.NOMINATED, **kw)
        for i in range(1, count + 1)
    ]


def test_three_seats_need_five_initial_party_candidates():
    assert codes_of(rules.body_findings(body="party", seats=3, nominees=party(4), t=T)) == [
        codes.PARTY_INITIAL_TOO_FEW
    ]
    assert rules.body_findings(body="party", seats=3, nominees=party(5), t=T) == []


def test_five_seats_need_seven_initial_party_candidates():
    assert codes_of(rules.body_findings(body="party", seats=5, nominees=party(6), t=T)) == [
        codes.PARTY_INITIAL_TOO_FEW
    ]
    assert rules.body_findings(body="party", seats=5, nominees=party(7), t=T) == []


def test_withdrawn_nominees_do_not_count():
    nominees = party(5)
    nominees[0] = replace(nominees[0], state=NominationState.WITHDRAWN)
    assert codes_of(rules.body_findings(body="party", seats=3, nominees=nominees, t=T)) == [
        codes.PARTY_INITIAL_TOO_FEW
    ]


@pytest.mark.parametrize(("listed", "ok"), [(3, False), (4, True), (5, False)])
def test_preliminary_list_is_seats_plus_one(listed, ok):
    found = rules.body_findings(body="party", seats=3, nominees=party(6, listed), t=T)
    assert (codes.PRELIMINARY_COUNT not in codes_of(found)) is ok


def committee(count, women=(1,), listed=0, chairs=(1, 2)):
    return [
        nominee(
            i,
            Position.CHAIR if i in chairs else Position.COMMITTEE_MEMBER,
            sex="F" if i in women else "M",
            state=NominationState.LISTED if i <= listed else NominationState.NOMINATED,
        )
        for i in range(1, count + 1)
    ]


def test_villagers_committee_needs_more_candidates_than_seats():
    assert codes_of(rules.body_findings(body="committee", seats=3, nominees=committee(3), t=T)) == [
        codes.COMMITTEE_TOO_FEW_NOMINEES
    ]
    assert rules.body_findings(body="committee", seats=3, nominees=committee(4), t=T) == []
    found = rules.body_findings(body="committee", seats=3, nominees=committee(5, listed=3), t=T)
    assert codes_of(found) == [codes.COMMITTEE_NOT_COMPETITIVE]
    assert rules.body_findings(body="committee", seats=3, nominees=committee(5, listed=4), t=T) == []


def test_the_chair_needs_two_formal_candidates():
    found = rules.body_findings(body="committee", seats=3, nominees=committee(5, listed=4, chairs=(1,)), t=T)
    assert codes_of(found) == [codes.CHAIR_NOT_COMPETITIVE]


def test_no_woman_nominated_or_listed():
    assert codes.NO_WOMAN_NOMINEE in codes_of(
        rules.body_findings(body="committee", seats=3, nominees=committee(5, women=()), t=T)
    )
    found = rules.body_findings(body="committee", seats=3, nominees=committee(5, women=(5,), listed=4), t=T)
    assert codes_of(found) == [codes.NO_WOMAN_CANDIDATE]


def test_a_woman_listed_by_the_rule_is_recorded():
    nominees = committee(5, women=(5,), listed=4)
    nominees[4] = replace(nominees[4], state=NominationState.LISTED, listed_by_rule=True, votes=33)
    found = rules.body_findings(body="committee", seats=3, nominees=nominees, t=T)
    assert codes_of(found) == [codes.WOMEN_RULE_APPLIED] and found[0].params["votes"] == 33


def test_supervision_with_fewer_nominees_than_seats_is_a_warning():
    nominees = [nominee(i, Position.SUPERVISION_MEMBER) for i in range(1, 3)]
    found = rules.body_findings(body="supervision", seats=3, nominees=nominees, t=T)
    assert [(f.code, f.severity) for f in found] == [(codes.SUPERVISION_TOO_FEW, Severity.WARNING)]


def test_women_rule_picks_the_qualified_woman_with_the_most_votes():
    chosen = [nominee(1, Position.CHAIR), nominee(2, Position.CHAIR)]
    women = [
        nominee(3, sex="F", votes=40, name="王甲"),
        nominee(4, sex="F", votes=90, name="李乙"),
        nominee(5, sex="F", votes=120, name="张丙"),
        nominee(6, sex="F", votes=200, state=NominationState.WITHDRAWN),
    ]
    assert rules.women_rule_pick(chosen, chosen + women, qualified={1, 2, 3, 4, 6}).id == 4
    assert rules.women_rule_pick([*chosen, women[0]], women, qualified={3, 4}) is None
    assert rules.women_rule_pick(chosen, chosen, qualified={1, 2}) is None


def test_women_rule_tie_goes_to_stroke_order():
    tied = [nominee(3, sex="F", votes=50, name="孔丽"), nominee(4, sex="F", votes=50, name="王丽")]
    assert rules.women_rule_pick([], tied, qualified={3, 4}).name == "王丽"


# --- Notices -----------------------------------------------------------------------------------------


def test_notice_names_in_surname_stroke_order_with_ties_in_stroke_count():
    names = ["黄明", "孔亮", "方华", "王强", "邓林", "陈刚", "李杨", "杨李"]
    nominees = [nominee(i, name=name) for i, name in enumerate(names, start=1)]
    ordered = [n.name for n in rules.notice_order(nominees)]
    # 4 strokes: 王 (横) < 方 (点) < 孔 (折), then 邓 (折); 7: 李 < 杨 < 陈; 11: 黄.
    assert ordered == ["王强", "方华", "孔亮", "邓林", "李杨", "杨李", "陈刚", "黄明"]


def test_notice_order_by_votes_breaks_ties_in_stroke_order():
    nominees = [
        nominee(1, name="孔亮", votes=50),
        nominee(2, name="王强", votes=50),
        nominee(3, name="黄明", votes=90),
    ]
    assert [n.name for n in rules.notice_order(nominees, NoticeOrder.VOTES)] == ["黄明", "王强", "孔亮"]


def test_formal_list_deadline_is_five_days_before_election_day():
    day = datetime.date(2027, 1, 20)
    assert rules.publication_deadline(day, 5) == datetime.date(2027, 1, 15)
    on_time = rules.publication_findings(
        election_day=day, days=5, published_on=datetime.date(2027, 1, 15), today=day
    )
    assert on_time == []
    late = rules.publication_findings(
        election_day=day, days=5, published_on=datetime.date(2027, 1, 16), today=day
    )
    assert codes_of(late) == [codes.FORMAL_LIST_LATE] and late[0].params["late"] == 1


def test_unpublished_list_is_late_only_after_the_deadline():
    day = datetime.date(2027, 1, 20)
    assert (
        rules.publication_findings(
            election_day=day, days=5, published_on=None, today=datetime.date(2027, 1, 15)
        )
        == []
    )
    late = rules.publication_findings(
        election_day=day, days=5, published_on=None, today=datetime.date(2027, 1, 17)
    )
    assert late[0].params["late"] == 2
    assert codes_of(rules.publication_findings(election_day=None, days=5, published_on=None, today=day)) == [
        codes.ELECTION_DAY_MISSING
    ]


def test_names_outside_the_stroke_data_are_listed_for_the_clerk():
    found = rules.unknown_character_findings(["王强", "陳明", "王强"])
    assert codes_of(found) == [codes.UNKNOWN_CHARACTERS] and found[0].params["characters"] == "陳"


def test_unknown_kinds_of_link_are_no_close_relation():
    assert rules.close_relatives([(1, 2, "godparent")], {1, 2}) == {}
