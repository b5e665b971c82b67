"""Reads of the workflow: each village's checklist with its deadlines, late and missing steps per village,
township and county, the progress board, the timeline and the to-do list.

Set-based: a region's villages are evaluated from one query each for the step definitions, the elections,
the step records and the derived facts (lifecycle.records), whatever the number of villages; the
deadline rules themselves are the pure functions of lifecycle.deadlines.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import may
from elections.models import STAGE_ORDER, ElectionCycle, Region, Stage, VillageElection
from elections.regions import PREFIX_LENGTH

from . import deadlines, records
from .models import (
    ExceptionStatus,
    GateException,
    Reminder,
    StageChange,
    StepDefinition,
    StepRecord,
    StepSource,
    StepStatus,
)
from .records import opened_on as derived_opened_on

STAGE_INDEX = {stage: i for i, stage in enumerate(STAGE_ORDER)}
VOTED_STAGES = frozenset({Stage.SUPERVISION, Stage.HANDOVER, Stage.COMPLETED})
# Postponed elections wait for a new date: their deadlines are not flagged until they resume.
UNFLAGGED_STAGES = frozenset({Stage.POSTPONED})
STATE_LABELS = {
    deadlines.State.PENDING: _("Pending"),
    deadlines.State.DUE_SOON: _("Due soon"),
    deadlines.State.OVERDUE: _("Overdue"),
    deadlines.State.MISSING: _("Missing"),
    deadlines.State.DONE: _("Done"),
    deadlines.State.ON_TIME: _("Done on time"),
    deadlines.State.LATE: _("Done late"),
    deadlines.State.NOT_APPLICABLE: _("Not applicable"),
}
CHILD_LEVEL = {"province": "city", "city": "county", "county": "township", "township": "village"}


@dataclass
class StepState:
    """One step of one village: its definition, its record (if any), the date done and its evaluation."""

    step: StepDefinition
    record: dict | None
    done_on: date | None
    evaluation: deadlines.Evaluation

    @property
    def state(self) -> str:
        return self.evaluation.state

    @property
    def label(self):
        return STATE_LABELS[self.evaluation.state]


@dataclass
class VillageProgress:
    election_id: int
    division_code: str
    name: str
    township: str
    stage: str
    election_day: date | None
    steps: list[StepState] = field(default_factory=list)
    today: date | None = None

    @property
    def stage_label(self) -> str:
        return str(Stage(self.stage).label)

    @property
    def next_deadline(self) -> StepState | None:
        """The statutory deadline this village meets next: the earliest due date among its steps not yet
        done (an overdue one first). None for a postponed village (its deadlines wait for a new date) and
        for one with nothing dated left to do."""
        if self.stage in UNFLAGGED_STAGES:
            return None
        open_steps = [
            s for s in self.steps if s.state in deadlines.OPEN_STATES and s.evaluation.due_on is not None
        ]
        return min(open_steps, key=lambda s: (s.evaluation.due_on, s.step.order), default=None)

    @property
    def days_left(self) -> int | None:
        """Days from today to the next deadline: 0 on the day itself, negative once overdue."""
        nxt = self.next_deadline
        if nxt is None or self.today is None:
            return None
        return (nxt.evaluation.due_on - self.today).days

    @property
    def days_overdue(self) -> int:
        left = self.days_left
        return -left if left is not None and left < 0 else 0

    @property
    def flagged(self) -> list[StepState]:
        if self.stage in UNFLAGGED_STAGES:
            return []
        return [s for s in self.steps if s.evaluation.flagged]

    def count(self, state: str) -> int:
        if self.stage in UNFLAGGED_STAGES:
            return 0
        return sum(1 for s in self.steps if s.state == state)

    @property
    def stage_cells(self) -> list[str]:
        """One mark per stage of STAGE_ORDER for the board: "passed", "at" or ""."""
        at = STAGE_INDEX.get(self.stage, -1)
        return ["at" if i == at else "passed" if i < at else "" for i in range(len(STAGE_ORDER))]

    @property
    def overdue_count(self) -> int:
        return self.count(deadlines.State.OVERDUE)

    @property
    def late_count(self) -> int:
        return self.count(deadlines.State.LATE)

    @property
    def missing_count(self) -> int:
        return self.count(deadlines.State.MISSING)


def active_steps() -> list[StepDefinition]:
    return list(
        StepDefinition.objects.filter(is_active=True).select_related("region").order_by("order", "code")
    )


def applies(step: StepDefinition, division_code: str) -> bool:
    return step.region_id is None or division_code.startswith(step.region.prefix)


def _deadline_days(step: StepDefinition, cycle: ElectionCycle) -> int | None:
    if step.deadline_setting:
        return getattr(cycle, step.deadline_setting)
    return step.deadline_days


def deadline_in_words(step: StepDefinition, cycle: ElectionCycle) -> str:
    """The step's deadline rule as a clerk reads it, with its N ("选举日前20日"; 0 days before: election
    day itself)."""
    days = _deadline_days(step, cycle)
    kind = deadlines.Kind(step.deadline_kind)
    if kind in (deadlines.Kind.NONE, deadlines.Kind.CYCLE_DATE) or days is None:
        return str(step.get_deadline_kind_display())
    if kind == deadlines.Kind.BEFORE_ELECTION:
        if days == 0:
            return str(_("On election day"))
        return str(_("%(days)s days before election day at the latest")) % {"days": days}
    if kind == deadlines.Kind.AFTER_RESULT:
        return str(_("Within %(days)s days of the election result")) % {"days": days}
    return str(_("Within %(days)s days of the date it was opened")) % {"days": days}


def result_date(*, stage: str, election_day: date | None, voting_done_on: date | None) -> date | None:
    """The day of the villagers' committee result, from which the handover's days run: the date the vote
    was recorded, or election day for an election past the vote without that record."""
    if voting_done_on is not None:
        return voting_done_on
    return election_day if stage in VOTED_STAGES else None


def _evaluate(
    row: dict,
    *,
    steps: list[StepDefinition],
    records: dict[int, dict],
    facts: dict[str, date],
    cycle: ElectionCycle,
    today: date,
) -> VillageProgress:
    stage = row["stage"]
    result_on = result_date(
        stage=stage, election_day=row["election_day"], voting_done_on=facts.get(StepSource.VOTE_COUNTED)
    )
    progress = VillageProgress(
        election_id=row["id"],
        division_code=row["division_code"],
        name=row.get("village__name", ""),
        township=row.get("village__parent__name", ""),
        stage=stage,
        election_day=row["election_day"],
        today=today,
    )
    cycle_date = cycle.training_due_on or cycle.ends_on
    for step in steps:
        if not applies(step, row["division_code"]):
            continue
        record = records.get(step.id)
        if step.source:
            done_on = facts.get(step.source)
        else:
            done_on = record["done_on"] if record and record["status"] == StepStatus.DONE else None
        due_on = deadlines.due_date(
            step.deadline_kind,
            _deadline_days(step, cycle),
            election_day=row["election_day"],
            result_on=result_on,
            opened_on=derived_opened_on(facts, step.source)
            if step.source
            else (record["opened_on"] if record else None),
            cycle_date=cycle_date,
        )
        passed = (
            step.required
            and stage in STAGE_INDEX
            and STAGE_INDEX[stage] > STAGE_INDEX.get(step.stage, len(STAGE_ORDER))
        )
        evaluation = deadlines.evaluate(
            due_on=due_on,
            done_on=done_on,
            today=today,
            window=cycle.reminder_days,
            not_applicable=bool(record and record["status"] == StepStatus.NOT_APPLICABLE and not step.source),
            stage_passed=passed,
        )
        progress.steps.append(StepState(step=step, record=record, done_on=done_on, evaluation=evaluation))
    return progress


RECORD_FIELDS = (
    "id",
    "election_id",
    "step_id",
    "status",
    "opened_on",
    "done_on",
    "note",
    "done_by__display_name",
)


def evaluate_region(
    *,
    elections: QuerySet[VillageElection],
    cycle: ElectionCycle,
    prefix: str,
    today: date | None = None,
    facts: dict[int, records.Facts] | None = None,
) -> list[VillageProgress]:
    """Every election of `elections` (already scoped and filtered to `prefix`) with its evaluated steps.

    Eleven queries whatever the number of villages: step definitions, elections, step records, and the
    eight reads of the records behind the derived steps (lifecycle.records; none when `facts` is given).
    """
    today = today or timezone.localdate()
    steps = active_steps()
    rows = list(
        elections.order_by("division_code").values(
            "id", "division_code", "stage", "election_day", "village__name", "village__parent__name"
        )
    )
    by_election: dict[int, dict[int, dict]] = defaultdict(dict)
    for record in (
        StepRecord.objects.filter(election__cycle=cycle, division_code__startswith=prefix)
        .order_by()
        .values(*RECORD_FIELDS)
    ):
        by_election[record["election_id"]][record["step_id"]] = record
    if facts is None:
        facts = records.facts(cycle_id=cycle.pk, prefix=prefix)
    return [
        _evaluate(
            row,
            steps=steps,
            records=by_election[row["id"]],
            facts=facts.get(row["id"], {}),
            cycle=cycle,
            today=today,
        )
        for row in rows
    ]


def village_checklist(*, election: VillageElection, today: date | None = None) -> VillageProgress:
    """One village's checklist with every step's state, for its workflow page."""
    qs = VillageElection.objects.filter(pk=election.pk)
    return evaluate_region(elections=qs, cycle=election.cycle, prefix=election.division_code, today=today)[0]


def records_with_documents(*, election: VillageElection) -> dict[int, StepRecord]:
    """The village's step records by step id, with their documents (two queries)."""
    return {
        r.step_id: r
        for r in StepRecord.objects.filter(election=election)
        .select_related("done_by")
        .prefetch_related("documents")
    }


