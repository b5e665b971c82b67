"""The certificates of election (当选证书): printed from an approved result, and recorded as handed over on
a day, which ticks the lifecycle's step (records, not checkboxes). The record is refused at every door
while the stage or the result does not allow it."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ballots import services
from ballots.models import ElectionResult
from elections.models import Stage, VillageElection
from lifecycle import records
from lifecycle.models import StepSource
from tests.ballots.factories import add_box, enter_twice, make_village
from tests.reference import load_default_steps

pytestmark = pytest.mark.django_db


@pytest.fixture
def village():
    return make_village()


def confirmed(village) -> ElectionResult:
    enter_twice(village, add_box(village))
    services.count_election(election=village.election, body="committee", by=village.clerk)
    report = services.reconcile_election(election=village.election, body="committee")
    for finding in report.unacknowledged:
        key = services.finding_key(finding)
        services.acknowledge_warning(election=village.election, body="committee", key=key, by=village.clerk)
    return services.confirm_results(election=village.election, body="committee", by=village.clerk)


def approved(village) -> ElectionResult:
    return services.approve_results(result=confirmed(village), by=village.township)


def code_of(excinfo) -> str:
    return excinfo.value.error_list[0].code


def test_issuing_the_certificates_is_the_step_of_the_lifecycle(village):
    result = approved(village)
    today = timezone.localdate()
    assert StepSource.CERTIFICATES_ISSUED not in records.facts_of(village.election)
    services.issue_certificates(result=result, issued_on=today, by=village.clerk)
    result.refresh_from_db()
    assert (result.certificates_issued_on, result.certificates_issued_by) == (today, village.clerk)
    assert records.facts_of(village.election)[StepSource.CERTIFICATES_ISSUED] == today


def test_certificates_wait_for_the_township_approval(village):
    with pytest.raises(ValidationError) as excinfo:
        services.issue_certificates(
            result=confirmed(village), issued_on=timezone.localdate(), by=village.clerk
        )
    assert code_of(excinfo) == "certificates.not_approved"
    assert ElectionResult.objects.get().certificates_issued_on is None


@pytest.mark.parametrize(
    ("shift", "code"), [(-1, "certificates.before_approval"), (1, "certificates.in_future")]
)
def test_the_day_lies_between_the_approval_and_today(village, shift, code):
    result = approved(village)
    with pytest.raises(ValidationError) as excinfo:
        services.issue_certificates(
            result=result, issued_on=timezone.localdate() + timedelta(days=shift), by=village.clerk
        )
    assert code_of(excinfo) == code


def test_certificates_are_recorded_once(village):
    result = approved(village)
    services.issue_certificates(result=result, issued_on=timezone.localdate(), by=village.clerk)
    with pytest.raises(ValidationError) as excinfo:
        services.issue_certificates(result=result, issued_on=timezone.localdate(), by=village.township)
    assert code_of(excinfo) == "certificates.already_issued"


def test_a_completed_election_refuses_the_record(village):
    result = approved(village)
    VillageElection.objects.filter(pk=village.election.pk).update(stage=Stage.COMPLETED)  # test set-up only
    result.election.refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        services.issue_certificates(result=result, issued_on=timezone.localdate(), by=village.clerk)
    assert code_of(excinfo) == "permit.completed"


def test_the_certificates_page_records_the_day_and_the_steps_page_shows_it_done(village, client):
    load_default_steps()
    approved(village)
    election = village.election
    client.force_login(village.clerk)
    page = reverse("ballots:certificates", args=[election.pk]) + "?body=committee&round=1"
    assert "登记证书已发放" in client.get(page).content.decode()
    today = timezone.localdate().isoformat()
    response = client.post(
        reverse("ballots:issue_certificates", args=[election.pk]),
        {"body": "committee", "round": "1", "issued_on": today},
        follow=True,
    )
    assert "当选证书已登记发放" in response.content.decode()
    assert ElectionResult.objects.get().certificates_issued_on.isoformat() == today
    step = client.get(reverse("lifecycle:step", args=[election.pk, "committee_certificates"]))
    assert today in step.content.decode()


def test_a_bad_day_is_a_message_not_an_error(village, client):
    approved(village)
    client.force_login(village.clerk)
    response = client.post(
        reverse("ballots:issue_certificates", args=[village.election.pk]),
        {"body": "committee", "round": "1", "issued_on": "2026/12/01"},
        follow=True,
    )
    assert response.status_code == 200 and "请填写证书发放日期" in response.content.decode()
    assert ElectionResult.objects.get().certificates_issued_on is None


def test_whoever_confirmed_a_result_does_not_approve_it(village):
    """Separation of duties (a cycle setting, on by default): the township user who confirmed the count
    cannot approve it; another can; a province that turns it off lets one person do both."""
    result = confirmed_by(village, village.township)
    with pytest.raises(ValidationError) as excinfo:
        services.approve_results(result=result, by=village.township)
    assert code_of(excinfo) == "tally.same_person_approves"
    assert ElectionResult.objects.get().state == "confirmed"
    cycle = village.election.cycle
    cycle.separate_confirm_and_approve = False
    cycle.save()
    result.election.refresh_from_db()
    assert services.approve_results(result=result, by=village.township).state == "approved"


def confirmed_by(village, user, *, counted: bool = False) -> ElectionResult:
    if not counted:
        enter_twice(village, add_box(village))
    services.count_election(election=village.election, body="committee", by=village.clerk)
    report = services.reconcile_election(election=village.election, body="committee")
    for finding in report.unacknowledged:
        key = services.finding_key(finding)
        services.acknowledge_warning(election=village.election, body="committee", key=key, by=village.clerk)
    return services.confirm_results(election=village.election, body="committee", by=user)


def test_confirming_and_approving_ask_first_saying_what_follows(village, client):
    enter_twice(village, add_box(village))
    services.count_election(election=village.election, body="committee", by=village.clerk)
    url = reverse("ballots:results", args=[village.election.pk]) + "?body=committee&round=1"
    client.force_login(village.clerk)
    assert 'data-confirm="确认选举结果？确认后当场公布' in client.get(url).content.decode()
    confirmed_by(village, village.clerk, counted=True)
    client.force_login(village.township)
    assert 'data-confirm="审核通过选举结果？' in client.get(url).content.decode()
