"""Twenty identical POSTs at once on PostgreSQL: no HTTP 500, one row, and the answers of sequential twins.

A refusal re-renders the page (HTTP 200) with the rule's message; a step recorded again updates its record.
"""

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import override

from candidates import codes, services
from candidates.choices import Position
from candidates.models import (
    Approval,
    Commitments,
    ElectionCommitteeMember,
    Inspection,
    Nomination,
    QualificationReview,
)
from tests.candidates.factories import NominationFactory, ResidentFactory, pass_everything, voter
from tests.concurrency import failures, fire_concurrently, logged_in_clients, require_postgresql

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.candidates.urls_for_tests"),
]

N = 20


@pytest.fixture(autouse=True)
def _postgres_only():
    require_postgresql()


@pytest.fixture(autouse=True)
def _reference_data(election):
    """The cycle's rule settings, negative list and reviewing departments exist before the twins arrive, as
    once the cycle is prepared (elections.services.prepare_cycle; the county here is made after its cycle)."""
    from candidates.selectors import county_of

    services.ensure_rule_settings(cycle=election.cycle)
    services.ensure_review_units(county=county_of(election.division_code))


def nominee_url(election) -> str:
    return reverse("candidates:nominee", args=[election.pk])


ERRORS = re.compile(r'<div class="error">(.*?)</div>', re.S)


def fire(user, url, data):
    clients = logged_in_clients(user, N)
    outcomes = fire_concurrently(N, lambda i: clients[i].post(url, data))
    assert failures(outcomes) == []
    return outcomes


def answer(response) -> tuple[int, list[str]]:
    return response.status_code, ERRORS.findall(response.content.decode())


def assert_one_success_and_twins(outcomes, user, url, data, code=None):
    """One success redirect; the others get what a sequential twin gets (the same page and messages)."""
    assert len([o for o in outcomes if o.status_code == 302]) == 1
    twin = answer(logged_in_clients(user, 1)[0].post(url, data))
    assert twin[0] == 200
    if code is not None:  # the page shows the rule's Chinese message
        with override("zh-hans"):
            assert twin[1] == [escape(str(codes.MESSAGES[code]))]
    assert [answer(o) for o in outcomes if o.status_code != 302] == [twin] * (N - 1)


def assert_all_redirect_to(outcomes, url):
    assert {(o.status_code, o["Location"]) for o in outcomes} == {(302, url)}


def test_twenty_identical_nominations_make_one(election, people):
    person = voter(election, name="孙村民")  # a voter on the roll: who may stand for the committee
    data = {
        "resident": person.pk,
        "position": Position.CHAIR,
        "source": "direct",
        "nominators": 40,
        "votes": 40,
    }

    url = reverse("candidates:nominate", args=[election.pk])
    outcomes = fire(people["township"], url, data)

    assert_one_success_and_twins(outcomes, people["township"], url, data, codes.ALREADY_NOMINATED)
    assert Nomination.objects.filter(election=election, resident=person).count() == 1


def test_twenty_identical_first_reviews_make_one(party_stage, election, people):
    nomination = NominationFactory(election=election)
    data = {"nomination": nomination.pk, "action": "first_review", "verdict": "pass", "note": ""}

    outcomes = fire(people["township"], nominee_url(election), data)

    # Once decided, the page shows the verdict instead of the form: a sequential twin sees no message.
    assert_one_success_and_twins(outcomes, people["township"], nominee_url(election), data)
    assert nomination.reviews.filter(kind="township").count() == 1


def test_twenty_identical_sends_ask_each_department_once(party_stage, election, people, units):
    nomination = NominationFactory(election=election)
    services.record_first_review(nomination=nomination, passed=True, note="", by=people["township"])
    chosen = units[:3]
    data = {"nomination": nomination.pk, "action": "send", "units": [u.pk for u in chosen]}

    outcomes = fire(people["township"], nominee_url(election), data)

    # A department already asked is not asked twice: a sequential second send succeeds and asks no one.
    assert_all_redirect_to(outcomes, f"{nominee_url(election)}?nomination={nomination.pk}")
    asked = QualificationReview.objects.filter(nomination=nomination, kind="department")
    assert sorted(asked.values_list("unit", flat=True)) == sorted(u.name for u in chosen)


def test_twenty_identical_inspections_make_one_record(party_stage, election, people):
    nomination = NominationFactory(election=election)
    data = {
        "nomination": nomination.pk,
        "action": "inspection",
        "evaluation_score": "92.5",
        "interviews": 15,
        "conclusion": "suitable",
    }

    outcomes = fire(people["township"], nominee_url(election), data)

    assert_all_redirect_to(outcomes, f"{nominee_url(election)}?nomination={nomination.pk}")
    assert Inspection.objects.get(nomination=nomination).interviews == 15


