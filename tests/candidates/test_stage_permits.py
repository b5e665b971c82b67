"""Every door of candidate vetting asks the election's stage first (elections.permits).

For each closed gate (a stage that does not permit the work, a postponed village, a red village not closed
out, a completed election) the pages refuse the action with its Chinese message and the link to the steps
page, write nothing, and offer no button for it; once the gate opens (the lifecycle moves the stage, the
county lowers the red flag) the same request goes through.

Doors that exist: the pages (test client POST, below) and the services they call. The admin of candidates
has no admin action that changes state (nothing to gate there). The command `add_negative_list_item` is
cycle-level: a county's negative-list item belongs to no village election, so no stage is asked (last test).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from candidates import services
from candidates.choices import NominationState, Position
from candidates.models import NegativeListItem, Nomination, NoticePublication, QualificationReview
from elections import permits
from elections.models import Stage, VillageElection
from elections.red_flag import set_red_flag
from tests.candidates.factories import NominationFactory, ResidentFactory, ReviewFactory, move_to, voter

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.candidates.urls_for_tests")]

WORK = "candidates.work"


def close_stage(election):
    move_to(election, Stage.PREPARATION)  # candidate work of the villagers' committee is not done here


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
    """What the lifecycle and the county do: the stage of the villagers' committee, the red flag lowered."""
    move_to(election, Stage.COMMITTEE_ELECTION)
    set_red_flag(election=election, open=False)


def refusal_of(election, code, action=WORK, body="committee"):
    """The refusal the page must show: its Chinese message and the steps page's link."""
    fresh = VillageElection.objects.get(pk=election.pk)
    error = permits.refusal(fresh, action, body=body)
    assert error is not None and error.code == code
    return error.message, reverse("lifecycle:workflow", args=[election.pk])


def assert_refused(response, election, code, *, link=True, **kwargs):
    message, url = refusal_of(election, code, **kwargs)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page, "the stage's message is shown on the page"
    if link:
        assert f'href="{url}"' in page, "with the link to the steps page"
    else:  # a department cannot open the election's steps page: no link that would lead to a 404
        assert f'href="{url}"' not in page and "/workflow/" not in page
    assert "permit." not in page, "never the raw code"


@pytest.fixture
def committee_nominee(election):
    return NominationFactory(
        election=election, position=Position.CHAIR, resident=ResidentFactory(village=election.village)
    )


# --- Nominate ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "close"), GATES)
def test_nominate_is_refused_while_the_gate_is_closed_and_allowed_once_it_opens(
    client, election, people, code, close
):
    person = voter(election, name="林待提")
    data = {
        "resident": person.pk,
        "position": Position.CHAIR,
        "source": "direct",
        "nominators": 30,
        "votes": 0,
    }
    url = f"/candidates/{election.pk}/nominate/"
    client.force_login(people["township"])
    close(election)

    page = client.get(url).content.decode()
    assert 'class="door-closed"' in page and "<form" not in page.split("<main")[-1].split("</main>")[0]

    response = client.post(url, data)
    assert_refused(response, election, code)
    assert not Nomination.objects.filter(election=election).exists()

    open_gate(election)
    assert client.post(url, data).status_code == 302
    assert Nomination.objects.get(election=election).resident == person


def test_nominating_for_another_bodys_stage_names_the_stage(client, election, people):
    """In the villagers' committee election a Party nomination is refused, the villagers' is offered."""
    person = ResidentFactory(village=election.village)
    client.force_login(people["township"])
    page = client.get(f"/candidates/{election.pk}/nominate/").content.decode()
    assert 'data-door="party"' in page and 'data-door="committee"' not in page
    response = client.post(
        f"/candidates/{election.pk}/nominate/",
        {"resident": person.pk, "position": Position.SECRETARY, "source": "party_members", "votes": 3},
    )
    assert_refused(response, election, permits.STAGE_CLOSED, body="party")
    assert not Nomination.objects.exists()


# --- A review verdict: the township's first review and a department's --------------------------------


@pytest.mark.parametrize(("code", "close"), GATES)
def test_first_review_is_refused_while_the_gate_is_closed(
    client, election, people, committee_nominee, code, close
):
    url = f"/candidates/{election.pk}/nominee/?nomination={committee_nominee.pk}"
    data = {"action": "first_review", "nomination": committee_nominee.pk, "verdict": "pass", "note": ""}
    client.force_login(people["township"])
    close(election)

    page = client.get(url).content.decode()
    assert 'value="first_review"' not in page and 'class="door-closed"' in page

    assert_refused(client.post(url, data), election, code)
    assert not QualificationReview.objects.filter(nomination=committee_nominee).exists()

    open_gate(election)
    assert 'value="first_review"' in client.get(url).content.decode()
    assert client.post(url, data).status_code == 302
    assert QualificationReview.objects.get(nomination=committee_nominee, kind="township").verdict == "passed"


@pytest.mark.parametrize(("code", "close"), GATES)
def test_a_departments_verdict_is_refused_while_the_gate_is_closed(
    client, election, people, committee_nominee, code, close
):
    review = ReviewFactory(
        nomination=committee_nominee, unit="婺城区公安分局", requested_by=people["township"]
    )
    data = {"review": review.pk, "verdict": "pass", "note": ""}
    client.force_login(people["police"])
    close(election)

    page = client.get("/candidates/reviews/").content.decode()
    assert f'name="review" value="{review.pk}"' not in page and 'data-door="review"' in page
    assert "/workflow/" not in page  # the department cannot open the steps page
    assert client.get(f"/elections/{election.pk}/workflow/").status_code == 404

    assert_refused(client.post("/candidates/reviews/", data, follow=True), election, code, link=False)
    assert QualificationReview.objects.get(pk=review.pk).verdict == "pending"

    open_gate(election)
    assert client.post("/candidates/reviews/", data).status_code == 302
    review.refresh_from_db()
    assert (review.verdict, review.reviewer) == ("passed", people["police"])


