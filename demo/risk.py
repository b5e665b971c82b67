"""Demo risk data: 12 weeks of the three-colour rating with the arc of the Jinhua pilot.

Many villages red in the first weeks, fewer each week as plans with three linked leaders and tasks do
their work and the county closes them out; red at the end only the villages the workflow keeps in
preparation or postponed (demo.lifecycle): one of them stuck red all along (with interviews), one that
jumps from red to green in the last week without closing a task (suspected false rectification).
The inputs are dated (weekly township assessments, petitions received and resolved, discipline
reports), written with insert_rows, and the real recompute (risk.recompute) turns them into the weekly
snapshots, week after week, so the history is exactly what the Monday task would have produced. Above
1,000 villages only the first county gets the 12 weeks; every county gets the current week.

seed_demo runs the past weeks (``seed`` with ``this_week=False``) before the candidates and the election
nights exist, as they did not exist in those weeks: the recompute reads today's records, so a past week
computed after them would see November's nominations in September. The current week (``rate_this_week``)
runs last, once every record and stage is in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from candidates.models import Nomination
from demo.base import DemoContext
from demo.lifecycle import plans_of
from elections.bulk import insert_rows
from elections.models import VillageElection
from risk import services as risk_services
from risk.models import (
    DisciplineReport,
    Interview,
    InterviewReason,
    Petition,
    PlanStatus,
    RectificationPlan,
    RectificationTask,
    ReportOutcome,
    WeeklyAssessment,
)
from risk.recompute import counties_of, recompute_county
from risk.services import ensure_default_weights
from risk.weeks import week_of, weeks_back
from trail.services import record_bulk

WEEKS = 12
FULL_HISTORY_LIMIT = 1000
# Manual values per trouble level: red (3), orange (2), green with a little concern (1), quiet (0).
LEVELS = {
    3: {
        "clan_gang_interference": 3,
        "township_assessment": 3,
        "team_disunity": 2,
        "negative_public_opinion": 1,
    },
    2: {
        "clan_gang_interference": 2,
        "township_assessment": 2,
        "team_disunity": 1,
        "negative_public_opinion": 1,
    },
    1: {
        "clan_gang_interference": 1,
        "township_assessment": 1,
        "team_disunity": 0,
        "negative_public_opinion": 0,
    },
    0: {
        "clan_gang_interference": 0,
        "township_assessment": 0,
        "team_disunity": 0,
        "negative_public_opinion": 0,
    },
}
NOTES = {
    3: [
        "宗族势力干扰换届苗头明显",
        "班子不团结，信访积案未化解",
        "有人私下串联拉票",
        "村务长期不公开，群众意见大",
    ],
    2: ["矛盾有所缓和，仍需盯紧", "信访件正在化解", "班子分工调整后运转好转"],
    1: ["总体平稳", "已整改到位，跟踪关注"],
}
PETITIONS = [
    "征地补偿款分配不公",
    "宅基地审批纠纷",
    "集体资金使用不透明",
    "山林承包合同纠纷",
    "低保评定有异议",
]
NAMED_REPORTS = (
    "{name}在提名期间向村民发放购物卡拉票",
    "{name}当选前宴请村民并许诺好处拉票",
)
REPORTS = ["候选人送烟酒拉票", "有人以宴请方式拉票", "外出人员被许诺报销路费回村投票", "威胁村民不得参选"]
TASKS = [
    ("化解信访积案，逐件销号", "镇信访办"),
    ("调整不胜任的村干部，配强班子", "镇党委组织委员"),
    ("清理村级财务，公开集体收支", "镇农村“三资”管理服务中心"),
    ("排查宗族势力干扰，约谈重点人员", "镇综治中心"),
]
LEADERS = ("市委常委 {}", "县委副书记 {}", "镇党委书记 {}")
GIVEN = "明强刚伟军华平建国志"


@dataclass
class Arc:
    """One village's trouble level for each of the 12 weeks, and the week its tasks are closed."""

    levels: list[int]
    plan: bool = False
    recovered: int | None = None  # the first week out of red
    stuck: bool = False
    false_jump: bool = False


