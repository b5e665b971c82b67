"""The admin is no side door (issue 14 "One door per change"): every model the admin shows is either
read-only there, or editable only in the fields listed below with the reason; no state field is ever
editable. Changing an audit's status, a verdict or an election day through the admin is impossible; a
risk weight goes through its service (rule and trail); a cycle is opened by open_cycle."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib import admin
from django.test import RequestFactory

from risk.models import IndicatorWeight
from tests.factories import CycleFactory, UserFactory, VillageElectionFactory, region_chain
from trail.models import TrailEntry

pytestmark = pytest.mark.django_db

# model label → (fields the admin may edit, why). Every other registered model must be read-only.
EDITABLE = {
    "accounts.user": (
        None,  # Django's own user admin: accounts, roles and jurisdictions are the administrator's work
        "user management is the administrator's job; the role decides every other door",
    ),
    "elections.electioncycle": (
        {"is_current", "roll_publication_days", "candidate_list_days", "voting_notice_days",
         "objection_answer_days", "handover_days", "training_due_on", "reminder_days", "risk_red_max",
         "risk_green_min", "risk_middle_label", "separate_confirm_and_approve", "proxy_voting_allowed",
         "proxies_per_voter"},
        "the cycle's rule settings (DOMAIN.md: configurable per province); opened by open_cycle",
    ),
    "risk.indicatorweight": ({"weight", "cap"}, "weights are configurable; saved by risk.services.set_weight"),
    "ballots.countingrulesettings": (None, "the cycle's counting rules, configurable; each result keeps its own"),
    "candidates.candidaterulesettings": (None, "the cycle's candidate rules, configurable; no service writes them"),
    "candidates.reviewunit": (None, "the reviewing departments, reference data kept by the administrator"),
    "lifecycle.stepdefinition": (None, "the checklist as data: a province adds its own steps"),
}  # fmt: skip
# Fields that are a record's state, written only by their services: never editable in any admin.
STATE_FIELDS = {
    "elections.villageelection": {"stage", "risk_red_open", "election_day", "party_seats", "committee_seats"},
    "elections.electioncycle": {"name", "region", "year", "reference_date", "starts_on", "ends_on"},
    "lifecycle.stepdefinition": {"source", "code"},
    "risk.indicatorweight": {"code", "cycle"},
}
# Models that other packages register (not this project's data).
FOREIGN = {"auth.group", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog", "auditlog.logentry"}


@pytest.fixture
def superuser_request():
    user = UserFactory(username="root", role="admin", is_staff=True, is_superuser=True)
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def editable_fields(model_admin, request, obj) -> set[str]:
    if not model_admin.has_change_permission(request, obj):
        return set()
    form = model_admin.get_form(request, obj)
    return set(form.base_fields) - set(model_admin.get_readonly_fields(request, obj))


def test_every_admin_is_read_only_or_edits_only_what_it_may(superuser_request):
    request = superuser_request
    CycleFactory()
    seen = set()
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        if label in FOREIGN:
            continue
        seen.add(label)
        obj = model.objects.first()
        fields = editable_fields(model_admin, request, obj)
        assert not fields & STATE_FIELDS.get(label, set()), (label, fields & STATE_FIELDS[label])
        if label in EDITABLE:
            allowed, _why = EDITABLE[label]
            if allowed is not None and obj is not None:
                assert fields <= allowed, (label, fields - allowed)
            continue
        assert not model_admin.has_add_permission(request), f"{label} can be added in the admin"
        assert not model_admin.has_change_permission(request, obj), f"{label} can be changed in the admin"
        assert not model_admin.has_delete_permission(request, obj), f"{label} can be deleted in the admin"
    assert {"elections.villageelection", "audits.outgoingaudit", "candidates.qualificationreview"} <= seen


def test_an_election_day_an_audit_status_and_a_verdict_cannot_be_changed_in_the_admin(client):
    from audits.models import OutgoingAudit
    from tests.candidates.factories import NominationFactory, ReviewFactory

    root = UserFactory(username="root", role="admin", is_staff=True, is_superuser=True)
    client.force_login(root)
    election = VillageElectionFactory(election_day=date(2027, 1, 16))
    audit = OutgoingAudit.objects.create(election=election, auditor_name="审计中心", recorded_by=root)
    review = ReviewFactory(
        nomination=NominationFactory(election=election), unit="婺城区公安分局", requested_by=root
    )
    for url, data in (
        (f"/admin/elections/villageelection/{election.pk}/change/", {"election_day": "2026-01-01"}),
        (f"/admin/audits/outgoingaudit/{audit.pk}/change/", {"status": "completed"}),
        (f"/admin/candidates/qualificationreview/{review.pk}/change/", {"verdict": "passed"}),
    ):
        assert client.post(url, data).status_code == 403
    election.refresh_from_db()
    audit.refresh_from_db()
    review.refresh_from_db()
    assert (election.election_day, audit.status, review.verdict) == (date(2027, 1, 16), "planned", "pending")


def test_a_weight_changed_in_the_admin_goes_through_the_service_and_its_rule(client):
    root = UserFactory(username="root", role="admin", is_staff=True, is_superuser=True)
    client.force_login(root)
    cycle = CycleFactory()
    weight = IndicatorWeight.objects.get(cycle=cycle, code="open_petitions")  # made when the cycle opened
    weight.weight = 5
    weight.save()
    url = f"/admin/risk/indicatorweight/{weight.pk}/change/"
    refused = client.post(url, {"weight": "150", "cap": "20"})
    assert refused.status_code == 200 and "errornote" in refused.content.decode()
    weight.refresh_from_db()
    assert weight.weight == Decimal("5")
    assert client.post(url, {"weight": "7.50", "cap": "20"}).status_code == 302
    weight.refresh_from_db()
    assert weight.weight == Decimal("7.50")
    assert TrailEntry.objects.filter(model_label="risk.indicatorweight", object_pk=str(weight.pk)).exists()


def test_a_cycle_added_in_the_admin_is_opened_by_open_cycle(client):
    root = UserFactory(username="root", role="admin", is_staff=True, is_superuser=True)
    client.force_login(root)
    village = region_chain("330702001001", name="上方村")
    county = village.parent.parent
    response = client.post(
        "/admin/elections/electioncycle/add/",
        {"name": "2026—2027年换届", "region": county.pk, "year": 2026, "reference_date": "2027-01-01",
         "starts_on": "2026-11-01", "ends_on": "2027-06-30"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    from elections.models import ElectionCycle

    cycle = ElectionCycle.objects.get(name="2026—2027年换届")
    assert list(cycle.village_elections.values_list("village__name", flat=True)) == ["上方村"]
