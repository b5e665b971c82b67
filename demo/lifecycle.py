"""Demo data of the workflow: villages spread over every stage, each with exactly the records its stage
implies (the gates of lifecycle.gates and the derived steps of lifecycle.records), checked by
lifecycle.consistency.

Two phases around the other apps' demo steps:
- `schedule(ctx)` runs inside demo.base, before every other app: it gives each village its stage (dozens
  in each; the township office's villages take every stage in turn) and the dates of its story (audit,
  Party election, roll, lists, notice, vote), which every builder then follows: demo.audits completes the
  audit of every village past preparation, demo.risk keeps red only the villages still in preparation or
  postponed, demo.candidates vets and lists the nominees of the villages that vote, demo.ballots counts
  their votes;
- `seed(ctx)` runs last: the step records, roll publications, notices, stage changes, exceptions and
  handovers, the stages themselves, the red flags (through elections.red_flag) and the to-do reminders.
Deterministic for a given scale; it draws from its own random source.
"""

from __future__ import annotations

import importlib
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from random import Random

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.roles import Role
from candidates.choices import NoticeKind
from candidates.models import NoticePublication
from demo.base import demo_password_hash, insert_objects
from demo.voters import registrations
from elections.models import Region, Stage, VillageElection
from elections.red_flag import sync_red_flags
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
from voters.models import RollPublication

BATCH = 5000
PLAN_KEY = "lifecycle_plans"
# The share of villages in each stage (the township office's own villages take every stage in turn).
SHARES = [
    (Stage.PREPARATION, 20),
    (Stage.PARTY_ELECTION, 14),
    (Stage.COMMITTEE_ELECTION, 22),
    (Stage.SUPERVISION, 10),
    (Stage.HANDOVER, 13),
    (Stage.COMPLETED, 19.5),
    (Stage.POSTPONED, 1.5),
]
# The villages of the villagers' committee stage whose election night the demo shows (demo.ballots): voting
# today and the count at each of its points (boxes set up, sheets entered once, two entries that differ,
# reconciled with a warning acknowledged), then those that voted a day or three ago and must vote again
# (a further round for a seat left, a vote void for low turnout). Three villages each, four in a demo of a
# county or more (a village whose lists cannot be drawn up falls back), the township office's own first.
TONIGHT = ("boxes", "entered", "mismatch", "reconciled")
AGAIN = ("further_round", "void")
# Villages of the handover stage whose first round left a seat that a further round on the day filled.
FURTHER_ROUND_HELD = 3
RED_IN_PREPARATION = 0.08  # of the villages in preparation, red and not closed out
ROUND_ROBIN = [
    Stage.COMMITTEE_ELECTION,
    Stage.HANDOVER,
    Stage.PARTY_ELECTION,
    Stage.SUPERVISION,
    Stage.COMMITTEE_ELECTION,
    Stage.PREPARATION,
    Stage.COMPLETED,
    Stage.COMMITTEE_ELECTION,
    Stage.POSTPONED,
    Stage.HANDOVER,
    Stage.PREPARATION,
    Stage.COMPLETED,
]
HANDOVER_ITEMS = [
    (HandoverCategory.SEALS, "村党组织、村民委员会、村务监督委员会公章", "枚", 3),
    (HandoverCategory.ARCHIVES, "文书、会计档案", "卷", None),
    (HandoverCategory.FUNDS, "银行存款及现金", "元", None),
    (HandoverCategory.ASSETS, "集体房屋、设备等固定资产", "项", None),
    (HandoverCategory.RESOURCES, "集体土地、山林、水面", "亩", None),
]
# The checklist's data migrations, re-run when a flushed database has lost their rows.
CHECKLIST_MIGRATIONS = (
    ("elections.migrations.0003_default_steps", "load"),
    ("lifecycle.migrations.0002_derived_steps", "derive"),
    ("lifecycle.migrations.0003_voting_notice_step", "derive"),
)


