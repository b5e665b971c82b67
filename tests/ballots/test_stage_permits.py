"""Every door of election night asks the election's stage first (elections.permits).

For each closed gate (a stage that does not permit the vote, a postponed village, a red village not closed
out, a completed election) the pages refuse with the Chinese message and the link to the steps page,
write nothing and offer no button for it; once the gate opens (the stage moved, the red flag lowered) the
same request goes through. The doors are the pages (test client POST) and the services; ballots has no
admin (nothing to gate there) and no command that writes.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from ballots import services
from ballots.models import BallotBox, ElectionResult, PollingStation, ResultState, TallyEntry, VotingNotice
from candidates.choices import Position
from candidates.models import Nomination
from elections import permits
from elections.models import Stage, VillageElection
from elections.red_flag import set_red_flag
from tests.ballots.factories import add_box, enter_twice, make_village
from tests.candidates.factories import move_to

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def close_stage(election):
    move_to(election, Stage.PREPARATION)  # neither the vote nor its approval happens in preparation


def postpone(election):
    move_to(election, Stage.POSTPONED)


def raise_red_flag(election):
    set_red_flag(election=election, open=True)


def complete(election):
    move_to(election, Stage.COMPLETED)


GATES = [
    pytest.param(permits.STAGE_CLOSED, close_stage, id="stage_closed"),
    pytest.param(permits.POSTPONED, postpone, id="postponed"),
    pytest.param(permits.RED_OPEN, raise_red_flag, id="red_open"),
    pytest.param(permits.COMPLETED, complete, id="completed"),
]


def open_gate(election):
    move_to(election, Stage.COMMITTEE_ELECTION)
    set_red_flag(election=election, open=False)


def assert_refused(response, election, code, action, body="committee"):
    error = permits.refusal(VillageElection.objects.get(pk=election.pk), action, body=body)
    assert error is not None and error.code == code
    page = response.content.decode()
    assert response.status_code == 200
    assert error.message in page, "the stage's message is shown on the page"
    assert f'href="{reverse("lifecycle:workflow", args=[election.pk])}"' in page, "with the steps page's link"
    assert "permit." not in page, "never the raw code"


def url(name, village, **query):
    query = {"body": "committee", "round": 1, **query}
    return (
        reverse(f"ballots:{name}", args=[village.election.pk])
        + "?"
        + "&".join(f"{k}={v}" for k, v in query.items())
    )


def tally_form(village, box):
    return {
        "box": box.pk,
        "body": "committee",
        "round": 1,
        "issued": 8,
        "returned": 8,
        "valid": 8,
        "invalid": 0,
        "unreturned": 0,
        "signed_for": 8,
        f"v:{Position.CHAIR}:{village.key('赵一')}": 6,
        f"v:{Position.CHAIR}:{village.key('钱二')}": 2,
        f"v:{Position.COMMITTEE_MEMBER}:{village.key('李四')}": 6,
        f"v:{Position.COMMITTEE_MEMBER}:{village.key('孙三')}": 5,
        f"v:{Position.COMMITTEE_MEMBER}:{village.key('周五')}": 3,
        f"wn:{Position.COMMITTEE_MEMBER}:0": "王大",
        f"wv:{Position.COMMITTEE_MEMBER}:0": 1,
    }


@pytest.fixture
def village():
    return make_village()


def counted(village) -> ElectionResult:
    """The committee's vote entered twice, its warnings acknowledged by name, and counted."""
    box = add_box(village)
    enter_twice(village, box)
    report = services.reconcile_election(election=village.election, body="committee")
    for finding in report.unacknowledged:
        services.acknowledge_warning(
            election=village.election, body="committee", key=services.finding_key(finding), by=village.clerk
        )
    return services.count_election(election=village.election, body="committee", by=village.clerk)


# --- The voting notice and its polling stations ------------------------------------------------------


@pytest.mark.parametrize(("code", "close"), GATES)
def test_the_voting_notice_is_refused_while_the_gate_is_closed(client, village, code, close):
    election = village.election
    today = timezone.localdate()
    election.election_day = today + 10 * DAY
    election.save()
    data = {
        "voting_on": election.election_day.isoformat(),
        "starts_at": "08:00",
        "ends_at": "17:00",
        "method": "central",
        "place": "村文化礼堂",
        "published_on": today.isoformat(),
        "term": "12",
    }
    notice_url = reverse("ballots:voting_notice", args=[election.pk])
    client.force_login(village.township)
    close(election)

    page = client.get(notice_url).content.decode()
    assert 'data-door="notice"' in page and 'class="stacked notice-form"' not in page

    assert_refused(client.post(notice_url, data), election, code, "ballots.notice")
    assert not VotingNotice.objects.exists()
    station = client.post(
        reverse("ballots:add_station", args=[election.pk]),
        {"name": "一组投票站", "place": "一组"},
        follow=True,
    )
    assert_refused(station, election, code, "ballots.notice")
    assert not PollingStation.objects.exists()

    open_gate(election)
    assert client.post(notice_url, data).status_code == 302
    assert VotingNotice.objects.get(election=election).place == "村文化礼堂"


