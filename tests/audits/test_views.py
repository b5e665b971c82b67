from datetime import timedelta

import pytest

from audits.models import AuditFinding, AuditStatus, OutgoingAudit, Rating, Rectification, TermEvaluation
from tests.factories import UserFactory
from tests.trail.helpers import resident
from trail.models import TrailEntry

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.audits.urls_for_tests")]


def page(election):
    return f"/audits/election/{election.pk}/"


def post(client, election, action, **fields):
    data = {"action": action, **{f"{action}-{k}": v for k, v in fields.items()}}
    return client.post(page(election), data)


def test_a_township_user_cannot_see_another_townships_audit(client, world, audit):
    client.force_login(world["township"])
    assert client.get(page(world["neighbour"])).status_code == 404
    assert post(client, world["neighbour"], "record", auditor_name="x").status_code == 404


def test_a_department_user_sees_no_audit(client, world, audit):
    department = UserFactory(username="dept", role="department", region=world["county"].region, unit="公安局")
    client.force_login(department)
    assert client.get(page(world["home"])).status_code == 404


def test_a_county_user_sees_the_audits_of_every_township_in_the_county(client, world, audit):
    client.force_login(world["county"])
    response = client.get(page(world["home"]))
    assert response.status_code == 200 and response.context["audit"] == audit
    assert client.get(page(world["neighbour"])).status_code == 200


def test_a_clerk_reads_the_audit_of_their_village_but_cannot_change_it(client, world, audit, today):
    client.force_login(world["clerk"])
    response = client.get(page(world["home"]))
    assert response.status_code == 200 and response.context["editable"] is False
    assert 'value="finding"' not in response.content.decode()
    assert post(client, world["home"], "finding", description="x").status_code == 403
    assert not AuditFinding.objects.exists()


def test_a_township_user_runs_an_audit_from_record_to_publication(client, world, today):
    client.force_login(world["township"])
    home = world["home"]
    started = (today - timedelta(days=5)).isoformat()
    response = post(
        client, home, "record", committees="both", auditor_kind="department", auditor_name="镇审计组",
        started_on=started,
    )  # fmt: skip
    assert response.status_code == 302
    audit = OutgoingAudit.objects.get(election=home)
    assert audit.status == AuditStatus.IN_PROGRESS
    assert (
        post(client, home, "finding", description="工程项目未公开招标", amount="86000.50").status_code == 302
    )
    finding = AuditFinding.objects.get()
    assert finding.severity == ""
    assert post(client, home, "complete", completed_on=today.isoformat()).status_code == 400
    assert post(client, home, "assess", finding=finding.pk, severity="serious").status_code == 302
    rectified = post(
        client, home, "rectify", finding=finding.pk, status="rectified", rectified_on=today.isoformat()
    )
    assert rectified.status_code == 302
    assert post(client, home, "complete", completed_on=today.isoformat()).status_code == 302
    assert post(client, home, "publish", published_on=today.isoformat()).status_code == 302
    audit.refresh_from_db()
    finding.refresh_from_db()
    assert (audit.status, audit.published_to_villagers_on) == (AuditStatus.COMPLETED, today)
    assert (finding.severity, finding.rectification) == ("serious", Rectification.RECTIFIED)
    text = client.get(page(home)).content.decode()
    assert "工程项目未公开招标" in text and "86,000.50" in text
    # Every step is in the trail, attributed to the signed-in user by auditlog's middleware.
    entries = TrailEntry.objects.filter(model_label__startswith="audits.", division_code=home.division_code)
    assert entries.count() == 6 and {e.actor for e in entries} == {world["township"]}


def test_a_rule_violation_is_shown_with_its_message(client, world, audit, today):
    client.force_login(world["township"])
    response = post(client, world["home"], "complete", completed_on=(today + timedelta(days=1)).isoformat())
    assert response.status_code == 400
    assert response.context["failed"].non_field_errors().as_data()[0].code == "audit.date_in_future"


def test_a_finding_of_another_village_cannot_be_reached_through_this_page(client, world, audit, today):
    other = OutgoingAudit.objects.create(
        election=world["neighbour"], auditor_kind="department", auditor_name="审计组", status="in_progress",
        started_on=today, recorded_by=world["county"],
    )  # fmt: skip
    foreign = AuditFinding.objects.create(audit=other, description="外村问题", severity="minor")
    client.force_login(world["county"])
    response = post(
        client, world["home"], "rectify", finding=foreign.pk, status="rectified", rectified_on=today
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.rectification == Rectification.OPEN


def test_a_term_evaluation_is_recorded_by_id_number(client, world, today):
    person = resident(world["home"].village, name="赵六")
    client.force_login(world["township"])
    fields = {
        "id_number": person.id_number.lower(),
        "year": today.year - 1,
        "position": "chair",
        "rating": "incompetent",
        "evaluated_on": today.isoformat(),
        "evaluated_by": "镇党委",
    }
    assert post(client, world["home"], "evaluation", **fields).status_code == 302
    assert TermEvaluation.objects.get().rating == Rating.INCOMPETENT
    assert "赵六" in client.get(page(world["home"])).content.decode()


def test_a_term_evaluation_of_someone_from_another_village_is_refused(client, world, today):
    stranger = resident(world["neighbour"].village)
    client.force_login(world["county"])
    response = post(
        client, world["home"], "evaluation", id_number=stranger.id_number, year=today.year - 1,
        position="chair", rating="competent", evaluated_on=today.isoformat(), evaluated_by="镇党委",
    )  # fmt: skip
    assert response.status_code == 400 and not TermEvaluation.objects.exists()
    assert response.context["failed"].non_field_errors().as_data()[0].code == "audit.resident_unknown"


def test_the_finance_cleanup_form_records_and_shows_the_counts(client, world, today):
    client.force_login(world["township"])
    response = post(
        client, world["home"], "cleanup", completed_on=today.isoformat(), funds_yuan="356000",
        assets_yuan="2100000", resources_mu="1260.5", notes="三资清理完毕",
    )  # fmt: skip
    assert response.status_code == 302
    text = client.get(page(world["home"])).content.decode()
    assert "356,000.00" in text and "1,260.50" in text


def test_the_list_shows_each_village_with_its_audit(client, world, audit):
    client.force_login(world["county"])
    response = client.get("/audits/")
    assert [e.division_code for e in response.context["page"]] == ["330702001001", "330702002001"]
    response = client.get("/audits/", {"audit": "none"})
    assert [e.division_code for e in response.context["page"]] == ["330702002001"]


def test_the_list_counts_unresolved_findings(client, world, audit):
    AuditFinding.objects.create(audit=audit, description="甲", severity="minor")
    AuditFinding.objects.create(audit=audit, description="乙", severity="minor")
    client.force_login(world["township"])
    (row,) = client.get("/audits/").context["page"]
    assert row.unresolved == 2
