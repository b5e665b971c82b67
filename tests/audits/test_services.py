from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from audits import codes, services
from audits.models import (
    AuditorKind,
    AuditStatus,
    Committees,
    FinanceCleanup,
    OutgoingAudit,
    Position,
    Rating,
    Rectification,
    Severity,
)
from tests.trail.helpers import resident
from trail.models import TrailEntry

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def code_of(call, *args, **kwargs):
    with pytest.raises(ValidationError) as error:
        call(*args, **kwargs)
    return error.value.code


def record(world, *, by=None, election=None, **overrides):
    kwargs = {
        "election": election or world["home"],
        "committees": Committees.BOTH,
        "auditor_kind": AuditorKind.THIRD_PARTY,
        "auditor_name": "衡平会计师事务所",
        "by": by or world["township"],
    }
    return services.record_audit(**(kwargs | overrides))


def finding(audit, by, **overrides):
    kwargs = {"audit": audit, "description": "非生产性开支超标", "severity": Severity.MINOR, "by": by}
    return services.add_finding(**(kwargs | overrides))


# Recording and starting an audit


def test_an_audit_without_a_start_date_is_planned(world):
    assert record(world).status == AuditStatus.PLANNED


def test_an_audit_started_today_is_in_progress(world, today):
    audit = record(world, started_on=today)
    assert (audit.status, audit.division_code) == (AuditStatus.IN_PROGRESS, world["home"].division_code)


def test_an_audit_cannot_start_tomorrow(world, today):
    assert code_of(record, world, started_on=today + DAY) == codes.DATE_IN_FUTURE


def test_a_village_election_has_one_outgoing_audit(world):
    record(world)
    assert code_of(record, world) == codes.ALREADY_RECORDED


def test_the_auditing_body_is_required(world):
    assert code_of(record, world, auditor_name="  ") == codes.AUDITOR_REQUIRED


@pytest.mark.parametrize("who", ["clerk", "city"])
def test_clerks_and_city_reviewers_do_not_record_audits(world, who):
    assert code_of(record, world, by=world[who]) == codes.NOT_ALLOWED


def test_a_township_office_does_not_record_audits_of_another_township(world):
    assert code_of(record, world, election=world["neighbour"]) == codes.NOT_ALLOWED


@pytest.mark.parametrize("who", ["county", "admin"])
def test_county_staff_and_administrators_record_audits(world, who):
    assert record(world, by=world[who], election=world["neighbour"]).pk


def test_a_planned_audit_starts(world, today):
    audit = services.start_audit(audit=record(world), started_on=today, by=world["township"])
    assert (audit.status, audit.started_on) == (AuditStatus.IN_PROGRESS, today)


def test_an_audit_starts_once(world, audit, today):
    assert code_of(services.start_audit, audit=audit, started_on=today, by=world["township"]) == (
        codes.STATUS_TRANSITION
    )


def test_starting_needs_a_date(world):
    assert code_of(services.start_audit, audit=record(world), started_on=None, by=world["township"]) == (
        codes.STARTED_ON_MISSING
    )


# Findings


def test_findings_are_recorded_while_the_audit_is_in_progress(world):
    planned = record(world)
    assert code_of(finding, planned, world["township"]) == codes.NOT_IN_PROGRESS


def test_a_finding_needs_a_description(world, audit):
    assert code_of(finding, audit, world["township"], description=" ") == codes.DESCRIPTION_REQUIRED


def test_an_amount_of_zero_is_accepted_and_below_zero_refused(world, audit):
    assert finding(audit, world["township"], amount=Decimal("0")).amount == 0
    assert code_of(finding, audit, world["township"], amount=Decimal("-0.01")) == codes.AMOUNT_NEGATIVE


def test_a_finding_may_wait_for_its_severity_and_is_assessed_later(world, audit):
    f = finding(audit, world["township"], severity="")
    f = services.assess_finding(
        finding=f, severity=Severity.MAJOR, amount=Decimal("120000"), by=world["county"]
    )
    assert (f.severity, f.amount) == (Severity.MAJOR, Decimal("120000"))


def test_assessing_needs_a_severity(world, audit):
    f = finding(audit, world["township"], severity="")
    assert code_of(services.assess_finding, finding=f, severity="", by=world["township"]) == (
        codes.SEVERITY_REQUIRED
    )


# Rectification


def test_rectification_needs_its_date(world, audit):
    f = finding(audit, world["township"])
    assert code_of(services.rectify_finding, finding=f, by=world["township"]) == codes.RECTIFIED_ON_MISSING


