"""The weekly recompute (risk.recompute): every source, the flags, idempotence, atomicity, fixed queries."""

from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits.models import (
    AuditFinding,
    AuditorKind,
    AuditStatus,
    OutgoingAudit,
    Rating,
    Rectification,
    TermEvaluation,
)
from risk import recompute, services, sources
from risk.models import DisciplineReport, IndicatorWeight, RecomputeRun, ReportOutcome, RiskSnapshot
from risk.scoring import Colour
from tests.risk.conftest import COUNTY, MONDAY, add_villages
from tests.trail.helpers import resident
from trail.models import TrailEntry
from voters.models import ImportJob

pytestmark = pytest.mark.django_db
WEEK = timedelta(days=7)


def run(world, week=MONDAY, county=COUNTY):
    return recompute.recompute_county(cycle=world["cycle"], county_code=county, week=week)


def snapshot(election, week=MONDAY):
    return RiskSnapshot.objects.get(election=election, week=week)


def assess(world, election, week=MONDAY, **values):
    return services.record_assessment(election=election, week=week, values=values, by=world["county_user"])


def make_red(world, election, week=MONDAY):
    """Severe clan interference, team disunity and township concern: 15 + 12 + 15 = 42 off → 58, red."""
    assess(world, election, week, clan_gang_interference=3, team_disunity=3, township_assessment=3)


def test_a_quiet_village_scores_100_and_is_green(world):
    run(world)
    s = snapshot(world["home"][0])
    assert s.score == Decimal("100.00") and s.colour == Colour.GREEN
    assert s.division_code == world["home"][0].division_code and s.cycle_id == world["cycle"].pk


def test_only_the_county_is_recomputed(world):
    result = run(world)
    assert result.villages == 5
    assert not RiskSnapshot.objects.filter(division_code__startswith="330703").exists()


def test_every_automatic_source_deducts(world):
    election = world["home"][0]
    village = election.village
    village.weak_party_organization = True
    village.save()
    by = world["township_user"]
    services.record_petition(
        election=election, subject="土地纠纷", received_on=MONDAY - WEEK, channel="visit", by=by
    )
    services.record_report(
        election=election, kind="vote_buying", channel="phone", summary="送烟拉票", received_on=MONDAY, by=by
    )
    audit = OutgoingAudit.objects.create(
        election=election,
        auditor_kind=AuditorKind.DEPARTMENT,
        auditor_name="三资中心",
        status=AuditStatus.IN_PROGRESS,
        started_on=MONDAY - 3 * WEEK,
    )
    AuditFinding.objects.create(audit=audit, description="白条入账", rectification=Rectification.OPEN)
    AuditFinding.objects.create(
        audit=audit, description="已整改", rectification=Rectification.RECTIFIED, rectified_on=MONDAY - WEEK
    )
    cadre = resident(election.village, name="张书记")
    TermEvaluation.objects.create(
        resident=cadre,
        year=2025,
        position="party_secretary",
        rating=Rating.INCOMPETENT,
        evaluated_on=date(2026, 1, 15),
        evaluated_by="镇党委",
    )
    ImportJob.objects.create(
        election=election,
        division_code=election.division_code,
        original_name="roll.xlsx",
        sha256="0" * 64,
        uploaded_by=by,
        file="x.xlsx",
        result={"duplicates": [{"row": 3, "kind": "other_village"}, {"row": 4, "kind": "in_file"}]},
    )
    assess(world, election, key_persons_disputes=2)
    run(world)
    indicators = snapshot(election).breakdown["indicators"]
    assert {code: line["value"] for code, line in indicators.items() if line["value"]} == {
        "weak_party_organization": 1,
        "term_evaluation_incompetent": 1,
        "unresolved_audit_findings": 1,
        "open_petitions": 1,
        "vote_buying_reports": 1,
        "roll_conflicts": 1,
        "key_persons_disputes": 2,
    }
    # 15 + 5 + 2 + 3 + 5 + 1 + 6 = 37 off
    assert snapshot(election).score == Decimal("63.00")
    assert snapshot(election).colour == Colour.ORANGE


def test_every_automatic_indicator_is_in_the_breakdown_a_quiet_village_loses_nothing(world):
    run(world)
    indicators = snapshot(world["home"][0]).breakdown["indicators"]
    for code in (
        "overdue_election_steps",
        "no_secretary_chair_candidate",
        "no_woman_candidate",
        "no_young_graduate_candidate",
    ):
        assert indicators[code] == {"value": 0, "deduction": "0.00"}
    assert not hasattr(sources, "is_pending")


