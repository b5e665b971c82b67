"""Demo data of the workflow: villages spread across every stage, some steps late or overdue, some
villages red, postponed or waiting for the county — consistent with the gates.

Two phases around the other apps' demo steps:
- `schedule(ctx)` runs inside demo.base (before the rolls are built, so voters' ages fit the day):
  it picks a target stage per village (pilot villages that already voted get an election day in the past)
  and sets the cycle's training date;
- `seed(ctx)` runs after every app (seed_demo's last step): a village keeps its target beyond preparation
  only if its outgoing audit is completed (the audit gate), and beyond the Party election only if it has
  a roll to publish (the roll gate); the others fall back to preparation with their original day. It then
  writes the step records, roll publications, stage changes, exceptions and handovers in bulk, and the
  reminders of the to-do lists.
Deterministic for a given scale; it draws from its own random source, so the other apps' demo data stay
as they were.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from random import Random

from django.db.models import Count
from django.utils import timezone

from audits.models import AuditStatus, OutgoingAudit
from ballots.models import ElectionResult, ResultState, VotingMethod, VotingNotice
from candidates.choices import Body, NoticeKind
from candidates.models import NoticePublication
from elections.models import Region, Stage, VillageElection
from lifecycle import workflow
from lifecycle.models import (
    ExceptionKind,
    ExceptionStatus,
    GateException,
    Handover,
    HandoverCategory,
    HandoverItem,
    StageChange,
    StepDefinition,
    StepRecord,
    StepStatus,
)
from lifecycle.progress import STAGE_INDEX
from trail.services import record_bulk
from voters.models import RollPublication, Status, VoterRegistration

BATCH = 5000
PLAN_KEY = "lifecycle_plans"
# Target stages and their weights; the voted ones get an election day in the past (pilot villages).
TARGETS = [
    (Stage.PREPARATION, 30),
    (Stage.PARTY_ELECTION, 22),
    (Stage.COMMITTEE_ELECTION, 16),
    (Stage.SUPERVISION, 6),
    (Stage.HANDOVER, 9),
    (Stage.COMPLETED, 12),
    (Stage.POSTPONED, 3),
]
DAYS_FROM_TODAY = {
    Stage.COMMITTEE_ELECTION: (2, 24),
    Stage.SUPERVISION: (-6, -1),
    Stage.HANDOVER: (-25, -3),
    Stage.COMPLETED: (-70, -16),
}
# A voted stage needs its election day at least this many days back.
VOTED_FLOOR = [(Stage.COMPLETED, 16), (Stage.HANDOVER, 3), (Stage.SUPERVISION, 1)]
# The demo township officer's own villages take every stage in turn, so that one login shows them all.
ROUND_ROBIN = [
    Stage.COMPLETED,
    Stage.HANDOVER,
    Stage.COMMITTEE_ELECTION,
    Stage.SUPERVISION,
    Stage.PARTY_ELECTION,
    Stage.POSTPONED,
    Stage.COMPLETED,
    Stage.HANDOVER,
    Stage.PREPARATION,
    Stage.COMMITTEE_ELECTION,
]
HANDOVER_ITEMS = [
    (HandoverCategory.SEALS, "村党组织、村民委员会、村务监督委员会公章", "枚", 3),
    (HandoverCategory.ARCHIVES, "文书、会计档案", "卷", None),
    (HandoverCategory.FUNDS, "银行存款及现金", "元", None),
    (HandoverCategory.ASSETS, "集体房屋、设备等固定资产", "项", None),
    (HandoverCategory.RESOURCES, "集体土地、山林、水面", "亩", None),
]


def _rng(ctx) -> Random:
    return Random(f"lifecycle-{ctx.villages}")


def schedule(ctx) -> None:
    """Pick each village's target stage and move the election day of those that have already voted."""
    if ctx.cycle is None:
        return
    rng = _rng(ctx)
    ctx.cycle.training_due_on = date(ctx.cycle.year, 6, 30)
    ctx.cycle.save(update_fields=["training_due_on"])
    stages, weights = zip(*TARGETS, strict=True)
    plans, moved = {}, []
    township = getattr(ctx.users.get("township_office"), "region", None)
    own = 0
    elections = VillageElection.objects.filter(cycle=ctx.cycle).only("id", "division_code", "election_day")
    for election in elections.order_by("id"):
        target = rng.choices(stages, weights=weights)[0]
        if township is not None and election.division_code.startswith(township.prefix):
            target = ROUND_ROBIN[own % len(ROUND_ROBIN)]
            own += 1
        plans[election.pk] = (target, election.election_day)
        if target in DAYS_FROM_TODAY:
            low, high = DAYS_FROM_TODAY[target]
            election.election_day = ctx.today + timedelta(days=rng.randint(low, high))
            moved.append(election)
    VillageElection.objects.bulk_update(moved, ["election_day"], batch_size=BATCH)
    ctx.extra[PLAN_KEY] = plans


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


