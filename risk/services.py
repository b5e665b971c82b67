"""Writes of the risk rating's records: weights, weekly assessments, petitions and discipline reports,
rectification plans and their tasks, close-out (销号), interviews (约谈).

One verb, one function, one transaction; keyword arguments only; `full_clean()` before every save. Rule
violations raise ValidationError with a code of `risk.codes`. The weekly recompute is in risk.recompute.
Changes reach the activity trail through the trail registry (risk.apps), attributed to `by`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import may
from elections.models import ElectionCycle, VillageElection
from elections.red_flag import set_red_flag
from trail.services import acting_as, record_bulk

from . import codes
from .indicators import DEFAULT_INDICATORS, LEVEL_MAX, Unit
from .models import (
    COUNT_MAX,
    MANUAL_CODES,
    DisciplineReport,
    IndicatorWeight,
    Interview,
    Petition,
    PlanStatus,
    RectificationPlan,
    RectificationTask,
    ReportOutcome,
    WeeklyAssessment,
)
from .scoring import Colour
from .selectors import latest_snapshot
from .weeks import is_monday

# Who may do what (DOMAIN.md "Who uses the system"): the township office keeps the weekly assessment,
# petitions and reports; plans are drawn up by township, county and city together; only the county
# approves a close-out; the city and county organization departments hold interviews.
# The actions of accounts.permissions, asked with the village's division code (role and jurisdiction).
ASSESS = "risk.assess"
RECORD = "risk.record"
PLAN = "risk.plan"
CLOSE = "risk.close_plan"
INTERVIEW = "risk.interview"
_UNIT_OF = {ind.code: ind.unit for ind in DEFAULT_INDICATORS}


def _error(code: str, **params) -> ValidationError:
    return ValidationError(codes.MESSAGES[code], code=code, params=params or None)


def _require(user: User | None, action: str, division_code: str) -> None:
    if not may(user, action, division_code):
        raise _error(codes.NOT_ALLOWED)


def _not_in_future(day: date | None) -> None:
    if day is not None and day > timezone.localdate():
        raise _error(codes.DATE_IN_FUTURE)


def _text(value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise _error(codes.TEXT_REQUIRED)
    return value


def ensure_default_weights(*, cycle: ElectionCycle) -> int:
    """Create the cycle's weight rows from the default catalogue where missing; returns how many."""
    have = set(IndicatorWeight.objects.filter(cycle=cycle).values_list("code", flat=True))
    missing = [
        IndicatorWeight(cycle=cycle, code=ind.code, weight=ind.weight, cap=ind.cap)
        for ind in DEFAULT_INDICATORS
        if ind.code not in have
    ]
    IndicatorWeight.objects.bulk_create(missing, ignore_conflicts=True)
    if missing:  # bulk_create fires no signals: the write records its own trail entry
        record_bulk(
            actor=None,
            action="create",
            model=IndicatorWeight,
            division_code=cycle.region.code,
            summary=_("The default indicator weights"),
            counts={"rows": len(missing)},
            extra={"cycle": cycle.pk},
        )
    return len(missing)


def validate_weight(weight, cap) -> tuple[Decimal, Decimal]:
    """A weight and a cap are numbers from 0 to 100 with at most two decimals (`risk.weight_invalid`)."""
    try:
        weight, cap = Decimal(weight), Decimal(cap)
    except (InvalidOperation, TypeError) as exc:
        raise _error(codes.WEIGHT_INVALID) from exc
    if not all(0 <= v <= 100 and v == v.quantize(Decimal("0.01")) for v in (weight, cap)):
        raise _error(codes.WEIGHT_INVALID)
    return weight, cap


def set_weight(
    *, cycle: ElectionCycle, code: str, weight: Decimal, cap: Decimal, by: User
) -> IndicatorWeight:
    """Change one indicator's weight and cap for the cycle (administrators; DOMAIN.md: weights configurable)."""
    if not (by and by.sees_everything):
        raise _error(codes.NOT_ALLOWED)
    weight, cap = validate_weight(weight, cap)
    with transaction.atomic(), acting_as(by):
        row, _created = IndicatorWeight.objects.update_or_create(
            cycle=cycle, code=code, defaults={"weight": weight, "cap": cap}
        )
    return row