@dataclass
class RegionRow:
    region: Region
    total: int = 0
    stages: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    late: int = 0
    missing: int = 0
    due_soon: int = 0
    villages_flagged: int = 0
    held: int = 0  # villages held by a gate on the way to their next stage (lifecycle.holds)

    def stage_counts(self) -> list[int]:
        return [self.stages.get(s, 0) for s in Stage.values]

    def stage_cells(self) -> list[tuple[str, int]]:
        """(stage, villages) in the order of Stage, postponed last: the cells of the stage table."""
        return [(s, self.stages.get(s, 0)) for s in Stage.values]


def total_row(region: Region, rows: list[RegionRow]) -> RegionRow:
    """The region's own row under its children's: every count summed."""
    total = RegionRow(region=region)
    for row in rows:
        total.total += row.total
        for stage, n in row.stages.items():
            total.stages[stage] = total.stages.get(stage, 0) + n
        total.overdue += row.overdue
        total.late += row.late
        total.missing += row.missing
        total.due_soon += row.due_soon
        total.villages_flagged += row.villages_flagged
        total.held += row.held
    return total


def by_urgency(villages: list[VillageProgress]) -> list[VillageProgress]:
    """Villages with a next deadline, the most overdue (fewest days left) first; ties by division code."""
    dated = [v for v in villages if v.days_left is not None]
    return sorted(dated, key=lambda v: (v.days_left, v.division_code))