class _Writer:
    """Collects the rows of the seed and writes them in bulk."""

    def __init__(self, ctx, steps: dict[str, StepDefinition]):
        self.ctx, self.steps = ctx, steps
        self.township = ctx.users.get("township_office")
        self.county = ctx.users.get("county_reviewer")
        self.records: list[StepRecord] = []
        self.changes: list[tuple[StageChange, date]] = []
        self.exceptions: list[tuple[GateException, date | None]] = []
        self.rolls: list[RollPublication] = []
        self.handovers: list[tuple[Handover, bool]] = []
        self.red: list[int] = []
        self.notices: list[NoticePublication] = []
        self.results: list[ElectionResult] = []
        self.voting_notices: list[VotingNotice] = []

    def notice(self, election, kind: str, day: date) -> None:
        """A notice published on the candidates' page (the derived steps read it)."""
        self.notices.append(
            NoticePublication(
                election=election,
                division_code=election.division_code,
                kind=kind,
                published_on=min(day, self.ctx.today),
                published_by=self.township,
            )
        )

    def voting_notice(self, election, day: date) -> None:
        """The printable voting notice of the election day (ballots), published `day`."""
        self.voting_notices.append(
            VotingNotice(
                election=election,
                division_code=election.division_code,
                voting_on=election.election_day,
                starts_at=time(8, 0),
                ends_at=time(16, 0),
                method=VotingMethod.CENTRAL,
                place="村文化礼堂",
                published_on=min(day, self.ctx.today),
                published_by=self.township,
            )
        )

    def result(self, election, body: str, day: date, *, approved_on: date | None = None) -> None:
        """A vote counted and confirmed on the spot (and approved by the township). Interim: the
        tally sheets behind it come with the demo's ballots builder (issue 13, part 5)."""
        self.results.append(
            ElectionResult(
                election=election,
                division_code=election.division_code,
                body=body,
                round=1,
                state=ResultState.APPROVED if approved_on else ResultState.CONFIRMED,
                valid=True,
                data={"positions": []},
                counted_by=self.township,
                confirmed_by=self.township,
                confirmed_at=_at(min(day, self.ctx.today)),
                approved_by=self.township if approved_on else None,
                approved_at=_at(min(approved_on, self.ctx.today)) if approved_on else None,
            )
        )

    def done(self, election, code: str, day: date, note: str = "") -> None:
        day = min(day, self.ctx.today)
        self.records.append(
            StepRecord(
                election=election,
                step=self.steps[code],
                division_code=election.division_code,
                status=StepStatus.DONE,
                done_on=day,
                done_by=self.township,
                note=note,
            )
        )

    def not_applicable(self, election, code: str, note: str) -> None:
        self.records.append(
            StepRecord(
                election=election,
                step=self.steps[code],
                division_code=election.division_code,
                status=StepStatus.NOT_APPLICABLE,
                done_by=self.township,
                note=note,
            )
        )

    def moved(self, election, from_stage: str, to_stage: str, day: date, by=None, exception=None) -> None:
        change = StageChange(
            election=election,
            division_code=election.division_code,
            from_stage=from_stage,
            to_stage=to_stage,
            by=by or self.township,
            exception=exception,
        )
        self.changes.append((change, min(day, self.ctx.today)))


def _codes(stage: str, steps: dict[str, StepDefinition]) -> list[str]:
    return [
        code
        for code, s in sorted(steps.items(), key=lambda kv: kv[1].order)
        if s.stage == stage and not s.source
    ]