def test_a_finding_is_rectified_at_the_earliest_on_the_day_the_audit_started(world, audit):
    f = finding(audit, world["township"])
    before = audit.started_on - DAY
    assert code_of(services.rectify_finding, finding=f, rectified_on=before, by=world["township"]) == (
        codes.RECTIFIED_BEFORE_AUDIT
    )
    f = services.rectify_finding(finding=f, rectified_on=audit.started_on, by=world["township"])
    assert (f.rectification, f.rectified_on) == (Rectification.RECTIFIED, audit.started_on)


def test_a_finding_is_not_rectified_tomorrow(world, audit, today):
    f = finding(audit, world["township"])
    assert code_of(services.rectify_finding, finding=f, rectified_on=today + DAY, by=world["township"]) == (
        codes.DATE_IN_FUTURE
    )
    assert services.rectify_finding(finding=f, rectified_on=today, by=world["township"]).rectified_on == today


def test_rectification_goes_forward_only(world, audit, today):
    f = finding(audit, world["township"])
    f = services.rectify_finding(finding=f, status=Rectification.IN_PROGRESS, by=world["township"])
    assert f.rectification == Rectification.IN_PROGRESS and f.rectified_on is None
    f = services.rectify_finding(finding=f, rectified_on=today, by=world["township"])
    assert code_of(services.rectify_finding, finding=f, rectified_on=today, by=world["township"]) == (
        codes.RECTIFICATION_TRANSITION
    )


# Completing and publishing


def test_a_planned_audit_cannot_be_completed(world, today):
    assert code_of(
        services.complete_audit, audit=record(world), completed_on=today, by=world["township"]
    ) == (codes.STATUS_TRANSITION)


def test_completing_needs_the_date(world, audit):
    assert code_of(services.complete_audit, audit=audit, completed_on=None, by=world["township"]) == (
        codes.COMPLETED_ON_MISSING
    )


def test_an_audit_is_completed_at_the_earliest_on_the_day_it_started(world, audit):
    before = audit.started_on - DAY
    assert code_of(services.complete_audit, audit=audit, completed_on=before, by=world["township"]) == (
        codes.COMPLETED_BEFORE_STARTED
    )
    audit = services.complete_audit(audit=audit, completed_on=audit.started_on, by=world["township"])
    assert audit.status == AuditStatus.COMPLETED


def test_an_audit_is_not_completed_tomorrow(world, audit, today):
    assert code_of(services.complete_audit, audit=audit, completed_on=today + DAY, by=world["township"]) == (
        codes.DATE_IN_FUTURE
    )


def test_an_audit_with_an_unassessed_finding_cannot_be_completed(world, audit, today):
    f = finding(audit, world["township"], severity="")
    assert code_of(services.complete_audit, audit=audit, completed_on=today, by=world["township"]) == (
        codes.FINDING_WITHOUT_SEVERITY
    )
    assert OutgoingAudit.objects.get(pk=audit.pk).status == AuditStatus.IN_PROGRESS
    services.assess_finding(finding=f, severity=Severity.SERIOUS, by=world["township"])
    assert (
        services.complete_audit(audit=audit, completed_on=today, by=world["township"]).completed_on == today
    )


def test_unrectified_findings_do_not_block_completion(world, audit, today):
    finding(audit, world["township"])
    assert (
        services.complete_audit(audit=audit, completed_on=today, by=world["township"]).status == "completed"
    )


def test_a_completed_audit_takes_no_more_findings_or_assessments(world, audit, today):
    f = finding(audit, world["township"])
    services.complete_audit(audit=audit, completed_on=today, by=world["township"])
    assert code_of(finding, audit, world["township"]) == codes.NOT_IN_PROGRESS
    assert code_of(services.assess_finding, finding=f, severity=Severity.MAJOR, by=world["township"]) == (
        codes.NOT_IN_PROGRESS
    )


def test_results_are_published_at_the_earliest_on_the_day_of_completion(world, audit, today):
    completed_on = today - DAY
    assert (
        code_of(
            services.complete_audit,
            audit=audit,
            completed_on=completed_on,
            published_on=completed_on - DAY,
            by=world["township"],
        )
        == codes.PUBLISHED_BEFORE_COMPLETED
    )
    audit = services.complete_audit(
        audit=audit, completed_on=completed_on, published_on=completed_on, by=world["township"]
    )
    assert audit.published_to_villagers_on == completed_on


def test_publishing_later_follows_the_same_rule(world, audit, today):
    audit = services.complete_audit(audit=audit, completed_on=today, by=world["township"])
    assert code_of(services.publish_audit, audit=audit, published_on=today - DAY, by=world["township"]) == (
        codes.PUBLISHED_BEFORE_COMPLETED
    )
    assert code_of(services.publish_audit, audit=audit, published_on=today + DAY, by=world["township"]) == (
        codes.DATE_IN_FUTURE
    )
    audit = services.publish_audit(audit=audit, published_on=today, by=world["township"])
    assert code_of(services.publish_audit, audit=audit, published_on=today, by=world["township"]) == (
        codes.ALREADY_PUBLISHED
    )