@dataclass
class VillagePlan:
    """One village's stage and the dates of its story so far (None: not yet happened)."""

    election_id: int
    code: str
    stage: str
    day: date
    red: bool = False  # red and not closed out (preparation or postponed)
    request: str = ""  # a red village's pending request to the county (an ExceptionKind)
    special: str = ""  # "clerk", one of TONIGHT or AGAIN, or "further_round_held" (demo.ballots)
    audit_on: date | None = None
    party_start: date | None = None
    preliminary_on: date | None = None
    party_vote: date | None = None
    committee_start: date | None = None
    roll_on: date | None = None
    formal_on: date | None = None
    notice_on: date | None = None

    @property
    def index(self) -> int:
        return STAGE_INDEX.get(self.stage, -1)

    @property
    def past_preparation(self) -> bool:
        return self.index >= 1

    @property
    def voted(self) -> bool:
        """The villagers' vote was held, counted and confirmed (every seat filled)."""
        return self.index >= STAGE_INDEX[Stage.SUPERVISION]

    @property
    def polled(self) -> bool:
        """The villagers' vote was held: the voted ones, those counting it tonight and those that must
        vote again."""
        return self.voted or self.special in TONIGHT + AGAIN

    def demote_to_party_election(self) -> None:
        """The lists could not be drawn up (demo.candidates): the village is still in the Party election."""
        self.stage, self.special, self.party_vote, self.committee_start = Stage.PARTY_ELECTION, "", None, None
        self.roll_on = self.formal_on = self.notice_on = None

    def demote_to_committee_election(self, today: date) -> None:
        """The villagers' list could not be drawn up: the vote is still ahead."""
        self.stage, self.special = Stage.COMMITTEE_ELECTION, ""
        self.formal_on = self.notice_on = None
        if self.day <= today:
            self.day = today + timedelta(days=12)


def plans_of(ctx) -> dict[int, VillagePlan]:
    return ctx.extra.get(PLAN_KEY, {})


def _rng(ctx) -> Random:
    return Random(f"lifecycle-{ctx.villages}")


def _quota(n: int) -> list[str]:
    """`n` stages in the shares of SHARES, each stage at least once when n allows."""
    total = sum(w for _s, w in SHARES)
    counts = {s: max(1 if n >= len(SHARES) else 0, round(n * w / total)) for s, w in SHARES}
    while sum(counts.values()) > n:
        counts[max(counts, key=counts.get)] -= 1
    while sum(counts.values()) < n:
        counts[Stage.PREPARATION] += 1
    return [s for s, _w in SHARES for _ in range(counts[s])]


def schedule(ctx) -> None:
    """Give each village its stage and dates, and move its election day accordingly."""
    if ctx.cycle is None:
        return
    rng, today = _rng(ctx), ctx.today
    ctx.cycle.training_due_on = date(ctx.cycle.year, 6, 30)
    ctx.cycle.save(update_fields=["training_due_on"])
    township = getattr(ctx.users.get("township_office"), "region", None)
    clerk = getattr(ctx.users.get("village_clerk"), "region", None)
    elections = list(
        VillageElection.objects.filter(cycle=ctx.cycle).only(
            "id", "division_code", "election_day", "village_id"
        )
    )
    elections.sort(key=lambda e: e.division_code)
    own = [e for e in elections if township is not None and e.division_code.startswith(township.prefix)]
    rest = [e for e in elections if e not in own]
    stages = {e.pk: ROUND_ROBIN[i % len(ROUND_ROBIN)] for i, e in enumerate(own)}
    pool = _quota(len(elections))
    for stage in stages.values():
        if stage in pool:
            pool.remove(stage)
    pool += [Stage.PREPARATION] * max(0, len(rest) - len(pool))
    rng.shuffle(pool)
    stages.update({e.pk: pool[i] for i, e in enumerate(rest)})
    plans: dict[int, VillagePlan] = {}
    for election in elections:
        plans[election.pk] = VillagePlan(election.pk, election.division_code, stages[election.pk], today)
    if clerk is not None:
        for election in elections:
            if election.village_id == clerk.pk:
                plans[election.pk].stage, plans[election.pk].special = Stage.COMMITTEE_ELECTION, "clerk"
    # The election night's villages (TONIGHT, AGAIN): the township office's own where it has them.
    committee = [plans[e.pk] for e in own + rest if plans[e.pk].stage == Stage.COMMITTEE_ELECTION]
    specials = (*TONIGHT, *AGAIN) * (3 if len(committee) < 120 else 4)
    for plan, special in zip([p for p in committee if not p.special], specials, strict=False):
        plan.special = special
    handover = [plans[e.pk] for e in own + rest if plans[e.pk].stage == Stage.HANDOVER]
    for plan in handover[:FURTHER_ROUND_HELD]:
        plan.special = "further_round_held"
    for election in elections:
        _dates(rng, plans[election.pk], today, election.election_day)
    moved = []
    for election in elections:
        if election.election_day != plans[election.pk].day:
            election.election_day = plans[election.pk].day
            moved.append(election)
    VillageElection.objects.bulk_update(moved, ["election_day"], batch_size=BATCH)
    ctx.extra[PLAN_KEY] = plans


