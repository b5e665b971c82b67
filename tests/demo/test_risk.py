"""The demo's 12 weeks of ratings: many red early, fewer later, one stuck village, one suspect jump."""

from datetime import date
from random import Random

import pytest
from django.db.models import Count

from demo import base as elections_demo
from demo import risk as demo
from demo.base import DemoContext
from demo.lifecycle import plans_of
from elections.models import VillageElection
from risk.models import Interview, PlanStatus, RecomputeRun, RectificationPlan, RiskSnapshot
from risk.selectors import red_village_open
from risk.weeks import week_of
from trail.services import verify_chain

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 25)


@pytest.fixture
def ctx():
    context = DemoContext(rng=Random(11), villages=150, today=TODAY)
    elections_demo.seed(context)
    demo.seed(context)
    return context


def reds_by_week():
    rows = RiskSnapshot.objects.filter(colour="red").values("week").annotate(n=Count("id")).order_by("week")
    return [row["n"] for row in rows]


def test_twelve_weeks_for_every_village_ending_this_week(ctx):
    weeks = sorted(set(RiskSnapshot.objects.values_list("week", flat=True)))
    assert len(weeks) == 12 and weeks[-1] == week_of(TODAY)
    assert RiskSnapshot.objects.filter(week=weeks[-1]).count() == 150
    assert RecomputeRun.objects.filter(week=weeks[-1]).count() == len(ctx.counties)


def test_many_red_early_fewer_later(ctx):
    reds = reds_by_week()
    assert reds[0] >= 3 * reds[-1] and reds[0] >= 20
    # Fewer each week, give or take a village: the automatic indicators read the real records (audit
    # findings, overdue steps), which move a few villages by a point or two either way.
    assert all(later <= earlier + 2 for earlier, later in zip(reds, reds[1:], strict=False)), reds
    assert sum(reds[6:]) * 2 < sum(reds[:6]), reds


def test_one_village_stuck_red_with_interviews_and_one_suspect_jump(ctx):
    last = week_of(TODAY)
    stuck_red = RiskSnapshot.objects.filter(week=last, colour="red", stuck=True)
    assert stuck_red.exists()
    red = {pk for pk, plan in plans_of(ctx).items() if plan.red}  # in preparation or postponed
    first = RiskSnapshot.objects.filter(week=last, election_id__in=red).order_by("division_code").first()
    assert first.colour == "red" and first.stuck
    assert Interview.objects.filter(election_id=first.election_id).count() == 3
    suspect = RiskSnapshot.objects.get(week=last, suspect=True)
    assert suspect.colour == "green" and red_village_open(suspect.election)


def test_only_villages_kept_in_preparation_or_postponed_are_red(ctx):
    red = {pk for pk, plan in plans_of(ctx).items() if plan.red}
    open_now = {e.pk for e in VillageElection.objects.all() if red_village_open(e)}
    assert open_now == red


def test_recovered_villages_are_closed_out(ctx):
    closed = RectificationPlan.objects.filter(status=PlanStatus.CLOSED_OUT)
    assert closed.exists()
    assert not any(red_village_open(plan.election) for plan in closed.select_related("election"))


def test_the_trail_stays_intact(ctx):
    assert verify_chain().ok