def _arcs(rng, elections: list[tuple[int, str]], red: set[int]) -> dict[int, Arc]:
    """The weeks of each village. Only the `red` ones (still in preparation or postponed: demo.lifecycle)
    end red or with a plan open; every other troubled village recovered and was closed out in time."""
    arcs: dict[int, Arc] = {}
    reds = [e for e, _c in elections if e in red]
    stuck, jump = (reds + [None, None])[:2]
    for election_id, _code in elections:
        if election_id == stuck:  # the stuck village: red every week, tasks overdue
            arcs[election_id] = Arc([3] * WEEKS, plan=True, stuck=True)
            continue
        if election_id == jump:  # red to green in the last week with no task closed
            arcs[election_id] = Arc([3] * (WEEKS - 1) + [0], plan=True, false_jump=True)
            continue
        if election_id in red:  # red, or out of red lately with its plan still open
            out = rng.randint(WEEKS - 3, WEEKS)
            arcs[election_id] = Arc(([3] * out + [2] * (WEEKS - out))[:WEEKS], plan=True)
            continue
        draw = rng.random()
        if draw < 0.3:  # troubled: red, then orange, then green once its plan worked, closed out
            out = rng.randint(2, WEEKS - 6)
            levels = [3] * out + [2] * rng.randint(1, 2) + [1] * 2
            levels += [0] * (WEEKS - len(levels))
            arcs[election_id] = Arc(levels[:WEEKS], plan=True, recovered=out)
        elif draw < 0.55:  # watched: orange for a while, then green
            until = rng.randint(1, WEEKS - 2)
            arcs[election_id] = Arc([2] * until + [1] * (WEEKS - until))
        else:
            arcs[election_id] = Arc([rng.choice([0, 0, 0, 1])] * WEEKS)
    return arcs


def _current_levels(rng, elections, red: set[int]) -> dict[int, Arc]:
    """Counties without history: this week only, in the proportions the pilot reached (few red)."""
    arcs = {}
    for election_id, _code in elections:
        if election_id in red:
            arcs[election_id] = Arc([3], plan=True)
            continue
        draw = rng.random()
        level = 2 if draw < 0.15 else 1 if draw < 0.4 else 0
        arcs[election_id] = Arc([level])
    return arcs


def seed(ctx: DemoContext, *, this_week: bool = True) -> None:
    if ctx.cycle is None:
        return
    township_user = ctx.users.get("township_office")
    county_user = ctx.users.get("county_reviewer")
    city_user = ctx.users.get("city_reviewer")
    if township_user is None:
        return
    rng, cycle = ctx.rng, ctx.cycle
    ensure_default_weights(cycle=cycle)
    weeks = weeks_back(week_of(ctx.today), WEEKS)
    counties = counties_of(cycle)
    full = counties if ctx.villages <= FULL_HISTORY_LIMIT else counties[:1]
    all_elections = list(
        VillageElection.objects.filter(cycle=cycle)
        .order_by("division_code")
        .values_list("id", "division_code")
    )
    history = [e for e in all_elections if e[1][:6] in {c[:6] for c in full}]
    rest = [e for e in all_elections if e[1][:6] not in {c[:6] for c in full}]
    red = {pk for pk, plan in plans_of(ctx).items() if plan.red}
    arcs = _arcs(rng, history, red)
    arcs.update(_current_levels(rng, rest, red))
    codes = dict(all_elections)
    now = timezone.now()

    # Weekly assessments: every history village every week; the others this week.
    assessment_columns = (
        "election_id",
        "division_code",
        "week",
        *LEVELS[0],
        "key_persons_disputes",
        "note",
        "recorded_by_id",
        "recorded_at",
    )

    def assessment_rows():
        for election_id, arc in arcs.items():
            first = WEEKS - len(arc.levels)
            for offset, level in enumerate(arc.levels):
                note = rng.choice(NOTES[level]) if level else ""
                disputes = {3: rng.randint(1, 3), 2: rng.randint(0, 2)}.get(level, 0)
                yield (
                    election_id,
                    codes[election_id],
                    weeks[first + offset],
                    *LEVELS[level].values(),
                    disputes,
                    note,
                    township_user.pk,
                    now,
                )

    insert_rows(WeeklyAssessment, assessment_columns, assessment_rows())
    _petitions_and_reports(rng, arcs, codes, weeks, township_user, ctx.today)
    _plans(rng, arcs, codes, weeks, county_user or township_user, city_user, ctx.today)

    record_bulk(
        actor=None,
        action="seed",
        model=WeeklyAssessment,
        division_code=cycle.region.code,
        summary="演示数据：乡镇每周研判、信访件、违纪举报、整转方案",
        counts={"villages": len(arcs), "weeks": WEEKS},
    )
    # The weekly recompute, week by week, as the Monday task would have run it.
    for week in weeks[:-1]:
        for county in full:
            recompute_county(cycle=cycle, county_code=county, week=week)
    if this_week:
        rate_this_week(ctx)


