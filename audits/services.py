"""Writes of outgoing audits, findings, finance clean-ups and term evaluations (DOMAIN.md "Preparation").

One verb, one function, one transaction; keyword arguments only; `full_clean()` before every save. Each
rule violation raises ValidationError with a code of `audits.codes`. The changes reach the activity
trail through the trail registry (audits.apps), attributed to `by`.

Every one of them asks the election's stage first (`elections.permits`, action "audits.work"): audits are
preparation work that may go on, findings rectified, in every stage before completion and in a postponed
village; a completed election's audit is read-only.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.permissions import may
from elections import permits
from elections.models import VillageElection
from elections.races import insert_once
from trail.services import acting_as

from . import codes
from .models import (
    AuditFinding,
    AuditStatus,
    FinanceCleanup,
    OutgoingAudit,
    Rectification,
    TermEvaluation,
)

# The status moves of an audit and of a finding's rectification; anything else is refused.
ALLOWED = {
    AuditStatus.PLANNED: {AuditStatus.IN_PROGRESS},
    AuditStatus.IN_PROGRESS: {AuditStatus.COMPLETED},
    AuditStatus.COMPLETED: set(),
}
RECTIFICATION_ALLOWED = {
    Rectification.OPEN: {Rectification.IN_PROGRESS, Rectification.RECTIFIED},
    Rectification.IN_PROGRESS: {Rectification.RECTIFIED},
    Rectification.RECTIFIED: set(),
}


CENT = Decimal("0.01")


def _money(value: Decimal | None) -> Decimal | None:
    """Amounts as the database keeps them (2 decimals), so the trail sees no change where none is."""
    return None if value is None else Decimal(value).quantize(CENT)


AUDITS_WORK = "audits.work"


def _require_stage(election: VillageElection) -> None:
    permits.require(election, AUDITS_WORK)


def _error(code: str, **params) -> ValidationError:
    return ValidationError(codes.MESSAGES[code], code=code, params=params or None)


def can_edit(user: User, division_code: str) -> bool:
    """Township and county staff record audits for villages in their jurisdiction; others only read.

    (DOMAIN.md "Who uses the system": the township election office runs the village elections, the
    county organization department oversees them; clerks and city reviewers read.)
    """
    return may(user, "audits.edit", division_code)


def _require_editor(by: User, division_code: str) -> None:
    if not can_edit(by, division_code):
        raise _error(codes.NOT_ALLOWED)


def _not_in_future(day: date | None) -> None:
    if day is not None and day > timezone.localdate():
        raise _error(codes.DATE_IN_FUTURE)


def _check_move(audit: OutgoingAudit, to: str) -> None:
    if to not in ALLOWED[AuditStatus(audit.status)]:
        raise _error(
            codes.STATUS_TRANSITION, **{"from": audit.get_status_display(), "to": AuditStatus(to).label}
        )


def _check_publication(completed_on: date, published_on: date | None) -> None:
    """Results are published to the villagers on or after the day the audit was completed."""
    if published_on is None:
        return
    _not_in_future(published_on)
    if published_on < completed_on:
        raise _error(codes.PUBLISHED_BEFORE_COMPLETED)


@transaction.atomic
def record_audit(
    *,
    election: VillageElection,
    committees: str,
    auditor_kind: str,
    auditor_name: str,
    started_on: date | None = None,
    by: User,
) -> OutgoingAudit:
    """Record the outgoing audit of a village election: planned, or in progress from `started_on`."""
    _require_stage(election)
    _require_editor(by, election.division_code)
    recorded = OutgoingAudit.objects.filter(election=election)
    if recorded.exists():
        raise _error(codes.ALREADY_RECORDED)
    if not auditor_name.strip():
        raise _error(codes.AUDITOR_REQUIRED)
    _not_in_future(started_on)
    audit = OutgoingAudit(
        election=election,
        division_code=election.division_code,
        committees=committees,
        auditor_kind=auditor_kind,
        auditor_name=auditor_name.strip(),
        started_on=started_on,
        status=AuditStatus.IN_PROGRESS if started_on else AuditStatus.PLANNED,
        recorded_by=by,
    )
    # One audit per election: a concurrent twin that recorded it first is refused alike.
    with acting_as(by):
        return insert_once(audit, twin=recorded, refuse=_error(codes.ALREADY_RECORDED))


@transaction.atomic
def start_audit(*, audit: OutgoingAudit, started_on: date, by: User) -> OutgoingAudit:
    """A planned audit starts on `started_on` (not in the future)."""
    _require_stage(audit.election)
    _require_editor(by, audit.division_code)
    if started_on is None:
        raise _error(codes.STARTED_ON_MISSING)
    _not_in_future(started_on)
    _check_move(audit, AuditStatus.IN_PROGRESS)
    audit.status, audit.started_on = AuditStatus.IN_PROGRESS, started_on
    audit.full_clean()
    with acting_as(by):
        audit.save()
    return audit


@transaction.atomic
def add_finding(
    *,
    audit: OutgoingAudit,
    description: str,
    severity: str = "",
    amount: Decimal = Decimal("0"),
    note: str = "",
    person=None,
    by: User,
) -> AuditFinding:
    """Record a problem the audit found, while the audit is in progress; the severity may wait. A finding
    against a cadre (`person`, a resident of the village) of serious or major severity is on that person's
    negative list (audits.evidence)."""
    _require_stage(audit.election)
    _require_editor(by, audit.division_code)
    if audit.status != AuditStatus.IN_PROGRESS:
        raise _error(codes.NOT_IN_PROGRESS)
    if not description.strip():
        raise _error(codes.DESCRIPTION_REQUIRED)
    if amount is not None and amount < 0:
        raise _error(codes.AMOUNT_NEGATIVE)
    if person is not None and person.division_code != audit.division_code:
        raise _error(codes.RESIDENT_UNKNOWN)
    finding = AuditFinding(
        audit=audit,
        division_code=audit.division_code,
        description=description.strip(),
        person=person,
        severity=severity,
        amount=_money(amount or Decimal("0")),
        note=note.strip(),
    )
    finding.full_clean()
    with acting_as(by):
        finding.save()
    return finding


@transaction.atomic
def assess_finding(
    *, finding: AuditFinding, severity: str, amount: Decimal | None = None, by: User
) -> AuditFinding:
    """Set (or correct) a finding's severity and amount while its audit is in progress."""
    audit = finding.audit
    _require_stage(audit.election)
    _require_editor(by, audit.division_code)
    if audit.status != AuditStatus.IN_PROGRESS:
        raise _error(codes.NOT_IN_PROGRESS)
    if not severity:
        raise _error(codes.SEVERITY_REQUIRED)
    if amount is not None and amount < 0:
        raise _error(codes.AMOUNT_NEGATIVE)
    finding.severity = severity
    if amount is not None:
        finding.amount = _money(amount)
    finding.full_clean()
    with acting_as(by):
        finding.save()
    return finding


