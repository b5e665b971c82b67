"""Demo outgoing audits for the demo cycle: every village past preparation audited and completed (the
audit gate) on its plan's day (demo.lifecycle.schedule); in preparation most audited, some still in progress,
findings with amounts (some unresolved), finance clean-ups, and term evaluations where residents exist.

Bulk writes only, so 20,000 villages take seconds; one trail entry records the whole seed.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from audits.models import (
    AuditFinding,
    AuditorKind,
    AuditStatus,
    Committees,
    FinanceCleanup,
    OutgoingAudit,
    Position,
    Rating,
    Rectification,
    Severity,
    TermEvaluation,
)
from demo.base import DemoContext, insert_objects
from demo.lifecycle import plans_of
from elections.models import Region, VillageElection
from trail.services import record_bulk
from voters.models import Resident

BATCH = 5000
# Findings as township audit reports word them, with the range of the amount involved (yuan).
FINDINGS = [
    ("集体资产台账不全，部分固定资产未登记入账", (0, 0)),
    ("非生产性开支超标，招待费用超出规定标准", (3_000, 60_000)),
    ("工程项目未公开招标，直接指定施工单位", (50_000, 800_000)),
    ("村级财务票据不规范，白条入账", (1_000, 30_000)),
    ("集体土地发包合同未经村民代表会议讨论", (0, 0)),
    ("村务公开不及时，财务收支未按季度公开", (0, 0)),
    ("应收款项长期挂账未清理", (10_000, 300_000)),
    ("补助资金发放手续不全，缺少领取人签字", (2_000, 80_000)),
    ("现金管理不规范，坐收坐支", (1_000, 50_000)),
    ("集体资金出借未经民主决策", (20_000, 500_000)),
]
THIRD_PARTIES = ["恒审联合会计师事务所", "明镜会计师事务所", "衡平会计师事务所", "正源会计师事务所"]
SEVERITY_WEIGHTS = ([Severity.MINOR, Severity.SERIOUS, Severity.MAJOR], [60, 30, 10])
RATING_WEIGHTS = ([Rating.COMPETENT, Rating.BASICALLY_COMPETENT, Rating.INCOMPETENT], [85, 12, 3])
CADRE_POSITIONS = [Position.PARTY_SECRETARY, Position.CHAIR, Position.COMMITTEE_MEMBER, Position.PARTY_MEMBER]


def _amount(rng, bounds) -> Decimal:
    low, high = bounds
    if high == 0:
        return Decimal("0")
    return Decimal(rng.randrange(low * 100, high * 100)) / 100


def seed(ctx: DemoContext) -> None:
    if ctx.cycle is None:
        return
    recorder = ctx.users.get("township_office") or ctx.users.get("admin")
    if recorder is None:
        return
    rng, today = ctx.rng, ctx.today
    township_names = dict(Region.objects.filter(level="township").values_list("code", "name"))
    elections = list(
        VillageElection.objects.filter(cycle=ctx.cycle).order_by("id").values_list("id", "division_code")
    )
    stages = plans_of(ctx)
    audits, plans = [], []
    for election_id, code in elections:
        plan = stages.get(election_id)
        if plan is not None and plan.past_preparation:
            # Past preparation: the audit gate was passed, on the day the village's plan says.
            completed, completed_on = True, plan.audit_on
            started = completed_on - timedelta(days=rng.randint(7, 20))
        else:
            if rng.random() >= 0.85:
                continue
            started = today - timedelta(days=rng.randint(25, 80))
            completed = rng.random() < 0.6
            completed_on = min(started + timedelta(days=rng.randint(7, 20)), today) if completed else None
        published = completed_on and rng.random() < 0.85
        third_party = rng.random() < 0.35
        audits.append(
            OutgoingAudit(
                election_id=election_id,
                division_code=code,
                committees=rng.choices([Committees.BOTH, Committees.VILLAGERS], weights=[9, 1])[0],
                auditor_kind=AuditorKind.THIRD_PARTY if third_party else AuditorKind.DEPARTMENT,
                auditor_name=rng.choice(THIRD_PARTIES)
                if third_party
                else f"{township_names.get(code[:9] + '000', '')}农村集体“三资”管理服务中心",
                status=AuditStatus.COMPLETED if completed else AuditStatus.IN_PROGRESS,
                started_on=started,
                completed_on=completed_on,
                published_to_villagers_on=min(completed_on + timedelta(days=rng.randint(1, 7)), today)
                if published
                else None,
                recorded_by=recorder,
            )
        )
        plans.append(rng.choices([0, 1, 2, 3, 4], weights=[25, 30, 25, 12, 8])[0])
    audits = insert_objects(OutgoingAudit, audits)
    findings = []
    for audit, n in zip(audits, plans, strict=True):
        for description, bounds in rng.sample(FINDINGS, n):
            done = audit.status == AuditStatus.COMPLETED
            state = (
                rng.choices(list(Rectification), weights=[10, 15, 75])[0]
                if done
                else rng.choices(list(Rectification), weights=[70, 25, 5])[0]
            )
            rectified_on = None
            if state == Rectification.RECTIFIED:
                rectified_on = min(audit.started_on + timedelta(days=rng.randint(3, 40)), today)
            findings.append(
                AuditFinding(
                    audit=audit,
                    division_code=audit.division_code,
                    description=description,
                    # In an audit still under way some findings are not assessed yet.
                    severity=rng.choices(*SEVERITY_WEIGHTS)[0] if done or rng.random() < 0.7 else "",
                    amount=_amount(rng, bounds),
                    rectification=state,
                    rectified_on=rectified_on,
                )
            )
    insert_objects(AuditFinding, findings)
    cleanups = []
    for election_id, code in elections:
        plan = stages.get(election_id)
        if plan is not None and plan.past_preparation:
            done = plan.audit_on - timedelta(days=rng.randint(0, 10))
        elif rng.random() < 0.7:
            done = today - timedelta(days=rng.randint(5, 60))
        else:
            continue
        cleanups.append(
            FinanceCleanup(
                election_id=election_id,
                division_code=code,
                completed_on=done,
                funds_yuan=Decimal(rng.randrange(5_000_000, 300_000_000)) / 100,
                assets_yuan=Decimal(rng.randrange(20_000_000, 2_000_000_000)) / 100,
                resources_mu=Decimal(rng.randrange(5_000, 500_000)) / 100,
                recorded_by=recorder,
            )
        )
    insert_objects(FinanceCleanup, cleanups)
    evaluations = _term_evaluations(ctx, recorder, township_names)
    record_bulk(
        actor=None,
        action="seed",
        model=OutgoingAudit,
        division_code=ctx.cycle.region.code,
        summary="演示数据：离任经济责任审计",
        counts={
            "villages": len(elections),
            "created": len(audits) + len(findings) + len(cleanups) + evaluations,
        },
    )


def _term_evaluations(ctx: DemoContext, recorder, township_names: dict[str, str]) -> int:
    """Evaluations of the last 3 years for up to 4 sitting cadres per village (its first Party members,
    else its first residents); none when the voters demo created no residents."""
    if not Resident.objects.exists():
        return 0
    cadres = Resident.objects.filter(party_member=True)
    if not cadres.exists():
        cadres = Resident.objects.all()
    ranked = (
        cadres.annotate(rank=Window(RowNumber(), partition_by=F("division_code"), order_by=F("id").asc()))
        .filter(rank__lte=len(CADRE_POSITIONS))
        .values_list("id", "division_code", "rank")
    )
    rng, year = ctx.rng, ctx.today.year
    evaluations = [
        TermEvaluation(
            resident_id=resident_id,
            division_code=code,
            year=y,
            position=CADRE_POSITIONS[rank - 1],
            rating=rng.choices(*RATING_WEIGHTS)[0],
            evaluated_on=date(y + 1, 1, 15) if date(y + 1, 1, 15) <= ctx.today else ctx.today,
            evaluated_by=f"{township_names.get(code[:9] + '000', '')}党委",
            recorded_by=recorder,
        )
        for resident_id, code, rank in ranked.iterator(chunk_size=BATCH)
        for y in range(year - 3, year)
    ]
    insert_objects(TermEvaluation, evaluations)
    return len(evaluations)
