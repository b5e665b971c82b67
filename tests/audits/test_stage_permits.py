"""Every door of the audits asks the election's stage first (elections.permits, action "audits.work").

Audits are preparation work that goes on, findings rectified, in every stage before completion, in a
postponed village (rectified first) and in a red one (not election work): the one gate that closes them
is a completed election, whose records are read-only. Each write of the audit page is refused there with
`permit.completed` and the Chinese message linking the steps page, writing nothing, and goes through once
the stage is moved back (test set-up: the lifecycle is the stage's only writer). The admin shows the
audits read-only, so it is no door at all.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from audits import services
from audits.models import (
    AuditFinding,
    AuditorKind,
    AuditStatus,
    Committees,
    FinanceCleanup,
    OutgoingAudit,
    Rectification,
    TermEvaluation,
)
from elections import permits
from elections.models import Stage, VillageElection
from elections.red_flag import set_red_flag
from tests.trail.helpers import resident

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.audits.urls_for_tests")]


def page(election):
    return f"/audits/election/{election.pk}/"


def post(client, election, action, **fields):
    data = {"action": action, **{f"{action}-{k}": v for k, v in fields.items()}}
    return client.post(page(election), data, follow=True)


def move(election: VillageElection, stage: str) -> None:
    VillageElection.objects.filter(pk=election.pk).update(stage=stage)
    election.refresh_from_db()


def audit_in(election, by, today, *, status=AuditStatus.IN_PROGRESS) -> OutgoingAudit:
    return OutgoingAudit.objects.create(
        election=election,
        division_code=election.division_code,
        committees=Committees.BOTH,
        auditor_kind=AuditorKind.DEPARTMENT,
        auditor_name="镇审计组",
        status=status,
        started_on=None if status == AuditStatus.PLANNED else today - timedelta(days=10),
        completed_on=today - timedelta(days=1) if status == AuditStatus.COMPLETED else None,
        recorded_by=by,
    )


def finding_of(audit, **fields) -> AuditFinding:
    return AuditFinding.objects.create(
        audit=audit, division_code=audit.division_code, description="账目不清", **fields
    )


# action → (set-up returning the form's fields, what the write left when it went through)
def _record(world, today):
    fields = {"committees": "both", "auditor_kind": "department", "auditor_name": "镇审计组"}
    return fields, lambda: OutgoingAudit.objects.filter(election=world["home"]).exists()


def _start(world, today):
    audit = audit_in(world["home"], world["township"], today, status=AuditStatus.PLANNED)
    return {"started_on": today.isoformat()}, lambda: _status(audit) == AuditStatus.IN_PROGRESS


def _finding(world, today):
    audit_in(world["home"], world["township"], today)
    return {"description": "工程未招标", "amount": "100"}, lambda: AuditFinding.objects.exists()


def _assess(world, today):
    finding = finding_of(audit_in(world["home"], world["township"], today))
    return {"finding": finding.pk, "severity": "serious"}, lambda: _reload(finding).severity == "serious"


def _rectify(world, today):
    finding = finding_of(audit_in(world["home"], world["township"], today), severity="minor")
    fields = {"finding": finding.pk, "status": "rectified", "rectified_on": today.isoformat()}
    return fields, lambda: _reload(finding).rectification == Rectification.RECTIFIED


def _complete(world, today):
    audit = audit_in(world["home"], world["township"], today)
    return {"completed_on": today.isoformat()}, lambda: _status(audit) == AuditStatus.COMPLETED


def _publish(world, today):
    audit = audit_in(world["home"], world["township"], today, status=AuditStatus.COMPLETED)
    fields = {"published_on": today.isoformat()}
    return fields, lambda: OutgoingAudit.objects.get(pk=audit.pk).published_to_villagers_on == today


def _cleanup(world, today):
    fields = {
        "completed_on": today.isoformat(),
        "funds_yuan": "1000",
        "assets_yuan": "0",
        "resources_mu": "0",
    }
    return fields, lambda: FinanceCleanup.objects.exists()


def _evaluation(world, today):
    person = resident(world["home"].village, name="赵六")
    fields = {
        "id_number": person.id_number,
        "year": today.year - 1,
        "position": "chair",
        "rating": "competent",
        "evaluated_on": today.isoformat(),
        "evaluated_by": "镇党委",
    }
    return fields, lambda: TermEvaluation.objects.exists()


def _status(audit):
    return OutgoingAudit.objects.get(pk=audit.pk).status


def _reload(finding):
    return AuditFinding.objects.get(pk=finding.pk)


ACTIONS = {
    "record": _record,
    "start": _start,
    "finding": _finding,
    "assess": _assess,
    "rectify": _rectify,
    "complete": _complete,
    "publish": _publish,
    "cleanup": _cleanup,
    "evaluation": _evaluation,
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_audit_write_is_refused_in_a_completed_election_then_allowed_once_the_stage_moves(
    client, world, today, action
):
    home = world["home"]
    fields, written = ACTIONS[action](world, today)
    move(home, Stage.COMPLETED)
    client.force_login(world["township"])
    response = post(client, home, action, **fields)
    assert response.redirect_chain[-1][0] == page(home) and response.status_code == 200
    text = response.content.decode()
    refusal = permits.refusal(home, "audits.work")
    assert refusal.code == permits.COMPLETED
    assert "记录只读" in text and escape(refusal.message) in text
    assert f'href="{reverse("lifecycle:workflow", args=[home.pk])}"' in text
    assert "permit." not in text
    assert not written()
    move(home, Stage.HANDOVER)
    response = post(client, home, action, **fields)
    assert response.status_code == 200 and written()


@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_audit_service_refuses_a_completed_election_with_the_permit_code(world, today, action):
    """The same refusal whatever door calls the service (here: directly), before any other rule."""
    home, by = world["home"], world["township"]
    audit = audit_in(home, by, today)
    finding = finding_of(audit, severity="minor")
    person = resident(home.village, name="钱七")
    move(home, Stage.COMPLETED)
    audit.election.refresh_from_db()
    calls = {
        "record": lambda: services.record_audit(
            election=home, committees="both", auditor_kind="department", auditor_name="x", by=by
        ),
        "start": lambda: services.start_audit(audit=audit, started_on=today, by=by),
        "finding": lambda: services.add_finding(audit=audit, description="x", by=by),
        "assess": lambda: services.assess_finding(finding=finding, severity="major", by=by),
        "rectify": lambda: services.rectify_finding(finding=finding, rectified_on=today, by=by),
        "complete": lambda: services.complete_audit(audit=audit, completed_on=today, by=by),
        "publish": lambda: services.publish_audit(audit=audit, published_on=today, by=by),
        "cleanup": lambda: services.record_finance_cleanup(
            election=home, completed_on=today, funds_yuan=Decimal(1), assets_yuan=Decimal(0),
            resources_mu=Decimal(0), by=by,
        ),
        "evaluation": lambda: services.record_term_evaluation(
            resident=person, year=today.year - 1, position="chair", rating="competent",
            evaluated_on=today, evaluated_by="镇党委", by=by,
        ),
    }  # fmt: skip
    before = (AuditFinding.objects.count(), FinanceCleanup.objects.count(), TermEvaluation.objects.count())
    with pytest.raises(Exception) as refused:
        calls[action]()
    assert refused.value.code == permits.COMPLETED
    assert (
        AuditFinding.objects.count(),
        FinanceCleanup.objects.count(),
        TermEvaluation.objects.count(),
    ) == before
    assert _status(audit) == AuditStatus.IN_PROGRESS


@pytest.mark.parametrize("gate", ["postponed", "red_open", "preparation"])
def test_audits_go_on_in_a_postponed_a_red_village_and_in_preparation(client, world, today, gate):
    home = world["home"]
    if gate == "postponed":
        move(home, Stage.POSTPONED)
    elif gate == "preparation":
        move(home, Stage.PREPARATION)
    else:
        set_red_flag(election=home, open=True, by=world["county"])
    assert permits.permits(home, "audits.work")
    client.force_login(world["township"])
    fields, written = _finding(world, today)
    post(client, home, "finding", **fields)
    assert written()


def test_the_audit_page_hides_its_forms_in_a_completed_election_and_says_why(client, world, today):
    home = world["home"]
    audit_in(home, world["township"], today)
    client.force_login(world["township"])
    assert 'value="complete"' in client.get(page(home)).content.decode()
    move(home, Stage.COMPLETED)
    text = client.get(page(home)).content.decode()
    assert 'id="audit-closed"' in text and "记录只读" in text
    assert reverse("lifecycle:workflow", args=[home.pk]) in text
    for action in ACTIONS:
        assert f'name="action" value="{action}"' not in text


def test_the_admin_shows_audits_read_only(client, world, today):
    """No admin door around the services (and so around the stage): nothing added, changed or deleted."""
    audit = audit_in(world["home"], world["township"], today)
    client.force_login(world["admin"])
    world["admin"].is_staff = world["admin"].is_superuser = True
    world["admin"].save()
    change = f"/admin/audits/outgoingaudit/{audit.pk}/change/"
    assert client.get(change).status_code == 200  # viewable
    response = client.post(change, {"auditor_name": "改名", "status": "completed"})
    assert response.status_code == 403
    assert client.get("/admin/audits/outgoingaudit/add/").status_code == 403
    assert client.post(f"/admin/audits/outgoingaudit/{audit.pk}/delete/", {"post": "yes"}).status_code == 403
    assert OutgoingAudit.objects.get(pk=audit.pk).auditor_name == "镇审计组"
