"""Issue 16: counting rules per cycle, kept on each result; the signed-for check; the further round."""

from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ballots import selectors, services
from ballots.models import BallotBox, CountingRuleSettings, ElectionResult, ResultState
from candidates.choices import Position
from candidates.models import Nomination
from tests.ballots.factories import add_box, enter_twice, make_village, sheet_values
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def village():
    return make_village()


def _sixty_percent(village):
    """6 of 10 registered voters cast a ballot: valid under "more than half", void under 2/3."""
    values = sheet_values(village, issued=6, returned=6, valid=6)
    values["votes"] = {
        Position.CHAIR: {village.key("赵一"): 6},
        Position.COMMITTEE_MEMBER: {village.key("李四"): 6, village.key("孙三"): 6},
    }
    enter_twice(village, add_box(village, issued=6), values)


def _acknowledge_all(village, round=1):
    report = services.reconcile_election(election=village.election, body="committee", round=round)
    for finding in report.unacknowledged:
        services.acknowledge_warning(
            election=village.election,
            body="committee",
            round=round,
            key=services.finding_key(finding),
            by=village.clerk,
        )


def test_the_default_cycle_counts_a_sixty_percent_vote_as_valid(village):
    _sixty_percent(village)
    result = services.count_election(election=village.election, body="committee", by=village.clerk)
    assert result.valid
    assert result.rules["turnout_threshold"] == "1/2"


def test_a_cycle_with_a_two_thirds_turnout_rule_counts_it_as_void(village):
    CountingRuleSettings.objects.create(cycle=village.election.cycle, turnout_share="2/3")
    _sixty_percent(village)
    result = services.count_election(election=village.election, body="committee", by=village.clerk)
    assert not result.valid
    assert all(p["elected"] == [] for p in result.data["positions"])
    assert result.rules["turnout_threshold"] == "2/3"


def test_a_stored_result_keeps_its_rules_after_the_setting_changes(village):
    _sixty_percent(village)
    result = services.count_election(election=village.election, body="committee", by=village.clerk)
    assert result.valid
    CountingRuleSettings.objects.create(cycle=village.election.cycle, turnout_share="2/3")
    # Confirming recounts from the stored rules, not the cycle's new ones: the result stays valid.
    _acknowledge_all(village)
    confirmed = services.confirm_results(election=village.election, body="committee", by=village.clerk)
    assert confirmed.valid and confirmed.state == ResultState.CONFIRMED
    assert confirmed.rules["turnout_threshold"] == "1/2"
    assert services.rules_of(election=village.election, body="committee", round=1).turnout_threshold == 0.5


def test_a_share_setting_must_be_a_fraction_of_at_most_one(village):
    settings = CountingRuleSettings(cycle=village.election.cycle, turnout_share="3/2")
    with pytest.raises(ValidationError) as excinfo:
        settings.full_clean()
    assert "turnout_share" in excinfo.value.message_dict
    settings.turnout_share = "半数"
    with pytest.raises(ValidationError):
        settings.full_clean()


def test_more_ballots_returned_than_voters_signed_for_is_an_error(village):
    box = add_box(village)
    enter_twice(village, box, sheet_values(village, signed_for=7))  # 8 returned, 7 signed for
    report = services.reconcile_election(election=village.election, body="committee")
    assert "reconcile.returned_exceeds_signed_for" in {f.code for f in report.errors}


def test_as_many_returned_as_signed_for_passes(village):
    enter_twice(village, add_box(village), sheet_values(village, signed_for=8))
    report = services.reconcile_election(election=village.election, body="committee")
    assert "reconcile.returned_exceeds_signed_for" not in {f.code for f in report.errors}


# --- The further round ---------------------------------------------------------------------------------


def _first_round_leaving_a_member_seat(village):
    """赵一 6/8 is chair, 李四 6/8 a member; 孙三 4 and 周五 3 are not over half: one member seat is left."""
    values = sheet_values(village)
    values["votes"][Position.COMMITTEE_MEMBER][village.key("孙三")] = 4
    enter_twice(village, add_box(village), values)
    services.count_election(election=village.election, body="committee", by=village.clerk)
    _acknowledge_all(village)
    return services.confirm_results(election=village.election, body="committee", by=village.clerk)


def test_no_further_round_before_the_first_is_confirmed(village):
    values = sheet_values(village)
    values["votes"][Position.COMMITTEE_MEMBER][village.key("孙三")] = 4
    enter_twice(village, add_box(village), values)
    services.count_election(election=village.election, body="committee", by=village.clerk)
    assert services.further_round(election=village.election, body="committee") is None
    with pytest.raises(ValidationError) as excinfo:
        services.add_ballot_box(
            election=village.election,
            label="另行选举",
            kind="central",
            ballots_issued=8,
            round=2,
            by=village.clerk,
        )
    assert excinfo.value.code == "tally.no_first_round"


