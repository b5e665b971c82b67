"""The candidates admin never edits state directly.

Nominations, reviews, approvals, negative-list items, the election committee and the previous term are
written by `candidates.services`, which asks who may act, whether the election's stage permits it
(elections.permits) and the rule, whichever door called it. The admin shows them read-only: a change page
has no save button, a POST to it is refused and changes nothing, and the add and delete pages are
forbidden, for a superuser too. Reference data that no service writes (a cycle's rule settings, a
county's reviewing departments) stays the administrator's to edit.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib import admin

from accounts.roles import Role
from candidates import services
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
from tests.candidates.factories import NominationFactory, ResidentFactory, ReviewFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.candidates.urls_for_tests")]

SERVICE_OWNED = [
    Nomination,
    QualificationReview,
    Approval,
    ElectionCommitteeMember,
    PreviousTermMember,
    NegativeListItem,
]
REFERENCE = [CandidateRuleSettings, ReviewUnit]


@pytest.fixture
def superuser(client):
    user = UserFactory(username="root", role=Role.ADMIN, region=None)
    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user)
    return user


@pytest.fixture
def rows(election, people):
    """One row of every model the admin shows."""
    township = people["township"]
    nomination = NominationFactory(election=election, created_by=township)
    services.ensure_negative_list(cycle=election.cycle)
    return {
        Nomination: nomination,
        QualificationReview: ReviewFactory(nomination=nomination, requested_by=township),
        Approval: Approval.objects.create(
            nomination=nomination,
            code="candidate.age_head",
            justification="群众基础好",
            requested_by=township,
        ),
        ElectionCommitteeMember: ElectionCommitteeMember.objects.create(
            election=election,
            resident=ResidentFactory(village=election.village),
            votes=40,
            seated=True,
            recorded_by=township,
        ),
        PreviousTermMember: PreviousTermMember.objects.create(
            election=election, name="李四", sex="M", birth_date=date(1970, 3, 1), party_position="secretary"
        ),
        NegativeListItem: NegativeListItem.objects.first(),
        CandidateRuleSettings: services.ensure_rule_settings(cycle=election.cycle),
        ReviewUnit: services.ensure_review_units(county=election.village.parent.parent)[0],
    }


def url(model, what: str = "", pk=None) -> str:
    """The model's list page, its add page (`what="add"`) or a row's change or delete page."""
    parts = [f"/admin/candidates/{model._meta.model_name}", str(pk) if pk is not None else "", what]
    return "/".join(part for part in parts if part) + "/"


def test_every_candidates_model_in_the_admin_is_either_service_owned_or_reference_data():
    registered = {m for m in admin.site._registry if m._meta.app_label == "candidates"}
    assert registered == set(SERVICE_OWNED) | set(REFERENCE)


@pytest.mark.parametrize("model", SERVICE_OWNED, ids=lambda m: m.__name__)
def test_a_service_owned_row_is_shown_without_a_save_button(client, superuser, rows, model):
    assert client.get(url(model)).status_code == 200  # the list is readable
    response = client.get(url(model, "change", rows[model].pk))
    assert response.status_code == 200
    text = response.content.decode()
    assert 'name="_save"' not in text and 'name="_continue"' not in text
    assert 'name="_addanother"' not in text


@pytest.mark.parametrize("model", SERVICE_OWNED, ids=lambda m: m.__name__)
def test_the_add_and_delete_pages_of_a_service_owned_model_are_forbidden(client, superuser, rows, model):
    assert client.get(url(model, "add")).status_code == 403
    assert client.post(url(model, "add"), {}).status_code == 403
    row = rows[model]
    assert client.post(url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("model", SERVICE_OWNED, ids=lambda m: m.__name__)
def test_a_service_owned_change_post_is_refused(client, superuser, rows, model):
    row = rows[model]
    assert client.post(url(model, "change", row.pk), {"_save": "保存"}).status_code == 403


def test_posting_a_nominations_new_state_is_refused_and_the_row_is_unchanged(client, superuser, rows):
    """A complete, valid change form (an editable admin would save it) moving the nominee onto the list."""
    nomination = rows[Nomination]
    before = Nomination.objects.filter(pk=nomination.pk).values().get()
    data = {
        "election": nomination.election_id,
        "resident": nomination.resident_id,
        "body": nomination.body,
        "position": nomination.position,
        "source": nomination.source,
        "nominators": nomination.nominators or "",
        "votes": nomination.votes,
        "created_by": nomination.created_by_id,
        "state": "listed",
        "proposed": "on",
        "elected": "on",
        "_save": "保存",
    }
    response = client.post(url(Nomination, "change", nomination.pk), data)
    assert response.status_code == 403
    assert Nomination.objects.filter(pk=nomination.pk).values().get() == before
    assert before["state"] == "nominated"


def test_posting_a_review_verdict_or_an_approval_is_refused_and_nothing_changes(client, superuser, rows):
    review, approval = rows[QualificationReview], rows[Approval]
    verdict = {"verdict": "passed", "_save": "保存"}
    assert client.post(url(QualificationReview, "change", review.pk), verdict).status_code == 403
    decision = {"state": "approved", "_save": "保存"}
    assert client.post(url(Approval, "change", approval.pk), decision).status_code == 403
    assert QualificationReview.objects.get(pk=review.pk).verdict == "pending"
    assert Approval.objects.get(pk=approval.pk).state == "pending"


def test_no_bulk_delete_is_offered_for_a_service_owned_model(client, superuser, rows):
    for model in SERVICE_OWNED:
        model_admin = admin.site._registry[model]
        request = client.get(url(model)).wsgi_request
        assert "delete_selected" not in model_admin.get_actions(request), model


@pytest.mark.parametrize("model", REFERENCE, ids=lambda m: m.__name__)
def test_reference_data_with_no_service_stays_editable(client, superuser, rows, model):
    assert 'name="_save"' in client.get(url(model, "change", rows[model].pk)).content.decode()
    assert client.get(url(model, "add")).status_code == 200


def test_a_reviewing_department_is_renamed_in_the_admin(client, superuser, rows):
    unit = rows[ReviewUnit]
    data = {"region": unit.region_id, "kind": unit.kind, "name": "婺城区公安分局（新）", "order": unit.order}
    data["active"] = "on"
    response = client.post(url(ReviewUnit, "change", unit.pk), data)
    assert response.status_code == 302
    assert ReviewUnit.objects.get(pk=unit.pk).name == "婺城区公安分局（新）"