def test_twenty_identical_commitments_make_one_record(party_stage, election, people):
    nomination = NominationFactory(election=election)
    data = {
        "nomination": nomination.pk,
        "action": "commitments",
        "pledge": "2026-12-01",
        "work": "2026-12-02",
    }

    outcomes = fire(people["township"], nominee_url(election), data)

    assert_all_redirect_to(outcomes, f"{nominee_url(election)}?nomination={nomination.pk}")
    assert Commitments.objects.get(nomination=nomination).signed() == frozenset({"pledge", "work"})


def test_twenty_identical_approval_requests_make_one(party_stage, election, people, units):
    person = ResidentFactory(village=election.village, name="吴老书记", birth_date=date(1964, 5, 1))
    nomination = pass_everything(
        NominationFactory(election=election, resident=person, position=Position.SECRETARY),
        township=people["township"],
        units=units[:1],
    )
    data = {
        "nomination": nomination.pk,
        "action": "approval",
        "code": codes.HEAD_OVER_AGE,
        "justification": "表现优秀",
    }

    outcomes = fire(people["township"], nominee_url(election), data)

    assert_one_success_and_twins(outcomes, people["township"], nominee_url(election), data)
    assert Approval.objects.filter(nomination=nomination).count() == 1


def test_twenty_identical_committee_votes_make_one_member(election, people):
    person = ResidentFactory(village=election.village, name="甲委员")
    url = reverse("candidates:election_committee", args=[election.pk])
    data = {"action": "vote", "resident": person.pk, "votes": 90, "seated": "on", "role": "chair"}

    outcomes = fire(people["clerk"], url, data)

    # A vote recorded again corrects the row: every answer is the success redirect.
    assert_all_redirect_to(outcomes, url)
    assert ElectionCommitteeMember.objects.get(election=election, resident=person).votes == 90


# The pages above do a vetting's worth of work before the write, which spreads twenty requests out on a
# small machine; the services, called at once, overlap for sure.


def services_at_once(fn):
    outcomes = fire_concurrently(N, lambda i: fn())
    assert [o for o in outcomes if isinstance(o, BaseException) and not isinstance(o, ValidationError)] == []
    return outcomes


def refused_codes(outcomes) -> set[str]:
    return {o.code for o in outcomes if isinstance(o, ValidationError)}


def test_concurrent_first_reviews_are_one_verdict_and_refusals(party_stage, election, people):
    nomination = NominationFactory(election=election)

    outcomes = services_at_once(
        lambda: services.record_first_review(
            nomination=nomination, passed=True, note="", by=people["township"]
        )
    )

    assert refused_codes(outcomes) == {codes.REVIEW_ALREADY_DECIDED}
    assert len([o for o in outcomes if isinstance(o, QualificationReview)]) == 1


def test_concurrent_sends_ask_each_department_once(party_stage, election, people, units):
    nomination = NominationFactory(election=election)
    services.record_first_review(nomination=nomination, passed=True, note="", by=people["township"])

    outcomes = services_at_once(
        lambda: services.request_reviews(nominations=[nomination], units=units[:3], by=people["township"])
    )

    assert sum(len(o) for o in outcomes) == 3  # each department asked by exactly one of the twins
    assert nomination.reviews.filter(kind="department").count() == 3


def test_concurrent_inspections_and_commitments_make_one_record_each(party_stage, election, people):
    nomination = NominationFactory(election=election)

    inspections = services_at_once(
        lambda: services.record_inspection(
            nomination=nomination,
            evaluation_score=90,
            interviews=12,
            site_visit=True,
            conclusion="suitable",
            by=people["township"],
        )  # fmt: skip
    )
    commitments = services_at_once(
        lambda: services.record_commitments(
            nomination=nomination, signed={"pledge": date(2026, 12, 1)}, by=people["township"]
        )
    )

    assert {o.pk for o in inspections} == {Inspection.objects.get(nomination=nomination).pk}
    assert {o.pk for o in commitments} == {Commitments.objects.get(nomination=nomination).pk}


def test_concurrent_approval_requests_are_one_request_and_refusals(party_stage, election, people, units):
    person = ResidentFactory(village=election.village, name="吴老书记", birth_date=date(1964, 5, 1))
    nomination = pass_everything(
        NominationFactory(election=election, resident=person, position=Position.SECRETARY),
        township=people["township"],
        units=units[:1],
    )

    outcomes = services_at_once(
        lambda: services.request_approval(
            nomination=nomination, code=codes.HEAD_OVER_AGE, justification="表现优秀", by=people["township"]
        )
    )

    assert refused_codes(outcomes) == {codes.APPROVAL_EXISTS}
    assert Approval.objects.filter(nomination=nomination).count() == 1


def test_concurrent_committee_votes_make_one_member(election, people):
    person = ResidentFactory(village=election.village, name="甲委员")

    outcomes = services_at_once(
        lambda: services.record_election_committee_vote(
            election=election, resident=person, votes=90, seated=True, role="chair", by=people["clerk"]
        )
    )

    assert {o.pk for o in outcomes} == {ElectionCommitteeMember.objects.get(resident=person).pk}