def seed(ctx) -> None:
    plans = ctx.extra.get(PLAN_KEY)
    if ctx.cycle is None or not plans or ctx.users.get("township_office") is None:
        return
    rng, today = _rng(ctx), ctx.today
    steps = {s.code: s for s in StepDefinition.objects.filter(is_active=True, region__isnull=True)}
    if not {"voting_held", "committee_result_approved"} <= set(steps):
        return  # the checklist is not loaded (a flushed database): nothing consistent can be built
    audited = dict(
        OutgoingAudit.objects.filter(election__cycle=ctx.cycle, status=AuditStatus.COMPLETED).values_list(
            "election_id", "completed_on"
        )
    )
    voters = dict(
        VoterRegistration.objects.filter(cycle=ctx.cycle, status=Status.REGISTERED)
        .order_by()
        .values("election_id")
        .annotate(n=Count("id"))
        .values_list("election_id", "n")
    )
    writer = _Writer(ctx, steps)
    restored, stages = [], {}
    elections = VillageElection.objects.filter(cycle=ctx.cycle).order_by("id")
    for election in elections.iterator(chunk_size=BATCH):
        target, original_day = plans.get(election.pk, (Stage.PREPARATION, election.election_day))
        if target not in (Stage.PREPARATION, Stage.POSTPONED) and election.pk not in audited:
            target = Stage.PREPARATION  # the audit gate
        voted = STAGE_INDEX.get(target, 0) >= STAGE_INDEX[Stage.SUPERVISION]
        earliest = audited.get(election.pk, today) + timedelta(days=21)  # audit, Party election, roll
        if voted and election.election_day < earliest:
            # Audited too late for that day: the vote came later (a later day keeps every voter of age),
            # and the village got as far as that day allows.
            election.election_day = earliest + timedelta(days=rng.randint(0, 4))
            restored.append(election)
            target = next(
                (
                    s
                    for s, low in VOTED_FLOOR
                    if STAGE_INDEX[s] <= STAGE_INDEX[target]
                    and election.election_day <= today - timedelta(days=low)
                ),
                Stage.PARTY_ELECTION,
            )
        if STAGE_INDEX.get(target, 0) >= STAGE_INDEX[Stage.COMMITTEE_ELECTION] and not voters.get(
            election.pk
        ):
            target = (
                Stage.PARTY_ELECTION if election.pk in audited else Stage.PREPARATION
            )  # no roll to publish
        if target in (Stage.PREPARATION, Stage.PARTY_ELECTION) and election.election_day != original_day:
            election.election_day = original_day
            if election not in restored:
                restored.append(election)
        stages[election.pk] = target
        _village(writer, rng, election, target, audited.get(election.pk), voters.get(election.pk, 0))
    VillageElection.objects.bulk_update(restored, ["election_day"], batch_size=BATCH)
    for stage in Stage.values:
        ids = [pk for pk, s in stages.items() if s == stage]
        for start in range(0, len(ids), BATCH):
            VillageElection.objects.filter(pk__in=ids[start : start + BATCH]).update(stage=stage)
    for start in range(0, len(writer.red), BATCH):
        VillageElection.objects.filter(pk__in=writer.red[start : start + BATCH]).update(risk_red_open=True)
    _write(writer)
    counties = Region.objects.filter(level="county", code__startswith=ctx.cycle.region.prefix)
    for code in counties.values_list("code", flat=True):
        workflow.refresh_reminders(cycle=ctx.cycle, prefix=code[:6], today=today)
    record_bulk(
        actor=None,
        action="seed",
        model=StepRecord,
        division_code=ctx.cycle.region.code,
        summary="演示数据：换届流程（阶段、步骤、交接、例外审批）",
        counts={
            "villages": len(stages),
            "step_records": len(writer.records),
            "stage_changes": len(writer.changes),
            "exceptions": len(writer.exceptions),
            "handovers": len(writer.handovers),
        },
    )