def test_a_wired_source_counts_without_touching_the_recompute(world):
    election = world["home"][1]

    def overdue(scope):
        return {election.division_code: 3}

    with mock.patch.dict(sources.AUTO_SOURCES, {"overdue_election_steps": overdue}):
        run(world)
    assert snapshot(election).breakdown["indicators"]["overdue_election_steps"] == {
        "value": 3,
        "deduction": "6.00",
    }


def test_auto_sources_cover_exactly_the_automatic_indicators():
    from risk.indicators import DEFAULT_INDICATORS, Kind

    assert set(sources.AUTO_SOURCES) == {i.code for i in DEFAULT_INDICATORS if i.kind is Kind.AUTO}


def test_petitions_count_as_of_the_snapshot_monday(world):
    election, by = world["home"][0], world["township_user"]
    petition = services.record_petition(
        election=election, subject="征地补偿", received_on=MONDAY - 2 * WEEK, channel="letter", by=by
    )
    services.resolve_petition(
        petition=petition, resolved_on=MONDAY - WEEK + timedelta(days=2), resolution="已化解", by=by
    )
    services.record_petition(
        election=election, subject="晚到的", received_on=MONDAY + timedelta(days=1), channel="visit", by=by
    )
    run(world, week=MONDAY - WEEK)
    run(world, week=MONDAY)
    assert snapshot(election, MONDAY - WEEK).breakdown["indicators"]["open_petitions"]["value"] == 1
    assert snapshot(election, MONDAY).breakdown["indicators"]["open_petitions"]["value"] == 0


def test_unfounded_reports_stop_counting_substantiated_ones_keep_counting(world):
    election, by = world["home"][0], world["township_user"]
    kept = services.record_report(
        election=election,
        kind="vote_buying",
        channel="phone",
        summary="发红包",
        received_on=MONDAY - WEEK,
        by=by,
    )
    dropped = services.record_report(
        election=election,
        kind="obstruction",
        channel="mailbox",
        summary="匿名信",
        received_on=MONDAY - WEEK,
        by=by,
    )
    services.resolve_report(
        report=kept, outcome=ReportOutcome.SUBSTANTIATED, resolved_on=MONDAY, resolution="查实", by=by
    )
    services.resolve_report(
        report=dropped, outcome=ReportOutcome.UNFOUNDED, resolved_on=MONDAY, resolution="不实", by=by
    )
    run(world)
    assert snapshot(election).breakdown["indicators"]["vote_buying_reports"]["value"] == 1
    assert DisciplineReport.objects.count() == 2


def test_the_latest_assessment_up_to_the_week_is_carried_forward(world):
    election = world["home"][0]
    assess(world, election, MONDAY - 2 * WEEK, team_disunity=1)
    assess(world, election, MONDAY - WEEK, team_disunity=2)
    assess(world, election, MONDAY + WEEK, team_disunity=3)
    run(world)
    assert snapshot(election).breakdown["indicators"]["team_disunity"]["value"] == 2


def test_the_cycles_weights_are_used(world):
    election = world["home"][0]
    # The cycle opened with the default weights (prepare_cycle); this county weighs disunity more.
    IndicatorWeight.objects.update_or_create(
        cycle=world["cycle"], code="team_disunity", defaults={"weight": 10, "cap": 30}
    )
    assess(world, election, team_disunity=3)
    run(world)
    assert snapshot(election).score == Decimal("70.00")


def test_the_cycles_thresholds_are_used(world):
    cycle = world["cycle"]
    cycle.risk_red_max, cycle.risk_green_min = Decimal(50), Decimal(90)
    cycle.save()
    assess(world, world["home"][0], clan_gang_interference=3)  # 85
    make_red(world, world["home"][1])  # 58
    run(world)
    assert snapshot(world["home"][0]).colour == Colour.ORANGE
    assert snapshot(world["home"][1]).colour == Colour.ORANGE


def test_recompute_is_idempotent(world):
    make_red(world, world["home"][0])
    run(world)
    first = sorted(
        RiskSnapshot.objects.values_list("election_id", "week", "score", "colour", "breakdown", "stuck")
    )
    run(world)
    second = sorted(
        RiskSnapshot.objects.values_list("election_id", "week", "score", "colour", "breakdown", "stuck")
    )
    assert first == second and len(second) == 5
    assert RecomputeRun.objects.count() == 1
    assert TrailEntry.objects.filter(model_label="risk.risksnapshot").count() == 2