def region_elections(*, user: User, region: Region, cycle: ElectionCycle) -> QuerySet[VillageElection]:
    """The elections of a cycle under `region` that `user` may see (the one scope, accounts.scoping)."""
    return VillageElection.objects.visible_to(user).filter(
        cycle=cycle, division_code__startswith=region.prefix
    )


def board(
    *,
    user: User,
    region: Region,
    cycle: ElectionCycle,
    today: date | None = None,
    facts: dict[int, records.Facts] | None = None,
) -> tuple[list[RegionRow], list[VillageProgress]]:
    """The progress board of a region: one row per child region (per village for a township) with the
    elections per stage and the overdue, late and missing steps, plus every village's progress."""
    elections = region_elections(user=user, region=region, cycle=cycle)
    villages = evaluate_region(
        elections=elections, cycle=cycle, prefix=region.prefix, today=today, facts=facts
    )
    child_level = CHILD_LEVEL.get(region.level)
    if child_level is None:
        return [], villages
    children = {r.prefix: r for r in Region.objects.visible_to(user).filter(parent=region).order_by("code")}
    length = PREFIX_LENGTH[child_level]
    rows = {prefix: RegionRow(region=child) for prefix, child in children.items()}
    for village in villages:
        row = rows.get(village.division_code[:length])
        if row is None:
            continue
        row.total += 1
        row.stages[village.stage] = row.stages.get(village.stage, 0) + 1
        row.overdue += village.count(deadlines.State.OVERDUE)
        row.late += village.count(deadlines.State.LATE)
        row.missing += village.count(deadlines.State.MISSING)
        row.due_soon += village.count(deadlines.State.DUE_SOON)
        row.villages_flagged += bool(village.flagged)
    return list(rows.values()), villages


@dataclass
class FlaggedItem:
    village: VillageProgress
    step: StepState


