"""Issue 16 item 4: the supervision committee's own ballot, its chair, and its exclusions read from the
records at the count."""

import pytest
from django.core.exceptions import ValidationError

from ballots import services
from ballots.models import BallotBox
from candidates.choices import NominationState, Position
from candidates.models import Nomination
from tests.ballots.factories import add_box, enter_twice, make_village, register
from tests.candidates.factories import NominationFactory, ResidentFactory
from voters.models import Kinship

pytestmark = pytest.mark.django_db


@pytest.fixture
def village():
    village = make_village(registered=8)  # 12 with the four supervision nominees: 8 cast is over half
    box = add_box(village)
    enter_twice(village, box)  # the villagers' committee: 赵一 chair, 李四 and 孙三 members
    return village


def _approve_committee(village):
    services.count_election(election=village.election, body="committee", by=village.clerk)
    report = services.reconcile_election(election=village.election, body="committee")
    for finding in report.unacknowledged:
        services.acknowledge_warning(
            election=village.election, body="committee", key=services.finding_key(finding), by=village.clerk
        )
    result = services.confirm_results(election=village.election, body="committee", by=village.clerk)
    services.approve_results(result=result, by=village.township)


def _supervision_nominees(village):
    """Chair 冯六; members 陈七, 褚八 and 卫九, the brother of 赵一 (recorded after the list was published)."""
    people = {}
    for name, position in (
        ("冯六", Position.SUPERVISION_CHAIR),
        ("陈七", Position.SUPERVISION_MEMBER),
        ("褚八", Position.SUPERVISION_MEMBER),
        ("卫九", Position.SUPERVISION_MEMBER),
    ):
        resident = ResidentFactory(village=village.election.village, name=name)
        register(village.election, resident)
        people[name] = NominationFactory(
            election=village.election, resident=resident, position=position, state=NominationState.LISTED
        )
    zhao = village.candidates["赵一"].resident
    Kinship.objects.create(
        person=zhao,
        relative=people["卫九"].resident,
        relation=Kinship.Kind.SIBLING,
        source=Kinship.Source.MANUAL,
        basis=Kinship.Basis.HUKOU_RECORD,
        division_code=zhao.division_code,
    )
    return people


def _enter_supervision(village, people):
    key = services.person_key
    values = {
        "issued": 8, "returned": 8, "valid": 8, "invalid": 0, "unreturned": 0, "signed_for": 8,
        "votes": {
            Position.SUPERVISION_CHAIR: {key(people["冯六"]): 7},
            # 卫九 has the most votes, but the records bar him, and the write-in 赵一 too.
            Position.SUPERVISION_MEMBER: {
                key(people["卫九"]): 7, key(people["陈七"]): 5, "w:赵一": 2, key(people["褚八"]): 2,
            },
        },
    }  # fmt: skip
    box = BallotBox.objects.get(election=village.election, round=1)
    for user in (village.clerk, village.second_clerk):
        services.record_tally_entry(box=box, body="supervision", values=values, by=user)


def test_the_supervision_committee_is_counted_after_the_villagers_committee_is_approved(village):
    people = _supervision_nominees(village)
    _enter_supervision(village, people)
    with pytest.raises(ValidationError) as excinfo:
        services.count_election(election=village.election, body="supervision", by=village.clerk)
    assert excinfo.value.code == "tally.supervision_before_committee"


def test_a_close_relative_of_a_committee_member_and_a_committee_member_are_not_elected(village):
    _approve_committee(village)
    people = _supervision_nominees(village)
    _enter_supervision(village, people)
    result = services.count_election(election=village.election, body="supervision", by=village.clerk)
    positions = {p["position"]: p for p in result.data["positions"]}
    key = services.person_key
    assert positions["supervision_chair"]["elected"] == [key(people["冯六"])]
    # Two member seats (three in all): 卫九 (7 of 8) is barred; 陈七 (5) is elected; 褚八 (2) is not.
    member = positions["supervision_member"]
    assert member["elected"] == [key(people["陈七"])]
    # The further round for the seat left is among the eligible only.
    assert key(people["卫九"]) not in member["further_round_candidates"]
    assert "w:赵一" not in member["further_round_candidates"]
    assert key(people["褚八"]) in member["further_round_candidates"]
    excluded = result.data["excluded"]
    assert set(excluded) == {key(people["卫九"]), "w:赵一"}
    assert "赵一" in excluded[key(people["卫九"])]  # the reason names the committee member
    # Their votes are still published.
    assert dict(member["votes"])[key(people["卫九"])] == 7

    report = services.reconcile_election(election=village.election, body="supervision")
    for finding in report.unacknowledged:
        services.acknowledge_warning(
            election=village.election, body="supervision", key=services.finding_key(finding), by=village.clerk
        )
    confirmed = services.confirm_results(election=village.election, body="supervision", by=village.clerk)
    services.approve_results(result=confirmed, by=village.township)
    elected = Nomination.objects.filter(election=village.election, body="supervision", elected=True)
    assert set(elected.values_list("resident__name", flat=True)) == {"冯六", "陈七"}
    # The chair is recorded as such.
    assert elected.get(position=Position.SUPERVISION_CHAIR).resident.name == "冯六"


def test_the_supervision_ballot_has_its_tab_form_and_results_page(client, village):
    _approve_committee(village)
    people = _supervision_nominees(village)
    client.force_login(village.clerk)
    base = f"/ballots/election/{village.election.pk}"
    overview = client.get(f"{base}/?body=supervision&round=1").content.decode()
    assert "村务监督委员会" in overview
    box = BallotBox.objects.get(election=village.election, round=1)
    form = client.get(f"{base}/enter/?body=supervision&round=1&box={box.pk}").content.decode()
    for nomination in people.values():
        position = nomination.position
        assert f"v:{position}:{services.person_key(nomination)}" in form
    _enter_supervision(village, people)
    services.count_election(election=village.election, body="supervision", by=village.clerk)
    page = client.get(f"{base}/results/?body=supervision&round=1").content.decode()
    assert "村务监督委员会主任" in page or "监督委员会主任" in page
    assert "不得当选" in page and "赵一" in page


def test_the_handover_lists_the_new_committees_with_their_posts(client, village):
    from ballots import selectors

    _approve_committee(village)
    people = _supervision_nominees(village)
    _enter_supervision(village, people)
    services.count_election(election=village.election, body="supervision", by=village.clerk)
    report = services.reconcile_election(election=village.election, body="supervision")
    for finding in report.unacknowledged:
        services.acknowledge_warning(
            election=village.election, body="supervision", key=services.finding_key(finding), by=village.clerk
        )
    result = services.confirm_results(election=village.election, body="supervision", by=village.clerk)
    services.approve_results(result=result, by=village.township)
    teams = {t["body"]: t["members"] for t in selectors.new_teams(election=village.election)}
    assert teams["村民委员会"] == [("赵一", "主任"), ("李四", "村委会委员"), ("孙三", "村委会委员")]
    assert teams["村务监督委员会"] == [("冯六", "村务监督委员会主任"), ("陈七", "村务监督委员会委员")]
    client.force_login(village.township)
    page = client.get(f"/elections/{village.election.pk}/handover/").content.decode()
    assert "冯六（村务监督委员会主任）" in page