def test_the_further_round_lists_exactly_those_standing(village):
    _first_round_leaving_a_member_seat(village)
    further = services.further_round(election=village.election, body="committee")
    assert further.seats == 1
    # One seat left: the seats plus one more, the best-placed unelected: 孙三 (4) and 周五 (3), not 王大 (1).
    assert further.standing == {"committee_member": (village.key("孙三"), village.key("周五"))}
    posts = selectors.posts(election=village.election, body="committee", round=2)
    assert [(key, [name for _, name in people]) for key, _, people in posts] == [
        ("committee_member", ["孙三", "周五"])
    ]


def test_a_first_round_box_takes_no_further_round_sheet(village):
    _first_round_leaving_a_member_seat(village)
    first_box = BallotBox.objects.get(election=village.election, round=1)
    with pytest.raises(ValidationError) as excinfo:
        services.record_tally_entry(
            box=first_box, body="committee", round=2, values=sheet_values(village), by=village.clerk
        )
    assert excinfo.value.code == "tally.box_of_other_round"


def test_the_further_round_elects_by_a_third_and_one_set_of_certificates_covers_both(village):
    first = _first_round_leaving_a_member_seat(village)
    box = services.add_ballot_box(
        election=village.election,
        label="另行选举会场",
        kind="central",
        ballots_issued=8,
        round=2,
        by=village.clerk,
    )
    values = {
        "issued": 8, "returned": 8, "valid": 8, "invalid": 0, "unreturned": 0, "signed_for": 8,
        # 3 of 8 is at least a third: elected in the further round (it would fail "more than half").
        "votes": {Position.COMMITTEE_MEMBER: {village.key("孙三"): 3, village.key("周五"): 2}},
    }  # fmt: skip
    for user in (village.clerk, village.second_clerk):
        services.record_tally_entry(box=box, body="committee", round=2, values=values, by=user)
    second = services.count_election(election=village.election, body="committee", round=2, by=village.clerk)
    member = next(p for p in second.data["positions"] if p["position"] == "committee_member")
    assert member["elected"] == [village.key("孙三")]
    _acknowledge_all(village, round=2)
    second = services.confirm_results(election=village.election, body="committee", round=2, by=village.clerk)
    services.approve_results(result=first, by=village.township)
    assert services.further_round_pending(election=village.election, body="committee")
    first.refresh_from_db()
    today = timezone.localdate()
    with pytest.raises(ValidationError) as excinfo:
        services.issue_certificates(result=first, issued_on=today, by=village.township)
    assert excinfo.value.code == "certificates.further_round_pending"
    second = services.approve_results(result=second, by=village.township)
    assert not services.further_round_pending(election=village.election, body="committee")
    services.issue_certificates(result=second, issued_on=today, by=village.township)
    issued = ElectionResult.objects.filter(election=village.election, body="committee")
    assert {r.round: r.certificates_issued_on for r in issued} == {1: today, 2: today}
    elected = set(Nomination.objects.filter(elected=True).values_list("resident__name", flat=True))
    assert elected == {"赵一", "李四", "孙三"}


def test_an_administrator_sets_a_cycle_s_rules_in_the_admin_and_a_bad_share_is_refused(client, village):
    root = UserFactory(username="root", role="admin", is_staff=True, is_superuser=True)
    client.force_login(root)
    form = {
        "cycle": village.election.cycle.pk,
        "turnout_share": "2/3",
        "elected_share": "1/2",
        "further_round_share": "1/3",
        "party_attendance_share": "4/5",
        "reserved_women_seat": "on",
        "skip_elected_for_lower_positions": "on",
        "further_round_extra_candidates": 1,
        "invalid_share_warning": "1/10",
        "box_outlier_factor": "3",
        "committee_deputy_seats": 1,
        "party_deputy_seats": 1,
        "party_discipline_member": "on",
        "plenary_elected_share": "1/2",
    }
    response = client.post("/admin/ballots/countingrulesettings/add/", {**form, "turnout_share": "3/2"})
    assert response.status_code == 200 and "比例不能超过 1" in response.content.decode()
    assert not CountingRuleSettings.objects.exists()
    response = client.post("/admin/ballots/countingrulesettings/add/", form)
    assert response.status_code == 302
    assert services.counting_rules(election=village.election).turnout_threshold == Fraction(2, 3)
