"""The services of the count check the jurisdiction themselves (accounts.permissions.may with the election),
whichever door called them: a clerk of another village or a township office of another township is
refused by the service directly (`tally.outside_jurisdiction`, the notice's `notice.not_allowed`), and by the
pages as before (404: the village is not shown to them at all)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from ballots import notices, services
from ballots.models import (
    BallotBox,
    ElectionResult,
    PartyAttendance,
    PollingStation,
    ResultState,
    TallyEntry,
    VotingMethod,
    VotingNotice,
)
from candidates.choices import Position
from elections.models import Stage
from tests.ballots.factories import add_box, enter_twice, make_village, sheet_values
from tests.candidates.factories import NominationFactory, ResidentFactory, move_to
from tests.factories import UserFactory, region_chain

pytestmark = pytest.mark.django_db

OUTSIDE = "tally.outside_jurisdiction"


@pytest.fixture
def village():
    return make_village()


@pytest.fixture
def other_clerk(village):
    """The clerk of another village of the same township."""
    return UserFactory(username="other-clerk", role=Role.CLERK, region=region_chain("330702001002"))


@pytest.fixture
def other_township(village):
    """The township office of another township of the same county."""
    return UserFactory(
        username="other-township", role=Role.TOWNSHIP, region=region_chain("330702002001").parent
    )


def refused(code, call, **kwargs):
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)
    assert caught.value.code == code
    return caught.value


def counted(village) -> ElectionResult:
    enter_twice(village, add_box(village))
    return services.count_election(election=village.election, body="committee", by=village.clerk)


def acknowledge_all(village) -> None:
    report = services.reconcile_election(election=village.election, body="committee")
    for finding in report.unacknowledged:
        key = services.finding_key(finding)
        services.acknowledge_warning(election=village.election, body="committee", key=key, by=village.clerk)


def confirmed(village) -> ElectionResult:
    counted(village)
    acknowledge_all(village)
    return services.confirm_results(election=village.election, body="committee", by=village.clerk)


# --- The services, called directly ------------------------------------------------------------------------


@pytest.mark.parametrize("outsider", ["other_clerk", "other_township"])
def test_boxes_and_stations_of_another_village_are_refused(village, outsider, request):
    user = request.getfixturevalue(outsider)
    election = village.election
    refused(
        OUTSIDE,
        services.add_ballot_box,
        election=election,
        label="箱",
        kind="central",
        ballots_issued=8,
        by=user,
    )
    refused(OUTSIDE, services.add_polling_station, election=election, name="一组", by=user)
    assert not BallotBox.objects.exists() and not PollingStation.objects.exists()


@pytest.mark.parametrize("outsider", ["other_clerk", "other_township"])
def test_the_tally_of_another_village_is_refused(village, outsider, request):
    user = request.getfixturevalue(outsider)
    box = add_box(village)
    refused(
        OUTSIDE, services.record_tally_entry, box=box, body="committee", values=sheet_values(village), by=user
    )
    assert not TallyEntry.objects.exists()


def test_the_party_attendance_of_another_village_is_refused(village, other_clerk):
    move_to(village.election, Stage.PARTY_ELECTION)
    NominationFactory(
        election=village.election,
        resident=ResidentFactory(village=village.election.village, name="党一"),
        position=Position.SECRETARY,
        state="listed",
    )
    refused(
        OUTSIDE,
        services.record_party_attendance,
        election=village.election,
        members=30,
        excused={},
        present=23,
        by=other_clerk,
    )
    assert not PartyAttendance.objects.exists()


@pytest.mark.parametrize("outsider", ["other_clerk", "other_township"])
def test_counting_acknowledging_and_confirming_another_village_are_refused(village, outsider, request):
    user = request.getfixturevalue(outsider)
    election = village.election
    enter_twice(village, add_box(village))
    refused(OUTSIDE, services.count_election, election=election, body="committee", by=user)
    assert not ElectionResult.objects.exists()
    services.count_election(election=election, body="committee", by=village.clerk)
    report = services.reconcile_election(election=election, body="committee")
    for finding in report.unacknowledged:
        key = services.finding_key(finding)
        refused(OUTSIDE, services.acknowledge_warning, election=election, body="committee", key=key, by=user)
    acknowledge_all(village)
    refused(OUTSIDE, services.confirm_results, election=election, body="committee", by=user)
    assert ElectionResult.objects.get().state == ResultState.COUNTED


def test_another_townships_office_does_not_approve_the_results(village, other_township):
    result = confirmed(village)
    refused(OUTSIDE, services.approve_results, result=result, by=other_township)
    assert ElectionResult.objects.get().state == ResultState.CONFIRMED
    assert services.approve_results(result=result, by=village.township).state == ResultState.APPROVED


@pytest.mark.parametrize("outsider", ["other_clerk", "other_township"])
def test_the_certificates_of_another_village_are_refused(village, outsider, request):
    user = request.getfixturevalue(outsider)
    result = services.approve_results(result=confirmed(village), by=village.township)
    refused(OUTSIDE, services.issue_certificates, result=result, issued_on=timezone.localdate(), by=user)
    assert ElectionResult.objects.get().certificates_issued_on is None


def test_the_voting_notice_of_another_township_is_refused(village, other_township):
    election = village.election
    election.election_day = timezone.localdate() + datetime.timedelta(days=5)
    election.save()
    refused(
        "notice.not_allowed",
        notices.publish_voting_notice,
        election=election,
        voting_on=election.election_day,
        starts_at=datetime.time(8, 0),
        method=VotingMethod.CENTRAL,
        place="村文化礼堂",
        published_on=timezone.localdate(),
        by=other_township,
    )
    assert not VotingNotice.objects.exists()


def test_the_role_is_still_asked_first(village):
    """A role that never enters tallies is told so, wherever it sits (the county over this village too)."""
    county = UserFactory(username="county", role=Role.COUNTY, region=village.election.village.parent.parent)
    refused(
        "tally.role_refused",
        services.add_ballot_box,
        election=village.election,
        label="箱",
        kind="central",
        ballots_issued=8,
        by=county,
    )


def test_an_administrator_acts_everywhere(village):
    admin = UserFactory(username="root", role=Role.ADMIN, region=None, is_superuser=True)
    box = services.add_ballot_box(
        election=village.election, label="箱", kind="central", ballots_issued=8, by=admin
    )
    assert box.division_code == village.election.division_code


# --- Through the pages: as today, the village is not there for an outsider (404) --------------------------


def _url(name, village):
    return reverse(f"ballots:{name}", args=[village.election.pk]) + "?body=committee&round=1"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("add_box", {"label": "箱", "kind": "central", "ballots_issued": 8}),
        ("count", {"body": "committee", "round": 1}),
        ("confirm", {"body": "committee", "round": 1}),
        ("approve", {"body": "committee", "round": 1}),
        ("issue_certificates", {"body": "committee", "round": 1, "issued_on": "2027-01-20"}),
        ("add_station", {"name": "一组", "place": ""}),
    ],
)
@pytest.mark.parametrize("outsider", ["other_clerk", "other_township"])
def test_the_pages_answer_404_to_an_outsider(client, village, outsider, name, data, request):
    client.force_login(request.getfixturevalue(outsider))
    assert client.post(_url(name, village), data).status_code == 404
    assert not BallotBox.objects.exists() and not ElectionResult.objects.exists()
    assert not PollingStation.objects.exists()


@pytest.mark.parametrize("outsider", ["other_clerk", "other_township"])
def test_the_entry_and_notice_pages_answer_404_to_an_outsider(client, village, outsider, request):
    box = add_box(village)
    client.force_login(request.getfixturevalue(outsider))
    assert client.get(_url("overview", village)).status_code == 404
    assert client.post(_url("enter", village) + f"&box={box.pk}", {"box": box.pk}).status_code == 404
    assert client.post(_url("voting_notice", village), {}).status_code == 404
    assert not TallyEntry.objects.exists() and not VotingNotice.objects.exists()