def flagged_items(villages: list[VillageProgress], *, state: str | None = None) -> list[FlaggedItem]:
    """Late, overdue and missing steps, the most days first (overdue before late at equal days)."""
    items = [
        FlaggedItem(village=v, step=s)
        for v in villages
        for s in v.flagged
        if state is None or s.state == state
    ]
    order = {deadlines.State.OVERDUE: 0, deadlines.State.MISSING: 1, deadlines.State.LATE: 2}
    items.sort(key=lambda i: (order[i.step.state], -i.step.evaluation.days, i.village.division_code))
    return items


@dataclass
class TimelineEntry:
    day: date
    kind: str  # "stage" | "step" | "deadline" | "exception"
    title: str
    detail: str = ""
    state: str = ""


def timeline(*, election: VillageElection, checklist: VillageProgress) -> list[TimelineEntry]:
    """A village's history and coming deadlines on one line: stage moves, steps done, exceptions decided,
    and the due dates of what is still open."""
    entries: list[TimelineEntry] = []
    for change in StageChange.objects.filter(election=election).select_related("by"):
        entries.append(
            TimelineEntry(
                day=timezone.localdate(change.at),
                kind="stage",
                title=f"{change.get_from_stage_display()} → {change.get_to_stage_display()}",
                detail=str(change.by or ""),
            )
        )
    for item in checklist.steps:
        if item.done_on:
            entries.append(
                TimelineEntry(day=item.done_on, kind="step", title=item.step.title, state=item.state)
            )
        elif item.evaluation.due_on and item.state in deadlines.OPEN_STATES:
            entries.append(
                TimelineEntry(
                    day=item.evaluation.due_on, kind="deadline", title=item.step.title, state=item.state
                )
            )
    for exception in GateException.objects.filter(election=election).exclude(decided_at__isnull=True):
        entries.append(
            TimelineEntry(
                day=timezone.localdate(exception.decided_at),
                kind="exception",
                title=exception.get_kind_display(),
                detail=exception.get_status_display(),
            )
        )
    if election.election_day:
        entries.append(TimelineEntry(day=election.election_day, kind="election_day", title=""))
    entries.sort(key=lambda e: (e.day, e.kind != "stage"))
    return entries


def stage_before_postponement(election: VillageElection) -> str | None:
    change = (
        StageChange.objects.filter(election=election, to_stage=Stage.POSTPONED).order_by("-at", "-id").first()
    )
    return change.from_stage if change else None


# The to-do list ------------------------------------------------------------------------------------------

TODO_LIMIT = 15


def can_decide_exceptions(user: User) -> bool:
    return may(user, "lifecycle.decide_exception")


def pending_exceptions(*, user: User) -> QuerySet[GateException]:
    """Exceptions waiting for the county: the county's approvals, the township's open requests."""
    return (
        GateException.objects.visible_to(user)
        .filter(status=ExceptionStatus.REQUESTED)
        .select_related("election__village__parent", "requested_by")
        .order_by("requested_at")
    )


def todo(*, user: User, cycle: ElectionCycle | None, election: VillageElection | None = None) -> dict:
    """What waits for the user: steps due within the cycle's window or overdue (the daily reminders), and
    the exceptions waiting for a decision (the county's own approvals); of one village on its own page."""
    if cycle is None or not may(user, "lifecycle.todo"):
        return {"reminders": [], "reminder_count": 0, "approvals": [], "approval_count": 0}
    reminders = (
        Reminder.objects.visible_to(user)
        .filter(election__cycle=cycle)
        .select_related("step", "election__village__parent")
        .order_by("due_on", "division_code")
    )
    approvals = pending_exceptions(user=user) if can_decide_exceptions(user) else GateException.objects.none()
    if election is not None:
        reminders, approvals = reminders.filter(election=election), approvals.filter(election=election)
    # Reminders are rebuilt daily and whenever a step is recorded here; a derived step's record is made in
    # another app (a notice, a count), so the page drops the reminders whose record exists by now.
    listed = list(reminders[: TODO_LIMIT * 2])
    derived = [r for r in listed if r.step.source]
    done = records.facts_for({r.election_id for r in derived}) if derived else {}
    stale = {r.pk for r in derived if r.step.source in done.get(r.election_id, {})}
    return {
        "reminders": [r for r in listed if r.pk not in stale][:TODO_LIMIT],
        "reminder_count": reminders.count() - len(stale),
        "approvals": list(approvals[:TODO_LIMIT]),
        "approval_count": approvals.count(),
    }