def _dates(rng: Random, plan: VillagePlan, today: date, original: date | None) -> None:
    """The election day and the dates of what has happened, counted back from the election day."""
    stage = plan.stage

    def later(low: int, high: int) -> date:
        day = original or today + timedelta(days=high)
        return day if day >= today + timedelta(days=low) else today + timedelta(days=rng.randint(low, high))

    if stage in (Stage.PREPARATION, Stage.POSTPONED):
        plan.day = later(40, 90)
        plan.red = stage == Stage.POSTPONED or rng.random() < RED_IN_PREPARATION
        if stage == Stage.PREPARATION and plan.red:
            plan.request = rng.choice([ExceptionKind.RED_CLOSE_OUT, ExceptionKind.POSTPONEMENT, ""])
        return
    if stage == Stage.PARTY_ELECTION:
        plan.day = later(30, 60)
        plan.party_start = today - timedelta(days=rng.randint(2, 25))
        plan.audit_on = plan.party_start - timedelta(days=rng.randint(1, 6))
        if plan.party_start + timedelta(days=8) <= today and rng.random() < 0.5:
            plan.preliminary_on = plan.party_start + timedelta(days=rng.randint(6, 8))
        return
    offsets = {
        Stage.COMMITTEE_ELECTION: (2, 24),
        Stage.SUPERVISION: (-6, -1),
        Stage.HANDOVER: (-25, -3),
        Stage.COMPLETED: (-70, -16),
    }[stage]
    if plan.special == "clerk":
        plan.day = today + timedelta(days=23)  # the roll is due in three days
    elif plan.special in TONIGHT:
        plan.day = today
    elif plan.special in AGAIN:
        plan.day = today - timedelta(days=rng.randint(1, 3))  # voted, and must vote again
    else:
        plan.day = today + timedelta(days=rng.randint(*offsets))
    day = plan.day
    plan.committee_start = min(day - timedelta(days=28 + rng.randint(0, 4)), today)
    plan.party_vote = plan.committee_start - timedelta(days=rng.randint(2, 5))
    plan.preliminary_on = plan.party_vote - timedelta(days=rng.randint(5, 8))
    plan.party_start = plan.preliminary_on - timedelta(days=rng.randint(8, 14))
    plan.audit_on = plan.party_start - timedelta(days=rng.randint(1, 6))
    if plan.polled:
        plan.roll_on = day - timedelta(days=rng.randint(20, 26))
        plan.formal_on = day - timedelta(days=rng.randint(5, 7))
        plan.notice_on = day - timedelta(days=rng.randint(3, 5))
        return
    if plan.special == "clerk":
        return
    roll_on = day - timedelta(days=rng.choice([20, 21, 22, 23, 25]))
    plan.roll_on = roll_on if roll_on <= today else None
    formal_on = day - timedelta(days=rng.randint(5, 7))
    plan.formal_on = formal_on if formal_on <= today and plan.roll_on and rng.random() < 0.8 else None
    notice_on = day - timedelta(days=rng.randint(3, 4))
    plan.notice_on = notice_on if notice_on <= today and plan.formal_on and rng.random() < 0.8 else None