def _village(
    writer: _Writer, rng: Random, election, target: str, audited_on: date | None, voters: int
) -> None:
    """The records of one village that has reached `target`, dated backwards from its election day."""
    today = writer.ctx.today
    start = writer.ctx.cycle.starts_on
    prep = _codes(Stage.PREPARATION, writer.steps)
    if target == Stage.POSTPONED:
        _postponed(writer, rng, election, prep)
        return
    index = STAGE_INDEX[target]
    if index == 0:
        election_red = rng.random() < 0.06
        for code in prep:
            if rng.random() < 0.5:
                writer.done(election, code, start + timedelta(days=rng.randint(3, 20)))
        if election_red:
            writer.red.append(election.pk)
            # Some ask the county to close them out, some to postpone: the county's approvals to do.
            kind, reason = rng.choice(
                [
                    (ExceptionKind.RED_CLOSE_OUT, "集中整顿完成，县乡村三级验收，申请销号"),
                    (ExceptionKind.POSTPONEMENT, "信访矛盾突出，宗族势力干扰，申请暂缓换届"),
                    (None, ""),
                ]
            )
            if kind:
                writer.exceptions.append(
                    (
                        GateException(
                            election=election,
                            division_code=election.division_code,
                            kind=kind,
                            reason=reason,
                            requested_by=writer.township,
                        ),
                        None,
                    )
                )
        return
    day = election.election_day
    prep_done = audited_on or start + timedelta(days=20)
    for code in prep:
        if code == "prep_rectification":
            writer.not_applicable(election, code, "绿色村，无需集中整顿")
        elif rng.random() < 0.96:  # a few preparation steps were never recorded: flagged as missing
            writer.done(election, code, start + timedelta(days=rng.randint(2, 25)))
    party_start = max(prep_done, start) + timedelta(days=1)
    writer.moved(election, Stage.PREPARATION, Stage.PARTY_ELECTION, party_start)
    party = _codes(Stage.PARTY_ELECTION, writer.steps)
    if index == 1:
        for i, code in enumerate(party[: rng.randint(0, len(party) - 1)]):
            writer.done(election, code, party_start + timedelta(days=2 + 3 * i))
        return
    # The committee election starts about four weeks before election day, after the Party election.
    committee_start = min(max(day - timedelta(days=28), party_start + timedelta(days=6)), today)
    span = max((committee_start - party_start).days - 1, 0)
    for i, code in enumerate(party):
        writer.done(election, code, party_start + timedelta(days=1 + span * i // len(party)))
    writer.notice(election, NoticeKind.PRELIMINARY, party_start + timedelta(days=1 + span // 2))
    party_vote = party_start + timedelta(days=1 + span * 3 // 4)
    writer.result(election, Body.PARTY, party_vote, approved_on=party_vote + timedelta(days=1))
    writer.moved(election, Stage.PARTY_ELECTION, Stage.COMMITTEE_ELECTION, committee_start)
    writer.done(election, "committee_election_committee", committee_start + timedelta(days=1))
    writer.done(election, "committee_plan", committee_start + timedelta(days=2))
    voted = index >= STAGE_INDEX[Stage.SUPERVISION]
    roll_day = day - timedelta(days=rng.randint(20, 26) if voted else rng.choice([19, 20, 21, 22, 23]))
    if roll_day <= today and (voted or rng.random() < 0.8):
        writer.rolls.append(
            RollPublication(
                election=election,
                division_code=election.division_code,
                published_on=roll_day,
                voters=voters,
                published_by=writer.township,
            )
        )
        writer.not_applicable(election, "roll_objections", "公布期间未收到申诉")
    for code, offset in (("nomination", 12), ("committee_review", 8)):
        if day - timedelta(days=offset) <= today:
            writer.done(election, code, day - timedelta(days=offset))
    candidates_day = day - timedelta(days=rng.randint(5, 7))
    if candidates_day <= today and (voted or rng.random() < 0.75):
        writer.notice(election, NoticeKind.FORMAL, candidates_day)
    notice_day = day - timedelta(days=rng.randint(3, 4))
    if notice_day <= today and (voted or rng.random() < 0.75):
        writer.voting_notice(election, notice_day)
    if not voted:
        return
    approved = index >= STAGE_INDEX[Stage.HANDOVER] or rng.random() < 0.5
    writer.result(election, Body.COMMITTEE, day, approved_on=day + timedelta(days=1) if approved else None)
    writer.moved(election, Stage.COMMITTEE_ELECTION, Stage.SUPERVISION, day)
    if index == STAGE_INDEX[Stage.SUPERVISION]:
        if rng.random() < 0.5:
            writer.done(election, "supervision_elected", day + timedelta(days=1))
        return
    writer.done(election, "supervision_elected", day + timedelta(days=1))
    writer.done(election, "supporting_bodies", day + timedelta(days=2))
    writer.moved(election, Stage.SUPERVISION, Stage.HANDOVER, day + timedelta(days=2))
    completed = index == STAGE_INDEX[Stage.COMPLETED]
    # Most hand over within the 10 days; about one in eight is a day or two late (flagged).
    handed = day + timedelta(days=rng.randint(3, 10) if rng.random() < 0.88 else rng.randint(11, 12))
    signed = completed or (handed <= today and rng.random() < 0.3)
    handover = Handover(
        election=election,
        division_code=election.division_code,
        result_on=day,
        handed_over_on=min(handed, today) if signed else None,
        outgoing_signatory=rng.choice("王李张刘陈杨黄赵吴周") + "书记" if signed else "",
        incoming_signatory=rng.choice("徐孙朱胡郭何高林罗郑") + "书记" if signed else "",
        witness="乡镇包村干部" if signed else "",
        signed_off_by=writer.township if signed else None,
    )
    writer.handovers.append((handover, signed))
    if not completed:
        return
    writer.done(election, "duties_divided", handed + timedelta(days=1))
    writer.done(election, "summary_report", handed + timedelta(days=rng.randint(3, 8)))
    if rng.random() < 0.8:
        writer.done(election, "archive_filed", handed + timedelta(days=rng.randint(5, 12)))
    if rng.random() < 0.4:
        writer.done(election, "pre_service_training", handed + timedelta(days=rng.randint(3, 15)))
    writer.moved(election, Stage.HANDOVER, Stage.COMPLETED, min(handed + timedelta(days=1), today))


def _postponed(writer: _Writer, rng: Random, election, prep: list[str]) -> None:
    """A red village the county allowed to postpone: rectification under way, a work team stationed."""
    start = writer.ctx.cycle.starts_on
    writer.red.append(election.pk)
    for code in prep[:4]:
        writer.done(election, code, start + timedelta(days=rng.randint(2, 15)))
    decided = start + timedelta(days=rng.randint(16, 24))
    exception = GateException(
        election=election,
        division_code=election.division_code,
        kind=ExceptionKind.POSTPONEMENT,
        status=ExceptionStatus.APPROVED,
        reason="选情特别复杂，信访积案突出，报请县委批准暂缓换届，派驻工作组集中整顿",
        requested_by=writer.township,
        decided_by=writer.county or writer.township,
        decided_at=_at(decided),
        decision_note="同意暂缓，整顿销号后再启动换届",
    )
    writer.exceptions.append((exception, decided))
    writer.moved(election, Stage.PREPARATION, Stage.POSTPONED, decided, by=writer.county, exception=exception)


def _write(writer: _Writer) -> None:
    rng = Random("lifecycle-handover")
    StepRecord.objects.bulk_create(writer.records, batch_size=BATCH)
    RollPublication.objects.bulk_create(writer.rolls, batch_size=BATCH)
    NoticePublication.objects.bulk_create(writer.notices, batch_size=BATCH)
    ElectionResult.objects.bulk_create(writer.results, batch_size=BATCH)
    VotingNotice.objects.bulk_create(writer.voting_notices, batch_size=BATCH)
    exceptions = GateException.objects.bulk_create([e for e, _d in writer.exceptions], batch_size=BATCH)
    for exception, (_e, day) in zip(exceptions, writer.exceptions, strict=True):
        exception.requested_at = (
            _at(day - timedelta(days=3)) if day else _at(writer.ctx.today - timedelta(days=1))
        )
    GateException.objects.bulk_update(exceptions, ["requested_at"], batch_size=BATCH)
    changes = StageChange.objects.bulk_create([c for c, _d in writer.changes], batch_size=BATCH)
    for change, (_c, day) in zip(changes, writer.changes, strict=True):
        change.at = _at(day)  # bulk_update skips auto_now_add: the history keeps its own dates
    StageChange.objects.bulk_update(changes, ["at"], batch_size=BATCH)
    handovers = [h for h, _s in writer.handovers]
    for handover, signed in writer.handovers:
        if signed:
            handover.signed_off_at = _at(handover.handed_over_on)
    handovers = Handover.objects.bulk_create(handovers, batch_size=BATCH)
    items = []
    for handover, (_h, signed) in zip(handovers, writer.handovers, strict=True):
        for category, description, unit, fixed in HANDOVER_ITEMS:
            listed = Decimal(fixed if fixed is not None else rng.randint(20, 400))
            if category == HandoverCategory.FUNDS:
                listed = Decimal(rng.randint(5_000_000, 90_000_000)) / 100
            items.append(
                HandoverItem(
                    handover=handover,
                    division_code=handover.division_code,
                    category=category,
                    description=description,
                    unit=unit,
                    quantity_listed=listed,
                    quantity_received=listed if signed or rng.random() < 0.5 else None,
                )
            )
    HandoverItem.objects.bulk_create(items, batch_size=BATCH)
