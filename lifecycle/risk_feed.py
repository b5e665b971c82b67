"""What the workflow tells the risk rating, which stands below it and may not import it (ARCHITECTURE.md
"Floors"): registered as risk providers (risk.sources.register_provider) from LifecycleConfig.ready.

- the overdue statutory steps of each village (the indicator "overdue election steps", DOMAIN.md: "a roll
  published late, a candidate list published 4 days before, a handover on day 11 are violations to
  flag"): the steps with a deadline (lifecycle.deadlines) not done by it, as of the snapshot's Monday;
- the villages whose red close-out exception the county approved (the weekly recompute does not raise
  their red flag again: the gate "not red" lets them start, lifecycle.gates).

Set-based, like the progress board whose rules it applies (lifecycle.progress): a county's villages in a
fixed number of queries, whatever their number.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Max, QuerySet
from django.utils import timezone

from elections.models import ElectionCycle, VillageElection
from risk.sources import OVERDUE_STEPS, RED_CLOSE_OUT_APPROVED, SourceScope, register_provider

from . import deadlines, progress, records
from .models import DeadlineKind, ExceptionKind, ExceptionStatus, GateException, StepRecord

# A step done after the day it is rated on was still open that day: late or not yet due, it is judged as
# it stood then (the recompute of a past Monday gives what that Monday's rating would have said).
_STILL_OPEN_THEN = frozenset({deadlines.State.OVERDUE, deadlines.State.LATE})


def overdue_on(item: progress.StepState, day: date) -> bool:
    """Whether the step was past its deadline and not done on `day` (its evaluation as of `day`)."""
    due_on = item.evaluation.due_on
    if due_on is None or due_on >= day or item.state not in _STILL_OPEN_THEN:
        return False
    return item.done_on is None or item.done_on > day


def overdue_steps(
    *, elections: QuerySet[VillageElection], cycle: ElectionCycle, prefix: str, as_of: date
) -> list[tuple[progress.VillageProgress, int]]:
    """Each village of `elections` (of `cycle`, under `prefix`) with overdue statutory steps on `as_of`,
    and how many. The progress board's evaluation of that day (lifecycle.progress, the same rules and
    records), restricted to the steps that have a deadline: a step without one is never overdue, and the
    weekly recompute of a province evaluates a fifth of the checklist (eleven queries per county).
    Postponed villages are left out: their deadlines wait for a new date, as on the board."""
    steps = [s for s in progress.active_steps() if s.deadline_kind != DeadlineKind.NONE]
    rows = list(
        elections.exclude(stage__in=progress.UNFLAGGED_STAGES)
        .order_by("division_code")
        .values("id", "division_code", "stage", "election_day")
    )
    by_election: dict[int, dict[int, dict]] = defaultdict(dict)
    for record in (
        StepRecord.objects.filter(
            election__cycle=cycle, division_code__startswith=prefix, step__in=[s.pk for s in steps]
        )
        .order_by()
        .values(*progress.RECORD_FIELDS)
    ):
        by_election[record["election_id"]][record["step_id"]] = record
    facts = records.facts(cycle_id=cycle.pk, prefix=prefix)
    found = []
    for row in rows:
        village = progress._evaluate(
            row,
            steps=steps,
            records=by_election[row["id"]],
            facts=facts.get(row["id"], {}),
            cycle=cycle,
            today=as_of,
        )
        n = sum(1 for item in village.steps if overdue_on(item, as_of))
        if n:
            found.append((village, n))
    return found


def overdue_election_steps(scope: SourceScope) -> dict[str, int]:
    """The risk provider: {division code: overdue statutory steps} of the scope's villages."""
    elections = VillageElection.objects.filter(cycle=scope.cycle, division_code__startswith=scope.prefix)
    found = overdue_steps(elections=elections, cycle=scope.cycle, prefix=scope.prefix, as_of=scope.as_of)
    return {village.division_code: n for village, n in found}


def red_close_out_approved(scope: SourceScope) -> dict[str, date]:
    """The risk provider: {division code: day of the county's latest approval} of the scope's villages
    whose red close-out exception (GateException RED_CLOSE_OUT) was approved (one grouped query)."""
    rows = (
        GateException.objects.filter(
            election__cycle=scope.cycle,
            division_code__startswith=scope.prefix,
            kind=ExceptionKind.RED_CLOSE_OUT,
            status=ExceptionStatus.APPROVED,
        )
        .order_by()
        .values("division_code")
        .annotate(at=Max("decided_at"))
        .values_list("division_code", "at")
    )
    return {code: timezone.localdate(at) for code, at in rows}


def register() -> None:
    register_provider(OVERDUE_STEPS, overdue_election_steps)
    register_provider(RED_CLOSE_OUT_APPROVED, red_close_out_approved)