def test_a_failed_write_leaves_the_previous_snapshots(world):
    make_red(world, world["home"][0])
    run(world)
    assess(world, world["home"][0])  # back to all zero: would be green
    killed = mock.patch("risk.recompute.insert_rows", side_effect=RuntimeError("worker killed"))
    with killed, pytest.raises(RuntimeError):
        run(world)
    assert RiskSnapshot.objects.filter(week=MONDAY).count() == 5
    assert snapshot(world["home"][0]).colour == Colour.RED


def test_the_recompute_records_one_trail_entry_per_county(world):
    run(world)
    entry = TrailEntry.objects.get(model_label="risk.risksnapshot")
    assert entry.division_code == COUNTY
    assert entry.extra["operation"] == "recompute" and entry.extra["counts"]["villages"] == 5


def queries_for(world, week):
    with CaptureQueriesContext(connection) as ctx:
        run(world, week=week)
    return len(ctx.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_villages(world):
    for election in world["home"]:
        make_red(world, election)
    run(world)  # the first run creates the week's run record; later runs update it
    small = queries_for(world, MONDAY)
    more = add_villages(world["cycle"], "330702003", 30)
    for election in more[:10]:
        make_red(world, election)
        services.record_petition(
            election=election,
            subject="积案",
            received_on=MONDAY - WEEK,
            channel="visit",
            by=world["county_user"],
        )
    run(world)  # raises the new red villages' flags; the next run has none to move, as the first had
    large = queries_for(world, MONDAY)
    assert RiskSnapshot.objects.filter(week=MONDAY).count() == 35
    assert large == small


def history(world, election, colours_by_week):
    """Recompute the weeks given, making the village red or green in each."""
    for week, colour in colours_by_week:
        if colour == "red":
            make_red(world, election, week)
        else:
            assess(world, election, week)
        run(world, week=week)


def test_red_for_four_weeks_is_stuck(world):
    election = world["home"][0]
    weeks = [MONDAY - WEEK * n for n in (3, 2, 1, 0)]
    history(world, election, [(w, "red") for w in weeks])
    assert [snapshot(election, w).stuck for w in weeks] == [False, False, False, True]


def test_a_gap_in_the_weeks_breaks_the_run(world):
    election = world["home"][0]
    history(world, election, [(MONDAY - WEEK * n, "red") for n in (4, 2, 1, 0)])
    assert not snapshot(election).stuck


def test_green_for_four_weeks_is_not_stuck(world):
    election = world["home"][0]
    history(world, election, [(MONDAY - WEEK * n, "green") for n in (3, 2, 1, 0)])
    assert not snapshot(election).stuck


def test_red_to_green_in_one_week_without_a_closed_task_is_suspect(world):
    election = world["home"][0]
    history(world, election, [(MONDAY - WEEK, "red"), (MONDAY, "green")])
    assert snapshot(election).suspect and not snapshot(election, MONDAY - WEEK).suspect


def test_red_to_green_with_a_task_closed_that_week_is_not_suspect(world):
    election, by = world["home"][0], world["county_user"]
    history(world, election, [(MONDAY - WEEK, "red")])
    plan = services.open_plan(
        election=election,
        city_leader="市领导",
        county_leader="县领导",
        township_leader="镇书记",
        work_team="县委组织部工作组",
        stationed_on=MONDAY - WEEK,
        by=by,
    )
    task = services.add_task(plan=plan, description="化解信访积案", owner="镇信访办", due_on=MONDAY, by=by)
    services.close_task(task=task, closed_on=MONDAY - timedelta(days=2), result="已化解", by=by)
    history(world, election, [(MONDAY, "green")])
    assert snapshot(election).tasks_closed == 1 and not snapshot(election).suspect


def test_the_command_recomputes_the_current_cycles(world, capsys):
    make_red(world, world["home"][0])
    call_command("recompute_risk", "--week", (MONDAY + timedelta(days=3)).isoformat())
    out = capsys.readouterr().out
    assert "330702000000 2026-11-23: 5 villages, 1 red" in out
    assert RiskSnapshot.objects.filter(week=MONDAY).count() == 6  # both counties
    assert IndicatorWeight.objects.filter(cycle=world["cycle"]).count() == 15


def test_the_fan_out_task_sends_one_task_per_county(world):
    from risk import tasks

    assert tasks.recompute_week.delay(MONDAY.isoformat()).get() == 2
    assert RecomputeRun.objects.filter(week=MONDAY).count() == 2
    assert RiskSnapshot.objects.filter(week=MONDAY).count() == 6


def test_the_beat_schedule_runs_every_monday():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["risk-weekly-recompute"]
    assert entry["task"] == "risk.tasks.recompute_week"
    assert entry["schedule"].day_of_week == {1}
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"