@transaction.atomic
def rectify_finding(
    *,
    finding: AuditFinding,
    status: str = Rectification.RECTIFIED,
    rectified_on: date | None = None,
    note: str = "",
    by: User,
) -> AuditFinding:
    """Move a finding's rectification on (open → being rectified → rectified); rectified needs the date,
    which lies between the audit's start and today."""
    audit = finding.audit
    _require_stage(audit.election)
    _require_editor(by, audit.division_code)
    if status not in RECTIFICATION_ALLOWED[Rectification(finding.rectification)]:
        raise _error(
            codes.RECTIFICATION_TRANSITION,
            **{"from": finding.get_rectification_display(), "to": Rectification(status).label},
        )
    if status == Rectification.RECTIFIED:
        if rectified_on is None:
            raise _error(codes.RECTIFIED_ON_MISSING)
        _not_in_future(rectified_on)
        if audit.started_on and rectified_on < audit.started_on:
            raise _error(codes.RECTIFIED_BEFORE_AUDIT)
        finding.rectified_on = rectified_on
    finding.rectification = status
    if note.strip():
        finding.note = note.strip()
    finding.full_clean()
    with acting_as(by):
        finding.save()
    return finding


@transaction.atomic
def complete_audit(
    *, audit: OutgoingAudit, completed_on: date | None, published_on: date | None = None, by: User
) -> OutgoingAudit:
    """Complete an audit in progress: the date (not before the start, not in the future) and a severity
    on every finding are required; the results may be published the same day or later.

    A completed audit opens the workflow's gate (DOMAIN.md: no election-stage work before it).
    """
    _require_stage(audit.election)
    _require_editor(by, audit.division_code)
    _check_move(audit, AuditStatus.COMPLETED)
    if completed_on is None:
        raise _error(codes.COMPLETED_ON_MISSING)
    _not_in_future(completed_on)
    if completed_on < audit.started_on:
        raise _error(codes.COMPLETED_BEFORE_STARTED)
    if audit.findings.filter(severity="").exists():
        raise _error(codes.FINDING_WITHOUT_SEVERITY)
    _check_publication(completed_on, published_on)
    audit.status, audit.completed_on = AuditStatus.COMPLETED, completed_on
    audit.published_to_villagers_on = published_on
    audit.full_clean()
    with acting_as(by):
        audit.save()
    return audit