# --- A tally entry (and the box it is entered for) ---------------------------------------------------


@pytest.mark.parametrize(("code", "close"), GATES)
def test_a_tally_entry_is_refused_while_the_gate_is_closed(client, village, code, close):
    box = add_box(village)
    client.force_login(village.clerk)
    close(village.election)

    page = client.get(url("enter", village, box=box.pk)).content.decode()
    assert 'data-door="voting"' in page and "保存录入" not in page

    assert_refused(
        client.post(url("enter", village), tally_form(village, box)), village.election, code, "ballots.voting"
    )
    assert not TallyEntry.objects.exists()

    open_gate(village.election)
    assert client.post(url("enter", village), tally_form(village, box)).status_code == 302
    assert TallyEntry.objects.get().entered_by == village.clerk


@pytest.mark.parametrize(("code", "close"), GATES)
def test_a_ballot_box_is_refused_while_the_gate_is_closed(client, village, code, close):
    client.force_login(village.clerk)
    close(village.election)
    data = {"label": "一号流动箱", "kind": "mobile", "ballots_issued": 20}
    response = client.post(url("add_box", village), data, follow=True)
    assert_refused(response, village.election, code, "ballots.boxes", body="")
    assert 'data-door="boxes"' in response.content.decode()
    assert not BallotBox.objects.exists()
    open_gate(village.election)
    client.post(url("add_box", village), data)
    assert BallotBox.objects.get().label == "一号流动箱"


def test_the_partys_vote_is_not_entered_in_the_villagers_committee_election(client, village):
    box = add_box(village, label="党员大会", body="party")
    client.force_login(village.clerk)
    data = tally_form(village, box) | {"body": "party"}
    response = client.post(url("enter", village, body="party"), data)
    assert_refused(response, village.election, permits.STAGE_CLOSED, "ballots.voting", body="party")
    assert not TallyEntry.objects.exists()


# --- Confirmation and approval -----------------------------------------------------------------------


@pytest.mark.parametrize(("code", "close"), GATES)
def test_confirmation_is_refused_while_the_gate_is_closed(client, village, code, close):
    result = counted(village)
    client.force_login(village.clerk)
    close(village.election)

    page = client.get(url("results", village)).content.decode()
    assert 'data-door="voting"' in page and reverse("ballots:confirm", args=[village.election.pk]) not in page

    response = client.post(url("confirm", village), {"body": "committee", "round": 1}, follow=True)
    assert_refused(response, village.election, code, "ballots.voting")
    result.refresh_from_db()
    assert (result.state, result.confirmed_by) == (ResultState.COUNTED, None)

    open_gate(village.election)
    client.post(url("confirm", village), {"body": "committee", "round": 1})
    result.refresh_from_db()
    assert (result.state, result.confirmed_by) == (ResultState.CONFIRMED, village.clerk)


@pytest.mark.parametrize(("code", "close"), GATES)
def test_approval_is_refused_while_the_gate_is_closed(client, village, code, close):
    counted(village)
    result = services.confirm_results(election=village.election, body="committee", by=village.clerk)
    client.force_login(village.township)
    close(village.election)

    page = client.get(url("results", village)).content.decode()
    assert (
        'data-door="approve"' in page and reverse("ballots:approve", args=[village.election.pk]) not in page
    )

    response = client.post(url("approve", village), {"body": "committee", "round": 1}, follow=True)
    assert_refused(response, village.election, code, "ballots.approve")
    result.refresh_from_db()
    assert result.state == ResultState.CONFIRMED
    assert not Nomination.objects.filter(election=village.election, elected=True).exists()

    open_gate(village.election)
    client.post(url("approve", village), {"body": "committee", "round": 1})
    result.refresh_from_db()
    assert (result.state, result.approved_by) == (ResultState.APPROVED, village.township)
    assert Nomination.objects.filter(election=village.election, elected=True).exists()


def test_a_result_is_approved_after_its_stage_until_the_handover_ends(village):
    """The approval of the villagers' committee's result stays open into the supervision and handover."""
    counted(village)
    result = services.confirm_results(election=village.election, body="committee", by=village.clerk)
    move_to(village.election, Stage.HANDOVER)
    result.election.refresh_from_db()
    approved = services.approve_results(result=result, by=village.township)
    assert approved.state == ResultState.APPROVED


@pytest.mark.parametrize(("code", "close"), GATES)
def test_the_services_refuse_whichever_door_calls_them(village, code, close):
    box = add_box(village)
    close(village.election)
    village.election.refresh_from_db()
    box.refresh_from_db()
    calls = [
        lambda: services.record_tally_entry(box=box, body="committee", values={}, by=village.clerk),
        lambda: services.count_election(election=village.election, body="committee", by=village.clerk),
        lambda: services.add_polling_station(election=village.election, name="二组", by=village.clerk),
    ]
    for call in calls:
        with pytest.raises(permits.ValidationError) as caught:
            call()
        assert caught.value.code == code
    assert not TallyEntry.objects.exists() and not ElectionResult.objects.exists()