def ensure_checklist() -> dict[str, StepDefinition]:
    """The default checklist; a flushed database (manage.py flush) lost the data migrations' rows."""
    if not StepDefinition.objects.filter(region__isnull=True).exists():
        for module, function in CHECKLIST_MIGRATIONS:
            getattr(importlib.import_module(module), function)(apps, None)
    return {s.code: s for s in StepDefinition.objects.filter(is_active=True, region__isnull=True)}


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def _office_users(ctx, township_office, county_reviewer) -> tuple[dict, dict]:
    """The election office of every township and the organization department of every county of the
    demo ({9-digit code: user}, {6-digit code: user}): the demo logins where they sit, one user per other
    township (office_<code>) and county (county_<code>), one password hash for all (as demo.ballots)."""
    User = get_user_model()
    regions = Region.objects.filter(
        code__startswith=ctx.cycle.region.prefix, level__in=("township", "county")
    )
    password = demo_password_hash()
    new = []
    for region in regions.order_by("code"):
        own = township_office if region.level == "township" else county_reviewer
        if own is not None and own.region_id == region.pk:
            continue
        prefix = region.code[:9] if region.level == "township" else region.code[:6]
        name = "换届办" if region.level == "township" else "委组织部"
        new.append(
            User(
                username=f"{'office' if region.level == 'township' else 'county'}_{prefix}",
                display_name=f"{region.name}{name}",
                role=Role.TOWNSHIP if region.level == "township" else Role.COUNTY,
                region=region,
                password=password,
            )
        )
    User.objects.bulk_create(new, ignore_conflicts=True)
    users = User.objects.filter(role__in=(Role.TOWNSHIP, Role.COUNTY), region__in=regions).select_related(
        "region"
    )
    offices, reviewers = {}, {}
    for user in users.order_by("id"):
        if user.role == Role.TOWNSHIP and user.username.startswith(("office_", "township_office")):
            offices.setdefault(user.region.code[:9], user)
        elif user.role == Role.COUNTY and user.username.startswith(("county_",)):
            reviewers.setdefault(user.region.code[:6], user)
    if township_office is not None:
        offices[township_office.region.code[:9]] = township_office
    if county_reviewer is not None:
        reviewers[county_reviewer.region.code[:6]] = county_reviewer
    return offices, reviewers