@transaction.atomic
def publish_audit(*, audit: OutgoingAudit, published_on: date, by: User) -> OutgoingAudit:
    """Record that a completed audit's results were published to the villagers (村务公开)."""
    _require_stage(audit.election)
    _require_editor(by, audit.division_code)
    if audit.status != AuditStatus.COMPLETED:
        raise _error(codes.NOT_COMPLETED)
    if audit.published_to_villagers_on is not None:
        raise _error(codes.ALREADY_PUBLISHED)
    if published_on is None:
        raise _error(codes.PUBLISHED_ON_MISSING)
    _check_publication(audit.completed_on, published_on)
    audit.published_to_villagers_on = published_on
    audit.full_clean()
    with acting_as(by):
        audit.save()
    return audit


@transaction.atomic
def record_finance_cleanup(
    *,
    election: VillageElection,
    completed_on: date,
    funds_yuan: Decimal,
    assets_yuan: Decimal,
    resources_mu: Decimal,
    notes: str = "",
    by: User,
) -> FinanceCleanup:
    """Record (or correct) the finance clean-up of a village: one record per village election."""
    _require_stage(election)
    _require_editor(by, election.division_code)
    _not_in_future(completed_on)
    if min(funds_yuan, assets_yuan, resources_mu) < 0:
        raise _error(codes.AMOUNT_NEGATIVE)

    def fill(cleanup: FinanceCleanup) -> FinanceCleanup:
        cleanup.division_code = election.division_code
        cleanup.completed_on = completed_on
        cleanup.funds_yuan, cleanup.assets_yuan = _money(funds_yuan), _money(assets_yuan)
        cleanup.resources_mu = _money(resources_mu)
        cleanup.notes = notes.strip()
        return cleanup

    same = FinanceCleanup.objects.filter(election=election)
    cleanup = same.first()
    fresh = None
    with acting_as(by):
        if cleanup is None:
            # A concurrent twin's record, saved first, is corrected instead (as a sequential call would be).
            fresh = fill(FinanceCleanup(election=election, recorded_by=by))
            cleanup = insert_once(fresh, twin=same)
        if cleanup is not fresh:
            fill(cleanup)
            cleanup.full_clean()
            cleanup.save()
    return cleanup


@transaction.atomic
def record_term_evaluation(
    *,
    resident,
    year: int,
    position: str,
    rating: str,
    evaluated_on: date,
    evaluated_by: str,
    by: User,
    election: VillageElection | None = None,
) -> TermEvaluation:
    """Record a sitting cadre's evaluation for a year (称职 / 基本称职 / 不称职), once per position and year.

    The evaluation is made in or after the year it evaluates, and not in the future. It is part of the
    audit work of the village's election (`election`, by default the resident's village's election of the
    latest cycle), whose stage is asked first; a village with no election yet has no stage to ask.
    """
    if election is None:
        election = (
            VillageElection.objects.filter(division_code=resident.division_code)
            .order_by("-cycle__is_current", "-cycle__starts_on", "-pk")
            .first()
        )
    elif election.division_code != resident.division_code:
        raise _error(codes.RESIDENT_UNKNOWN)
    if election is not None:
        _require_stage(election)
    _require_editor(by, resident.division_code)
    _not_in_future(evaluated_on)
    try:
        year_begins = date(year, 1, 1)
    except (TypeError, ValueError):
        year_begins = None  # not a year at all: full_clean below reports it
    if year_begins and evaluated_on < year_begins:
        raise _error(codes.EVALUATION_BEFORE_YEAR)
    if not evaluated_by.strip():
        raise _error(codes.EVALUATOR_REQUIRED)
    evaluated = TermEvaluation.objects.filter(resident=resident, year=year, position=position)
    if evaluated.exists():
        raise _error(codes.EVALUATION_DUPLICATE)
    evaluation = TermEvaluation(
        resident=resident,
        division_code=resident.division_code,
        year=year,
        position=position,
        rating=rating,
        evaluated_on=evaluated_on,
        evaluated_by=evaluated_by.strip(),
        recorded_by=by,
    )
    # Once per position and year: a concurrent twin that recorded it first is refused alike.
    with acting_as(by):
        return insert_once(evaluation, twin=evaluated, refuse=_error(codes.EVALUATION_DUPLICATE))