def seed_history(ctx: DemoContext) -> None:
    """The past weeks only (seed_demo: before the records those weeks did not have yet)."""
    seed(ctx, this_week=False)


def rate_this_week(ctx: DemoContext) -> None:
    """The reports that name a nominee, then this Monday's recompute of every county, from every record
    the demo holds."""
    if ctx.cycle is None or ctx.users.get("township_office") is None:
        return
    _named_reports(ctx, ctx.users["township_office"])  # nominees and results exist by now
    week = weeks_back(week_of(ctx.today), WEEKS)[-1]
    for county in counties_of(ctx.cycle):
        recompute_county(cycle=ctx.cycle, county_code=county, week=week)


def _petitions_and_reports(rng, arcs, codes, weeks, by, today: date) -> None:
    petitions, reports = [], []
    for election_id, arc in arcs.items():
        code = codes[election_id]
        first = WEEKS - len(arc.levels)
        red_weeks = [i for i, level in enumerate(arc.levels) if level == 3]
        if red_weeks:
            for _n in range(rng.randint(1, 3)):
                received = weeks[first + red_weeks[0]] - timedelta(days=rng.randint(3, 20))
                out = first + red_weeks[-1] + 1
                resolved = (
                    weeks[out] - timedelta(days=rng.randint(1, 4))
                    if out < WEEKS and not arc.false_jump
                    else None
                )
                petitions.append((election_id, code, rng.choice(PETITIONS), "visit", received, resolved, ""))
            if rng.random() < 0.5 or arc.stuck:
                received = weeks[first + red_weeks[0]] - timedelta(days=rng.randint(1, 10))
                reports.append(
                    (election_id, code, "vote_buying", "phone", rng.choice(REPORTS), received, "open", None)
                )
        elif rng.random() < 0.15 and len(arc.levels) == WEEKS:
            received = weeks[rng.randint(0, WEEKS - 3)] + timedelta(days=rng.randint(0, 6))
            resolved = min(received + timedelta(days=rng.randint(5, 20)), today)
            petitions.append((election_id, code, rng.choice(PETITIONS), "letter", received, resolved, ""))
    petitions = [(*p[:6], "已调解化解，当事人息访" if p[5] else "", by.pk) for p in petitions]
    insert_rows(
        Petition,
        (
            "election_id",
            "division_code",
            "subject",
            "channel",
            "received_on",
            "resolved_on",
            "resolution",
            "recorded_by_id",
        ),
        petitions,
    )
    rows = []
    for election_id, code, kind, channel, summary, received, _outcome, _resolved in reports:
        arc = arcs[election_id]
        if arc.recovered is not None and rng.random() < 0.7:
            outcome = rng.choice([ReportOutcome.UNFOUNDED.value, ReportOutcome.SUBSTANTIATED.value])
            resolved = weeks[arc.recovered] - timedelta(days=2)
            note = "经核查不属实" if outcome == ReportOutcome.UNFOUNDED else "查实，取消其候选人资格"
        else:
            outcome, resolved, note = ReportOutcome.OPEN.value, None, ""
        rows.append((election_id, code, kind, channel, summary, received, outcome, resolved, note, by.pk))
    insert_rows(
        DisciplineReport,
        (
            "election_id",
            "division_code",
            "kind",
            "channel",
            "summary",
            "received_on",
            "outcome",
            "resolved_on",
            "resolution",
            "recorded_by_id",
        ),
        rows,
    )