def record_assessment(
    *, election: VillageElection, week: date, values: Mapping[str, int], note: str = "", by: User
) -> WeeklyAssessment:
    """Record (or correct) the township's assessment of a village for a week (DOMAIN.md: "plus the
    township's assessment"). Levels 0-3, counts 0-99; the recompute of that week and later reads it."""
    _require(by, ASSESS, election.division_code)
    if not is_monday(week):
        raise _error(codes.NOT_A_MONDAY)
    clean: dict[str, int] = {}
    for code in MANUAL_CODES:
        value = values.get(code, 0)
        limit = LEVEL_MAX if _UNIT_OF[code] is Unit.LEVEL else COUNT_MAX
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= limit:
            field = WeeklyAssessment._meta.get_field(code).verbose_name
            raise _error(codes.VALUE_OUT_OF_RANGE, field=field, max=limit)
        clean[code] = value
    with transaction.atomic(), acting_as(by):
        assessment = WeeklyAssessment.objects.filter(election=election, week=week).first()
        if assessment is None:
            assessment = WeeklyAssessment(election=election, week=week)
        for code, value in clean.items():
            setattr(assessment, code, value)
        assessment.note = (note or "").strip()[:300]
        assessment.recorded_by = by
        assessment.division_code = election.division_code
        assessment.full_clean(validate_unique=False)
        assessment.save()
    return assessment


def record_petition(
    *, election: VillageElection, subject: str, received_on: date, channel: str, by: User
) -> Petition:
    """Record a petition concerning the village; it counts as open until resolved."""
    _require(by, RECORD, election.division_code)
    _not_in_future(received_on)
    petition = Petition(election=election, subject=_text(subject), received_on=received_on, channel=channel)
    petition.division_code = election.division_code
    petition.recorded_by = by
    with transaction.atomic(), acting_as(by):
        petition.full_clean()
        petition.save()
    return petition


def resolve_petition(*, petition: Petition, resolved_on: date, resolution: str, by: User) -> Petition:
    """Record how and when a petition was resolved (DOMAIN.md: the petition backlog is cleared)."""
    _require(by, RECORD, petition.division_code)
    if petition.resolved_on is not None:
        raise _error(codes.ALREADY_RESOLVED)
    _not_in_future(resolved_on)
    if resolved_on < petition.received_on:
        raise _error(codes.RESOLVED_BEFORE_RECEIVED)
    petition.resolved_on = resolved_on
    petition.resolution = _text(resolution)
    with transaction.atomic(), acting_as(by):
        petition.full_clean()
        petition.save()
    return petition


def _accused_of(election: VillageElection, accused):
    """The person a report names: a resident of the report's village, or nobody."""
    if accused is None:
        return None
    if accused.division_code != election.division_code:
        raise _error(codes.ACCUSED_ELSEWHERE)
    return accused


def record_report(
    *,
    election: VillageElection,
    kind: str,
    channel: str,
    summary: str,
    received_on: date,
    by: User,
    accused=None,
) -> DisciplineReport:
    """Record a vote-buying or discipline report (DOMAIN.md: every report is recorded and resolved),
    naming the nominee it is about when it names one."""
    _require(by, RECORD, election.division_code)
    _not_in_future(received_on)
    report = DisciplineReport(
        election=election,
        kind=kind,
        channel=channel,
        summary=_text(summary),
        received_on=received_on,
        accused=_accused_of(election, accused),
    )
    report.division_code = election.division_code
    report.recorded_by = by
    with transaction.atomic(), acting_as(by):
        report.full_clean()
        report.save()
    return report


def resolve_report(
    *,
    report: DisciplineReport,
    outcome: str,
    resolved_on: date,
    resolution: str,
    by: User,
    accused=None,
) -> DisciplineReport:
    """Record the outcome of a report: substantiated (it keeps weighing on the score) or unfounded.

    A substantiated report naming a person (`accused`, or the person named when it was recorded)
    disqualifies that person as a candidate: it answers item 10 of the negative list (risk.evidence). If the
    person is already elected, it opens the county's decision on voiding that election (DOMAIN.md
    "Discipline"), in the same transaction.
    """
    _require(by, RECORD, report.division_code)
    if report.outcome != ReportOutcome.OPEN:
        raise _error(codes.ALREADY_RESOLVED)
    if outcome not in (ReportOutcome.SUBSTANTIATED, ReportOutcome.UNFOUNDED):
        raise _error(codes.OUTCOME_REQUIRED)
    _not_in_future(resolved_on)
    if resolved_on < report.received_on:
        raise _error(codes.RESOLVED_BEFORE_RECEIVED)
    if accused is not None:
        report.accused = _accused_of(report.election, accused)
    report.outcome = outcome
    report.resolved_on = resolved_on
    report.resolution = _text(resolution)
    with transaction.atomic(), acting_as(by):
        report.full_clean()
        report.save()
        if outcome == ReportOutcome.SUBSTANTIATED and report.accused_id:
            _open_void_decisions(report, by)
    return report


def _open_void_decisions(report: DisciplineReport, by: User) -> None:
    """The accused's elected nominations in the report's election each get the county's void decision."""
    from candidates.models import Nomination
    from candidates.services import open_void_decision

    from .evidence import report_reason, report_text, report_url

    elected = Nomination.objects.filter(election=report.election, resident=report.accused, elected=True)
    for nomination in elected:
        open_void_decision(
            nomination=nomination,
            reason=report_reason(report),
            source_label=report_text(report),
            source_url=report_url(report),
            by=by,
        )