# --- The formal candidate list's publication ---------------------------------------------------------


def listed(election, position):
    return NominationFactory(
        election=election,
        position=position,
        state=NominationState.LISTED,
        resident=ResidentFactory(village=election.village),
    )


def test_an_empty_list_is_not_published_and_the_page_leads_to_choosing_it(client, election, people):
    """A formal list with nobody on it would open the vote's gate with no candidate."""
    url = f"/candidates/{election.pk}/notices/formal/"
    client.force_login(people["township"])
    page = client.get(url).content.decode()
    assert 'id="choose-first"' in page and f"/candidates/{election.pk}/list/?body=committee" in page
    response = client.post(url, {"published_on": timezone.localdate().isoformat()}, follow=True)
    assert "名单上还没有人选" in response.content.decode()
    assert not NoticePublication.objects.filter(election=election).exists()
    listed(election, Position.CHAIR)
    assert 'id="choose-first"' not in client.get(url).content.decode()
    client.post(url, {"published_on": timezone.localdate().isoformat()})
    assert NoticePublication.objects.filter(election=election, kind="formal").exists()


@pytest.mark.parametrize(("code", "close"), GATES)
def test_the_formal_notice_is_refused_while_the_gate_is_closed(client, election, people, code, close):
    listed(election, Position.CHAIR)
    url = f"/candidates/{election.pk}/notices/formal/"
    data = {"published_on": timezone.localdate().isoformat()}
    client.force_login(people["township"])
    close(election)

    page = client.get(url).content.decode()
    assert 'data-door="publish"' in page

    assert_refused(client.post(url, data, follow=True), election, code)
    assert not NoticePublication.objects.filter(election=election).exists()

    open_gate(election)
    client.post(url, data)
    assert NoticePublication.objects.get(election=election).kind == "formal"


def test_the_preliminary_notice_is_the_partys_work(client, election, people):
    listed(election, Position.SECRETARY)
    client.force_login(people["township"])
    url = f"/candidates/{election.pk}/notices/preliminary/"
    response = client.post(url, {"published_on": timezone.localdate().isoformat()}, follow=True)
    assert_refused(response, election, permits.STAGE_CLOSED, body="party")
    move_to(election, Stage.PARTY_ELECTION)
    client.post(url, {"published_on": timezone.localdate().isoformat()})
    assert NoticePublication.objects.get(election=election).kind == "preliminary"


# --- Corrections, the board, the other doors ---------------------------------------------------------


def test_a_completed_election_takes_a_withdrawal_with_its_reason(client, election, people, committee_nominee):
    """The one correction of candidates: a withdrawal with its reason opens a completed election's door."""
    complete(election)
    client.force_login(people["township"])
    url = f"/candidates/{election.pk}/nominee/?nomination={committee_nominee.pk}"
    page = client.get(url).content.decode()
    assert 'value="withdraw"' in page and 'value="first_review"' not in page
    response = client.post(
        url, {"action": "withdraw", "nomination": committee_nominee.pk, "reason": "户籍迁出"}
    )
    assert response.status_code == 302
    assert Nomination.objects.get(pk=committee_nominee.pk).state == "withdrawn"


def test_the_board_offers_each_bodys_work_in_its_stage(client, election, people):
    client.force_login(people["township"])
    page = client.get(f"/candidates/{election.pk}/").content.decode()
    assert 'data-door="party"' in page and 'data-door="committee"' not in page
    move_to(election, Stage.PARTY_ELECTION)
    page = client.get(f"/candidates/{election.pk}/").content.decode()
    assert 'data-door="committee"' in page and 'data-door="party"' not in page


@pytest.mark.parametrize(("code", "close"), GATES)
def test_the_services_refuse_whichever_door_calls_them(election, people, committee_nominee, code, close):
    """A command, a task or the admin would call the same services: the refusal is theirs, not the page's."""
    close(election)
    committee_nominee.election.refresh_from_db()
    calls = [
        lambda: services.record_first_review(
            nomination=committee_nominee, passed=True, note="", by=people["township"]
        ),
        lambda: services.record_notice_publication(
            election=committee_nominee.election,
            kind="formal",
            published_on=date(2027, 1, 10),
            by=people["township"],
        ),
        lambda: services.set_proposed(
            election=committee_nominee.election, nominations=[], by=people["township"]
        ),
        lambda: services.record_election_committee_vote(
            election=committee_nominee.election,
            resident=committee_nominee.resident,
            votes=5,
            seated=True,
            role="member",
            by=people["clerk"],
        ),
    ]
    for call in calls:
        with pytest.raises(permits.ValidationError) as caught:
            call()
        assert caught.value.code == code
    assert not QualificationReview.objects.exists() and not NoticePublication.objects.exists()


def test_the_candidates_admin_has_no_action_that_changes_state():
    """No admin action of candidates exists to gate (the site's own bulk delete aside)."""
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label == "candidates":
            assert not model_admin.actions, model


def test_the_negative_list_command_is_cycle_level_and_asks_no_stage(election):
    """A county's negative-list item belongs to the cycle, not to one village's election."""
    postpone(election)
    raise_red_flag(election)
    county = election.village.parent.parent
    call_command("add_negative_list_item", election.cycle.pk, county.code, "县加项：拒不履行村规民约")
    assert NegativeListItem.objects.filter(region=county, text__startswith="县加项").exists()