def test_an_audit_in_progress_cannot_be_published(world, audit, today):
    assert code_of(services.publish_audit, audit=audit, published_on=today, by=world["township"]) == (
        codes.NOT_COMPLETED
    )


def test_the_database_refuses_a_completed_audit_without_its_date(world, audit):
    with pytest.raises(IntegrityError), transaction.atomic():
        OutgoingAudit.objects.filter(pk=audit.pk).update(status=AuditStatus.COMPLETED)


# Finance clean-up


def cleanup(world, **overrides):
    kwargs = {
        "election": world["home"],
        "completed_on": date(2026, 1, 5),
        "funds_yuan": Decimal("356000.00"),
        "assets_yuan": Decimal("2100000.00"),
        "resources_mu": Decimal("1260.50"),
        "by": world["township"],
    }
    return services.record_finance_cleanup(**(kwargs | overrides))


def test_a_finance_cleanup_is_recorded_once_and_corrected_in_place(world):
    first = cleanup(world)
    second = cleanup(world, funds_yuan=Decimal("0"))
    assert first.pk == second.pk and FinanceCleanup.objects.get().funds_yuan == 0


def test_a_finance_cleanup_counts_nothing_negative(world):
    assert code_of(cleanup, world, resources_mu=Decimal("-1")) == codes.AMOUNT_NEGATIVE


def test_a_finance_cleanup_is_not_dated_in_the_future(world, today):
    assert code_of(cleanup, world, completed_on=today + DAY) == codes.DATE_IN_FUTURE


# Term evaluations


def evaluate(world, person, **overrides):
    kwargs = {
        "resident": person,
        "year": 2025,
        "position": Position.CHAIR,
        "rating": Rating.COMPETENT,
        "evaluated_on": date(2026, 1, 15),
        "evaluated_by": "白龙桥镇党委",
        "by": world["township"],
    }
    return services.record_term_evaluation(**(kwargs | overrides))


def test_an_evaluation_is_made_at_the_earliest_on_the_first_day_of_its_year(world):
    person = resident(world["home"].village)
    assert code_of(evaluate, world, person, evaluated_on=date(2024, 12, 31)) == codes.EVALUATION_BEFORE_YEAR
    assert evaluate(world, person, evaluated_on=date(2025, 1, 1)).division_code == person.division_code


def test_an_evaluation_is_not_dated_in_the_future(world, today):
    person = resident(world["home"].village)
    assert code_of(evaluate, world, person, year=today.year, evaluated_on=today + DAY) == codes.DATE_IN_FUTURE


def test_one_evaluation_per_cadre_position_and_year(world):
    person = resident(world["home"].village)
    evaluate(world, person)
    assert code_of(evaluate, world, person, rating=Rating.INCOMPETENT) == codes.EVALUATION_DUPLICATE
    assert evaluate(world, person, position=Position.PARTY_SECRETARY).pk


def test_an_evaluation_names_who_evaluated(world):
    assert (
        code_of(evaluate, world, resident(world["home"].village), evaluated_by="") == codes.EVALUATOR_REQUIRED
    )


def test_a_clerk_does_not_record_evaluations(world):
    assert code_of(evaluate, world, resident(world["home"].village), by=world["clerk"]) == codes.NOT_ALLOWED


# The trail


def test_audit_changes_reach_the_trail_attributed_to_the_person_who_made_them(world, audit, today):
    f = finding(audit, world["township"])
    services.rectify_finding(finding=f, rectified_on=today, by=world["county"])
    audit_entries = TrailEntry.objects.filter(model_label="audits.outgoingaudit", object_pk=str(audit.pk))
    finding_entries = TrailEntry.objects.filter(model_label="audits.auditfinding").order_by("seq")
    assert [e.actor for e in audit_entries] == [world["township"]]
    assert [(e.action, e.actor) for e in finding_entries] == [
        ("create", world["township"]),
        ("update", world["county"]),
    ]
    assert finding_entries[1].changes["rectification"] == ["open", "rectified"]
    assert {e.division_code for e in finding_entries} == {world["home"].division_code}


def test_every_code_has_a_message():
    names = [n for n in dir(codes) if n.isupper() and isinstance(getattr(codes, n), str)]
    assert {getattr(codes, n) for n in names} == set(codes.MESSAGES)
    assert all(getattr(codes, n).startswith("audit.") for n in names)