def _named_reports(ctx, township_user) -> None:
    """Two substantiated vote-buying reports naming a person in the township office's own township,
    made through the risk services (the doors a township uses): one against a nominee still being vetted
    (the negative list's item 10 then blocks the nominee), one against a person already elected (which
    opens the county's decision on voiding that election, on the county reviewer's board)."""
    from candidates.choices import NominationState

    prefix = township_user.region.code[:9]
    nominations = Nomination.objects.filter(
        division_code__startswith=prefix, election__cycle=ctx.cycle
    ).select_related("election", "resident")
    targets = [
        nominations.filter(state=NominationState.NOMINATED, elected=False)
        .exclude(resident__nominations__state=NominationState.LISTED)  # on no list of any body
        .order_by("id")
        .first(),
        nominations.filter(elected=True).order_by("id").first(),
    ]
    for nomination, summary in zip(targets, NAMED_REPORTS, strict=True):
        if nomination is None:
            continue
        report = risk_services.record_report(
            election=nomination.election,
            kind="vote_buying",
            channel="phone",
            summary=summary.format(name=nomination.resident.name),
            received_on=ctx.today - timedelta(days=12),
            accused=nomination.resident,
            by=township_user,
        )
        risk_services.resolve_report(
            report=report,
            outcome=ReportOutcome.SUBSTANTIATED,
            resolved_on=ctx.today - timedelta(days=3),
            resolution="经镇纪委调查核实，情况属实",
            by=township_user,
        )


def _plans(rng, arcs, codes, weeks, county_user, city_user, today: date) -> None:
    """Plans for the red villages: three linked leaders, a stationed team, tasks closed as they recover."""
    plans, task_specs, interviews = [], [], []
    for election_id, arc in arcs.items():
        if not arc.plan:
            continue
        surname = rng.choice("王李张刘陈杨黄赵吴周徐孙朱胡")
        leaders = [template.format(rng.choice("王李张刘陈杨") + rng.choice(GIVEN)) for template in LEADERS]
        recovered = arc.recovered
        closed_week = None if recovered is None else min(recovered + 2, WEEKS - 1)
        closed_out = closed_week is not None and closed_week <= WEEKS - 3 and arc.levels[-1] == 0
        plans.append(
            RectificationPlan(
                election_id=election_id,
                division_code=codes[election_id],
                city_leader=leaders[0],
                county_leader=leaders[1],
                township_leader=leaders[2],
                work_team=f"县委组织部驻村工作组（组长{surname}{rng.choice(GIVEN)}，3人）",
                stationed_on=weeks[0] + timedelta(days=1),
                status=PlanStatus.CLOSED_OUT if closed_out else PlanStatus.OPEN,
                closed_out_on=weeks[closed_week + 1] + timedelta(days=1) if closed_out else None,
                closed_out_by=county_user if closed_out else None,
                close_out_note="任务全部完成，连续两周绿色，同意销号" if closed_out else "",
                created_by=county_user,
            )
        )
        specs = []
        for n, (task, owner) in enumerate(rng.sample(TASKS, 3)):
            due = weeks[min(2 + 2 * n, WEEKS - 1)]
            if recovered is not None:
                week = min(recovered + n, WEEKS - 1)
                specs.append((task, owner, due, weeks[week] - timedelta(days=1), "已完成，经镇党委验收"))
            else:
                specs.append((task, owner, due if arc.stuck else weeks[-1] + timedelta(days=14), None, ""))
        task_specs.append(specs)
        if arc.stuck and city_user is not None:
            people = (
                ("陈建国", "县委组织部部长"),
                (leaders[1].split(" ")[-1], "包联县领导"),
                (leaders[2].split(" ")[-1], "镇党委书记"),
            )
            interviews.extend(
                Interview(
                    election_id=election_id,
                    division_code=codes[election_id],
                    interviewee=name,
                    post=post,
                    held_on=min(weeks[8] + timedelta(days=2), today),
                    reason=InterviewReason.STUCK,
                    outcome="限期两周拿出整转措施，每周报告进展",
                    recorded_by=city_user,
                )
                for name, post in people
            )
    plans = RectificationPlan.objects.bulk_create(plans)
    RectificationTask.objects.bulk_create(
        RectificationTask(
            plan=plan,
            division_code=plan.division_code,
            description=task,
            owner=owner,
            due_on=due,
            closed_on=closed,
            result=result,
        )
        for plan, specs in zip(plans, task_specs, strict=True)
        for task, owner, due, closed, result in specs
    )
    Interview.objects.bulk_create(interviews)