def open_plan(
    *,
    election: VillageElection,
    city_leader: str,
    county_leader: str,
    township_leader: str,
    work_team: str,
    stationed_on: date,
    by: User,
) -> RectificationPlan:
    """Open the rectification plan of a red village: three linked leaders (三级领导包联), a stationed team."""
    _require(by, PLAN, election.division_code)
    _not_in_future(stationed_on)
    plan = RectificationPlan(
        election=election,
        city_leader=_text(city_leader),
        county_leader=_text(county_leader),
        township_leader=_text(township_leader),
        work_team=_text(work_team),
        stationed_on=stationed_on,
        created_by=by,
    )
    plan.division_code = election.division_code
    with transaction.atomic(), acting_as(by):
        if (
            RectificationPlan.objects.select_for_update()
            .filter(election=election, status=PlanStatus.OPEN)
            .exists()
        ):
            raise _error(codes.PLAN_ALREADY_OPEN)
        plan.full_clean(validate_constraints=False)
        plan.save()
    return plan


def add_task(
    *, plan: RectificationPlan, description: str, owner: str, due_on: date, by: User
) -> RectificationTask:
    """Add a listed task (清单式任务) with its owner and due date to an open plan."""
    _require(by, PLAN, plan.division_code)
    if plan.status != PlanStatus.OPEN:
        raise _error(codes.PLAN_NOT_OPEN)
    task = RectificationTask(plan=plan, description=_text(description), owner=_text(owner), due_on=due_on)
    task.division_code = plan.division_code
    with transaction.atomic(), acting_as(by):
        task.full_clean()
        task.save()
    return task


def close_task(*, task: RectificationTask, closed_on: date, result: str, by: User) -> RectificationTask:
    """Close a task as done, with what was achieved; the week's closed tasks feed the false-rectification flag."""
    _require(by, PLAN, task.division_code)
    if task.closed_on is not None:
        raise _error(codes.TASK_ALREADY_CLOSED)
    if task.plan.status != PlanStatus.OPEN:
        raise _error(codes.PLAN_NOT_OPEN)
    _not_in_future(closed_on)
    task.closed_on = closed_on
    task.result = _text(result)
    with transaction.atomic(), acting_as(by):
        task.full_clean()
        task.save()
    return task


def close_out(*, plan: RectificationPlan, note: str, by: User, on: date | None = None) -> RectificationPlan:
    """销号: a county user closes out a red village's plan once every task is closed and the village is no
    longer red in its latest weekly rating. This lifts the lifecycle's gate (risk.selectors.red_village_open)
    and lowers the village's red flag (elections.red_flag), in the same transaction, trailed."""
    _require(by, CLOSE, plan.division_code)
    on = on or timezone.localdate()
    _not_in_future(on)
    with transaction.atomic(), acting_as(by):
        plan = RectificationPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.status != PlanStatus.OPEN:
            raise _error(codes.PLAN_NOT_OPEN)
        tasks = list(plan.tasks.values_list("closed_on", flat=True))
        if not tasks:
            raise _error(codes.NO_TASKS)
        if any(closed is None for closed in tasks):
            raise _error(codes.TASKS_OPEN)
        latest = latest_snapshot(plan.election)
        if latest is not None and latest.colour == Colour.RED:
            raise _error(codes.STILL_RED)
        plan.status = PlanStatus.CLOSED_OUT
        plan.closed_out_on = on
        plan.closed_out_by = by
        plan.close_out_note = (note or "").strip()[:300]
        plan.full_clean(validate_constraints=False)
        plan.save()
        # The red flag is lifted with the close-out (DOMAIN.md: 不销号、不启动换届), by its one writer.
        set_red_flag(election=plan.election, open=False, by=by)
    return plan


def record_interview(
    *,
    election: VillageElection,
    interviewee: str,
    post: str,
    held_on: date,
    reason: str,
    outcome: str,
    by: User,
) -> Interview:
    """Record an interview (约谈) of an official over a village whose rating does not improve or turned
    green without real rectification (DOMAIN.md): who, in which post, when, why, with what outcome."""
    _require(by, INTERVIEW, election.division_code)
    _not_in_future(held_on)
    interview = Interview(
        election=election,
        interviewee=_text(interviewee),
        post=_text(post),
        held_on=held_on,
        reason=reason,
        outcome=_text(outcome),
        recorded_by=by,
    )
    interview.division_code = election.division_code
    with transaction.atomic(), acting_as(by):
        interview.full_clean()
        interview.save()
    return interview