class _Writer:
    """Collects the rows of the seed and writes them in bulk."""

    def __init__(self, ctx, steps: dict[str, StepDefinition]):
        self.ctx, self.steps = ctx, steps
        self.township = ctx.users.get("township_office")
        self.county = ctx.users.get("county_reviewer")
        self.offices, self.reviewers = _office_users(ctx, self.township, self.county)
        self.records: list[StepRecord] = []
        self.changes: list[tuple[StageChange, date]] = []
        self.exceptions: list[tuple[GateException, date | None]] = []
        self.rolls: list[RollPublication] = []
        self.handovers: list[tuple[Handover, bool]] = []
        self.notices: list[NoticePublication] = []

    def notice(self, election, kind: str, day: date) -> None:
        """A notice published on the candidates' page (the derived steps read it)."""
        self.notices.append(
            NoticePublication(
                election=election,
                division_code=election.division_code,
                kind=kind,
                published_on=day,
                published_by=self.office(election),
            )
        )

    def office(self, election):
        """The election office of the village's own township (each township runs its villages)."""
        return self.offices.get(election.division_code[:9], self.township)

    def reviewer(self, election):
        """The organization department of the village's own county."""
        return self.reviewers.get(election.division_code[:6], self.county)

    def done(self, election, code: str, day: date, note: str = "") -> None:
        self.records.append(
            StepRecord(
                election=election,
                step=self.steps[code],
                division_code=election.division_code,
                status=StepStatus.DONE,
                done_on=min(day, self.ctx.today),
                done_by=self.office(election),
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
                done_by=self.office(election),
                note=note,
            )
        )

    def moved(self, election, from_stage: str, to_stage: str, day: date, by=None, exception=None) -> None:
        change = StageChange(
            election=election,
            division_code=election.division_code,
            from_stage=from_stage,
            to_stage=to_stage,
            by=by or self.office(election),
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
    plans = plans_of(ctx)
    if ctx.cycle is None or not plans or ctx.users.get("township_office") is None:
        return
    rng, today = _rng(ctx), ctx.today
    steps = ensure_checklist()
    voters = registrations(ctx, plans)  # with the rest of the rolls still to load (demo.rolls)
    writer = _Writer(ctx, steps)
    elections = VillageElection.objects.filter(cycle=ctx.cycle).order_by("id")
    moved = []
    for election in elections.iterator(chunk_size=BATCH):
        plan = plans.get(election.pk)
        if plan is not None:
            _village(writer, rng, election, plan, voters.get(election.pk, 0))
            if election.election_day != plan.day:  # a village fallen back, whose vote is still ahead
                election.election_day = plan.day
                moved.append(election)
    VillageElection.objects.bulk_update(moved, ["election_day"], batch_size=BATCH)
    for stage in Stage.values:
        ids = [pk for pk, p in plans.items() if p.stage == stage]
        for start in range(0, len(ids), BATCH):
            VillageElection.objects.filter(pk__in=ids[start : start + BATCH]).update(stage=stage)
    _write(writer)
    counties = Region.objects.filter(level="county", code__startswith=ctx.cycle.region.prefix)
    for code in counties.values_list("code", flat=True):
        red = [pk for pk, p in plans.items() if p.red and p.code.startswith(code[:6])]
        # The past weeks' recompute ran with every village still in preparation, so it raised the flag
        # of any village rated red in a week when, in the demo's story, the village had already started
        # or had been closed out: only the villages the plan keeps red stay flagged.
        cleared = list(
            VillageElection.objects.filter(
                cycle=ctx.cycle, division_code__startswith=code[:6], risk_red_open=True
            )
            .exclude(pk__in=red)
            .values_list("pk", flat=True)
        )
        sync_red_flags(
            division_code=code,
            raise_ids=red,
            lower_ids=cleared,
            reason="演示数据：红色村（未销号）",
        )
        workflow.refresh_reminders(cycle=ctx.cycle, prefix=code[:6], today=today)
    record_bulk(
        actor=None,
        action="seed",
        model=StepRecord,
        division_code=ctx.cycle.region.code,
        summary="演示数据：换届流程（阶段、步骤、交接、例外审批）",
        counts={
            "villages": len(plans),
            "step_records": len(writer.records),
            "stage_changes": len(writer.changes),
            "exceptions": len(writer.exceptions),
            "handovers": len(writer.handovers),
        },
    )


def stage_counts(ctx) -> Counter:
    return Counter(p.stage for p in plans_of(ctx).values())


def _village(writer: _Writer, rng: Random, election, plan: VillagePlan, voters: int) -> None:
    """The records of one village at its stage, on the dates of its plan."""
    start = writer.ctx.cycle.starts_on
    prep = _codes(Stage.PREPARATION, writer.steps)
    if plan.stage == Stage.POSTPONED:
        _postponed(writer, rng, election, prep)
        return
    if plan.stage == Stage.PREPARATION:
        for code in prep:
            if code == "prep_rectification" and not plan.red:
                continue
            if rng.random() < 0.5:
                writer.done(election, code, start + timedelta(days=rng.randint(3, 20)))
        if plan.red and plan.request:
            reason = {
                ExceptionKind.RED_CLOSE_OUT: "集中整顿完成，县乡村三级验收，申请销号",
                ExceptionKind.POSTPONEMENT: "信访矛盾突出，宗族势力干扰，申请暂缓换届",
            }[plan.request]
            exception = GateException(
                election=election,
                division_code=election.division_code,
                kind=plan.request,
                reason=reason,
                requested_by=writer.office(election),
            )
            writer.exceptions.append((exception, None))
        return
    for code in prep:
        if code == "prep_rectification":
            writer.not_applicable(election, code, "非红色村，无需集中整顿")
        elif rng.random() < 0.96:  # a few preparation steps were never recorded: flagged as missing
            writer.done(election, code, min(start + timedelta(days=rng.randint(2, 25)), plan.audit_on))
    writer.moved(election, Stage.PREPARATION, Stage.PARTY_ELECTION, plan.party_start)
    party = _codes(Stage.PARTY_ELECTION, writer.steps)
    if plan.preliminary_on:
        writer.notice(election, NoticeKind.PRELIMINARY, plan.preliminary_on)
    if plan.stage == Stage.PARTY_ELECTION:
        for i, code in enumerate(party[: rng.randint(0, len(party))]):
            writer.done(election, code, plan.party_start + timedelta(days=2 + 2 * i))
        return
    span = max((plan.preliminary_on - plan.party_start).days, 1)
    for i, code in enumerate(party):
        writer.done(election, code, plan.party_start + timedelta(days=1 + span * i // len(party)))
    writer.moved(election, Stage.PARTY_ELECTION, Stage.COMMITTEE_ELECTION, plan.committee_start)
    writer.done(election, "committee_election_committee", plan.committee_start + timedelta(days=1))
    writer.done(election, "committee_plan", plan.committee_start + timedelta(days=2))
    day, today = plan.day, writer.ctx.today
    if plan.roll_on:
        writer.rolls.append(
            RollPublication(
                election=election,
                division_code=election.division_code,
                published_on=plan.roll_on,
                voters=voters,
                published_by=writer.office(election),
            )
        )
        if plan.roll_on + timedelta(days=4) <= today:
            writer.not_applicable(election, "roll_objections", "公布期间未收到申诉")
    for code, offset in (("nomination", 12), ("committee_review", 8)):
        if day - timedelta(days=offset) <= today and (plan.formal_on or rng.random() < 0.5):
            writer.done(election, code, day - timedelta(days=offset))
    if plan.formal_on:
        writer.notice(election, NoticeKind.FORMAL, plan.formal_on)
    if not plan.voted:
        return
    writer.moved(election, Stage.COMMITTEE_ELECTION, Stage.SUPERVISION, day)
    if plan.stage == Stage.SUPERVISION:
        if rng.random() < 0.5:
            writer.done(election, "supervision_elected", day + timedelta(days=1))
        return
    writer.done(election, "supervision_elected", day + timedelta(days=1))
    writer.done(election, "supporting_bodies", day + timedelta(days=2))
    writer.moved(election, Stage.SUPERVISION, Stage.HANDOVER, day + timedelta(days=2))
    completed = plan.stage == Stage.COMPLETED
    # Most hand over within the 10 days; about one in eight is a day or two late (flagged).
    handed = day + timedelta(days=rng.randint(3, 10) if rng.random() < 0.88 else rng.randint(11, 12))
    signed = completed or (handed <= today and rng.random() < 0.3)
    if completed:
        handed = min(handed, today - timedelta(days=1))
    handover = Handover(
        election=election,
        division_code=election.division_code,
        result_on=day,
        handed_over_on=min(handed, today) if signed else None,
        outgoing_signatory=rng.choice("王李张刘陈杨黄赵吴周") + "书记" if signed else "",
        incoming_signatory=rng.choice("徐孙朱胡郭何高林罗郑") + "书记" if signed else "",
        witness="乡镇包村干部" if signed else "",
        signed_off_by=writer.office(election) if signed else None,
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
    writer.moved(election, Stage.HANDOVER, Stage.COMPLETED, handed + timedelta(days=1))


def _postponed(writer: _Writer, rng: Random, election, prep: list[str]) -> None:
    """A red village the county allowed to postpone: rectification under way, a work team stationed."""
    start = writer.ctx.cycle.starts_on
    for code in prep[:5]:
        writer.done(election, code, start + timedelta(days=rng.randint(2, 15)))
    decided = start + timedelta(days=rng.randint(16, 24))
    exception = GateException(
        election=election,
        division_code=election.division_code,
        kind=ExceptionKind.POSTPONEMENT,
        status=ExceptionStatus.APPROVED,
        reason="选情特别复杂，信访积案突出，报请县委批准暂缓换届，派驻工作组集中整顿",
        requested_by=writer.office(election),
        decided_by=writer.reviewer(election),
        decided_at=_at(decided),
        decision_note="同意暂缓，整顿销号后再启动换届",
    )
    writer.exceptions.append((exception, decided))
    writer.moved(
        election,
        Stage.PREPARATION,
        Stage.POSTPONED,
        decided,
        by=writer.reviewer(election),
        exception=exception,
    )


def _write(writer: _Writer) -> None:
    rng = Random("lifecycle-handover")
    insert_objects(StepRecord, writer.records)
    RollPublication.objects.bulk_create(writer.rolls, batch_size=BATCH)
    NoticePublication.objects.bulk_create(writer.notices, batch_size=BATCH)
    exceptions = GateException.objects.bulk_create([e for e, _d in writer.exceptions], batch_size=BATCH)
    for exception, (_e, day) in zip(exceptions, writer.exceptions, strict=True):
        exception.requested_at = (
            _at(day - timedelta(days=3)) if day else _at(writer.ctx.today - timedelta(days=1))
        )
    GateException.objects.bulk_update(exceptions, ["requested_at"], batch_size=BATCH)
    for change, day in writer.changes:
        change.at = _at(day)  # the history keeps its own dates (auto_now_add otherwise)
    insert_objects(StageChange, [c for c, _d in writer.changes])
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
    insert_objects(HandoverItem, items)


STAGE_LABELS = [
    Stage.PREPARATION,
    Stage.PARTY_ELECTION,
    Stage.COMMITTEE_ELECTION,
    Stage.SUPERVISION,
    Stage.HANDOVER,
    Stage.COMPLETED,
    Stage.POSTPONED,
]
