"""Structure of the team (candidates.slate): size, women, young graduates, paid posts, one shoulder,
cross-holding, and the comparison with the outgoing team ("五升一降")."""

from __future__ import annotations

import datetime
from dataclasses import replace
from decimal import Decimal

import pytest

from candidates import codes, rules, slate
from candidates.choices import NominationState, Position
from candidates.rules import Nominee, Thresholds
from candidates.slate import Member

REF = datetime.date(2027, 1, 1)
T = Thresholds(reference_date=REF)


def member(person, party="", committee="", sex="M", age=45, education="senior", party_member=True) -> Member:
    born = rules.years_before(REF, age) - datetime.timedelta(days=10)
    return Member(person, f"人{person}", sex, born, education, party_member, party, committee)


def team(*members):
    return slate.figures(list(members), T)


def good_team():
    """Six people: the secretary also chair, two cross-holding, two women on the committee, one young
    graduate."""
    return [
        member(1, Position.SECRETARY, Position.CHAIR, age=44),
        member(2, Position.DEPUTY_SECRETARY, Position.COMMITTEE_MEMBER, sex="F", age=38),
        member(3, Position.PARTY_MEMBER, age=50),
        member(4, "", Position.VICE_CHAIR, age=41),
        member(5, "", Position.COMMITTEE_MEMBER, sex="F", age=30, education="college"),
        member(6, Position.PARTY_MEMBER, age=52),
    ]


def codes_of(findings):
    return [f.code for f in findings]


def test_a_well_formed_team_has_no_findings():
    assert slate.structure_findings(team(*good_team()), population=2500, t=T) == []


def test_team_of_merges_a_person_on_both_committees():
    nominees = [
        Nominee(1, 10, "甲", "M", datetime.date(1980, 1, 1), Position.SECRETARY, proposed=True),
        Nominee(2, 10, "甲", "M", datetime.date(1980, 1, 1), Position.CHAIR, proposed=True),
        Nominee(3, 11, "乙", "F", datetime.date(1990, 1, 1), Position.COMMITTEE_MEMBER, proposed=True),
        Nominee(4, 12, "丙", "F", datetime.date(1990, 1, 1), Position.COMMITTEE_MEMBER),
        Nominee(5, 13, "丁", "M", datetime.date(1990, 1, 1), Position.SUPERVISION_CHAIR, proposed=True),
        Nominee(
            6,
            14,
            "戊",
            "M",
            datetime.date(1990, 1, 1),
            Position.PARTY_MEMBER,
            proposed=True,
            state=NominationState.WITHDRAWN,
        ),
    ]
    members = slate.team_of(nominees)
    assert [(m.person, m.party_position, m.committee_position) for m in members] == [
        (10, Position.SECRETARY, Position.CHAIR),
        (11, "", Position.COMMITTEE_MEMBER),
    ]
    assert members[0].one_shoulder and members[0].cross_holding
    assert slate.team_of(nominees, elected=True) == []
    elected = [replace(nominees[2], elected=True)]
    assert [m.person for m in slate.team_of(elected, elected=True)] == [11]


@pytest.mark.parametrize(("size", "ok"), [(2, False), (3, True), (7, True), (8, False)])
def test_team_size_three_to_seven(size, ok):
    members = [
        member(i, Position.PARTY_MEMBER if i > 2 else "", Position.COMMITTEE_MEMBER if i <= 2 else "")
        for i in range(1, size + 1)
    ]
    members[0] = replace(members[0], party_position=Position.SECRETARY, committee_position=Position.CHAIR)
    found = slate.structure_findings(team(*members), population=1500, t=T)
    assert (codes.TEAM_SIZE not in codes_of(found)) is ok


def test_no_woman_on_the_villagers_committee_blocks():
    members = [replace(m, sex="M") if m.committee_position else m for m in good_team()]
    found = slate.structure_findings(team(*members), population=1500, t=T)
    assert codes.TEAM_NO_WOMAN_ON_COMMITTEE in codes_of(found)
    assert next(f for f in found if f.code == codes.TEAM_NO_WOMAN_ON_COMMITTEE).blocks


def test_women_share_below_target_is_a_warning_and_exactly_at_it_is_fine():
    # Committee of 4 with 1 woman: 25% < 30%.
    members = good_team()
    members[1] = replace(members[1], sex="M")
    found = slate.structure_findings(team(*members), population=2500, t=T)
    assert codes_of(found) == [codes.TEAM_WOMEN_BELOW_TARGET]
    at_target = replace(T, women_share_target=Decimal("25"))
    assert slate.structure_findings(team(*members), population=2500, t=at_target) == []


def test_young_graduate_aged_exactly_35_counts_and_36_does_not():
    members = good_team()
    born_35 = rules.years_before(REF, 35)
    members[4] = replace(members[4], birth_date=born_35 - datetime.timedelta(days=364))
    assert team(*members).young_graduates == 1
    members[4] = replace(members[4], birth_date=rules.years_before(REF, 36))
    assert team(*members).young_graduates == 0
    assert codes_of(slate.structure_findings(team(*members), population=2500, t=T)) == [
        codes.TEAM_NO_YOUNG_GRADUATE
    ]


def test_young_member_without_a_college_degree_does_not_count():
    members = good_team()
    members[4] = replace(members[4], education="senior")
    assert team(*members).young_graduates == 0


@pytest.mark.parametrize(
    ("population", "size", "ok"),
    [
        (999, 4, True),
        (999, 5, False),
        (999, 3, True),
        (1000, 3, False),
        (1000, 4, True),
        (2000, 5, True),
        (2000, 6, False),
        (2001, 6, True),
        (2001, 7, False),
        (2001, 3, True),
    ],
)
def test_paid_posts_by_population(population, size, ok):
    band = slate.paid_post_band(population, T.paid_post_bands)
    assert (band.maximum >= size and (band.minimum is None or band.minimum <= size)) is ok
    members = [member(i, Position.PARTY_MEMBER) for i in range(1, size + 1)]
    found = slate.structure_findings(team(*members), population=population, t=T)
    assert (codes.TEAM_PAID_POSTS not in codes_of(found)) is ok


def test_one_shoulder_and_cross_holding_are_reported_when_missing():
    members = [replace(m, committee_position="") if m.party_position else m for m in good_team()]
    found = codes_of(slate.structure_findings(team(*members), population=1500, t=T))
    assert codes.TEAM_NO_ONE_SHOULDER in found and codes.TEAM_NO_CROSS_HOLDING in found


def test_figures_match_a_hand_count():
    f = team(*good_team())
    assert (f.size, f.women, f.committee_size, f.committee_women) == (6, 2, 4, 2)
    assert f.cross_holding_share == Decimal("33.33")
    assert f.committee_women_share == Decimal("50.00")
    assert f.one_shoulder and f.women_heads == 0
    assert f.average_age == Decimal("42.50")


def test_five_up_one_down_against_the_outgoing_team():
    before = team(
        member(1, Position.SECRETARY, age=58),
        member(2, "", Position.CHAIR, age=55),
        member(3, Position.PARTY_MEMBER, Position.COMMITTEE_MEMBER, sex="F", age=50),
        member(4, "", Position.COMMITTEE_MEMBER, age=61),
    )
    now = team(*good_team())
    rows = slate.compare(before, now)
    assert [row.improved for row in rows] == [True, True, True, True, True, False, True]
    assert rows[-1].before == Decimal("56.00") and rows[-1].now < rows[-1].before
    found = slate.comparison_findings(rows)
    assert codes_of(found) == [codes.TEAM_FIGURE_NOT_IMPROVED]


def test_an_equal_figure_at_its_best_is_not_a_regression():
    one_shoulder = team(member(1, Position.SECRETARY, Position.CHAIR))
    rows = slate.compare(one_shoulder, one_shoulder)
    assert rows[3].improved  # one shoulder kept
    assert not rows[6].improved  # same average age is not down
